"""The Magento REST endpoints the hub uses, and the product media files.

Paths: ``/<shop>/rest/<store code>/V1/...`` (or ``/<shop>/rest/V1/...`` for the default store)
and ``/<shop>/pub/media/catalog/product/<file>``. Every REST call goes through one gate, in this
order: route (``Request does not match any route.``, 404), store code, the integration token
(``Authorization: Bearer <token>``; 401 ``The consumer isn't authorized to access
%resources.``), the shop's optional rate limit (429 with ``Retry-After``), then any injected
fault. The call is then handled and appended to the shop's call log. Media files are public
(no token, no rate limit) but can be faulted. Bodies and tokens are never logged.
"""

from __future__ import annotations

import copy
import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, Response, g, jsonify, request

from sandbox.faults import cut_body, inject
from sandbox.httputil import reason_phrase
from sandbox.ratelimit import retry_after_header
from sandbox.timeutil import to_iso, utc_now

from . import catalog, inventory, sales, search
from .errors import NO_ROUTE, MagentoError, bad_request, no_entity, not_authorized
from .store import PRODUCT_FIELDS as PRODUCT_ROW_FIELDS
from .store import MagentoStore, Shop

logger = logging.getLogger(__name__)

# What searchCriteria may filter and sort products on: a product row's fields and its id.
PRODUCT_FIELDS = PRODUCT_ROW_FIELDS | {"entity_id"}
ORDER_FIELDS = frozenset(
    {
        "entity_id",
        "increment_id",
        "state",
        "status",
        "created_at",
        "updated_at",
        "customer_email",
        "store_id",
        "grand_total",
    }
)
METHODS = ["GET", "POST", "PUT", "DELETE"]


@dataclass(frozen=True)
class Route:
    method: str
    pattern: re.Pattern[str]
    operation: str
    resource: str
    handler: Callable[..., Any]


def _listing_body(
    shop: Shop,
    make_listing: Callable[[search.Criteria], search.Listing],
    render: Callable[[Any], Any],
) -> dict:
    """A list endpoint's answer: ``items``, ``search_criteria`` and ``total_count``."""
    criteria = search.parse(request.args)
    if not criteria.given:
        raise bad_request(
            '"%fieldName" is required. Enter and try again.', {"fieldName": "searchCriteria"}
        )
    listing = make_listing(criteria)
    rows, total, size, page = search.select(
        listing,
        criteria,
        limits=shop.input_limits,
        max_page_size=shop.max_page_size,
        default_page_size=shop.default_page_size,
        clamp=shop.clamp_pages,
    )
    return {
        "items": [render(row) for row in rows],
        "search_criteria": criteria.echo(size, page),
        "total_count": total,
    }


def list_products(store: MagentoStore, shop: Shop, **_: str) -> Any:
    return _listing_body(
        shop,
        lambda _: search.Listing(shop.products, PRODUCT_FIELDS, "entity_id", shop.product_ids),
        lambda row: catalog.render(shop, row),
    )


def get_product(store: MagentoStore, shop: Shop, sku: str) -> Any:
    row = shop.by_sku.get(sku)
    if row is None:
        raise MagentoError(
            404, "The product that was requested doesn't exist. Verify the product and try again."
        )
    return catalog.render(shop, row)


def list_orders(store: MagentoStore, shop: Shop, **_: str) -> Any:
    shop.orders_read_at = store.now()
    return _listing_body(
        shop,
        lambda _: search.Listing(shop.order_rows(), ORDER_FIELDS, "entity_id", shop.order_ids),
        lambda row: copy.deepcopy(row.payload),
    )


def get_order(store: MagentoStore, shop: Shop, order_id: str) -> Any:
    return copy.deepcopy(sales.find(shop, int(order_id)).payload)


def ship(store: MagentoStore, shop: Shop, order_id: str) -> Any:
    row = sales.find(shop, int(order_id))
    try:
        shipment_id = sales.ship(shop, row, request.get_json(silent=True), store.now())
    except MagentoError:
        shop.count_operation(row.entity_id, "ship", ok=False)
        raise
    shop.count_operation(row.entity_id, "ship", ok=True)
    return shipment_id


def cancel(store: MagentoStore, shop: Shop, order_id: str) -> Any:
    row = sales.find(shop, int(order_id))
    try:
        sales.cancel(row, store.now())
    except MagentoError:
        return False
    return True


def store_views(store: MagentoStore, shop: Shop) -> Any:
    views = [
        {
            "id": 0,
            "code": "admin",
            "name": "Admin",
            "website_id": 0,
            "store_group_id": 0,
            "is_active": 1,
        }
    ]
    views += [
        {
            "id": n,
            "code": code,
            "name": f"{code.title()} Store View",
            "website_id": 1,
            "store_group_id": 1,
            "is_active": 1,
        }
        for n, code in enumerate(shop.store_codes, start=1)
    ]
    return views


def list_sources(store: MagentoStore, shop: Shop) -> Any:
    items = [inventory.source_payload(code) for code in shop.sources]
    return {"items": items, "search_criteria": {"filter_groups": []}, "total_count": len(items)}


def get_source(store: MagentoStore, shop: Shop, code: str) -> Any:
    if code not in shop.sources:
        raise no_entity()
    return inventory.source_payload(code)


def list_source_items(store: MagentoStore, shop: Shop) -> Any:
    return _listing_body(
        shop, lambda criteria: inventory.listing(shop, criteria.groups), lambda row: row.payload()
    )


def save_source_items(store: MagentoStore, shop: Shop) -> Any:
    inventory.save(shop, request.get_json(silent=True))
    return []


