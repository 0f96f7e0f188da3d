"""OR11 ``GET /api/orders``: filters, sort and offset paging over a shop's orders.

Parameters are validated strictly (a typo answers 400 instead of silently returning everything)
because a connector that sends a wrong filter against a real shop would otherwise import too
much. Date windows are half-open: ``start_*`` inclusive, ``end_*`` exclusive.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sandbox.timeutil import parse_iso

from .errors import validation_error
from .store import OrderRecord, Shop

DEFAULT_PAGE_SIZE = 10
MAX_PAGE_SIZE = 100
MAX_ORDER_IDS = 100
ORDER_STATES = frozenset({
    "STAGING", "WAITING_ACCEPTANCE", "WAITING_DEBIT", "WAITING_DEBIT_PAYMENT", "SHIPPING",
    "SHIPPED", "TO_COLLECT", "RECEIVED", "CLOSED", "REFUSED", "CANCELED",
})
SORT_FIELDS = frozenset({"dateCreated"})


@dataclass
class OrderQuery:
    order_ids: set[str] | None = None
    states: set[str] | None = None
    start_date: datetime | None = None
    end_date: datetime | None = None
    start_update_date: datetime | None = None
    end_update_date: datetime | None = None
    customer_debited: bool | None = None
    channel_codes: set[str] | None = None
    payment_workflow: str | None = None
    max: int = DEFAULT_PAGE_SIZE
    offset: int = 0
    paginate: bool = True
    descending: bool = False

    def matches(self, record: OrderRecord) -> bool:
        payload = record.payload
        checks = (
            self.order_ids is None or record.order_id in self.order_ids,
            self.states is None or record.state in self.states,
            self.start_date is None or record.created >= self.start_date,
            self.end_date is None or record.created < self.end_date,
            self.start_update_date is None or record.updated >= self.start_update_date,
            self.end_update_date is None or record.updated < self.end_update_date,
            self.customer_debited is None
            or (payload.get("customer_debited_date") is not None) == self.customer_debited,
            self.channel_codes is None
            or (payload.get("channel") or {}).get("code") in self.channel_codes,
            self.payment_workflow is None
            or payload.get("payment_workflow") == self.payment_workflow,
        )
        return all(checks)


def parse_query(args: Mapping[str, str]) -> OrderQuery:
    """Read OR11 query parameters; raises a Mirakl ``VALIDATION_ERROR`` for bad values."""
    query = OrderQuery()
    if args.get("order_ids"):
        query.order_ids = _csv(args["order_ids"])
        if len(query.order_ids) > MAX_ORDER_IDS:
            raise validation_error(f"order_ids accepts at most {MAX_ORDER_IDS} ids", "order_ids")
    if args.get("order_state_codes"):
        query.states = _csv(args["order_state_codes"])
        unknown = sorted(query.states - ORDER_STATES)
        if unknown:
            raise validation_error(f"Unknown order state code(s): {', '.join(unknown)}",
                                   "order_state_codes")
    for name in ("start_date", "end_date", "start_update_date", "end_update_date"):
        if args.get(name):
            setattr(query, name, _date(args[name], name))
    if args.get("customer_debited"):
        query.customer_debited = _bool(args["customer_debited"], "customer_debited")
    if args.get("channel_codes"):
        query.channel_codes = _csv(args["channel_codes"])
    query.payment_workflow = args.get("payment_workflow") or None
    query.max = _int(args.get("max"), "max", DEFAULT_PAGE_SIZE, 1, MAX_PAGE_SIZE)
    query.offset = _int(args.get("offset"), "offset", 0, 0, None)
    if args.get("paginate"):
        query.paginate = _bool(args["paginate"], "paginate")
    sort = args.get("sort") or "dateCreated"
    if sort not in SORT_FIELDS:
        raise validation_error(f"sort must be one of {', '.join(sorted(SORT_FIELDS))}", "sort")
    order = (args.get("order") or "asc").lower()
    if order not in ("asc", "desc"):
        raise validation_error("order must be asc or desc", "order")
    query.descending = order == "desc"
    return query


def select(shop: Shop, query: OrderQuery) -> tuple[list[dict[str, Any]], int]:
    """One page of orders (deep copies, safe to serialise outside the lock) and the total."""
    matching = [record for record in shop.orders.values() if query.matches(record)]
    matching.sort(key=lambda record: (record.created, record.seq), reverse=query.descending)
    page = matching[query.offset:query.offset + query.max] if query.paginate else matching
    return [copy.deepcopy(record.payload) for record in page], len(matching)


def _csv(value: str) -> set[str]:
    return {item.strip() for item in value.split(",") if item.strip()}


def _date(value: str, name: str) -> datetime:
    try:
        return parse_iso(value)
    except ValueError:
        raise validation_error(f"{name} must be an ISO-8601 date-time, e.g. "
                               "2025-03-04T09:12:31Z", name) from None


def _bool(value: str, name: str) -> bool:
    lowered = value.strip().lower()
    if lowered not in ("true", "false"):
        raise validation_error(f"{name} must be true or false", name)
    return lowered == "true"


def _int(value: str | None, name: str, default: int, low: int, high: int | None) -> int:
    if value is None or value == "":
        return default
    try:
        number = int(value)
    except ValueError:
        raise validation_error(f"{name} must be an integer", name) from None
    if number < low or (high is not None and number > high):
        bound = f"between {low} and {high}" if high is not None else f">= {low}"
        raise validation_error(f"{name} must be {bound}", name)
    return number
