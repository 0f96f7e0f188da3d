"""The sandbox control API under ``/amazon/_sandbox/``: create sellers, seed orders, play the
buyer's and Amazon's part (payment verified, cancellation), inject faults, read back calls.

The routes every simulator has (reset, sellers, calls, summary, faults) come from
``sandbox/control.py``. Errors answer ``{"error": "<what is wrong>"}`` with 400, 404 or 409.
"""

from __future__ import annotations

import copy
import logging
from collections import Counter
from typing import Any

from flask import Blueprint, Response, jsonify, request

from sandbox.control import (
    Accounts,
    ControlError,
    add_common_routes,
    handle_refusals,
    integer,
    json_body,
    moment,
    text,
)

from . import data, generator, orders
from .errors import AmazonError
from .store import AmazonOrder, AmazonStore, Seller

logger = logging.getLogger(__name__)

MAX_GENERATED = 20_000
COUNTS = ("count", "personalised", "gift", "pending", "malformed")


def create_control_blueprint(store: AmazonStore) -> Blueprint:
    bp = Blueprint("control", __name__)
    sellers = Accounts(store, "sellers",
                       "seller {key} does not exist; POST /amazon/_sandbox/sellers")

    def summary(seller: Seller) -> dict[str, Any]:
        orders.settle(seller, store.now())
        return _summary(seller)

    add_common_routes(bp, sellers, call_filters=("operation", "method", "path"), summary=summary,
                      unattributed=True)
    handle_refusals(bp, AmazonError)

    @bp.post("/sellers")
    def upsert_seller() -> tuple[Response, int]:
        body = json_body()
        seller_id = text(body.get("seller_id"), "seller_id")
        values = _seller_values(body)
        try:
            seller, created = store.upsert_seller(seller_id, **values)
        except ValueError as exc:
            raise ControlError(409, str(exc)) from None
        return jsonify({**seller.settings(), "created": created}), 201

    @bp.post("/sellers/<seller_id>/orders")
    def create_orders(seller_id: str) -> tuple[Response, int]:
        seller = sellers.get(seller_id)
        body = json_body()
        for name in COUNTS:
            integer(body.get(name, 0), name, low=0, high=MAX_GENERATED)
        result: dict[str, list[str]] = {"created": [], "malformed": []}
        with store.lock:
            now = store.now()
            orders.settle(seller, now)
            try:
                if body.get("count") or body.get("malformed"):
                    result = generator.generate(seller, body, now)
                if body.get("orders") is not None:
                    if not isinstance(body["orders"], list):
                        raise ControlError(400, "orders must be a list of objects")
                    result["created"] += generator.explicit(
                        seller, body["orders"], body.get("seed"), now
                    )
            except (ValueError, KeyError, TypeError, IndexError) as exc:
                raise ControlError(400, f"cannot create these orders: {exc}") from None
        logger.info(
            "Amazon sandbox seller %s: %d orders created, %d malformed",
            seller_id,
            len(result["created"]),
            len(result["malformed"]),
        )
        return jsonify(result), 201

    @bp.get("/sellers/<seller_id>/orders")
    def all_orders(seller_id: str) -> Response:
        seller = sellers.get(seller_id)
        status = request.args.get("status")
        with store.lock:
            orders.settle(seller, store.now())
            views = [_view(o) for o in seller.orders.values() if status in (None, o.status)]
        return jsonify({"orders": views, "total_count": len(views)})

    @bp.get("/sellers/<seller_id>/orders/<order_id>")
    def one_order(seller_id: str, order_id: str) -> Response:
        seller = sellers.get(seller_id)
        with store.lock:
            orders.settle(seller, store.now())
            return jsonify(_view(orders.find(seller, order_id)))

    @bp.post("/sellers/<seller_id>/orders/<order_id>/cancel")
    def cancel(seller_id: str, order_id: str) -> Response:
        seller = sellers.get(seller_id)
        body = json_body(optional=True)
        with store.lock:
            now = store.now()
            orders.settle(seller, now)
            when = _when(body, now)
            return jsonify(_view(orders.cancel(seller, order_id, body.get("reason"), when)))

    @bp.post("/sellers/<seller_id>/advance")
    def advance(seller_id: str) -> Response:
        seller = sellers.get(seller_id)
        body = json_body(optional=True)
        ids = body.get("order_ids")
        if ids is not None and (
            not isinstance(ids, list) or not all(isinstance(i, str) for i in ids)
        ):
            raise ControlError(400, "order_ids must be a list of order ids, or null for all")
        with store.lock:
            now = store.now()
            orders.settle(seller, now)
            return jsonify(orders.advance(seller, ids, _when(body, now)))

    @bp.post("/sellers/<seller_id>/expire_tokens")
    def expire_tokens(seller_id: str) -> Response:
        sellers.get(seller_id)
        return jsonify({"expired": store.expire_grants(seller_id)})

    return bp


