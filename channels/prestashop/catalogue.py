"""PrestaShop products, combinations, stock and suppliers -> records, and stock -> XML fields.
Pure: no HTTP.

A product without combinations is one OMS product (its ``reference`` is the SKU). A product
with combinations is sold only through them: each combination is an OMS product of its own
(the combination's ``reference``; name, price and weight are the product's plus the
combination's option names and impacts) and the parent is not imported. Channel ids are
``"<id_product>"`` or ``"<id_product>-<id_product_attribute>"``, the pair every stock row and
supplier link is keyed by.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from channels.errors import PayloadError
from channels.records import ProductRecord, ProductSupplierRecord, StockRecord, SupplierRecord

from .values import ValueProblem, flag, money, ref, shop_time, text, whole


def channel_id(product_id: str, attribute_id: str = "") -> str:
    return f"{product_id}-{attribute_id}" if attribute_id and attribute_id != "0" else product_id


def split_channel_id(value: str | None) -> tuple[str, str] | None:
    """'12-45' -> ('12', '45'); '12' -> ('12', '0'); None when it is not such an id."""
    head, _, tail = (value or "").partition("-")
    if not head.isdigit() or (tail and not tail.isdigit()):
        return None
    return head, tail or "0"


def associated_ids(payload: Mapping[str, Any], name: str) -> list[str]:
    associations = payload.get("associations")
    items = associations.get(name) if isinstance(associations, Mapping) else None
    if not isinstance(items, list):
        return []
    return [ref(item.get("id")) for item in items if isinstance(item, Mapping) and ref(
        item.get("id"))]


def _problem(product_id: str, message: str) -> PayloadError:
    return PayloadError(
        f"PrestaShop product {product_id}: {message}; correct it in the shop and it is "
        "imported on the next run",
        record_ref=f"product {product_id}",
        details={"problem": message},
    )


def product_records(
    product: Mapping[str, Any],
    combinations: Mapping[str, Mapping[str, Any]],
    option_names: Mapping[str, str],
    *,
    image_base: str,
    tz: ZoneInfo,
    language_id: int = 1,
) -> tuple[list[ProductRecord], list[PayloadError]]:
    """The OMS products of one PrestaShop product, and what was wrong with some of them."""
    product_id = ref(product.get("id"))
    if not product_id:
        return [], [_problem("(without id)", "the product has no id")]
    try:
        base = {
            "name": text(product.get("name"), language_id).strip(),
            "weight": money(product.get("weight"), "weight", "0.001") or Decimal(0),
            "price": money(product.get("price"), "price") or Decimal(0),
            "active": flag(product.get("active")),
            "created_at": shop_time(product.get("date_add"), tz, "date_add"),
            "updated_at": shop_time(product.get("date_upd"), tz, "date_upd"),
        }
    except ValueProblem as exc:
        return [], [_problem(product_id, str(exc))]
    images = tuple(f"{image_base}/{product_id}/{i}" for i in associated_ids(product, "images"))
    combination_ids = associated_ids(product, "combinations")
    if not combination_ids:
        sku = str(product.get("reference") or "").strip()
        if not sku:
            return [], [_problem(product_id, f"'{base['name']}' has no reference, which is "
                                             "the SKU")]
        return [ProductRecord(
            channel_product_id=product_id, sku=sku, barcode=_barcode(product),
            image_urls=images, attributes={"id_product": product_id, "id_product_attribute": "0"},
            **base,
        )], []
    records, problems = [], []
    for combination_id in combination_ids:
        combination = combinations.get(combination_id)
        try:
            if combination is None:
                raise ValueProblem(f"combination {combination_id} is listed but not found")
            records.append(_combination_record(product_id, combination, base, option_names,
                                               image_base, images))
        except ValueProblem as exc:
            problems.append(_problem(channel_id(product_id, combination_id), str(exc)))
    return records, problems


def _combination_record(product_id: str, combination: Mapping[str, Any], base: dict[str, Any],
                        option_names: Mapping[str, str], image_base: str,
                        product_images: tuple[str, ...]) -> ProductRecord:
    combination_id = ref(combination.get("id"))
    sku = str(combination.get("reference") or "").strip()
    options = [option_names.get(v, "") for v in associated_ids(combination,
                                                               "product_option_values")]
    label = ", ".join(o for o in options if o)
    if not sku:
        raise ValueProblem(f"combination {combination_id} ({label or 'no options'}) has no "
                           "reference, which is the SKU")
    own_images = tuple(f"{image_base}/{product_id}/{i}"
                       for i in associated_ids(combination, "images"))
    weight_impact = money(combination.get("weight"), "weight", "0.001") or Decimal(0)
    price_impact = money(combination.get("price"), "price") or Decimal(0)
    return ProductRecord(
        channel_product_id=channel_id(product_id, combination_id),
        sku=sku,
        name=f"{base['name']} - {label}" if label else base["name"],
        barcode=_barcode(combination),
        weight=base["weight"] + weight_impact,
        price=base["price"] + price_impact,
        active=base["active"],
        created_at=base["created_at"],
        updated_at=base["updated_at"],
        image_urls=own_images or product_images,
        attributes={"id_product": product_id, "id_product_attribute": combination_id},
    )


def _barcode(payload: Mapping[str, Any]) -> str | None:
    for name in ("ean13", "upc", "isbn", "mpn"):
        value = str(payload.get(name) or "").strip()
        if value:
            return value[:64]
    return None


# -- stock ------------------------------------------------------------------------------------
def sku_index(products: Iterable[Mapping[str, Any]],
              combinations: Iterable[Mapping[str, Any]]) -> dict[tuple[str, str], str]:
    """(id_product, id_product_attribute) -> SKU for what is sold (not combination parents)."""
    index: dict[tuple[str, str], str] = {}
    parents = set()
    for combination in combinations:
        product_id, combination_id = ref(combination.get("id_product")), ref(combination.get("id"))
        parents.add(product_id)
        sku = str(combination.get("reference") or "").strip()
        if product_id and combination_id and sku:
            index[(product_id, combination_id)] = sku
    for product in products:
        product_id = ref(product.get("id"))
        sku = str(product.get("reference") or "").strip()
        if product_id and sku and product_id not in parents:
            index[(product_id, "0")] = sku
    return index


def stock_key(row: Mapping[str, Any]) -> tuple[str, str]:
    return ref(row.get("id_product")), ref(row.get("id_product_attribute")) or "0"


def stock_records(rows: Iterable[Mapping[str, Any]],
                  skus: Mapping[tuple[str, str], str]) -> tuple[list[StockRecord], list[Any]]:
    records, problems = [], []
    for row in rows:
        sku = skus.get(stock_key(row))
        if sku is None:
            continue  # a combination parent's sum, or a product without a SKU
        try:
            quantity = whole(row.get("quantity"), "quantity")
        except ValueProblem as exc:
            problems.append(PayloadError(f"PrestaShop stock of '{sku}': {exc}", record_ref=sku))
            continue
        records.append(StockRecord(sku=sku, quantity=quantity,
                                   channel_ref=f"stock_available {ref(row.get('id'))}"))
    return records, problems


def stock_fields(row: Mapping[str, Any], quantity: int) -> dict[str, Any]:
    """Every field of the stock row back (PUT resets what it is not sent), new quantity."""
    fields = {k: v for k, v in row.items() if not isinstance(v, Mapping | list)}
    fields["quantity"] = str(int(quantity))
    return fields


# -- suppliers --------------------------------------------------------------------------------
def supplier_from_payload(row: Mapping[str, Any]) -> SupplierRecord:
    supplier_id = ref(row.get("id"))
    if not supplier_id:
        raise PayloadError("PrestaShop returned a supplier without an id", code="malformed_payload")
    return SupplierRecord(channel_supplier_id=supplier_id,
                          name=str(row.get("name") or f"Supplier {supplier_id}").strip(),
                          active=flag(row.get("active")))


def product_supplier_from_payload(row: Mapping[str, Any]) -> ProductSupplierRecord:
    product_id, attribute_id = stock_key(row)
    try:
        price = money(row.get("product_supplier_price_te"), "product_supplier_price_te",
                      "0.0001")
    except ValueProblem as exc:
        raise PayloadError(f"PrestaShop product/supplier link {ref(row.get('id'))}: {exc}",
                           record_ref=f"product_supplier {ref(row.get('id'))}") from None
    return ProductSupplierRecord(
        channel_product_id=channel_id(product_id, attribute_id),
        channel_supplier_id=ref(row.get("id_supplier")),
        reference=str(row.get("product_supplier_reference") or "").strip() or None,
        price=price if price else None,
    )
