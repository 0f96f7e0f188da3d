"""The sandbox control API under ``/mirakl/_sandbox/``: seed shops and orders, inject faults,
play the operator's or customer's part, and read back what a connector did.

Plain JSON, no authentication: it exists for tests and the demo. Errors answer
``{"error": "<what is wrong>"}`` (plus ``"code"`` for a Mirakl business rule) with 400/404/409.
"""

from __future__ import annotations

import copy
import logging
from collections import Counter
from typing import Any

from flask import Blueprint, Response, jsonify, request

from sandbox.faults import parse_fault
from sandbox.timeutil import parse_iso

from . import explicit, generator, orders
from .errors import MiraklError
from .store import MiraklStore, Shop

logger = logging.getLogger(__name__)

MAX_GENERATED = 50_000
# Summary names of the logged operations, matching the per-order ``accept_calls`` etc.
CALL_NAMES = {"OR11": "list_orders", "OR21": "accept", "OR23": "tracking", "OR24": "ship",
              "M11": "threads"}


class ControlError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def create_control_blueprint(store: MiraklStore) -> Blueprint:
    """Blueprint of the control endpoints, bound to one store."""
    bp = Blueprint("control", __name__)

    @bp.errorhandler(ControlError)
    def control_error(error: ControlError) -> tuple[Response, int]:
        return jsonify({"error": error.message}), error.status

    @bp.errorhandler(MiraklError)
    def mirakl_error(error: MiraklError) -> tuple[Response, int]:
        status = 404 if error.status == 404 else 409
        return jsonify({"error": error.message, "code": error.code}), status

    @bp.post("/reset")
    def reset() -> tuple[str, int]:
        store.reset()
        return "", 204

    @bp.post("/shops")
    def upsert_shop() -> tuple[Response, int]:
        body = _body()
        shop_id = _int(body.get("shop_id"), "shop_id", low=1)
        api_key = body.get("api_key")
        if not isinstance(api_key, str) or not api_key.strip():
            raise ControlError(400, "api_key must be a non-empty string")
        delay = body.get("debit_delay_seconds", 0)
        if delay is not None and (isinstance(delay, bool) or not isinstance(delay, int | float)
                                  or delay < 0):
            raise ControlError(400, "debit_delay_seconds must be a number >= 0, or null "
                                    "(never debit by itself)")
        partial = body.get("partial_acceptance", True)
        if not isinstance(partial, bool):
            raise ControlError(400, "partial_acceptance must be true or false")
        try:
            shop, created = store.upsert_shop(
                shop_id, api_key.strip(), name=body.get("name"), debit_delay_seconds=delay,
                partial_acceptance=partial, rate_limit=_rate_limit(body.get("rate_limit")))
        except ValueError as exc:
            raise ControlError(409, str(exc)) from None
        # 201 on every call: the call is idempotent, "created" tells the two cases apart.
        return jsonify({**shop.settings(), "created": created}), 201

    @bp.get("/shops")
    def list_shops() -> Response:
        return jsonify({"shops": [shop.settings() for shop in store.shops()]})

    @bp.get("/shops/<int:shop_id>")
    def get_shop(shop_id: int) -> Response:
        return jsonify(_shop(store, shop_id).settings())

    @bp.post("/shops/<int:shop_id>/orders")
    def create_orders(shop_id: int) -> tuple[Response, int]:
        shop = _shop(store, shop_id)
        body = _body()
        seed = body.get("seed")
        if seed is not None:
            seed = _int(seed, "seed")
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
        shop = _shop(store, shop_id)
        state = request.args.get("state")
        with store.lock:
            orders.settle_debits(shop, store.now())
            records = [r for r in shop.orders.values() if state is None or r.state == state]
            payload = [copy.deepcopy(record.payload) for record in records]
        return jsonify({"orders": payload, "total_count": len(payload)})

    @bp.get("/shops/<int:shop_id>/orders/<order_id>")
    def one_order(shop_id: int, order_id: str) -> Response:
        shop = _shop(store, shop_id)
        with store.lock:
            orders.settle_debits(shop, store.now())
            return jsonify(copy.deepcopy(orders.find(shop, order_id).payload))

    @bp.post("/shops/<int:shop_id>/orders/<order_id>/cancel")
    def cancel(shop_id: int, order_id: str) -> Response:
        shop = _shop(store, shop_id)
        body = _body(optional=True)
        with store.lock:
            now = store.now()
            orders.settle_debits(shop, now)
            record = orders.cancel(shop, order_id, now, body.get("reason_code"),
                                   body.get("reason_label"))
            return jsonify(copy.deepcopy(record.payload))

    @bp.post("/shops/<int:shop_id>/advance")
    def advance(shop_id: int) -> Response:
        shop = _shop(store, shop_id)
        body = _body(optional=True)
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

    @bp.get("/shops/<int:shop_id>/calls")
    def calls(shop_id: int) -> Response:
        shop = _shop(store, shop_id)
        wanted = {key: request.args[key] for key in ("operation", "method", "path")
                  if request.args.get(key)}
        with store.lock:
            entries = [dict(entry) for entry in shop.calls
                       if all(str(entry.get(k)) == v for k, v in wanted.items())]
        return jsonify({"calls": entries, "total_count": len(entries)})

    @bp.get("/calls")
    def unattributed_calls() -> Response:
        with store.lock:
            entries = [dict(entry) for entry in store.unattributed_calls]
        return jsonify({"calls": entries, "total_count": len(entries)})

    @bp.get("/shops/<int:shop_id>/summary")
    def summary(shop_id: int) -> Response:
        shop = _shop(store, shop_id)
        with store.lock:
            orders.settle_debits(shop, store.now())
            return jsonify(_summary(shop))

    @bp.post("/shops/<int:shop_id>/faults")
    def add_fault(shop_id: int) -> tuple[Response, int]:
        shop = _shop(store, shop_id)
        try:
            fault = parse_fault(request.get_json(silent=True))
        except ValueError as exc:
            raise ControlError(400, str(exc)) from None
        shop.faults.add(fault)
        return jsonify(fault.as_dict()), 201

    @bp.get("/shops/<int:shop_id>/faults")
    def list_faults(shop_id: int) -> Response:
        return jsonify({"faults": _shop(store, shop_id).faults.as_list()})

    @bp.delete("/shops/<int:shop_id>/faults")
    def clear_faults(shop_id: int) -> Response:
        return jsonify({"cleared": _shop(store, shop_id).faults.clear()})

    return bp


