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


def utc(value: dt.datetime | None, seconds: bool = True) -> str:
    """Times are stored and shown in UTC; the suffix says so."""
    if value is None:
        return ""
    if value.tzinfo is not None:
        value = value.astimezone(dt.UTC)
    return value.strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M") + " UTC"


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
    )
