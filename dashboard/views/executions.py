"""Feed executions and their events: what ops look at first.

The list is one query however many rows it shows: the feed and integration are
joined up front (only the columns the page needs), the event counters are
columns of the execution itself, and no COUNT(*) runs over the whole table.
"""

from __future__ import annotations

from flask import url_for
from flask_admin.contrib.peewee import filters as pf
from markupsafe import Markup

from dashboard import formatting
from dashboard.queries import integration_options
from dashboard.views.base import ForeignKeyFilter, SecureModelView, choice_filter, link
from models import (
    ExecutionAttempt,
    ExecutionEvent,
    ExecutionStatus,
    Feed,
    FeedExecution,
    FeedKind,
    Integration,
    Severity,
    Trigger,
)

EVENT_LIMIT = 500  # a details page shows at most this many events


def _integration_link(view, context, model, name) -> Markup:
    integration = model.integration
    return link("integration.details_view", integration.id, integration.name)


def _status(view, context, model, name) -> Markup:
    html = formatting.status_badge(model.status)
    if model.status == ExecutionStatus.RETRYING.value and model.next_attempt_at:
        html += Markup('<div class="small text-muted">next try {}</div>').format(
            formatting.utc(model.next_attempt_at, seconds=False)
        )
    return html


def _attempt(view, context, model, name) -> str:
    return f"{model.attempt}/{model.max_attempts}"


def _duration(view, context, model, name) -> str:
    return formatting.duration(model.duration_seconds)


def _counters(view, context, model, name) -> Markup:
    return Markup(
        '<span title="seen / created / updated / skipped" class="text-nowrap">'
        "{} / {} / {} / {}</span>"
    ).format(model.seen, model.created, model.updated, model.skipped)


def event_badges(info: int, retry: int, error: int) -> Markup:
    parts = [
        Markup('<span class="badge badge-{}">{} {}</span>').format(colour, count, label)
        for count, label, colour in (
            (info, "info", "info"),
            (retry, "retry", "warning"),
            (error, "error", "danger"),
        )
        if count
    ]
    return Markup(" ").join(parts) if parts else Markup('<span class="text-muted">—</span>')


def _events(view, context, model, name) -> Markup:
    return event_badges(model.info_events, model.retry_events, model.error_events)


def _summary(view, context, model, name) -> str:
    return formatting.truncate(model.summary, 160)


def _kind(view, context, model, name) -> Markup:
    return link("feed.details_view", model.feed_id, model.kind)


