"""The sandbox control API under ``/prestashop/_sandbox/``: create shops and keys, generate
catalogues and orders, play the merchant (pay, cancel, edit products, set stock, edit a
carrier), inject faults and read back what a connector did. JSON in and out, no
authentication; errors answer ``{"error": "..."}`` with 400, 404 or 409 (see README.md).
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections import Counter
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask import Blueprint, Response, jsonify, request

from sandbox.mirakl.faults import parse_fault
from sandbox.timeutil import parse_iso

from . import catalogue, data, orders
from .output import I18n, scalar
from .store import PrestaShopStore, Shop

logger = logging.getLogger(__name__)

MAX_PRODUCTS = 100_000
MAX_ORDERS = 20_000
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
        body = _body()
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
        return jsonify(_shop(store, name).settings())

    @bp.post("/shops/<name>/products")
    def add_products(name: str) -> tuple[Response, int]:
        shop, body = _shop(store, name), _body()
        count = _int(body.get("count", 0), "count", 0, MAX_PRODUCTS)
        ratio = body.get("combinations_ratio", 0.25)
        if isinstance(ratio, bool) or not isinstance(ratio, int | float) or not 0 <= ratio <= 1:
            raise ControlError(400, "combinations_ratio must be a number between 0 and 1")
        with store.lock:
            result = catalogue.generate_products(
                shop.data, count=count, seed=_seed(body), now=store.now(),
                combinations_ratio=float(ratio),
                images_per_product=_int(body.get("images_per_product", 2), "images_per_product",
                                        0, 10),
                missing_reference=_int(body.get("missing_reference", 0), "missing_reference",
                                       0, count),
                suppliers=_int(body.get("suppliers", 4), "suppliers", 1,
                               len(data.SUPPLIER_NAMES)),
                start=_start(body))
        logger.info("PrestaShop sandbox %s: %d products generated", name, count)
        return jsonify(result), 201

    @bp.post("/shops/<name>/products/touch")
    def touch(name: str) -> Response:
        shop, body = _shop(store, name), _body()
        ids = _ids(body.get("ids"))
        suffix = body.get("suffix", " (updated)")
        if not isinstance(suffix, str):
            raise ControlError(400, "suffix must be a string")
        with store.lock:
            touched = catalogue.touch_products(shop.data, ids, suffix, store.now())
        return jsonify({"touched": touched})

    @bp.get("/shops/<name>/products/<int:product_id>")
    def one_product(name: str, product_id: int) -> Response:
        shop = _shop(store, name)
        with store.lock:
            row = shop.data.products.row(product_id)
            if row is None:
                raise ControlError(404, f"product {product_id} does not exist")
            return jsonify(plain(row, shop.tz))

    @bp.post("/shops/<name>/orders")
    def add_orders(name: str) -> tuple[Response, int]:
        shop, body = _shop(store, name), _body()
        overrides = body.get("orders")
        if overrides is not None and not (isinstance(overrides, list)
                                          and all(isinstance(o, dict) for o in overrides)):
            raise ControlError(400, "orders must be a list of objects")
        with store.lock:
            try:
                result = orders.generate_orders(
                    shop.data, count=_int(body.get("count", 0), "count", 0, MAX_ORDERS),
                    seed=_seed(body), now=store.now(), state=_state(body.get("state", "paid")),
                    unknown_carrier=_int(body.get("unknown_carrier", 0), "unknown_carrier", 0,
                                         MAX_ORDERS),
                    malformed=_int(body.get("malformed", 0), "malformed", 0, MAX_ORDERS),
                    start=_start(body), overrides=overrides)
            except (ValueError, KeyError) as exc:
                raise ControlError(400, f"cannot apply the orders: {exc}") from None
        return jsonify(result), 201

    @bp.get("/shops/<name>/orders/<int:order_id>")
    def one_order(name: str, order_id: int) -> Response:
        shop = _shop(store, name)
        with store.lock:
            view = orders.order_view(shop.data, order_id)
            if view is None:
                raise ControlError(404, f"order {order_id} does not exist")
            return jsonify(plain(view, shop.tz))

    @bp.post("/shops/<name>/orders/<int:order_id>/<action>")
    def order_action(name: str, order_id: int, action: str) -> Response:
        shop = _shop(store, name)
        aliases = {"pay": "paid", "cancel": "canceled", "ship": "shipped"}
        if action not in (*aliases, "state"):
            raise ControlError(404, "actions are pay, cancel, ship and state")
        state = _state(_body().get("state") if action == "state" else aliases[action])
        with store.lock:
            if shop.data.tables["orders"].get(order_id) is None:
                raise ControlError(404, f"order {order_id} does not exist")
            orders.change_state(shop.data, order_id, state, store.now(), employee=1)
            return jsonify(plain(orders.order_view(shop.data, order_id), shop.tz))

    @bp.post("/shops/<name>/stock")
    def set_stock(name: str) -> Response:
        shop, body = _shop(store, name), _body()
        quantities = body.get("quantities", {})
        if not isinstance(quantities, dict):
            raise ControlError(400, "quantities must be an object {reference: quantity}")
        with store.lock:
            index = catalogue.sku_index(shop.data)
            unknown = []
            for reference, quantity in quantities.items():
                key = index.get(str(reference).lower())
                if key is None:
                    unknown.append(reference)
                    continue
                shop.data.set_quantity(shop.data.stock_index[key], _int(quantity, "quantity"))
        return jsonify({"updated": len(quantities) - len(unknown), "unknown": unknown})

    @bp.get("/shops/<name>/stock")
    def get_stock(name: str) -> Response:
        shop = _shop(store, name)
        wanted = [s for s in request.args.get("skus", "").split(",") if s]
        with store.lock:
            index = catalogue.sku_index(shop.data)
            refs = wanted or list(index)
            stock = {ref: shop.data.stock.rows[shop.data.stock_index[index[ref.lower()]]].quantity
                     for ref in refs if ref.lower() in index}
        return jsonify({"stock": stock})

    @bp.post("/shops/<name>/carriers")
    def add_carrier(name: str) -> tuple[Response, int]:
        shop, body = _shop(store, name), _body()
        if not isinstance(body.get("name"), str) or not body["name"].strip():
            raise ControlError(400, "name must be a non-empty string")
        with store.lock:
            carrier_id = shop.data.add_carrier(body["name"].strip(), str(body.get("url", "")))
        return jsonify({"id": carrier_id}), 201

    @bp.post("/shops/<name>/carriers/<int:carrier_id>/edit")
    def edit_carrier(name: str, carrier_id: int) -> tuple[Response, int]:
        """Editing a carrier in the back office makes a new id with the same id_reference."""
        shop, body = _shop(store, name), _body(optional=True)
        with store.lock:
            old = shop.data.tables["carriers"].get(carrier_id)
            if old is None or old["deleted"]:
                raise ControlError(404, f"carrier {carrier_id} does not exist")
            old["deleted"] = True
            new_id = shop.data.add_carrier(str(body.get("name") or old["name"]), old["url"],
                                           reference=old["id_reference"])
        return jsonify({"id": new_id, "id_reference": old["id_reference"]}), 201

    @bp.get("/shops/<name>/summary")
    def summary(name: str) -> Response:
        shop = _shop(store, name)
        with store.lock:
            return jsonify(_summary(shop))

    @bp.get("/shops/<name>/calls")
    def calls(name: str) -> Response:
        shop = _shop(store, name)
        wanted = {k: request.args[k] for k in ("method", "resource", "status", "path")
                  if request.args.get(k)}
        with store.lock:
            entries = [dict(e) for e in shop.calls
                       if all(str(e.get(k)) == v for k, v in wanted.items())]
        return jsonify({"calls": entries, "total_count": len(entries)})

    @bp.post("/shops/<name>/faults")
    def add_fault(name: str) -> tuple[Response, int]:
        shop = _shop(store, name)
        try:
            fault = parse_fault(request.get_json(silent=True))
        except ValueError as exc:
            raise ControlError(400, str(exc)) from None
        shop.faults.add(fault)
        return jsonify(fault.as_dict()), 201

    @bp.get("/shops/<name>/faults")
    def list_faults(name: str) -> Response:
        return jsonify({"faults": _shop(store, name).faults.as_list()})

    @bp.delete("/shops/<name>/faults")
    def clear_faults(name: str) -> Response:
        return jsonify({"cleared": _shop(store, name).faults.clear()})

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
        "max_calls_per_second": max(shop.per_second.values(), default=0),
        "stock_updates": counters["stock_updates"], "emails_sent": counters["emails_sent"],
        "state_changes": per_order("state_changes:"),
        "tracking_updates": per_order("tracking_updates:"),
    }


def plain(value: Any, tz: ZoneInfo) -> Any:
    """Stored values as JSON: texts as the webservice prints them, languages by id."""
    if isinstance(value, I18n):
        return {str(k): v for k, v in value.items()}
    if isinstance(value, dict):
        return {k: plain(v, tz) for k, v in value.items() if not str(k).startswith("_")}
    if isinstance(value, list | tuple):
        return [plain(v, tz) for v in value]
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    return scalar(value, tz)


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
    return {"rate_per_second": rate, "burst": _int(value.get("burst", 1), "rate_limit.burst", 1)}


def _state(value: Any) -> int:
    if isinstance(value, str) and value.lower() in data.STATE_ALIASES:
        return data.STATE_ALIASES[value.lower()]
    if isinstance(value, int) and not isinstance(value, bool) and (
            value == 0 or any(s.id == value for s in data.ORDER_STATES)):
        return value
    raise ControlError(400, "state must be an order state id or one of "
                            + ", ".join(data.STATE_ALIASES))


def _shop(store: PrestaShopStore, name: str) -> Shop:
    shop = store.shop(name)
    if shop is None:
        raise ControlError(404, f"shop {name!r} does not exist; POST /prestashop/_sandbox/shops")
    return shop


def _body(optional: bool = False) -> dict[str, Any]:
    body = request.get_json(silent=True)
    if body is None and (optional or not request.get_data()):
        return {}
    if not isinstance(body, dict):
        raise ControlError(400, "body must be a JSON object")
    return body


def _int(value: Any, name: str, low: int | None = None, high: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ControlError(400, f"{name} must be an integer")
    if (low is not None and value < low) or (high is not None and value > high):
        raise ControlError(400, f"{name} must be between {low} and {high}")
    return value


def _seed(body: dict[str, Any]) -> int | None:
    return None if body.get("seed") is None else _int(body["seed"], "seed")


def _ids(value: Any) -> list[int] | None:
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(i, int) for i in value):
        raise ControlError(400, "ids must be a list of integers, or null for all")
    return value


def _start(body: dict[str, Any]) -> dt.datetime | None:
    if not body.get("start"):
        return None
    try:
        return parse_iso(str(body["start"]))
    except ValueError:
        raise ControlError(400, "start must be an ISO-8601 date-time") from None
