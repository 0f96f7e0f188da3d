"""The control API under ``/shopify/_sandbox/``: create shops, seed catalogues and orders, play
the merchant's and buyer's part (pay, cancel, edit, set stock, fill the call bucket), inject
faults and read back what a connector did. JSON in and out, no authentication; errors answer
``{"error": "..."}`` with 400, 404 or 409. See README.md for every call.
"""

from __future__ import annotations

import re
from typing import Any

from flask import Blueprint, Response, jsonify, request

from . import faults as fault_rules
from . import generator, order_generator, orders
from .bucket import PLANS
from .control_state import (
    ControlError,
    body,
    bucket_of,
    compact_product,
    explicit_orders,
    integer,
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

    @bp.errorhandler(ControlError)
    def control_error(error: ControlError) -> tuple[Response, int]:
        return jsonify({"error": error.message}), error.status

    @bp.post("/reset")
    def reset() -> tuple[str, int]:
        store.reset()
        return "", 204

    _shop_routes(bp, store)
    _catalogue_routes(bp, store)
    _stock_routes(bp, store)
    _order_routes(bp, store)
    _observation_routes(bp, store)
    return bp


def _shop_routes(bp: Blueprint, store: ShopifyStore) -> None:
    @bp.post("/shops")
    def upsert_shop() -> tuple[Response, int]:
        data = body()
        handle, token = data.get("shop"), data.get("access_token")
        if not isinstance(handle, str) or not HANDLE.match(handle):
            raise ControlError(400, "shop must be a handle like 'demo-shop' (a-z, 0-9, -)")
        if not isinstance(token, str) or not token.strip():
            raise ControlError(400, "access_token must be a non-empty string")
        scopes = data.get("scopes")
        if scopes is not None and (not isinstance(scopes, list)
                                   or not set(scopes) <= set(ALL_SCOPES)):
            raise ControlError(400, f"scopes must be a list drawn from {', '.join(ALL_SCOPES)}")
        try:
            shop, created = store.upsert_shop(
                handle, token.strip(), name=data.get("name"),
                offset_minutes=integer(data.get("utc_offset_minutes", -300),
                                       "utc_offset_minutes", -720, 840),
                currency=str(data.get("currency") or "EUR")[:3],
                bucket=bucket_of(data), scopes=frozenset(scopes) if scopes else None)
        except ValueError as exc:
            raise ControlError(409, str(exc)) from None
        return jsonify({**shop.settings(), "created": created, "plans": PLANS}), 201

    @bp.get("/shops")
    def list_shops() -> Response:
        return jsonify({"shops": [shop.settings() for shop in store.shops()]})

    @bp.get("/shops/<handle>")
    def get_shop(handle: str) -> Response:
        with store.lock:
            return jsonify(_shop(store, handle).settings())

    @bp.post("/shops/<handle>/locations")
    def add_location(handle: str) -> tuple[Response, int]:
        shop = _shop(store, handle)
        name = str(body(optional=True).get("name") or "Second warehouse")
        return jsonify({"id": store.add_location(shop, name)}), 201


def _catalogue_routes(bp: Blueprint, store: ShopifyStore) -> None:
    @bp.post("/shops/<handle>/products")
    def create_products(handle: str) -> tuple[Response, int]:
        shop = _shop(store, handle)
        return jsonify(seed_products(store, shop, body(), MAX_GENERATED)), 201

    @bp.get("/shops/<handle>/products")
    def list_products(handle: str) -> Response:
        shop = _shop(store, handle)
        since = integer(request.args.get("since_id", 0, type=int), "since_id", 0)
        limit = integer(request.args.get("limit", 250, type=int), "limit", 1, MAX_GENERATED)
        with store.lock:
            ids = [i for i in shop.product_ids if i > since][:limit]
            items = [compact_product(shop, shop.products[i]) for i in ids]
            total = len(shop.products)
        return jsonify({"products": items, "total_count": total})

    @bp.patch("/shops/<handle>/products/<int:product_id>")
    def patch_product(handle: str, product_id: int) -> Response:
        shop = _shop(store, handle)
        with store.lock:
            try:
                product = generator.patch_product(shop, product_id, body(), store.now())
            except KeyError as exc:
                raise ControlError(404, str(exc.args[0])) from None
            return jsonify(compact_product(shop, product))

    @bp.post("/shops/<handle>/products/touch")
    def touch_products(handle: str) -> Response:
        shop = _shop(store, handle)
        data = body(optional=True)
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



def _stock_routes(bp: Blueprint, store: ShopifyStore) -> None:
    @bp.post("/shops/<handle>/stock")
    def put_stock(handle: str) -> Response:
        shop = _shop(store, handle)
        with store.lock:
            return jsonify({"updated": set_stock(shop, body(), store.now())})

    @bp.get("/shops/<handle>/stock")
    def get_stock(handle: str) -> Response:
        shop = _shop(store, handle)
        with store.lock:
            location = request.args.get("location_id", shop.primary_location_id, type=int)
            return jsonify({"location_id": location, "levels": stock_of(shop, location)})


def _order_routes(bp: Blueprint, store: ShopifyStore) -> None:
    @bp.post("/shops/<handle>/orders")
    def create_orders(handle: str) -> tuple[Response, int]:
        shop = _shop(store, handle)
        data = body()
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
        shop = _shop(store, handle)
        with store.lock:
            items = [orders.render_order(shop, shop.orders[i]) for i in shop.order_ids]
        return jsonify({"orders": items, "total_count": len(items)})

    @bp.get("/shops/<handle>/orders/<int:order_id>")
    def get_order(handle: str, order_id: int) -> Response:
        shop = _shop(store, handle)
        with store.lock:
            order = _order(shop, order_id)
            return jsonify({**orders.render_order(shop, order),
                            "fulfillment_orders": order.fulfillment_orders,
                            "malformed": order.malformed})

    @bp.post("/shops/<handle>/orders/<int:order_id>/pay")
    def pay(handle: str, order_id: int) -> Response:
        shop = _shop(store, handle)
        with store.lock:
            order = _order(shop, order_id)
            try:
                orders.pay(shop, order, store.now())
            except ValueError as exc:
                raise ControlError(409, str(exc)) from None
            return jsonify(orders.render_order(shop, order))

    @bp.post("/shops/<handle>/orders/<int:order_id>/cancel")
    def cancel(handle: str, order_id: int) -> Response:
        shop = _shop(store, handle)
        reason = str(body(optional=True).get("reason") or "customer")
        with store.lock:
            order = _order(shop, order_id)
            try:
                orders.cancel(order, reason, store.now())
            except ValueError as exc:
                raise ControlError(409, str(exc)) from None
            return jsonify(orders.render_order(shop, order))


def _observation_routes(bp: Blueprint, store: ShopifyStore) -> None:
    @bp.route("/shops/<handle>/bucket", methods=["GET", "POST"])
    def bucket(handle: str) -> Response:
        shop = _shop(store, handle)
        if shop.bucket is None:
            raise ControlError(409, f"shop {handle} has no call limit")
        if request.method == "POST":
            level = body().get("level")
            if isinstance(level, bool) or not isinstance(level, int | float) or level < 0:
                raise ControlError(400, "level must be a number >= 0")
            shop.bucket.set_level(level)
        return jsonify(shop.bucket.state())

    @bp.route("/shops/<handle>/calls", methods=["GET", "DELETE"])
    def calls(handle: str) -> Response:
        shop = _shop(store, handle)
        with store.lock:
            if request.method == "DELETE":
                cleared = len(shop.calls)
                shop.calls.clear()
                return jsonify({"cleared": cleared})
            wanted = {k: request.args[k] for k in ("operation", "method", "status", "path")
                      if request.args.get(k)}
            entries = [dict(e) for e in shop.calls
                       if all(str(e.get(k)) == v for k, v in wanted.items())]
        return jsonify({"calls": entries, "total_count": len(entries)})

    @bp.get("/shops/<handle>/summary")
    def get_summary(handle: str) -> Response:
        shop = _shop(store, handle)
        with store.lock:
            return jsonify(summary(shop))

    @bp.route("/shops/<handle>/faults", methods=["GET", "POST", "DELETE"])
    def faults(handle: str) -> tuple[Response, int]:
        shop = _shop(store, handle)
        if request.method == "GET":
            return jsonify({"faults": shop.faults.as_list()}), 200
        if request.method == "DELETE":
            return jsonify({"cleared": shop.faults.clear()}), 200
        try:
            fault = fault_rules.parse(request.get_json(silent=True))
        except ValueError as exc:
            raise ControlError(400, str(exc)) from None
        shop.faults.add(fault)
        return jsonify(fault.as_dict()), 201


def _shop(store: ShopifyStore, handle: str) -> Shop:
    shop = store.shop(handle)
    if shop is None:
        raise ControlError(404, f"shop {handle} does not exist; POST /shopify/_sandbox/shops")
    return shop


def _order(shop: Shop, order_id: int) -> Any:
    order = shop.orders.get(order_id)
    if order is None:
        raise ControlError(404, f"shop {shop.handle} has no order {order_id}")
    return order
