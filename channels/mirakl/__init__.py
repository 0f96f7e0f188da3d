"""Mirakl seller shops: accept (OR21), import SHIPPING orders, confirm with OR23 then OR24."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterator, Mapping
from functools import partial
from typing import Any

from channels.base import Connector as BaseConnector
from channels.errors import ChannelProblem, RejectedByChannel
from channels.records import UNREADABLE, Page, Shipment, unreadable
from channels.settings_spec import parse_utc

from . import mapping
from .client import MiraklClient
from .settings import CURSOR_OVERLAP_SECONDS, FEEDS, PAGE_SIZE, SETTINGS

log = logging.getLogger(__name__)


def _iso(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class Connector(BaseConnector):
    code = "mirakl"
    label = "Mirakl"
    settings_spec = SETTINGS
    feeds = FEEDS

    def __init__(self, settings: Mapping[str, Any], secrets: Mapping[str, str]) -> None:
        super().__init__(settings, secrets)
        self.client = MiraklClient(self.settings, self.secrets.get("api_key", ""))

    def close(self) -> None:
        self.client.close()

    def check(self) -> str:
        body = self.client.list_orders(limit=1)
        return f"connected; the shop has {body.get('total_count', 0)} orders"

    def orders_awaiting_acceptance(self, offset: int, limit: int) -> Page:
        body = self.client.list_orders(
            offset=offset, limit=limit, order_state_codes="WAITING_ACCEPTANCE"
        )
        return Page.mapped(
            body["orders"], partial(mapping.order_from_payload, require_address=False)
        )

    def accept_order(self, order) -> None:
        self.client.accept(order.channel_order_id, [line.channel_line_id for line in order.lines])

    def new_orders(self, cursor: Mapping[str, Any]) -> Iterator[Page]:
        """SHIPPING orders (debited, with an address) updated since the cursor."""
        started = dt.datetime.now(dt.UTC)
        since = cursor.get("updated_since")
        filters = {"order_state_codes": "SHIPPING"}
        if since:
            filters["start_update_date"] = _iso(parse_utc(since))
        for payloads in self.client.iter_order_pages(**filters):
            page = Page(records=[])
            for payload in payloads:
                try:
                    messages = self._messages(payload)
                    page.records.append(mapping.order_from_payload(payload, messages=messages))
                except ChannelProblem as problem:
                    if problem.severity != "error":
                        raise  # a transport problem ends the run; it is retried as a whole
                    page.problems.append(problem)
                except UNREADABLE as exc:
                    page.problems.append(unreadable(payload, exc))
            yield page
        watermark = started - dt.timedelta(seconds=CURSOR_OVERLAP_SECONDS)
        yield Page(records=[], next_position={"updated_since": watermark.isoformat()})

    def _messages(self, payload: Any) -> list[str]:
        if not (isinstance(payload, Mapping) and payload.get("has_customer_message")):
            return []
        order_id = mapping.order_ref(payload)
        if not order_id:
            return []
        return mapping.customer_messages(self.client.order_threads(order_id))

    def orders_by_id(self, channel_order_ids: list[str]) -> list:
        """OR11 with `order_ids` (100 per call): orders set aside are looked at again."""
        records = []
        for start in range(0, len(channel_order_ids), PAGE_SIZE):
            ids = ",".join(channel_order_ids[start : start + PAGE_SIZE])
            for payload in self.client.list_orders(limit=PAGE_SIZE, order_ids=ids)["orders"]:
                try:
                    records.append(
                        mapping.order_from_payload(
                            payload,
                            messages=self._messages(payload),
                            require_address=payload.get("order_state") == "SHIPPING",
                        )
                    )
                except ChannelProblem as problem:
                    if problem.severity != "error":
                        raise
                    log.warning(
                        "set-aside Mirakl order %s is unreadable: %s", problem.record_ref, problem
                    )
        return records

    def order_updates(self, cursor: Mapping[str, Any]) -> Iterator[Page]:
        started = dt.datetime.now(dt.UTC)
        since = cursor.get("updated_since")
        filters = {"start_update_date": _iso(parse_utc(since))} if since else {}
        for payloads in self.client.iter_order_pages(**filters):
            yield Page.mapped(payloads, mapping.status_from_payload)
        watermark = started - dt.timedelta(seconds=CURSOR_OVERLAP_SECONDS)
        yield Page(records=[], next_position={"updated_since": watermark.isoformat()})

    def confirm_shipment(self, shipment: Shipment, on_step: Callable[[str], None]) -> None:
        """OR23 when there is a carrier or tracking number, then OR24 regardless."""
        body = mapping.tracking_body(shipment)
        if body and "tracking" not in shipment.done_steps:
            self.client.send_tracking(shipment.channel_order_id, body)
            on_step("tracking")
        if "shipped" in shipment.done_steps:
            return
        try:
            self.client.ship(shipment.channel_order_id)
        except RejectedByChannel as rejected:
            if not self._already_shipped(shipment.channel_order_id):
                raise
            rejected.details["note"] = "already SHIPPED on Mirakl"
        on_step("shipped")

    def _already_shipped(self, order_id: str) -> bool:
        """An earlier attempt may have shipped it before its answer was lost."""
        body = self.client.list_orders(limit=1, order_ids=order_id)
        states = {o.get("order_state") for o in body["orders"] if isinstance(o, Mapping)}
        return bool(states & {"SHIPPED", "TO_COLLECT", "RECEIVED", "CLOSED"})
