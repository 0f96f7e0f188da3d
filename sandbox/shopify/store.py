"""In-memory state of the Shopify simulator: shops, catalogue, inventory, orders, call log.

One ``ShopifyStore`` lives in each sandbox app; its lock, clock and reset are the shared
``Store``'s (see ``sandbox/store.py``). Products are kept as compact slotted records and
rendered to JSON per request, so a shop of 50,000 products stays small in memory.
"""

from __future__ import annotations

import bisect
import itertools
import logging
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sandbox.faults import FaultQueue
from sandbox.store import Store, call_log

from .bucket import PLANS, LeakyBucket
from .formats import now_epoch

logger = logging.getLogger(__name__)

CALL_LOG_LIMIT = 50_000
ALL_SCOPES = (
    "read_orders", "write_orders", "read_products", "read_inventory", "write_inventory",
    "read_locations", "read_merchant_managed_fulfillment_orders",
    "write_merchant_managed_fulfillment_orders",
)


@dataclass(slots=True)
class Variant:
    id: int
    product_id: int
    title: str
    sku: str | None
    barcode: str | None
    price: str
    grams: int
    position: int
    option1: str | None
    inventory_item_id: int
    created: int
    updated: int
    image_id: int | None = None
    tracked: bool = True


@dataclass(slots=True)
class Image:
    id: int
    product_id: int
    position: int
    file_name: str
    created: int
    variant_ids: tuple[int, ...] = ()


@dataclass(slots=True)
class Product:
    id: int
    title: str
    handle: str
    vendor: str
    product_type: str
    status: str
    tags: str
    created: int
    updated: int
    option_name: str
    variants: list[Variant]
    images: list[Image]


@dataclass
class OrderState:
    """An order: the payload as generated, plus the fields that change and are filtered on.

    ``created`` stays filterable even when a malformed payload carries a broken
    ``created_at``; the changing fields are written into the payload on every render.
    """

    id: int
    payload: dict[str, Any]
    created: int
    updated: int
    financial_status: str
    fulfillment_status: str | None = None
    cancelled_at: int | None = None
    cancel_reason: str | None = None
    closed_at: int | None = None
    fulfillment_orders: list[dict[str, Any]] = field(default_factory=list)
    fulfillments: list[dict[str, Any]] = field(default_factory=list)
    malformed: str | None = None
    keep_created_at: bool = False  # a malformed created_at is served as generated


@dataclass
class Shop:
    """One store with its own access token, call limit and data."""

    handle: str
    token: str
    name: str
    offset_minutes: int
    currency: str
    bucket: LeakyBucket | None
    scopes: frozenset[str]
    locations: dict[int, dict[str, Any]] = field(default_factory=dict)
    primary_location_id: int = 0
    products: dict[int, Product] = field(default_factory=dict)
    product_ids: list[int] = field(default_factory=list)
    items: dict[int, Variant] = field(default_factory=dict)  # inventory_item_id -> variant
    item_ids: list[int] = field(default_factory=list)  # sorted, for paged level listings
    image_files: set[str] = field(default_factory=set)  # what the CDN serves
    levels: dict[tuple[int, int], list[int]] = field(default_factory=dict)  # -> [avail, when]
    orders: dict[int, OrderState] = field(default_factory=dict)
    order_ids: list[int] = field(default_factory=list)
    fulfillment_order_owners: dict[int, int] = field(default_factory=dict)  # FO id -> order id
    next_order_number: int = 1001
    next_product_number: int = 1
    faults: FaultQueue = field(default_factory=FaultQueue)
    calls: deque[dict[str, Any]] = field(default_factory=lambda: call_log(CALL_LOG_LIMIT))
    operations: Counter[str] = field(default_factory=Counter)

    def add_product(self, product: Product) -> None:
        self.products[product.id] = product
        if self.product_ids and product.id < self.product_ids[-1]:
            bisect.insort(self.product_ids, product.id)
        else:
            self.product_ids.append(product.id)
        self.image_files.update(image.file_name for image in product.images)
        for variant in product.variants:
            self.items[variant.inventory_item_id] = variant
            if self.item_ids and variant.inventory_item_id < self.item_ids[-1]:
                bisect.insort(self.item_ids, variant.inventory_item_id)
            else:
                self.item_ids.append(variant.inventory_item_id)

    def add_order(self, order: OrderState) -> None:
        self.orders[order.id] = order
        self.order_ids.append(order.id)

    def settings(self) -> dict[str, Any]:
        return {
            "shop": self.handle,
            "name": self.name,
            "access_token": self.token,
            "myshopify_domain": f"{self.handle}.myshopify.com",
            "currency": self.currency,
            "utc_offset_minutes": self.offset_minutes,
            "primary_location_id": self.primary_location_id,
            "location_ids": sorted(self.locations),
            "bucket": self.bucket.state() if self.bucket else None,
            "scopes": sorted(self.scopes),
            "products": len(self.products),
            "variants": len(self.items),
            "orders": len(self.orders),
        }


