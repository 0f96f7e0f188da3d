"""The SP-API endpoints the hub uses: Orders v0 and the Tokens API's Restricted Data Token.

Every call passes one gate, in this order: the token in ``x-amz-access-token`` (an LWA access
token, or an RDT for restricted data), the seller's token bucket for the operation (429
``QuotaExceeded``), then any injected fault. Answers carry ``x-amzn-RequestId`` and, on 200, 204,
400 and 404, ``x-amzn-RateLimit-Limit`` (the seller's rate for the operation), as the model
declares. The call is logged with its status; bodies and tokens never are.
"""

from __future__ import annotations

import logging
import time
import uuid
from typing import Any

from flask import Blueprint, Response, g, jsonify, request

from sandbox.timeutil import to_iso

from . import access, listing, orders, static
from .errors import AmazonError, error_response, invalid
from .faults import api_path, apply_fault, broken_after
from .store import AmazonStore, Seller

logger = logging.getLogger(__name__)

RATE_HEADER_STATUSES = frozenset({200, 204, 400, 404})


def create_api_blueprint(store: AmazonStore) -> Blueprint:
    bp = Blueprint("api", __name__)

    @bp.before_request
    def gate() -> Response | None:
        g.amz_started = time.monotonic()
        g.amz_seller = None
        g.amz_fault = None
        g.amz_token_kind = None
        g.amz_operation = (request.endpoint or "").rsplit(".", 1)[-1]
        token = request.headers.get("x-amz-access-token", "").strip()
        grant, g.amz_elements = access.authenticate(
            store, token, g.amz_operation, request.method, api_path()
        )
        seller = store.seller(grant.seller_id)
        if seller is None:
            raise AmazonError(403, access.DENIED, "The seller of this token no longer exists.")
        g.amz_seller = seller
        g.amz_token_kind = grant.kind
        bucket = seller.buckets.get(g.amz_operation)
        if bucket is not None and bucket.take() > 0:
            g.amz_throttled = True
            return error_response(AmazonError(429))
        return apply_fault(store, seller)

    @bp.after_request
    def finish(response: Response) -> Response:
        response = broken_after(response)
        response.headers["x-amzn-RequestId"] = str(uuid.uuid4())
        seller = g.get("amz_seller")
        bucket = seller.buckets.get(g.amz_operation) if seller else None
        if bucket is not None and response.status_code in RATE_HEADER_STATUSES:
            response.headers["x-amzn-RateLimit-Limit"] = f"{bucket.rate_per_second:g}"
        _log_call(store, response.status_code)
        return response

    @bp.errorhandler(AmazonError)
    def amazon_error(error: AmazonError) -> Response:
        return error_response(error)

    @bp.post("/tokens/2021-03-01/restrictedDataToken", endpoint="createRestrictedDataToken")
    def restricted_data_token() -> Response:
        seller = g.amz_seller
        resources = access.validate_resources(request.get_json(silent=True))
        if not seller.restricted_roles:
            raise AmazonError(
                403,
                access.DENIED,
                "The application does not have the roles needed for restricted data.",
            )
        token = store.grant(seller, "rdt", 3600, resources)
        return jsonify({"restrictedDataToken": token, "expiresIn": 3600})

    @bp.get("/orders/v0/orders", endpoint="getOrders")
    def get_orders() -> Response:
        canned = static.replay("getOrders", request.args)
        if canned is not None:
            return canned
        seller = g.amz_seller
        with store.lock:
            now = store.now()
            orders.settle(seller, now)
            seller.read_at = max(seller.read_at, now)
            token = request.args.get("NextToken")
            if token:
                page = listing.next_page(seller, token, request.args, now)
            else:
                page = listing.first_page(
                    seller, listing.parse_query(request.args, seller, now), now
                )
            rendered = [orders.render_order(seller.orders[i], g.amz_elements) for i in page["ids"]]
        return jsonify({"payload": {"Orders": rendered, **page["payload"]}})

    @bp.get("/orders/v0/orders/<order_id>", endpoint="getOrder")
    def get_order(order_id: str) -> Response:
        return _one(store, "getOrder", order_id, lambda o: orders.render_order(o, g.amz_elements))

    @bp.get("/orders/v0/orders/<order_id>/buyerInfo", endpoint="getOrderBuyerInfo")
    def get_order_buyer_info(order_id: str) -> Response:
        def render(order) -> dict[str, Any]:
            info = order.payload.get("BuyerInfo") or {}
            return {"AmazonOrderId": order.order_id, **info}

        return _one(store, "getOrderBuyerInfo", order_id, render)

    @bp.get("/orders/v0/orders/<order_id>/address", endpoint="getOrderAddress")
    def get_order_address(order_id: str) -> Response:
        def render(order) -> dict[str, Any]:
            body: dict[str, Any] = {"AmazonOrderId": order.order_id}
            if order.status not in ("Pending", "PendingAvailability"):
                body["ShippingAddress"] = order.payload.get("ShippingAddress")
            return body

        return _one(store, "getOrderAddress", order_id, render)

    @bp.get("/orders/v0/orders/<order_id>/orderItems", endpoint="getOrderItems")
    def get_order_items(order_id: str) -> Response:
        def render(order) -> list[dict[str, Any]]:
            return orders.render_items(order, "buyerInfo" in g.amz_elements)

        return _items(store, "getOrderItems", order_id, render)

    @bp.get("/orders/v0/orders/<order_id>/orderItems/buyerInfo", endpoint="getOrderItemsBuyerInfo")
    def get_order_items_buyer_info(order_id: str) -> Response:
        base = request.host_url.rstrip("/") + request.path[: request.path.index("/orders/v0/")]

        def render(order) -> list[dict[str, Any]]:
            return orders.render_item_info(order, lambda key: f"{base}/customizations/{key}.zip")

        return _items(store, "getOrderItemsBuyerInfo", order_id, render)

    @bp.post("/orders/v0/orders/<order_id>/shipmentConfirmation", endpoint="confirmShipment")
    def confirm_shipment(order_id: str) -> tuple[str, int]:
        body = request.get_json(silent=True)
        if order_id in static.CONFIRM_ORDER_IDS:
            orders.validate_confirmation(body)
            return "", 204
        seller = g.amz_seller
        with store.lock:
            now = store.now()
            orders.settle(seller, now)
            known = order_id in seller.orders
            try:
                orders.confirm_shipment(seller, order_id, body, now)
            except AmazonError:
                if known:
                    seller.count_operation(order_id, "confirm", ok=False)
                raise
            seller.count_operation(order_id, "confirm", ok=True)
        return "", 204

    return bp


