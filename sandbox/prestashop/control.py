"""The sandbox control API under ``/prestashop/_sandbox/``: create shops and keys, inject
faults and read back what a connector did (the merchant's actions are in ``merchant.py``).
JSON in and out, no authentication; errors answer ``{"error": "..."}`` with 400 or 404
(see README.md).
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask import Blueprint, Response, jsonify, request

from sandbox.faults import parse_fault

from . import data
from .store import PrestaShopStore, Shop

logger = logging.getLogger(__name__)

KEY = re.compile(r"^[A-Za-z0-9]{32}$")
SHOP_NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")


class ControlError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def create_control_blueprint(store: PrestaShopStore) -> Blueprint:
    bp = Blueprint("control", __name__)

    @bp.errorhandler(ControlError)
    def control_error(error: ControlError) -> tuple[Response, int]:
        return jsonify({"error": error.message}), error.status

    @bp.post("/reset")
    def reset() -> tuple[str, int]:
        store.reset()
        return "", 204

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

    @bp.get("/shops")
    def list_shops() -> Response:
        return jsonify({"shops": [shop.settings() for shop in store.shops()]})

    @bp.get("/shops/<name>")
    def get_shop(name: str) -> Response:
        return jsonify(shop_or_404(store, name).settings())

    @bp.get("/shops/<name>/summary")
    def summary(name: str) -> Response:
        shop = shop_or_404(store, name)
        with store.lock:
            return jsonify(_summary(shop))

    @bp.get("/shops/<name>/calls")
    def calls(name: str) -> Response:
        shop = shop_or_404(store, name)
        wanted = {k: request.args[k] for k in ("method", "resource", "status", "path")
                  if request.args.get(k)}
        with store.lock:
            entries = [dict(e) for e in shop.calls
                       if all(str(e.get(k)) == v for k, v in wanted.items())]
        return jsonify({"calls": entries, "total_count": len(entries)})

    @bp.post("/shops/<name>/faults")
    def add_fault(name: str) -> tuple[Response, int]:
        shop = shop_or_404(store, name)
        try:
            fault = parse_fault(request.get_json(silent=True))
        except ValueError as exc:
            raise ControlError(400, str(exc)) from None
        shop.faults.add(fault)
        return jsonify(fault.as_dict()), 201

    @bp.get("/shops/<name>/faults")
    def list_faults(name: str) -> Response:
        return jsonify({"faults": shop_or_404(store, name).faults.as_list()})

    @bp.delete("/shops/<name>/faults")
    def clear_faults(name: str) -> Response:
        return jsonify({"cleared": shop_or_404(store, name).faults.clear()})

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
    enabled = body.get("enabled", True)
    if not isinstance(enabled, bool):
        raise ControlError(400, "enabled must be true or false")
    settings["enabled"] = enabled
    permissions = body.get("permissions")
    if permissions is not None:
        if not isinstance(permissions, dict) or not all(
                isinstance(m, list) for m in permissions.values()):
            raise ControlError(400, "permissions must be {resource: [methods]} or null (all)")
        permissions = {k: frozenset(str(m).upper() for m in v) for k, v in permissions.items()}
    settings["permissions"] = permissions
    settings["rate_limit"] = _rate_limit(body.get("rate_limit"))
    return settings


def _rate_limit(value: Any) -> dict[str, Any] | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        raise ControlError(400, 'rate_limit must be {"rate_per_second": n, "burst": n} or null')
    rate = value.get("rate_per_second")
    if isinstance(rate, bool) or not isinstance(rate, int | float) or rate <= 0:
        raise ControlError(400, "rate_limit.rate_per_second must be a number > 0")
    return {"rate_per_second": rate, "burst": integer(value.get("burst", 1), "rate_limit.burst", 1)}


def shop_or_404(store: PrestaShopStore, name: str) -> Shop:
    shop = store.shop(name)
    if shop is None:
        raise ControlError(404, f"shop {name!r} does not exist; POST /prestashop/_sandbox/shops")
    return shop


def json_body(optional: bool = False) -> dict[str, Any]:
    body = request.get_json(silent=True)
    if body is None and (optional or not request.get_data()):
        return {}
    if not isinstance(body, dict):
        raise ControlError(400, "body must be a JSON object")
    return body


def integer(value: Any, name: str, low: int | None = None, high: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ControlError(400, f"{name} must be an integer")
    if (low is not None and value < low) or (high is not None and value > high):
        raise ControlError(400, f"{name} must be between {low} and {high}")
    return value
