"""The life of one execution: claim, run, classify, record. The one runner base.

Every actor message ends here. Classification happens in this module only:
record-level problems were already turned into events by the runner; what
reaches `execute` is run-level and decides the execution's status.
"""

from __future__ import annotations

import datetime as dt
import logging
import random
import traceback

import peewee
from dramatiq.middleware import TimeLimitExceeded

from channels.errors import ChannelProblem, CredentialsError, Info, NotSupported, Retry
from channels.registry import connector_class
from models import (
    ExecutionAttempt,
    ExecutionEvent,
    ExecutionStatus,
    Feed,
    FeedExecution,
    Integration,
    Severity,
    database,
    is_postgres,
    utcnow,
)
from models.crypto import CredentialsUnreadable
from models.db import write_lock
from models.enums import Direction
from models.execution import ErrorFingerprint
from workers import dispatch
from workers.context import RunContext
from workers.middleware import track, worker_id
from workers.options import Options, options
from workers.recorder import Recorder, close_with_event
from workers.runners import runner_for

log = logging.getLogger(__name__)

EARLY_TOLERANCE = dt.timedelta(seconds=2)


def execute(execution_id: int) -> str:
    """Run one execution if it is runnable; returns what happened (for logs and tests)."""
    opts = options()
    claimed = claim(execution_id, utcnow(), opts)
    if claimed is None:
        return "ignored"
    execution, feed, integration = claimed
    recorder = Recorder(execution)
    connector = None
    track(execution.id, running=True)
    try:
        connector = connector_class(integration.channel)(
            integration.settings or {}, integration.get_secrets()
        )
        context = RunContext(execution, feed, integration, connector, recorder, utcnow())
        for warning in connector.credential_warnings(integration.secrets_set_at or {}, utcnow()):
            recorder.problem(warning)
        runner_for(feed.kind)(context).run()
    except Retry as problem:
        return finish_retry(execution, recorder, problem, opts)
    except Info as problem:
        return finish_skipped(execution, recorder, problem)
    except ChannelProblem as problem:
        return finish_error(execution, recorder, problem)
    except NotSupported as exc:
        return finish_error(execution, recorder, ChannelProblem(str(exc), code="not_supported"))
    except CredentialsUnreadable as exc:
        return finish_error(execution, recorder, CredentialsError(str(exc)))
    except TimeLimitExceeded:
        limit = f"{opts.run_time_limit_seconds:.0f} s"
        problem = Retry(
            f"the run exceeded its time limit of {limit}; the next attempt resumes from the "
            "last committed page",
            code="time_limit",
        )
        return finish_retry(execution, recorder, problem, opts)
    except (peewee.OperationalError, peewee.InterfaceError):
        raise  # the database went away: the lease expires and the run is re-run
    except Exception as exc:
        log.exception("execution %s crashed", execution_id)
        problem = ChannelProblem(
            f"internal error: {exc.__class__.__name__}: {exc}",
            code="internal_error",
            details={"traceback": traceback.format_exc(limit=8)[-4000:]},
        )
        return finish_error(execution, recorder, problem)
    else:
        return finish_success(execution, recorder)
    finally:
        track(execution.id, running=False)
        if connector is not None:
            connector.close()


