"""Mirakl payloads -> records, and records -> Mirakl bodies. Pure: no HTTP, no database."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import partial
from typing import Any

from channels import fields
from channels.countries import alpha2
from channels.errors import PayloadError
from channels.records import Address, OrderLineRecord, OrderRecord, OrderStatusRecord, Shipment

from .settings import CANCELLED_STATES, ORDER_MESSAGE_ATTRIBUTE, UNPAID_STATES

MESSAGE_SEPARATOR = "\n---\n"


def order_ref(payload: Any) -> str | None:
    if isinstance(payload, Mapping) and payload.get("order_id"):
        return str(payload["order_id"])
    return None


def _fail(payload: Any, problem: str) -> PayloadError:
    ref = order_ref(payload)
    return PayloadError(
        f"Mirakl order {ref or '(without order_id)'} is malformed: {problem}; "
        "ask the operator to correct it, the other orders carry on",
        record_ref=ref,
        details={"problem": problem},
    )


# Mirakl ids are kept exactly as sent.
_text = partial(fields.text, fail=_fail, strip=False)
_money = partial(fields.money, fail=_fail)
_date = partial(fields.date, fail=_fail)
_quantity = partial(fields.quantity, fail=_fail)


def address_from_payload(payload: Any) -> Address | None:
    if not isinstance(payload, Mapping):
        return None
    name = " ".join(str(payload.get(k) or "").strip() for k in ("firstname", "lastname")).strip()
    return Address(
        name=name,
        company=str(payload.get("company") or ""),
        street_1=str(payload.get("street_1") or ""),
        street_2=str(payload.get("street_2") or ""),
        postcode=str(payload.get("zip_code") or ""),
        city=str(payload.get("city") or ""),
        state=str(payload.get("state") or ""),
        country_code=alpha2(payload.get("country_iso_code") or payload.get("country")),
        phone=str(payload.get("phone") or ""),
    )


def line_from_payload(payload: Any, order: Any) -> OrderLineRecord:
    if not isinstance(payload, Mapping):
        raise _fail(order, "an order line is not an object")
    fields = payload.get("order_line_additional_fields") or []
    personalisation: dict[str, Any] = {}
    if isinstance(fields, list):
        texts = {
            str(f.get("code")): f.get("value")
            for f in fields
            if isinstance(f, Mapping) and f.get("code") and f.get("value") not in (None, "")
        }
        if texts:
            personalisation = {"type": "textual", "fields": texts}
    return OrderLineRecord(
        channel_line_id=_text(payload, "order_line_id", order),
        channel_sku=_text(payload, "offer_sku", order),
        quantity=_quantity(payload.get("quantity"), "line quantity", order),
        unit_price=_money(payload.get("price_unit"), "price_unit", order),
        name=str(payload.get("product_title") or "")[:500],
        line_type="textual",
        personalisation=personalisation,
    )


def customer_messages(threads: Iterable[Mapping[str, Any]]) -> list[str]:
    """The customer's own messages, oldest first, from M11 threads."""
    found: list[tuple[str, str]] = []
    for thread in threads:
        for message in thread.get("messages") or []:
            sender = (message.get("from") or {}).get("type") or ""
            body = (message.get("body") or "").strip()
            if sender.startswith("CUSTOMER") and body:
                found.append((message.get("date_created") or "", body))
    return [body for _, body in sorted(found)]


def order_from_payload(
    payload: Any, *, messages: Iterable[str] = (), require_address: bool = True
) -> OrderRecord:
    """Map one OR11 order; raises PayloadError naming the order and what is wrong."""
    if not isinstance(payload, Mapping):
        raise _fail(payload, "the order is not an object")
    order_id = _text(payload, "order_id", payload)
    raw_lines = payload.get("order_lines")
    if not isinstance(raw_lines, list) or not raw_lines:
        raise _fail(payload, "it has no order lines")
    lines = tuple(line_from_payload(line, payload) for line in raw_lines)
    customer = payload.get("customer") if isinstance(payload.get("customer"), Mapping) else {}
    shipping = address_from_payload(customer.get("shipping_address"))
    if require_address and shipping is None:
        raise _fail(payload, "it has no shipping address although it is in SHIPPING")
    state = _text(payload, "order_state", payload)
    attributes: dict[str, Any] = {}
    texts = [m for m in messages if m]
    if texts:
        attributes[ORDER_MESSAGE_ATTRIBUTE] = MESSAGE_SEPARATOR.join(texts)
    buyer = {
        "customer_id": str(customer.get("customer_id") or ""),
        "name": " ".join(
            str(customer.get(k) or "").strip() for k in ("firstname", "lastname")
        ).strip(),
    }
    return OrderRecord(
        channel_order_id=order_id,
        channel_status=state,
        placed_at=_date(payload.get("created_date"), "created_date", payload),
        updated_at=_date(payload.get("last_updated_date"), "last_updated_date", payload),
        lines=lines,
        currency=str(payload.get("currency_iso_code") or "")[:3] or None,
        total=_money(payload.get("total_price"), "total_price", payload),
        shipping_method=str(payload.get("shipping_type_code") or "") or None,
        buyer={k: v for k, v in buyer.items() if v},
        shipping_address=shipping,
        billing_address=address_from_payload(customer.get("billing_address")),
        attributes=attributes,
        cancelled=state in CANCELLED_STATES,
        awaiting_payment=state in UNPAID_STATES,
    )


def status_from_payload(payload: Any) -> OrderStatusRecord:
    if not isinstance(payload, Mapping):
        raise _fail(payload, "the order is not an object")
    state = _text(payload, "order_state", payload)
    return OrderStatusRecord(
        channel_order_id=_text(payload, "order_id", payload),
        channel_status=state,
        updated_at=_date(payload.get("last_updated_date"), "last_updated_date", payload),
        cancelled=state in CANCELLED_STATES,
    )


def tracking_body(shipment: Shipment) -> dict[str, str]:
    """OR23 body; a carrier we know only by name is sent as an unregistered carrier."""
    body: dict[str, str] = {}
    if shipment.carrier:
        body["carrier_name"] = shipment.carrier
    if shipment.tracking_number:
        body["tracking_number"] = shipment.tracking_number
    return body
