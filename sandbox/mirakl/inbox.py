"""M11 ``GET /api/inbox/threads``: customer message threads with seek pagination.

Threads are sorted newest first (``date_updated`` descending, then id). A page token is an
opaque, URL-safe encoding of the sort key of the page's edge and of the original filters, as
Mirakl's tokens are: when ``page_token`` is given, the other filters come from the token.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sandbox.timeutil import parse_iso, to_iso

from .errors import validation_error
from .store import Shop, ThreadRecord

DEFAULT_LIMIT = 50
MAX_LIMIT = 100
ENTITY_TYPES = frozenset({"MMP_ORDER", "MMP_OFFER", "MPS_ORDER", "MPS_SERVICE",
                          "SELLER_OPERATOR"})


def list_threads(shop: Shop, args: Mapping[str, str]) -> dict[str, Any]:
    """The M11 answer: ``{"data": [...], "next_page_token"?, "previous_page_token"?}``."""
    token = args.get("page_token")
    if token:
        state = _decode(token)
        filters, edge, direction = state["f"], tuple(state["k"]), state["d"]
    else:
        filters, edge, direction = _filters(args), None, "next"
    threads = sorted(_matching(shop, filters), key=_sort_key, reverse=True)
    keys = [_sort_key(thread) for thread in threads]
    limit = filters["limit"]
    if edge is None:
        start = 0
    elif direction == "next":
        start = next((i for i, key in enumerate(keys) if key < edge), len(keys))
    else:
        end = next((i for i, key in enumerate(keys) if key <= edge), len(keys))
        start = max(0, end - limit)
    page = threads[start:start + limit]
    body: dict[str, Any] = {
        "data": [serialise(shop, thread, filters["with_messages"]) for thread in page]}
    if page and start + limit < len(threads):
        body["next_page_token"] = _encode(filters, _sort_key(page[-1]), "next")
    if page and start > 0:
        body["previous_page_token"] = _encode(filters, _sort_key(page[0]), "previous")
    return body


def serialise(shop: Shop, thread: ThreadRecord, with_messages: bool) -> dict[str, Any]:
    shop_party = {"display_name": shop.name, "id": str(shop.shop_id), "type": "SHOP"}
    customer_party = {**thread.customer, "type": "CUSTOMER"}
    last = thread.messages[-1]
    data: dict[str, Any] = {
        "id": thread.thread_id,
        "topic": {"type": "FREE_TEXT", "value": thread.topic},
        "date_created": to_iso(thread.created),
        "date_updated": to_iso(thread.updated),
        "entities": [{"id": thread.order_id, "label": thread.order_id, "type": "MMP_ORDER"}],
        "authorized_participants": [shop_party, customer_party,
                                    {"display_name": "Opérateur", "type": "OPERATOR"}],
        "current_participants": [customer_party],
        "metadata": {
            "last_message_date": to_iso(last["date_created"]),
            "last_sender": _sender(thread),
            "shop_reply_needed_since": to_iso(thread.messages[0]["date_created"]),
            "total_count": len(thread.messages),
        },
    }
    if with_messages:
        data["messages"] = [
            {
                "id": message["id"],
                "body": message["body"],
                "date_created": to_iso(message["date_created"]),
                "from": _sender(thread),
                "to": [shop_party],
                "attachments": [],
            }
            for message in thread.messages[-100:]
        ]
        data["no_store_reply_needed"] = []
    return data


def _sender(thread: ThreadRecord) -> dict[str, Any]:
    return {
        "display_name": thread.customer["display_name"],
        "organization_details": {**thread.customer, "type": "CUSTOMER"},
        "type": "CUSTOMER_USER",
    }


def _filters(args: Mapping[str, str]) -> dict[str, Any]:
    entity_type = args.get("entity_type") or None
    if entity_type is not None and entity_type not in ENTITY_TYPES:
        raise validation_error(f"entity_type must be one of {', '.join(sorted(ENTITY_TYPES))}",
                               "entity_type")
    entity_ids = [item.strip() for item in (args.get("entity_id") or "").split(",")
                  if item.strip()]
    if entity_ids and entity_type is None:
        raise validation_error("entity_id needs entity_type", "entity_id")
    updated_since = args.get("updated_since")
    if updated_since:
        try:
            updated_since = to_iso(parse_iso(updated_since))
        except ValueError:
            raise validation_error("updated_since must be an ISO-8601 date-time",
                                   "updated_since") from None
    with_messages = (args.get("with_messages") or "false").lower()
    if with_messages not in ("true", "false"):
        raise validation_error("with_messages must be true or false", "with_messages")
    try:
        limit = int(args.get("limit") or DEFAULT_LIMIT)
    except ValueError:
        raise validation_error("limit must be an integer", "limit") from None
    if not 1 <= limit <= MAX_LIMIT:
        raise validation_error(f"limit must be between 1 and {MAX_LIMIT}", "limit")
    return {"entity_type": entity_type, "entity_ids": entity_ids, "limit": limit,
            "updated_since": updated_since or None, "with_messages": with_messages == "true"}


def _matching(shop: Shop, filters: dict[str, Any]) -> list[ThreadRecord]:
    if filters["entity_type"] not in (None, "MMP_ORDER"):
        return []
    wanted = set(filters["entity_ids"])
    since = parse_iso(filters["updated_since"]) if filters["updated_since"] else None
    return [
        thread for thread in shop.threads
        if (not wanted or thread.order_id in wanted)
        and (since is None or thread.updated >= since)
    ]


def _sort_key(thread: ThreadRecord) -> tuple[str, str]:
    # ISO strings of UTC datetimes with fixed width sort like the datetimes themselves.
    return (_fixed(thread.updated), thread.thread_id)


def _fixed(value: datetime) -> str:
    return value.strftime("%Y-%m-%dT%H:%M:%S.%f")


def _encode(filters: dict[str, Any], key: tuple[str, str], direction: str) -> str:
    raw = json.dumps({"f": filters, "k": list(key), "d": direction}, separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _decode(token: str) -> dict[str, Any]:
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        state = json.loads(raw)
        if not isinstance(state, dict) or state.get("d") not in ("next", "previous"):
            raise ValueError("bad token")
        _ = state["f"]["limit"], state["k"][1]
        return state
    except (ValueError, KeyError, IndexError, TypeError, binascii.Error):
        raise validation_error("page_token is invalid", "page_token") from None
