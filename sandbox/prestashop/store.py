"""In-memory state of the PrestaShop simulator: shops, their webservice keys and their data.

Each shop is a separate PrestaShop install reachable under its own URL
(``/prestashop/<shop>/api/...``) with its own 32-character key, version, time zone, rate
limit, faults and call log. The lock, clock, call logs and reset are the shared ``Store``'s
(see ``sandbox/store.py``).
"""

from __future__ import annotations

import logging
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sandbox.faults import FaultQueue
from sandbox.ratelimit import TokenBucket, bucket_for
from sandbox.store import Store, call_log

from . import catalogue, data
from .output import I18n, field_texts
from .resources import RESOURCES
from .tables import Table

logger = logging.getLogger(__name__)

ALL_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"})


class ShopData:
    """Every table of one shop, the reference data of a fresh install, and a few indexes."""

    def __init__(self, now: datetime) -> None:
        renders: dict[str, Callable[[Any], Any]] = {
            "products": lambda p: catalogue.render_product(self, p),
            "combinations": lambda c: catalogue.render_combination(self, c),
            "stock_availables": catalogue.render_stock,
            "product_suppliers": catalogue.render_product_supplier,
            "orders": self._render_order,
        }
        self.tables = {name: Table(renders.get(name)) for name in RESOURCES}
        self.products = self.tables["products"]
        self.stock = self.tables["stock_availables"]
        self.stock_index: dict[tuple[int, int], int] = {}
        self.image_owner: dict[int, int] = {}
        self.carriers_of_order: dict[int, list[int]] = {}
        self.next_image_id = 1
        self._seed_reference(now)

    def _seed_reference(self, now: datetime) -> None:
        t = self.tables
        for lang_id, iso, name in data.LANGUAGES:
            t["languages"].add({"name": name, "iso_code": iso, "locale": f"{iso}-{iso.upper()}",
                                "language_code": iso, "active": True, "is_rtl": False,
                                "date_format_lite": "Y-m-d", "date_format_full": "Y-m-d H:i:s"},
                               lang_id)
        for s in data.ORDER_STATES:
            t["order_states"].add({
                "unremovable": True, "delivery": s.delivery, "hidden": False,
                "send_email": s.send_email, "module_name": s.module_name, "invoice": s.invoice,
                "color": s.color, "logable": s.logable, "shipped": s.shipped, "paid": s.paid,
                "pdf_delivery": s.shipped, "pdf_invoice": s.invoice, "deleted": False,
                "name": I18n({1: s.name_en, 2: s.name_fr}),
                "template": I18n({1: s.template, 2: s.template}),
            }, s.id)
        for c in data.COUNTRIES:
            t["countries"].add({"id_zone": c.zone, "id_currency": 0, "call_prefix": c.call_prefix,
                                "iso_code": c.iso_code, "active": True,
                                "contains_states": c.iso_code == "US",
                                "need_identification_number": False, "need_zip_code": True,
                                "zip_code_format": "", "display_tax_label": True,
                                "name": I18n({1: c.name, 2: c.name})}, c.id)
        for s in data.STATES:
            t["states"].add({"id_zone": 2, "id_country": s.id_country, "iso_code": s.iso_code,
                             "name": s.name, "active": True}, s.id)
        for c in data.CURRENCIES:
            t["currencies"].add({"names": I18n({1: c.name, 2: c.name}), "name": c.name,
                                 "symbol": I18n({1: c.symbol, 2: c.symbol}),
                                 "iso_code": c.iso_code, "numeric_iso_code": c.numeric_iso_code,
                                 "precision": 2, "conversion_rate": c.conversion_rate,
                                 "deleted": False, "active": True, "unofficial": False,
                                 "modified": False, "pattern": I18n({1: "", 2: ""})}, c.id)
        for position, c in enumerate(data.CARRIERS):
            self.add_carrier(c.name, c.url, c.delay, carrier_id=c.id, position=position)
        for group_id, name_en, name_fr in data.OPTION_GROUPS:
            t["product_options"].add({"is_color_group": group_id == 2,
                                      "group_type": "color" if group_id == 2 else "select",
                                      "position": group_id - 1,
                                      "name": I18n({1: name_en, 2: name_fr}),
                                      "public_name": I18n({1: name_en, 2: name_fr})}, group_id)
        for v in data.OPTION_VALUES:
            t["product_option_values"].add({"id_attribute_group": v.group, "color": v.color,
                                            "position": v.id,
                                            "name": I18n({1: v.name_en, 2: v.name_fr})}, v.id)

    def add_carrier(self, name: str, url: str = "", delay: str = "", *,
                    carrier_id: int | None = None, reference: int | None = None,
                    position: int = 0) -> int:
        table = self.tables["carriers"]
        row = {"deleted": False, "is_module": False, "id_tax_rules_group": 1,
               "id_reference": 0, "name": name, "active": True, "is_free": False, "url": url,
               "shipping_handling": True, "shipping_external": False, "range_behavior": 0,
               "shipping_method": 1, "max_width": 0, "max_height": 0, "max_depth": 0,
               "max_weight": Decimal(0), "grade": 0, "external_module_name": "",
               "need_range": False, "position": position, "delay": I18n({1: delay, 2: delay})}
        new_id = table.add(row, carrier_id)
        row["id_reference"] = reference or new_id
        return new_id

    # -- catalogue helpers --------------------------------------------------------------------
    def new_image_ids(self, product_id: int, count: int) -> tuple[int, ...]:
        ids = tuple(range(self.next_image_id, self.next_image_id + count))
        self.next_image_id += count
        for image_id in ids:
            self.image_owner[image_id] = product_id
        return ids

    def add_stock(self, product: catalogue.Product, attribute: int, quantity: int | None) -> int:
        row = catalogue.StockAvailable(id=0, id_product=product.id,
                                       id_product_attribute=attribute, quantity=quantity or 0)
        stock_id = self.stock.add(row)
        product.stock_ids.append(stock_id)
        self.stock_index[(product.id, attribute)] = stock_id
        if quantity is None:
            self._resum(product.id)
        return stock_id

    def set_quantity(self, stock_id: int, quantity: int) -> None:
        row = self.stock.rows[stock_id]
        row.quantity = quantity
        if row.id_product_attribute:
            self._resum(row.id_product)

    def _resum(self, product_id: int) -> None:
        """The product-level row of a combinations product follows its combinations."""
        product = self.products.rows[product_id]
        if not product.combination_ids:
            return
        total = sum(self.stock.rows[self.stock_index[(product_id, c)]].quantity
                    for c in product.combination_ids if (product_id, c) in self.stock_index)
        parent = self.stock_index.get((product_id, 0))
        if parent is not None:
            self.stock.rows[parent].quantity = total

    # -- orders -------------------------------------------------------------------------------
    def _render_order(self, row: dict[str, Any]) -> dict[str, Any]:
        rendered = dict(row)
        carriers = self.carriers_of_order.get(row["id"], [])
        if carriers:
            last = self.tables["order_carriers"].rows[carriers[-1]]
            rendered["shipping_number"] = last.get("tracking_number") or ""
        return rendered

    def texts(self, resource: str, row_id: int, name: str, tz: ZoneInfo) -> list[str]:
        row = self.tables[resource].row(row_id)
        return field_texts(row.get(name) if row else None, tz)



