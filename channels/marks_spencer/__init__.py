"""Marks & Spencer: pull the day's orders (Start of Day), hold them until a demand release,
follow cancellations, and confirm dispatches with carrier and tracking number.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from channels.base import Connector as BaseConnector
from channels.base import FeedSchedule, ReleaseBatch
from channels.records import Page, Shipment
from channels.settings_spec import parse_utc

from . import mapping, volume
from .client import MarksSpencerClient
from .settings import CURSOR_OVERLAP_SECONDS, FEEDS, OPEN_STATUS, SETTINGS

DISPATCH_STEP = "dispatched"


def _iso(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class Connector(BaseConnector):
    code = "marks_spencer"
    label = "Marks & Spencer"
    settings_spec = SETTINGS
    feeds = FEEDS
    holds_new_orders = True

    def __init__(self, settings: Mapping[str, Any], secrets: Mapping[str, str]) -> None:
        super().__init__(settings, secrets)
        self.client = MarksSpencerClient(self.settings, self.secrets.get("api_key", ""))

    def close(self) -> None:
        self.client.close()

    @classmethod
    def feed_schedule(
        cls, kind: str, settings: Mapping[str, Any], now: dt.datetime
    ) -> FeedSchedule | None:
        """Start of Day and the demand release follow the settings; the rest their rows."""
        if kind == "import_new_orders":
            return volume.start_of_day_schedule(settings)
        if kind == "release_demand":
            return volume.release_schedule(settings, now)
        return None

    @classmethod
    def initial_cursor(cls, settings: Mapping[str, Any], kind: str) -> dict[str, Any]:
        """Status changes are followed from the set-up on: older orders were never pulled."""
        if kind == "update_orders":
            return {"updated_from": dt.datetime.now(dt.UTC).isoformat()}
        return {}

    def release_batch(self, now: dt.datetime) -> ReleaseBatch:
        plan = volume.plan_at(self.settings, now)
        return ReleaseBatch(level=plan.label, max_orders=plan.batch_size)

    def check(self) -> str:
        body = self.client.list_orders(limit=1, status=OPEN_STATUS)
        waiting = "open orders are waiting" if body["orders"] else "no open order is waiting"
        return f"connected to Marks & Spencer; {waiting}"

    def new_orders(self, cursor: Mapping[str, Any]) -> Iterator[Page]:
        """Start of Day: OPEN orders that appeared or changed since the last pull."""
        yield from self._pages(cursor, mapping.order_from_payload, status=OPEN_STATUS)

    def order_updates(self, cursor: Mapping[str, Any]) -> Iterator[Page]:
        """Every order that changed since the cursor; only its status is used."""
        yield from self._pages(cursor, mapping.status_from_payload)

    def _pages(
        self, cursor: Mapping[str, Any], map_one: Callable, **filters: Any
    ) -> Iterator[Page]:
        started = dt.datetime.now(dt.UTC)
        since = cursor.get("updated_from")
        if since:
            filters["updated_from"] = _iso(parse_utc(since))
        for payloads in self.client.iter_order_pages(**filters):
            yield Page.mapped(payloads, map_one)
        watermark = started - dt.timedelta(seconds=CURSOR_OVERLAP_SECONDS)
        yield Page(records=[], next_position={"updated_from": watermark.isoformat()})

    def confirm_shipment(self, shipment: Shipment, on_step: Callable[[str], None]) -> None:
        """One call confirms the whole order with carrier and tracking number."""
        if DISPATCH_STEP in shipment.done_steps:
            return
        self.client.dispatch(shipment.channel_order_id, mapping.dispatch_body(shipment))
        on_step(DISPATCH_STEP)