class FeedExecutionView(SecureModelView):
    """`/admin/feedexecution/`: every run of every feed, newest first."""

    prejoined = (Feed, Integration)
    column_list = (
        "id",
        "kind",
        "integration",
        "trigger",
        "status",
        "attempt",
        "queued_at",
        "started_at",
        "duration",
        "counters",
        "events",
        "summary",
    )
    column_labels = {
        "id": "#",
        "kind": "Feed kind",
        "queued_at": "Queued",
        "started_at": "Started",
        "finished_at": "Finished",
        "due_at": "Due (schedule slot)",
        "next_attempt_at": "Next attempt",
        "retry_after_seconds": "Retry-After (s)",
        "redeliver_at": "Re-send if still waiting at",
        "lease_expires_at": "Lease expires",
        "seen": "Records seen",
        "created": "Records created",
        "updated": "Records updated",
        "skipped": "Records skipped",
        "created_at": "Row created",
        "updated_at": "Row updated",
        "counters": "Seen / created / updated / skipped",
        "events": "Events",
    }
    column_details_list = (
        "id",
        "feed",
        "integration",
        "trigger",
        "status",
        "summary",
        "attempt",
        "queued_at",
        "started_at",
        "finished_at",
        "duration",
        "next_attempt_at",
        "retry_after_seconds",
        "redeliver_at",
        "lease_expires_at",
        "worker",
        "settings_version",
        "due_at",
        "force",
        "seen",
        "created",
        "updated",
        "skipped",
        "info_events",
        "retry_events",
        "error_events",
        "created_at",
        "updated_at",
    )
    column_sortable_list = ("id", "queued_at", "started_at")
    column_formatters = {
        "kind": _kind,
        "integration": _integration_link,
        "status": _status,
        "attempt": _attempt,
        "duration": _duration,
        "counters": _counters,
        "events": _events,
        "summary": _summary,
    }
    column_formatters_detail = {
        "integration": _integration_link,
        "status": _status,
        "attempt": _attempt,
        "duration": _duration,
        "feed": lambda v, c, m, n: link("feed.details_view", m.feed_id, f"{m.kind} #{m.feed_id}"),
    }
    column_filters = (
        choice_filter(FeedExecution.status, "Status", [s.value for s in ExecutionStatus]),
        ForeignKeyFilter(FeedExecution.integration, "Integration", integration_options),
        choice_filter(FeedExecution.kind, "Kind", [k.value for k in FeedKind]),
        choice_filter(FeedExecution.trigger, "Trigger", [t.value for t in Trigger]),
        pf.DateTimeBetweenFilter(FeedExecution.queued_at, "Queued (UTC)"),
        pf.DateTimeGreaterFilter(FeedExecution.queued_at, "Queued (UTC)"),
        pf.DateTimeSmallerFilter(FeedExecution.queued_at, "Queued (UTC)"),
    )
    details_template = "channelhub/execution_details.html"
    empty_message = "No feed has run yet. Feeds run on their schedule, or press Run now on Feeds."

    def get_query(self):
        return (
            FeedExecution.select(
                FeedExecution,
                Feed.id,
                Feed.kind,
                Feed.direction,
                Integration.id,
                Integration.name,
                Integration.channel,
            )
            .join(Feed, on=(FeedExecution.feed == Feed.id))
            .switch(FeedExecution)
            .join(Integration, on=(FeedExecution.integration == Integration.id))
            .switch(FeedExecution)
        )

    def events_of(self, execution: FeedExecution) -> list[ExecutionEvent]:
        return list(
            ExecutionEvent.select()
            .where(ExecutionEvent.execution == execution.id)
            .order_by(ExecutionEvent.id)
            .limit(EVENT_LIMIT)
        )

    def attempts_of(self, execution: FeedExecution) -> list[ExecutionAttempt]:
        return list(
            ExecutionAttempt.select()
            .where(ExecutionAttempt.execution == execution.id)
            .order_by(ExecutionAttempt.number)
        )


def _execution_link(view, context, model, name) -> Markup:
    return link("feedexecution.details_view", model.execution_id, f"#{model.execution_id}")


class ExecutionEventView(SecureModelView):
    """`/admin/executionevent/`: problems across all runs; the bell links here."""

    prejoined = (Integration,)
    column_list = (
        "id",
        "created_at",
        "execution",
        "integration",
        "severity",
        "code",
        "message",
        "record_ref",
        "resolved_at",
    )
    column_labels = {
        "id": "#",
        "created_at": "At",
        "record_ref": "Record",
        "resolved_at": "Resolved at",
    }
    column_sortable_list = ("id",)
    column_formatters = {
        "execution": _execution_link,
        "integration": _integration_link,
        "severity": lambda v, c, m, n: formatting.severity_badge(m.severity),
        "message": lambda v, c, m, n: formatting.truncate(m.message, 200),
    }
    column_formatters_detail = {
        "execution": _execution_link,
        "integration": _integration_link,
        "severity": lambda v, c, m, n: formatting.severity_badge(m.severity),
    }
    column_details_exclude_list = ("fingerprint",)
    column_filters = (
        choice_filter(ExecutionEvent.severity, "Severity", [s.value for s in Severity]),
        pf.FilterEmpty(ExecutionEvent.resolved_at, "Resolved at"),
        ForeignKeyFilter(ExecutionEvent.integration, "Integration", integration_options),
        pf.FilterEqual(ExecutionEvent.code, "Code"),
        pf.FilterEqual(ExecutionEvent.record_ref, "Record"),
    )
    empty_message = "No events recorded."

    def get_query(self):
        return (
            ExecutionEvent.select(
                ExecutionEvent, Integration.id, Integration.name, Integration.channel
            )
            .join(Integration, on=(ExecutionEvent.integration == Integration.id))
            .switch(ExecutionEvent)
        )


def unresolved_errors_url() -> str:
    """The events list filtered the way the bell counts (see `queries.unresolved_errors`)."""
    return url_for(
        "executionevent.index_view",
        flt0_severity_equals=Severity.ERROR.value,
        flt1_resolved_at_empty="1",
    )
