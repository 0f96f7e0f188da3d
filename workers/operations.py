"""What ops do to executions and events: retry, give up, resolve. One path for CLI and dashboard.

Every action enqueues or records; none runs a feed in the caller's process.
"""

from __future__ import annotations

import datetime as dt

from models import (
    AuditLog,
    ExecutionEvent,
    ExecutionStatus,
    Feed,
    FeedExecution,
    Severity,
    Trigger,
    database,
    utcnow,
)
from workers import dispatch
from workers.recorder import close_with_event


class OperationRefused(ValueError):
    """The action does not apply to the record in its current state (the message says why)."""


def _audit(actor: str, action: str, model: str, object_id, changes: dict) -> None:
    AuditLog.create(
        actor=actor, action=action, model=model, object_id=str(object_id), changes=changes
    )


def retry_execution(
    execution_id: int, *, actor: str, now: dt.datetime | None = None
) -> FeedExecution:
    """'Retry now': a waiting retry is sent at once; a failed or lost run gets a new execution."""
    now = now or utcnow()
    execution = FeedExecution.get_or_none(FeedExecution.id == execution_id)
    if execution is None:
        raise OperationRefused(f"no execution with id {execution_id}")
    if execution.status == ExecutionStatus.RETRYING.value:
        with database.atomic():
            FeedExecution.update(
                next_attempt_at=now, redeliver_at=now + dt.timedelta(minutes=10)
            ).where(FeedExecution.id == execution.id).execute()
            _audit(actor, "retry_now", "FeedExecution", execution.id, {})
        dispatch.send(execution.id, execution.kind)
        return FeedExecution.get_by_id(execution.id)
    if execution.status not in (
        ExecutionStatus.FAILED.value,
        ExecutionStatus.LOST.value,
        ExecutionStatus.PARTIAL.value,
    ):
        raise OperationRefused(
            f"execution #{execution.id} is {execution.status}: only failed, lost, partial or "
            "retrying executions can be retried"
        )
    with database.atomic():
        feed = Feed.get_by_id(execution.feed_id)
        active = FeedExecution.active_for(feed.id).first()
        if active is not None:
            raise OperationRefused(
                f"feed {feed.kind} already has execution #{active.id} {active.status}; wait for it"
            )
        fresh = dispatch.new_execution(feed, Trigger.RETRY, now, force=execution.force)
        _audit(actor, "retry", "FeedExecution", execution.id, {"new_execution": fresh.id})
    dispatch.send(fresh.id, fresh.kind)
    return fresh


def give_up(execution_id: int, *, actor: str, now: dt.datetime | None = None) -> FeedExecution:
    """Stop retrying (or accept a lost outbound run as it is): the execution becomes failed."""
    now = now or utcnow()
    with database.atomic():
        execution = FeedExecution.get_or_none(FeedExecution.id == execution_id)
        if execution is None:
            raise OperationRefused(f"no execution with id {execution_id}")
        if execution.status not in (
            ExecutionStatus.RETRYING.value,
            ExecutionStatus.LOST.value,
            ExecutionStatus.QUEUED.value,
        ):
            raise OperationRefused(
                f"execution #{execution.id} is {execution.status}: only queued, retrying or lost "
                "executions can be given up"
            )
        close_with_event(
            execution,
            ExecutionStatus.FAILED.value,
            Severity.INFO,
            "given_up",
            f"given up by {actor} after attempt {execution.attempt}/{execution.max_attempts}",
            finished_at=now,
            redeliver_at=None,
            next_attempt_at=None,
        )
        _audit(actor, "give_up", "FeedExecution", execution.id, {})
    return FeedExecution.get_by_id(execution_id)


def resolve_events(event_ids: list[int], *, actor: str, now: dt.datetime | None = None) -> int:
    """Mark error events resolved (they leave the bell); returns how many changed."""
    now = now or utcnow()
    with database.atomic():
        changed = (
            ExecutionEvent.update(resolved_at=now, resolved_by=actor)
            .where(ExecutionEvent.id.in_(event_ids) & ExecutionEvent.resolved_at.is_null())
            .execute()
        )
        if changed:
            _audit(
                actor,
                "resolve",
                "ExecutionEvent",
                ",".join(map(str, event_ids))[:60],
                {"count": changed},
            )
    return changed


def resolve_execution(execution_id: int, *, actor: str) -> int:
    ids = [
        e.id
        for e in ExecutionEvent.select(ExecutionEvent.id).where(
            (ExecutionEvent.execution == execution_id)
            & (ExecutionEvent.severity == Severity.ERROR.value)
            & ExecutionEvent.resolved_at.is_null()
        )
    ]
    return resolve_events(ids, actor=actor) if ids else 0
