"""The order state machine the merchant and the API move orders through.

States (``state`` -> default ``status``): ``new`` -> ``pending``, ``pending_payment``,
``processing`` (invoiced: paid), ``complete`` (invoiced and everything shipped), ``closed``
(fully refunded), ``canceled``, ``holded``. Transitions:

- pay (the invoice): ``new``/``pending_payment``/``payment_review`` -> ``processing``, or
  ``complete`` when everything was already shipped;
- cancel: only before the invoice -> ``canceled``;
- refund (full credit memo): only after the invoice -> ``closed``;
- ship (``POST /V1/order/{id}/ship``): not when ``canceled``, ``closed``, ``holded`` or
  nothing is left to ship; the order becomes ``complete`` once everything is shipped and
  invoiced, ``processing`` otherwise.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from .errors import MagentoError, bad_request, no_entity, shipment_error
from .store import OrderRow, Shop, mdate

UNPAID_STATES = ("new", "pending_payment")


def history(row: OrderRow, comment: str, now: datetime) -> None:
    """A status history entry; every change moves ``updated_at``."""
    row.touch(now)
    row.payload.setdefault("status_histories", []).append(
        {
            "comment": comment,
            "created_at": mdate(now),
            "status": row.payload.get("status"),
            "entity_name": "order",
            "is_customer_notified": 0,
            "is_visible_on_front": 0,
        }
    )


def set_state(row: OrderRow, state: str, status: str) -> None:
    row.payload["state"], row.payload["status"] = state, status


def find(shop: Shop, order_id: int) -> OrderRow:
    row = shop.orders.get(order_id)
    if row is None:
        raise no_entity()
    return row


def _invoiced(row: OrderRow) -> bool:
    return bool(row.payload.get("total_paid")) and not row.payload.get("total_due")


def _all_shipped(row: OrderRow) -> bool:
    return all(
        i.get("qty_shipped", 0) >= i.get("qty_ordered", 0)
        for i in row.items()
        if not i.get("parent_item_id")
    )


def pay(row: OrderRow, now: datetime) -> None:
    """Invoice (capture) the whole order."""
    if row.state not in UNPAID_STATES + ("payment_review",):
        raise MagentoError(409, f"order {row.entity_id} is {row.state}: it cannot be invoiced")
    for item in row.items():
        item["qty_invoiced"] = item.get("qty_ordered")
    payload = row.payload
    payload["total_paid"] = payload["base_total_paid"] = payload.get("grand_total")
    payload["total_invoiced"] = payload.get("grand_total")
    payload["total_due"] = 0
    if _all_shipped(row):
        set_state(row, "complete", "complete")
    else:
        set_state(row, "processing", "processing")
    history(row, "Captured amount online.", now)


def cancel(row: OrderRow, now: datetime) -> None:
    if row.state not in UNPAID_STATES + ("payment_review", "holded") or _invoiced(row):
        raise MagentoError(
            409,
            f"order {row.entity_id} is {row.state}: only an order that is "
            "not invoiced can be canceled (refund it instead)",
        )
    for item in row.items():
        item["qty_canceled"] = item.get("qty_ordered")
    set_state(row, "canceled", "canceled")
    history(row, "Order canceled.", now)


def refund(row: OrderRow, now: datetime) -> None:
    if not _invoiced(row) or row.state in ("closed", "canceled"):
        raise MagentoError(
            409, f"order {row.entity_id} is {row.state}: only an invoiced order can be refunded"
        )
    for item in row.items():
        item["qty_refunded"] = item.get("qty_invoiced")
    row.payload["total_refunded"] = row.payload.get("total_paid")
    set_state(row, "closed", "closed")
    history(row, "Refunded amount offline.", now)


def hold(row: OrderRow, now: datetime) -> None:
    if row.state in ("canceled", "closed", "complete", "holded"):
        raise MagentoError(409, f"order {row.entity_id} is {row.state}: it cannot be held")
    row.payload["hold_before_state"] = row.state
    row.payload["hold_before_status"] = row.payload.get("status")
    set_state(row, "holded", "holded")
    history(row, "Order put on hold.", now)


def ship(shop: Shop, row: OrderRow, body: Any, now: datetime) -> int:
    """``POST /V1/order/{id}/ship``: create a shipment, return its id."""
    if not isinstance(body, dict):
        raise bad_request("Decoding error: the body must be a JSON object.")
    if row.state in ("canceled", "closed", "holded", "complete") or _all_shipped(row):
        raise shipment_error(
            "The order does not allow a shipment to be created.",
            "You can't create a shipment without products.",
        )
    quantities = _quantities(row, body.get("items") or [])
    tracks = _tracks(body.get("tracks") or [])
    source = ((body.get("arguments") or {}).get("extension_attributes") or {}).get("source_code")
    if source is not None and source not in shop.sources:
        raise bad_request('Source with code "%1" does not exist.', [source])
    by_id = {i["item_id"]: i for i in row.items()}
    for item_id, quantity in quantities.items():
        by_id[item_id]["qty_shipped"] = by_id[item_id].get("qty_shipped", 0) + quantity
        for child in row.items():
            if child.get("parent_item_id") == item_id:
                child["qty_shipped"] = child.get("qty_shipped", 0) + quantity
    shipment_id = shop.next_shipment_id
    shop.next_shipment_id += 1
    row.payload.setdefault("extension_attributes", {}).setdefault("shipments", []).append(
        {
            "entity_id": shipment_id,
            "items": [{"order_item_id": k, "qty": v} for k, v in quantities.items()],
            "tracks": tracks,
            "source_code": source,
            "notify": bool(body.get("notify")),
        }
    )
    if _all_shipped(row):
        set_state(
            row, *(("complete", "complete") if _invoiced(row) else ("processing", "processing"))
        )
    elif row.state == "new":
        set_state(row, "processing", "processing")
    history(row, "Shipment created.", now)
    return shipment_id


def _quantities(row: OrderRow, items: Any) -> dict[int, float]:
    """What to ship per top-level item; nothing given ships everything left."""
    top = {i["item_id"]: i for i in row.items() if not i.get("parent_item_id")}
    left = {
        k: float(i.get("qty_ordered") or 0) - float(i.get("qty_shipped") or 0)
        for k, i in top.items()
    }
    if not items:
        return {k: v for k, v in left.items() if v > 0}
    wanted: dict[int, float] = {}
    for entry in items if isinstance(items, list) else [None]:
        if not isinstance(entry, dict) or entry.get("order_item_id") not in top:
            raise shipment_error("You can't create a shipment without products.")
        quantity = entry.get("qty")
        if isinstance(quantity, bool) or not isinstance(quantity, int | float) or quantity <= 0:
            raise shipment_error("You can't create a shipment without products.")
        wanted[entry["order_item_id"]] = wanted.get(entry["order_item_id"], 0) + quantity
    over = [k for k, v in wanted.items() if v > left[k]]
    if over:
        raise shipment_error(
            "The order does not allow a shipment to be created.",
            "Shipment quantity exceeds the quantity left to ship.",
        )
    return wanted


def _tracks(tracks: Any) -> list[dict[str, Any]]:
    if not isinstance(tracks, list):
        raise bad_request("Decoding error: tracks must be a list.")
    kept = []
    for track in tracks:
        if not isinstance(track, dict) or not str(track.get("track_number") or "").strip():
            raise shipment_error("Please enter a tracking number.")
        kept.append(
            {
                "track_number": str(track["track_number"]),
                "title": track.get("title"),
                "carrier_code": track.get("carrier_code"),
            }
        )
    return kept