ROUTES = tuple(
    Route(method, re.compile(pattern), operation, resource, handler)
    for method, pattern, operation, resource, handler in (
        ("GET", r"store/storeViews", "store_views", "Magento_Backend::store", store_views),
        ("GET", r"products", "products", "Magento_Catalog::products", list_products),
        ("GET", r"products/(?P<sku>[^/]+)", "product", "Magento_Catalog::products", get_product),
        ("GET", r"orders", "orders", "Magento_Sales::actions_view", list_orders),
        ("GET", r"orders/(?P<order_id>\d+)", "order", "Magento_Sales::actions_view", get_order),
        ("POST", r"order/(?P<order_id>\d+)/ship", "ship", "Magento_Sales::ship", ship),
        ("POST", r"orders/(?P<order_id>\d+)/cancel", "cancel", "Magento_Sales::cancel", cancel),
        ("GET", r"inventory/sources", "sources", "Magento_InventoryApi::source", list_sources),
        (
            "GET",
            r"inventory/sources/(?P<code>[^/]+)",
            "source",
            "Magento_InventoryApi::source",
            get_source,
        ),
        (
            "GET",
            r"inventory/source-items",
            "source_items",
            "Magento_InventoryApi::source",
            list_source_items,
        ),
        (
            "POST",
            r"inventory/source-items",
            "save_source_items",
            "Magento_InventoryApi::source_edit",
            save_source_items,
        ),
    )
)


def _route(method: str, endpoint: str) -> tuple[Route, dict[str, str]] | None:
    for route in ROUTES:
        if route.method == method and (match := route.pattern.fullmatch(endpoint)):
            return route, match.groupdict()
    return None


def create_api_blueprint(store: MagentoStore) -> Blueprint:
    """Blueprint of the real endpoints, bound to one store."""
    bp = Blueprint("api", __name__)

    @bp.route("/<shop_code>/rest/<store_code>/V1/<path:endpoint>", methods=METHODS)
    @bp.route(
        "/<shop_code>/rest/V1/<path:endpoint>", methods=METHODS, defaults={"store_code": None}
    )
    def rest(shop_code: str, store_code: str | None, endpoint: str) -> Response:
        g.magento_started = time.monotonic()
        shop = store.shop(shop_code)
        if shop is None:
            return MagentoError(404, NO_ROUTE).response()
        g.magento_operation = None
        try:
            response = _handle(store, shop, store_code, endpoint)
        except MagentoError as error:
            response = error.response()
        _log_call(shop, f"/V1/{endpoint}", response.status_code, store_code)
        return response

    @bp.get("/<shop_code>/pub/media/catalog/product/<path:file>")
    def media(shop_code: str, file: str) -> Response:
        g.magento_started = time.monotonic()
        g.magento_operation = "media"
        shop = store.shop(shop_code)
        if shop is None:
            return Response("Not Found", status=404, mimetype="text/plain")
        path = f"{catalog.MEDIA_PREFIX}/{file}"
        response = _fault(store, shop, path)
        if response is None:
            with store.lock:
                content = catalog.image_bytes(store.images, shop, f"/{file}")
            response = (
                Response(content, mimetype="image/png")
                if content is not None
                else Response("Not Found", status=404, mimetype="text/plain")
            )
        _log_call(shop, path, response.status_code, None)
        return response

    return bp


def _handle(store: MagentoStore, shop: Shop, store_code: str | None, endpoint: str) -> Response:
    found = _route(request.method, endpoint)
    if found is None or (
        store_code is not None and store_code not in shop.store_codes and store_code != "all"
    ):
        raise MagentoError(404, NO_ROUTE)
    route, params = found
    g.magento_operation = route.operation
    header = request.headers.get("Authorization", "")
    token = header[7:].strip() if header.startswith("Bearer ") else ""
    if not token or token not in shop.tokens or not shop.bearer_allowed:
        raise not_authorized(route.resource)
    g.magento_authenticated = True
    if shop.bucket is not None:
        wait_seconds = shop.bucket.take()
        if wait_seconds > 0:
            raise MagentoError(
                429, "Too Many Requests", headers={"Retry-After": retry_after_header(wait_seconds)}
            )
    faulted = _fault(store, shop, f"/V1/{endpoint}")
    if faulted is not None:
        return faulted
    with store.lock:
        result = route.handler(store, shop, **params)
    if request.method == "GET" and request.args.get("fields"):
        result = search.trim(result, search.parse_fields(request.args["fields"]))
    response = jsonify(result)
    cut_body(response, g.get("magento_fault"))
    return response


def _fault(store: MagentoStore, shop: Shop, path: str) -> Response | None:
    """Apply the next matching fault; a response means the call stops here."""
    with store.lock:
        shop.arm_faults(request.method, path)
    g.magento_fault, answer = inject(shop.faults, request.method, path,
                                     who=f"Magento sandbox shop {shop.code}", sleep=store.sleep,
                                     refuse=_refuse)
    return answer


def _refuse(status: int, message: str | None, headers: dict[str, str]) -> Response:
    return MagentoError(status, message or reason_phrase(status), headers=headers).response()


def _log_call(shop: Shop, path: str, status: int, store_code: str | None) -> None:
    started = g.get("magento_started", time.monotonic())
    entry = {
        "time": to_iso(utc_now()),
        "method": request.method,
        "path": path,
        "store_code": store_code,
        "operation": g.get("magento_operation"),
        "query": request.args.to_dict(flat=True),
        "status": status,
        "fault": g.get("magento_fault"),
        "authenticated": bool(g.get("magento_authenticated")),
        "duration_ms": round((time.monotonic() - started) * 1000, 1),
    }
    shop.calls.append(entry)
