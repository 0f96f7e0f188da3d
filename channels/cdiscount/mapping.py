"""CDiscount payloads -> records, and records -> CDiscount requests. Pure: no HTTP, no database.

Payloads are the service's XSD types read into plain dicts (element name -> value; an
``ArrayOfX`` is ``{"X": [...]}``; a nil or absent element is ``None``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

from channels.countries import alpha2
from channels.errors import Error, PayloadError
from channels.records import Address, OrderLineRecord, OrderRecord, OrderStatusRecord, Shipment

from .settings import (
    CANCELLED_STATES,
    FEE_PRODUCT_IDS,
    LINE_SHIPPED_STATE,
    PRODUCT_CONDITION,
    SERVICE_TIMEZONE,
    SHIPPED_STATE,
)

SERVICE_ZONE = ZoneInfo(SERVICE_TIMEZONE)
CENT = Decimal("0.01")
RELAY_ATTRIBUTE = ":CdiscountRelayId"
# Tracking pages of the carriers French sellers use most; `{}` is the tracking number.
TRACKING_URLS = {
    "colissimo": "https://www.laposte.fr/outils/suivre-vos-envois?code={}",
    "la poste": "https://www.laposte.fr/outils/suivre-vos-envois?code={}",
    "chronopost": "https://www.chronopost.fr/tracking-no-cms/suivi-page?listeNumerosLT={}",
    "ups": "https://www.ups.com/track?tracknum={}",
    "dhl": "https://www.dhl.com/fr-fr/home/tracking.html?tracking-id={}",
    "dpd": "https://trace.dpd.fr/fr/trace/{}",
    "gls": "https://gls-group.com/FR/fr/suivi-colis?match={}",
}


# -- dates -----------------------------------------------------------------------------
def from_service_time(value: dt.datetime) -> dt.datetime:
    """A date the service sent (Paris time when it carries no offset) as UTC."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=SERVICE_ZONE)
    return value.astimezone(dt.UTC)


def to_service_time(value: dt.datetime) -> dt.datetime:
    """A UTC date as the naive Paris time the service compares its own dates with."""
    return value.astimezone(SERVICE_ZONE).replace(tzinfo=None)


def order_filter(
    *,
    states: Iterable[str],
    created_from: dt.datetime | None = None,
    created_before: dt.datetime | None = None,
    modified_from: dt.datetime | None = None,
    modified_before: dt.datetime | None = None,
    with_lines: bool = True,
    order_numbers: Iterable[str] = (),
) -> dict[str, Any]:
    """A GetOrderList `OrderFilter`; bounds are UTC, start inclusive and end exclusive."""
    body: dict[str, Any] = {"FetchOrderLines": with_lines, "FetchParcels": False}
    for name, value in (
        ("BeginCreationDate", created_from),
        ("EndCreationDate", created_before),
        ("BeginModificationDate", modified_from),
        ("EndModificationDate", modified_before),
    ):
        if value is not None:
            body[name] = to_service_time(value)
    numbers = list(order_numbers)
    if numbers:
        body["OrderReferenceList"] = {"string": numbers}
    state_list = list(states)
    if state_list:
        body["States"] = {"OrderStateEnum": state_list}
    return body


# -- orders ----------------------------------------------------------------------------
def order_ref(payload: Any) -> str | None:
    if isinstance(payload, Mapping) and payload.get("OrderNumber"):
        return str(payload["OrderNumber"])
    return None


def malformed(ref: str | None, problems: Iterable[str]) -> PayloadError:
    """The error for an order that cannot be read; the run goes on with the next one."""
    text = "; ".join(problems)
    return PayloadError(
        f"CDiscount order {ref or '(without OrderNumber)'} is malformed: {text}; it is not "
        "imported, the other orders carry on (ask CDiscount seller support to check it)",
        record_ref=ref,
        details={"problem": text},
    )


def _fail(payload: Any, problem: str) -> PayloadError:
    return malformed(order_ref(payload), [problem])


def _text(value: Any) -> str:
    return str(value).strip() if value is not None else ""


def _items(payload: Mapping, array: str, item: str) -> list[Any]:
    """The items of an `ArrayOfX` element (`None` or an empty array give [])."""
    container = payload.get(array)
    if not isinstance(container, Mapping):
        return []
    items = container.get(item)
    return list(items) if isinstance(items, list) else []


def _money(value: Any, order: Any = None, what: str = "an amount") -> Decimal | None:
    if value is None:
        return None
    try:
        amount = Decimal(str(value)).quantize(CENT)
    except (InvalidOperation, ValueError):
        amount = None
    if isinstance(value, bool) or amount is None or not amount.is_finite():
        raise _fail(order, f"{what} is not a number: {str(value)[:40]!r}")
    return amount


