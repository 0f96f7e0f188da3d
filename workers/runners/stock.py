"""Stock feeds: the one-off initial import, the export to the channel, the nightly check."""

from __future__ import annotations

from peewee import JOIN, fn

from channels.errors import Info
from channels.records import StockUpdate
from models import Product, Severity, StockLevel, Warehouse, database, utcnow
from workers.runners.base import Runner

DEFAULT_WAREHOUSE = "default"
EXPORT_PAGE_SIZE = 100


def default_warehouse() -> Warehouse:
    warehouse, _ = Warehouse.get_or_create(
        code=DEFAULT_WAREHOUSE, defaults={"name": "Main warehouse"}
    )
    return warehouse


def available_by_sku(skus: list[str]) -> dict[str, int]:
    """OMS available stock (on hand minus reserved, all warehouses) per SKU."""
    if not skus:
        return {}
    query = (
        Product.select(
            Product.sku, fn.COALESCE(fn.SUM(StockLevel.quantity - StockLevel.reserved), 0)
        )
        .join(StockLevel, JOIN.LEFT_OUTER)
        .where(Product.sku.in_(skus))
        .group_by(Product.sku)
    )
    return {sku: int(qty) for sku, qty in query.tuples()}


class ImportStockLevels(Runner):
    """Initial stock from the channel, once at set-up or go-live; afterwards the OMS owns stock."""

    kind = "import_stock_levels"

    def run(self) -> None:
        done_at = (self.ctx.feed.cursor or {}).get("imported_at")
        if done_at and not self.ctx.execution.force:
            raise Info(
                f"stock levels were already imported on {done_at}; since then stock is managed "
                "in the OMS. Run it again with force only to overwrite the OMS stock",
                code="stock_already_imported",
            )
        warehouse = default_warehouse()
        for page in self.connector.stock_levels():
            for problem in page.problems:
                self.record(problem)
            self._save(page.records, warehouse)
        with database.atomic():
            self.ctx.save_cursor({"imported_at": utcnow().isoformat()})

    def _save(self, records, warehouse: Warehouse) -> None:
        self.recorder.count(seen=len(records))
        products = (
            dict(
                Product.select(Product.sku, Product.id)
                .where(Product.sku.in_([r.sku for r in records]))
                .tuples()
            )
            if records
            else {}
        )
        unknown = sorted({r.sku for r in records if r.sku not in products})
        if unknown:
            self.recorder.event(
                Severity.INFO,
                "unknown_sku",
                f"stock of {len(unknown)} SKU(s) not imported: no such product in the OMS yet "
                f"(import the products first): {', '.join(unknown[:20])}",
                details={"skus": unknown[:200]},
            )
        rows = [
            {"product": products[r.sku], "warehouse": warehouse.id, "quantity": r.quantity}
            for r in {r.sku: r for r in records}.values()
            if r.sku in products
        ]
        with database.atomic():
            if rows:
                (
                    StockLevel.insert_many(rows)
                    .on_conflict(
                        conflict_target=[StockLevel.product, StockLevel.warehouse],
                        preserve=[StockLevel.quantity],
                        update={StockLevel.updated_at: utcnow()},
                    )
                    .as_rowcount()
                    .execute()
                )
            self.recorder.count(updated=len(rows), skipped=len(records) - len(rows))
            self.recorder.flush()


class ExportStockLevels(Runner):
    """Push the OMS's available stock for this integration's products to the channel."""

    kind = "export_stock_levels"

    def run(self) -> None:
        last_id = 0
        while True:
            products = list(
                Product.select(
                    Product.id, Product.sku, Product.channel_product_id, Product.attributes
                )
                .where((Product.integration == self.ctx.integration.id) & (Product.id > last_id))
                .order_by(Product.id)
                .limit(EXPORT_PAGE_SIZE)
            )
            if not products:
                return
            last_id = products[-1].id
            available = available_by_sku([p.sku for p in products])
            updates = [
                StockUpdate(
                    sku=p.sku,
                    quantity=max(0, available.get(p.sku, 0)),
                    channel_product_id=p.channel_product_id,
                    attributes=p.attributes or {},
                )
                for p in products
            ]
            self.recorder.count(seen=len(updates))
            problems = self.connector.export_stock(updates)
            for problem in problems:
                self.record(problem)
            self.recorder.count(updated=len(updates) - len(problems))
            self.recorder.flush()


class StockCheck(Runner):
    """Nightly: compare OMS and channel stock; every difference is an event, nothing changes."""

    kind = "stock_check"

    def run(self) -> None:
        for page in self.connector.stock_levels():
            for problem in page.problems:
                self.record(problem)
            records = {r.sku: r for r in page.records}
            oms = available_by_sku(list(records))
            self.recorder.count(seen=len(records))
            for sku, record in records.items():
                if sku not in oms:
                    self.recorder.count(skipped=1)
                    continue
                if oms[sku] != record.quantity:
                    self.recorder.event(
                        Severity.ERROR,
                        "stock_mismatch",
                        f"stock differs for SKU '{sku}': OMS has {oms[sku]} available, "
                        f"{self.connector.label} shows {record.quantity}",
                        record_ref=sku,
                        details={"sku": sku, "oms": oms[sku], "channel": record.quantity},
                    )
                else:
                    self.recorder.count(updated=0)
            self.recorder.flush()