def _seller_values(body: dict[str, Any]) -> dict[str, Any]:
    markets = body.get("marketplaces") or ["UK"]
    if not isinstance(markets, list):
        raise ControlError(400, 'marketplaces must be a list such as ["UK", "DE"]')
    ids = []
    for code in markets:
        market = data.MARKETPLACES.get(str(code).upper()) or data.BY_ID.get(str(code))
        if market is None:
            raise ControlError(400, f"unknown marketplace {code}")
        ids.append(market.marketplace_id)
    delay = body.get("pending_delay_seconds", 0)
    if delay is not None and (
        isinstance(delay, bool) or not isinstance(delay, int | float) or delay < 0
    ):
        raise ControlError(
            400,
            "pending_delay_seconds must be a number >= 0, or null (orders "
            "stay Pending until advanced)",
        )
    rates = body.get("rates")
    if rates is not None and not isinstance(rates, dict):
        raise ControlError(
            400, 'rates must map an operationId (or "*") to {"rate_per_second": r, "burst": b}'
        )
    for operation, rate in (rates or {}).items():
        if operation != "*" and operation not in data.USAGE_PLANS:
            raise ControlError(400, f"unknown operation {operation} in rates")
        if (
            not isinstance(rate, dict)
            or not isinstance(rate.get("rate_per_second"), int | float)
            or rate["rate_per_second"] <= 0
        ):
            raise ControlError(400, f"rates.{operation}.rate_per_second must be a number > 0")
        integer(rate.get("burst", 1), f"rates.{operation}.burst", low=1, high=100_000)
    return {
        "refresh_token": text(body.get("refresh_token"), "refresh_token"),
        "client_id": text(body.get("client_id"), "client_id"),
        "client_secret": text(body.get("client_secret"), "client_secret"),
        "marketplace_ids": ids,
        "name": str(body.get("name") or body["seller_id"]),
        "pending_delay_seconds": delay,
        "access_token_lifetime_seconds": integer(
            body.get("access_token_lifetime_seconds", 3600),
            "access_token_lifetime_seconds",
            low=1,
            high=86_400,
        ),
        "restricted_roles": bool(body.get("restricted_roles", True)),
        "items_page_size": integer(
            body.get("items_page_size", 100), "items_page_size", low=1, high=100
        ),
        "rates": rates,
    }


def _when(body: dict[str, Any], now: Any) -> Any:
    """An optional ``at`` (ISO): when Amazon recorded the change (default now).

    getOrders hides changes younger than two minutes; a test that wants to see one at once
    dates it a few minutes back.
    """
    return moment(body, "at") or now


def _view(order: AmazonOrder) -> dict[str, Any]:
    """Everything about an order, PII and private keys included (for assertions)."""
    return {
        "AmazonOrderId": order.order_id,
        "OrderStatus": order.status,
        "payload": copy.deepcopy(order.payload),
        "items": copy.deepcopy(order.items),
        "item_info": copy.deepcopy(order.item_info),
        "pending_until": order.pending_until.isoformat() if order.pending_until else None,
        "malformed": order.malformed,
        "shipments": copy.deepcopy(order.shipments),
    }


def _summary(seller: Seller) -> dict[str, Any]:
    statuses = Counter(order.status for order in seller.orders.values())
    operations = Counter(str(entry.get("operation")) for entry in seller.calls)
    per_order = {}
    for order_id, order in seller.orders.items():
        counts = seller.op_counts.get(order_id, Counter())
        per_order[order_id] = {
            "OrderStatus": order.status,
            "malformed": order.malformed,
            "confirm_calls": counts["confirm_calls"],
            "confirm_ok": counts["confirm_ok"],
            "items_calls": counts["getOrderItems_calls"],
            "buyer_info_calls": counts["getOrderItemsBuyerInfo_calls"],
        }
    return {
        "seller_id": seller.seller_id,
        "total_orders": len(seller.orders),
        "statuses": dict(sorted(statuses.items())),
        "calls": dict(sorted(operations.items())),
        "throttled": sum(1 for entry in seller.calls if entry.get("status") == 429),
        "orders": per_order,
    }
