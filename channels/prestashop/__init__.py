"""PrestaShop shops over the Webservice API (1.7, 8, 9): catalogue, stock, suppliers, orders.

The shop is where products are created and orders taken; the OMS owns stock, purchasing and
shipping. Feeds go both ways: products, images, suppliers, orders and their states come in;
stock levels and shipment confirmations (tracking number, then the shipped state) go out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any
from zoneinfo import ZoneInfo

from channels.base import Connector as BaseConnector

from .client import PrestaShopClient
from .orders import OrderFeeds, default_since
from .products import CatalogueFeeds
from .settings import FEEDS, SETTINGS, parse_method_map


class Connector(OrderFeeds, CatalogueFeeds, BaseConnector):
    code = "prestashop"
    label = "PrestaShop"
    settings_spec = SETTINGS
    feeds = FEEDS

    def __init__(self, settings: Mapping[str, Any], secrets: Mapping[str, str]) -> None:
        super().__init__(settings, secrets)
        self.client = PrestaShopClient(self.settings, self.secrets.get("webservice_key", ""))
        self.tz = ZoneInfo(self.settings.get("timezone") or "UTC")
        self.method_map = parse_method_map(self.settings.get("shipping_method_map"))
        self._init_order_caches()
        self._init_catalogue_caches()

    def close(self) -> None:
        self.client.close()

    def check(self) -> str:
        states = self.order_states()
        shipped = [s.name for s in states.values() if s.shipped and not s.deleted]
        return (f"connected; the shop has {len(states)} order states "
                f"(shipped: {', '.join(shipped) or 'none'})")

    @classmethod
    def initial_cursor(cls, settings: Mapping[str, Any], kind: str) -> dict[str, Any]:
        """Order feeds start at 'Import orders placed from', else a day before the set-up, so
        years of already shipped orders are not imported as new ones."""
        now = dt.datetime.now(dt.UTC)
        if kind == "import_new_orders":
            return {"orders_from": default_since(settings, now)}
        if kind == "update_orders":
            return {"updated_from": default_since(settings, now)}
        return {}