def _one(store: AmazonStore, operation: str, order_id: str, render) -> Response:
    canned = static.replay(operation, {"orderId": order_id})
    if canned is not None:
        return canned
    seller: Seller = g.amz_seller
    with store.lock:
        orders.settle(seller, store.now())
        return jsonify({"payload": render(orders.find(seller, order_id))})


def _items(store: AmazonStore, operation: str, order_id: str, render) -> Response:
    """getOrderItems / getOrderItemsBuyerInfo with NextToken paging over the seller's page size."""
    canned = static.replay(operation, {"orderId": order_id})
    if canned is not None:
        return canned
    seller: Seller = g.amz_seller
    offset = _item_offset(request.args.get("NextToken"), order_id)
    with store.lock:
        orders.settle(seller, store.now())
        order = orders.find(seller, order_id)
        seller.count_operation(order_id, operation, ok=True)
        entries = render(order)
    size = seller.items_page_size
    payload: dict[str, Any] = {
        "AmazonOrderId": order_id,
        "OrderItems": entries[offset : offset + size],
    }
    if offset + size < len(entries):
        payload["NextToken"] = f"{order_id}~{offset + size}"
    return jsonify({"payload": payload})


def _item_offset(token: str | None, order_id: str) -> int:
    if not token:
        return 0
    owner, _, offset = token.partition("~")
    if owner != order_id or not offset.isdigit():
        raise invalid("Invalid Input", "NextToken is invalid for this order")
    return int(offset)


def _log_call(store: AmazonStore, status: int) -> None:
    seller = g.get("amz_seller")
    started = g.get("amz_started", time.monotonic())
    entry = {
        "time": to_iso(store.now()),
        "method": request.method,
        "path": api_path(),
        "operation": g.get("amz_operation"),
        "query": request.args.to_dict(flat=True),
        "status": status,
        "fault": g.get("amz_fault"),
        "token": g.get("amz_token_kind"),
        "duration_ms": round((time.monotonic() - started) * 1000, 1),
    }
    store.log_call(seller, entry)
