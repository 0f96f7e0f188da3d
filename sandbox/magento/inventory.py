"""MSI stock: sources and source items (``/V1/inventory/sources``, ``/V1/inventory/source-items``).

A source item is the quantity of one SKU at one source, with ``status`` 1 (in stock) or 0.
``POST /V1/inventory/source-items`` saves a batch all or nothing: one bad item fails the whole
call with ``Validation Failed`` and the list of problems. With the web API input limits on, a
batch of more than 20 items is refused (``Maximum items of type "%type" is %max``), as Magento
2.4.3+ does.
"""

from __future__ import annotations

from typing import Any

from .errors import MagentoError, validation_failed
from .search import Listing
from .store import Shop

SOURCE_ITEM_FIELDS = frozenset({"sku", "source_code", "quantity", "status"})
SOURCE_ITEM_TYPE = "\\Magento\\InventoryApi\\Api\\Data\\SourceItemInterface"


def source_payload(code: str) -> dict[str, Any]:
    return {
        "source_code": code,
        "name": code.replace("_", " ").title(),
        "enabled": True,
        "country_id": "FR",
        "postcode": "69007",
        "use_default_carrier_config": True,
    }


def listing(shop: Shop, criteria_groups: list) -> Listing:
    """Source items of one source sorted by SKU when the query names one source (keyset on
    ``sku``), else every source item."""
    wanted = [
        g[0].value
        for g in criteria_groups
        if len(g) == 1 and g[0].field == "source_code" and g[0].condition == "eq"
    ]
    if len(wanted) == 1:
        rows = shop.stock.get(str(wanted[0]), {})
        skus = shop.stock_skus.get(str(wanted[0]), [])
        return Listing([rows[s] for s in skus], SOURCE_ITEM_FIELDS, "sku", skus)
    every = [row for code in sorted(shop.stock) for row in shop.stock[code].values()]
    return Listing(every, SOURCE_ITEM_FIELDS)


def save(shop: Shop, body: Any) -> None:
    """Validate the whole batch, then apply it."""
    items = body.get("sourceItems") if isinstance(body, dict) else None
    if not isinstance(items, list):
        raise MagentoError(
            400, '"%fieldName" is required. Enter and try again.', {"fieldName": "sourceItems"}
        )
    if shop.input_limits and len(items) > shop.max_list_items:
        raise MagentoError(
            400,
            'Maximum items of type "%type" is %max',
            {"type": SOURCE_ITEM_TYPE, "max": shop.max_list_items},
        )
    errors = []
    for item in items:
        errors += _problems(shop, item)
    if errors:
        raise validation_failed(errors)
    for item in items:
        shop.set_stock(
            item["sku"],
            item["source_code"],
            float(item["quantity"]),
            int(item["status"]),
            counted=True,
        )


def _problems(shop: Shop, item: Any) -> list[dict[str, Any]]:
    if not isinstance(item, dict):
        return [{"message": "Source item must be an object.", "parameters": []}]
    problems = []
    for name in ("sku", "source_code"):
        if not str(item.get(name) or "").strip():
            problems.append(
                {"message": '"%field" can not be empty.', "parameters": {"field": name}}
            )
    quantity, status = item.get("quantity"), item.get("status")
    if isinstance(quantity, bool) or not isinstance(quantity, int | float):
        problems.append(
            {"message": '"%field" should be numeric.', "parameters": {"field": "quantity"}}
        )
    if status not in (0, 1):
        problems.append(
            {
                "message": '"%field" should be 0 (out of stock) or 1 (in stock).',
                "parameters": {"field": "status"},
            }
        )
    if item.get("source_code") and item["source_code"] not in shop.sources:
        problems.append(
            {
                "message": 'Source with code "%code" does not exist.',
                "parameters": {"code": item["source_code"]},
            }
        )
    if item.get("sku") and item["sku"] not in shop.by_sku:
        problems.append(
            {
                "message": 'Product with SKU "%sku" does not exist.',
                "parameters": {"sku": item["sku"]},
            }
        )
    return problems
