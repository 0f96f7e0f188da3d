"""Deterministic catalogues for a shop: products with variants, images and stock.

The same ``seed`` on two fresh shops gives the same titles, SKUs, prices and stock (ids come
from the store's global counters, as on Shopify). SKUs carry a per-shop product number, so
generating twice into one shop never repeats a SKU. 50,000 products take a few seconds.
"""

from __future__ import annotations

import random
import re
from typing import Any

from . import data
from .store import Image, Product, Shop, ShopifyStore, Variant

SPACING_SECONDS = 30  # between two generated products' creation times


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def ean13(stem: str) -> str:
    """A valid EAN-13 from a 12-digit stem (the check digit is computed)."""
    digits = [int(c) for c in stem[:12]]
    total = sum(d * (3 if i % 2 else 1) for i, d in enumerate(digits))
    return stem[:12] + str((10 - total % 10) % 10)


def generate_products(store: ShopifyStore, shop: Shop, *, count: int, seed: int,
                      now: int, start: int | None = None, without_sku: int = 0,
                      sku_prefix: str = "") -> dict[str, list[int]]:
    """Add ``count`` products; the last ``without_sku`` have a first variant with no SKU."""
    rng = random.Random(seed)
    first = start if start is not None else now - count * SPACING_SECONDS - 3600
    created: list[int] = []
    missing: list[int] = []
    for index in range(count):
        number = shop.next_product_number
        shop.next_product_number += 1
        product = _product(store, shop, rng, number, first + index * SPACING_SECONDS,
                           sku_prefix)
        if index >= count - without_sku:
            product.variants[0].sku = None
            missing.append(product.variants[0].id)
        shop.add_product(product)
        for variant in product.variants:
            shop.levels[(variant.inventory_item_id, shop.primary_location_id)] = [
                rng.randint(0, 40), product.created]
        created.append(product.id)
    return {"created": created, "without_sku": missing}


def _product(store: ShopifyStore, shop: Shop, rng: random.Random, number: int, when: int,
             sku_prefix: str) -> Product:
    kind = rng.choice(data.PRODUCT_TYPES)
    title = f"{rng.choice(data.ADJECTIVES)} {rng.choice(data.MOTIFS)} {kind.name}"
    handle = f"{slug(title)}-{number}"
    product_id = store.next_id("product")
    if kind.option:
        chosen = set(rng.sample(kind.values, rng.randint(1, min(3, len(kind.values)))))
        values: list[str | None] = [v for v in kind.values if v in chosen]
    else:
        values = [None]
    variants = []
    for position, value in enumerate(values, start=1):
        sku = f"{sku_prefix}{kind.handle}-{number:05d}" + (f"-{slug(value).upper()}"
                                                           if value else "")
        variants.append(Variant(
            id=store.next_id("variant"), product_id=product_id, title=value or "Default Title",
            sku=sku, barcode=ean13(f"37{number:07d}{position:03d}"), price=kind.price,
            grams=kind.grams, position=position, option1=value,
            inventory_item_id=store.next_id("inventory_item"), created=when, updated=when))
    images = [Image(id=store.next_id("image"), product_id=product_id, position=n,
                    file_name=f"{handle}-{n}.png", created=when)
              for n in range(1, rng.randint(1, 2) + 1)]
    if len(variants) > 1 and len(images) > 1:
        variants[0].image_id = images[1].id
        images[1].variant_ids = (variants[0].id,)
    return Product(id=product_id, title=title, handle=handle, vendor=rng.choice(data.VENDORS),
                   product_type=kind.name, status="active" if rng.random() > 0.05 else "draft",
                   tags=", ".join(sorted(rng.sample(data.TAGS, 2))), created=when, updated=when,
                   option_name=kind.option, variants=variants, images=images)


def touch_products(shop: Shop, product_ids: list[int], now: int, *, title_suffix: str = "",
                   price_delta_cents: int = 0) -> list[int]:
    """A merchant's edit: new title and/or prices, ``updated_at`` moves to now."""
    touched = []
    for product_id in product_ids:
        product = shop.products.get(product_id)
        if product is None:
            continue
        if title_suffix and not product.title.endswith(title_suffix):
            product.title += title_suffix
        for variant in product.variants:
            if price_delta_cents:
                cents = round(float(variant.price) * 100) + price_delta_cents
                variant.price = f"{max(0, cents) / 100:.2f}"
            variant.updated = now
        product.updated = now
        touched.append(product_id)
    return touched


def patch_product(shop: Shop, product_id: int, body: dict[str, Any], now: int) -> Product:
    """Change given fields of a product and of its variants (by variant ``id``)."""
    product = shop.products.get(product_id)
    if product is None:
        raise KeyError(f"no product {product_id}")
    for key in ("title", "status", "vendor", "product_type"):
        if key in body:
            setattr(product, key, str(body[key]))
    by_id = {variant.id: variant for variant in product.variants}
    for change in body.get("variants") or []:
        variant = by_id.get(change.get("id")) if isinstance(change, dict) else None
        if variant is None:
            raise KeyError(f"product {product_id} has no variant {change!r}")
        for key in ("sku", "barcode", "price", "grams", "title"):
            if key in change:
                setattr(variant, key, change[key])
        variant.updated = now
    product.updated = now
    return product
