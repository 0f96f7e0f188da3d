"""Shopify order payloads -> records, and shipments -> fulfillment bodies. Pure: no HTTP,
no database.

An order is importable once paid; ``pending``/``authorized``/``partially_paid`` orders are
returned with ``awaiting_payment`` (set aside and re-checked), ``cancelled_at`` or a
voided/refunded payment marks it cancelled. Everything else about an order is checked when it
is first seen, paid or not, so a problem is reported once, at once.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import partial
from typing import Any

from channels import fields
from channels.countries import alpha2
from channels.errors import Info, MappingError, PayloadError
from channels.records import Address, OrderLineRecord, OrderRecord, OrderStatusRecord, Shipment

from .settings import PAID_STATUSES, UNPAID_STATUSES, VOID_STATUSES


def order_ref(payload: Any) -> str | None:
    if isinstance(payload, Mapping) and payload.get("id") is not None:
        return str(payload["id"])
    return None


def order_label(payload: Any) -> str:
    """``#1001 (450789469)``: the name the merchant knows, and the id the API knows."""
    ref = order_ref(payload) or "(without id)"
    name = payload.get("name") if isinstance(payload, Mapping) else None
    return f"{name} ({ref})" if isinstance(name, str) and name else ref


def fail(payload: Any, problem: str) -> PayloadError:
    return PayloadError(
        f"Shopify order {order_label(payload)} is malformed: {problem}; correct it in Shopify, "
        "the other orders carry on",
        record_ref=order_ref(payload),
        details={"problem": problem},
    )


money = partial(fields.money, fail=fail, blank=True)
date = partial(fields.date, fail=fail)


def channel_status(payload: Mapping[str, Any]) -> str:
    """``paid``, ``paid/fulfilled``, ``pending``, ``cancelled``...: what ops see per order."""
    if payload.get("cancelled_at"):
        return "cancelled"
    financial = str(payload.get("financial_status") or "unknown")
    fulfillment = payload.get("fulfillment_status")
    return f"{financial}/{fulfillment}" if fulfillment else financial


def is_cancelled(payload: Mapping[str, Any]) -> bool:
    """Cancelled in Shopify, or its payment voided/refunded before it was shipped."""
    return bool(payload.get("cancelled_at")) or _financial(payload) in VOID_STATUSES


def _financial(payload: Mapping[str, Any]) -> str | None:
    """The financial status when it is text (anything else is reported as unknown)."""
    value = payload.get("financial_status")
    return value if isinstance(value, str) else None


def awaits_payment(payload: Mapping[str, Any], import_authorized: bool) -> bool:
    financial = _financial(payload)
    if financial == "authorized" and import_authorized:
        return False
    if financial in UNPAID_STATUSES:
        return True
    if financial in PAID_STATUSES:
        return False
    raise fail(payload, f"unknown financial_status {str(payload.get('financial_status'))[:40]!r}")


def shipping_method(payload: Mapping[str, Any], methods: Mapping[str, str]) -> tuple[str, str]:
    """(OMS method, the shop's rate as shown) from the first shipping line's code or title."""
    lines = payload.get("shipping_lines")
    first = lines[0] if isinstance(lines, list) and lines else None
    code = str(first.get("code") or "").strip() if isinstance(first, Mapping) else ""
    title = str(first.get("title") or "").strip() if isinstance(first, Mapping) else ""
    for candidate in (code, title):
        if candidate and candidate.casefold() in methods:
            return methods[candidate.casefold()], candidate
    shown = f"'{title}' (code '{code}')" if title and code != title else f"'{code or title}'"
    raise MappingError(
        f"order {order_label(payload)} not imported: shipping method {shown} is not in the "
        f"Shipping method map; add '{code or title or '<rate>'}=<OMS method>' to the "
        "integration's settings and it is imported on the next run"
        if (code or title) else
        f"order {order_label(payload)} not imported: it has no shipping method; ship it from "
        "Shopify or give it a shipping rate",
        code="unknown_shipping_method",
        record_ref=order_ref(payload),
        details={"shipping_code": code, "shipping_title": title},
    )


def address_from_payload(address: Any, email: str = "") -> Address | None:
    if not isinstance(address, Mapping):
        return None
    name = str(address.get("name") or "").strip() or " ".join(
        str(address.get(k) or "").strip() for k in ("first_name", "last_name")).strip()
    return Address(
        name=name,
        company=str(address.get("company") or ""),
        street_1=str(address.get("address1") or ""),
        street_2=str(address.get("address2") or ""),
        postcode=str(address.get("zip") or ""),
        city=str(address.get("city") or ""),
        state=str(address.get("province_code") or address.get("province") or ""),
        country_code=alpha2(address.get("country_code")),
        phone=str(address.get("phone") or ""),
        email=email,
    )


def _quantity(line: Mapping[str, Any], owner: Any) -> int:
    """What is left to ship of a line: 0 once an edit removed it, so it is not an error."""
    value = fields.whole(line.get("current_quantity", line.get("quantity")),
                         f"line {line.get('id')} quantity", owner, fail=fail, floats=False)
    if value < 0:
        raise fail(owner, f"line {line.get('id')} quantity is negative")
    return value


