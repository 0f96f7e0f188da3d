"""The Mirakl seller API endpoints the hub uses (OR11, OR21, OR23, OR24, M11).

Every real call goes through one gate, in this order: authentication (``Authorization: <shop
API key>``, raw key, no ``Bearer``), the optional ``shop_id`` check, the shop's rate limit, then
any injected fault. The call is then handled and appended to the shop's call log with its
status. Bodies and keys are never logged.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from flask import Blueprint, Response, g, jsonify, request

from sandbox.faults import cut_body, inject
from sandbox.httputil import path_from
from sandbox.ratelimit import retry_after_header
from sandbox.timeutil import to_iso

from . import inbox, listing, orders
from .errors import MiraklError, error_response
from .store import MiraklStore, Shop

OPERATIONS = {
    ("GET", "/api/orders"): "OR11",
    ("PUT", "accept"): "OR21",
    ("PUT", "tracking"): "OR23",
    ("PUT", "ship"): "OR24",
    ("GET", "/api/inbox/threads"): "M11",
}


def create_api_blueprint(store: MiraklStore) -> Blueprint:
    """Blueprint of the real endpoints, bound to one store."""
    bp = Blueprint("api", __name__)

    @bp.before_request
    def gate() -> Response | None:
        g.mirakl_started = time.monotonic()
        g.mirakl_shop = None
        g.mirakl_fault = None
        shop, denied = _authenticate(store)
        g.mirakl_shop = shop
        if denied is not None:
            return denied
        assert shop is not None
        if shop.bucket is not None:
            wait_seconds = shop.bucket.take()
            if wait_seconds > 0:
                return error_response(429, "Too Many Requests",
                                      headers={"Retry-After": retry_after_header(wait_seconds)})
        g.mirakl_fault, answer = inject(
            shop.faults, request.method, _api_path(), who=f"Mirakl sandbox shop {shop.shop_id}",
            sleep=store.sleep, refuse=_refuse)
        return answer

    @bp.after_request
    def record(response: Response) -> Response:
        cut_body(response, g.get("mirakl_fault"))
        _log_call(store, response.status_code)
        return response

    @bp.errorhandler(MiraklError)
    def mirakl_error(error: MiraklError) -> Response:
        return error_response(error.status, error.message, error.code, error.field)

    @bp.get("/api/orders")
    def list_orders() -> Response:
        query = listing.parse_query(request.args)
        shop = g.mirakl_shop
        with store.lock:
            now = store.now()
            orders.settle_debits(shop, now)
            shop.read_at = max(shop.read_at, now)
            page, total = listing.select(shop, query)
        return jsonify({"orders": page, "total_count": total})

    @bp.put("/api/orders/<order_id>/accept")
    def accept(order_id: str) -> tuple[str, int]:
        body = request.get_json(silent=True)
        _operate(store, order_id, "accept",
                 lambda shop: orders.accept(shop, order_id, body, store.now()))
        return "", 204

    @bp.put("/api/orders/<order_id>/tracking")
    def tracking(order_id: str) -> tuple[str, int]:
        body = request.get_json(silent=True) if request.get_data() else {}
        if body is None:
            raise MiraklError(400, "Body must be JSON", "VALIDATION_ERROR")
        _operate(store, order_id, "tracking",
                 lambda shop: orders.set_tracking(shop, order_id, body, store.now()))
        return "", 204

    @bp.put("/api/orders/<order_id>/ship")
    def ship(order_id: str) -> tuple[str, int]:
        _operate(store, order_id, "ship", lambda shop: orders.ship(shop, order_id, store.now()))
        return "", 204

    @bp.get("/api/inbox/threads")
    def threads() -> Response:
        shop = g.mirakl_shop
        with store.lock:
            body = inbox.list_threads(shop, request.args)
        return jsonify(body)

    return bp


def _authenticate(store: MiraklStore) -> tuple[Shop | None, Response | None]:
    """Find the shop of the key; a ``shop_id`` the key cannot act for answers 403.

    401 means the key itself is missing or unknown. A valid key naming another shop is an
    authorisation failure (the user exists but has no access to that shop), hence 403, as for a
    Mirakl user that lacks the role on a shop.
    """
    key = request.headers.get("Authorization", "").strip()
    raw_shop_id = request.args.get("shop_id")
    shop_id: int | None = None
    if raw_shop_id:
        try:
            shop_id = int(raw_shop_id)
        except ValueError:
            return None, error_response(400, "shop_id must be an integer", "VALIDATION_ERROR",
                                        "shop_id")
    shop = store.shop_for_key(key) if key else None
    if shop is None:
        g.mirakl_log_shop = store.shop(shop_id) if shop_id is not None else None
        return None, error_response(401, "Unauthorized")
    if shop_id is not None and shop_id != shop.shop_id:
        return shop, error_response(403, f"Forbidden: this API key has no access to shop "
                                         f"{shop_id}")
    return shop, None


def _refuse(status: int, message: str | None, headers: dict[str, str]) -> Response:
    return error_response(status, message, headers=headers)


def _operate(store: MiraklStore, order_id: str, operation: str,
             action: Callable[[Shop], Any]) -> None:
    """Run one order operation under the lock and count it for the summary."""
    shop = g.mirakl_shop
    with store.lock:
        orders.settle_debits(shop, store.now())
        known = order_id in shop.orders
        try:
            action(shop)
        except MiraklError:
            if known:
                shop.count_operation(order_id, operation, ok=False)
            raise
        shop.count_operation(order_id, operation, ok=True)


def _api_path() -> str:
    """The path as the real API names it (without the sandbox's ``/mirakl`` prefix)."""
    return path_from("/api/")


def _operation(method: str, path: str) -> str | None:
    if (method, path) in OPERATIONS:
        return OPERATIONS[(method, path)]
    return OPERATIONS.get((method, path.rsplit("/", 1)[-1]))


def _log_call(store: MiraklStore, status: int) -> None:
    shop = g.get("mirakl_shop") or g.get("mirakl_log_shop")
    path = _api_path()
    entry = {
        "time": to_iso(store.now()),
        "method": request.method,
        "path": path,
        "operation": _operation(request.method, path),
        "query": request.args.to_dict(flat=True),
        "status": status,
        "fault": g.get("mirakl_fault"),
        "authenticated": g.get("mirakl_shop") is not None,
        "duration_ms": round((time.monotonic() - g.get("mirakl_started", time.monotonic()))
                             * 1000, 1),
    }
    store.log_call(shop, entry)
