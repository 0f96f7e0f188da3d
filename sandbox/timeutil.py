"""UTC time helpers shared by the simulators.

Channels speak ISO-8601 with a ``Z`` suffix; the simulators keep aware UTC datetimes truncated to
milliseconds so that what they render is exactly what they filter on (a cursor built from a
rendered date must never skip a record that sorts between the rendered and the stored value).
"""

from __future__ import annotations

from datetime import UTC, datetime


def utc_now() -> datetime:
    """The real current time, read at request time (never cached)."""
    return truncate_ms(datetime.now(UTC))


def truncate_ms(value: datetime) -> datetime:
    """Drop sub-millisecond precision so rendering and filtering agree."""
    return value.replace(microsecond=value.microsecond // 1000 * 1000)


def to_iso(value: datetime | None) -> str | None:
    """``2025-03-04T09:12:31Z``, with ``.123`` milliseconds only when there are some."""
    if value is None:
        return None
    value = value.astimezone(UTC)
    if value.microsecond:
        return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_iso(text: str) -> datetime:
    """Parse an ISO-8601 date-time; a value without an offset is taken as UTC.

    Raises ``ValueError`` for anything else, so callers can answer 400.
    """
    raw = text.strip()
    if raw.endswith(("Z", "z")):
        raw = raw[:-1] + "+00:00"
    value = datetime.fromisoformat(raw)
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC)
