"""The shop's catalogue: deterministic generation, REST payloads, product images.

Generation is deterministic for a seed on a fresh shop, and cheap enough for 50,000 products:
rows are compact and a payload is built only when a page is served. About one family in eight
is a configurable product (``type_id: configurable``) followed by its simple children (one per
size, ``visibility: 1``, not visible individually); the rest are simple products. Images are
``media_gallery_entries`` whose ``file`` lives under ``/pub/media/catalog/product`` and is
served as a small valid PNG in the product's colour.
"""

from __future__ import annotations

import random
import re
import struct
import zlib
from datetime import datetime, timedelta
from typing import Any

from . import data
from .store import ProductRow as Row
from .store import Shop, mdate

MEDIA_PREFIX = "/pub/media/catalog/product"
MALFORMED_KINDS = ("missing_sku", "price_as_text", "weight_as_text", "bad_updated_at")
_IMAGE_FILE = re.compile(r"^/\w/\w/[a-z0-9-]+-(\d+)-(\d+)\.png$")
ATTRIBUTE_SET_ID = 4


def _ean13(rng: random.Random) -> str:
    digits = [2, 0] + [rng.randint(0, 9) for _ in range(10)]  # "20": in-store numbering range
    total = sum(d * (3 if i % 2 else 1) for i, d in enumerate(digits))
    return "".join(map(str, digits)) + str((10 - total % 10) % 10)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def generate(
    shop: Shop,
    *,
    count: int,
    seed: int | None,
    sku_prefix: str,
    now: datetime,
    start: datetime | None = None,
    with_images: bool = True,
    malformed: int = 0,
) -> dict[str, list[Any]]:
    """Add ``count`` well-formed products (and ``malformed`` broken ones) to the catalogue."""
    rng = random.Random(seed)
    step = timedelta(seconds=10)
    when = start or now - timedelta(hours=1) - step * (count + malformed)
    created: list[int] = []
    while len(created) < count:
        family = rng.choice(data.FAMILIES)
        colour = rng.randrange(len(data.COLOURS))
        motif = rng.choice(data.MOTIFS)
        room = count - len(created)
        sizes = (
            family.sizes if family.sizes and room > len(family.sizes) and rng.random() < 0.5 else ()
        )
        parent = _row(shop, rng, family, colour, motif, sku_prefix, when, with_images, sizes)
        created.append(parent.id)
        children = []
        for size in sizes:
            when += step
            child = _row(
                shop,
                rng,
                family,
                colour,
                motif,
                sku_prefix,
                when,
                with_images,
                (),
                size=size,
                parent=parent,
            )
            children.append(child.id)
            created.append(child.id)
        parent.children = tuple(children)
        when += step
    broken = []
    for n in range(malformed):
        family = rng.choice(data.FAMILIES)
        row = _row(shop, rng, family, 0, rng.choice(data.MOTIFS), sku_prefix, when, False, ())
        row.extra = _breakage(MALFORMED_KINDS[n % len(MALFORMED_KINDS)])
        broken.append(row.id)
        when += step
    return {"created": created, "malformed": broken}


def _breakage(kind: str) -> dict[str, Any]:
    return {
        "missing_sku": {"sku": None},
        "price_as_text": {"price": "12,50"},
        "weight_as_text": {"weight": "heavy"},
        "bad_updated_at": {"updated_at": "31/12/2025 23:59"},
    }[kind]


def _row(
    shop: Shop,
    rng: random.Random,
    family: data.Family,
    colour: int,
    motif: str,
    prefix: str,
    when: datetime,
    with_images: bool,
    sizes: tuple[str, ...],
    *,
    size: str | None = None,
    parent: Row | None = None,
) -> Row:
    product_id = shop.next_product_id
    colour_label, colour_code, _ = data.COLOURS[colour]
    sku = f"{prefix}-{family.code}-{colour_code}-{product_id:06d}"
    name = f"{family.label} {motif} {colour_label}"
    if parent is not None:
        sku = f"{parent.sku}-{size}"
        name = f"{parent.name} {size}"
    price = round(family.price + rng.choice((0, 0, 2, 5)), 2)
    images = (rng.choice((0, 1, 1, 2, 3)) if parent is None else 1) if with_images else 0
    row = Row(
        id=product_id,
        sku=sku,
        name=name,
        type_id="configurable" if sizes else "simple",
        price=price,
        weight=None if sizes else family.weight_kg,
        status=2 if rng.random() < 0.03 else 1,
        visibility=1 if parent is not None else 4,
        created_at=mdate(when),
        updated_at=mdate(when),
        ean=None if sizes else _ean13(rng),
        images=images,
        motif=motif,
        colour=colour,
        parent_id=parent.id if parent is not None else None,
    )
    shop.add_product(row)
    if not sizes:
        shop.set_stock(sku, shop.sources[0], rng.choice((0, 3, 10, 25, 40, 100)))
    return row


