"""Order feeds of the PrestaShop connector: new orders, status updates, re-checks, shipments.

New orders are walked by id (``filter[id]=>[last]``), every state included: paid or valid
ones are imported, unpaid ones set aside by the generic writer, cancelled ones skipped with an
info event. An order that cannot be imported (unknown carrier, malformed) is an error event
and its id is kept in the cursor's ``retry_ids``, so it is read again on every run and
imported once the shop's data or the shipping method map is fixed. Status updates are walked
by ``date_upd`` in the shop's own clock, so no clock difference can skip a change.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from channels.errors import ChannelProblem, RejectedByChannel
from channels.records import UNREADABLE, OrderRecord, Page, Shipment, unreadable
from channels.settings_spec import parse_utc

from . import mapping
from .mapping import Carrier, Lookups, OrderState
from .settings import CURSOR_OVERLAP_SECONDS, DEFAULT_LOOKBACK_HOURS, ORDER_PAGE_SIZE
from .values import SHOP_TIME_FORMAT, ref, shop_text

FAR_FUTURE = "9999-12-31 23:59:59"
MAX_RETRY_IDS = 500
STATUS_PAGE_SIZE = 100


def default_since(settings: Mapping[str, Any], now: dt.datetime | None = None) -> str:
    """Where order feeds start: the setting, else one day before now (the set-up)."""
    if settings.get("import_orders_from"):
        return parse_utc(settings["import_orders_from"]).isoformat()
    now = now or dt.datetime.now(dt.UTC)
    return (now - dt.timedelta(hours=DEFAULT_LOOKBACK_HOURS)).isoformat()


class OrderFeeds:
    """Mixed into the connector; needs ``client``, ``tz``, ``method_map`` and ``settings``."""

    def _init_order_caches(self) -> None:
        self._states_cache: dict[str, OrderState] | None = None
        self._carriers: dict[str, Carrier] = {}
        self._countries: dict[str, str] = {}
        self._regions: dict[str, str] = {}
        self._currencies: dict[str, str] = {}
        self._recheck_failed: set[str] = set()

    def order_states(self) -> dict[str, OrderState]:
        if self._states_cache is None:
            rows = self.client.select("order_states")
            self._states_cache = mapping.states_from_payload(rows, self.client.language_id)
        return self._states_cache

    # -- lookups ------------------------------------------------------------------------------
    def _fill(self, cache: dict[str, Any], resource: str, ids: set[str], display: str,
              value: Callable[[Mapping[str, Any]], Any]) -> None:
        missing = {i for i in ids if i and i not in cache}
        if missing:
            for row in self.client.by_ids(resource, sorted(missing), display=display):
                cache[ref(row.get("id"))] = value(row)

    def _lookups(self, payloads: list[Any]) -> Lookups:
        orders = [p for p in payloads if isinstance(p, Mapping)]
        self._fill(self._carriers, "carriers", {ref(o.get("id_carrier")) for o in orders},
                   "[id,id_reference,name,deleted]", mapping.carrier_from_payload)
        address_ids = {ref(o.get(k)) for o in orders
                       for k in ("id_address_delivery", "id_address_invoice")} - {""}
        addresses = {ref(a.get("id")): a for a in self.client.by_ids("addresses", sorted(
            address_ids))}
        customers = {ref(c.get("id")): c for c in self.client.by_ids(
            "customers", sorted({ref(o.get("id_customer")) for o in orders} - {""}),
            display="[id,firstname,lastname,email]")}
        self._fill(self._countries, "countries",
                   {ref(a.get("id_country")) for a in addresses.values()}, "[id,iso_code]",
                   lambda row: str(row.get("iso_code") or ""))
        self._fill(self._regions, "states", {ref(a.get("id_state")) for a in addresses.values()},
                   "[id,name]", lambda row: str(row.get("name") or ""))
        self._fill(self._currencies, "currencies", {ref(o.get("id_currency")) for o in orders},
                   "[id,iso_code]", lambda row: str(row.get("iso_code") or ""))
        return Lookups(states=self.order_states(), method_map=self.method_map, tz=self.tz,
                       language_id=self.client.language_id, carriers=self._carriers,
                       addresses=addresses, customers=customers, countries=self._countries,
                       regions=self._regions, currencies=self._currencies)

    def _map_orders(self, payloads: list[Any]) -> tuple[Page, list[str]]:
        """A page of records and problems, and the ids of orders that could not be mapped."""
        page = Page(records=[])
        failed: list[str] = []
        if not payloads:
            return page, failed
        lookups = self._lookups(payloads)
        for payload in payloads:
            try:
                page.records.append(mapping.order_from_payload(payload, lookups))
            except ChannelProblem as problem:
                page.problems.append(problem)
                if problem.record_ref:
                    failed.append(problem.record_ref)
            except UNREADABLE as exc:
                page.problems.append(unreadable(payload, exc))
        return page, failed

    # -- feeds --------------------------------------------------------------------------------
    def new_orders(self, cursor: Mapping[str, Any]) -> Iterator[Page]:
        last, resolved = self._start_after(cursor)
        retry = [str(i) for i in cursor.get("retry_ids") or []]
        again = sorted(set(retry) | self._recheck_failed)
        self._recheck_failed = set()
        if again:
            page, retry = self._map_orders(self.client.by_ids("orders", again))
            page.next_position = {"last_order_id": last, "retry_ids": retry}
            yield page
        elif resolved:
            yield Page(records=[], next_position={"last_order_id": last, "retry_ids": retry})
        for payloads in self.client.pages_after("orders", last, page_size=ORDER_PAGE_SIZE):
            page, failed = self._map_orders(payloads)
            last = max([last, *_numeric_ids(payloads)])
            retry = [*retry, *failed][-MAX_RETRY_IDS:]
            page.next_position = {"last_order_id": last, "retry_ids": retry}
            yield page

    def _start_after(self, cursor: Mapping[str, Any]) -> tuple[int, bool]:
        """The id after which new orders start, and whether it was just worked out."""
        if cursor.get("last_order_id") is not None:
            return int(cursor["last_order_id"]), False
        since = parse_utc(cursor.get("orders_from") or default_since(self.settings))
        first = self.client.select("orders", display="[id]", date=True, sort="[id_ASC]",
                                   limit=1, filters={"date_add": f"[{shop_text(since, self.tz)},"
                                                                 f"{FAR_FUTURE}]"})
        if first:
            return int(ref(first[0].get("id")) or 1) - 1, True
        newest = self.client.select("orders", display="[id]", sort="[id_DESC]", limit=1)
        return (int(ref(newest[0].get("id")) or 0) if newest else 0), True

    def orders_by_id(self, channel_order_ids: list[str]) -> list[OrderRecord]:
        """Pending orders asked again. One that cannot be mapped any more is left pending and
        reported by ``new_orders`` of the same run, which reads it again."""
        page, failed = self._map_orders(self.client.by_ids("orders", channel_order_ids))
        self._recheck_failed.update(failed)
        return page.records

    def order_updates(self, cursor: Mapping[str, Any]) -> Iterator[Page]:
        since = cursor.get("updated_since")
        if not since:
            start = parse_utc(cursor.get("updated_from") or default_since(self.settings))
            since = shop_text(start, self.tz)
        states = self.order_states()
        offset = 0
        while True:
            rows = self.client.select(
                "orders", display="[id,current_state,date_upd]", date=True,
                filters={"date_upd": f"[{since},{FAR_FUTURE}]"},
                sort="[date_upd_ASC,id_ASC]", offset=offset, limit=STATUS_PAGE_SIZE)
            page = Page.mapped(rows, lambda row: mapping.status_from_payload(row, states, self.tz))
            newest = max((str(r.get("date_upd") or "") for r in rows), default="")
            page.next_position = {"updated_since": _minus_overlap(newest) if newest else since}
            yield page
            if len(rows) < STATUS_PAGE_SIZE:
                return
            offset += len(rows)

    # -- shipments ----------------------------------------------------------------------------
    def confirm_shipment(self, shipment: Shipment, on_step: Callable[[str], None]) -> None:
        """Tracking number on the order's carrier line, then the shipped state (with mail)."""
        order_id = shipment.channel_order_id
        rows = self.client.select("orders", display="[id,current_state]",
                                  filters={"id": f"[{order_id}]"})
        if not rows:
            raise RejectedByChannel(f"order {order_id} no longer exists on PrestaShop",
                                    code="order_not_found", record_ref=order_id)
        state = self.order_states().get(ref(rows[0].get("current_state")))
        if state is not None and state.cancelled:
            raise RejectedByChannel(
                f"order {order_id} is {state.name} on PrestaShop: not marked shipped; stop the "
                "parcel or refund the buyer", code="order_cancelled", record_ref=order_id)
        if shipment.tracking_number and "tracking" not in shipment.done_steps:
            self._set_tracking(order_id, shipment.tracking_number)
            on_step("tracking")
        if "shipped" in shipment.done_steps:
            return
        if state is None or not state.shipped:
            shipped = mapping.shipped_state(self.order_states(),
                                            self.settings.get("shipped_state_id"))
            self.client.write("POST", "order_histories", "order_history",
                              mapping.history_fields(order_id, shipped.id),
                              params={"sendemail": 1})
        on_step("shipped")

    def _set_tracking(self, order_id: str, tracking: str) -> None:
        if len(tracking) > mapping.TRACKING_NUMBER_MAX:
            raise RejectedByChannel(
                f"order {order_id}: tracking number '{tracking[:80]}' is longer than "
                f"{mapping.TRACKING_NUMBER_MAX} characters, which PrestaShop refuses",
                code="tracking_number_too_long", record_ref=order_id)
        carriers = self.client.select("order_carriers", filters={"id_order": f"[{order_id}]"},
                                      sort="[id_DESC]")
        if not carriers:
            raise RejectedByChannel(
                f"order {order_id} has no carrier line on PrestaShop; set its carrier in the "
                "back office, then the tracking number is sent on the next run",
                code="no_order_carrier", record_ref=order_id)
        row = carriers[0]
        if str(row.get("tracking_number") or "") != tracking:
            self.client.write("PUT", "order_carriers", "order_carrier",
                              mapping.order_carrier_fields(row, tracking),
                              row_id=ref(row.get("id")))


def _numeric_ids(payloads: list[Any]) -> list[int]:
    ids = (ref(p.get("id")) for p in payloads if isinstance(p, Mapping))
    return [int(i) for i in ids if i.isdigit()]


def _minus_overlap(shop_time_text: str) -> str:
    """A shop-local date minus the overlap window, in the same format (no zone involved)."""
    try:
        value = dt.datetime.strptime(shop_time_text, SHOP_TIME_FORMAT)
    except ValueError:
        return shop_time_text
    return (value - dt.timedelta(seconds=CURSOR_OVERLAP_SECONDS)).strftime(SHOP_TIME_FORMAT)