def claim(execution_id: int, now: dt.datetime, opts: Options):
    """Mark the execution running and count the attempt, or say why it will not run."""
    with write_lock():
        query = FeedExecution.select().where(FeedExecution.id == execution_id)
        if is_postgres():
            query = query.for_update()
        execution = query.first()
        if execution is None or execution.status not in (
            ExecutionStatus.QUEUED.value,
            ExecutionStatus.RETRYING.value,
        ):
            return None
        if (
            execution.status == ExecutionStatus.RETRYING.value
            and execution.next_attempt_at
            and execution.next_attempt_at > now + EARLY_TOLERANCE
        ):
            return None
        feed = Feed.get_by_id(execution.feed_id)
        integration = Integration.get_by_id(execution.integration_id)
        if execution.attempt >= execution.max_attempts:
            _close(
                execution,
                ExecutionStatus.FAILED,
                now,
                Severity.ERROR,
                "worker_died",
                f"gave up after {execution.attempt} attempts: the worker running the last "
                "attempt stopped before finishing (killed or out of memory)",
            )
            return None
        reason = _refusal(feed, integration)
        if reason is not None:
            code, message = reason
            _close(execution, ExecutionStatus.SKIPPED, now, Severity.INFO, code, message)
            return None
        try:
            with database.atomic():
                _mark_running(execution, integration, now, opts)
        except peewee.IntegrityError:
            running = FeedExecution.get_or_none(
                (FeedExecution.feed == feed.id)
                & (FeedExecution.status == ExecutionStatus.RUNNING.value)
            )
            other = f"#{running.id}" if running else "another execution"
            _close(
                execution,
                ExecutionStatus.SKIPPED,
                now,
                Severity.INFO,
                "overlap",
                f"not started: {other} of this feed is running",
            )
            return None
    return execution, feed, integration


def _refusal(feed: Feed, integration: Integration) -> tuple[str, str] | None:
    if not integration.enabled:
        return "integration_disabled", "not run: the integration is disabled"
    if integration.paused_reason:
        return (
            "integration_paused",
            f"not run: the integration is paused ({integration.paused_reason})",
        )
    direction = dispatch.direction_of(feed.kind)
    if direction == Direction.OUTBOUND.value and not integration.is_production:
        return (
            "test_mode",
            "not sent: the integration is in test mode, outbound feeds run only in production",
        )
    return None


def _mark_running(execution: FeedExecution, integration: Integration, now, opts: Options) -> None:
    execution.status = ExecutionStatus.RUNNING.value
    execution.attempt += 1
    execution.started_at = execution.started_at or now
    execution.lease_expires_at = now + dt.timedelta(seconds=opts.lease_seconds)
    execution.worker = worker_id()
    execution.settings_version = integration.settings_version()
    execution.next_attempt_at = None
    execution.save()
    ExecutionAttempt.create(
        execution=execution.id, number=execution.attempt, worker=execution.worker, started_at=now
    )


def _close(execution, status, now, severity, code, message) -> None:
    """End an execution that will not run, with the event that says why."""
    close_with_event(
        execution, status.value, severity, code, message, finished_at=now, redeliver_at=None
    )


def summary_of(recorder: Recorder) -> str:
    c = recorder.counts
    e = recorder.events
    text = (
        f"seen {c['seen']}, created {c['created']}, updated {c['updated']}, skipped {c['skipped']}"
    )
    problems = [f"{e[s]} {s}" for s in ("error", "retry", "info") if e[s]]
    if problems:
        text += "; events: " + ", ".join(problems)
    return text


def _end(execution, recorder: Recorder, status: ExecutionStatus, summary: str, **extra) -> None:
    now = utcnow()
    values = {
        **recorder.values(),
        "status": status.value,
        "summary": summary[:2000],
        "lease_expires_at": None,
        **extra,
    }
    if status not in (ExecutionStatus.RETRYING,):
        values["finished_at"] = now
        values["redeliver_at"] = None
    with database.atomic():
        FeedExecution.update(**values).where(FeedExecution.id == execution.id).execute()
        ExecutionAttempt.update(
            finished_at=now, outcome=status.value, message=summary[:2000]
        ).where(
            (ExecutionAttempt.execution == execution.id)
            & (ExecutionAttempt.number == execution.attempt)
        ).execute()


def finish_success(execution, recorder: Recorder) -> str:
    status = ExecutionStatus.PARTIAL if recorder.events["error"] else ExecutionStatus.SUCCEEDED
    _end(execution, recorder, status, summary_of(recorder))
    if status is ExecutionStatus.SUCCEEDED:
        _auto_resolve(execution)
    return status.value


