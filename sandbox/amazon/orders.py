"""The Amazon order life cycle as a seller sees it, and what each token may read of it.

::

    Pending --(payment verified, after the seller's pending delay)--> Unshipped
    Unshipped --confirmShipment (some items)--> PartiallyShipped --(the rest)--> Shipped
    Canceled from Pending or Unshipped (the buyer or Amazon, via the control API)

The verification is not a timer: it is evaluated lazily (``settle``) whenever the seller is
read, and dated no earlier than the previous getOrders read, so a ``LastUpdatedAfter`` cursor
always sees it. Pending orders show no prices, taxes or address. Without a Restricted Data Token
the shipping address keeps only City, StateOrRegion, PostalCode and CountryCode, and BuyerInfo is
left out, as on the real API. Every function here expects the caller to hold ``store.lock``.
"""

from __future__ import annotations

import copy
from datetime import datetime
from typing import Any

from sandbox.timeutil import parse_iso, to_iso

from .errors import AmazonError, invalid
from .store import AmazonOrder, Seller

CANCELLABLE = frozenset({"PendingAvailability", "Pending", "Unshipped"})
SHIPPABLE = frozenset({"Unshipped", "PartiallyShipped"})
PUBLIC_ADDRESS_KEYS = ("City", "StateOrRegion", "PostalCode", "CountryCode")
PRICE_KEYS = (
    "ItemPrice",
    "ItemTax",
    "ShippingPrice",
    "ShippingTax",
    "PromotionDiscount",
    "PromotionDiscountTax",
    "ShippingDiscount",
    "ShippingDiscountTax",
    "IsGift",
)


def find(seller: Seller, order_id: str) -> AmazonOrder:
    order = seller.orders.get(order_id)
    if order is None:
        raise AmazonError(404, f"Order {order_id} not found", code="NotFound")
    return order


def touch(order: AmazonOrder, when: datetime) -> None:
    order.updated = when
    order.payload["LastUpdateDate"] = to_iso(when)


def _dated(seller: Seller, due: datetime, now: datetime) -> datetime:
    """When a lazily found change is dated: when it fell due, unless a read already passed it."""
    return due if due > seller.read_at else now


def verify(order: AmazonOrder, when: datetime) -> None:
    """Payment verified: the seller may now ship."""
    order.payload["OrderStatus"] = "Unshipped"
    order.pending_until = None
    touch(order, when)


def settle(seller: Seller, now: datetime) -> None:
    """Apply every payment verification that is due by ``now``."""
    if seller.next_due is None or seller.next_due > now:
        return
    seller.next_due = None
    for order in seller.orders.values():
        if order.status != "Pending" or order.pending_until is None:
            continue
        if order.pending_until <= now:
            verify(order, _dated(seller, order.pending_until, now))
        else:
            seller.expect_verification(order.pending_until)


def advance(seller: Seller, order_ids: list[str] | None, now: datetime) -> dict[str, Any]:
    """Verify the payment of Pending orders now (all of them when ``order_ids`` is None)."""
    advanced, skipped = [], []
    ids = order_ids if order_ids is not None else list(seller.orders)
    for order_id in ids:
        order = find(seller, order_id)
        if order.status != "Pending":
            skipped.append({"AmazonOrderId": order_id, "OrderStatus": order.status})
            continue
        verify(order, now)
        advanced.append(order_id)
    return {"advanced": advanced, "skipped": skipped}


def cancel(seller: Seller, order_id: str, reason: str | None, now: datetime) -> AmazonOrder:
    order = find(seller, order_id)
    if order.status not in CANCELLABLE:
        raise invalid(f"Order {order_id} is {order.status} and can no longer be cancelled")
    order.payload["OrderStatus"] = "Canceled"
    order.pending_until = None
    for item in order.items:
        item["BuyerRequestedCancel"] = {
            "IsBuyerRequestedCancel": "true",
            "BuyerCancelReason": reason or "",
        }
    touch(order, now)
    return order


# Rendering -----------------------------------------------------------------------------------
def render_order(order: AmazonOrder, elements: set[str]) -> dict[str, Any]:
    """The order as the caller's token may see it (``elements``: the RDT's dataElements)."""
    payload = copy.deepcopy(order.payload)
    if order.status in ("Pending", "PendingAvailability"):
        for key in ("OrderTotal", "ShippingAddress", "BuyerInfo", "PaymentMethodDetails"):
            payload.pop(key, None)
        return payload
    address = payload.get("ShippingAddress")
    if "shippingAddress" not in elements and isinstance(address, dict):
        payload["ShippingAddress"] = {k: address[k] for k in PUBLIC_ADDRESS_KEYS if k in address}
    if "buyerInfo" not in elements:
        payload.pop("BuyerInfo", None)
    return payload


