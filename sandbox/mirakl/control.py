"""The sandbox control API under ``/mirakl/_sandbox/``: seed shops and orders, inject faults,
play the operator's or customer's part, and read back what a connector did.

The routes every simulator has (reset, shops, calls, summary, faults) come from
``sandbox/control.py``. Errors answer ``{"error": "<what is wrong>"}`` (plus ``"code"`` for a
Mirakl business rule) with 400/404/409.
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
    flag,
    handle_refusals,
    integer,
    json_body,
    moment,
    rate_limit,
    seed_of,
    text,
)

from . import explicit, generator, orders
from .errors import MiraklError
from .store import MiraklStore, Shop

logger = logging.getLogger(__name__)

MAX_GENERATED = 50_000
# Summary names of the logged operations, matching the per-order ``accept_calls`` etc.
CALL_NAMES = {"OR11": "list_orders", "OR21": "accept", "OR23": "tracking", "OR24": "ship",
              "M11": "threads"}


def create_control_blueprint(store: MiraklStore) -> Blueprint:
    """Blueprint of the control endpoints, bound to one store."""
    bp = Blueprint("control", __name__)
    shops = Accounts(store, "shops", "shop {key} does not exist; POST /mirakl/_sandbox/shops",
                     converter="int:")

    def summary(shop: Shop) -> dict[str, Any]:
        orders.settle_debits(shop, store.now())
        return _summary(shop)

    add_common_routes(bp, shops, call_filters=("operation", "method", "path"), summary=summary,
                      unattributed=True)
    handle_refusals(bp, MiraklError)

    @bp.post("/shops")
    def upsert_shop() -> tuple[Response, int]:
        body = json_body()
        shop_id = integer(body.get("shop_id"), "shop_id", low=1)
        api_key = text(body.get("api_key"), "api_key")
        delay = body.get("debit_delay_seconds", 0)
        if delay is not None and (isinstance(delay, bool) or not isinstance(delay, int | float)
                                  or delay < 0):
            raise ControlError(400, "debit_delay_seconds must be a number >= 0, or null "
                                    "(never debit by itself)")
        partial = flag(body.get("partial_acceptance", True), "partial_acceptance")
        try:
            shop, created = store.upsert_shop(
                shop_id, api_key, name=body.get("name"), debit_delay_seconds=delay,
                partial_acceptance=partial, rate_limit=rate_limit(body.get("rate_limit")))
        except ValueError as exc:
            raise ControlError(409, str(exc)) from None
        # 201 on every call: the call is idempotent, "created" tells the two cases apart.
        return jsonify({**shop.settings(), "created": created}), 201

    @bp.post("/shops/<int:shop_id>/orders")
    def create_orders(shop_id: int) -> tuple[Response, int]:
        shop = shops.get(shop_id)
        body = json_body()
        seed = seed_of(body)
        result: dict[str, list[str]] = {"created": [], "malformed": []}
        with store.lock:
            now = store.now()
            orders.settle_debits(shop, now)
            try:
                if body.get("count") or body.get("malformed"):
                    result = _generate(shop, body, seed, now)
                if body.get("orders") is not None:
                    if not isinstance(body["orders"], list):
                        raise ControlError(400, "orders must be a list of objects")
                    result["created"] += explicit.create_explicit(shop, body["orders"],
                                                                  seed=seed, now=now)
            except ValueError as exc:
                raise ControlError(400, str(exc)) from None
        logger.info("Mirakl sandbox shop %s: %d orders created, %d malformed", shop_id,
                    len(result["created"]), len(result["malformed"]))
        return jsonify(result), 201

    @bp.get("/shops/<int:shop_id>/orders")
    def all_orders(shop_id: int) -> Response:
        shop = shops.get(shop_id)
        state = request.args.get("state")
        with store.lock:
            orders.settle_debits(shop, store.now())
            records = [r for r in shop.orders.values() if state is None or r.state == state]
            payload = [copy.deepcopy(record.payload) for record in records]
        return jsonify({"orders": payload, "total_count": len(payload)})

    @bp.get("/shops/<int:shop_id>/orders/<order_id>")
    def one_order(shop_id: int, order_id: str) -> Response:
        shop = shops.get(shop_id)
        with store.lock:
            orders.settle_debits(shop, store.now())
            return jsonify(copy.deepcopy(orders.find(shop, order_id).payload))

    @bp.post("/shops/<int:shop_id>/orders/<order_id>/cancel")
    def cancel(shop_id: int, order_id: str) -> Response:
        shop = shops.get(shop_id)
        body = json_body(optional=True)
        with store.lock:
            now = store.now()
            orders.settle_debits(shop, now)
            record = orders.cancel(shop, order_id, now, body.get("reason_code"),
                                   body.get("reason_label"))
            return jsonify(copy.deepcopy(record.payload))

    @bp.post("/shops/<int:shop_id>/advance")
    def advance(shop_id: int) -> Response:
        shop = shops.get(shop_id)
        body = json_body(optional=True)
        order_ids = body.get("order_ids")
        if order_ids is not None and (not isinstance(order_ids, list)
                                      or not all(isinstance(i, str) for i in order_ids)):
            raise ControlError(400, "order_ids must be a list of order ids, or null for all")
        with store.lock:
            now = store.now()
            orders.settle_debits(shop, now)
            try:
                result = orders.advance(shop, order_ids, body.get("state", "SHIPPING"), now)
            except ValueError as exc:
                raise ControlError(400, str(exc)) from None
        return jsonify(result)

    return bp


def _generate(shop: Shop, body: dict[str, Any], seed: int | None, now: Any) -> dict:
    count = integer(body.get("count", 0), "count", low=0, high=MAX_GENERATED)
    malformed = integer(body.get("malformed", 0), "malformed", low=0, high=MAX_GENERATED)
    with_messages = integer(body.get("with_messages", 0), "with_messages", low=0, high=count)
    state = body.get("state", "WAITING_ACCEPTANCE")
    malformed_state = body.get("malformed_state", "SHIPPING")
    for name, value in (("state", state), ("malformed_state", malformed_state)):
        if value not in generator.INITIAL_STATES:
            raise ControlError(400, f"{name} must be one of {', '.join(generator.INITIAL_STATES)}")
    return generator.generate(shop, count=count, seed=seed, with_messages=with_messages,
                              malformed=malformed, start=moment(body, "start"), now=now,
                              state=state, malformed_state=malformed_state)


def _summary(shop: Shop) -> dict[str, Any]:
    states = Counter(record.state for record in shop.orders.values())
    operations = Counter(CALL_NAMES.get(entry.get("operation"), "other") for entry in shop.calls)
    per_order = {}
    for order_id, record in shop.orders.items():
        counts = shop.op_counts.get(order_id, Counter())
        per_order[order_id] = {"order_state": record.state, "malformed": record.malformed}
        for operation in ("accept", "tracking", "ship"):
            per_order[order_id][f"{operation}_calls"] = counts[f"{operation}_calls"]
            per_order[order_id][f"{operation}_ok"] = counts[f"{operation}_ok"]
    return {
        "shop_id": shop.shop_id,
        "total_orders": len(shop.orders),
        "states": dict(sorted(states.items())),
        "calls": dict(sorted(operations.items())),
        "orders": per_order,
    }
