"""Upserting catalogue pages: products (by SKU), images, suppliers and their associations."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from peewee import chunked

from channels.records import ProductRecord, ProductSupplierRecord, SupplierRecord
from models import Product, ProductImage, ProductSupplier, Supplier, database, utcnow
from workers.context import RunContext

BATCH_ROWS = 500
UPDATED_FIELDS = (
    Product.name,
    Product.barcode,
    Product.weight,
    Product.price,
    Product.active,
    Product.attributes,
    Product.integration,
    Product.channel_product_id,
    Product.channel_updated_at,
)


def _row(record: ProductRecord, integration_id: int, now) -> dict[str, Any]:
    return {
        "sku": record.sku,
        "name": record.name[:500],
        "barcode": record.barcode,
        "weight": record.weight,
        "price": record.price,
        "active": record.active,
        "attributes": record.attributes,
        "integration": integration_id,
        "channel_product_id": record.channel_product_id,
        "channel_updated_at": record.updated_at,
        "created_at": now,
        "updated_at": now,
    }


def _unique_by_sku(records: Sequence[ProductRecord]) -> list[ProductRecord]:
    """One row per SKU in a statement (a page may repeat one); the last one wins."""
    return list({r.sku: r for r in records}.values())


def insert_new_products(ctx: RunContext, records: Sequence[ProductRecord], position) -> None:
    """Create products not known yet and remember their images for the image feed."""
    now = utcnow()
    records = _unique_by_sku(records)
    ctx.recorder.count(seen=len(records))
    with database.atomic():
        known = (
            {
                sku
                for (sku,) in Product.select(Product.sku)
                .where(Product.sku.in_([r.sku for r in records]))
                .tuples()
            }
            if records
            else set()
        )
        fresh = [r for r in records if r.sku not in known]
        for batch in chunked([_row(r, ctx.integration.id, now) for r in fresh], BATCH_ROWS):
            Product.insert_many(batch).on_conflict_ignore().as_rowcount().execute()
        _add_images(fresh)
        ctx.recorder.count(created=len(fresh), skipped=len(records) - len(fresh))
        if position is not None:
            ctx.save_cursor(position)
        ctx.recorder.flush()


def _add_images(records: Sequence[ProductRecord]) -> None:
    with_images = [r for r in records if r.image_urls]
    if not with_images:
        return
    ids = dict(
        Product.select(Product.sku, Product.id)
        .where(Product.sku.in_([r.sku for r in with_images]))
        .tuples()
    )
    rows = [
        {"product": ids[r.sku], "url": url[:1000], "position": n}
        for r in with_images
        if r.sku in ids
        for n, url in enumerate(r.image_urls)
    ]
    for batch in chunked(rows, BATCH_ROWS):
        ProductImage.insert_many(batch).on_conflict_ignore().as_rowcount().execute()


def upsert_products(ctx: RunContext, records: Sequence[ProductRecord], position) -> None:
    """Create or update every product of the page; the checkpoint moves in the same commit.

    A product this run creates (made on the channel after the last new-products run) gets its
    images recorded too, as the new-products import would have done.
    """
    now = utcnow()
    records = _unique_by_sku(records)
    ctx.recorder.count(seen=len(records))
    rows = [_row(r, ctx.integration.id, now) for r in records]
    with database.atomic():
        known: set[str] = set()
        if records:
            known = {
                sku
                for (sku,) in Product.select(Product.sku)
                .where(Product.sku.in_([r.sku for r in records]))
                .tuples()
            }
        existing = len(known)
        for batch in chunked(rows, BATCH_ROWS):
            (
                Product.insert_many(batch)
                .on_conflict(
                    conflict_target=[Product.sku],
                    preserve=UPDATED_FIELDS,
                    update={Product.updated_at: now},
                )
                .as_rowcount()
                .execute()
            )
        _add_images([r for r in records if r.sku not in known])
        ctx.recorder.count(created=len(rows) - existing, updated=existing)
        if position is not None:
            ctx.save_cursor(position)
        ctx.recorder.flush()


def upsert_suppliers(ctx: RunContext, records: Sequence[SupplierRecord]) -> None:
    ctx.recorder.count(seen=len(records))
    rows = [
        {
            "name": r.name[:200],
            "integration": ctx.integration.id,
            "channel_supplier_id": r.channel_supplier_id,
            "active": r.active,
        }
        for r in records
    ]
    with database.atomic():
        for batch in chunked(rows, BATCH_ROWS):
            (
                Supplier.insert_many(batch)
                .on_conflict(
                    conflict_target=[Supplier.integration, Supplier.channel_supplier_id],
                    preserve=[Supplier.name, Supplier.active],
                    update={Supplier.updated_at: utcnow()},
                )
                .as_rowcount()
                .execute()
            )
        ctx.recorder.count(updated=len(rows))
        ctx.recorder.flush()


def upsert_product_suppliers(
    ctx: RunContext, records: Sequence[ProductSupplierRecord]
) -> list[str]:
    """Link products and suppliers known to the OMS; returns the references it could not link."""
    integration_id = ctx.integration.id
    products = (
        dict(
            Product.select(Product.channel_product_id, Product.id)
            .where(
                (Product.integration == integration_id)
                & Product.channel_product_id.in_([r.channel_product_id for r in records])
            )
            .tuples()
        )
        if records
        else {}
    )
    suppliers = dict(
        Supplier.select(Supplier.channel_supplier_id, Supplier.id)
        .where(Supplier.integration == integration_id)
        .tuples()
    )
    rows, missing = [], []
    for r in records:
        product, supplier = products.get(r.channel_product_id), suppliers.get(r.channel_supplier_id)
        if product is None or supplier is None:
            missing.append(f"product {r.channel_product_id} / supplier {r.channel_supplier_id}")
            continue
        rows.append(
            {"product": product, "supplier": supplier, "reference": r.reference, "price": r.price}
        )
    ctx.recorder.count(seen=len(records), skipped=len(missing))
    with database.atomic():
        for batch in chunked(
            list({(x["product"], x["supplier"]): x for x in rows}.values()), BATCH_ROWS
        ):
            (
                ProductSupplier.insert_many(batch)
                .on_conflict(
                    conflict_target=[ProductSupplier.product, ProductSupplier.supplier],
                    preserve=[ProductSupplier.reference, ProductSupplier.price],
                    update={ProductSupplier.updated_at: utcnow()},
                )
                .as_rowcount()
                .execute()
            )
        ctx.recorder.count(updated=len(rows))
        ctx.recorder.flush()
    return missing