class ShopifyStore(Store):
    """All Shopify simulator state of one sandbox app: shops by handle.

    Ids come from counters shared by every shop, as on Shopify where ids are global; the clock
    reads epoch seconds, as the simulator renders every time in the shop's own offset.
    """

    label = "Shopify"

    def __init__(self, clock: Callable[[], int] = now_epoch) -> None:
        super().__init__(clock)
        self.ids = {
            name: itertools.count(start)
            for name, start in (
                ("product", 632910392), ("variant", 39072856), ("inventory_item", 808950810),
                ("image", 850703190), ("order", 450789469), ("line_item", 466157049),
                ("fulfillment_order", 1046000816), ("fulfillment_order_line", 1072503316),
                ("fulfillment", 255858046), ("location", 655441491), ("customer", 207119551),
                ("shipping_line", 369256396),
            )
        }

    def next_id(self, kind: str) -> int:
        with self.lock:
            return next(self.ids[kind])

    def upsert_shop(self, handle: str, token: str, *, name: str | None = None,
                    offset_minutes: int = -300, currency: str = "EUR",
                    bucket: tuple[int, float] | None = PLANS["standard"],
                    scopes: frozenset[str] | None = None) -> tuple[Shop, bool]:
        """Create a shop or replace its settings, keeping its data. Returns (shop, created)."""
        with self.lock:
            for other in self._accounts.values():
                if other.token == token and other.handle != handle:
                    raise ValueError(f"access_token is already used by shop {other.handle}")
            shop = self._accounts.get(handle)
            created = shop is None
            limiter = LeakyBucket(*bucket) if bucket else None
            if shop is None:
                shop = Shop(handle=handle, token=token, name=name or handle.replace("-", " "),
                            offset_minutes=offset_minutes, currency=currency, bucket=limiter,
                            scopes=scopes or frozenset(ALL_SCOPES))
                self._add_location(shop, "Main warehouse")
                self._accounts[handle] = shop
            else:
                shop.token = token
                shop.name = name or shop.name
                shop.offset_minutes = offset_minutes
                shop.currency = currency
                shop.bucket = limiter
                shop.scopes = scopes or frozenset(ALL_SCOPES)
        logger.info("Shopify sandbox shop %s %s", handle, "created" if created else "updated")
        return shop, created

    def _add_location(self, shop: Shop, name: str) -> None:
        location_id = self.next_id("location")
        shop.locations[location_id] = {
            "id": location_id, "name": name, "address1": "150 Elgin Street", "address2": None,
            "city": "Ottawa", "zip": "K2P 1L4", "province": "Ontario", "country": "CA",
            "phone": None, "created_at": None, "updated_at": None, "country_code": "CA",
            "country_name": "Canada", "province_code": "ON", "legacy": False, "active": True,
            "admin_graphql_api_id": f"gid://shopify/Location/{location_id}",
        }
        if not shop.primary_location_id:
            shop.primary_location_id = location_id

    def add_location(self, shop: Shop, name: str) -> int:
        with self.lock:
            self._add_location(shop, name)
            return max(shop.locations)

    shop = Store.account
    shops = Store.all_accounts

    def log_call(self, shop: Shop, entry: dict[str, Any]) -> None:
        with self.lock:
            shop.calls.append(entry)
            shop.operations[entry.get("operation") or "other"] += 1
