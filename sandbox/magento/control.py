"""The sandbox control API under ``/magento/_sandbox/``: create shops and their tokens, seed
products, orders and stock, play the merchant's part (pay, cancel, refund, hold, edit products),
inject faults, and read back what a connector did.

The routes every simulator has (reset, shops, calls, summary) come from ``sandbox/control.py``;
faults are Magento's own here, as they may wait for ``after`` matching calls before arming.
Errors answer ``{"error": "<what is wrong>"}`` with 400, 404 or 409.
"""

from __future__ import annotations

import copy
import logging
from collections import Counter
from datetime import datetime
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
)
from sandbox.faults import parse_fault

from . import catalog, generator, sales
from .errors import MagentoError
from .store import MagentoStore, Shop

logger = logging.getLogger(__name__)

MAX_PRODUCTS = 200_000
MAX_ORDERS = 20_000
ORDER_ACTIONS = {
    "pay": sales.pay,
    "cancel": sales.cancel,
    "refund": sales.refund,
    "hold": sales.hold,
}


def create_control_blueprint(store: MagentoStore) -> Blueprint:
    """Blueprint of the control endpoints, bound to one store."""
    bp = Blueprint("control", __name__)
    shops = Accounts(store, "shops", "shop {key!r} does not exist; POST /magento/_sandbox/shops")
    add_common_routes(bp, shops, call_filters=("operation", "method", "path", "status"),
                      summary=_summary, parse=None)
    handle_refusals(bp, MagentoError, code=False)
    _fault_routes(bp, shops)

    @bp.post("/shops")
    def upsert_shop() -> tuple[Response, int]:
        body = json_body()
        code = body.get("code")
        if not isinstance(code, str) or not code.isidentifier() or code.startswith("_"):
            raise ControlError(400, "code must be a name such as 'luma' (letters, digits, _)")
        tokens = body.get("tokens") or ([body["token"]] if body.get("token") else None)
        if not isinstance(tokens, list) or not all(isinstance(t, str) and t for t in tokens):
            raise ControlError(400, "token (or tokens, a list) must be non-empty strings")
        options = {
            "store_codes": tuple(_names(body.get("store_codes", ["default"]), "store_codes")),
            "sources": tuple(_names(body.get("sources", ["default"]), "sources")),
            "bearer_allowed": flag(body.get("bearer_allowed", True), "bearer_allowed"),
            "input_limits": flag(body.get("input_limits", True), "input_limits"),
            "clamp_pages": flag(body.get("clamp_pages", True), "clamp_pages"),
            "rate_limit": rate_limit(body.get("rate_limit")),
        }
        try:
            shop, created = store.upsert_shop(code, set(tokens), **options)
        except ValueError as exc:
            raise ControlError(409, str(exc)) from None
        return jsonify({**shop.settings(), "created": created}), 201

    @bp.post("/shops/<code>/products")
    def add_products(code: str) -> tuple[Response, int]:
        shop, body = shops.get(code), json_body()
        prefix = str(body.get("sku_prefix") or "MG")
        result: dict[str, list[Any]] = {"created": [], "malformed": []}
        with store.lock:
            now = store.now()
            count = integer(body.get("count", 0), "count", 0, MAX_PRODUCTS)
            malformed = integer(body.get("malformed", 0), "malformed", 0, 1000)
            if count or malformed:
                result = catalog.generate(
                    shop,
                    count=count,
                    seed=seed_of(body),
                    sku_prefix=prefix,
                    now=now,
                    start=moment(body, "start"),
                    with_images=flag(body.get("with_images", True), "with_images"),
                    malformed=malformed,
                )
            if body.get("products") is not None:
                if not isinstance(body["products"], list):
                    raise ControlError(400, "products must be a list of objects")
                try:
                    result["created"] += catalog.add_explicit(shop, body["products"], now, prefix)
                except ValueError as exc:
                    raise ControlError(400, str(exc)) from None
        logger.info(
            "Magento sandbox shop %s: %d products added",
            code,
            len(result["created"]) + len(result["malformed"]),
        )
        return jsonify(result), 201

    @bp.get("/shops/<code>/products")
    def list_products(code: str) -> Response:
        shop = shops.get(code)
        with store.lock:
            rows = [
                {
                    "id": r.id,
                    "sku": r.sku,
                    "name": r.name,
                    "type_id": r.type_id,
                    "price": r.price,
                    "updated_at": r.updated_at,
                    "images": r.images,
                    "parent_id": r.parent_id,
                    "malformed": bool(r.extra),
                }
                for r in shop.products
            ]
        return jsonify({"products": rows, "total_count": len(rows)})

    @bp.post("/shops/<code>/products/touch")
    def touch_products(code: str) -> Response:
        shop, body = shops.get(code), json_body(optional=True)
        with store.lock:
            rows = _select_products(shop, body)
            catalog.touch(
                shop,
                rows,
                store.now(),
                name_suffix=body.get("name_suffix"),
                price_delta=body.get("price_delta"),
            )
        return jsonify({"touched": len(rows)})

    @bp.post("/shops/<code>/orders")
    def add_orders(code: str) -> tuple[Response, int]:
        shop, body = shops.get(code), json_body()
        with store.lock:
            result = _generate_orders(shop, body, store.now())
        logger.info(
            "Magento sandbox shop %s: %d orders added", code, sum(len(v) for v in result.values())
        )
        return jsonify(result), 201

    @bp.get("/shops/<code>/orders")
    def all_orders(code: str) -> Response:
        shop = shops.get(code)
        state = request.args.get("state")
        with store.lock:
            payloads = [
                copy.deepcopy(r.payload)
                for r in shop.order_rows()
                if state is None or r.state == state
            ]
        return jsonify({"orders": payloads, "total_count": len(payloads)})

    @bp.get("/shops/<code>/orders/<int:order_id>")
    def one_order(code: str, order_id: int) -> Response:
        shop = shops.get(code)
        with store.lock:
            return jsonify(copy.deepcopy(sales.find(shop, order_id).payload))

    @bp.post("/shops/<code>/orders/<int:order_id>/<action>")
    def order_action(code: str, order_id: int, action: str) -> Response:
        shop = shops.get(code)
        if action not in ORDER_ACTIONS:
            raise ControlError(404, f"unknown action {action!r}: {', '.join(ORDER_ACTIONS)}")
        with store.lock:
            row = sales.find(shop, order_id)
            ORDER_ACTIONS[action](row, store.now())
            return jsonify(copy.deepcopy(row.payload))

    @bp.put("/shops/<code>/stock")
    def set_stock(code: str) -> Response:
        shop, body = shops.get(code), json_body()
        items = body.get("items")
        if not isinstance(items, list):
            raise ControlError(400, "items must be a list of {sku, quantity, source_code?}")
        with store.lock:
            for item in items:
                if (
                    not isinstance(item, dict)
                    or not isinstance(item.get("sku"), str)
                    or not isinstance(item.get("quantity"), int | float)
                ):
                    raise ControlError(400, "each item needs a sku and a numeric quantity")
                source = item.get("source_code") or shop.sources[0]
                if source not in shop.sources:
                    raise ControlError(400, f"no source {source!r} on this shop")
                shop.set_stock(item["sku"], source, float(item["quantity"]))
        return jsonify({"updated": len(items)})

    @bp.get("/shops/<code>/stock")
    def get_stock(code: str) -> Response:
        shop = shops.get(code)
        source = request.args.get("source_code") or shop.sources[0]
        with store.lock:
            rows = shop.stock.get(source, {})
            items = {sku: row.payload()["quantity"] for sku, row in rows.items()}
            writes = dict(shop.stock_writes)
        return jsonify({"source_code": source, "items": items, "writes": writes})

    return bp


