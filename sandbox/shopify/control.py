"""The control API under ``/shopify/_sandbox/``: create shops, seed catalogues and orders, play
the merchant's and buyer's part (pay, cancel, edit, set stock, fill the call bucket), inject
faults and read back what a connector did. The routes every simulator has (reset, shops, calls,
summary, faults) come from ``sandbox/control.py``. JSON in and out, no authentication; errors
answer ``{"error": "..."}`` with 400, 404 or 409. See README.md for every call.
"""

from __future__ import annotations

import re
from typing import Any

from flask import Blueprint, Response, jsonify, request

from sandbox.control import Accounts, ControlError, add_common_routes, integer, json_body, text

from . import faults as fault_rules
from . import generator, order_generator, orders
from .bucket import PLANS
from .control_state import (
    bucket_of,
    compact_product,
    explicit_orders,
    seed_products,
    set_stock,
    stock_of,
    summary,
)
from .store import ALL_SCOPES, Shop, ShopifyStore

HANDLE = re.compile(r"^[a-z0-9][a-z0-9-]{0,59}$")
MAX_GENERATED = 100_000


def create_control_blueprint(store: ShopifyStore) -> Blueprint:
    bp = Blueprint("control", __name__, url_prefix="/_sandbox")
    shops = Accounts(store, "shops", "shop {key} does not exist; POST /shopify/_sandbox/shops")
    add_common_routes(bp, shops, call_filters=("operation", "method", "status", "path"),
                      summary=summary, parse=fault_rules.parse)
    _shop_routes(bp, shops)
    _catalogue_routes(bp, shops)
    _stock_routes(bp, shops)
    _order_routes(bp, shops)
    _observation_routes(bp, shops)
    return bp


def _shop_routes(bp: Blueprint, shops: Accounts) -> None:
    store = shops.store

    @bp.post("/shops")
    def upsert_shop() -> tuple[Response, int]:
        data = json_body()
        handle = data.get("shop")
        if not isinstance(handle, str) or not HANDLE.match(handle):
            raise ControlError(400, "shop must be a handle like 'demo-shop' (a-z, 0-9, -)")
        token = text(data.get("access_token"), "access_token")
        scopes = data.get("scopes")
        if scopes is not None and (not isinstance(scopes, list)
                                   or not set(scopes) <= set(ALL_SCOPES)):
            raise ControlError(400, f"scopes must be a list drawn from {', '.join(ALL_SCOPES)}")
        try:
            shop, created = store.upsert_shop(
                handle, token, name=data.get("name"),
                offset_minutes=integer(data.get("utc_offset_minutes", -300),
                                       "utc_offset_minutes", -720, 840),
                currency=str(data.get("currency") or "EUR")[:3],
                bucket=bucket_of(data), scopes=frozenset(scopes) if scopes else None)
        except ValueError as exc:
            raise ControlError(409, str(exc)) from None
        return jsonify({**shop.settings(), "created": created, "plans": PLANS}), 201

    @bp.post("/shops/<handle>/locations")
    def add_location(handle: str) -> tuple[Response, int]:
        shop = shops.get(handle)
        name = str(json_body(optional=True).get("name") or "Second warehouse")
        return jsonify({"id": store.add_location(shop, name)}), 201


def _catalogue_routes(bp: Blueprint, shops: Accounts) -> None:
    store = shops.store

    @bp.post("/shops/<handle>/products")
    def create_products(handle: str) -> tuple[Response, int]:
        shop = shops.get(handle)
        return jsonify(seed_products(store, shop, json_body(), MAX_GENERATED)), 201

    @bp.get("/shops/<handle>/products")
    def list_products(handle: str) -> Response:
        shop = shops.get(handle)
        since = integer(request.args.get("since_id", 0, type=int), "since_id", 0)
        limit = integer(request.args.get("limit", 250, type=int), "limit", 1, MAX_GENERATED)
        with store.lock:
            ids = [i for i in shop.product_ids if i > since][:limit]
            items = [compact_product(shop, shop.products[i]) for i in ids]
            total = len(shop.products)
        return jsonify({"products": items, "total_count": total})

    @bp.patch("/shops/<handle>/products/<int:product_id>")
    def patch_product(handle: str, product_id: int) -> Response:
        shop = shops.get(handle)
        with store.lock:
            try:
                product = generator.patch_product(shop, product_id, json_body(), store.now())
            except KeyError as exc:
                raise ControlError(404, str(exc.args[0])) from None
            return jsonify(compact_product(shop, product))

    @bp.post("/shops/<handle>/products/touch")
    def touch_products(handle: str) -> Response:
        shop = shops.get(handle)
        data = json_body(optional=True)
        with store.lock:
            ids = data.get("ids")
            if ids is None:
                count = integer(data.get("count", len(shop.product_ids)), "count", 0)
                ids = shop.product_ids[:count]
            touched = generator.touch_products(shop, list(ids), store.now(),
                            title_suffix=str(data.get("title_suffix") or ""),
                            price_delta_cents=integer(data.get("price_delta_cents", 0),
                                                      "price_delta_cents"))
        return jsonify({"touched": touched})



