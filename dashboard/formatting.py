"""How values look on the pages: badges, times, durations, JSON.

Kept in one place so a status has the same colour on every list and details page.
All values go through `markupsafe.escape`: channel data (order messages, error
texts) is untrusted and ends up in HTML.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal, InvalidOperation
from typing import Any

from flask import Flask
from flask_admin.model import typefmt
from markupsafe import Markup

STATUS_COLOURS = {
    "queued": "secondary",
    "running": "primary",
    "succeeded": "success",
    "partial": "warning",
    "retrying": "info",
    "failed": "danger",
    "skipped": "light",
    "lost": "dark",
}
# The same colours as hex, for the SVG charts (Bootstrap 4's palette).
STATUS_HEX = {
    "queued": "#6c757d",
    "running": "#007bff",
    "succeeded": "#28a745",
    "partial": "#ffc107",
    "retrying": "#17a2b8",
    "failed": "#dc3545",
    "skipped": "#ced4da",
    "lost": "#343a40",
}
SEVERITY_COLOURS = {"info": "info", "retry": "warning", "error": "danger"}
MODE_COLOURS = {"production": "success", "test": "warning"}
ORDER_COLOURS = {
    "new": "primary",
    "held": "secondary",
    "released": "info",
    "dispatched": "warning",
    "shipped": "success",
    "cancelled": "dark",
}


def badge(value: Any, colours: dict[str, str], default: str = "secondary") -> Markup:
    text = "" if value is None else str(value)
    colour = colours.get(text, default)
    return Markup('<span class="badge badge-{} ch-badge">{}</span>').format(colour, text)


def status_badge(value: Any) -> Markup:
    return badge(value, STATUS_COLOURS)


def severity_badge(value: Any) -> Markup:
    return badge(value, SEVERITY_COLOURS)


def mode_badge(value: Any) -> Markup:
    return badge(value, MODE_COLOURS)


def order_badge(value: Any) -> Markup:
    return badge(value, ORDER_COLOURS)


def attempt_text(execution) -> str:
    """ "3/8, next try at 14:05 UTC (Retry-After 600 s)" for a waiting retry."""
    text = f"{execution.attempt}/{execution.max_attempts}"
    if execution.status == "retrying" and execution.next_attempt_at:
        text += f", next try at {utc(execution.next_attempt_at, seconds=False)}"
        if execution.retry_after_seconds:
            text += f" (Retry-After {execution.retry_after_seconds} s)"
    return text


def event_badges(info: int, retry: int, error: int) -> Markup:
    parts = [
        Markup('<span class="badge badge-{}">{:,} {}</span>').format(colour, count, label)
        for count, label, colour in (
            (info, "info", "info"),
            (retry, "retry", "warning"),
            (error, "error", "danger"),
        )
        if count
    ]
    return Markup(" ").join(parts) if parts else Markup('<span class="text-muted">—</span>')


def utc(value: dt.datetime | None, seconds: bool = True) -> str:
    """Times are stored and shown in UTC; the suffix says so."""
    if value is None:
        return ""
    if value.tzinfo is not None:
        value = value.astimezone(dt.UTC)
    return value.strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M") + " UTC"


def as_utc(value: Any) -> dt.datetime | None:
    """A time read outside a model field (a subquery, a bucket): SQLite gives text, PG naive."""
    if value is None:
        return None
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def ago(value: dt.datetime | None, now: dt.datetime | None = None) -> str:
    """ "4 min ago" / "in 3 h": how far a time is from now, for a glance."""
    if value is None:
        return ""
    now = now or dt.datetime.now(dt.UTC)
    seconds = (now - value).total_seconds()
    future = seconds < 0
    seconds = abs(seconds)
    if seconds < 60:
        text = f"{seconds:.0f} s"
    elif seconds < 3600:
        text = f"{seconds // 60:.0f} min"
    elif seconds < 86400 * 2:
        text = f"{seconds // 3600:.0f} h"
    else:
        text = f"{seconds // 86400:.0f} days"
    return f"in {text}" if future else f"{text} ago"


def duration(seconds: float | None) -> str:
    if seconds is None:
        return ""
    if seconds < 1:
        return f"{seconds * 1000:.0f} ms"
    if seconds < 120:
        return f"{seconds:.1f} s"
    minutes, rest = divmod(int(seconds), 60)
    if minutes < 120:
        return f"{minutes} min {rest} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min"


def number(value: Any) -> str:
    """Thousands separated (14,996); anything that is not a number is shown as it is."""
    return f"{value:,}" if isinstance(value, int) else str(value)


def money(value: Any, currency: str | None = None) -> str:
    """Two decimals whatever the backend returns (SQLite hands back Decimal('12.5'))."""
    if value is None:
        return ""
    try:
        text = f"{Decimal(str(value)):.2f}"
    except InvalidOperation:
        text = str(value)
    return f"{text} {currency}" if currency else text


def pretty_json(value: Any) -> str:
    if value in (None, "", {}, []):
        return ""
    return json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False, default=str)


def json_block(value: Any) -> Markup:
    text = pretty_json(value)
    if not text:
        return Markup('<span class="text-muted">—</span>')
    return Markup('<pre class="ch-json mb-0">{}</pre>').format(text)


ADDRESS_LINES = (
    ("civility", "firstname", "lastname"),
    ("name",),
    ("company",),
    ("street_1",),
    ("street_2",),
    ("additional_info",),
    ("postcode", "zip_code", "city"),
    ("state",),
    ("country", "country_code", "country_iso_code"),
)
ADDRESS_PHONES = ("phone", "phone_secondary")


def address(value: Any) -> Markup:
    """A postal address as a label would print it; keys it does not know follow as key: value."""
    if not isinstance(value, dict) or not value:
        return Markup('<span class="text-muted">—</span>')
    used: set[str] = set()
    lines = []
    for keys in ADDRESS_LINES:
        parts = [str(value[k]) for k in keys if value.get(k) not in (None, "")]
        used.update(keys)
        if parts:
            lines.append(Markup("{}").format(" ".join(parts)))
    for key in ADDRESS_PHONES:
        used.add(key)
        if value.get(key):
            lines.append(Markup('<span class="text-muted">☎</span> {}').format(value[key]))
    for key in sorted(set(value) - used):
        if value[key] not in (None, "", {}, []):
            lines.append(
                Markup('<span class="text-muted">{}:</span> {}').format(
                    key,
                    short_json(value[key]) if isinstance(value[key], dict | list) else value[key],
                )
            )
    return Markup('<address class="mb-0 ch-address">{}</address>').format(
        Markup("<br>").join(lines)
    )


def key_values(value: Any) -> Markup:
    """A small dict (personalisation, buyer) as "key: value" lines; nested values as JSON."""
    if not isinstance(value, dict) or not value:
        return json_block(value)
    rows = [
        Markup(
            '<div><span class="text-muted">{}:</span> <span class="ch-pre">{}</span></div>'
        ).format(key, short_json(item, 400) if isinstance(item, dict | list) else item)
        for key, item in _flatten(value)
    ]
    return Markup('<div class="ch-kv">{}</div>').format(Markup("").join(rows))


def _flatten(value: dict, prefix: str = "") -> list[tuple[str, Any]]:
    rows = []
    for key, item in value.items():
        name = f"{prefix}{key}"
        if isinstance(item, dict) and item:
            rows.extend(_flatten(item, f"{name} › "))
        else:
            rows.append((name, item))
    return rows


def short_json(value: Any, limit: int = 120) -> str:
    if value in (None, "", {}, []):
        return ""
    text = json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def truncate(value: Any, limit: int = 160) -> str:
    text = "" if value is None else str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _datetime_type_formatter(view, value: dt.datetime, name: str) -> str:
    return utc(value)


def _dict_type_formatter(view, value: Any, name: str) -> Markup:
    return json_block(value)


LIST_TYPE_FORMATTERS = {
    **typefmt.BASE_FORMATTERS,
    dt.datetime: _datetime_type_formatter,
    dict: lambda view, value, name: short_json(value),
    list: lambda view, value, name: short_json(value),
}
DETAIL_TYPE_FORMATTERS = {
    **typefmt.DETAIL_FORMATTERS,
    dt.datetime: _datetime_type_formatter,
    dict: _dict_type_formatter,
    list: _dict_type_formatter,
}


def register_filters(app: Flask) -> None:
    app.jinja_env.filters.update(
        utc=utc,
        duration=duration,
        money=money,
        pretty_json=pretty_json,
        json_block=json_block,
        status_badge=status_badge,
        severity_badge=severity_badge,
        mode_badge=mode_badge,
        order_badge=order_badge,
        truncate_text=truncate,
        ago=ago,
        number=number,
        attempt_text=attempt_text,
        address=address,
        key_values=key_values,
    )
