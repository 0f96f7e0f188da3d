"""getOrders ``GET /orders/v0/orders``: filters, the 2-minute rule and NextToken paging.

Parameters are validated as the API does: ``MarketplaceIds`` is required, exactly one of
``CreatedAfter`` / ``LastUpdatedAfter`` is (they cannot be combined), and a ``*Before`` must not
be later than two minutes before the request. The first page fixes the set of matching orders;
``NextToken`` pages through that set (with the same ``MarketplaceIds``), so orders changing
between pages neither repeat nor vanish. Every function expects ``store.lock`` to be held.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sandbox.timeutil import parse_iso, to_iso

from .errors import invalid
from .store import NEXT_TOKEN_LIFETIME, AmazonOrder, Seller

STATUSES = frozenset(
    {
        "PendingAvailability",
        "Pending",
        "Unshipped",
        "PartiallyShipped",
        "Shipped",
        "Canceled",
        "Unfulfillable",
        "InvoiceUnconfirmed",
    }
)
FULFILLMENT_CHANNELS = frozenset({"AFN", "MFN"})
MAX_PAGE_SIZE = 100
MIN_AGE = timedelta(minutes=2)


@dataclass
class OrderQuery:
    marketplace_ids: list[str]
    created_after: datetime | None = None
    created_before: datetime | None = None
    updated_after: datetime | None = None
    updated_before: datetime | None = None
    statuses: set[str] | None = None
    channels: set[str] | None = None
    order_ids: set[str] | None = None
    page_size: int = MAX_PAGE_SIZE

    def matches(self, order: AmazonOrder) -> bool:
        checks = (
            order.marketplace_id in self.marketplace_ids,
            self.created_after is None or order.created >= self.created_after,
            self.created_before is None or order.created <= self.created_before,
            self.updated_after is None or order.updated >= self.updated_after,
            self.updated_before is None or order.updated <= self.updated_before,
            self.statuses is None or order.status in self.statuses,
            self.channels is None or order.payload.get("FulfillmentChannel") in self.channels,
            self.order_ids is None or order.order_id in self.order_ids,
        )
        return all(checks)


def _csv(args: Mapping[str, str], name: str) -> list[str] | None:
    raw = args.get(name)
    if raw is None:
        return None
    return [part.strip() for part in raw.split(",") if part.strip()]


def _date(args: Mapping[str, str], name: str) -> datetime | None:
    raw = args.get(name)
    if raw is None:
        return None
    try:
        return parse_iso(raw)
    except ValueError:
        raise invalid("Invalid Input", f"{name} is not an ISO 8601 date: {raw[:40]}") from None


def marketplaces(args: Mapping[str, str], seller: Seller) -> list[str]:
    ids = _csv(args, "MarketplaceIds")
    if not ids:
        raise invalid("Invalid Input", "MarketplaceIds is required")
    if len(ids) > 50:
        raise invalid("Invalid Input", "MarketplaceIds accepts at most 50 values")
    unknown = [i for i in ids if i not in seller.marketplace_ids]
    if unknown:
        raise invalid("Invalid Input", f"Seller is not registered in {', '.join(unknown)}")
    return ids


def parse_query(args: Mapping[str, str], seller: Seller, now: datetime) -> OrderQuery:
    query = OrderQuery(marketplace_ids=marketplaces(args, seller))
    query.created_after = _date(args, "CreatedAfter")
    query.updated_after = _date(args, "LastUpdatedAfter")
    if (query.created_after is None) == (query.updated_after is None):
        raise invalid(
            "Invalid Input", "exactly one of CreatedAfter or LastUpdatedAfter is required"
        )
    latest = now - MIN_AGE
    if query.created_after is not None:
        if "LastUpdatedBefore" in args:
            raise invalid("Invalid Input", "LastUpdatedBefore cannot be used with CreatedAfter")
        query.created_before = _before(args, "CreatedBefore", query.created_after, latest)
    else:
        if "CreatedBefore" in args:
            raise invalid("Invalid Input", "CreatedBefore cannot be used with LastUpdatedAfter")
        query.updated_before = _before(args, "LastUpdatedBefore", query.updated_after, latest)
    statuses = _csv(args, "OrderStatuses")
    if statuses is not None:
        bad = [s for s in statuses if s not in STATUSES]
        if bad:
            raise invalid("Invalid Input", f"Invalid OrderStatuses: {', '.join(bad)}")
        query.statuses = set(statuses)
    channels = _csv(args, "FulfillmentChannels")
    if channels is not None:
        if not set(channels) <= FULFILLMENT_CHANNELS:
            raise invalid("Invalid Input", "FulfillmentChannels must be AFN and/or MFN")
        query.channels = set(channels)
    ids = _csv(args, "AmazonOrderIds")
    if ids is not None:
        query.order_ids = set(ids[:50])
    query.page_size = _page_size(args.get("MaxResultsPerPage"))
    return query


def _before(args, name: str, after: datetime | None, latest: datetime) -> datetime:
    before = _date(args, name)
    if before is None:
        return latest
    if before > latest:
        raise invalid(
            "Invalid Input",
            f"{name} must be at least 2 minutes before the time of the request ({to_iso(latest)})",
        )
    if after is not None and before < after:
        raise invalid("Invalid Input", f"{name} must be after the matching *After date")
    return before


def _page_size(raw: str | None) -> int:
    if raw is None:
        return MAX_PAGE_SIZE
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_PAGE_SIZE:
        raise invalid("Invalid Input", "MaxResultsPerPage must be between 1 and 100")
    return int(raw)


def first_page(seller: Seller, query: OrderQuery, now: datetime) -> dict[str, Any]:
    """Select, sort (by the date filtered on), and keep the rest behind a NextToken."""
    by_update = query.updated_after is not None
    matching = sorted(
        (o for o in seller.orders.values() if query.matches(o)),
        key=lambda o: ((o.updated if by_update else o.created), o.seq),
    )
    ids = [o.order_id for o in matching]
    edge = query.updated_before if by_update else query.created_before
    echo = {"LastUpdatedBefore" if by_update else "CreatedBefore": to_iso(edge)}
    return _page(seller, ids, query.page_size, ",".join(query.marketplace_ids), echo, now)


def next_page(seller: Seller, token: str, args: Mapping[str, str], now: datetime) -> dict[str, Any]:
    state = seller.next_tokens.pop(token, None)
    if state is None or state["expires"] < now:
        raise invalid("Invalid Input", "NextToken is invalid or has expired")
    if ",".join(marketplaces(args, seller)) != state["marketplaces"]:
        raise invalid("Invalid Input", "NextToken must be sent with the same MarketplaceIds")
    return _page(
        seller, state["ids"], state["page_size"], state["marketplaces"], state["echo"], now
    )


def _page(seller: Seller, ids: list[str], size: int, markets: str, echo: dict, now: datetime):
    page, rest = ids[:size], ids[size:]
    result: dict[str, Any] = {"ids": page, "payload": dict(echo)}
    if rest:
        token = secrets.token_urlsafe(18)
        seller.next_tokens[token] = {
            "ids": rest,
            "page_size": size,
            "marketplaces": markets,
            "echo": echo,
            "expires": now + NEXT_TOKEN_LIFETIME,
        }
        result["payload"]["NextToken"] = token
    for stale in [t for t, s in seller.next_tokens.items() if s["expires"] < now]:
        del seller.next_tokens[stale]
    return result
