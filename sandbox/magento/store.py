"""In-memory state of the Magento simulator: shops, products, orders, stock, faults, call log.

One ``MagentoStore`` lives in each sandbox app; its lock, clock, call logs and reset are the
shared ``Store``'s (see ``sandbox/store.py``). A "shop" stands for one Magento installation
(one host): its REST API answers under ``/magento/<shop code>/rest/...``.

Products are kept as compact rows (tens of thousands per shop) and rendered as REST payloads
only for the page being served; orders are few enough to be kept as full payloads.
"""

from __future__ import annotations

import bisect
import logging
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sandbox.faults import Fault
from sandbox.ratelimit import TokenBucket, bucket_for
from sandbox.store import Account, Store
from sandbox.timeutil import utc_now

logger = logging.getLogger(__name__)

FIRST_INCREMENT_ID = 100000001
DATE_FORMAT = "%Y-%m-%d %H:%M:%S"


def mdate(value: datetime) -> str:
    """Magento's date format: store UTC, seconds, no zone (``2025-03-04 09:12:31``)."""
    return value.astimezone(UTC).strftime(DATE_FORMAT)


@dataclass(slots=True)
class ProductRow:
    """A catalogue product, compact; ``extra`` is merged over the rendered payload (seeding)."""

    id: int
    sku: str
    name: str
    type_id: str
    price: float | None
    weight: float | None
    status: int
    visibility: int
    created_at: str
    updated_at: str
    ean: str | None
    images: int
    motif: str
    colour: int
    parent_id: int | None = None
    children: tuple[int, ...] = ()
    extra: dict[str, Any] | None = None

    def get(self, name: str) -> Any:
        if name in ("entity_id", "id"):
            return self.id
        if name in PRODUCT_FIELDS:
            return getattr(self, name)
        return None


PRODUCT_FIELDS = frozenset(
    {
        "sku",
        "name",
        "type_id",
        "price",
        "weight",
        "status",
        "visibility",
        "created_at",
        "updated_at",
        "ean",
    }
)


@dataclass
class OrderRow:
    """An order as ``GET /V1/orders`` serves it, plus the dates it is filtered on.

    ``created_at``/``updated_at`` are kept apart from the payload so that a deliberately broken
    payload date still sorts and filters.
    """

    payload: dict[str, Any]
    entity_id: int
    created_at: str
    updated_at: str
    malformed: str | None = None
    kind: str = "paid"

    def get(self, name: str) -> Any:
        if name == "entity_id":
            return self.entity_id
        if name in ("created_at", "updated_at"):
            return getattr(self, name)
        return self.payload.get(name)

    @property
    def state(self) -> str:
        return str(self.payload.get("state"))

    def items(self) -> list[dict[str, Any]]:
        items = self.payload.get("items")
        return [i for i in items if isinstance(i, dict)] if isinstance(items, list) else []

    def touch(self, when: datetime) -> None:
        self.updated_at = mdate(when)
        self.payload["updated_at"] = self.updated_at


@dataclass(slots=True)
class SourceItemRow:
    sku: str
    source_code: str
    quantity: float
    status: int

    def get(self, name: str) -> Any:
        return getattr(self, name, None)

    def payload(self) -> dict[str, Any]:
        quantity: float | int = self.quantity
        if float(quantity).is_integer():
            quantity = int(quantity)
        return {
            "sku": self.sku,
            "source_code": self.source_code,
            "quantity": quantity,
            "status": self.status,
        }