def _stock_routes(bp: Blueprint, shops: Accounts) -> None:
    store = shops.store

    @bp.post("/shops/<handle>/stock")
    def put_stock(handle: str) -> Response:
        shop = shops.get(handle)
        with store.lock:
            return jsonify({"updated": set_stock(shop, json_body(), store.now())})

    @bp.get("/shops/<handle>/stock")
    def get_stock(handle: str) -> Response:
        shop = shops.get(handle)
        with store.lock:
            location = request.args.get("location_id", shop.primary_location_id, type=int)
            return jsonify({"location_id": location, "levels": stock_of(shop, location)})


def _order_routes(bp: Blueprint, shops: Accounts) -> None:
    store = shops.store

    @bp.post("/shops/<handle>/orders")
    def create_orders(handle: str) -> tuple[Response, int]:
        shop = shops.get(handle)
        data = json_body()
        seed = integer(data.get("seed", 1), "seed")
        counts = {group: integer(data.get("count" if group == "created" else group, 0), group,
                                 0, MAX_GENERATED) for group in order_generator.GROUPS}
        with store.lock:
            now = store.now()
            made = order_generator.generate_orders(store, shop, seed=seed, now=now,
                                                   counts=counts)
            if data.get("orders") is not None:
                made["created"] += explicit_orders(store, shop, data["orders"], seed, now)
        return jsonify(made), 201

    @bp.get("/shops/<handle>/orders")
    def list_orders(handle: str) -> Response:
        shop = shops.get(handle)
        with store.lock:
            items = [orders.render_order(shop, shop.orders[i]) for i in shop.order_ids]
        return jsonify({"orders": items, "total_count": len(items)})

    @bp.get("/shops/<handle>/orders/<int:order_id>")
    def get_order(handle: str, order_id: int) -> Response:
        shop = shops.get(handle)
        with store.lock:
            order = _order(shop, order_id)
            return jsonify({**orders.render_order(shop, order),
                            "fulfillment_orders": order.fulfillment_orders,
                            "malformed": order.malformed})

    @bp.post("/shops/<handle>/orders/<int:order_id>/pay")
    def pay(handle: str, order_id: int) -> Response:
        shop = shops.get(handle)
        with store.lock:
            order = _order(shop, order_id)
            try:
                orders.pay(shop, order, store.now())
            except ValueError as exc:
                raise ControlError(409, str(exc)) from None
            return jsonify(orders.render_order(shop, order))

    @bp.post("/shops/<handle>/orders/<int:order_id>/cancel")
    def cancel(handle: str, order_id: int) -> Response:
        shop = shops.get(handle)
        reason = str(json_body(optional=True).get("reason") or "customer")
        with store.lock:
            order = _order(shop, order_id)
            try:
                orders.cancel(order, reason, store.now())
            except ValueError as exc:
                raise ControlError(409, str(exc)) from None
            return jsonify(orders.render_order(shop, order))


def _observation_routes(bp: Blueprint, shops: Accounts) -> None:
    store = shops.store

    @bp.route("/shops/<handle>/bucket", methods=["GET", "POST"])
    def bucket(handle: str) -> Response:
        shop = shops.get(handle)
        if shop.bucket is None:
            raise ControlError(409, f"shop {handle} has no call limit")
        if request.method == "POST":
            level = json_body().get("level")
            if isinstance(level, bool) or not isinstance(level, int | float) or level < 0:
                raise ControlError(400, "level must be a number >= 0")
            shop.bucket.set_level(level)
        return jsonify(shop.bucket.state())

    @bp.delete("/shops/<handle>/calls")
    def clear_calls(handle: str) -> Response:
        shop = shops.get(handle)
        with store.lock:
            cleared = len(shop.calls)
            shop.calls.clear()
        return jsonify({"cleared": cleared})


def _order(shop: Shop, order_id: int) -> Any:
    order = shop.orders.get(order_id)
    if order is None:
        raise ControlError(404, f"shop {shop.handle} has no order {order_id}")
    return order
