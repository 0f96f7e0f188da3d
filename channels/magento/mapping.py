"""Magento order payloads -> records, and shipments -> the ship body. Pure: no HTTP, no database.

What Magento's order shape asks of a mapper:
- the shipping address and method live only under
  ``extension_attributes.shipping_assignments[].shipping``;
- a configurable product is ordered as a parent item (``product_type: configurable``, the
  chosen child's SKU, the price) plus a child item (``parent_item_id`` set, price 0): the
  parent is the line, the child is dropped. A bundle is the other way round: its parent
  carries no stock and its children are the lines;
- ``state`` says whether the order is paid: ``processing`` is invoiced; ``new``,
  ``pending_payment``, ``payment_review`` and ``holded`` are not (yet); ``canceled`` is
  cancelled, and so is ``closed`` (refunded) when nothing was shipped;
- dates are store-UTC strings ``YYYY-MM-DD HH:MM:SS``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from functools import partial
from typing import Any

from channels import fields
from channels.countries import alpha2
from channels.errors import Info, MappingError, PayloadError
from channels.records import Address, OrderLineRecord, OrderRecord, OrderStatusRecord, Shipment

from .settings import CANCELLED_STATES, PAID_STATES, UNPAID_STATES

DATE_FORMAT = "%Y-%m-%d %H:%M:%S"
KNOWN_CARRIERS = {"ups": "ups", "usps": "usps", "fedex": "fedex", "dhl": "dhl"}


def magento_date(value: dt.datetime) -> str:
    """A filter value as Magento reads it: UTC, seconds, no zone."""
    return value.astimezone(dt.UTC).strftime(DATE_FORMAT)


def parse_date(value: str) -> dt.datetime:
    """``2025-03-04 09:12:31`` (store UTC) or ISO-8601; raises ValueError."""
    text = value.strip().replace("T", " ").replace("Z", "+00:00")
    parsed = dt.datetime.fromisoformat(text)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.UTC)
    return parsed.astimezone(dt.UTC)


# A date field of an order or a product: empty is none, and Magento's own format is accepted.
date_field = partial(fields.date, blank=True, parse=parse_date, kind="a date")


def order_ref(payload: Any) -> str | None:
    if isinstance(payload, Mapping) and payload.get("entity_id") not in (None, ""):
        return str(payload["entity_id"])
    return None


def _label(payload: Any) -> str:
    ref = order_ref(payload)
    increment = payload.get("increment_id") if isinstance(payload, Mapping) else None
    if ref and increment:
        return f"Magento order #{increment} (id {ref})"
    return f"Magento order {ref or '(without entity_id)'}"


def _fail(payload: Any, problem: str) -> PayloadError:
    return PayloadError(
        f"{_label(payload)} is malformed: {problem}; correct it in Magento, the other orders "
        "carry on",
        record_ref=order_ref(payload),
        details={"problem": problem},
    )


_date = partial(date_field, fail=_fail)
_money = partial(fields.money, fail=_fail)
_quantity = partial(fields.quantity, fail=_fail)


def address_from_payload(payload: Any) -> Address | None:
    if not isinstance(payload, Mapping):
        return None
    street = payload.get("street")
    lines = (
        [str(s).strip() for s in street if s]
        if isinstance(street, list)
        else [str(street or "").strip()]
    )
    name = " ".join(
        str(payload.get(k) or "").strip() for k in ("firstname", "middlename", "lastname")
    )
    return Address(
        name=" ".join(name.split()),
        company=str(payload.get("company") or ""),
        street_1=lines[0] if lines else "",
        street_2=", ".join(lines[1:]),
        postcode=str(payload.get("postcode") or ""),
        city=str(payload.get("city") or ""),
        state=str(payload.get("region") or payload.get("region_code") or ""),
        country_code=alpha2(payload.get("country_id")),
        phone=str(payload.get("telephone") or ""),
        email=str(payload.get("email") or ""),
    )


def shipping_of(payload: Mapping[str, Any]) -> tuple[str | None, Any]:
    """(method code, address) of the first shipping assignment."""
    extension = payload.get("extension_attributes")
    assignments = extension.get("shipping_assignments") if isinstance(extension, Mapping) else None
    if not isinstance(assignments, list) or not assignments:
        return None, None
    shipping = assignments[0].get("shipping") if isinstance(assignments[0], Mapping) else None
    if not isinstance(shipping, Mapping):
        return None, None
    method = shipping.get("method")
    return (str(method) if method else None), shipping.get("address")


def resolve_method(method: str | None, methods: Mapping[str, str]) -> str | None:
    """The OMS method for a Magento method code: the exact code, else its carrier part."""
    if not method:
        return None
    if method in methods:
        return methods[method]
    return methods.get(method.split("_", 1)[0])


def _personalisation(item: Mapping[str, Any]) -> dict[str, Any]:
    """Custom options the buyer typed (``product_option.extension_attributes.custom_options``)."""
    option = item.get("product_option")
    extension = option.get("extension_attributes") if isinstance(option, Mapping) else None
    options = extension.get("custom_options") if isinstance(extension, Mapping) else None
    if not isinstance(options, list):
        return {}
    texts = {
        str(o.get("option_id")): o.get("option_value")
        for o in options
        if isinstance(o, Mapping) and o.get("option_value") not in (None, "")
    }
    return {"type": "textual", "fields": texts} if texts else {}


def _shipped_lines(items: list[Any], owner: Any) -> list[Mapping[str, Any]]:
    """The items that are lines: configurable children and bundle parents are dropped."""
    if not all(isinstance(i, Mapping) for i in items):
        raise _fail(owner, "an item is not an object")
    by_id = {str(i.get("item_id")): i for i in items}
    lines = []
    for item in items:
        parent_id = item.get("parent_item_id")
        parent = by_id.get(str(parent_id)) if parent_id else None
        if parent is not None and parent.get("product_type") == "configurable":
            continue
        if item.get("product_type") == "bundle":
            continue
        lines.append(item)
    return lines


def line_from_item(item: Mapping[str, Any], order: Any) -> OrderLineRecord:
    sku = item.get("sku")
    if not isinstance(sku, str) or not sku.strip():
        raise _fail(order, f"item {item.get('item_id')} has no SKU")
    if item.get("item_id") in (None, ""):
        raise _fail(order, f"the item of SKU {sku} has no item_id")
    price = item.get("price_incl_tax", item.get("price"))
    return OrderLineRecord(
        channel_line_id=str(item["item_id"]),
        channel_sku=sku,
        quantity=_quantity(item.get("qty_ordered"), "item quantity", order),
        unit_price=_money(price, "price_incl_tax", order),
        name=str(item.get("name") or "")[:500],
        line_type="textual",
        personalisation=_personalisation(item),
    )


def _lines(payload: Mapping[str, Any]) -> tuple[OrderLineRecord, ...]:
    items = payload.get("items")
    if not isinstance(items, list) or not items:
        raise _fail(payload, "it has no items")
    lines = tuple(line_from_item(item, payload) for item in _shipped_lines(items, payload))
    if not lines:
        raise _fail(payload, "it has no item to ship")
    return lines


def is_cancelled(payload: Mapping[str, Any]) -> bool:
    """Canceled, or refunded (closed) before anything was shipped."""
    state = payload.get("state")
    if state in CANCELLED_STATES:
        return True
    if state == "closed":
        items = payload.get("items") if isinstance(payload.get("items"), list) else []
        return not any(isinstance(i, Mapping) and (i.get("qty_shipped") or 0) > 0 for i in items)
    return False


def _shipping_address(payload: Mapping[str, Any], raw: Any, cancelled: bool) -> Address | None:
    """The shipping address; an order without one is virtual (Info) or malformed."""
    address = address_from_payload(raw)
    if address is None and not cancelled:
        if payload.get("is_virtual"):
            raise Info(
                f"{_label(payload)} not imported: it is virtual (nothing to ship)",
                code="virtual_order",
                record_ref=order_ref(payload),
            )
        raise _fail(
            payload, "it has no shipping address (extension_attributes.shipping_assignments)"
        )
    return address


def _oms_method(
    payload: Mapping[str, Any], method: str | None, methods: Mapping[str, str]
) -> str | None:
    """The OMS shipping method; a paid order whose method has no mapping is not imported."""
    oms_method = resolve_method(method, methods)
    if oms_method is None and payload.get("state") in PAID_STATES:
        raise MappingError(
            f"{_label(payload)} not imported: shipping method '{method or '(none)'}' has no "
            "mapping; add it to the integration's Shipping method map (e.g. "
            f"{method or 'flatrate_flatrate'}=STANDARD) and the order is imported on the next run",
            code="unknown_shipping_method",
            record_ref=order_ref(payload),
            details={"shipping_method": method},
        )
    return oms_method


def order_from_payload(payload: Any, methods: Mapping[str, str]) -> OrderRecord:
    """Map one order; raises PayloadError, MappingError (unknown shipping method) or Info."""
    if not isinstance(payload, Mapping):
        raise _fail(payload, "the order is not an object")
    order_id = order_ref(payload)
    if order_id is None:
        raise _fail(payload, "'entity_id' is missing")
    state = str(payload.get("state") or "")
    if not state:
        raise _fail(payload, "'state' is missing")
    lines = _lines(payload)
    method, raw_address = shipping_of(payload)
    cancelled = is_cancelled(payload)
    shipping = _shipping_address(payload, raw_address, cancelled)
    attributes = {
        "increment_id": str(payload.get("increment_id") or ""),
        "magento_shipping_method": method,
        "magento_state": state,
    }
    return OrderRecord(
        channel_order_id=order_id,
        channel_status=str(payload.get("status") or state),
        placed_at=_date(payload.get("created_at"), "created_at", payload),
        updated_at=_date(payload.get("updated_at"), "updated_at", payload),
        lines=lines,
        currency=str(payload.get("order_currency_code") or "")[:3] or None,
        total=_money(payload.get("grand_total"), "grand_total", payload),
        shipping_method=_oms_method(payload, method, methods),
        buyer=_buyer(payload),
        shipping_address=shipping,
        billing_address=address_from_payload(payload.get("billing_address")),
        attributes={k: v for k, v in attributes.items() if v},
        cancelled=cancelled,
        awaiting_payment=state in UNPAID_STATES and not cancelled,
    )


def _buyer(payload: Mapping[str, Any]) -> dict[str, Any]:
    buyer = {
        "customer_id": str(payload.get("customer_id") or ""),
        "name": " ".join(
            str(payload.get(k) or "").strip() for k in ("customer_firstname", "customer_lastname")
        ).strip(),
        "email": str(payload.get("customer_email") or ""),
    }
    return {k: v for k, v in buyer.items() if v}


def status_from_payload(payload: Any) -> OrderStatusRecord:
    if not isinstance(payload, Mapping):
        raise _fail(payload, "the order is not an object")
    order_id = order_ref(payload)
    state = payload.get("state")
    if order_id is None or not state:
        raise _fail(payload, "'entity_id' or 'state' is missing")
    return OrderStatusRecord(
        channel_order_id=order_id,
        channel_status=str(payload.get("status") or state),
        updated_at=_date(payload.get("updated_at"), "updated_at", payload),
        cancelled=is_cancelled(payload),
    )


def carrier_code(carrier: str | None) -> str:
    """Magento's carrier codes for the carriers it knows; any other carrier is ``custom``."""
    return KNOWN_CARRIERS.get((carrier or "").strip().lower(), "custom")


