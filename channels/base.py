"""The surface every connector implements.

A capability a channel does not have raises `NotSupported` rather than silently
doing nothing, so a feed configured for the wrong channel fails loudly.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from croniter import croniter

from channels.errors import ChannelProblem, NotSupported
from channels.records import OrderRecord, Page, Shipment, StockUpdate
from channels.settings_spec import Setting


@dataclass(frozen=True)
class FeedSpec:
    """A feed a channel offers, with its default schedule (UTC)."""

    kind: str
    interval_seconds: int | None = None
    cron: str | None = None
    enabled: bool = True


# The feeds of a web shop that owns its catalogue (Magento, Shopify, PrestaShop): products and
# their images come in, orders come in and are followed, stock is imported once at set-up or
# go-live (run by hand; afterwards the OMS owns it), then pushed and checked nightly, and
# shipments are confirmed. A shop with more to offer adds its own feeds after these.
SHOP_FEEDS = (
    FeedSpec("import_new_products", interval_seconds=3600),
    FeedSpec("update_products", cron="0 2 * * *"),
    FeedSpec("import_product_images", interval_seconds=3600),
    FeedSpec("import_new_orders", interval_seconds=600),
    FeedSpec("update_orders", interval_seconds=1800),
    FeedSpec("import_stock_levels", interval_seconds=86400, enabled=False),
    FeedSpec("export_stock_levels", interval_seconds=900),
    FeedSpec("stock_check", cron="30 3 * * *"),
    FeedSpec("confirm_shipments", interval_seconds=900),
)


@dataclass(frozen=True)
class FeedSchedule:
    """A feed's timing when the channel's settings decide it (e.g. M&S volume levels).

    `starts_at` is a 'Next At' setting: the first run, nothing before it. `ends_at` is
    when another schedule takes over (a prepared switchover): a run happens then, so
    the new schedule starts on time rather than at the old schedule's next slot.
    """

    cron: str | None = None
    interval_seconds: int | None = None
    starts_at: dt.datetime | None = None
    ends_at: dt.datetime | None = None

    def next_after(self, after: dt.datetime) -> dt.datetime | None:
        """The first run strictly after `after` (None: manual only)."""
        if self.starts_at is not None and self.starts_at > after:
            upcoming = self.starts_at
        elif self.cron:
            upcoming = croniter(self.cron, after).get_next(dt.datetime).astimezone(dt.UTC)
        elif self.interval_seconds:
            upcoming = after + dt.timedelta(seconds=self.interval_seconds)
        else:
            upcoming = None
        if self.ends_at is not None and after < self.ends_at and (
            upcoming is None or self.ends_at < upcoming
        ):
            upcoming = self.ends_at
        return upcoming


@dataclass(frozen=True)
class ReleaseBatch:
    """How many held orders one demand release may move into production, and why."""

    level: str  # the volume level that applies, as the admin reads it ("Peak")
    max_orders: int


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
    # Whether imported orders wait, held, for a demand release before production.
    holds_new_orders: ClassVar[bool] = False

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

    @classmethod
    def feed_schedule(
        cls, kind: str, settings: Mapping[str, Any], now: dt.datetime
    ) -> FeedSchedule | None:
        """The timing of a feed that the channel's settings decide, as it applies at `now`.

        None (the default) leaves the feed row's own schedule in charge. The scheduler
        asks at every run, so a settings change takes effect from the next run.
        """
        return None

    def release_batch(self, now: dt.datetime) -> ReleaseBatch:
        """The size of the demand release that runs at `now` (channels that hold orders)."""
        raise NotSupported(f"{self.label} has no demand release")

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

    def orders_by_id(self, channel_order_ids: list[str]) -> list[OrderRecord]:
        """Fetch given orders again (orders set aside until paid are re-checked this way)."""
        raise NotSupported(f"{self.label} cannot fetch orders by id")

    # Catalogue ------------------------------------------------------------------
    def new_products(self, cursor: Mapping[str, Any]) -> Iterator[Page]:
        """Pages of `ProductRecord` created since the cursor."""
        raise NotSupported(f"{self.label} cannot import products")

    def all_products(self, cursor: Mapping[str, Any]) -> Iterator[Page]:
        """Every product, page by page; `next_position` is a checkpoint to resume from."""
        raise NotSupported(f"{self.label} cannot list products")

    def download_image(self, url: str) -> bytes:
        raise NotSupported(f"{self.label} has no product images")

    def stock_levels(self) -> Iterator[Page]:
        """Pages of `StockRecord`: the channel's stock (initial import, nightly check)."""
        raise NotSupported(f"{self.label} cannot report stock levels")

    def export_stock(self, updates: list[StockUpdate]) -> list[ChannelProblem]:
        """Push available stock; returns record-level problems (the rest went through)."""
        raise NotSupported(f"{self.label} cannot receive stock levels")

    def suppliers(self) -> Iterator[Page]:
        raise NotSupported(f"{self.label} has no suppliers")

    def product_suppliers(self) -> Iterator[Page]:
        raise NotSupported(f"{self.label} has no product/supplier associations")

    @classmethod
    def feed_kinds(cls) -> list[str]:
        return [f.kind for f in cls.feeds]

    def __enter__(self) -> Connector:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
