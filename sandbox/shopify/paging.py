"""Cursor pagination as the Admin REST API does it: ``limit`` (1..250, default 50), an opaque
``page_info`` in the ``Link`` header, and nothing but ``limit``/``fields`` next to a cursor.

A first request carries the filters (``since_id`` among them); the cursors handed out carry
them on, with the id the page starts after (``rel="next"``) or before (``rel="previous"``).
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from .errors import BadParameter
from .formats import decode_page_info, encode_page_info, link_header

DEFAULT_LIMIT = 50
MAX_LIMIT = 250
CURSOR_COMPANIONS = frozenset({"limit", "fields", "page_info"})


@dataclass(frozen=True)
class PageRequest:
    limit: int
    fields: str | None
    filters: dict[str, str]
    descending: bool
    after: int | None = None
    before: int | None = None


def parse_limit(args: Mapping[str, str]) -> int:
    raw = args.get("limit")
    if raw is None:
        return DEFAULT_LIMIT
    try:
        limit = int(raw)
    except ValueError:
        raise BadParameter("limit", "must be an integer") from None
    if not 1 <= limit <= MAX_LIMIT:
        raise BadParameter("limit", f"must be between 1 and {MAX_LIMIT}")
    return limit


def parse_id(field: str, raw: str | None) -> int | None:
    if raw is None or raw == "":
        return None
    try:
        return int(raw)
    except ValueError:
        raise BadParameter(field, "must be an integer") from None


def page_request(args: Mapping[str, str], resource: str, newest_first: bool) -> PageRequest:
    """Read limit/fields and either a cursor or the filters of a first request.

    With ``since_id`` Shopify lists by ascending id; without it, ``newest_first`` resources
    (orders) list by descending id.
    """
    limit = parse_limit(args)
    fields = args.get("fields") or None
    token = args.get("page_info")
    if token:
        extra = sorted(set(args) - CURSOR_COMPANIONS)
        if extra:
            raise BadParameter("page_info", "page_info cannot be combined with other "
                                            f"parameters than limit and fields: {extra}")
        state = decode_page_info(token)
        if state.get("resource") != resource:
            raise BadParameter("page_info", "Invalid value.")
        return PageRequest(limit, fields, dict(state.get("filters") or {}),
                           bool(state.get("desc")), state.get("after"), state.get("before"))
    filters = {k: v for k, v in args.items() if k not in CURSOR_COMPANIONS}
    since_id = parse_id("since_id", filters.get("since_id"))
    return PageRequest(limit, fields, filters, newest_first and since_id is None, since_id)


def _take(ids: list[int], start: int, step: int, accept: Callable[[int], bool],
          count: int) -> list[int]:
    found: list[int] = []
    index = start
    while 0 <= index < len(ids) and len(found) < count:
        if accept(ids[index]):
            found.append(ids[index])
        index += step
    return found


def paginate(ids: list[int], accept: Callable[[int], bool],
             request: PageRequest) -> tuple[list[int], bool, bool]:
    """(page ids in listing order, has a previous page, has a next page). ``ids`` is sorted."""
    step = -1 if request.descending else 1
    limit = request.limit
    if request.before is None:
        if request.after is None:
            start = len(ids) - 1 if request.descending else 0
        elif request.descending:
            start = bisect.bisect_left(ids, request.after) - 1
        else:
            start = bisect.bisect_right(ids, request.after)
        found = _take(ids, start, step, accept, limit + 1)
        earlier = request.after is not None and bool(_take(ids, start - step, -step, accept, 1))
        return found[:limit], earlier, len(found) > limit
    if request.descending:
        start = bisect.bisect_right(ids, request.before)
    else:
        start = bisect.bisect_left(ids, request.before) - 1
    found = _take(ids, start, -step, accept, limit + 1)
    return list(reversed(found[:limit])), len(found) > limit, True


def listing(ids: list[int], accept: Callable[[int], bool], request: PageRequest,
            resource: str, base_url: str) -> tuple[list[int], str | None]:
    """One page of ids and its ``Link`` header value."""
    page, has_previous, has_next = paginate(ids, accept, request)
    previous_token = next_token = None
    state: dict[str, Any] = {"resource": resource, "filters": request.filters,
                             "desc": request.descending}
    if page and has_previous:
        previous_token = encode_page_info({**state, "before": page[0]})
    if page and has_next:
        next_token = encode_page_info({**state, "after": page[-1]})
    return page, link_header(base_url, request.limit, request.fields, previous_token, next_token)
