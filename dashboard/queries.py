"""The few queries the dashboard runs outside Flask-Admin's list machinery.

Each one is a single statement on an indexed filter, because several of them run
on every page (the bell) and the execution table grows without bound.
"""

from __future__ import annotations

import datetime as dt

import peewee

from models import (
    ExecutionEvent,
    ExecutionStatus,
    FeedExecution,
    Integration,
    Severity,
    utcnow,
)


def unresolved_errors() -> peewee.ModelSelect:
    """Error events nobody resolved yet: what the bell counts (index severity, resolved_at)."""
    return ExecutionEvent.select().where(
        (ExecutionEvent.severity == Severity.ERROR.value) & (ExecutionEvent.resolved_at.is_null())
    )


def unresolved_error_count() -> int:
    return unresolved_errors().count()


def integration_options() -> list[tuple[str, str]]:
    """(id, label) pairs for the integration filter drop-downs."""
    rows = (
        Integration.select(Integration.id, Integration.name, Integration.channel)
        .order_by(Integration.name)
        .tuples()
    )
    return [(str(pk), f"{name} ({channel})") for pk, name, channel in rows]


def status_counts(since: dt.datetime) -> dict[str, int]:
    """Executions queued since `since`, per status (index on queued_at)."""
    rows = (
        FeedExecution.select(FeedExecution.status, peewee.fn.COUNT(FeedExecution.id))
        .where(FeedExecution.queued_at >= since)
        .group_by(FeedExecution.status)
        .tuples()
    )
    return {status: count for status, count in rows}


def home_summary(now: dt.datetime | None = None) -> dict:
    """What the home page shows: the last 24 hours and what needs a person."""
    now = now or utcnow()
    counts = status_counts(now - dt.timedelta(hours=24))
    active = sum(counts.get(s.value, 0) for s in ExecutionStatus.active())
    latest_errors = list(
        unresolved_errors()
        .select(ExecutionEvent, Integration.id, Integration.name, Integration.channel)
        .join(Integration, on=(ExecutionEvent.integration == Integration.id))
        .order_by(ExecutionEvent.id.desc())
        .limit(10)
    )
    paused = list(
        Integration.select(
            Integration.id, Integration.name, Integration.channel, Integration.paused_reason
        )
        .where(Integration.paused_reason.is_null(False))
        .order_by(Integration.name)
    )
    return {
        "counts": counts,
        "active": active,
        "failed": counts.get(ExecutionStatus.FAILED.value, 0)
        + counts.get(ExecutionStatus.LOST.value, 0),
        "succeeded": counts.get(ExecutionStatus.SUCCEEDED.value, 0),
        "total": sum(counts.values()),
        "unresolved": unresolved_error_count(),
        "latest_errors": latest_errors,
        "paused": paused,
    }
