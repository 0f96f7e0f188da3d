"""CDiscount marketplace (SOAP MarketplaceAPIService): import paid orders waiting for
shipment, follow their state, confirm dispatches with carrier and tracking number."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from channels.base import Connector as BaseConnector
from channels.errors import ChannelProblem, ConfigurationError, RejectedByChannel
from channels.records import UNREADABLE, Page, Shipment, unreadable
from channels.settings_spec import parse_utc

from . import mapping
from .client import CdiscountClient
from .settings import (
    CURSOR_OVERLAP_SECONDS,
    FEEDS,
    FOLLOWED_STATES,
    IMPORT_STATES,
    LOOKBACK_DAYS,
    LOOKBACK_EVERY_SECONDS,
    PAGE_SIZE,
    SETTINGS,
    SHIPPED_STATE,
    WINDOW_DAYS,
)

CURSOR_KEYS = {"import_new_orders": "created_since", "update_orders": "modified_since"}


class Watermark:
    """A feed's position: the newest date read, minus an overlap; it never moves back.

    Dates come from CDiscount's own records, so our clock and the service's never meet.
    """

    def __init__(self, current: dt.datetime) -> None:
        self.value = current

    def reach(self, newest: dt.datetime) -> None:
        candidate = newest - dt.timedelta(seconds=CURSOR_OVERLAP_SECONDS)
        self.value = max(self.value, candidate)

    def iso(self) -> str:
        return self.value.isoformat()


Window = tuple[dt.datetime, dt.datetime | None]


def windows(start: dt.datetime, now: dt.datetime) -> Iterator[Window]:
    """Week-long date windows from `start`; the last one is open-ended (the service's clock
    may run ahead of ours)."""
    step = dt.timedelta(days=WINDOW_DAYS)
    while start + step < now:
        yield start, start + step
        start += step
    yield start, None


class Connector(BaseConnector):
    code = "cdiscount"
    label = "CDiscount"
    settings_spec = SETTINGS
    feeds = FEEDS
    requires_supplier_mapping = True

    def __init__(self, settings: Mapping[str, Any], secrets: Mapping[str, str]) -> None:
        super().__init__(settings, secrets)
        self.client = CdiscountClient(self.settings, self.secrets)

    def close(self) -> None:
        self.client.close()

    @classmethod
    def initial_cursor(cls, settings: Mapping[str, Any], kind: str) -> dict[str, Any]:
        """Both order feeds start at the admin's 'Last Order Pulled Date Time'."""
        start = settings.get("last_order_pulled_at")
        key = CURSOR_KEYS.get(kind)
        return {key: start} if key and start else {}

    def check(self) -> str:
        seller = self.client.seller_information().get("Seller") or {}
        login = seller.get("Login") or self.settings.get("username")
        shop = seller.get("ShopName") or "(no shop name)"
        state = seller.get("State") or "in an unknown state"
        return f"connected as {login}; shop {shop} is {state}"

    # -- orders ---------------------------------------------------------------------------
    def new_orders(self, cursor: Mapping[str, Any]) -> Iterator[Page]:
        """Orders waiting for shipment, created since the cursor (plus an hourly look-back)."""
        now = dt.datetime.now(dt.UTC)
        since = self._since(cursor, "created_since")
        mark = Watermark(since)
        lookback = _lookback_due(cursor, now)
        query_from = since
        if lookback:  # never before the admin's start date
            earliest = self._start() or since
            query_from = max(min(since, now - dt.timedelta(days=LOOKBACK_DAYS)), earliest)
        for start, end in windows(query_from, now):
            order_filter = mapping.order_filter(
                states=IMPORT_STATES, created_from=start, created_before=end
            )
            payloads, problems = self.client.order_list(order_filter)
            records = _mapped(payloads, mapping.order_from_payload, problems)
            records.sort(key=lambda r: r.placed_at)
            yield from _pages(records, problems, mark, "created_since", lambda r: r.placed_at)
            if end is not None:
                mark.reach(end)
        final = {"created_since": mark.iso()}
        if lookback:
            final["lookback_at"] = now.isoformat()
        yield Page(records=[], next_position=final)

    def order_updates(self, cursor: Mapping[str, Any]) -> Iterator[Page]:
        """State changes since the cursor; a cancellation state cancels the OMS order."""
        now = dt.datetime.now(dt.UTC)
        since = self._since(cursor, "modified_since")
        mark = Watermark(since)
        for start, end in windows(since, now):
            order_filter = mapping.order_filter(
                states=FOLLOWED_STATES, modified_from=start, modified_before=end, with_lines=False
            )
            payloads, problems = self.client.order_list(order_filter)
            records = _mapped(payloads, mapping.status_from_payload, problems)
            records.sort(key=lambda r: r.updated_at or since)
            yield from _pages(records, problems, mark, "modified_since", lambda r: r.updated_at)
            if end is not None:
                mark.reach(end)
        yield Page(records=[], next_position={"modified_since": mark.iso()})

    def orders_by_id(self, channel_order_ids: list[str]) -> list[Any]:
        """Orders fetched again by number (GetOrderList's OrderReferenceList)."""
        order_filter = mapping.order_filter(states=(), order_numbers=channel_order_ids)
        payloads, _ = self.client.order_list(order_filter)
        return _mapped(payloads, mapping.order_from_payload, [])

    def _start(self) -> dt.datetime | None:
        value = self.settings.get("last_order_pulled_at")
        return parse_utc(value) if value else None

    def _since(self, cursor: Mapping[str, Any], key: str) -> dt.datetime:
        value = cursor.get(key)
        since = parse_utc(value) if value else self._start()
        if since is None:
            raise ConfigurationError(
                "set 'Last Order Pulled Date Time' on the integration: CDiscount orders are "
                "imported from that date"
            )
        return since

    # -- shipments --------------------------------------------------------------------------
    def confirm_shipment(self, shipment: Shipment, on_step: Callable[[str], None]) -> None:
        """ValidateOrderList: the order becomes Shipped, every line ShippedBySeller."""
        if "shipped" in shipment.done_steps:
            return
        order_id = shipment.channel_order_id
        body = mapping.shipped_order(shipment)  # refuses a shipment without carrier/tracking
        results = self.client.validate_orders([body])
        validated, errors = mapping.validation_result(results, order_id)
        if not validated:
            kinds = {kind for kind, _ in errors}
            if not ("OrderStateIncoherent" in kinds and self._already_shipped(order_id)):
                text = "; ".join(f"{m} ({k})" for k, m in errors) or "no reason given"
                raise RejectedByChannel(
                    f"CDiscount refused to mark order {order_id} shipped: {text}",
                    code=next(iter(k for k, _ in errors if k), "not_validated"),
                    record_ref=order_id,
                    details={"errors": [list(e) for e in errors]},
                )
        on_step("shipped")

    def _already_shipped(self, order_id: str) -> bool:
        """An earlier attempt may have shipped it before its answer was lost."""
        order_filter = mapping.order_filter(states=(), order_numbers=[order_id], with_lines=False)
        payloads, _ = self.client.order_list(order_filter)
        return any(p.get("OrderState") == SHIPPED_STATE for p in payloads)


def _lookback_due(cursor: Mapping[str, Any], now: dt.datetime) -> bool:
    last = cursor.get("lookback_at")
    if not last:
        return True
    return (now - parse_utc(last)).total_seconds() >= LOOKBACK_EVERY_SECONDS


def _mapped(payloads: list, mapper: Callable[[Any], Any], problems: list) -> list:
    records = []
    for payload in payloads:
        try:
            records.append(mapper(payload))
        except ChannelProblem as problem:
            problems.append(problem)
        except UNREADABLE as exc:
            problems.append(unreadable(payload, exc))
    return records


def _pages(records: list, problems: list, mark: Watermark, key: str,
           date_of: Callable[[Any], dt.datetime | None]) -> Iterator[Page]:
    """Pages of PAGE_SIZE records, oldest first; each page's position covers its own records."""
    chunks = [records[i:i + PAGE_SIZE] for i in range(0, len(records), PAGE_SIZE)] or [[]]
    for number, chunk in enumerate(chunks):
        for record in chunk:
            when = date_of(record)
            if when is not None:
                mark.reach(when)
        yield Page(records=chunk, problems=problems if number == 0 else [],
                   next_position={key: mark.iso()})
