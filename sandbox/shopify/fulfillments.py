"""``POST /fulfillments.json``: fulfil fulfillment-order lines with tracking information.

Rules enforced as Shopify does: every fulfillment order named must exist and belong to the
same order, be ``open`` or ``in_progress``, and each line quantity must not exceed what is
left to fulfil. Omitting ``fulfillment_order_line_items`` fulfils the whole fulfillment order.
"""

from __future__ import annotations

from typing import Any

from .errors import ShopifyError
from .formats import render_time
from .orders import FULFILLABLE, TRACKING_URLS
from .store import OrderState, Shop, ShopifyStore


def _requested(shop: Shop, body: Any) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    fulfillment = body.get("fulfillment") if isinstance(body, dict) else None
    if not isinstance(fulfillment, dict):
        raise ShopifyError(400, {"fulfillment": "Required parameter missing or invalid"})
    groups = fulfillment.get("line_items_by_fulfillment_order")
    if not isinstance(groups, list) or not groups or not all(isinstance(g, dict) for g in groups):
        raise ShopifyError(422, {"line_items_by_fulfillment_order": ["can't be blank"]})
    return fulfillment, groups


def _lines_to_fulfil(order: OrderState, group: dict[str, Any]) -> list[tuple[dict, int]]:
    fo_id = group.get("fulfillment_order_id")
    fulfillment_order = next((fo for fo in order.fulfillment_orders if fo["id"] == fo_id), None)
    if fulfillment_order is None:
        raise ShopifyError(404, "Not Found")
    if fulfillment_order["status"] not in FULFILLABLE:
        raise ShopifyError(422, [f"Fulfillment order {fo_id} has an unfulfillable status= "
                                 f"{fulfillment_order['status']}."])
    wanted = group.get("fulfillment_order_line_items")
    lines = {line["id"]: line for line in fulfillment_order["line_items"]}
    if wanted is None:
        return [(line, line["fulfillable_quantity"]) for line in lines.values()
                if line["fulfillable_quantity"] > 0]
    chosen = []
    for item in wanted if isinstance(wanted, list) else [None]:
        line = lines.get(item.get("id")) if isinstance(item, dict) else None
        quantity = item.get("quantity") if isinstance(item, dict) else None
        if line is None or not isinstance(quantity, int) or quantity < 1:
            raise ShopifyError(422, ["Invalid fulfillment order line item"])
        if quantity > line["fulfillable_quantity"]:
            raise ShopifyError(422, [f"Invalid fulfillment order line item quantity requested "
                                     f"for line item {line['id']}"])
        chosen.append((line, quantity))
    return chosen


def create(store: ShopifyStore, shop: Shop, body: Any, now: int) -> dict[str, Any]:
    """Validate everything first, then apply: a refused request changes nothing."""
    fulfillment, groups = _requested(shop, body)
    owners = {shop.fulfillment_order_owners.get(g.get("fulfillment_order_id")) for g in groups}
    if None in owners:
        raise ShopifyError(404, "Not Found")
    if len(owners) != 1:
        raise ShopifyError(422, ["All fulfillment orders must belong to the same order"])
    order = shop.orders[owners.pop()]
    if order.cancelled_at is not None:
        raise ShopifyError(422, ["Order is cancelled"])
    picked = [pair for group in groups for pair in _lines_to_fulfil(order, group)]
    if not picked:
        raise ShopifyError(422, ["Nothing left to fulfill"])
    for line, quantity in picked:
        line["fulfillable_quantity"] -= quantity
    record = _record(store, shop, order, fulfillment.get("tracking_info") or {}, picked, now)
    _settle(order, picked, now)
    order.fulfillments.append(record)
    return record


def _record(store: ShopifyStore, shop: Shop, order: OrderState, tracking: Any,
            picked: list[tuple[dict, int]], now: int) -> dict[str, Any]:
    tracking = tracking if isinstance(tracking, dict) else {}
    number = tracking.get("number")
    company = tracking.get("company")
    url = tracking.get("url")
    if number and not url and company and company.lower() in TRACKING_URLS:
        url = TRACKING_URLS[company.lower()].format(number)
    by_line = {line["line_item_id"]: quantity for line, quantity in picked}
    fulfillment_id = store.next_id("fulfillment")
    when = render_time(now, shop.offset_minutes)
    return {
        "id": fulfillment_id, "order_id": order.id, "status": "success", "created_at": when,
        "service": "manual", "updated_at": when, "tracking_company": company,
        "shipment_status": None, "location_id": shop.primary_location_id,
        "origin_address": None,
        "line_items": [{**{k: v for k, v in line.items() if k != "fulfillable_quantity"},
                        "quantity": by_line[line["id"]]}
                       for line in order.payload.get("line_items") or []
                       if isinstance(line, dict) and line.get("id") in by_line],
        "tracking_number": number, "tracking_numbers": [number] if number else [],
        "tracking_url": url, "tracking_urls": [url] if url else [],
        "receipt": {}, "name": f"{order.payload.get('name')}.{len(order.fulfillments) + 1}",
        "admin_graphql_api_id": f"gid://shopify/Fulfillment/{fulfillment_id}",
    }


def _settle(order: OrderState, picked: list[tuple[dict, int]], now: int) -> None:
    """Move fulfillment-order, line and order statuses after a fulfillment."""
    by_line = {line["line_item_id"]: quantity for line, quantity in picked}
    for fulfillment_order in order.fulfillment_orders:
        remaining = sum(line["fulfillable_quantity"] for line in fulfillment_order["line_items"])
        if fulfillment_order["status"] in FULFILLABLE:
            fulfillment_order["status"] = "closed" if remaining == 0 else "in_progress"
            if remaining == 0:
                fulfillment_order["supported_actions"] = []
    left = 0
    for line in order.payload.get("line_items") or []:
        if not isinstance(line, dict):
            continue
        if line.get("id") in by_line and isinstance(line.get("fulfillable_quantity"), int):
            line["fulfillable_quantity"] = max(0, line["fulfillable_quantity"]
                                               - by_line[line["id"]])
            line["fulfillment_status"] = ("fulfilled" if line["fulfillable_quantity"] == 0
                                          else "partial")
        if line.get("requires_shipping", True) and isinstance(line.get("fulfillable_quantity"),
                                                               int):
            left += line["fulfillable_quantity"]
    order.fulfillment_status = "fulfilled" if left == 0 else "partial"
    order.updated = now
