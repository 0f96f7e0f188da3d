"""Confirming a shipment the fulfillment-order way.

Shopify removed order-level fulfillment in 2023: a shipment fulfils *fulfillment orders*
(one per location the order is assigned to). We fulfil every open one, whole, with the
carrier and tracking number, one request per location as Shopify requires. Nothing open
means either it is done already (an earlier attempt whose answer was lost, or a fulfillment
made by hand in Shopify) or it cannot be done (cancelled, on hold): the order itself says
which.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from typing import Any

from channels.errors import RejectedByChannel
from channels.records import Shipment

from .client import ShopifyClient
from .mapping import fulfillment_body

FULFILLABLE = ("open", "in_progress")


def _open_by_location(fulfillment_orders: Any) -> dict[Any, list[int]]:
    groups: dict[Any, list[int]] = defaultdict(list)
    for fo in fulfillment_orders if isinstance(fulfillment_orders, list) else []:
        if (isinstance(fo, Mapping) and fo.get("status") in FULFILLABLE
                and "create_fulfillment" in (fo.get("supported_actions") or [])):
            groups[fo.get("assigned_location_id")].append(fo["id"])
    return groups


def confirm(client: ShopifyClient, shipment: Shipment, notify_customer: bool) -> None:
    order_id = shipment.channel_order_id
    fulfillment_orders = client.get_json(f"/orders/{order_id}/fulfillment_orders.json",
                                         "fulfillment_orders")
    groups = _open_by_location(fulfillment_orders)
    if not groups:
        _nothing_open(client, order_id, fulfillment_orders)
        return
    for ids in groups.values():
        client.post_json("/fulfillments.json",
                         fulfillment_body(shipment, ids, notify_customer), "fulfillment")


def _nothing_open(client: ShopifyClient, order_id: str, fulfillment_orders: Any) -> None:
    """Return when the order is fulfilled already; otherwise say why it cannot be."""
    order = client.get_json(f"/orders/{order_id}.json", "order",
                            {"fields": "id,name,cancelled_at,fulfillment_status"})
    name = order.get("name") if isinstance(order, Mapping) else None
    label = f"{name} ({order_id})" if name else order_id
    if isinstance(order, Mapping) and order.get("cancelled_at"):
        raise RejectedByChannel(
            f"order {label} was cancelled in Shopify after it was dispatched: the shipment "
            "cannot be confirmed; stop the parcel or refund the buyer",
            code="order_cancelled", record_ref=order_id)
    if isinstance(order, Mapping) and order.get("fulfillment_status") == "fulfilled":
        return
    statuses = sorted({str(fo.get("status")) for fo in fulfillment_orders or []
                       if isinstance(fo, Mapping)})
    raise RejectedByChannel(
        f"order {label} has no fulfillment order that can be fulfilled "
        f"(status: {', '.join(statuses) or 'none'}); release the hold or move it to a "
        "location in Shopify and it is confirmed on the next run",
        code="not_fulfillable", record_ref=order_id,
        details={"fulfillment_order_statuses": statuses})
