"""The surface every connector implements.

A capability a channel does not have raises `NotSupported` rather than silently
doing nothing, so a feed configured for the wrong channel fails loudly.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from channels.errors import ChannelProblem, NotSupported
from channels.records import OrderRecord, Page, Shipment
from channels.settings_spec import Setting


@dataclass(frozen=True)
class FeedSpec:
    """A feed a channel offers, with its default schedule (UTC)."""

    kind: str
    interval_seconds: int | None = None
    cron: str | None = None
    enabled: bool = True


class Connector:
    """Settings in, records out. One instance serves one run of one feed."""

    code: ClassVar[str] = ""
    label: ClassVar[str] = ""
    settings_spec: ClassVar[tuple[Setting, ...]] = ()
    feeds: ClassVar[tuple[FeedSpec, ...]] = ()
    # Whether an order line's channel SKU must be mapped to an OMS SKU to be saved.
    requires_sku_mapping: ClassVar[bool] = False
    # Whether an order needs a retailer -> supplier mapping to be saved.
    requires_supplier_mapping: ClassVar[bool] = False

    def __init__(self, settings: Mapping[str, Any], secrets: Mapping[str, str]) -> None:
        self.settings = dict(settings)
        self.secrets = dict(secrets)

    def close(self) -> None:
        """Release the HTTP session."""

    def credential_warnings(
        self, secrets_set_at: Mapping[str, str], now: dt.datetime
    ) -> list[ChannelProblem]:
        """Problems with the credentials themselves (e.g. a secret that must be rotated soon).

        Recorded as events at the start of every run; the run goes on.
        """
        return []

    @classmethod
    def initial_cursor(cls, settings: Mapping[str, Any], kind: str) -> dict[str, Any]:
        """Where a new feed starts (e.g. from a 'Last Order Pulled Date Time' setting)."""
        return {}

    def check(self) -> str:
        """Test the connection with the stored credentials; returns what was checked."""
        raise NotSupported(f"{self.label} has no connection check")

    # Orders -----------------------------------------------------------------
    def orders_awaiting_acceptance(self, offset: int, limit: int) -> Page:
        raise NotSupported(f"{self.label} has no order acceptance step")

    def accept_order(self, order: OrderRecord) -> None:
        raise NotSupported(f"{self.label} has no order acceptance step")

    def new_orders(self, cursor: Mapping[str, Any]) -> Iterator[Page]:
        """Pages of importable orders; `page.next_position` is the cursor to store after commit."""
        raise NotSupported(f"{self.label} cannot import orders")

    def order_updates(self, cursor: Mapping[str, Any]) -> Iterator[Page]:
        """Pages of `OrderStatusRecord` for orders changed since the cursor."""
        raise NotSupported(f"{self.label} cannot report order updates")

    def confirm_shipment(self, shipment: Shipment, on_step: Callable[[str], None]) -> None:
        """Confirm a dispatch; `on_step(name)` is called after each step the channel accepted."""
        raise NotSupported(f"{self.label} cannot confirm shipments")

    @classmethod
    def feed_kinds(cls) -> list[str]:
        return [f.kind for f in cls.feeds]

    def __enter__(self) -> Connector:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
