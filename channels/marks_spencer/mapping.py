"""M&S payloads -> records, and records -> M&S bodies. Pure: no HTTP, no database."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from functools import partial
from typing import Any

from channels import fields
from channels.countries import alpha2
from channels.errors import Error, PayloadError
from channels.records import Address, OrderLineRecord, OrderRecord, OrderStatusRecord, Shipment

from .settings import CANCELLED_STATUSES, OPEN_STATUS

PERSONALISATION_FIELDS = ("text", "font", "colour")
GIFT_MESSAGE_ATTRIBUTE = ":MSGiftMessage"


def order_ref(payload: Any) -> str | None:
    if isinstance(payload, Mapping) and payload.get("order_number"):
        return str(payload["order_number"])
    return None


def _fail(payload: Any, problem: str) -> PayloadError:
    ref = order_ref(payload)
    return PayloadError(
        f"M&S order {ref or '(without order_number)'} is malformed: {problem}; "
        "raise it with M&S supplier support, the other orders carry on",
        record_ref=ref,
        details={"problem": problem},
    )


_text = partial(fields.text, fail=_fail)
_money = partial(fields.money, fail=_fail)
_date = partial(fields.date, fail=_fail)
_quantity = partial(fields.quantity, fail=_fail)


def _name(payload: Mapping) -> str:
    parts = (payload.get("first_name"), payload.get("last_name"))
    return " ".join(str(p).strip() for p in parts if p).strip()


def address_from_payload(payload: Any, email: str = "") -> Address | None:
    if not isinstance(payload, Mapping):
        return None
    return Address(
        name=_name(payload),
        company=str(payload.get("company") or ""),
        street_1=str(payload.get("address_line_1") or ""),
        street_2=str(payload.get("address_line_2") or ""),
        postcode=str(payload.get("postcode") or ""),
        city=str(payload.get("town") or ""),
        state=str(payload.get("county") or ""),
        country_code=alpha2(payload.get("country_code")),
        phone=str(payload.get("phone") or ""),
        email=email,
    )


def personalisation_from_payload(payload: Any) -> dict[str, Any]:
    """The buyer's text (and font/colour) as a textual personalisation; {} when none."""
    if not isinstance(payload, Mapping):
        return {}
    fields = {
        name: str(payload[name]).strip()
        for name in PERSONALISATION_FIELDS
        if isinstance(payload.get(name), str) and payload[name].strip()
    }
    return {"type": "textual", "fields": fields} if fields.get("text") else {}


def line_from_payload(payload: Any, order: Any) -> OrderLineRecord:
    if not isinstance(payload, Mapping):
        raise _fail(order, "an order line is not an object")
    number = _text(payload, "line_number", order)
    return OrderLineRecord(
        channel_line_id=f"{order_ref(order)}-{number}",
        channel_sku=_text(payload, "sku", order),
        quantity=_quantity(payload.get("quantity"), "line quantity", order),
        unit_price=_money(payload.get("unit_price"), "unit_price", order),
        name=str(payload.get("description") or "")[:500],
        line_type="textual",
        personalisation=personalisation_from_payload(payload.get("personalisation")),
    )


def order_from_payload(payload: Any) -> OrderRecord:
    """Map one order of `GET /v1/orders`; raises PayloadError naming the order and the fault."""
    if not isinstance(payload, Mapping):
        raise _fail(payload, "the order is not an object")
    order_number = _text(payload, "order_number", payload)
    status = _text(payload, "status", payload)
    raw_lines = payload.get("lines")
    if not isinstance(raw_lines, list) or not raw_lines:
        raise _fail(payload, "it has no order lines")
    lines = tuple(line_from_payload(line, payload) for line in raw_lines)
    raw_customer = payload.get("customer")
    customer = raw_customer if isinstance(raw_customer, Mapping) else {}
    email = str(customer.get("email") or "")
    shipping = address_from_payload(payload.get("delivery_address"), email)
    if shipping is None and status == OPEN_STATUS:
        raise _fail(payload, "it has no delivery address although it is OPEN")
    method = payload.get("delivery_method")
    attributes = {}
    if isinstance(payload.get("gift_message"), str) and payload["gift_message"].strip():
        attributes[GIFT_MESSAGE_ATTRIBUTE] = payload["gift_message"].strip()
    buyer = {"customer_id": str(customer.get("customer_id") or ""), "name": _name(customer)}
    return OrderRecord(
        channel_order_id=order_number,
        channel_status=status,
        placed_at=_date(payload.get("created_at"), "created_at", payload, required=True),
        updated_at=_date(payload.get("updated_at"), "updated_at", payload),
        lines=lines,
        currency=str(payload.get("currency") or "")[:3] or None,
        total=_money(payload.get("order_total"), "order_total", payload),
        shipping_method=(str(method.get("code") or "") or None)
        if isinstance(method, Mapping)
        else None,
        buyer={k: v for k, v in buyer.items() if v},
        shipping_address=shipping,
        attributes=attributes,
        cancelled=status in CANCELLED_STATUSES,
    )


def status_from_payload(payload: Any) -> OrderStatusRecord:
    if not isinstance(payload, Mapping):
        raise _fail(payload, "the order is not an object")
    status = _text(payload, "status", payload)
    return OrderStatusRecord(
        channel_order_id=_text(payload, "order_number", payload),
        channel_status=status,
        updated_at=_date(payload.get("updated_at"), "updated_at", payload),
        cancelled=status in CANCELLED_STATUSES,
    )


def dispatch_body(shipment: Shipment) -> dict[str, str]:
    """The dispatch confirmation; M&S needs both carrier and tracking number."""
    missing = shipment.missing_tracking()
    if missing:
        raise Error(
            f"order {shipment.channel_order_id} was not confirmed to M&S: the dispatch has no "
            f"{' and no '.join(missing)}; add it to the order and it is confirmed on the next run",
            code="missing_tracking",
            record_ref=shipment.channel_order_id,
            details={"missing": missing},
        )
    return {
        "carrier": (shipment.carrier or "").strip(),
        "tracking_number": (shipment.tracking_number or "").strip(),
        "dispatched_at": shipment.shipped_at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
