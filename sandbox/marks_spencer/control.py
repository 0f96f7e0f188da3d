"""The sandbox control API under ``/marks_spencer/_sandbox/``: seed supplier accounts and
orders, inject faults, play the customer's part (cancel), and read back what a connector did.

Plain JSON, no authentication: it exists for tests and the demo. Errors answer
``{"error": "<what is wrong>"}`` (plus ``"code"`` for an M&S business rule) with 400/404/409.
"""

from __future__ import annotations

import copy
import logging
from collections import Counter
from typing import Any

from flask import Blueprint, Response, jsonify, request

from sandbox.faults import parse_fault
from sandbox.timeutil import parse_iso

from . import generator, orders
from .errors import MSError
from .store import DEFAULT_RATE_LIMIT, MarksSpencerStore, Supplier

logger = logging.getLogger(__name__)

MAX_GENERATED = 50_000


class ControlError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def create_control_blueprint(store: MarksSpencerStore) -> Blueprint:
    """Blueprint of the control endpoints, bound to one store."""
    bp = Blueprint("control", __name__)

    @bp.errorhandler(ControlError)
    def control_error(error: ControlError) -> tuple[Response, int]:
        return jsonify({"error": error.message}), error.status

    @bp.errorhandler(MSError)
    def ms_error(error: MSError) -> tuple[Response, int]:
        return jsonify({"error": error.message, "code": error.code}), error.status

    @bp.post("/reset")
    def reset() -> tuple[str, int]:
        store.reset()
        return "", 204

    _supplier_routes(bp, store)
    _order_routes(bp, store)
    _readback_routes(bp, store)
    _fault_routes(bp, store)
    return bp


def _supplier_routes(bp: Blueprint, store: MarksSpencerStore) -> None:
    @bp.post("/suppliers")
    def upsert_supplier() -> tuple[Response, int]:
        body = _body()
        code = _text(body.get("supplier_code"), "supplier_code")
        api_key = _text(body.get("api_key"), "api_key")
        suspended = body.get("suspended", False)
        if not isinstance(suspended, bool):
            raise ControlError(400, "suspended must be true or false")
        rate_limit = _rate_limit(body["rate_limit"]) if "rate_limit" in body \
            else DEFAULT_RATE_LIMIT
        try:
            supplier, created = store.upsert_supplier(
                code, api_key, name=body.get("name"), suspended=suspended, rate_limit=rate_limit)
        except ValueError as exc:
            raise ControlError(409, str(exc)) from None
        # 201 on every call: the call is idempotent, "created" tells the two cases apart.
        return jsonify({**supplier.settings(), "created": created}), 201

    @bp.get("/suppliers")
    def list_suppliers() -> Response:
        return jsonify({"suppliers": [s.settings() for s in store.suppliers()]})

    @bp.get("/suppliers/<code>")
    def get_supplier(code: str) -> Response:
        return jsonify(_supplier(store, code).settings())


def _order_routes(bp: Blueprint, store: MarksSpencerStore) -> None:
    @bp.post("/suppliers/<code>/orders")
    def create_orders(code: str) -> tuple[Response, int]:
        supplier = _supplier(store, code)
        body = _body()
        seed = _int(body["seed"], "seed") if body.get("seed") is not None else None
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
        supplier = _supplier(store, code)
        status = request.args.get("status")
        with store.lock:
            payload = [copy.deepcopy(r.payload) for r in supplier.orders.values()
                       if status is None or r.status == status]
        return jsonify({"orders": payload, "total_count": len(payload)})

    @bp.get("/suppliers/<code>/orders/<number>")
    def one_order(code: str, number: str) -> Response:
        supplier = _supplier(store, code)
        with store.lock:
            return jsonify(copy.deepcopy(orders.find(supplier, number).payload))

    @bp.post("/suppliers/<code>/orders/<number>/cancel")
    def cancel(code: str, number: str) -> Response:
        supplier = _supplier(store, code)
        reason = _body(optional=True).get("reason")
        with store.lock:
            record = orders.cancel(supplier, number, reason, store.now())
            return jsonify(copy.deepcopy(record.payload))


def _readback_routes(bp: Blueprint, store: MarksSpencerStore) -> None:
    @bp.get("/suppliers/<code>/calls")
    def calls(code: str) -> Response:
        supplier = _supplier(store, code)
        wanted = {key: request.args[key] for key in ("operation", "method", "path")
                  if request.args.get(key)}
        with store.lock:
            entries = [dict(entry) for entry in supplier.calls
                       if all(str(entry.get(k)) == v for k, v in wanted.items())]
        return jsonify({"calls": entries, "total_count": len(entries)})

    @bp.get("/calls")
    def unattributed_calls() -> Response:
        with store.lock:
            entries = [dict(entry) for entry in store.unattributed_calls]
        return jsonify({"calls": entries, "total_count": len(entries)})

    @bp.get("/suppliers/<code>/summary")
    def summary(code: str) -> Response:
        supplier = _supplier(store, code)
        with store.lock:
            return jsonify(_summary(supplier))


def _fault_routes(bp: Blueprint, store: MarksSpencerStore) -> None:
    @bp.post("/suppliers/<code>/faults")
    def add_fault(code: str) -> tuple[Response, int]:
        supplier = _supplier(store, code)
        try:
            fault = parse_fault(request.get_json(silent=True))
        except ValueError as exc:
            raise ControlError(400, str(exc)) from None
        supplier.faults.add(fault)
        return jsonify(fault.as_dict()), 201

    @bp.get("/suppliers/<code>/faults")
    def list_faults(code: str) -> Response:
        return jsonify({"faults": _supplier(store, code).faults.as_list()})

    @bp.delete("/suppliers/<code>/faults")
    def clear_faults(code: str) -> Response:
        return jsonify({"cleared": _supplier(store, code).faults.clear()})


def _generate(supplier: Supplier, body: dict[str, Any], seed: int | None, now: Any) -> dict:
    count = _int(body.get("count", 0), "count", low=0, high=MAX_GENERATED)
    malformed = _int(body.get("malformed", 0), "malformed", low=0, high=MAX_GENERATED)
    start = None
    if body.get("start"):
        try:
            start = parse_iso(str(body["start"]))
        except ValueError:
            raise ControlError(400, "start must be an ISO-8601 date-time") from None
    return generator.generate(supplier, count=count, malformed=malformed, seed=seed,
                              start=start, now=now)


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


def _supplier(store: MarksSpencerStore, code: str) -> Supplier:
    supplier = store.supplier(code)
    if supplier is None:
        raise ControlError(404, f"supplier {code} does not exist; POST "
                                "/marks_spencer/_sandbox/suppliers")
    return supplier


def _body(optional: bool = False) -> dict[str, Any]:
    body = request.get_json(silent=True)
    if body is None and (optional or not request.get_data()):
        return {}
    if not isinstance(body, dict):
        raise ControlError(400, "body must be a JSON object")
    return body


def _text(value: Any, name: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ControlError(400, f"{name} must be a non-empty string")
    return value.strip()


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