def line_from_payload(line: Any, order: Any) -> OrderLineRecord | None:
    """A line to ship, or None for one that is not shipped (gift card, removed by an edit)."""
    if not isinstance(line, Mapping):
        raise fail(order, "a line item is not an object")
    quantity = _quantity(line, order)
    if quantity == 0 or line.get("requires_shipping") is False or line.get("gift_card"):
        return None
    sku = line.get("sku")
    if not isinstance(sku, str) or not sku.strip():
        raise fail(order, f"line {line.get('id')} ({str(line.get('name'))[:80]}) has no SKU; "
                          "give the variant a SKU in Shopify")
    raw_properties = line.get("properties")
    if not isinstance(raw_properties, list):
        raw_properties = []
    properties = {str(p.get("name")): p.get("value") for p in raw_properties
                  if isinstance(p, Mapping) and p.get("name")
                  and not str(p.get("name")).startswith("_") and p.get("value") not in (None, "")}
    return OrderLineRecord(
        channel_line_id=str(line.get("id") or ""),
        channel_sku=sku.strip(),
        quantity=quantity,
        unit_price=money(line.get("price"), "price", order),
        name=str(line.get("name") or line.get("title") or "")[:500],
        line_type="textual",
        personalisation={"type": "textual", "fields": properties} if properties else {},
    )


def _lines(payload: Mapping[str, Any]) -> tuple[OrderLineRecord, ...]:
    raw = payload.get("line_items")
    if not isinstance(raw, list) or not raw:
        raise fail(payload, "it has no line items")
    lines = tuple(line for line in (line_from_payload(item, payload) for item in raw) if line)
    if not lines:
        raise Info(f"order {order_label(payload)} not imported: nothing in it is shipped "
                   "(gift cards, digital items or lines removed)", code="nothing_to_ship",
                   record_ref=order_ref(payload))
    return lines


def _attributes(payload: Mapping[str, Any], rate: str) -> dict[str, Any]:
    attributes: dict[str, Any] = {"order_name": payload.get("name"), "shipping_rate": rate}
    if payload.get("note"):
        attributes["note"] = str(payload["note"])[:2000]
    notes = {str(n.get("name")): n.get("value") for n in payload.get("note_attributes") or []
             if isinstance(n, Mapping) and n.get("name")}
    if notes:
        attributes["note_attributes"] = notes
    return {k: v for k, v in attributes.items() if v}


def order_from_payload(payload: Any, *, methods: Mapping[str, str],
                       import_authorized: bool = False) -> OrderRecord:
    """Map one order; raises PayloadError/MappingError/Info naming the order and the fix."""
    if not isinstance(payload, Mapping) or order_ref(payload) is None:
        raise fail(payload, "the order is not an object with an id")
    order_id = order_ref(payload) or ""
    if is_cancelled(payload):
        return OrderRecord(order_id, channel_status(payload), None, None, (), cancelled=True)
    waiting = awaits_payment(payload, import_authorized)
    lines = _lines(payload)
    email = str(payload.get("email") or "")
    shipping = address_from_payload(payload.get("shipping_address"), email)
    if shipping is None:
        raise fail(payload, "it has no shipping address")
    method, rate = shipping_method(payload, methods)
    customer = payload.get("customer") if isinstance(payload.get("customer"), Mapping) else {}
    buyer = {"customer_id": str(customer.get("id") or ""), "email": email,
             "name": " ".join(str(customer.get(k) or "").strip()
                              for k in ("first_name", "last_name")).strip()}
    return OrderRecord(
        channel_order_id=order_id,
        channel_status=channel_status(payload),
        placed_at=date(payload.get("created_at"), "created_at", payload),
        updated_at=date(payload.get("updated_at"), "updated_at", payload),
        lines=lines,
        currency=str(payload.get("currency") or "")[:3] or None,
        total=money(payload.get("total_price"), "total_price", payload),
        shipping_method=method,
        buyer={k: v for k, v in buyer.items() if v},
        shipping_address=shipping,
        billing_address=address_from_payload(payload.get("billing_address")),
        attributes=_attributes(payload, rate),
        awaiting_payment=waiting,
    )


def status_from_payload(payload: Any) -> OrderStatusRecord:
    """What ``update_orders`` follows: only a cancel changes the OMS order."""
    if not isinstance(payload, Mapping) or order_ref(payload) is None:
        raise fail(payload, "the order is not an object with an id")
    return OrderStatusRecord(
        channel_order_id=order_ref(payload) or "",
        channel_status=channel_status(payload),
        updated_at=date(payload.get("updated_at"), "updated_at", payload),
        cancelled=bool(payload.get("cancelled_at")) or payload.get("financial_status") == "voided",
    )


def fulfillment_body(shipment: Shipment, fulfillment_order_ids: Sequence[int],
                     notify_customer: bool) -> dict[str, Any]:
    """``POST /fulfillments.json``: whole fulfillment orders, with tracking when known."""
    tracking = {key: value for key, value in (("company", shipment.carrier),
                                              ("number", shipment.tracking_number)) if value}
    body: dict[str, Any] = {
        "notify_customer": notify_customer,
        "line_items_by_fulfillment_order": [{"fulfillment_order_id": fo_id}
                                            for fo_id in fulfillment_order_ids],
    }
    if tracking:
        body["tracking_info"] = tracking
    return {"fulfillment": body}