def _generate(shop: Shop, body: dict[str, Any], seed: int | None, now: Any) -> dict:
    count = _int(body.get("count", 0), "count", low=0, high=MAX_GENERATED)
    malformed = _int(body.get("malformed", 0), "malformed", low=0, high=MAX_GENERATED)
    with_messages = _int(body.get("with_messages", 0), "with_messages", low=0, high=count)
    state = body.get("state", "WAITING_ACCEPTANCE")
    malformed_state = body.get("malformed_state", "SHIPPING")
    for name, value in (("state", state), ("malformed_state", malformed_state)):
        if value not in generator.INITIAL_STATES:
            raise ControlError(400, f"{name} must be one of {', '.join(generator.INITIAL_STATES)}")
    start = None
    if body.get("start"):
        try:
            start = parse_iso(str(body["start"]))
        except ValueError:
            raise ControlError(400, "start must be an ISO-8601 date-time") from None
    return generator.generate(shop, count=count, seed=seed, with_messages=with_messages,
                              malformed=malformed, start=start, now=now, state=state,
                              malformed_state=malformed_state)


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


def _shop(store: MiraklStore, shop_id: int) -> Shop:
    shop = store.shop(shop_id)
    if shop is None:
        raise ControlError(404, f"shop {shop_id} does not exist; POST /mirakl/_sandbox/shops")
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
    if low is not None and value < low:
        raise ControlError(400, f"{name} must be >= {low}")
    if high is not None and value > high:
        raise ControlError(400, f"{name} must be <= {high}")
    return value


def _rate_limit(value: Any) -> dict[str, Any] | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        raise ControlError(400, "rate_limit must be {\"rate_per_second\": n, \"burst\": n} or null")
    rate, burst = value.get("rate_per_second"), value.get("burst", 1)
    if isinstance(rate, bool) or not isinstance(rate, int | float) or rate <= 0:
        raise ControlError(400, "rate_limit.rate_per_second must be a number > 0")
    return {"rate_per_second": rate, "burst": _int(burst, "rate_limit.burst", low=1)}