def _date(payload: Mapping, key: str, *, required: bool) -> dt.datetime | None:
    value = payload.get(key)
    if isinstance(value, dt.datetime):
        return from_service_time(value)
    if required:
        raise _fail(payload, f"'{key}' is missing or not a date")
    return None


def is_fee_line(line: Mapping) -> bool:
    ids = {_text(line.get("ProductId")).upper(), _text(line.get("SellerProductId")).upper()}
    return bool(ids & FEE_PRODUCT_IDS)


def line_from_payload(line: Any, order: Mapping, number: int) -> OrderLineRecord:
    if not isinstance(line, Mapping):
        raise _fail(order, f"order line {number} is empty")
    sku = _text(line.get("SellerProductId"))
    if not sku:
        raise _fail(order, f"order line {number} has no SellerProductId")
    quantity = line.get("Quantity")
    if not isinstance(quantity, int) or quantity <= 0:
        raise _fail(order, f"order line {number} ({sku}) has no positive Quantity")
    price = _money(line.get("PurchasePrice"), order, f"order line {number} PurchasePrice")
    row = line.get("RowId")
    return OrderLineRecord(
        channel_line_id=str(row if row is not None else number),
        channel_sku=sku,
        quantity=quantity,
        # PurchasePrice is what the buyer paid for the whole line.
        unit_price=(price / quantity).quantize(CENT) if price is not None else None,
        name=_text(line.get("Name"))[:500],
        line_type="textual",
    )


def address_from_payload(address: Any, customer: Mapping, *, shipping: bool) -> Address | None:
    """CDiscount splits a street over Street, Address1/2, Building, ApartmentNumber, PlaceName."""
    if not isinstance(address, Mapping):
        return None
    first, last = _text(address.get("FirstName")), _text(address.get("LastName"))
    if shipping and not (first or last):
        first = _text(customer.get("ShippingFirstName"))
        last = _text(customer.get("ShippingLastName"))
    parts = [
        _text(address.get(k))
        for k in ("Street", "Address1", "Address2", "Building", "ApartmentNumber", "PlaceName")
    ]
    parts = [p for p in parts if p]
    phone = _text(customer.get("MobilePhone")) or _text(customer.get("Phone"))
    return Address(
        name=" ".join(p for p in (first, last) if p),
        company=_text(address.get("CompanyName")),
        street_1=parts[0] if parts else "",
        street_2=", ".join(parts[1:]),
        postcode=_text(address.get("ZipCode")),
        city=_text(address.get("City")),
        state=_text(address.get("County")),
        country_code=alpha2(_text(address.get("Country"))),
        phone=phone if shipping else "",
        email=_text(customer.get("EncryptedEmail")) or _text(customer.get("Email")),
    )


def order_from_payload(payload: Any) -> OrderRecord:
    """Map one GetOrderList order; raises PayloadError naming the order and what is wrong."""
    if not isinstance(payload, Mapping):
        raise _fail(payload, "the order is empty")
    order_id = order_ref(payload)
    if not order_id:
        raise _fail(payload, "it has no OrderNumber")
    state = _text(payload.get("OrderState"))
    if not state:
        raise _fail(payload, "it has no OrderState")
    raw_lines = _items(payload, "OrderLineList", "OrderLine")
    if not raw_lines:
        raise _fail(payload, "it has no order lines")
    products = [(n, line) for n, line in enumerate(raw_lines, start=1) if not _is_fee(line)]
    if not products:
        raise _fail(payload, "it has only fee lines, no product")
    lines = tuple(line_from_payload(line, payload, n) for n, line in products)
    customer = payload.get("Customer") if isinstance(payload.get("Customer"), Mapping) else {}
    shipping = address_from_payload(payload.get("ShippingAddress"), customer, shipping=True)
    if shipping is None:
        raise _fail(payload, "it has no ShippingAddress")
    attributes = {}
    relay = _text((payload.get("ShippingAddress") or {}).get("RelayId"))
    if relay:
        attributes[RELAY_ATTRIBUTE] = relay
    return OrderRecord(
        channel_order_id=order_id,
        channel_status=state,
        placed_at=_date(payload, "CreationDate", required=True),
        updated_at=_updated_at(payload),
        lines=lines,
        currency="EUR",
        total=_total(payload),
        shipping_method=_text(payload.get("ShippingCode")) or None,
        buyer=_buyer(customer),
        shipping_address=shipping,
        billing_address=address_from_payload(
            payload.get("BillingAddress"), customer, shipping=False
        ),
        attributes=attributes,
        cancelled=state in CANCELLED_STATES,
    )


