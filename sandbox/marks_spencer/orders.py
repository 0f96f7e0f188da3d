"""M&S orders as a supplier sees them: the list with keyset paging, dispatch and cancellation.

::

    OPEN --POST /v1/orders/{n}/dispatch--> DISPATCHED
    OPEN --(customer or M&S cancels, via the control API)--> CANCELLED

The list is sorted by ``updated_at`` then ``order_number``; a ``page_token`` names the last
order of the previous page, so the next page starts strictly after it. An order that changes
while a client pages moves to the end (it may be seen twice, never skipped), and the token is
bound to the filters it was issued for.

Every function here expects the caller to hold ``store.lock``.
"""

from __future__ import annotations

import base64
import copy
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sandbox.timeutil import parse_iso, to_iso

from .errors import MSError, validation_error
from .store import OrderRecord, Supplier

STATUSES = ("OPEN", "DISPATCHED", "CANCELLED")
LIST_PARAMS = frozenset({"status", "updated_from", "updated_to", "limit", "page_token"})
DEFAULT_LIMIT = 50
MAX_LIMIT = 100
MAX_TEXT = 120


@dataclass
class OrderQuery:
    statuses: frozenset[str] | None = None
    updated_from: datetime | None = None
    updated_to: datetime | None = None
    limit: int = DEFAULT_LIMIT
    after: tuple[datetime, str] | None = None

    def matches(self, record: OrderRecord) -> bool:
        return (
            (self.statuses is None or record.status in self.statuses)
            and (self.updated_from is None or record.updated >= self.updated_from)
            and (self.updated_to is None or record.updated < self.updated_to)
            and (self.after is None or (record.updated, record.number) > self.after)
        )

    def fingerprint(self) -> str:
        text = "|".join((
            ",".join(sorted(self.statuses or ())),
            to_iso(self.updated_from) or "",
            to_iso(self.updated_to) or "",
        ))
        return hashlib.sha256(text.encode()).hexdigest()[:12]


def parse_query(args: Mapping[str, str]) -> OrderQuery:
    """Read the list parameters; an unknown or bad one answers 400 rather than everything."""
    unknown = sorted(set(args) - LIST_PARAMS)
    if unknown:
        raise validation_error(f"unknown parameter(s): {', '.join(unknown)}", unknown[0])
    query = OrderQuery()
    if args.get("status"):
        statuses = frozenset(s.strip() for s in args["status"].split(",") if s.strip())
        bad = sorted(statuses - set(STATUSES))
        if bad:
            raise validation_error(f"unknown status {', '.join(bad)} (one of "
                                   f"{', '.join(STATUSES)})", "status")
        query.statuses = statuses
    for name in ("updated_from", "updated_to"):
        if args.get(name):
            try:
                setattr(query, name, parse_iso(args[name]))
            except ValueError:
                raise validation_error(f"{name} must be an ISO-8601 date-time such as "
                                       "2026-03-01T06:00:00Z", name) from None
    query.limit = _limit(args.get("limit"))
    if args.get("page_token"):
        query.after = _read_token(args["page_token"], query.fingerprint())
    return query


def select(supplier: Supplier, query: OrderQuery) -> dict[str, Any]:
    """One page (deep copies, safe to serialise outside the lock) and the next token."""
    matching = sorted(
        (record for record in supplier.orders.values() if query.matches(record)),
        key=lambda record: (record.updated, record.number),
    )
    page = matching[:query.limit]
    token = None
    if len(matching) > query.limit:
        last = page[-1]
        token = _make_token(last.updated, last.number, query.fingerprint())
    return {"orders": [copy.deepcopy(record.payload) for record in page],
            "next_page_token": token}


def find(supplier: Supplier, number: str) -> OrderRecord:
    record = supplier.orders.get(number)
    if record is None:
        raise MSError(404, "ORDER_NOT_FOUND", f"order {number} not found", "order_number")
    return record


def dispatch(supplier: Supplier, number: str, body: Any, now: datetime) -> OrderRecord:
    """Confirm the dispatch of a whole order; the same confirmation again is accepted as is."""
    carrier, tracking, when = _dispatch_fields(body, now)
    record = find(supplier, number)
    if record.status == "CANCELLED":
        raise MSError(409, "ORDER_CANCELLED", f"order {number} was cancelled and must not be "
                      "dispatched")
    if record.status == "DISPATCHED":
        done = record.payload.get("dispatch") or {}
        if (done.get("carrier"), done.get("tracking_number")) == (carrier, tracking):
            return record  # a retried confirmation whose first answer was lost
        raise MSError(409, "ORDER_ALREADY_DISPATCHED", f"order {number} was already dispatched "
                      f"with tracking number {done.get('tracking_number')}")
    record.payload["status"] = "DISPATCHED"
    record.payload["dispatch"] = {"carrier": carrier, "tracking_number": tracking,
                                  "dispatched_at": to_iso(when), "confirmed_at": to_iso(now)}
    record.touch(now)
    return record


def cancel(supplier: Supplier, number: str, reason: str | None, now: datetime) -> OrderRecord:
    """The customer or M&S cancels an order that is not dispatched yet."""
    record = find(supplier, number)
    if record.status != "OPEN":
        raise MSError(409, "ORDER_NOT_OPEN", f"order {number} is {record.status} and can no "
                      "longer be cancelled")
    record.payload["status"] = "CANCELLED"
    record.payload["cancellation"] = {"reason": reason or "CUSTOMER_REQUEST",
                                      "cancelled_at": to_iso(now)}
    record.touch(now)
    return record


def _dispatch_fields(body: Any, now: datetime) -> tuple[str, str, datetime]:
    if not isinstance(body, dict):
        raise validation_error("body must be a JSON object with carrier and tracking_number")
    values = []
    for name in ("carrier", "tracking_number"):
        value = body.get(name)
        if not isinstance(value, str) or not value.strip():
            raise validation_error(f"{name} is required", name)
        if len(value) > MAX_TEXT:
            raise validation_error(f"{name} is longer than {MAX_TEXT} characters", name)
        values.append(value.strip())
    when = now
    if body.get("dispatched_at") is not None:
        try:
            when = parse_iso(str(body["dispatched_at"]))
        except ValueError:
            raise validation_error("dispatched_at must be an ISO-8601 date-time",
                                   "dispatched_at") from None
        if when > now:
            raise validation_error("dispatched_at must not be in the future", "dispatched_at")
    return values[0], values[1], when


def _limit(value: str | None) -> int:
    if value in (None, ""):
        return DEFAULT_LIMIT
    try:
        number = int(value)
    except ValueError:
        raise validation_error("limit must be an integer", "limit") from None
    if not 1 <= number <= MAX_LIMIT:
        raise validation_error(f"limit must be between 1 and {MAX_LIMIT}", "limit")
    return number


def _make_token(updated: datetime, number: str, fingerprint: str) -> str:
    raw = json.dumps({"u": to_iso(updated), "n": number, "f": fingerprint})
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _read_token(token: str, fingerprint: str) -> tuple[datetime, str]:
    try:
        padded = token + "=" * (-len(token) % 4)
        data = json.loads(base64.urlsafe_b64decode(padded.encode()))
        after = (parse_iso(data["u"]), str(data["n"]))
        issued_for = data["f"]
    except (ValueError, KeyError, TypeError, AttributeError):
        raise MSError(400, "INVALID_PAGE_TOKEN", "page_token is not a token this API issued",
                      "page_token") from None
    if issued_for != fingerprint:
        raise MSError(400, "INVALID_PAGE_TOKEN", "page_token was issued for other filters; "
                      "repeat the same status/updated_from/updated_to", "page_token")
    return after
