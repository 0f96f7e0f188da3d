"""Magento product and MSI source-item payloads -> records, and stock -> source items. Pure.

A product's barcode is a custom attribute (``custom_attributes[{attribute_code, value}]``,
which code is a setting); its images are the enabled ``media_gallery_entries`` of type image,
whose ``file`` is relative to ``<base URL>/pub/media/catalog/product``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import partial
from typing import Any

from channels import fields
from channels.errors import PayloadError
from channels.records import ProductRecord, StockRecord, StockUpdate

from .mapping import date_field
from .settings import NO_STOCK_TYPES


def product_key(payload: Any) -> int | None:
    """The ``id`` products are paged by (``entity_id`` in filters)."""
    if isinstance(payload, Mapping):
        try:
            return int(payload.get("id"))
        except (TypeError, ValueError):
            return None
    return None


def _fail(payload: Any, problem: str) -> PayloadError:
    sku = payload.get("sku") if isinstance(payload, Mapping) else None
    ref = sku if isinstance(sku, str) and sku else None
    ident = product_key(payload)
    label = f"SKU {ref}" if ref else f"id {ident}" if ident is not None else "(without id)"
    return PayloadError(
        f"Magento product {label} is malformed: {problem}; correct it in Magento, the other "
        "products carry on",
        record_ref=ref or (str(ident) if ident is not None else None),
        details={"problem": problem},
    )


_decimal = partial(fields.decimal, fail=_fail, blank=True)
_date = partial(date_field, fail=_fail)


def custom_attributes(payload: Mapping[str, Any]) -> dict[str, Any]:
    raw = payload.get("custom_attributes")
    if not isinstance(raw, list):
        return {}
    return {
        str(a["attribute_code"]): a.get("value")
        for a in raw
        if isinstance(a, Mapping) and a.get("attribute_code")
    }


def image_urls(payload: Mapping[str, Any], media_base: str) -> tuple[str, ...]:
    entries = payload.get("media_gallery_entries")
    if not isinstance(entries, list):
        return ()
    images = [
        e
        for e in entries
        if isinstance(e, Mapping)
        and e.get("media_type", "image") == "image"
        and not e.get("disabled")
        and isinstance(e.get("file"), str)
        and e["file"]
    ]
    images.sort(key=lambda e: e.get("position") if isinstance(e.get("position"), int) else 0)
    return tuple(f"{media_base}/{e['file'].lstrip('/')}" for e in images)


def product_from_payload(
    payload: Any, *, media_base: str, barcode_attribute: str = "ean"
) -> ProductRecord:
    """Map one ``ProductInterface``; raises PayloadError naming the product."""
    if not isinstance(payload, Mapping):
        raise _fail(payload, "the product is not an object")
    ident = product_key(payload)
    if ident is None:
        raise _fail(payload, "'id' is missing")
    sku = payload.get("sku")
    if not isinstance(sku, str) or not sku.strip():
        raise _fail(payload, "'sku' is missing")
    if len(sku) > 120:
        raise _fail(payload, "'sku' is longer than 120 characters")
    barcode = custom_attributes(payload).get(barcode_attribute)
    return ProductRecord(
        channel_product_id=str(ident),
        sku=sku.strip(),
        name=str(payload.get("name") or "")[:500],
        barcode=str(barcode)[:64] if barcode not in (None, "") else None,
        weight=_decimal(payload.get("weight"), "weight", payload, places="0.001"),
        price=_decimal(payload.get("price"), "price", payload, places="0.01"),
        active=payload.get("status") in (1, "1"),
        created_at=_date(payload.get("created_at"), "created_at", payload),
        updated_at=_date(payload.get("updated_at"), "updated_at", payload),
        image_urls=image_urls(payload, media_base),
        attributes={"type_id": str(payload.get("type_id") or "simple")},
    )


def stock_from_payload(payload: Any) -> StockRecord:
    """One MSI source item; a fractional quantity (decimal stock) is rounded down."""
    if not isinstance(payload, Mapping) or not isinstance(payload.get("sku"), str):
        raise PayloadError(
            "Magento answered a source item without a SKU",
            details={"problem": "source item without sku"},
        )
    quantity = payload.get("quantity")
    if isinstance(quantity, bool) or not isinstance(quantity, int | float):
        raise PayloadError(
            f"Magento source item of SKU {payload['sku']} has no numeric quantity",
            record_ref=payload["sku"],
            details={"problem": "quantity is not a number"},
        )
    return StockRecord(
        sku=payload["sku"],
        quantity=int(quantity),
        channel_ref=str(payload.get("source_code") or "") or None,
    )


def stockable(update: StockUpdate) -> bool:
    """Composite products (configurable, bundle, grouped) hold no stock of their own."""
    return (update.attributes or {}).get("type_id") not in NO_STOCK_TYPES


def source_items(updates: Iterable[StockUpdate], source_code: str) -> list[dict[str, Any]]:
    return [
        {
            "sku": u.sku,
            "source_code": source_code,
            "quantity": max(0, u.quantity),
            "status": 1 if u.quantity > 0 else 0,
        }
        for u in updates
    ]