def ship_body(shipment: Shipment, *, source_code: str | None, notify: bool) -> dict[str, Any]:
    """``POST /V1/order/{id}/ship``: the lines and the track. Lines without a Magento item id
    (not expected) make the body ship everything left, which is what the OMS dispatched."""
    items = []
    if shipment.lines and all(line.channel_line_id.isdigit() for line in shipment.lines):
        items = [
            {"order_item_id": int(line.channel_line_id), "qty": line.quantity}
            for line in shipment.lines
        ]
    body: dict[str, Any] = {"items": items, "notify": notify}
    if shipment.tracking_number:
        body["tracks"] = [
            {
                "track_number": shipment.tracking_number,
                "title": shipment.carrier or "Tracking",
                "carrier_code": carrier_code(shipment.carrier),
            }
        ]
    if source_code:
        body["arguments"] = {"extension_attributes": {"source_code": source_code}}
    return body


def already_shipped(payload: Mapping[str, Any]) -> bool:
    """Everything shipped: an earlier attempt went through before its answer was lost."""
    if payload.get("state") == "complete":
        return True
    items = payload.get("items")
    if not isinstance(items, list) or not items:
        return False
    lines = [i for i in items if isinstance(i, Mapping) and not i.get("parent_item_id")]
    return bool(lines) and all(
        (i.get("qty_shipped") or 0) >= (i.get("qty_ordered") or 0) for i in lines
    )
