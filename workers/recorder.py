"""Writes what a run saw: events (with fingerprints) and counters."""

from __future__ import annotations

import hashlib
import re
from typing import Any

from channels.errors import ChannelProblem
from models import ErrorFingerprint, ExecutionEvent, FeedExecution, Severity, utcnow

_VOLATILE = re.compile(r"\d+|'[^']*'|\"[^\"]*\"")
COUNTERS = ("seen", "created", "updated", "skipped")
MESSAGE_LIMIT = 2000


def fingerprint(feed_id: int, code: str, message: str) -> str:
    """(feed, code, message with numbers and quoted values blanked): one recurring problem."""
    normalised = _VOLATILE.sub("#", message)[:500]
    return hashlib.sha1(
        f"{feed_id}|{code}|{normalised}".encode(), usedforsecurity=False
    ).hexdigest()


def touch_fingerprint(integration_id: int, feed_id: int, key: str, code: str, message: str) -> None:
    """Count one more occurrence; a resolved fingerprint that recurs is open again."""
    now = utcnow()
    (
        ErrorFingerprint.insert(
            integration=integration_id,
            feed=feed_id,
            fingerprint=key,
            code=code[:80],
            message=message,
            first_seen_at=now,
            last_seen_at=now,
            occurrences=1,
        )
        .on_conflict(
            conflict_target=[ErrorFingerprint.integration, ErrorFingerprint.fingerprint],
            update={
                ErrorFingerprint.occurrences: ErrorFingerprint.occurrences + 1,
                ErrorFingerprint.last_seen_at: now,
                ErrorFingerprint.message: message,
                ErrorFingerprint.resolved_at: None,
            },
        )
        .execute()
    )


class Recorder:
    def __init__(self, execution: FeedExecution) -> None:
        self.execution = execution
        self.counts = dict.fromkeys(COUNTERS, 0)
        self.events = {s.value: 0 for s in Severity}

    def count(self, **deltas: int) -> None:
        for name, delta in deltas.items():
            self.counts[name] += delta

    def event(
        self,
        severity: Severity | str,
        code: str,
        message: str,
        *,
        record_ref: str | None = None,
        details: dict[str, Any] | None = None,
    ) -> ExecutionEvent:
        severity = Severity(severity)
        message = message[:MESSAGE_LIMIT]
        key = fingerprint(self.execution.feed_id, code, message)
        event = ExecutionEvent.create(
            execution=self.execution.id,
            integration=self.execution.integration_id,
            severity=severity.value,
            code=code[:80],
            message=message,
            record_ref=(record_ref or None) and str(record_ref)[:200],
            details=details or {},
            fingerprint=key,
        )
        self.events[severity.value] += 1
        if severity is Severity.ERROR:
            touch_fingerprint(
                self.execution.integration_id, self.execution.feed_id, key, code, message
            )
        return event

    def problem(self, problem: ChannelProblem, *, record_ref: str | None = None) -> ExecutionEvent:
        return self.event(
            problem.severity,
            problem.code,
            problem.message,
            record_ref=problem.record_ref or record_ref,
            details=problem.details,
        )

    def values(self) -> dict[str, int]:
        """Counter columns for an UPDATE of the execution row."""
        return {
            **self.counts,
            "info_events": self.events["info"],
            "retry_events": self.events["retry"],
            "error_events": self.events["error"],
        }

    def flush(self) -> None:
        """Make progress visible (called with each page's commit)."""
        FeedExecution.update(**self.values()).where(FeedExecution.id == self.execution.id).execute()


def close_with_event(
    execution: FeedExecution,
    status: str,
    severity: Severity,
    code: str,
    message: str,
    **values: Any,
) -> None:
    """Set an execution's status together with the one event that explains it.

    Used where no run took place to record it (a refused start, a lost worker).
    """
    key = fingerprint(execution.feed_id, code, message)
    ExecutionEvent.create(
        execution=execution.id,
        integration=execution.integration_id,
        severity=severity.value,
        code=code,
        message=message,
        fingerprint=key,
    )
    if severity is Severity.ERROR:
        touch_fingerprint(execution.integration_id, execution.feed_id, key, code, message)
    counter = f"{severity.value}_events"
    FeedExecution.update(
        status=status,
        summary=message,
        lease_expires_at=None,
        **{counter: getattr(FeedExecution, counter) + 1},
        **values,
    ).where(FeedExecution.id == execution.id).execute()
