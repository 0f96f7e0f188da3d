"""What the control API does to a shop's state, apart from the Flask routes."""

from __future__ import annotations

import copy
import random
from collections import Counter
from typing import Any

from sandbox.control import ControlError, integer

from . import data, order_generator, orders
from .bucket import PLANS
from .errors import BadParameter
from .formats import parse_time, render_time
from .generator import generate_products
from .store import Product, Shop, ShopifyStore


def bucket_of(values: dict[str, Any]) -> tuple[int, float] | None:
    """``plan`` (standard/advanced/plus), or ``bucket`` {size, leak_per_second}, or null."""
    if "bucket" in values:
        custom = values["bucket"]
        if custom is None:
            return None
        if not isinstance(custom, dict):
            raise ControlError(400, "bucket must be {\"size\": 40, \"leak_per_second\": 2}")
        size = integer(custom.get("size"), "bucket.size", 1, 10_000)
        leak = custom.get("leak_per_second")
        if isinstance(leak, bool) or not isinstance(leak, int | float) or leak <= 0:
            raise ControlError(400, "bucket.leak_per_second must be a number > 0")
        return size, float(leak)
    plan = values.get("plan", "standard")
    if plan not in PLANS:
        raise ControlError(400, f"plan must be one of {', '.join(PLANS)}")
    return PLANS[plan]


def _start(values: dict[str, Any]) -> int | None:
    if not values.get("start"):
        return None
    try:
        return parse_time("start", str(values["start"]), 0)
    except BadParameter:
        raise ControlError(400, "start must be an ISO-8601 date-time") from None


def seed_products(store: ShopifyStore, shop: Shop, values: dict[str, Any],
                  maximum: int) -> dict[str, list[int]]:
    count = integer(values.get("count", 0), "count", 0, maximum)
    without_sku = integer(values.get("without_sku", 0), "without_sku", 0, count)
    prefix = values.get("sku_prefix") or ""
    if not isinstance(prefix, str) or len(prefix) > 20:
        raise ControlError(400, "sku_prefix must be a short string")
    with store.lock:
        return generate_products(store, shop, count=count,
                                 seed=integer(values.get("seed", 1), "seed"), now=store.now(),
                                 start=_start(values), without_sku=without_sku,
                                 sku_prefix=prefix)


def compact_product(shop: Shop, product: Product) -> dict[str, Any]:
    location = shop.primary_location_id
    return {
        "id": product.id, "title": product.title, "status": product.status,
        "updated_at": render_time(product.updated, shop.offset_minutes),
        "images": [image.file_name for image in product.images],
        "variants": [{
            "id": v.id, "title": v.title, "sku": v.sku, "barcode": v.barcode, "price": v.price,
            "grams": v.grams, "inventory_item_id": v.inventory_item_id,
            "available": (shop.levels.get((v.inventory_item_id, location)) or [None])[0],
        } for v in product.variants],
    }


def explicit_orders(store: ShopifyStore, shop: Shop, partials: Any, seed: int,
                    now: int) -> list[int]:
    """Orders from partial payloads merged onto generated ones (see README.md)."""
    if not isinstance(partials, list) or not all(isinstance(p, dict) for p in partials):
        raise ControlError(400, "orders must be a list of objects")
    rng = random.Random(seed)
    made = []
    for partial in partials:
        rate = data.SHIPPING_RATES[0]
        order = order_generator.build_order(store, shop, rng, now - 60, rate)
        state = dict(partial)
        financial = state.pop("financial_status", "paid")
        if financial not in orders.FINANCIAL_STATUSES:
            raise ControlError(400, f"financial_status must be one of "
                                    f"{', '.join(orders.FINANCIAL_STATUSES)}")
        cancelled = bool(state.pop("cancelled", False))
        _merge_lines(store, order.payload, state.pop("line_items", None))
        order.payload.update(state)
        order.financial_status = financial
        shop.add_order(order)
        orders.open_fulfillment_order(store, shop, order)
        if cancelled:
            orders.cancel(order, "customer", now)
        made.append(order.id)
    return made


def _merge_lines(store: ShopifyStore, payload: dict[str, Any], partial_lines: Any) -> None:
    if partial_lines is None:
        return
    if not isinstance(partial_lines, list):
        payload["line_items"] = partial_lines  # deliberately broken, as asked
        return
    generated = payload["line_items"]
    merged = []
    for index, partial in enumerate(partial_lines):
        line = copy.deepcopy(generated[index % len(generated)])
        line_id = store.next_id("line_item")
        line.update(id=line_id, admin_graphql_api_id=f"gid://shopify/LineItem/{line_id}")
        if isinstance(partial, dict):
            line.update(partial)
            if isinstance(line.get("quantity"), int) and "fulfillable_quantity" not in partial:
                line["fulfillable_quantity"] = line["current_quantity"] = line["quantity"]
        merged.append(line)
    payload["line_items"] = merged


def set_stock(shop: Shop, values: dict[str, Any], now: int) -> int:
    """``{"levels": [{"sku" or "inventory_item_id", "available", "location_id"?}], "all": n}``."""
    location = values.get("location_id", shop.primary_location_id)
    if location not in shop.locations:
        raise ControlError(404, f"shop {shop.handle} has no location {location}")
    updated = 0
    if values.get("all") is not None:
        quantity = integer(values["all"], "all")
        for item_id in shop.item_ids:
            shop.levels[(item_id, location)] = [quantity, now]
            updated += 1
    by_sku = {v.sku: v.inventory_item_id for v in shop.items.values() if v.sku}
    for entry in values.get("levels") or []:
        item_id = entry.get("inventory_item_id") or by_sku.get(entry.get("sku"))
        if item_id not in shop.items:
            raise ControlError(404, f"no variant for {entry!r}")
        where = entry.get("location_id", location)
        shop.levels[(item_id, where)] = [integer(entry.get("available"), "available"), now]
        updated += 1
    return updated


def stock_of(shop: Shop, location: int) -> dict[str, int]:
    return {variant.sku or f"item:{item_id}": shop.levels[(item_id, location)][0]
            for item_id, variant in shop.items.items() if (item_id, location) in shop.levels}


def summary(shop: Shop) -> dict[str, Any]:
    """Counts a test asserts on: calls per operation, throttling, writes, fulfillments."""
    writes = Counter(entry["operation"] for entry in shop.calls
                     if entry["method"] != "GET" and entry["status"] < 300)
    return {
        "shop": shop.handle,
        "products": len(shop.products),
        "variants": len(shop.items),
        "orders": {
            "total": len(shop.orders),
            "financial_status": dict(Counter(o.financial_status for o in shop.orders.values())),
            "fulfillment_status": dict(Counter(str(o.fulfillment_status)
                                               for o in shop.orders.values())),
            "cancelled": sum(1 for o in shop.orders.values() if o.cancelled_at is not None),
        },
        "calls": dict(sorted(shop.operations.items())),
        "writes": dict(sorted(writes.items())),
        "throttled": sum(1 for entry in shop.calls if entry["status"] == 429
                         and not entry.get("fault")),
        "bucket": shop.bucket.state() if shop.bucket else None,
        "fulfillments": {
            str(order.id): [{"id": f["id"], "tracking_company": f["tracking_company"],
                             "tracking_number": f["tracking_number"],
                             "lines": sum(line["quantity"] for line in f["line_items"])}
                            for f in order.fulfillments]
            for order in shop.orders.values() if order.fulfillments
        },
    }
