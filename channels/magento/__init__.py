"""Magento 2 / Adobe Commerce shops over REST: catalogue and orders in, stock and shipments out.

Products are created and edited in Magento; the OMS imports them (new ones by id, all of them
nightly with a checkpoint per page), downloads their images, owns stock once it was imported
at set-up, pushes it to an MSI source, and confirms shipments with their tracking number.
Orders are imported once invoiced (``processing``); unpaid ones are set aside by the generic
writer and re-checked.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterator, Mapping
from functools import partial
from typing import Any

from channels.base import Connector as BaseConnector
from channels.errors import (
    ChannelProblem,
    ConfigurationError,
    Info,
    MappingError,
    PayloadError,
    RejectedByChannel,
)
from channels.records import OrderRecord, Page, Shipment, StockUpdate
from channels.settings_spec import parse_utc

from . import catalogue, mapping
from .client import Filter, MagentoClient, read_ahead
from .settings import (
    CURSOR_OVERLAP_SECONDS,
    FEEDS,
    IMPORTABLE_STATES,
    ORDER_PAGE_SIZE,
    PRODUCT_PAGE_SIZE,
    SETTINGS,
    STOCK_BATCH,
    STOCK_PAGE_SIZE,
    parse_method_map,
)

log = logging.getLogger(__name__)

RECORD_PROBLEMS = (PayloadError, MappingError, Info)
# update_orders needs the status, and whether anything was shipped (a refund after shipping
# is not a cancel): the rest of the order is left out of the answer.
STATUS_FIELDS = (
    "items[entity_id,increment_id,state,status,updated_at,items[qty_shipped]],total_count"
)


def order_key(payload: Mapping[str, Any]) -> int | None:
    try:
        return int(payload.get("entity_id"))
    except (TypeError, ValueError):
        return None


def _sku_key(payload: Mapping[str, Any]) -> str | None:
    sku = payload.get("sku")
    return sku if isinstance(sku, str) and sku else None


class Connector(BaseConnector):
    code = "magento"
    label = "Magento"
    settings_spec = SETTINGS
    feeds = FEEDS

    def __init__(self, settings: Mapping[str, Any], secrets: Mapping[str, str]) -> None:
        super().__init__(settings, secrets)
        self.client = MagentoClient(self.settings, self.secrets.get("access_token", ""))
        self.methods = parse_method_map(self.settings.get("shipping_method_map"))
        self.source_code = self.settings.get("source_code") or "default"
        self.store_code = self.settings.get("store_code") or "default"

    def close(self) -> None:
        self.client.close()

    @classmethod
    def initial_cursor(cls, settings: Mapping[str, Any], kind: str) -> dict[str, Any]:
        """Orders start at 'Import orders since'; status changes at the integration's creation
        (an order imported later carries its status of that moment)."""
        since = settings.get("orders_since")
        if kind == "import_new_orders" and since:
            return {"updated_since": since}
        if kind == "update_orders":
            return {"updated_since": since or dt.datetime.now(dt.UTC).isoformat()}
        return {}

    def check(self) -> str:
        views = self.client.store_views()
        codes = (
            {v.get("code") for v in views if isinstance(v, Mapping)}
            if isinstance(views, list)
            else set()
        )
        if self.store_code not in codes | {"all"}:
            raise ConfigurationError(
                f"Magento has no store view '{self.store_code}' (it has: "
                f"{', '.join(sorted(c for c in codes if c))}); fix the Store code setting"
            )
        try:
            self.client.get(f"/inventory/sources/{self.source_code}")
        except RejectedByChannel:
            raise ConfigurationError(
                f"Magento has no inventory source '{self.source_code}'; fix the MSI source "
                "code setting (Stores > Inventory > Sources)"
            ) from None
        total = self.client.search("/orders", [], page_size=1).get("total_count", 0)
        return (
            f"connected to store view '{self.store_code}'; the shop has {total} orders; "
            f"MSI source '{self.source_code}' found"
        )

    # Orders -------------------------------------------------------------------------------
    def new_orders(self, cursor: Mapping[str, Any]) -> Iterator[Page]:
        """Paid orders, and unpaid ones to set aside, changed since the cursor.

        An order held back by a missing shipping-method mapping keeps the cursor at its
        update date, so it is read again (and imported) once the map is fixed.
        """
        started = dt.datetime.now(dt.UTC)
        groups = [[Filter("state", ",".join(IMPORTABLE_STATES), "in")]]
        since = cursor.get("updated_since")
        if since:
            groups.append([Filter("updated_at", mapping.magento_date(parse_utc(since)), "gteq")])
        held_since: dt.datetime | None = None
        for items, _ in self.client.iter_keyset(
            "/orders",
            groups,
            key="entity_id",
            key_of=order_key,
            after=0,
            page_size=ORDER_PAGE_SIZE,
        ):
            page = Page(records=[])
            for payload in items:
                try:
                    page.records.append(mapping.order_from_payload(payload, self.methods))
                except RECORD_PROBLEMS as problem:
                    page.problems.append(problem)
                    if isinstance(problem, MappingError):
                        held_since = _earliest(held_since, payload)
            yield page
        watermark = started - dt.timedelta(seconds=CURSOR_OVERLAP_SECONDS)
        if held_since is not None and held_since < watermark:
            watermark = held_since
        yield Page(records=[], next_position={"updated_since": watermark.isoformat()})

    def orders_by_id(self, channel_order_ids: list[str]) -> list[OrderRecord]:
        """Orders set aside, asked for again; one that cannot be mapped stays set aside (the
        import feed reports why when it meets it)."""
        ids = [i for i in channel_order_ids if i.isdigit()]
        found: list[OrderRecord] = []
        for start in range(0, len(ids), ORDER_PAGE_SIZE):
            chunk = ids[start : start + ORDER_PAGE_SIZE]
            body = self.client.search(
                "/orders", [[Filter("entity_id", ",".join(chunk), "in")]], page_size=len(chunk)
            )
            for payload in body["items"]:
                try:
                    record = mapping.order_from_payload(payload, self.methods)
                except RECORD_PROBLEMS as problem:
                    log.info(
                        "Magento order %s stays set aside: %s", problem.record_ref, problem.code
                    )
                    continue
                state = record.attributes.get("magento_state")
                if record.cancelled or state in IMPORTABLE_STATES:
                    found.append(record)
                else:
                    log.info(
                        "Magento order %s stays set aside: it is %s", record.channel_order_id, state
                    )
        return found

    def order_updates(self, cursor: Mapping[str, Any]) -> Iterator[Page]:
        started = dt.datetime.now(dt.UTC)
        since = cursor.get("updated_since")
        groups = []
        if since:
            groups.append([Filter("updated_at", mapping.magento_date(parse_utc(since)), "gteq")])
        for items, _ in self.client.iter_keyset(
            "/orders",
            groups,
            key="entity_id",
            key_of=order_key,
            after=0,
            page_size=ORDER_PAGE_SIZE,
            fields=STATUS_FIELDS,
        ):
            yield Page.mapped(items, mapping.status_from_payload, PayloadError)
        watermark = started - dt.timedelta(seconds=CURSOR_OVERLAP_SECONDS)
        yield Page(records=[], next_position={"updated_since": watermark.isoformat()})

    def confirm_shipment(self, shipment: Shipment, on_step: Callable[[str], None]) -> None:
        """One call creates the shipment with its track; a retry after a lost answer finds the
        order already shipped and counts it as done."""
        if "shipped" in shipment.done_steps:
            return
        body = mapping.ship_body(
            shipment,
            source_code=self.source_code,
            notify=bool(self.settings.get("notify_customer", True)),
        )
        try:
            self.client.ship(shipment.channel_order_id, body)
        except RejectedByChannel:
            if not mapping.already_shipped(self.client.order(shipment.channel_order_id)):
                raise
            log.info("Magento order %s was already shipped", shipment.channel_order_id)
        on_step("shipped")

    # Catalogue ----------------------------------------------------------------------------
    def _product_pages(self, after: int) -> Iterator[tuple[Page, int]]:
        barcode = self.settings.get("barcode_attribute") or "ean"
        pages = self.client.iter_keyset(
            "/products",
            [],
            key="entity_id",
            key_of=catalogue.product_key,
            after=after,
            page_size=PRODUCT_PAGE_SIZE,
        )
        read = partial(
            catalogue.product_from_payload,
            media_base=self.client.media_base,
            barcode_attribute=barcode,
        )
        for items, last in read_ahead(pages):
            yield Page.mapped(items, read, PayloadError), last

    def new_products(self, cursor: Mapping[str, Any]) -> Iterator[Page]:
        """Products with an id above the last one imported (ids only grow in Magento)."""
        for page, last in self._product_pages(int(cursor.get("last_id") or 0)):
            page.next_position = {"last_id": last}
            yield page

    def all_products(self, cursor: Mapping[str, Any]) -> Iterator[Page]:
        """Every product by id; each page's checkpoint is the last id it holds."""
        for page, last in self._product_pages(int(cursor.get("position") or 0)):
            page.next_position = {"position": last}
            yield page
        done = dt.datetime.now(dt.UTC).isoformat()
        yield Page(records=[], next_position={"position": None, "completed_at": done})

    def download_image(self, url: str) -> bytes:
        response = self.client.download(url)
        kind = response.headers.get("Content-Type", "")
        if not kind.startswith("image/"):
            raise PayloadError(
                f"{url} is not an image (Content-Type {kind or 'missing'})",
                code="not_an_image",
            )
        return response.content

    def stock_levels(self) -> Iterator[Page]:
        """The MSI source's quantities, by SKU."""
        for items, _ in self.client.iter_keyset(
            "/inventory/source-items",
            [[Filter("source_code", self.source_code)]],
            key="sku",
            key_of=_sku_key,
            after="",
            page_size=STOCK_PAGE_SIZE,
        ):
            yield Page.mapped(items, catalogue.stock_from_payload, PayloadError)

    def export_stock(self, updates: list[StockUpdate]) -> list[ChannelProblem]:
        """Source items in batches of 20 (the web API's list limit). A batch is saved all or
        nothing, so a refused batch is sent again item by item to find the refused SKUs."""
        items = catalogue.source_items(
            [u for u in updates if catalogue.stockable(u)], self.source_code
        )
        problems: list[ChannelProblem] = []
        for start in range(0, len(items), STOCK_BATCH):
            batch = items[start : start + STOCK_BATCH]
            try:
                self.client.save_source_items(batch)
            except RejectedByChannel:
                problems += self._save_one_by_one(batch)
        return problems

    def _save_one_by_one(self, batch: list[dict[str, Any]]) -> list[ChannelProblem]:
        problems: list[ChannelProblem] = []
        for item in batch:
            try:
                self.client.save_source_items([item])
            except RejectedByChannel as rejected:
                problems.append(
                    RejectedByChannel(
                        f"stock of SKU '{item['sku']}' not updated on Magento: {rejected.message}",
                        code="stock_rejected",
                        record_ref=item["sku"],
                        details=rejected.details,
                    )
                )
        return problems


def _earliest(current: dt.datetime | None, payload: Any) -> dt.datetime | None:
    try:
        updated = mapping.parse_date(str(payload.get("updated_at")))
    except (AttributeError, ValueError):
        return current
    return updated if current is None or updated < current else current