@dataclass
class Shop:
    """One PrestaShop install: its key, version, time zone, data, faults and call log."""

    name: str
    ws_key: str
    data: ShopData
    version: str = "8.1.5"
    timezone: str = "Europe/Paris"
    enabled: bool = True
    permissions: dict[str, frozenset[str]] | None = None
    bucket: TokenBucket | None = None
    faults: FaultQueue = field(default_factory=FaultQueue)
    calls: deque[dict[str, Any]] = field(default_factory=call_log)
    counters: Counter[str] = field(default_factory=Counter)
    second: int = 0  # the wall-clock second being counted, and the calls served in it
    served_in_second: int = 0
    max_calls_per_second: int = 0

    def count_served(self, now_second: int) -> None:
        """Calls served per wall-clock second (not throttled ones), keeping only the peak."""
        if now_second != self.second:
            self.second, self.served_in_second = now_second, 0
        self.served_in_second += 1
        self.max_calls_per_second = max(self.max_calls_per_second, self.served_in_second)

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def supports_patch(self) -> bool:
        return int(self.version.split(".")[0]) >= 8

    def methods_for(self, resource: str) -> frozenset[str] | None:
        """Methods the key may use on a resource; None when the resource is not granted."""
        if self.permissions is None:
            return ALL_METHODS
        return self.permissions.get(resource)

    def settings(self) -> dict[str, Any]:
        return {
            "shop": self.name, "ws_key": self.ws_key, "version": self.version,
            "timezone": self.timezone, "enabled": self.enabled,
            "permissions": None if self.permissions is None else
            {k: sorted(v) for k, v in self.permissions.items()},
            "rate_limit": self.bucket.as_dict() if self.bucket else None,
            "products": len(self.data.products), "orders": len(self.data.tables["orders"]),
        }


class PrestaShopStore(Store):
    """All PrestaShop simulator state of one sandbox app: shops by name."""

    label = "PrestaShop"

    def upsert_shop(self, name: str, ws_key: str, **settings: Any) -> tuple[Shop, bool]:
        """Create a shop, or replace its settings keeping its data. Returns (shop, created)."""
        rate_limit = settings.pop("rate_limit", None)
        with self.lock:
            shop = self._accounts.get(name)
            created = shop is None
            if shop is None:
                shop = Shop(name=name, ws_key=ws_key, data=ShopData(self.now()))
                self._accounts[name] = shop
            shop.ws_key = ws_key
            for key, value in settings.items():
                setattr(shop, key, value)
            shop.bucket = bucket_for(rate_limit)
        logger.info("PrestaShop sandbox shop %s %s", name, "created" if created else "updated")
        return shop, created

    shop = Store.account
    shops = Store.all_accounts
