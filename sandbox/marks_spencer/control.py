"""The sandbox control API under ``/marks_spencer/_sandbox/``: seed supplier accounts and
orders, inject faults, play the customer's part (cancel), and read back what a connector did.

The routes every simulator has (reset, suppliers, calls, summary, faults) come from
``sandbox/control.py``. Errors answer ``{"error": "<what is wrong>"}`` (plus ``"code"`` for an
M&S business rule) with 400/404/409.
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

from . import generator, orders
from .errors import MSError
from .store import DEFAULT_RATE_LIMIT, MarksSpencerStore, Supplier

logger = logging.getLogger(__name__)

MAX_GENERATED = 50_000


def create_control_blueprint(store: MarksSpencerStore) -> Blueprint:
    """Blueprint of the control endpoints, bound to one store."""
    bp = Blueprint("control", __name__)
    suppliers = Accounts(store, "suppliers",
                         "supplier {key} does not exist; POST /marks_spencer/_sandbox/suppliers")
    add_common_routes(bp, suppliers, call_filters=("operation", "method", "path"),
                      summary=_summary, unattributed=True)
    handle_refusals(bp, MSError, status=lambda error: error.status)
    _supplier_routes(bp, store)
    _order_routes(bp, suppliers)
    return bp


def _supplier_routes(bp: Blueprint, store: MarksSpencerStore) -> None:
    @bp.post("/suppliers")
    def upsert_supplier() -> tuple[Response, int]:
        body = json_body()
        code = text(body.get("supplier_code"), "supplier_code")
        api_key = text(body.get("api_key"), "api_key")
        suspended = flag(body.get("suspended", False), "suspended")
        limit = rate_limit(body["rate_limit"]) if "rate_limit" in body else DEFAULT_RATE_LIMIT
        try:
            supplier, created = store.upsert_supplier(
                code, api_key, name=body.get("name"), suspended=suspended, rate_limit=limit)
        except ValueError as exc:
            raise ControlError(409, str(exc)) from None
        # 201 on every call: the call is idempotent, "created" tells the two cases apart.
        return jsonify({**supplier.settings(), "created": created}), 201


def _order_routes(bp: Blueprint, suppliers: Accounts) -> None:
    store = suppliers.store

    @bp.post("/suppliers/<code>/orders")
    def create_orders(code: str) -> tuple[Response, int]:
        supplier = suppliers.get(code)
        body = json_body()
        seed = seed_of(body)
        result: dict[str, list[str]] = {"created": [], "malformed": []}
        with store.lock:
            now = store.now()
            try:
                if body.get("count") or body.get("malformed"):
                    result = _generate(supplier, body, seed, now)
                if body.get("orders") is not None:
                    if not isinstance(body["orders"], list):
                        raise ControlError(400, "orders must be a list of objects")
                    result["created"] += generator.create_explicit(
                        supplier, body["orders"], seed=seed, now=now)
            except ValueError as exc:
                raise ControlError(400, str(exc)) from None
        logger.info("M&S sandbox supplier %s: %d orders created, %d malformed", code,
                    len(result["created"]), len(result["malformed"]))
        return jsonify(result), 201

    @bp.get("/suppliers/<code>/orders")
    def all_orders(code: str) -> Response:
        supplier = suppliers.get(code)
        status = request.args.get("status")
        with store.lock:
            payload = [copy.deepcopy(r.payload) for r in supplier.orders.values()
                       if status is None or r.status == status]
        return jsonify({"orders": payload, "total_count": len(payload)})

    @bp.get("/suppliers/<code>/orders/<number>")
    def one_order(code: str, number: str) -> Response:
        supplier = suppliers.get(code)
        with store.lock:
            return jsonify(copy.deepcopy(orders.find(supplier, number).payload))

    @bp.post("/suppliers/<code>/orders/<number>/cancel")
    def cancel(code: str, number: str) -> Response:
        supplier = suppliers.get(code)
        reason = json_body(optional=True).get("reason")
        with store.lock:
            record = orders.cancel(supplier, number, reason, store.now())
            return jsonify(copy.deepcopy(record.payload))


def _generate(supplier: Supplier, body: dict[str, Any], seed: int | None, now: Any) -> dict:
    count = integer(body.get("count", 0), "count", low=0, high=MAX_GENERATED)
    malformed = integer(body.get("malformed", 0), "malformed", low=0, high=MAX_GENERATED)
    return generator.generate(supplier, count=count, malformed=malformed, seed=seed,
                              start=moment(body, "start"), now=now)


def _summary(supplier: Supplier) -> dict[str, Any]:
    statuses = Counter(record.status for record in supplier.orders.values())
    operations = Counter(entry.get("operation") or "other" for entry in supplier.calls)
    per_order = {}
    for number, record in supplier.orders.items():
        counts = supplier.op_counts.get(number, Counter())
        per_order[number] = {
            "status": record.status,
            "malformed": record.malformed,
            "dispatch_calls": counts["dispatch_calls"],
            "dispatch_ok": counts["dispatch_ok"],
        }
    return {
        "supplier_code": supplier.code,
        "total_orders": len(supplier.orders),
        "statuses": dict(sorted(statuses.items())),
        "calls": dict(sorted(operations.items())),
        "orders": per_order,
    }
