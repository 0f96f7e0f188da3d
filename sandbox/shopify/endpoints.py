"""The Admin REST endpoints the hub uses, bound to one store.

Paths are relative to ``/admin/api/{version}``. Lists page with ``limit`` and ``page_info``
(``paging.py``), ``fields`` trims each object. Operation names are the view names; they key
the access scopes, the call log and the summary.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, Response, g, jsonify, request

from . import catalogue, fulfillments, orders
from .errors import ShopifyError
from .formats import select_fields
from .paging import listing, page_request
from .store import Shop, ShopifyStore

SCOPES = {
    "get_shop": None,
    "list_locations": "read_locations",
    "list_products": "read_products",
    "count_products": "read_products",
    "get_product": "read_products",
    "list_orders": "read_orders",
    "count_orders": "read_orders",
    "get_order": "read_orders",
    "list_fulfillment_orders": "read_merchant_managed_fulfillment_orders",
    "list_fulfillments": "read_orders",
    "create_fulfillment": "write_merchant_managed_fulfillment_orders",
    "list_inventory_levels": "read_inventory",
    "list_location_inventory_levels": "read_inventory",
    "set_inventory_level": "write_inventory",
    "adjust_inventory_level": "write_inventory",
}


def _cdn_base() -> str:
    return f"{request.host_url.rstrip('/')}{request.path.split('/admin/api/')[0]}/cdn"


def _paged(key: str, items: list[dict[str, Any]], link: str | None) -> Response:
    response = jsonify({key: items})
    if link:
        response.headers["Link"] = link
    return response


def register_endpoints(bp: Blueprint, store: ShopifyStore) -> None:
    _shop_routes(bp, store)
    _product_routes(bp, store)
    _order_routes(bp, store)
    _inventory_routes(bp, store)


def _shop_routes(bp: Blueprint, store: ShopifyStore) -> None:
    @bp.get("/shop.json")
    def get_shop() -> Response:
        shop: Shop = g.shopify_shop
        return jsonify({"shop": {
            "id": 548380009, "name": shop.name, "email": f"owner@{shop.handle}.example.com",
            "domain": f"{shop.handle}.example.com",
            "myshopify_domain": f"{shop.handle}.myshopify.com", "currency": shop.currency,
            "plan_name": "basic", "primary_location_id": shop.primary_location_id,
            "iana_timezone": "America/New_York", "timezone": "(GMT-05:00) Eastern Time",
        }})

    @bp.get("/locations.json")
    def list_locations() -> Response:
        with store.lock:
            return jsonify({"locations": list(g.shopify_shop.locations.values())})


def _product_routes(bp: Blueprint, store: ShopifyStore) -> None:
    @bp.get("/products.json")
    def list_products() -> Response:
        shop = g.shopify_shop
        page = page_request(request.args, "products", newest_first=False)
        with store.lock:
            accept = catalogue.product_filter(shop, page.filters)
            ids, link = listing(shop.product_ids, accept, page, "products", request.base_url)
            base = _cdn_base()
            items = [select_fields(catalogue.render_product(shop, shop.products[i], base),
                                   page.fields) for i in ids]
        return _paged("products", items, link)

    @bp.get("/products/count.json")
    def count_products() -> Response:
        shop = g.shopify_shop
        with store.lock:
            accept = catalogue.product_filter(shop, request.args)
            return jsonify({"count": sum(1 for i in shop.product_ids if accept(i))})

    @bp.get("/products/<int:product_id>.json")
    def get_product(product_id: int) -> Response:
        shop = g.shopify_shop
        with store.lock:
            product = shop.products.get(product_id)
            if product is None:
                raise ShopifyError(404, "Not Found")
            payload = catalogue.render_product(shop, product, _cdn_base())
        return jsonify({"product": select_fields(payload, request.args.get("fields"))})


def _order_routes(bp: Blueprint, store: ShopifyStore) -> None:
    @bp.get("/orders.json")
    def list_orders() -> Response:
        shop = g.shopify_shop
        page = page_request(request.args, "orders", newest_first=True)
        with store.lock:
            accept = orders.order_filter(shop, page.filters)
            ids, link = listing(shop.order_ids, accept, page, "orders", request.base_url)
            items = [select_fields(orders.render_order(shop, shop.orders[i]), page.fields)
                     for i in ids]
        return _paged("orders", items, link)

    @bp.get("/orders/count.json")
    def count_orders() -> Response:
        shop = g.shopify_shop
        with store.lock:
            accept = orders.order_filter(shop, request.args)
            return jsonify({"count": sum(1 for i in shop.order_ids if accept(i))})

    @bp.get("/orders/<int:order_id>.json")
    def get_order(order_id: int) -> Response:
        shop = g.shopify_shop
        with store.lock:
            payload = orders.render_order(shop, orders.find(shop, order_id))
        return jsonify({"order": select_fields(payload, request.args.get("fields"))})

    @bp.get("/orders/<int:order_id>/fulfillment_orders.json")
    def list_fulfillment_orders(order_id: int) -> Response:
        shop = g.shopify_shop
        with store.lock:
            order = orders.find(shop, order_id)
            return jsonify({"fulfillment_orders": order.fulfillment_orders})

    @bp.get("/orders/<int:order_id>/fulfillments.json")
    def list_fulfillments(order_id: int) -> Response:
        shop = g.shopify_shop
        with store.lock:
            return jsonify({"fulfillments": orders.find(shop, order_id).fulfillments})

    @bp.post("/fulfillments.json")
    def create_fulfillment() -> tuple[Response, int]:
        shop, now = g.shopify_shop, store.now()
        body = request.get_json(silent=True)
        with store.lock:
            record = fulfillments.create(store, shop, body, now)
        return jsonify({"fulfillment": record}), 201


def _inventory_routes(bp: Blueprint, store: ShopifyStore) -> None:
    @bp.get("/inventory_levels.json")
    def list_inventory_levels() -> Response:
        shop = g.shopify_shop
        with store.lock:
            return jsonify({"inventory_levels": catalogue.levels(shop, request.args)})

    @bp.get("/locations/<int:location_id>/inventory_levels.json")
    def list_location_inventory_levels(location_id: int) -> Response:
        shop = g.shopify_shop
        page = page_request(request.args, f"levels-{location_id}", newest_first=False)
        with store.lock:
            if location_id not in shop.locations:
                raise ShopifyError(404, "Not Found")
            accept: Callable[[int], bool] = lambda item: (item, location_id) in shop.levels  # noqa: E731
            ids, link = listing(shop.item_ids, accept, page, f"levels-{location_id}",
                                request.base_url)
            items = [select_fields(catalogue.render_level(shop, i, location_id), page.fields)
                     for i in ids]
        return _paged("inventory_levels", items, link)

    @bp.post("/inventory_levels/set.json")
    def set_inventory_level() -> Response:
        shop, now = g.shopify_shop, store.now()
        with store.lock:
            level = catalogue.set_level(shop, request.get_json(silent=True), now)
        return jsonify({"inventory_level": level})

    @bp.post("/inventory_levels/adjust.json")
    def adjust_inventory_level() -> Response:
        shop, now = g.shopify_shop, store.now()
        with store.lock:
            level = catalogue.set_level(shop, request.get_json(silent=True), now, adjust=True)
        return jsonify({"inventory_level": level})

