"""The few queries the dashboard runs outside Flask-Admin's list machinery.

Each one is a single statement on an indexed filter, because several of them run
on every page (the bell) and the execution and event tables grow without bound.
"""

from __future__ import annotations

from dataclasses import dataclass

import peewee
from flask import g

from models import ExecutionEvent, Integration, Severity

# The bell counts at most this many: beyond it the number is "999+" and the
# count stays an index range of bounded length, however many errors pile up.
BELL_CAP = 999
BELL_LATEST = 8


def unresolved_errors() -> peewee.ModelSelect:
    """Error events nobody resolved yet: what the bell counts (index severity, resolved_at, id)."""
    return ExecutionEvent.select().where(
        (ExecutionEvent.severity == Severity.ERROR.value) & (ExecutionEvent.resolved_at.is_null())
    )


def unresolved_error_count(cap: int = BELL_CAP) -> int:
    """How many, counted up to `cap + 1` (a LIMIT inside the COUNT)."""
    return unresolved_errors().select(ExecutionEvent.id).limit(cap + 1).count()


def latest_unresolved_errors(limit: int = BELL_LATEST) -> list[ExecutionEvent]:
    return list(
        unresolved_errors()
        .select(
            ExecutionEvent.id,
            ExecutionEvent.execution,
            ExecutionEvent.code,
            ExecutionEvent.message,
            ExecutionEvent.record_ref,
            ExecutionEvent.created_at,
            Integration.id,
            Integration.name,
        )
        .join(Integration, on=(ExecutionEvent.integration == Integration.id))
        .order_by(ExecutionEvent.id.desc())
        .limit(limit)
    )


@dataclass(frozen=True)
class Bell:
    count: int
    latest: list[ExecutionEvent]

    @property
    def label(self) -> str:
        return f"{BELL_CAP}+" if self.count > BELL_CAP else str(self.count)

    @property
    def title(self) -> str:
        plural = "" if self.count == 1 else "s"
        return f"{self.label} unresolved error{plural}"


def bell() -> Bell:
    """The header's bell, computed once per request however often a template asks."""
    cached = g.get("channelhub_bell")
    if cached is None:
        count = unresolved_error_count()
        cached = Bell(count, latest_unresolved_errors() if count else [])
        g.channelhub_bell = cached
    return cached


def integration_options() -> list[tuple[str, str]]:
    """(id, label) pairs for the integration filter drop-downs."""
    rows = (
        Integration.select(Integration.id, Integration.name, Integration.channel)
        .order_by(Integration.name)
        .tuples()
    )
    return [(str(pk), f"{name} ({channel})") for pk, name, channel in rows]
