"""Feeds: schedules, next runs, enable/disable and the "Run now" button.

"Run now" only enqueues: it creates a queued execution and sends its message
through `workers.dispatch.run_now`, exactly as the scheduler does. The request
never runs the feed itself. Ops and admins may press it; only admins edit a
feed's schedule or switch it on and off, through `workers.configuration` (the
path the command line takes, with the same validation and audit).
"""

from __future__ import annotations

from flask import abort, flash, get_template_attribute, jsonify, redirect, request, url_for
from flask_admin import expose
from flask_admin.contrib.peewee import filters as pf
from flask_admin.model.template import BaseListRowAction
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup
from wtforms.validators import NumberRange, Optional, ValidationError

from dashboard import formatting
from dashboard.auth import actor_name, is_admin, safe_next
from dashboard.ids import parse_id
from dashboard.queries import integration_options
from dashboard.views.base import ForeignKeyFilter, SecureModelView, choice_filter, link
from models import (
    Direction,
    ExecutionStatus,
    Feed,
    FeedExecution,
    FeedKind,
    Integration,
    database,
    utcnow,
)
from scheduler.schedules import ScheduleInvalid, upcoming, validate_cron
from workers.configuration import set_feed_enabled, set_feed_schedule
from workers.dispatch import run_now
from workers.provisioning import ProvisioningError, audit

EDITABLE = ("enabled", "schedule_cron", "interval_seconds", "peak_schedule_cron")
# A longer wait is a cron schedule; the limit also keeps the value inside the integer column.
MAX_INTERVAL_SECONDS = 366 * 24 * 3600
INTERVAL_TOO_LONG = f"The interval is at most {MAX_INTERVAL_SECONDS} seconds (a year): use a cron."


def run_now_button(feed_id: int, next_url: str, css: str = "btn-outline-primary") -> Markup:
    """A small POST form (CSRF token included): "Run now" changes state, so it is never a link."""
    return Markup(
        '<form method="post" action="{}" class="d-inline ch-run-now">'
        '<input type="hidden" name="csrf_token" value="{}">'
        '<input type="hidden" name="next" value="{}">'
        '<button type="submit" class="btn btn-sm {}" title="Queue a manual execution now">'
        '<span class="fa fa-play"></span> Run now</button></form>'
    ).format(url_for("feed.run_now_view", feed_id=feed_id), generate_csrf(), next_url, css)


class RunNowRowAction(BaseListRowAction):
    def __init__(self) -> None:
        super().__init__(title="Run now")

    def render(self, context, row_id, row) -> Markup:
        return run_now_button(int(row_id), context.resolve("return_url"))


def _cron_validator(form, field) -> None:
    if field.data:
        try:
            validate_cron(field.data)
        except ScheduleInvalid as exc:
            raise ValidationError(str(exc)) from None


def _schedule(view, context, model, name) -> Markup:
    text = Markup("{}").format(model.schedule_text())
    if model.peak_schedule_cron:
        text += Markup('<div class="small text-muted">peak: {}</div>').format(
            model.peak_schedule_cron
        )
    return text


def _integration(view, context, model, name) -> Markup:
    return link("integration.details_view", model.integration.id, model.integration.name)


def _next_run(view, context, model, name) -> Markup | str:
    if not model.enabled:
        return Markup('<span class="text-muted">disabled</span>')
    if model.next_run_at is None:
        return Markup('<span class="text-muted">on demand</span>')
    return Markup('{}<div class="small text-muted">{}</div>').format(
        formatting.utc(model.next_run_at, seconds=False), formatting.ago(model.next_run_at)
    )


