"""The M&S supplier API endpoints the hub uses (see API.md).

Every real call goes through one gate, in this order: authentication (``x-api-key``), the
account's rate limit, then any injected fault. The call is then handled and appended to the
account's call log with its status. Bodies and keys are never logged.
"""

from __future__ import annotations

import time

from flask import Blueprint, Response, g, jsonify, request

from sandbox.faults import cut_body, inject
from sandbox.httputil import path_from
from sandbox.ratelimit import retry_after_header
from sandbox.timeutil import to_iso

from . import orders
from .errors import MSError, error_response
from .store import MarksSpencerStore, Supplier

API_PREFIX = "/v1/"


def create_api_blueprint(store: MarksSpencerStore) -> Blueprint:
    """Blueprint of the real endpoints, bound to one store."""
    bp = Blueprint("api", __name__)

    @bp.before_request
    def gate() -> Response | None:
        return _gate(store)

    @bp.after_request
    def record(response: Response) -> Response:
        cut_body(response, g.get("ms_fault"))
        _log_call(store, response.status_code)
        return response

    @bp.errorhandler(MSError)
    def ms_error(error: MSError) -> Response:
        return error_response(error.status, error.message, error.code, error.field)

    @bp.get("/v1/orders")
    def list_orders() -> Response:
        query = orders.parse_query(request.args)
        with store.lock:
            body = orders.select(g.ms_supplier, query)
        return jsonify(body)

    @bp.get("/v1/orders/<number>")
    def one_order(number: str) -> Response:
        with store.lock:
            return jsonify(orders.find(g.ms_supplier, number).payload)

    @bp.post("/v1/orders/<number>/dispatch")
    def dispatch(number: str) -> Response:
        body = request.get_json(silent=True)
        supplier: Supplier = g.ms_supplier
        with store.lock:
            known = number in supplier.orders
            try:
                record = orders.dispatch(supplier, number, body, store.now())
            except MSError:
                if known:
                    supplier.count_operation(number, "dispatch", ok=False)
                raise
            supplier.count_operation(number, "dispatch", ok=True)
            return jsonify(record.payload)

    return bp


def _gate(store: MarksSpencerStore) -> Response | None:
    """Authentication, then the account's rate limit, then any injected fault."""
    g.ms_started = time.monotonic()
    g.ms_fault = None
    g.ms_supplier = None
    key = request.headers.get("x-api-key", "").strip()
    supplier = store.supplier_for_key(key) if key else None
    if supplier is None:
        return error_response(401, "missing or unknown x-api-key")
    g.ms_supplier = supplier
    if supplier.suspended:
        return error_response(403, "this supplier account is suspended; contact M&S "
                                   "supplier support", "ACCOUNT_SUSPENDED")
    if supplier.bucket is not None:
        wait_seconds = supplier.bucket.take()
        if wait_seconds > 0:
            return error_response(429, "rate limit exceeded",
                                  headers={"Retry-After": retry_after_header(wait_seconds)})
    g.ms_fault, answer = inject(
        supplier.faults, request.method, _api_path(),
        who=f"M&S sandbox supplier {supplier.code}", sleep=store.sleep, refuse=_refuse)
    return answer


def _refuse(status: int, message: str | None, headers: dict[str, str]) -> Response:
    return error_response(status, message, headers=headers)


def _api_path() -> str:
    """The path as the real API names it (without the sandbox's ``/marks_spencer`` prefix)."""
    return path_from(API_PREFIX)


def _operation(method: str, path: str) -> str:
    if path == "/v1/orders":
        return "list_orders"
    if method == "POST" and path.endswith("/dispatch"):
        return "dispatch"
    if path.startswith("/v1/orders/"):
        return "get_order"
    return "other"


def _log_call(store: MarksSpencerStore, status: int) -> None:
    path = _api_path()
    entry = {
        "time": to_iso(store.now()),
        "method": request.method,
        "path": path,
        "operation": _operation(request.method, path),
        "query": request.args.to_dict(flat=True),
        "status": status,
        "fault": g.get("ms_fault"),
        "authenticated": g.get("ms_supplier") is not None,
        "duration_ms": round((time.monotonic() - g.get("ms_started", time.monotonic()))
                             * 1000, 1),
    }
    store.log_call(g.get("ms_supplier"), entry)
