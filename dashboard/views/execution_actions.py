"""The execution page's data and buttons: events, attempts, retry, give up, resolve, live updates.

Actions go through `workers.operations`, the path the command line uses, so a
retry from the dashboard is created, audited and sent exactly like one from a
terminal; the request itself never runs a feed. Ops and admins may press them.

Live updates: while an execution is queued, running or retrying, its page polls
`live/<id>/` (static/channelhub.js) and swaps in the parts that changed, rendered
by the same Jinja macros as the page itself, so the two can never disagree.
"""

from __future__ import annotations

from flask import flash, get_template_attribute, jsonify, redirect, request, url_for
from flask_admin import expose
from markupsafe import Markup

from dashboard import formatting
from dashboard.auth import actor_name, safe_next
from dashboard.ids import parse_id
from models import (
    ExecutionAttempt,
    ExecutionEvent,
    ExecutionStatus,
    FeedExecution,
    Order,
    Severity,
)
from workers.operations import OperationRefused, give_up, resolve_execution, retry_execution

EVENT_PAGE = 200
LIVE_EVENT_BATCH = 100
PARTS = "channelhub/execution_parts.html"
RETRYABLE = {
    ExecutionStatus.FAILED.value,
    ExecutionStatus.LOST.value,
    ExecutionStatus.PARTIAL.value,
    ExecutionStatus.RETRYING.value,
}
GIVE_UP = {ExecutionStatus.QUEUED.value, ExecutionStatus.RETRYING.value, ExecutionStatus.LOST.value}
ACTIVE = {s.value for s in ExecutionStatus.active()}
OPTIONAL_ROWS = {"Worker", "Lease expires", "Settings version", "Schedule slot", "Summary"}


def _id_arg(name: str) -> int | None:
    return parse_id(request.args.get(name))


