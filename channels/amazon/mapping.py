"""Orders API v0 payloads -> records, and shipments -> confirmShipment bodies. Pure.

Field names are the model's (`AmazonOrderId`, `PurchaseDate`, `OrderItems[].SellerSKU`, ...).
`ItemPrice` is the line total (unit price x quantity), so the unit price is divided out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import partial
from typing import Any

from channels import fields
from channels.countries import alpha2
from channels.errors import Error, PayloadError
from channels.records import Address, OrderLineRecord, OrderRecord, OrderStatusRecord, Shipment

from . import settings as spec
from .customisation import Customisation

MESSAGE_SEPARATOR = "\n---\n"


@dataclass(frozen=True)
class ItemExtras:
    """What getOrderItemsBuyerInfo (and the customisation ZIP) add to one order item."""

    gift_message: str = ""
    customisation: Customisation | None = None


def order_ref(payload: Any) -> str | None:
    if isinstance(payload, Mapping) and payload.get("AmazonOrderId"):
        return str(payload["AmazonOrderId"])
    return None


def fail(ref: str | None, problem: str) -> PayloadError:
    return PayloadError(
        f"Amazon order {ref or '(without AmazonOrderId)'} is malformed: {problem}; "
        "the other orders carry on",
        record_ref=ref,
        details={"problem": problem},
    )


_text = partial(fields.text, fail=fail, numbers=False)
date = partial(fields.date, fail=fail, kind="an ISO 8601 date")


def purchase_date(payload: Any) -> dt.datetime | None:
    """The order's PurchaseDate, or None when it cannot be read (for the cursor only)."""
    try:
        return date(payload.get("PurchaseDate"), "PurchaseDate", None)
    except (PayloadError, AttributeError):
        return None


def money(value: Any, key: str, ref: str | None) -> tuple[Decimal | None, str | None]:
    """A `Money` object: (amount, currency); amounts are strings in the model."""
    if value is None:
        return None, None
    if not isinstance(value, Mapping):
        raise fail(ref, f"'{key}' should be a Money object")
    amount = value.get("Amount")
    if amount is None:
        return None, value.get("CurrencyCode")
    number = fields.decimal(amount, f"{key}.Amount", ref, fail=fail, places=None)
    currency = value.get("CurrencyCode")
    return number, str(currency)[:3] if currency else None


def address_from_payload(payload: Any) -> Address | None:
    if not isinstance(payload, Mapping):
        return None
    extra = ", ".join(
        str(payload[k]).strip() for k in ("AddressLine2", "AddressLine3") if payload.get(k)
    )
    return Address(
        name=str(payload.get("Name") or ""),
        company=str(payload.get("CompanyName") or ""),
        street_1=str(payload.get("AddressLine1") or ""),
        street_2=extra,
        postcode=str(payload.get("PostalCode") or ""),
        city=str(payload.get("City") or ""),
        state=str(payload.get("StateOrRegion") or payload.get("County") or ""),
        country_code=alpha2(payload.get("CountryCode")),
        phone=str(payload.get("Phone") or ""),
    )


def personalisation(extras: ItemExtras, level: str) -> dict[str, Any]:
    """The line's personalisation at the integration's Customisation Level.

    Minimum keeps what the buyer wrote (texts and gift message); Medium and Maximum add the
    cosmetic choices (font and colour of each text, options such as size or colour).
    """
    custom = extras.customisation
    if custom is None and not extras.gift_message:
        return {}
    result: dict[str, Any] = {"type": "textual", "source": "amazon_custom", "level": level}
    if custom is not None and custom.texts:
        result["fields"] = {area.label: area.text for area in custom.texts}
    if extras.gift_message:
        result["gift_message"] = extras.gift_message
    if level != spec.LEVEL_MINIMUM and custom is not None:
        cosmetics = {
            area.label: {k: v for k, v in (("font", area.font), ("colour", area.colour)) if v}
            for area in custom.texts
            if area.font or area.colour
        }
        if cosmetics:
            result["cosmetics"] = cosmetics
        if custom.options:
            result["options"] = dict(custom.options)
    return result


