"""Shopify products -> one `ProductRecord` per variant, and inventory levels -> stock. Pure.

The OMS knows sellable units by SKU, so every variant is a product: named "<product> - <variant>"
(just the product title for Shopify's single "Default Title" variant), weighed in kilograms,
carrying the references later feeds need (``inventory_item_id`` for stock, the product and
variant ids) in ``attributes``.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from channels.errors import PayloadError
from channels.records import ProductRecord, StockRecord
from channels.settings_spec import parse_utc

DEFAULT_VARIANT_TITLE = "Default Title"
KILOGRAMS_PER_UNIT = {"kg": Decimal("1"), "g": Decimal("0.001"), "lb": Decimal("0.45359237"),
                      "oz": Decimal("0.028349523125")}


def _fail(product: Any, variant: Any, problem: str) -> PayloadError:
    product_id = product.get("id") if isinstance(product, Mapping) else None
    variant_id = variant.get("id") if isinstance(variant, Mapping) else None
    title = product.get("title") if isinstance(product, Mapping) else None
    ref = f"{product_id}/{variant_id}" if variant_id is not None else str(product_id)
    return PayloadError(
        f"Shopify product {title or product_id!s:.80} (variant {variant_id}) not imported: "
        f"{problem}",
        record_ref=ref,
        details={"problem": problem},
    )


def _decimal(value: Any) -> Decimal | None:
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def weight_kg(variant: Mapping[str, Any]) -> Decimal | None:
    """Grams when given (they do not depend on the shop's unit), else weight x unit."""
    grams = _decimal(variant.get("grams"))
    if grams is not None and grams > 0:
        return (grams / 1000).quantize(Decimal("0.001"))
    weight = _decimal(variant.get("weight"))
    unit = KILOGRAMS_PER_UNIT.get(str(variant.get("weight_unit") or "kg"))
    if weight is None or unit is None:
        return None
    return (weight * unit).quantize(Decimal("0.001"))


def variant_name(product: Mapping[str, Any], variant: Mapping[str, Any]) -> str:
    title = str(product.get("title") or "").strip()
    variant_title = str(variant.get("title") or "").strip()
    if not variant_title or variant_title == DEFAULT_VARIANT_TITLE:
        return title
    return f"{title} - {variant_title}"


def _image_urls(product: Mapping[str, Any], variant: Mapping[str, Any]) -> tuple[str, ...]:
    """The variant's own image when it has one, else the product's images in order."""
    images = [i for i in product.get("images") or [] if isinstance(i, Mapping) and i.get("src")]
    own = [i["src"] for i in images if variant.get("image_id") and i.get("id") ==
           variant.get("image_id")]
    if own:
        return tuple(own)
    ordered = sorted(images, key=lambda i: i.get("position") or 0)
    return tuple(str(i["src"]) for i in ordered)


def _when(value: Any) -> Any:
    if not isinstance(value, str):
        return None
    try:
        return parse_utc(value)
    except ValueError:
        return None


def variant_record(product: Mapping[str, Any], variant: Any) -> ProductRecord:
    if not isinstance(variant, Mapping) or variant.get("id") is None:
        raise _fail(product, variant, "a variant is not an object with an id")
    sku = variant.get("sku")
    if not isinstance(sku, str) or not sku.strip():
        raise _fail(product, variant, "the variant has no SKU; give it one in Shopify and it "
                                      "is imported by the next product update")
    attributes = {"shopify_product_id": str(product.get("id")),
                  "shopify_variant_id": str(variant["id"])}
    if variant.get("inventory_item_id") is not None:
        attributes["inventory_item_id"] = str(variant["inventory_item_id"])
    barcode = variant.get("barcode")
    return ProductRecord(
        channel_product_id=str(variant["id"]),
        sku=sku.strip(),
        name=variant_name(product, variant)[:500],
        barcode=str(barcode).strip()[:64] if barcode else None,
        weight=weight_kg(variant),
        price=_decimal(variant.get("price")),
        active=product.get("status", "active") == "active",
        created_at=_when(variant.get("created_at") or product.get("created_at")),
        updated_at=_when(variant.get("updated_at") or product.get("updated_at")),
        image_urls=_image_urls(product, variant),
        attributes=attributes,
    )


def product_records(product: Any) -> tuple[list[ProductRecord], list[PayloadError]]:
    """The product's variants as records, and a problem per variant that cannot be one."""
    if not isinstance(product, Mapping) or product.get("id") is None:
        return [], [_fail({}, None, "a product is not an object with an id")]
    records, problems = [], []
    variants = product.get("variants")
    if not isinstance(variants, list):
        return [], [_fail(product, None, "it has no variants list")]
    for variant in variants:
        try:
            records.append(variant_record(product, variant))
        except PayloadError as problem:
            problems.append(problem)
    return records, problems


def sku_by_inventory_item(products: list[Any]) -> dict[str, str]:
    """inventory_item_id -> SKU for the variants of a page of products."""
    found: dict[str, str] = {}
    for product in products:
        for variant in (product.get("variants") or []) if isinstance(product, Mapping) else []:
            if not isinstance(variant, Mapping):
                continue
            sku, item = variant.get("sku"), variant.get("inventory_item_id")
            if isinstance(sku, str) and sku.strip() and item is not None:
                found[str(item)] = sku.strip()
    return found


def stock_record(level: Any, skus: Mapping[str, str]) -> StockRecord | None:
    """One inventory level as stock of a SKU; None for items we have no SKU for or untracked."""
    if not isinstance(level, Mapping):
        return None
    item = str(level.get("inventory_item_id"))
    available = level.get("available")
    if item not in skus or isinstance(available, bool) or not isinstance(available, int):
        return None
    return StockRecord(sku=skus[item], quantity=available, channel_ref=item)