def add_explicit(shop: Shop, products: list[Any], now: datetime, sku_prefix: str) -> list[int]:
    """Products given as partial payloads: merged over a generated simple product."""
    rng = random.Random(len(shop.products))
    made = []
    for given in products:
        if not isinstance(given, dict):
            raise ValueError("each product must be an object")
        row = _row(shop, rng, data.FAMILIES[2], 0, "Plain", sku_prefix, now, False, ())
        if isinstance(given.get("sku"), str):
            shop.by_sku.pop(row.sku, None)
            row.sku = given["sku"]
            shop.by_sku[row.sku] = row
        for name in ("name", "price", "weight", "status", "type_id", "ean"):
            if name in given and isinstance(given[name], str | int | float):
                setattr(row, name, given[name])
        if isinstance(given.get("images"), int):
            row.images = given["images"]
        row.extra = {
            k: v
            for k, v in given.items()
            if k not in ("sku", "name", "price", "weight", "status", "type_id", "ean", "images")
        } or None
        made.append(row.id)
    return made


def touch(
    shop: Shop,
    rows: list[Row],
    now: datetime,
    *,
    name_suffix: str | None,
    price_delta: float | None,
) -> None:
    """The merchant edits products: new ``updated_at``, and a changed name or price."""
    for row in rows:
        if name_suffix:
            row.name = f"{row.name}{name_suffix}"
        if price_delta and row.price is not None:
            row.price = round(row.price + price_delta, 2)
        row.updated_at = mdate(now)


def image_file(row: Row, index: int) -> str:
    slug = _slug(f"{row.motif} {data.COLOURS[row.colour][0]}")
    return f"/{slug[0]}/{slug[1]}/{slug}-{row.id}-{index}.png"


def render(shop: Shop, row: Row) -> dict[str, Any]:
    """The ``ProductInterface`` payload of one product."""
    custom = [
        {
            "attribute_code": "description",
            "value": f"<p>{row.name}, printed on demand with the {row.motif} design.</p>",
        },
        {"attribute_code": "url_key", "value": f"{_slug(row.name)}-{row.id}"},
        {"attribute_code": "tax_class_id", "value": "2"},
        {"attribute_code": "color", "value": str(49 + row.colour)},
    ]
    if row.ean:
        custom.append({"attribute_code": "ean", "value": row.ean})
    extension: dict[str, Any] = {"website_ids": [1]}
    if row.type_id == "configurable":
        extension["configurable_product_links"] = list(row.children)
    else:
        quantity = shop.quantity(row.sku, shop.sources[0]) or 0
        extension["stock_item"] = {
            "item_id": row.id,
            "product_id": row.id,
            "stock_id": 1,
            "qty": quantity,
            "is_in_stock": quantity > 0,
        }
    payload: dict[str, Any] = {
        "id": row.id,
        "sku": row.sku,
        "name": row.name,
        "attribute_set_id": ATTRIBUTE_SET_ID,
        "price": row.price,
        "status": row.status,
        "visibility": row.visibility,
        "type_id": row.type_id,
        "created_at": row.created_at,
        "updated_at": row.updated_at,
        "extension_attributes": extension,
        "product_links": [],
        "options": [],
        "media_gallery_entries": [
            {
                "id": row.id * 10 + n,
                "media_type": "image",
                "label": None,
                "position": n,
                "disabled": False,
                "types": ["image", "small_image", "thumbnail"] if n == 1 else [],
                "file": image_file(row, n),
            }
            for n in range(1, row.images + 1)
        ],
        "tier_prices": [],
        "custom_attributes": custom,
    }
    if row.weight is not None:
        payload["weight"] = row.weight
    if row.extra:
        payload.update(row.extra)
    return payload


def image_bytes(store_images: dict[str, bytes], shop: Shop, file: str) -> bytes | None:
    """The PNG of a media file, or None when no product has it."""
    match = _IMAGE_FILE.match(file)
    if match is None:
        return None
    row = shop.product(int(match[1]))
    index = int(match[2])
    if row is None or not 1 <= index <= row.images or image_file(row, index) != file:
        return None
    key = f"{shop.code}{file}"
    if key not in store_images:
        red, green, blue = data.COLOURS[row.colour][2]
        store_images[key] = png(16, 16, (red, green, (blue + 37 * index) % 256))
    return store_images[key]


def png(width: int, height: int, rgb: tuple[int, int, int]) -> bytes:
    """A valid, tiny, solid-colour PNG (8-bit RGB)."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body))
            + kind
            + body
            + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    scanline = b"\x00" + bytes(rgb) * width
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(scanline * height))
        + chunk(b"IEND", b"")
    )