def concatenated_sku(seller_sku: str, extras: ItemExtras, labels: Sequence[str]) -> str:
    """The Amazon SKU plus the values chosen for the 'SKU Concatenation Labels' options."""
    if not labels or extras.customisation is None:
        return seller_sku
    chosen = {k.strip().lower(): v for k, v in extras.customisation.options.items()}
    parts = [chosen[label.strip().lower()] for label in labels if label.strip().lower() in chosen]
    return "-".join([seller_sku, *parts])


def line_from_item(
    item: Any, ref: str | None, extras: ItemExtras, level: str, sku_labels: Sequence[str]
) -> OrderLineRecord:
    if not isinstance(item, Mapping):
        raise fail(ref, "an order item is not an object")
    item_id = _text(item, "OrderItemId", ref)
    seller_sku = item.get("SellerSKU")
    if not isinstance(seller_sku, str) or not seller_sku.strip():
        raise fail(ref, f"item {item_id} has no SellerSKU")
    quantity = fields.quantity(item.get("QuantityOrdered"), f"item {item_id}: QuantityOrdered",
                               ref, fail=fail, floats=False)
    total, _ = money(item.get("ItemPrice"), "ItemPrice", ref)
    unit = (total / quantity).quantize(Decimal("0.01")) if total is not None else None
    return OrderLineRecord(
        channel_line_id=item_id,
        channel_sku=concatenated_sku(seller_sku.strip(), extras, sku_labels),
        quantity=quantity,
        unit_price=unit,
        name=str(item.get("Title") or "")[:500],
        line_type="textual",
        personalisation=personalisation(extras, level),
    )


def _attributes(payload: Mapping, items: Sequence[Mapping], extras: Mapping[str, ItemExtras]):
    attributes: dict[str, Any] = {}
    for key, name in (
        (spec.ATTRIBUTE_MARKETPLACE, "MarketplaceId"),
        (spec.ATTRIBUTE_SALES_CHANNEL, "SalesChannel"),
        (spec.ATTRIBUTE_LATEST_SHIP_DATE, "LatestShipDate"),
    ):
        if payload.get(name):
            attributes[key] = str(payload[name])
    for key, name in (
        (spec.ATTRIBUTE_PRIME, "IsPrime"),
        (spec.ATTRIBUTE_BUSINESS, "IsBusinessOrder"),
    ):
        if payload.get(name) is True:
            attributes[key] = True
    reasons = [
        str((item.get("BuyerRequestedCancel") or {}).get("BuyerCancelReason") or "requested")
        for item in items
        if str((item.get("BuyerRequestedCancel") or {}).get("IsBuyerRequestedCancel")).lower()
        == "true"
    ]
    if reasons:
        attributes[spec.ATTRIBUTE_CANCEL_REQUEST] = "; ".join(dict.fromkeys(reasons))
    messages = [e.gift_message for e in extras.values() if e.gift_message]
    if messages:
        attributes[spec.ATTRIBUTE_GIFT_MESSAGE] = MESSAGE_SEPARATOR.join(dict.fromkeys(messages))
    return attributes