class ExecutionActionsMixin:
    """Mixed into FeedExecutionView: helpers for its details template, and its POST actions."""

    # -- what the details page shows ---------------------------------------------
    def severity_filter(self) -> str | None:
        value = request.args.get("severity")
        return value if value in {s.value for s in Severity} else None

    def events_of(
        self, execution: FeedExecution, after: int | None = None, limit: int | None = None
    ) -> list[ExecutionEvent]:
        """A page of events in id order (index execution_id, id), optionally one severity."""
        query = ExecutionEvent.select().where(ExecutionEvent.execution == execution.id)
        severity = self.severity_filter()
        if severity:
            query = query.where(ExecutionEvent.severity == severity)
        if after:
            query = query.where(ExecutionEvent.id > after)
        return list(query.order_by(ExecutionEvent.id).limit(limit or EVENT_PAGE))

    def after_arg(self) -> int:
        """The event id a page of events starts after (`?after=`), 0 for the first page."""
        return _id_arg("after") or 0

    @property
    def event_page(self) -> int:
        return EVENT_PAGE

    def record_links(self, execution: FeedExecution, events) -> dict[str, int]:
        """record_ref -> order id, for the events' records that are orders (one query)."""
        refs = {e.record_ref for e in events if e.record_ref}
        if not refs:
            return {}
        rows = Order.select(Order.id, Order.channel_order_id).where(
            (Order.integration == execution.integration_id) & Order.channel_order_id.in_(refs)
        )
        return {o.channel_order_id: o.id for o in rows}

    def attempts_of(self, execution: FeedExecution) -> list[ExecutionAttempt]:
        return list(
            ExecutionAttempt.select()
            .where(ExecutionAttempt.execution == execution.id)
            .order_by(ExecutionAttempt.number)
        )

    def unresolved_errors_of(self, execution: FeedExecution) -> int:
        if not execution.error_events:
            return 0
        return (
            ExecutionEvent.select(ExecutionEvent.id)
            .where(
                (ExecutionEvent.execution == execution.id)
                & (ExecutionEvent.severity == Severity.ERROR.value)
                & ExecutionEvent.resolved_at.is_null()
            )
            .count()
        )

    def actions_for(self, execution: FeedExecution) -> dict[str, bool]:
        return {
            "retry": execution.status in RETRYABLE,
            "give_up": execution.status in GIVE_UP,
            "active": execution.status in ACTIVE,
        }

    def detail_rows(self, execution: FeedExecution) -> list[tuple[str, object]]:
        """Label and value per field of the execution card (optional ones only when set)."""
        return [
            (label, value)
            for label, value in self._all_detail_rows(execution)
            if value not in ("", None) or label not in OPTIONAL_ROWS
        ]

    def _all_detail_rows(self, execution: FeedExecution) -> list[tuple[str, object]]:
        fmt = formatting
        feed_label = f"{execution.kind} #{execution.feed_id}"
        return [
            (
                "Feed",
                Markup('<a href="{}">{}</a>').format(
                    url_for("feed.details_view", id=execution.feed_id), feed_label
                ),
            ),
            (
                "Integration",
                Markup('<a href="{}">{}</a> {}').format(
                    url_for("integration.details_view", id=execution.integration.id),
                    execution.integration.name,
                    fmt.mode_badge(execution.integration.mode),
                ),
            ),
            ("Trigger", execution.trigger + (" (forced)" if execution.force else "")),
            ("Attempt", fmt.attempt_text(execution)),
            ("Queued", fmt.utc(execution.queued_at)),
            ("Started", fmt.utc(execution.started_at)),
            ("Finished", fmt.utc(execution.finished_at)),
            ("Duration", fmt.duration(execution.duration_seconds)),
            (
                "Records",
                Markup("{} seen · {} created · {} updated · {} skipped").format(
                    execution.seen, execution.created, execution.updated, execution.skipped
                ),
            ),
            (
                "Events",
                fmt.event_badges(
                    execution.info_events, execution.retry_events, execution.error_events
                ),
            ),
            ("Summary", execution.summary),
            ("Schedule slot", fmt.utc(execution.due_at)),
            ("Worker", execution.worker or ""),
            (
                "Lease expires",
                fmt.utc(execution.lease_expires_at)
                if execution.status == ExecutionStatus.RUNNING.value
                else "",
            ),
            ("Settings version", execution.settings_version or ""),
        ]

    def load_execution(self, execution_id: int) -> FeedExecution | None:
        return self.get_one(execution_id)

    # -- live updates ---------------------------------------------------------------
    @expose("/live/<int:execution_id>/")
    def live_view(self, execution_id: int):
        """The changing parts of an execution page, as HTML fragments in JSON (GET, read-only)."""
        execution = self.load_execution(execution_id)
        if execution is None:
            return jsonify(error="no such execution"), 404
        after = self.after_arg()
        events = self.events_of(execution, after=after, limit=LIVE_EVENT_BATCH)
        part = lambda name: get_template_attribute(PARTS, name)  # noqa: E731
        context = {"view": self, "model": execution}
        return jsonify(
            status=execution.status,
            active=execution.status in ACTIVE,
            header=str(part("header")(**context, unresolved=self.unresolved_errors_of(execution))),
            fields=str(part("fields")(**context)),
            attempts=str(part("attempts")(**context, attempts=self.attempts_of(execution))),
            tabs=str(part("event_tabs")(**context, severity=self.severity_filter())),
            events=str(
                part("event_rows")(
                    **context, events=events, records=self.record_links(execution, events)
                )
            ),
            last_event_id=events[-1].id if events else after,
        )

    # -- actions --------------------------------------------------------------------
    def _back(self, execution_id: int) -> str:
        return safe_next(request.form.get("next"), url_for(".details_view", id=execution_id))

    @expose("/retry/<int:execution_id>/", methods=("POST",))
    def retry_view(self, execution_id: int):
        try:
            result = retry_execution(execution_id, actor=actor_name())
        except OperationRefused as exc:
            flash(f"Not retried: {exc}.", "warning")
            return redirect(self._back(execution_id))
        if result.id == execution_id:
            flash(f"Execution #{execution_id} is sent again now.", "success")
            return redirect(self._back(execution_id))
        flash(f"Retry queued as execution #{result.id}.", "success")
        return redirect(url_for(".details_view", id=result.id))

    @expose("/give-up/<int:execution_id>/", methods=("POST",))
    def give_up_view(self, execution_id: int):
        try:
            give_up(execution_id, actor=actor_name())
        except OperationRefused as exc:
            flash(f"Nothing changed: {exc}.", "warning")
        else:
            flash(f"Execution #{execution_id} given up: it is failed now.", "success")
        return redirect(self._back(execution_id))

    @expose("/resolve/<int:execution_id>/", methods=("POST",))
    def resolve_view(self, execution_id: int):
        if not FeedExecution.select().where(FeedExecution.id == execution_id).exists():
            flash(f"Nothing changed: execution #{execution_id} does not exist.", "warning")
            return redirect(url_for(".index_view"))
        changed = resolve_execution(execution_id, actor=actor_name())
        if not changed:
            flash(f"Execution #{execution_id} has no unresolved error: nothing changed.", "info")
        else:
            errors = "1 error" if changed == 1 else f"{changed} errors"
            flash(f"{errors} of execution #{execution_id} marked resolved.", "success")
        return redirect(self._back(execution_id))
