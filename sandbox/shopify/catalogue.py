"""Products, variants, images and inventory levels as the Admin REST API shows them.

Records are compact; these functions render them in the 2025-01 payload shape (field names
and order from Shopify's own REST stubs) and apply the list filters and inventory changes.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from .errors import ShopifyError
from .formats import parse_time, render_time
from .paging import parse_id
from .store import Image, Product, Shop, Variant

PRODUCT_STATUSES = ("active", "archived", "draft")
MAX_INVENTORY_ITEM_IDS = 50


def image_src(cdn_base: str, image: Image, version: int) -> str:
    return f"{cdn_base}/products/{image.file_name}?v={version}"


def render_variant(shop: Shop, variant: Variant) -> dict[str, Any]:
    when = shop.offset_minutes
    quantity = on_hand(shop, variant.inventory_item_id)
    return {
        "id": variant.id,
        "product_id": variant.product_id,
        "title": variant.title,
        "price": variant.price,
        "position": variant.position,
        "inventory_policy": "deny",
        "compare_at_price": None,
        "option1": variant.option1 or "Default Title",
        "option2": None,
        "option3": None,
        "created_at": render_time(variant.created, when),
        "updated_at": render_time(variant.updated, when),
        "taxable": True,
        "barcode": variant.barcode,
        "fulfillment_service": "manual",
        "grams": variant.grams,
        "inventory_management": "shopify" if variant.tracked else None,
        "requires_shipping": True,
        "sku": variant.sku,
        "weight": round(variant.grams / 1000, 3),
        "weight_unit": "kg",
        "inventory_item_id": variant.inventory_item_id,
        "inventory_quantity": quantity,
        "old_inventory_quantity": quantity,
        "admin_graphql_api_id": f"gid://shopify/ProductVariant/{variant.id}",
        "image_id": variant.image_id,
    }


def on_hand(shop: Shop, item_id: int) -> int:
    """A variant's ``inventory_quantity``: available summed over the shop's locations."""
    return sum(shop.levels[(item_id, loc)][0] for loc in shop.locations
               if (item_id, loc) in shop.levels)


def render_image(shop: Shop, product: Product, image: Image, cdn_base: str) -> dict[str, Any]:
    when = render_time(image.created, shop.offset_minutes)
    return {
        "id": image.id,
        "alt": None,
        "position": image.position,
        "product_id": product.id,
        "created_at": when,
        "updated_at": when,
        "admin_graphql_api_id": f"gid://shopify/MediaImage/{image.id}",
        "width": 16,
        "height": 16,
        "src": image_src(cdn_base, image, image.created),
        "variant_ids": list(image.variant_ids),
    }


def render_product(shop: Shop, product: Product, cdn_base: str) -> dict[str, Any]:
    when = shop.offset_minutes
    images = [render_image(shop, product, image, cdn_base) for image in product.images]
    values = [v.option1 for v in product.variants if v.option1]
    return {
        "id": product.id,
        "title": product.title,
        "body_html": f"<p>{product.title}, printed on demand.</p>",
        "vendor": product.vendor,
        "product_type": product.product_type,
        "created_at": render_time(product.created, when),
        "handle": product.handle,
        "updated_at": render_time(product.updated, when),
        "published_at": render_time(product.created, when) if product.status == "active"
        else None,
        "template_suffix": None,
        "published_scope": "web",
        "tags": product.tags,
        "status": product.status,
        "admin_graphql_api_id": f"gid://shopify/Product/{product.id}",
        "variants": [render_variant(shop, variant) for variant in product.variants],
        "options": [{"id": product.id + 1, "product_id": product.id,
                     "name": product.option_name or "Title", "position": 1,
                     "values": values or ["Default Title"]}],
        "images": images,
        "image": images[0] if images else None,
    }


def product_filter(shop: Shop, filters: Mapping[str, str]) -> Callable[[int], bool]:
    """The list filters of ``GET /products.json`` as one predicate over product ids."""
    tz = shop.offset_minutes
    ids = {int(i) for i in filters["ids"].split(",") if i.strip().isdigit()} \
        if filters.get("ids") else None
    since_id = parse_id("since_id", filters.get("since_id"))
    status = filters.get("status")
    statuses = {s.strip() for s in status.split(",")} if status else None
    if statuses and not statuses <= set(PRODUCT_STATUSES):
        raise ShopifyError(400, {"status": f"must be one of {', '.join(PRODUCT_STATUSES)}"})
    exact = {key: filters[key] for key in ("title", "vendor", "handle", "product_type")
             if filters.get(key)}
    bounds = {key: parse_time(key, filters[key], tz) for key in
              ("created_at_min", "created_at_max", "updated_at_min", "updated_at_max")
              if filters.get(key)}

    def accept(product_id: int) -> bool:
        product = shop.products[product_id]
        if ids is not None and product_id not in ids:
            return False
        if since_id is not None and product_id <= since_id:
            return False
        if statuses is not None and product.status not in statuses:
            return False
        if any(str(getattr(product, key)) != value for key, value in exact.items()):
            return False
        return _within(product.created, product.updated, bounds)

    return accept


def _within(created: int, updated: int, bounds: Mapping[str, int]) -> bool:
    if "created_at_min" in bounds and created < bounds["created_at_min"]:
        return False
    if "created_at_max" in bounds and created > bounds["created_at_max"]:
        return False
    if "updated_at_min" in bounds and updated < bounds["updated_at_min"]:
        return False
    return not ("updated_at_max" in bounds and updated > bounds["updated_at_max"])


def render_level(shop: Shop, item_id: int, location_id: int) -> dict[str, Any]:
    available, when = shop.levels[(item_id, location_id)]
    return {
        "inventory_item_id": item_id,
        "location_id": location_id,
        "available": available,
        "updated_at": render_time(when, shop.offset_minutes),
        "admin_graphql_api_id":
            f"gid://shopify/InventoryLevel/{location_id}?inventory_item_id={item_id}",
    }


def id_list(field: str, raw: str | None, maximum: int | None = None) -> list[int]:
    if not raw:
        return []
    try:
        values = [int(part) for part in raw.split(",") if part.strip()]
    except ValueError:
        raise ShopifyError(400, {field: "must be a comma-separated list of ids"}) from None
    if maximum is not None and len(values) > maximum:
        raise ShopifyError(422, {field: f"must contain at most {maximum} ids"})
    return values


def levels(shop: Shop, args: Mapping[str, str]) -> list[dict[str, Any]]:
    """``GET /inventory_levels.json``: at least one of the id lists is required."""
    items = id_list("inventory_item_ids", args.get("inventory_item_ids"),
                    MAX_INVENTORY_ITEM_IDS)
    locations = id_list("location_ids", args.get("location_ids"), MAX_INVENTORY_ITEM_IDS)
    if not items and not locations:
        raise ShopifyError(422, {"base": ["inventory_item_ids or location_ids is required"]})
    wanted_locations = locations or sorted(shop.locations)
    if items:
        keys = [(i, loc) for i in items for loc in wanted_locations if (i, loc) in shop.levels]
    else:
        keys = [(i, loc) for i in shop.item_ids for loc in wanted_locations
                if (i, loc) in shop.levels]
    return [render_level(shop, item_id, location_id) for item_id, location_id in keys]


def set_level(shop: Shop, body: Any, now: int, *, adjust: bool = False) -> dict[str, Any]:
    """``POST /inventory_levels/set.json`` (absolute) or ``adjust.json`` (delta)."""
    if not isinstance(body, dict):
        raise ShopifyError(400, {"base": ["body must be a JSON object"]})
    key = "available_adjustment" if adjust else "available"
    location_id, item_id, value = body.get("location_id"), body.get("inventory_item_id"), \
        body.get(key)
    for name, raw in (("location_id", location_id), ("inventory_item_id", item_id), (key, value)):
        if isinstance(raw, bool) or not isinstance(raw, int):
            raise ShopifyError(422, {name: ["is required and must be an integer"]})
    if location_id not in shop.locations:
        raise ShopifyError(422, ["Location not found"])
    variant = shop.items.get(item_id)
    if variant is None:
        raise ShopifyError(422, ["Inventory item does not exist"])
    if not variant.tracked:
        raise ShopifyError(422, ["Inventory item does not have inventory tracking enabled"])
    current = shop.levels.get((item_id, location_id), [0, now])[0]
    shop.levels[(item_id, location_id)] = [current + value if adjust else value, now]
    return render_level(shop, item_id, location_id)