def order_from_payload(
    payload: Any,
    items: Sequence[Any],
    extras: Mapping[str, ItemExtras] | None = None,
    *,
    level: str = spec.LEVEL_MEDIUM,
    sku_labels: Sequence[str] = (),
) -> OrderRecord:
    """One getOrders order plus its getOrderItems items; raises PayloadError naming the order."""
    if not isinstance(payload, Mapping):
        raise fail(None, "the order is not an object")
    ref = _text(payload, "AmazonOrderId", None)
    status = _text(payload, "OrderStatus", ref)
    if not items:
        raise fail(ref, "it has no order items")
    extras = extras or {}
    lines = tuple(
        line_from_item(
            item,
            ref,
            extras.get(
                str(item.get("OrderItemId")) if isinstance(item, Mapping) else "", ItemExtras()
            ),
            level,
            sku_labels,
        )
        for item in items
    )
    shipping = address_from_payload(payload.get("ShippingAddress"))
    if shipping is None or not (shipping.street_1 or shipping.name):
        raise fail(
            ref,
            "it has no shipping address although it is "
            f"{status} (the app needs the restricted Direct-to-Consumer Shipping role)",
        )
    total, currency = money(payload.get("OrderTotal"), "OrderTotal", ref)
    buyer_info = payload.get("BuyerInfo") if isinstance(payload.get("BuyerInfo"), Mapping) else {}
    buyer = {"email": buyer_info.get("BuyerEmail"), "name": buyer_info.get("BuyerName")}
    return OrderRecord(
        channel_order_id=ref,
        channel_status=status,
        placed_at=date(payload.get("PurchaseDate"), "PurchaseDate", ref),
        updated_at=date(payload.get("LastUpdateDate"), "LastUpdateDate", ref),
        lines=lines,
        currency=currency,
        total=total.quantize(Decimal("0.01")) if total is not None else None,
        shipping_method=str(
            payload.get("ShipServiceLevel") or payload.get("ShipmentServiceLevelCategory") or ""
        )
        or None,
        buyer={k: str(v) for k, v in buyer.items() if v},
        shipping_address=shipping,
        attributes=_attributes(payload, [i for i in items if isinstance(i, Mapping)], extras),
        cancelled=status in spec.CANCELLED_STATUSES,
    )


def status_from_payload(payload: Any) -> OrderStatusRecord:
    if not isinstance(payload, Mapping):
        raise fail(None, "the order is not an object")
    ref = _text(payload, "AmazonOrderId", None)
    status = _text(payload, "OrderStatus", ref)
    return OrderStatusRecord(
        channel_order_id=ref,
        channel_status=status,
        updated_at=date(payload.get("LastUpdateDate"), "LastUpdateDate", ref),
        cancelled=status in spec.CANCELLED_STATUSES,
    )


def carrier_fields(carrier: str) -> dict[str, str]:
    """A known carrier is sent by its Amazon code; any other as `Other` with its name."""
    known = {code.lower(): code for code in spec.CARRIER_CODES}
    code = known.get(carrier.strip().lower())
    if code:
        return {"carrierCode": code, "carrierName": code}
    return {"carrierCode": "Other", "carrierName": carrier.strip()}


def iso_millis(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.") + (
        f"{value.microsecond // 1000:03d}Z"
    )


def shipment_body(shipment: Shipment, marketplace_id: str) -> dict[str, Any]:
    """confirmShipment body; a shipment without carrier or tracking is refused before sending."""
    missing = shipment.missing_tracking()
    if missing:
        raise Error(
            f"order {shipment.channel_order_id} not confirmed to Amazon: the "
            f"{' and the '.join(missing)} {'is' if len(missing) == 1 else 'are'} missing on the "
            "dispatch; Amazon requires both. Add them to the order and it is confirmed on the "
            "next run",
            code="missing_tracking" if missing == ["tracking number"] else "missing_carrier",
            record_ref=shipment.channel_order_id,
            details={"missing": missing},
        )
    items = [
        {"orderItemId": line.channel_line_id, "quantity": line.quantity}
        for line in shipment.lines
        if line.channel_line_id
    ]
    if not items:
        raise Error(
            f"order {shipment.channel_order_id} not confirmed to Amazon: its lines have no "
            "Amazon OrderItemId",
            code="missing_order_items",
            record_ref=shipment.channel_order_id,
        )
    return {
        "marketplaceId": marketplace_id,
        "packageDetail": {
            "packageReferenceId": "1",
            **carrier_fields(shipment.carrier or ""),
            "trackingNumber": (shipment.tracking_number or "").strip(),
            "shipDate": iso_millis(shipment.shipped_at),
            "orderItems": items,
        },
    }