def _auto_resolve(execution) -> None:
    """A run that succeeded ends the run-level problems earlier runs of the feed had."""
    now = utcnow()
    earlier = FeedExecution.select(FeedExecution.id).where(
        (FeedExecution.feed == execution.feed_id) & (FeedExecution.id < execution.id)
    )
    ExecutionEvent.update(resolved_at=now, resolved_by="auto: a later run succeeded").where(
        (ExecutionEvent.integration == execution.integration_id)
        & ExecutionEvent.resolved_at.is_null()
        & (ExecutionEvent.severity == Severity.ERROR.value)
        & ExecutionEvent.record_ref.is_null()
        & ExecutionEvent.execution.in_(earlier)
    ).execute()
    ErrorFingerprint.update(resolved_at=now).where(
        (ErrorFingerprint.feed == execution.feed_id)
        & ErrorFingerprint.resolved_at.is_null()
        & (ErrorFingerprint.last_seen_at < execution.started_at)
    ).execute()


def finish_skipped(execution, recorder: Recorder, problem: Info) -> str:
    """The run decided there was nothing it should do (a business rule), and says why."""
    recorder.problem(problem)
    _end(execution, recorder, ExecutionStatus.SKIPPED, problem.message)
    return ExecutionStatus.SKIPPED.value


def backoff_seconds(attempt: int, retry_after: float | None, opts: Options) -> float:
    """Exponential backoff with jitter; a channel's Retry-After is a floor, never shortened."""
    delay = min(opts.retry_max_seconds, opts.retry_base_seconds * 2 ** max(0, attempt - 1))
    delay *= random.uniform(1.0, 1.2)
    if retry_after:
        delay = max(delay, float(retry_after))
    return delay


def finish_retry(execution, recorder: Recorder, problem: Retry, opts: Options) -> str:
    if execution.attempt >= execution.max_attempts:
        gave_up = ChannelProblem(
            f"gave up after {execution.attempt} attempts: {problem.message}",
            code=problem.code,
            details=problem.details,
        )
        return finish_error(execution, recorder, gave_up)
    delay = backoff_seconds(execution.attempt, problem.retry_after_seconds, opts)
    now = utcnow()
    next_at = now + dt.timedelta(seconds=delay)
    held_by_broker = delay <= opts.broker_delay_max_seconds
    redeliver_at = next_at + dt.timedelta(seconds=opts.sweep_after_seconds if held_by_broker else 0)
    after = (
        f" (Retry-After {problem.retry_after_seconds:.0f} s)" if problem.retry_after_seconds else ""
    )
    message = (
        f"attempt {execution.attempt}/{execution.max_attempts} failed: {problem.message}; "
        f"next try at {next_at:%H:%M:%S} UTC{after}"
    )
    recorder.event(
        Severity.RETRY,
        problem.code,
        message,
        record_ref=problem.record_ref,
        details=problem.details,
    )
    _end(
        execution,
        recorder,
        ExecutionStatus.RETRYING,
        message,
        next_attempt_at=next_at,
        retry_after_seconds=int(problem.retry_after_seconds or 0) or None,
        redeliver_at=redeliver_at,
    )
    if held_by_broker:
        dispatch.send(execution.id, execution.kind, delay_seconds=delay)
    return ExecutionStatus.RETRYING.value


def finish_error(execution, recorder: Recorder, problem: ChannelProblem) -> str:
    recorder.event(
        Severity.ERROR,
        problem.code,
        problem.message,
        record_ref=problem.record_ref,
        details=problem.details,
    )
    if isinstance(problem, CredentialsError):
        Integration.update(paused_reason=problem.message[:500], paused_at=utcnow()).where(
            Integration.id == execution.integration_id
        ).execute()
    _end(execution, recorder, ExecutionStatus.FAILED, problem.message)
    return ExecutionStatus.FAILED.value
