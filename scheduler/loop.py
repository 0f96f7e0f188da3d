"""The scheduler: it only enqueues, never executes.

Each tick, in short transactions: claim due feeds (`FOR UPDATE SKIP LOCKED` on
PostgreSQL, so several schedulers can run), re-send executions whose message may
have been lost or whose long retry wait is over, and declare runs whose worker
stopped heartbeating lost. Messages are sent only after the commit.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from dataclasses import dataclass, field

from models import (
    ExecutionAttempt,
    ExecutionStatus,
    Feed,
    FeedExecution,
    Integration,
    Severity,
    Trigger,
    is_postgres,
    utcnow,
)
from models.db import connection, write_lock
from scheduler.digest import Digest
from scheduler.schedules import next_run
from workers import dispatch
from workers.options import Options, options
from workers.recorder import close_with_event

log = logging.getLogger(__name__)


@dataclass
class TickReport:
    queued: list[int] = field(default_factory=list)
    skipped: list[int] = field(default_factory=list)
    resent: list[int] = field(default_factory=list)
    lost: list[int] = field(default_factory=list)
    mails: int = 0

    def __bool__(self) -> bool:
        return bool(self.queued or self.skipped or self.resent or self.lost or self.mails)


class Scheduler:
    def __init__(
        self, opts: Options | None = None, *, batch_size: int = 500, digest: Digest | None = None
    ) -> None:
        self.opts = opts or options()
        self.batch_size = batch_size
        self.digest = digest if digest is not None else Digest.from_env()

    def tick(self, now: dt.datetime | None = None) -> TickReport:
        now = now or utcnow()
        report = TickReport()
        with connection():
            while True:
                queued, skipped = self.claim_due(now)
                report.queued += queued
                report.skipped += skipped
                if len(queued) + len(skipped) < self.batch_size:
                    break
            report.lost = self.expire_leases(now)
            report.resent = self.resend(now)
            report.mails = self.digest.maybe_send(now)
        return report

    def run_forever(self, stop: threading.Event, poll_seconds: float = 1.0) -> None:
        log.info("scheduler started (poll every %.1f s)", poll_seconds)
        while not stop.is_set():
            try:
                report = self.tick()
                if report:
                    log.info(
                        "queued %d, skipped %d, re-sent %d, lost %d, mails %d",
                        len(report.queued),
                        len(report.skipped),
                        len(report.resent),
                        len(report.lost),
                        report.mails,
                    )
            except Exception:  # a database or broker outage must not stop the loop
                log.exception("scheduler tick failed; retrying")
            stop.wait(poll_seconds)

    # -- due feeds ------------------------------------------------------------
    def claim_due(self, now: dt.datetime) -> tuple[list[int], list[int]]:
        to_send: list[FeedExecution] = []
        skipped: list[int] = []
        with write_lock():
            query = (
                Feed.select(Feed, Integration)  # next_run reads the integration
                .join(Integration)
                .where(
                    Feed.enabled
                    & Integration.enabled
                    & Integration.paused_reason.is_null()
                    & Feed.next_run_at.is_null(False)
                    & (Feed.next_run_at <= now)
                )
                .order_by(Feed.next_run_at)
                .limit(self.batch_size)
            )
            if is_postgres():
                query = query.for_update(of=Feed, skip_locked=True)
            feeds = list(query)
            if not feeds:
                return [], []
            busy = {
                feed_id
                for (feed_id,) in FeedExecution.select(FeedExecution.feed)
                .where(
                    FeedExecution.feed.in_([f.id for f in feeds])
                    & FeedExecution.status.in_([s.value for s in ExecutionStatus.active()])
                )
                .tuples()
            }
            for feed in feeds:
                due = feed.next_run_at
                Feed.update(next_run_at=next_run(feed, due, now)).where(
                    Feed.id == feed.id
                ).execute()
                if feed.id in busy:
                    reason = "not started: the previous execution of this feed is still active"
                    skipped.append(
                        dispatch.skipped_execution(
                            feed, Trigger.SCHEDULE, now, reason, "overlap", due_at=due
                        ).id
                    )
                else:
                    to_send.append(dispatch.new_execution(feed, Trigger.SCHEDULE, now, due_at=due))
        for execution in to_send:
            dispatch.send(execution.id, execution.kind)
        return [e.id for e in to_send], skipped

    # -- re-sending -----------------------------------------------------------
    def resend(self, now: dt.datetime) -> list[int]:
        """Send again what is waiting past its redelivery time (lost message, long retry wait)."""
        with write_lock():
            query = (
                FeedExecution.select(FeedExecution.id, FeedExecution.kind, FeedExecution.status)
                .where(
                    FeedExecution.status.in_(
                        [ExecutionStatus.QUEUED.value, ExecutionStatus.RETRYING.value]
                    )
                    & (FeedExecution.redeliver_at <= now)
                )
                .order_by(FeedExecution.redeliver_at)
                .limit(self.batch_size)
            )
            if is_postgres():
                query = query.for_update(skip_locked=True)
            due = list(query)
            if due:
                FeedExecution.update(
                    redeliver_at=now + dt.timedelta(seconds=self.opts.sweep_after_seconds)
                ).where(FeedExecution.id.in_([e.id for e in due])).execute()
        for execution in due:
            dispatch.send(execution.id, execution.kind)
        return [e.id for e in due]

    # -- lost runs ------------------------------------------------------------
    def expire_leases(self, now: dt.datetime) -> list[int]:
        """A running execution whose lease ran out lost its worker (SIGKILL, OOM, power)."""
        rerun: list[FeedExecution] = []
        with write_lock():
            query = FeedExecution.select().where(
                (FeedExecution.status == ExecutionStatus.RUNNING.value)
                & (FeedExecution.lease_expires_at < now)
            )
            if is_postgres():
                query = query.for_update(skip_locked=True)
            expired = list(query.limit(self.batch_size))
            for execution in expired:
                if self._handle_lost(execution, now):
                    rerun.append(execution)
        for execution in rerun:
            dispatch.send(execution.id, execution.kind)
        return [e.id for e in expired]

    def _handle_lost(self, execution: FeedExecution, now: dt.datetime) -> bool:
        worker = execution.worker or "a worker"
        ExecutionAttempt.update(
            finished_at=now,
            outcome=ExecutionStatus.LOST.value,
            message=f"{worker} stopped heartbeating",
        ).where(
            (ExecutionAttempt.execution == execution.id)
            & (ExecutionAttempt.number == execution.attempt)
        ).execute()
        attempt = f"attempt {execution.attempt}/{execution.max_attempts}"
        outbound = dispatch.direction_of(execution.kind) == "outbound"
        if outbound:
            message = (
                f"{attempt}: {worker} stopped while sending to the channel; check on the channel "
                "what went through, then retry or give up"
            )
            return self._set(execution, ExecutionStatus.LOST, Severity.ERROR, message, now)
        if execution.attempt >= execution.max_attempts:
            message = (
                f"gave up after {execution.attempt} attempts: the worker died during the last "
                "one (killed or out of memory)"
            )
            return self._set(execution, ExecutionStatus.FAILED, Severity.ERROR, message, now)
        message = f"{attempt}: {worker} stopped heartbeating (killed or crashed); running it again"
        return self._set(execution, ExecutionStatus.RETRYING, Severity.RETRY, message, now)

    def _set(self, execution, status: ExecutionStatus, severity: Severity, message, now) -> bool:
        rerun = status is ExecutionStatus.RETRYING
        if rerun:
            resend_at = now + dt.timedelta(seconds=self.opts.sweep_after_seconds)
            values = {"next_attempt_at": now, "redeliver_at": resend_at}
        else:
            values = {"finished_at": now, "redeliver_at": None}
        close_with_event(execution, status.value, severity, "worker_lost", message, **values)
        return rerun