def schedule_preview(cron: str | None, interval: str | None) -> dict:
    """The next three run times of a schedule being typed, or why it is not valid."""
    cron = (cron or "").strip() or None
    interval = (interval or "").strip() or None
    if cron and interval:
        return {"ok": False, "error": "Give a cron schedule or an interval, not both."}
    if not cron and not interval:
        return {"ok": False, "error": "Give a cron schedule or an interval."}
    try:
        if cron:
            validate_cron(cron)
        seconds = int(interval) if interval else None
    except ScheduleInvalid as exc:
        return {"ok": False, "error": str(exc)}
    except ValueError:
        return {"ok": False, "error": "The interval is a whole number of seconds."}
    if seconds is not None and seconds <= 0:
        return {"ok": False, "error": "The interval must be positive."}
    if seconds is not None and seconds > MAX_INTERVAL_SECONDS:
        return {"ok": False, "error": INTERVAL_TOO_LONG}
    return {"ok": True, "times": upcoming(cron, seconds, count=3, now=utcnow())}


class FeedView(SecureModelView):
    """`/admin/feed/`: one row per (integration, kind)."""

    prejoined = (Integration,)
    admin_can_edit = True
    column_list = (
        "id",
        "integration",
        "mode",
        "kind",
        "direction",
        "schedule",
        "next_run_at",
        "enabled",
    )
    column_labels = {"id": "#", "next_run_at": "Next run (UTC)"}
    column_sortable_list = ("id", "kind", "next_run_at")
    column_default_sort = ("id", False)
    column_formatters = {
        "integration": _integration,
        "kind": lambda v, c, m, n: link("feed.details_view", m.id, m.kind),
        "mode": lambda v, c, m, n: formatting.mode_badge(m.integration.mode),
        "schedule": _schedule,
        "next_run_at": _next_run,
    }
    column_formatters_detail = {"integration": _integration}
    column_extra_row_actions = [RunNowRowAction()]
    column_filters = (
        ForeignKeyFilter(Feed.integration, "Integration", integration_options),
        choice_filter(Feed.kind, "Kind", [k.value for k in FeedKind]),
        choice_filter(Feed.direction, "Direction", [d.value for d in Direction]),
        pf.BooleanEqualFilter(Feed.enabled, "Enabled"),
    )
    form_columns = EDITABLE
    form_args = {
        "schedule_cron": {
            "label": "Schedule (cron, UTC)",
            "description": "Five fields, e.g. */5 * * * *. Leave empty to use the interval.",
            "validators": [Optional(), _cron_validator],
        },
        "interval_seconds": {
            "label": "Interval (seconds)",
            "description": "Used when no cron is given: seconds between two runs.",
            "validators": [
                Optional(),
                NumberRange(max=MAX_INTERVAL_SECONDS, message=INTERVAL_TOO_LONG),
            ],
        },
        "peak_schedule_cron": {
            "label": "Peak schedule (cron, UTC)",
            "validators": [Optional(), _cron_validator],
        },
    }
    details_template = "channelhub/feed_details.html"
    edit_template = "channelhub/feed_edit.html"
    empty_message = "No feeds: they are created with their integration."

    def get_query(self):
        return (
            Feed.select(
                Feed.id,
                Feed.integration,
                Feed.kind,
                Feed.direction,
                Feed.schedule_cron,
                Feed.interval_seconds,
                Feed.peak_schedule_cron,
                Feed.next_run_at,
                Feed.enabled,
                Integration.id,
                Integration.name,
                Integration.channel,
                Integration.mode,
            )
            .join(Integration, on=(Feed.integration == Integration.id))
            .switch(Feed)
        )

    def get_one(self, id):
        pk = parse_id(id)
        if pk is None:
            return None
        # The whole integration: a channel may derive the feed's timing from its settings.
        return (
            Feed.select(Feed, Integration)
            .join(Integration, on=(Feed.integration == Integration.id))
            .where(Feed.id == pk)
            .first()
        )

    def recent_executions(self, feed: Feed, limit: int = 20) -> list[FeedExecution]:
        return list(
            FeedExecution.select()
            .where(FeedExecution.feed == feed.id)
            .order_by(FeedExecution.queued_at.desc(), FeedExecution.id.desc())
            .limit(limit)
        )

    def next_runs(self, feed: Feed) -> list:
        if not feed.enabled:
            return []
        return upcoming(feed, count=3, now=utcnow())

    def preview(self, cron, interval) -> dict:
        return schedule_preview(cron, None if interval in (None, "") else str(interval))

    def validate_form(self, form) -> bool:
        """The edit form's cross-field rule (Flask-Admin validates its other forms here too)."""
        ok = super().validate_form(form)
        if not hasattr(form, "schedule_cron"):  # the list's action form or the delete form
            return ok
        if ok and form.schedule_cron.data and form.interval_seconds.data:
            form.interval_seconds.errors = ["Give a cron schedule or an interval, not both."]
            return False
        return ok

    def update_model(self, form, model: Feed) -> bool:
        """Schedule, peak schedule and enabled, each through its audited service."""
        actor = actor_name()
        cron = (form.schedule_cron.data or "").strip() or None
        interval = form.interval_seconds.data or None
        peak = (form.peak_schedule_cron.data or "").strip() or None
        enabled = bool(form.enabled.data)
        try:
            with database.atomic():
                if (cron, interval) != (model.schedule_cron, model.interval_seconds):
                    set_feed_schedule(model, cron=cron, interval_seconds=interval, actor=actor)
                if peak != model.peak_schedule_cron:
                    audit(
                        actor,
                        "peak_schedule",
                        model,
                        {"peak_schedule_cron": {"old": model.peak_schedule_cron, "new": peak}},
                    )
                    model.peak_schedule_cron = peak
                    model.save(only=[Feed.peak_schedule_cron, Feed.updated_at])
                set_feed_enabled(model, enabled, actor=actor)
        except ProvisioningError as exc:
            target = form.interval_seconds if interval and not cron else form.schedule_cron
            target.errors = [*target.errors, str(exc).capitalize() + "."]
            flash("Nothing was saved: fix the fields marked below.", "danger")
            return False
        return True

    @expose("/preview/")
    def preview_view(self):
        """Next run times of a schedule as it is typed (the edit form asks while you type)."""
        result = schedule_preview(request.args.get("cron"), request.args.get("interval"))
        macro = get_template_attribute("channelhub/macros.html", "schedule_preview")
        return jsonify(ok=result["ok"], html=str(macro(result)))

    @expose("/enabled/<int:feed_id>/", methods=("POST",))
    def enabled_view(self, feed_id: int):
        """Admin-only switch: a disabled feed is never scheduled (Run now still works)."""
        if not is_admin():
            abort(403)
        back = safe_next(request.form.get("next"), url_for(".details_view", id=feed_id))
        feed = Feed.get_or_none(Feed.id == feed_id)
        if feed is None:
            flash(f"Feed #{feed_id} does not exist.", "danger")
            return redirect(url_for(".index_view"))
        wanted = request.form.get("enabled")
        if wanted not in ("0", "1"):  # anything else must not read as "disable"
            flash("Nothing changed: enabled must be 1 (enable) or 0 (disable).", "danger")
            return redirect(back)
        enabled = wanted == "1"
        if set_feed_enabled(feed, enabled, actor=actor_name()):
            flash(f"Feed {feed.kind} is {'enabled' if enabled else 'disabled'}.", "success")
        return redirect(back)

    @expose("/run/<int:feed_id>/", methods=("POST",))
    def run_now_view(self, feed_id: int):
        """POST only, CSRF-checked by the app: queue a manual execution of one feed."""
        back = safe_next(request.form.get("next"), url_for(".index_view"))
        if Feed.get_or_none(Feed.id == feed_id) is None:
            flash(f"Feed #{feed_id} does not exist.", "danger")
            return redirect(back)
        execution = run_now(feed_id)
        if execution.status == ExecutionStatus.SKIPPED.value:
            flash(f"Execution #{execution.id} skipped: {execution.summary}", "warning")
        else:
            flash(f"Execution #{execution.id} queued.", "success")
        return redirect(back)