@dataclass
class Shop(Account):
    """One Magento installation with its integration tokens, settings and data."""

    code: str
    tokens: set[str]
    store_codes: tuple[str, ...] = ("default",)
    sources: tuple[str, ...] = ("default",)
    bearer_allowed: bool = True
    input_limits: bool = True
    max_page_size: int = 300
    default_page_size: int = 20
    max_list_items: int = 20
    clamp_pages: bool = True
    bucket: TokenBucket | None = None
    products: list[ProductRow] = field(default_factory=list)
    product_ids: list[int] = field(default_factory=list)
    by_sku: dict[str, ProductRow] = field(default_factory=dict)
    next_product_id: int = 1
    orders: dict[int, OrderRow] = field(default_factory=dict)
    order_ids: list[int] = field(default_factory=list)
    next_order_id: int = 1
    next_item_id: int = 1
    next_increment: int = FIRST_INCREMENT_ID
    next_shipment_id: int = 1
    stock: dict[str, dict[str, SourceItemRow]] = field(default_factory=dict)
    stock_skus: dict[str, list[str]] = field(default_factory=dict)
    stock_writes: Counter[str] = field(default_factory=Counter)
    # Faults that arm after a number of matching calls went through: [calls left, fault].
    delayed_faults: list[list[Any]] = field(default_factory=list)
    # When orders were last listed: an order seeded later but dated before this would slip
    # behind a connector's update-date cursor, so seeding stamps it as updated now.
    orders_read_at: datetime | None = None

    def add_product(self, row: ProductRow) -> None:
        self.products.append(row)
        self.product_ids.append(row.id)
        self.by_sku[row.sku] = row
        self.next_product_id = max(self.next_product_id, row.id + 1)

    def product(self, product_id: int) -> ProductRow | None:
        index = bisect.bisect_left(self.product_ids, product_id)
        if index < len(self.product_ids) and self.product_ids[index] == product_id:
            return self.products[index]
        return None

    def add_order(self, row: OrderRow) -> None:
        self.orders[row.entity_id] = row
        self.order_ids.append(row.entity_id)

    def order_rows(self) -> list[OrderRow]:
        return [self.orders[i] for i in self.order_ids]

    def set_stock(
        self,
        sku: str,
        source_code: str,
        quantity: float,
        status: int | None = None,
        *,
        counted: bool = False,
    ) -> None:
        rows = self.stock.setdefault(source_code, {})
        if status is None:
            status = 1 if quantity > 0 else 0
        row = rows.get(sku)
        if row is None:
            rows[sku] = SourceItemRow(sku, source_code, quantity, status)
            bisect.insort(self.stock_skus.setdefault(source_code, []), sku)
        else:
            row.quantity, row.status = quantity, status
        if counted:
            self.stock_writes[sku] += 1

    def quantity(self, sku: str, source_code: str = "default") -> float | None:
        row = self.stock.get(source_code, {}).get(sku)
        return row.quantity if row else None

    def arm_faults(self, method: str, path: str) -> None:
        """Let delayed faults count this call; one whose turn it is joins the queue now."""
        for entry in list(self.delayed_faults):
            fault: Fault = entry[1]
            if not fault.matches(method, path):
                continue
            if entry[0] == 0:
                self.delayed_faults.remove(entry)
                self.faults.add(fault)
            else:
                entry[0] -= 1

    def settings(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "tokens": sorted(self.tokens),
            "store_codes": list(self.store_codes),
            "sources": list(self.sources),
            "bearer_allowed": self.bearer_allowed,
            "input_limits": self.input_limits,
            "clamp_pages": self.clamp_pages,
            "rate_limit": self.bucket.as_dict() if self.bucket else None,
            "product_count": len(self.products),
            "order_count": len(self.orders),
        }


class MagentoStore(Store):
    """All Magento simulator state of one sandbox app: shops by code, and product images."""

    label = "Magento"

    def __init__(self, clock: Callable[[], datetime] = utc_now) -> None:
        super().__init__(clock)
        self.images: dict[str, bytes] = {}

    def clear(self) -> None:
        self.images.clear()

    def upsert_shop(self, code: str, tokens: set[str], **options: Any) -> tuple[Shop, bool]:
        """Create a shop or replace its settings, keeping its data. Returns (shop, created)."""
        rate_limit = options.pop("rate_limit", None)
        with self.lock:
            for other in self._accounts.values():
                if other.code != code and other.tokens & tokens:
                    raise ValueError(f"a token is already used by shop {other.code!r}")
            shop = self._accounts.get(code)
            created = shop is None
            if shop is None:
                shop = Shop(code=code, tokens=set(tokens))
                self._accounts[code] = shop
            shop.tokens = set(tokens)
            for name, value in options.items():
                setattr(shop, name, value)
            shop.bucket = bucket_for(rate_limit)
        logger.info("Magento sandbox shop %s %s", code, "created" if created else "updated")
        return shop, created

    shop = Store.account
    shops = Store.all_accounts
