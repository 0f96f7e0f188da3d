"""Supplier feeds (PrestaShop): suppliers, then product/supplier associations."""

from __future__ import annotations

from models import Severity
from workers.catalogue_writer import upsert_product_suppliers, upsert_suppliers
from workers.runners.base import Runner


class ImportSuppliers(Runner):
    kind = "import_suppliers"

    def run(self) -> None:
        for page in self.connector.suppliers():
            for problem in page.problems:
                self.record(problem)
            upsert_suppliers(self.ctx, page.records)


class ImportProductSuppliers(Runner):
    kind = "import_product_suppliers"

    def run(self) -> None:
        for page in self.connector.product_suppliers():
            for problem in page.problems:
                self.record(problem)
            missing = upsert_product_suppliers(self.ctx, page.records)
            if missing:
                self.recorder.event(
                    Severity.INFO,
                    "association_skipped",
                    f"{len(missing)} association(s) not linked: the product or supplier is not in "
                    f"the OMS yet (import products and suppliers first): {', '.join(missing[:10])}",
                )