def _fault_routes(bp: Blueprint, shops: Accounts) -> None:
    """Faults with ``after``: the first ``after`` matching calls go through, then it arms."""
    store = shops.store

    @bp.post("/shops/<code>/faults")
    def add_fault(code: str) -> tuple[Response, int]:
        shop, body = shops.get(code), json_body()
        after = integer(body.get("after", 0), "after", 0, 100_000)
        try:
            fault = parse_fault(body)
        except ValueError as exc:
            raise ControlError(400, str(exc)) from None
        if after:
            with store.lock:
                shop.delayed_faults.append([after, fault])
        else:
            shop.faults.add(fault)
        return jsonify({**fault.as_dict(), "after": after}), 201

    @bp.get("/shops/<code>/faults")
    def list_faults(code: str) -> Response:
        shop = shops.get(code)
        with store.lock:
            delayed = [{**fault.as_dict(), "after": left} for left, fault in shop.delayed_faults]
        return jsonify({"faults": shop.faults.as_list() + delayed})

    @bp.delete("/shops/<code>/faults")
    def clear_faults(code: str) -> Response:
        shop = shops.get(code)
        with store.lock:
            delayed = len(shop.delayed_faults)
            shop.delayed_faults.clear()
        return jsonify({"cleared": shop.faults.clear() + delayed})


def _generate_orders(shop: Shop, body: dict[str, Any], now: datetime) -> dict[str, list[int]]:
    state = body.get("state", "processing")
    if state not in generator.GENERATED_STATES:
        raise ControlError(400, f"state must be one of {', '.join(generator.GENERATED_STATES)}")
    counts = {
        name: integer(body.get(name, 0), name, 0, MAX_ORDERS)
        for name in ("count", "unpaid", "unknown_method", "malformed")
    }
    return generator.generate(
        shop, counts, state=state, seed=seed_of(body), start=moment(body, "start"), now=now
    )


def _summary(shop: Shop) -> dict[str, Any]:
    operations = Counter(str(entry.get("operation")) for entry in list(shop.calls))
    throttled = sum(1 for entry in list(shop.calls) if entry.get("status") == 429)
    per_order = {}
    for order_id, row in shop.orders.items():
        counts = shop.op_counts.get(order_id, Counter())
        shipments = (row.payload.get("extension_attributes") or {}).get("shipments") or []
        per_order[str(order_id)] = {
            "state": row.state,
            "kind": row.kind,
            "malformed": row.malformed,
            "ship_calls": counts["ship_calls"],
            "ship_ok": counts["ship_ok"],
            "tracks": [t for s in shipments for t in s["tracks"]],
        }
    return {
        "code": shop.code,
        "products": len(shop.products),
        "total_orders": len(shop.orders),
        "states": dict(sorted(Counter(r.state for r in shop.orders.values()).items())),
        "calls": dict(sorted(operations.items())),
        "throttled": throttled,
        "stock_writes": sum(shop.stock_writes.values()),
        "orders": per_order,
    }


def _select_products(shop: Shop, body: dict[str, Any]) -> list[Any]:
    if body.get("skus") is not None:
        return [shop.by_sku[s] for s in body["skus"] if s in shop.by_sku]
    if body.get("ids") is not None:
        return [row for i in body["ids"] if (row := shop.product(int(i))) is not None]
    return list(shop.products)


def _names(value: Any, name: str) -> list[str]:
    if (
        not isinstance(value, list)
        or not value
        or not all(isinstance(v, str) and v.isidentifier() for v in value)
    ):
        raise ControlError(400, f"{name} must be a non-empty list of codes")
    return value
