"""Control API, the merchant's part: generate catalogues and orders, edit products, pay or
cancel orders, set stock, edit carriers (under ``/prestashop/_sandbox/shops/<shop>/``)."""

from __future__ import annotations

import logging
from typing import Any
from zoneinfo import ZoneInfo

from flask import Blueprint, Response, jsonify, request

from sandbox.control import (
    ControlError,
    handle_control_errors,
    integer,
    json_body,
    moment,
    seed_of,
    text,
)

from . import catalogue, data, orders
from .control import shop_accounts
from .output import I18n, scalar
from .store import PrestaShopStore

logger = logging.getLogger(__name__)

MAX_PRODUCTS = 100_000
MAX_ORDERS = 20_000


def create_merchant_blueprint(store: PrestaShopStore) -> Blueprint:
    bp = Blueprint("merchant", __name__)
    handle_control_errors(bp)
    shops = shop_accounts(store)

    @bp.post("/shops/<name>/products")
    def add_products(name: str) -> tuple[Response, int]:
        shop, body = shops.get(name), json_body()
        count = integer(body.get("count", 0), "count", 0, MAX_PRODUCTS)
        ratio = body.get("combinations_ratio", 0.25)
        if isinstance(ratio, bool) or not isinstance(ratio, int | float) or not 0 <= ratio <= 1:
            raise ControlError(400, "combinations_ratio must be a number between 0 and 1")
        with store.lock:
            result = catalogue.generate_products(
                shop.data, count=count, seed=seed_of(body), now=store.now(),
                combinations_ratio=float(ratio),
                images_per_product=integer(body.get("images_per_product", 2), "images_per_product",
                                        0, 10),
                missing_reference=integer(body.get("missing_reference", 0), "missing_reference",
                                       0, count),
                suppliers=integer(body.get("suppliers", 4), "suppliers", 1,
                               len(data.SUPPLIER_NAMES)),
                start=moment(body, "start"))
        logger.info("PrestaShop sandbox %s: %d products generated", name, count)
        return jsonify(result), 201

    @bp.post("/shops/<name>/products/touch")
    def touch(name: str) -> Response:
        shop, body = shops.get(name), json_body()
        ids = _ids(body.get("ids"))
        suffix = body.get("suffix", " (updated)")
        if not isinstance(suffix, str):
            raise ControlError(400, "suffix must be a string")
        with store.lock:
            touched = catalogue.touch_products(shop.data, ids, suffix, store.now())
        return jsonify({"touched": touched})

    @bp.get("/shops/<name>/products/<int:product_id>")
    def one_product(name: str, product_id: int) -> Response:
        shop = shops.get(name)
        with store.lock:
            row = shop.data.products.row(product_id)
            if row is None:
                raise ControlError(404, f"product {product_id} does not exist")
            return jsonify(plain(row, shop.tz))

    @bp.post("/shops/<name>/orders")
    def add_orders(name: str) -> tuple[Response, int]:
        shop, body = shops.get(name), json_body()
        overrides = body.get("orders")
        if overrides is not None and not (isinstance(overrides, list)
                                          and all(isinstance(o, dict) for o in overrides)):
            raise ControlError(400, "orders must be a list of objects")
        with store.lock:
            try:
                result = orders.generate_orders(
                    shop.data, count=integer(body.get("count", 0), "count", 0, MAX_ORDERS),
                    seed=seed_of(body), now=store.now(), state=_state(body.get("state", "paid")),
                    unknown_carrier=integer(body.get("unknown_carrier", 0), "unknown_carrier", 0,
                                         MAX_ORDERS),
                    malformed=integer(body.get("malformed", 0), "malformed", 0, MAX_ORDERS),
                    start=moment(body, "start"), overrides=overrides)
            except (ValueError, KeyError) as exc:
                raise ControlError(400, f"cannot apply the orders: {exc}") from None
        return jsonify(result), 201

    @bp.get("/shops/<name>/orders/<int:order_id>")
    def one_order(name: str, order_id: int) -> Response:
        shop = shops.get(name)
        with store.lock:
            view = orders.order_view(shop.data, order_id)
            if view is None:
                raise ControlError(404, f"order {order_id} does not exist")
            return jsonify(plain(view, shop.tz))

    @bp.post("/shops/<name>/orders/<int:order_id>/<action>")
    def order_action(name: str, order_id: int, action: str) -> Response:
        shop = shops.get(name)
        aliases = {"pay": "paid", "cancel": "canceled", "ship": "shipped"}
        if action not in (*aliases, "state"):
            raise ControlError(404, "actions are pay, cancel, ship and state")
        state = _state(json_body().get("state") if action == "state" else aliases[action])
        with store.lock:
            if shop.data.tables["orders"].get(order_id) is None:
                raise ControlError(404, f"order {order_id} does not exist")
            orders.change_state(shop.data, order_id, state, store.now(), employee=1)
            return jsonify(plain(orders.order_view(shop.data, order_id), shop.tz))

    @bp.post("/shops/<name>/stock")
    def set_stock(name: str) -> Response:
        shop, body = shops.get(name), json_body()
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
                shop.data.set_quantity(shop.data.stock_index[key], integer(quantity, "quantity"))
        return jsonify({"updated": len(quantities) - len(unknown), "unknown": unknown})

    @bp.get("/shops/<name>/stock")
    def get_stock(name: str) -> Response:
        shop = shops.get(name)
        wanted = [s for s in request.args.get("skus", "").split(",") if s]
        with store.lock:
            index = catalogue.sku_index(shop.data)
            refs = wanted or list(index)
            stock = {ref: shop.data.stock.rows[shop.data.stock_index[index[ref.lower()]]].quantity
                     for ref in refs if ref.lower() in index}
        return jsonify({"stock": stock})

    @bp.post("/shops/<name>/carriers")
    def add_carrier(name: str) -> tuple[Response, int]:
        shop, body = shops.get(name), json_body()
        carrier = text(body.get("name"), "name")
        with store.lock:
            carrier_id = shop.data.add_carrier(carrier, str(body.get("url", "")))
        return jsonify({"id": carrier_id}), 201

    @bp.post("/shops/<name>/carriers/<int:carrier_id>/edit")
    def edit_carrier(name: str, carrier_id: int) -> tuple[Response, int]:
        """Editing a carrier in the back office makes a new id with the same id_reference."""
        shop, body = shops.get(name), json_body(optional=True)
        with store.lock:
            old = shop.data.tables["carriers"].get(carrier_id)
            if old is None or old["deleted"]:
                raise ControlError(404, f"carrier {carrier_id} does not exist")
            old["deleted"] = True
            new_id = shop.data.add_carrier(str(body.get("name") or old["name"]), old["url"],
                                           reference=old["id_reference"])
        return jsonify({"id": new_id, "id_reference": old["id_reference"]}), 201

    return bp


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


def _state(value: Any) -> int:
    if isinstance(value, str) and value.lower() in data.STATE_ALIASES:
        return data.STATE_ALIASES[value.lower()]
    if isinstance(value, int) and not isinstance(value, bool) and (
            value == 0 or any(s.id == value for s in data.ORDER_STATES)):
        return value
    raise ControlError(400, "state must be an order state id or one of "
                            + ", ".join(data.STATE_ALIASES))


def _ids(value: Any) -> list[int] | None:
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(i, int) for i in value):
        raise ControlError(400, "ids must be a list of integers, or null for all")
    return value
