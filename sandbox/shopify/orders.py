"""Orders, fulfillment orders and fulfillments: filters, rendering and the state changes.

Shopify's order has no single state: ``financial_status`` (pending, authorized,
partially_paid, paid, partially_refunded, refunded, voided), ``fulfillment_status`` (null,
partial, fulfilled), ``cancelled_at`` and ``closed_at`` move independently. Every order gets
one fulfillment order at the shop's primary location; ``POST /fulfillments.json`` fulfils
fulfillment-order lines and moves the order's ``fulfillment_status``.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from typing import Any

from .catalogue import id_list
from .errors import ShopifyError
from .formats import parse_time, render_time
from .paging import parse_id
from .store import OrderState, Shop, ShopifyStore

FINANCIAL_STATUSES = ("pending", "authorized", "partially_paid", "paid", "partially_refunded",
                      "refunded", "voided")
FINANCIAL_FILTERS = {**{s: {s} for s in FINANCIAL_STATUSES}, "any": set(FINANCIAL_STATUSES),
                     "unpaid": {"pending", "authorized", "partially_paid"}}
FULFILLMENT_FILTERS: dict[str, set[str | None]] = {
    "shipped": {"fulfilled"}, "partial": {"partial"}, "unshipped": {None},
    "unfulfilled": {None, "partial"}, "any": {None, "partial", "fulfilled", "restocked"},
}
STATUS_FILTERS = ("open", "closed", "cancelled", "any")
FULFILLABLE = ("open", "in_progress")
TRACKING_URLS = {
    "ups": "https://www.ups.com/track?tracknum={}",
    "usps": "https://tools.usps.com/go/TrackConfirmAction_input?qtc_tLabels1={}",
    "dhl express": "https://www.dhl.com/en/express/tracking.html?AWB={}",
    "colissimo": "https://www.laposte.fr/outils/suivre-vos-envois?code={}",
}


def order_filter(shop: Shop, filters: Mapping[str, str]) -> Callable[[int], bool]:
    """The list filters of ``GET /orders.json`` as one predicate over order ids."""
    tz = shop.offset_minutes
    ids = set(id_list("ids", filters.get("ids"))) if filters.get("ids") else None
    since_id = parse_id("since_id", filters.get("since_id"))
    status = filters.get("status", "open")
    if status not in STATUS_FILTERS:
        raise ShopifyError(400, {"status": f"must be one of {', '.join(STATUS_FILTERS)}"})
    financial = FINANCIAL_FILTERS.get(filters.get("financial_status", "any"))
    fulfillment = FULFILLMENT_FILTERS.get(filters.get("fulfillment_status", "any"))
    if financial is None or fulfillment is None:
        raise ShopifyError(400, {"financial_status": "unknown value"} if financial is None
                           else {"fulfillment_status": "unknown value"})
    bounds = {key: parse_time(key, filters[key], tz) for key in
              ("created_at_min", "created_at_max", "updated_at_min", "updated_at_max")
              if filters.get(key)}
    name = filters.get("name")

    def accept(order_id: int) -> bool:
        order = shop.orders[order_id]
        if (ids is not None and order_id not in ids) or (since_id and order_id <= since_id):
            return False
        if not _status_matches(order, status):
            return False
        if order.financial_status not in financial:
            return False
        if order.fulfillment_status not in fulfillment:
            return False
        if name and order.payload.get("name") != name:
            return False
        return _within(order, bounds)

    return accept


def _status_matches(order: OrderState, status: str) -> bool:
    if status == "open":
        return order.cancelled_at is None and order.closed_at is None
    if status == "closed":
        return order.closed_at is not None
    if status == "cancelled":
        return order.cancelled_at is not None
    return True


def _within(order: OrderState, bounds: Mapping[str, int]) -> bool:
    checks = (("created_at_min", order.created, 1), ("created_at_max", order.created, -1),
              ("updated_at_min", order.updated, 1), ("updated_at_max", order.updated, -1))
    return all(key not in bounds or (value - bounds[key]) * sign >= 0
               for key, value, sign in checks)


def render_order(shop: Shop, order: OrderState) -> dict[str, Any]:
    payload = copy.deepcopy(order.payload)
    tz = shop.offset_minutes
    if not order.keep_created_at:
        payload["created_at"] = render_time(order.created, tz)
    payload["updated_at"] = render_time(order.updated, tz)
    payload["financial_status"] = order.financial_status
    payload["fulfillment_status"] = order.fulfillment_status
    payload["cancelled_at"] = render_time(order.cancelled_at, tz)
    payload["cancel_reason"] = order.cancel_reason
    payload["closed_at"] = render_time(order.closed_at, tz)
    payload["fulfillments"] = copy.deepcopy(order.fulfillments)
    return payload


def find(shop: Shop, order_id: int) -> OrderState:
    order = shop.orders.get(order_id)
    if order is None:
        raise ShopifyError(404, "Not Found")
    return order


def open_fulfillment_order(store: ShopifyStore, shop: Shop, order: OrderState) -> None:
    """One fulfillment order at the primary location for the order's shippable lines."""
    lines = [line for line in (order.payload.get("line_items") or [])
             if isinstance(line, dict) and isinstance(line.get("quantity"), int)
             and line.get("requires_shipping", True)]
    if not lines:
        return
    fo_id = store.next_id("fulfillment_order")
    shop.fulfillment_order_owners[fo_id] = order.id
    when = render_time(order.created, shop.offset_minutes)
    location = shop.locations[shop.primary_location_id]
    address = order.payload.get("shipping_address") or {}
    order.fulfillment_orders.append({
        "id": fo_id, "created_at": when, "updated_at": when, "shop_id": 548380009,
        "order_id": order.id, "assigned_location_id": location["id"],
        "request_status": "unsubmitted", "status": "open", "fulfill_at": None,
        "fulfill_by": None, "supported_actions": ["create_fulfillment", "move", "hold"],
        "destination": {key: address.get(key) for key in (
            "address1", "address2", "city", "company", "country", "first_name", "last_name",
            "phone", "province", "zip")} if isinstance(address, dict) else None,
        "line_items": [{
            "id": store.next_id("fulfillment_order_line"), "shop_id": 548380009,
            "fulfillment_order_id": fo_id, "quantity": line["quantity"],
            "line_item_id": line.get("id"), "inventory_item_id": line.get("inventory_item_id"),
            "fulfillable_quantity": line["quantity"], "variant_id": line.get("variant_id"),
        } for line in lines],
        "international_duties": None, "fulfillment_holds": [],
        "delivery_method": {"id": fo_id + 7, "method_type": "shipping"},
        "assigned_location": {"address1": location["address1"], "address2": None,
                              "city": location["city"], "country_code": location["country_code"],
                              "location_id": location["id"], "name": location["name"],
                              "phone": None, "province": location["province"],
                              "zip": location["zip"]},
        "merchant_requests": [],
    })


def pay(shop: Shop, order: OrderState, now: int) -> None:
    if order.cancelled_at is not None:
        raise ValueError(f"order {order.id} is cancelled")
    order.financial_status = "paid"
    order.updated = now


def cancel(order: OrderState, reason: str, now: int) -> None:
    if order.fulfillment_status in ("fulfilled", "partial"):
        raise ValueError(f"order {order.id} is {order.fulfillment_status}: it cannot be cancelled")
    if order.cancelled_at is not None:
        return
    paid = order.financial_status in ("paid", "partially_paid", "partially_refunded")
    order.financial_status = "refunded" if paid else "voided"
    order.cancelled_at = now
    order.cancel_reason = reason
    order.updated = now
    for fulfillment_order in order.fulfillment_orders:
        fulfillment_order["status"] = "cancelled"
        fulfillment_order["supported_actions"] = []