def _is_fee(line: Any) -> bool:
    return isinstance(line, Mapping) and is_fee_line(line)


def _updated_at(payload: Mapping) -> dt.datetime | None:
    return _date(payload, "ModifiedDate", required=False) or _date(
        payload, "LastUpdatedDate", required=False
    )


def _total(payload: Mapping) -> Decimal | None:
    validated = _money(payload.get("ValidatedTotalAmount"), payload, "ValidatedTotalAmount")
    return (
        validated
        if validated
        else _money(payload.get("InitialTotalAmount"), payload, "InitialTotalAmount")
    )


def _buyer(customer: Mapping) -> dict[str, str]:
    buyer = {
        "customer_id": _text(customer.get("CustomerId")),
        "name": " ".join(
            p for p in (_text(customer.get("FirstName")), _text(customer.get("LastName"))) if p
        ),
        "email": _text(customer.get("EncryptedEmail")) or _text(customer.get("Email")),
    }
    return {k: v for k, v in buyer.items() if v}


def status_from_payload(payload: Any) -> OrderStatusRecord:
    if not isinstance(payload, Mapping):
        raise _fail(payload, "the order is empty")
    order_id = order_ref(payload)
    state = _text(payload.get("OrderState"))
    if not order_id or not state:
        raise _fail(payload, "it has no OrderNumber or no OrderState")
    return OrderStatusRecord(
        channel_order_id=order_id,
        channel_status=state,
        updated_at=_updated_at(payload),
        cancelled=state in CANCELLED_STATES,
    )


# -- shipments ---------------------------------------------------------------------------
def tracking_url(carrier: str, tracking_number: str) -> str | None:
    template = TRACKING_URLS.get(carrier.strip().lower())
    return template.format(quote(tracking_number, safe="")) if template else None


def shipped_order(shipment: Shipment) -> dict[str, Any]:
    """The `ValidateOrder` that marks an order Shipped and each of its lines ShippedBySeller.

    CDiscount refuses a dispatch without carrier and tracking number, so nothing is sent
    without them and the error says which one is missing.
    """
    order_id = shipment.channel_order_id
    missing = shipment.missing_tracking()
    if missing:
        raise Error(
            f"order {order_id} not confirmed to CDiscount: the {' and the '.join(missing)} "
            f"{'is' if len(missing) == 1 else 'are'} missing; set {' and '.join(missing)} on "
            "the order and it is confirmed on the next run",
            code="missing_tracking",
            record_ref=order_id,
            details={"missing": missing},
        )
    skus = list(dict.fromkeys(line.channel_sku for line in shipment.lines if line.channel_sku))
    if not skus:
        raise Error(
            f"order {order_id} has no lines to confirm to CDiscount",
            code="no_lines",
            record_ref=order_id,
        )
    carrier = (shipment.carrier or "").strip()
    number = (shipment.tracking_number or "").strip()
    return {
        "CarrierName": carrier,
        "OrderLineList": {
            "ValidateOrderLine": [
                {
                    "AcceptationState": LINE_SHIPPED_STATE,
                    "ProductCondition": PRODUCT_CONDITION,
                    "SellerProductId": sku,
                }
                for sku in skus
            ]
        },
        "OrderNumber": order_id,
        "OrderState": SHIPPED_STATE,
        "TrackingNumber": number,
        "TrackingUrl": tracking_url(carrier, number),
    }


def errors_of(container: Any, key: str = "Errors") -> list[tuple[str, str]]:
    """(ErrorType, Message) pairs of an `ArrayOfError` element."""
    if not isinstance(container, Mapping):
        return []
    found = []
    for error in _items(container, key, "Error"):
        if isinstance(error, Mapping):
            found.append((_text(error.get("ErrorType")), _text(error.get("Message"))))
    return found


def validation_result(results: Iterable[Any], order_id: str) -> tuple[bool, list[tuple[str, str]]]:
    """Whether CDiscount validated the order, with the order's and its lines' errors."""
    for result in results:
        if not isinstance(result, Mapping) or _text(result.get("OrderNumber")) != order_id:
            continue
        errors = errors_of(result)
        for line in _items(result, "ValidateOrderLineResults", "ValidateOrderLineResult"):
            if isinstance(line, Mapping) and line.get("Updated") is False:
                sku = _text(line.get("SellerProductId"))
                errors += [(kind, f"line {sku}: {text}") for kind, text in errors_of(line)]
        return bool(result.get("Validated")), errors
    raise PayloadError(
        f"CDiscount answered ValidateOrderList without a result for order {order_id}",
        code="malformed_response",
        record_ref=order_id,
    )
