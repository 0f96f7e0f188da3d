"""The sandbox control API under ``/prestashop/_sandbox/``: create shops and keys, inject
faults and read back what a connector did (the merchant's actions are in ``merchant.py``).
The routes every simulator has (reset, shops, calls, summary, faults) come from
``sandbox/control.py``. JSON in and out, no authentication; errors answer ``{"error": "..."}``
with 400 or 404 (see README.md).
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask import Blueprint, Response, jsonify, request

from sandbox.control import Accounts, ControlError, add_common_routes, flag, json_body, rate_limit

from . import data
from .store import PrestaShopStore, Shop

logger = logging.getLogger(__name__)

KEY = re.compile(r"^[A-Za-z0-9]{32}$")
SHOP_NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")


def shop_accounts(store: PrestaShopStore) -> Accounts:
    """The shops, as both the control and the merchant routes find them."""
    return Accounts(store, "shops", "shop {key!r} does not exist; POST /prestashop/_sandbox/shops")


def create_control_blueprint(store: PrestaShopStore) -> Blueprint:
    bp = Blueprint("control", __name__)
    add_common_routes(bp, shop_accounts(store),
                      call_filters=("method", "resource", "status", "path"), summary=_summary)

    @bp.post("/shops")
    def upsert_shop() -> tuple[Response, int]:
        body = json_body()
        name = body.get("shop")
        if not isinstance(name, str) or not SHOP_NAME.match(name):
            raise ControlError(400, "shop must be a lower-case name (letters, digits, '-')")
        key = body.get("ws_key")
        if not isinstance(key, str) or not KEY.match(key):
            raise ControlError(400, "ws_key must be 32 letters or digits, as PrestaShop makes")
        settings = _shop_settings(body)
        shop, created = store.upsert_shop(name, key, **settings)
        url = f"{request.host_url.rstrip('/')}{request.script_root}/prestashop/{name}"
        return jsonify({**shop.settings(), "shop_url": url, "created": created}), 201

    return bp


def _summary(shop: Shop) -> dict[str, Any]:
    t = shop.data.tables
    state_names = {s.id: s.name_en for s in data.ORDER_STATES}
    states = Counter(state_names.get(o["current_state"], "(no state)")
                     for o in t["orders"].values())
    counters = shop.counters

    def per_order(prefix: str) -> dict[str, int]:
        return {k.split(":", 1)[1]: v for k, v in counters.items() if k.startswith(prefix)}

    return {
        "shop": shop.name,
        "products": len(shop.data.products), "combinations": len(t["combinations"]),
        "orders": len(t["orders"]), "order_states": dict(sorted(states.items())),
        "calls": {k: v for k, v in sorted(counters.items())
                  if k.split(" ")[0] in ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")},
        "statuses": {k.split(":")[1]: v for k, v in sorted(counters.items())
                     if k.startswith("status:")},
        "writes": sum(v for k, v in counters.items()
                      if k.split(" ")[0] in ("POST", "PUT", "PATCH", "DELETE")),
        "throttled": counters["throttled"],
        "max_calls_per_second": shop.max_calls_per_second,
        "stock_updates": counters["stock_updates"], "emails_sent": counters["emails_sent"],
        "state_changes": per_order("state_changes:"),
        "tracking_updates": per_order("tracking_updates:"),
    }


def _shop_settings(body: dict[str, Any]) -> dict[str, Any]:
    settings: dict[str, Any] = {}
    version = body.get("version", "8.1.5")
    if not isinstance(version, str) or not re.match(r"^\d+\.\d+", version):
        raise ControlError(400, "version must look like 8.1.5 or 1.7.8.11")
    settings["version"] = version
    timezone = body.get("timezone", "Europe/Paris")
    try:
        ZoneInfo(str(timezone))
    except (ZoneInfoNotFoundError, ValueError):
        raise ControlError(400, "timezone must be an IANA name such as Europe/Paris") from None
    settings["timezone"] = str(timezone)
    settings["enabled"] = flag(body.get("enabled", True), "enabled")
    permissions = body.get("permissions")
    if permissions is not None:
        if not isinstance(permissions, dict) or not all(
                isinstance(m, list) for m in permissions.values()):
            raise ControlError(400, "permissions must be {resource: [methods]} or null (all)")
        permissions = {k: frozenset(str(m).upper() for m in v) for k, v in permissions.items()}
    settings["permissions"] = permissions
    settings["rate_limit"] = rate_limit(body.get("rate_limit"))
    return settings
