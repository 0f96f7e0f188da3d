"""Shopify (Admin REST API): a merchant's own shop, so feeds go both ways.

Products (one per variant SKU), their images and stock come in; stock goes out; paid orders
come in (unpaid ones are set aside until paid), cancels are followed, and shipments are
confirmed through fulfillment orders. Orders and products are scanned by ascending id
(``since_id``), so every committed page is a precise place to resume from.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from channels.base import Connector as BaseConnector
from channels.errors import ChannelProblem, ConfigurationError, CredentialsError, MappingError
from channels.records import UNREADABLE, OrderRecord, Page, Shipment, StockUpdate, unreadable
from channels.settings_spec import parse_utc

from . import mapping, product_mapping
from .client import ShopifyClient
from .fulfil import confirm
from .settings import (
    FEEDS,
    FIRST_UPDATE_LOOKBACK_SECONDS,
    INVENTORY_IDS_PER_CALL,
    MAX_HELD_ORDER_IDS,
    PAGE_SIZE,
    SETTINGS,
    UPDATE_OVERLAP_SECONDS,
    parse_method_map,
)

log = logging.getLogger(__name__)

PRODUCT_FIELDS = "id,title,status,created_at,updated_at,variants,images"
STATUS_FIELDS = "id,name,financial_status,fulfillment_status,cancelled_at,updated_at"


def _chunks(items: list[Any], size: int) -> Iterator[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _max_id(payloads: list[Any], current: int) -> int:
    ids = [p["id"] for p in payloads if isinstance(p, Mapping) and isinstance(p.get("id"), int)]
    return max([current, *ids])


class Connector(BaseConnector):
    code = "shopify"
    label = "Shopify"
    settings_spec = SETTINGS
    feeds = FEEDS

    def __init__(self, settings: Mapping[str, Any], secrets: Mapping[str, str]) -> None:
        super().__init__(settings, secrets)
        self.client = ShopifyClient(self.settings, self.secrets.get("access_token", ""))
        self._location: int | None = self.settings.get("location_id")

    def close(self) -> None:
        self.client.close()

    @classmethod
    def initial_cursor(cls, settings: Mapping[str, Any], kind: str) -> dict[str, Any]:
        if kind == "import_new_orders" and settings.get("import_orders_since"):
            return {"created_at_min": settings["import_orders_since"]}
        return {}

    def check(self) -> str:
        shop = self.client.get_json("/shop.json", "shop")
        return f"connected to {shop.get('name')} ({shop.get('myshopify_domain')})"

    # Orders -----------------------------------------------------------------------
    @property
    def methods(self) -> dict[str, str]:
        try:
            return parse_method_map(str(self.settings.get("shipping_method_map") or ""))
        except ValueError as exc:
            raise ConfigurationError(f"the Shipping method map setting is invalid: {exc}",
                                     code="bad_settings") from None

    def _order_mapper(self) -> Callable[[Any], OrderRecord]:
        """Map orders with the settings read once: a bad setting ends the run, it is not
        reported against every order."""
        methods = self.methods
        import_authorized = bool(self.settings.get("import_authorized"))

        def to_record(payload: Any) -> OrderRecord:
            return mapping.order_from_payload(payload, methods=methods,
                                              import_authorized=import_authorized)

        return to_record

    def new_orders(self, cursor: Mapping[str, Any]) -> Iterator[Page]:
        """Orders not fulfilled yet, by ascending id from the cursor.

        An order refused for a reason someone can fix (unknown shipping method, malformed)
        is reported once and its id kept in the cursor: it is fetched again on every run,
        quietly, and imported as soon as it maps.
        """
        to_record = self._order_mapper()
        since_id = int(cursor.get("since_id") or 0)
        held = [str(i) for i in cursor.get("held_ids") or []]
        if held:
            page, held = self._recheck_held(held, to_record)
            page.next_position = {"since_id": since_id, "held_ids": held}
            yield page
        params: dict[str, Any] = {"status": "any", "fulfillment_status": "unfulfilled",
                                  "since_id": since_id}
        if cursor.get("created_at_min"):
            params["created_at_min"] = cursor["created_at_min"]
        for payloads in self.client.pages("/orders.json", "orders", params):
            page = Page(records=[])
            for payload in payloads:
                try:
                    page.records.append(to_record(payload))
                except ChannelProblem as problem:
                    page.problems.append(problem)
                    if problem.severity == "error" and problem.record_ref:
                        held.append(problem.record_ref)
                except UNREADABLE as exc:
                    page.problems.append(unreadable(payload, exc))
            since_id = _max_id(payloads, since_id)
            held = list(dict.fromkeys(held))[-MAX_HELD_ORDER_IDS:]
            page.next_position = {"since_id": since_id, "held_ids": held}
            yield page

    def _recheck_held(self, held: list[str],
                      to_record: Callable[[Any], OrderRecord]) -> tuple[Page, list[str]]:
        page = Page(records=[])
        still: list[str] = []
        for payload in self._fetch_orders(held):
            try:
                page.records.append(to_record(payload))
            except ChannelProblem as problem:
                if problem.severity == "error":
                    still.append(str(payload.get("id")))  # reported when first seen
                else:
                    page.problems.append(problem)  # e.g. nothing left to ship: let it go
        return page, still

    def _fetch_orders(self, ids: list[str]) -> Iterator[Any]:
        for chunk in _chunks(ids, PAGE_SIZE):
            params = {"ids": ",".join(chunk), "status": "any"}
            for payloads in self.client.pages("/orders.json", "orders", params):
                yield from (p for p in payloads if isinstance(p, Mapping))

    def orders_by_id(self, channel_order_ids: list[str]) -> list[OrderRecord]:
        """Orders set aside until paid, as they are now (an order that no longer maps stays
        set aside: it was checked when first seen)."""
        to_record = self._order_mapper()
        found = []
        for payload in self._fetch_orders(list(channel_order_ids)):
            try:
                found.append(to_record(payload))
            except ChannelProblem as problem:
                log.warning("Shopify order %s no longer maps: %s", mapping.order_ref(payload),
                            problem.code)
        return found

    def order_updates(self, cursor: Mapping[str, Any]) -> Iterator[Page]:
        started = dt.datetime.now(dt.UTC)
        since = cursor.get("updated_at_min")
        since_at = parse_utc(since) if since else started - dt.timedelta(
            seconds=FIRST_UPDATE_LOOKBACK_SECONDS)
        params = {"status": "any", "updated_at_min": since_at.isoformat(),
                  "fields": STATUS_FIELDS}
        for payloads in self.client.pages("/orders.json", "orders", params):
            yield Page.mapped(payloads, mapping.status_from_payload)
        watermark = started - dt.timedelta(seconds=UPDATE_OVERLAP_SECONDS)
        yield Page(records=[], next_position={"updated_at_min": watermark.isoformat()})

    def confirm_shipment(self, shipment: Shipment, on_step: Callable[[str], None]) -> None:
        if "fulfilled" in shipment.done_steps:
            return
        confirm(self.client, shipment, bool(self.settings.get("notify_customer", True)))
        on_step("fulfilled")

    # Catalogue ----------------------------------------------------------------------
    def _product_pages(self, since_id: int) -> Iterator[tuple[Page, int]]:
        params = {"since_id": since_id, "fields": PRODUCT_FIELDS}
        for payloads in self.client.pages("/products.json", "products", params):
            page = Page(records=[])
            for payload in payloads:
                records, problems = product_mapping.product_records(payload)
                page.records.extend(records)
                page.problems.extend(problems)
            since_id = _max_id(payloads, since_id)
            yield page, since_id

    def new_products(self, cursor: Mapping[str, Any]) -> Iterator[Page]:
        """Products created after the last one imported (ids only grow)."""
        for page, since_id in self._product_pages(int(cursor.get("since_id") or 0)):
            page.next_position = {"since_id": since_id}
            yield page

    def all_products(self, cursor: Mapping[str, Any]) -> Iterator[Page]:
        """Every product; each page's checkpoint is the last product id it holds."""
        for page, since_id in self._product_pages(int(cursor.get("position") or 0)):
            page.next_position = {"position": since_id}
            yield page
        done = dt.datetime.now(dt.UTC).isoformat()
        yield Page(records=[], next_position={"position": None, "completed_at": done})

    def download_image(self, url: str) -> bytes:
        return self.client.download(url)

    # Stock ----------------------------------------------------------------------------
    def location_id(self) -> int:
        """The configured location, or the shop's only active one."""
        if self._location:
            return int(self._location)
        locations = [loc for loc in self.client.get_json("/locations.json", "locations")
                     if isinstance(loc, Mapping) and loc.get("active", True)]
        if len(locations) != 1:
            names = ", ".join(f"{loc.get('id')} ({loc.get('name')})" for loc in locations)
            raise ConfigurationError(
                f"the shop has {len(locations)} active locations ({names or 'none'}); set "
                "the Location ID setting to the one whose stock channelhub manages")
        self._location = int(locations[0]["id"])
        return self._location

    def stock_levels(self) -> Iterator[Page]:
        """Stock at the location: SKUs from a light pass over products, then the levels."""
        location = self.location_id()
        skus: dict[str, str] = {}
        for products in self.client.pages("/products.json", "products",
                                          {"fields": "id,variants"}):
            skus.update(product_mapping.sku_by_inventory_item(products))
        path = f"/locations/{location}/inventory_levels.json"
        for levels in self.client.pages(path, "inventory_levels", {}):
            records = [product_mapping.stock_record(level, skus) for level in levels]
            yield Page(records=[r for r in records if r is not None])

    def export_stock(self, updates: list[StockUpdate]) -> list[ChannelProblem]:
        """Set the available quantity of each SKU whose Shopify level differs."""
        location = self.location_id()
        problems: list[ChannelProblem] = []
        known: list[tuple[StockUpdate, str]] = []
        for update in updates:
            item = (update.attributes or {}).get("inventory_item_id")
            if item:
                known.append((update, str(item)))
                continue
            problems.append(MappingError(
                f"stock of SKU '{update.sku}' not sent: no Shopify inventory item is known for "
                "it; run update_products to import it from Shopify",
                code="missing_inventory_item", record_ref=update.sku))
        current = self._levels([item for _, item in known], location)
        for update, item in known:
            if current.get(item) == update.quantity:
                continue
            try:
                self.client.post_json("/inventory_levels/set.json", {
                    "location_id": location, "inventory_item_id": int(item),
                    "available": update.quantity}, "inventory_level")
            except ChannelProblem as problem:
                if problem.severity != "error" or isinstance(problem, CredentialsError):
                    raise
                problem.record_ref = update.sku
                problems.append(problem)
        return problems

    def _levels(self, items: list[str], location: int) -> dict[str, int | None]:
        levels: dict[str, int | None] = {}
        for chunk in _chunks(items, INVENTORY_IDS_PER_CALL):
            params = {"inventory_item_ids": ",".join(chunk), "location_ids": location}
            for level in self.client.get_json("/inventory_levels.json", "inventory_levels",
                                              params):
                if isinstance(level, Mapping):
                    levels[str(level.get("inventory_item_id"))] = level.get("available")
        return levels
