"""Feeds: schedules, next runs and the "Run now" button.

"Run now" only enqueues: it creates a queued execution and sends its message
through `workers.dispatch.run_now`, exactly as the scheduler does. The request
never runs the feed itself. Ops and admins may press it; only admins edit a
feed's schedule.
"""

from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask_admin import expose
from flask_admin.contrib.peewee import filters as pf
from flask_admin.model.template import BaseListRowAction
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup
from wtforms.validators import NumberRange, Optional, ValidationError

from dashboard.auth import actor_name, safe_next
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
from scheduler.schedules import ScheduleInvalid, next_run, validate_cron
from workers.dispatch import run_now
from workers.provisioning import audit

EDITABLE = ("enabled", "schedule_cron", "interval_seconds", "peak_schedule_cron")


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


class FeedView(SecureModelView):
    """`/admin/feed/`: one row per (integration, kind)."""

    prejoined = (Integration,)
    admin_can_edit = True
    column_list = ("id", "integration", "kind", "direction", "schedule", "next_run_at", "enabled")
    column_labels = {"id": "#", "next_run_at": "Next run"}
    column_sortable_list = ("id", "kind", "next_run_at")
    column_default_sort = ("id", False)
    column_formatters = {"integration": _integration, "schedule": _schedule}
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
            "description": "Used when no cron is given. Leave both empty to run on demand only.",
            "validators": [Optional(), NumberRange(min=30, max=7 * 86400)],
        },
        "peak_schedule_cron": {
            "label": "Peak schedule (cron, UTC)",
            "validators": [Optional(), _cron_validator],
        },
    }
    details_template = "channelhub/feed_details.html"
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
            )
            .join(Integration, on=(Feed.integration == Integration.id))
            .switch(Feed)
        )

    def get_one(self, id):
        try:
            pk = int(id)
        except (TypeError, ValueError):
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

    def validate_form(self, form) -> bool:
        ok = super().validate_form(form)
        if ok and form.schedule_cron.data and form.interval_seconds.data:
            form.interval_seconds.errors = ["Give a cron schedule or an interval, not both."]
            return False
        return ok

    def update_model(self, form, model: Feed) -> bool:
        """Apply the schedule change, move `next_run_at` to match, and audit it."""
        values = {name: form[name].data for name in EDITABLE}
        for name in ("schedule_cron", "peak_schedule_cron"):
            values[name] = (values[name] or "").strip() or None
        values["enabled"] = bool(values["enabled"])
        changes = {
            name: {"old": getattr(model, name), "new": value}
            for name, value in values.items()
            if getattr(model, name) != value
        }
        if not changes:
            return True
        for name, value in values.items():
            setattr(model, name, value)
        if model.enabled:
            now = utcnow()
            model.next_run_at = next_run(model, now, now)
        with database.atomic():
            model.save(
                only=[*[getattr(Feed, n) for n in EDITABLE], Feed.next_run_at, Feed.updated_at]
            )
            audit(actor_name(), "update", model, changes)
        return True

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
