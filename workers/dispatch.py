"""Creating executions and sending their messages: the one path for schedule, "Run now" and retries.

The execution row is committed first and the message sent after; a crash in
between leaves a `queued` row that the scheduler's sweep sends again. The actor
ignores a message whose execution is no longer runnable, so a duplicate is harmless.
"""

from __future__ import annotations

import datetime as dt
import logging

import dramatiq
from dramatiq import Message

from models import (
    ExecutionEvent,
    ExecutionStatus,
    Feed,
    FeedExecution,
    Severity,
    Trigger,
    database,
    utcnow,
)
from models.enums import FEED_DIRECTIONS, FeedKind
from workers.broker import get_broker
from workers.options import options
from workers.queues import route

log = logging.getLogger(__name__)


def new_execution(
    feed: Feed,
    trigger: Trigger,
    now: dt.datetime,
    *,
    due_at: dt.datetime | None = None,
    force: bool = False,
) -> FeedExecution:
    """A queued execution row (the caller commits)."""
    return FeedExecution.create(
        feed=feed.id,
        integration=feed.integration_id,
        kind=feed.kind,
        trigger=trigger.value,
        status=ExecutionStatus.QUEUED.value,
        due_at=due_at or now,
        queued_at=now,
        max_attempts=options().max_attempts,
        redeliver_at=now + dt.timedelta(seconds=options().sweep_after_seconds),
        force=force,
    )


def skipped_execution(
    feed: Feed, trigger: Trigger, now: dt.datetime, reason: str, code: str, due_at=None
) -> FeedExecution:
    """A run that did not start, with an info event that says why (the caller commits)."""
    execution = FeedExecution.create(
        feed=feed.id,
        integration=feed.integration_id,
        kind=feed.kind,
        trigger=trigger.value,
        status=ExecutionStatus.SKIPPED.value,
        due_at=due_at or now,
        queued_at=now,
        finished_at=now,
        info_events=1,
        summary=reason,
    )
    ExecutionEvent.create(
        execution=execution.id,
        integration=feed.integration_id,
        severity=Severity.INFO.value,
        code=code,
        message=reason,
        fingerprint=code,
    )
    return execution


def direction_of(kind: str) -> str:
    return FEED_DIRECTIONS[FeedKind(kind)].value


def send(execution_id: int, kind: str, *, delay_seconds: float = 0) -> bool:
    """Enqueue the message for an execution; False (logged) when the broker is unreachable."""
    queue, actor = route(direction_of(kind))
    message = Message(
        queue_name=queue, actor_name=actor, args=(execution_id,), kwargs={}, options={}
    )
    try:
        get_broker().enqueue(message, delay=int(delay_seconds * 1000) or None)
    except dramatiq.errors.BrokerError as exc:
        log.warning("could not send execution %s (the sweep will resend it): %s", execution_id, exc)
        return False
    return True


def run_now(feed_id: int, *, force: bool = False, now: dt.datetime | None = None) -> FeedExecution:
    """'Run now': a manual execution, created and sent exactly as the scheduler does.

    If the feed already has an active execution the new one is recorded as skipped,
    because a feed never has two executions running at once.
    """
    now = now or utcnow()
    with database.atomic():
        feed = Feed.get_by_id(feed_id)
        active = FeedExecution.active_for(feed.id).order_by(FeedExecution.id.desc()).first()
        if active is not None:
            return skipped_execution(
                feed,
                Trigger.MANUAL,
                now,
                f"not started: execution #{active.id} of this feed is still {active.status}",
                "overlap",
            )
        execution = new_execution(feed, Trigger.MANUAL, now, force=force)
    send(execution.id, execution.kind)
    return execution