def render_items(order: AmazonOrder, with_buyer_info: bool) -> list[dict[str, Any]]:
    items = copy.deepcopy(order.items)
    pending = order.status in ("Pending", "PendingAvailability")
    for item in items:
        if pending:
            for key in PRICE_KEYS:
                item.pop(key, None)
        if not with_buyer_info:
            item.pop("BuyerInfo", None)
    return items


def render_item_info(order: AmazonOrder, file_url) -> list[dict[str, Any]]:
    """getOrderItemsBuyerInfo entries; ``file_url(key)`` makes a customisation file's URL."""
    entries = []
    for info in order.item_info:
        entry = {k: copy.deepcopy(v) for k, v in info.items() if not k.startswith("_")}
        if info.get("_custom_key"):
            entry["BuyerCustomizedInfo"] = {"CustomizedURL": file_url(info["_custom_key"])}
        entries.append(entry)
    return entries


# confirmShipment -----------------------------------------------------------------------------
def _package(body: Any) -> dict[str, Any]:
    """The model's required fields, checked the way the API answers: 400 ``InvalidInput``."""
    if not isinstance(body, dict) or not isinstance(body.get("packageDetail"), dict):
        raise invalid("Invalid Input", "packageDetail is required")
    if not body.get("marketplaceId"):
        raise invalid("Invalid Input", "marketplaceId is required")
    package = body["packageDetail"]
    for name in ("packageReferenceId", "carrierCode", "trackingNumber", "shipDate"):
        if not isinstance(package.get(name), str) or not package[name].strip():
            raise invalid("Invalid Input", f"packageDetail.{name} is required")
    if not package["packageReferenceId"].isdigit() or int(package["packageReferenceId"]) < 1:
        raise invalid("Invalid Input", "packageReferenceId must be a positive numeric string")
    if package["carrierCode"] == "Other" and not package.get("carrierName"):
        raise invalid("Invalid Input", "carrierName is required when carrierCode is Other")
    try:
        parse_iso(package["shipDate"])
    except ValueError:
        raise invalid("Invalid Input", "shipDate must be an ISO 8601 date-time") from None
    lines = package.get("orderItems")
    if not isinstance(lines, list) or not lines:
        raise invalid("Invalid Input", "packageDetail.orderItems is required")
    for line in lines:
        quantity = line.get("quantity") if isinstance(line, dict) else None
        if (
            not isinstance(line, dict)
            or not line.get("orderItemId")
            or not (isinstance(quantity, int) and not isinstance(quantity, bool) and quantity > 0)
        ):
            raise invalid("Invalid Input", "each orderItems entry needs orderItemId and quantity")
    return package


def validate_confirmation(body: Any) -> dict[str, Any]:
    return _package(body)


def confirm_shipment(seller: Seller, order_id: str, body: Any, now: datetime) -> None:
    package = _package(body)
    order = find(seller, order_id)
    if body["marketplaceId"] != order.marketplace_id:
        raise invalid("Invalid Input", f"marketplaceId does not match order {order_id}")
    if order.status not in SHIPPABLE:
        raise invalid(
            f"Order {order_id} is {order.status}; only Unshipped or "
            "PartiallyShipped orders can be confirmed"
        )
    if any(s["packageReferenceId"] == package["packageReferenceId"] for s in order.shipments):
        raise invalid(
            "Invalid Input",
            f"packageReferenceId {package['packageReferenceId']} "
            "was already confirmed for this order",
        )
    items = {str(item.get("OrderItemId")): item for item in order.items}
    for line in package["orderItems"]:
        item = items.get(str(line["orderItemId"]))
        if item is None:
            raise invalid(
                "Invalid Input", f"orderItemId {line['orderItemId']} is not in order {order_id}"
            )
        left = int(item.get("QuantityOrdered") or 0) - int(item.get("QuantityShipped") or 0)
        if line["quantity"] > left:
            raise invalid(
                "Invalid Input",
                f"quantity {line['quantity']} of item "
                f"{line['orderItemId']} exceeds the {left} unshipped",
            )
    for line in package["orderItems"]:
        item = items[str(line["orderItemId"])]
        item["QuantityShipped"] = int(item.get("QuantityShipped") or 0) + line["quantity"]
    shipped = sum(int(i.get("QuantityShipped") or 0) for i in order.items)
    ordered = sum(int(i.get("QuantityOrdered") or 0) for i in order.items)
    order.payload["NumberOfItemsShipped"] = shipped
    order.payload["NumberOfItemsUnshipped"] = max(0, ordered - shipped)
    order.payload["OrderStatus"] = "Shipped" if shipped >= ordered else "PartiallyShipped"
    order.shipments.append({**copy.deepcopy(package), "confirmedAt": to_iso(now)})
    touch(order, now)
