"""How the Shopify Admin REST API writes times, cursors and links.

Times are shown in the shop's own UTC offset with second precision
(``2025-03-04T11:00:00-05:00``) and kept internally as integer epoch seconds, so what is
rendered is exactly what is filtered on. Page cursors (``page_info``) are opaque to clients:
here they are URL-safe base64 of a small JSON object that carries the filters, the sort order
and the id the next page starts after, which is why Shopify refuses filters next to them.
"""

from __future__ import annotations

import base64
import binascii
import json
from datetime import UTC, datetime, timedelta, timezone
from typing import Any
from urllib.parse import urlencode

from .errors import BadParameter


def shop_zone(offset_minutes: int) -> timezone:
    return timezone(timedelta(minutes=offset_minutes))


def render_time(epoch: int | None, offset_minutes: int) -> str | None:
    """``2025-03-04T11:00:00-05:00`` in the shop's offset (``None`` stays ``None``)."""
    if epoch is None:
        return None
    moment = datetime.fromtimestamp(epoch, tz=shop_zone(offset_minutes))
    return moment.isoformat(timespec="seconds")


def parse_time(field: str, text: str, offset_minutes: int) -> int:
    """An ISO-8601 filter value as epoch seconds; a value without offset is shop time."""
    raw = text.strip()
    if raw.endswith(("Z", "z")):
        raw = raw[:-1] + "+00:00"
    try:
        value = datetime.fromisoformat(raw)
    except ValueError:
        raise BadParameter(field, f"{field} must be an ISO 8601 date-time") from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=shop_zone(offset_minutes))
    return int(value.timestamp())


def now_epoch() -> int:
    return int(datetime.now(UTC).timestamp())


def encode_page_info(state: dict[str, Any]) -> str:
    raw = json.dumps(state, separators=(",", ":"), sort_keys=True).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_page_info(token: str) -> dict[str, Any]:
    padded = token + "=" * (-len(token) % 4)
    try:
        state = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise BadParameter("page_info", "Invalid value.") from None
    if not isinstance(state, dict) or "resource" not in state:
        raise BadParameter("page_info", "Invalid value.")
    return state


def link_header(base_url: str, limit: int, fields: str | None,
                previous: str | None, following: str | None) -> str | None:
    """``<url>; rel="previous", <url>; rel="next"`` with only limit, fields and page_info."""
    parts = []
    for rel, token in (("previous", previous), ("next", following)):
        if token is None:
            continue
        query = {"limit": limit}
        if fields:
            query["fields"] = fields
        query["page_info"] = token
        parts.append(f'<{base_url}?{urlencode(query)}>; rel="{rel}"')
    return ", ".join(parts) or None


def select_fields(payload: dict[str, Any], fields: str | None) -> dict[str, Any]:
    """The ``fields`` parameter: keep only the named top-level keys."""
    if not fields:
        return payload
    wanted = [name.strip() for name in fields.split(",") if name.strip()]
    return {name: payload[name] for name in wanted if name in payload}
