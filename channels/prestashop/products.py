"""Catalogue feeds of the PrestaShop connector: products, images, stock, suppliers.

Products are walked by id. ``new_products`` keeps the last id it committed; ``all_products``
commits a checkpoint (``{"position": last id}``) with every page, so a crash or a time limit
resumes after the last committed page, and ends with ``{"position": None, "completed_at"}``.
Stock rows are keyed by (product, combination) and exported with PUT carrying every field,
which both PrestaShop 1.7 and 8 accept; unchanged quantities are not sent.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from channels.errors import ChannelProblem, RejectedByChannel
from channels.records import Page, StockUpdate

from . import catalogue
from .catalogue import associated_ids, split_channel_id, stock_key
from .settings import LIST_PAGE_SIZE, PRODUCT_PAGE_SIZE
from .values import ValueProblem, ref, text, whole


class CatalogueFeeds:
    """Mixed into the connector; needs ``client``, ``tz`` and ``settings``."""

    def _init_catalogue_caches(self) -> None:
        self._option_names: dict[str, str] = {}

    # -- products -----------------------------------------------------------------------------
    def new_products(self, cursor: Mapping[str, Any]) -> Iterator[Page]:
        last = int(cursor.get("last_product_id") or 0)
        for rows in self.client.pages_after("products", last, page_size=PRODUCT_PAGE_SIZE):
            page = self._product_page(rows)
            last = max([last, *_ids(rows)])
            page.next_position = {"last_product_id": last}
            yield page

    def all_products(self, cursor: Mapping[str, Any]) -> Iterator[Page]:
        position = cursor.get("position")
        last = int(position) if position is not None else 0
        for rows in self.client.pages_after("products", last, page_size=PRODUCT_PAGE_SIZE):
            page = self._product_page(rows)
            last = max([last, *_ids(rows)])
            page.next_position = {"position": last}
            yield page
        done = dt.datetime.now(dt.UTC).isoformat()
        yield Page(records=[], next_position={"position": None, "completed_at": done})

    def _product_page(self, rows: list[dict[str, Any]]) -> Page:
        combination_ids = [c for row in rows for c in associated_ids(row, "combinations")]
        combinations = {ref(c.get("id")): c for c in self.client.by_ids("combinations",
                                                                         combination_ids)}
        option_ids = {v for c in combinations.values()
                      for v in associated_ids(c, "product_option_values")}
        missing = sorted(option_ids - set(self._option_names))
        if missing:
            for row in self.client.by_ids("product_option_values", missing, display="[id,name]"):
                self._option_names[ref(row.get("id"))] = text(row.get("name"),
                                                              self.client.language_id)
        page = Page(records=[])
        for row in rows:
            records, problems = catalogue.product_records(
                row, combinations, self._option_names,
                image_base=f"{self.client.api_url}/images/products", tz=self.tz,
                language_id=self.client.language_id)
            page.records += records
            page.problems += problems
        return page

    def download_image(self, url: str) -> bytes:
        return self.client.image(url)

    # -- stock --------------------------------------------------------------------------------
    def _skus_for(self, product_ids: Sequence[str]) -> dict[tuple[str, str], str]:
        products = self.client.by_ids("products", product_ids, display="[id,reference]")
        combinations = self.client.by_field("combinations", "id_product", product_ids,
                                            display="[id,id_product,reference]")
        return catalogue.sku_index(products, combinations)

    def _own_shop(self, row: Mapping[str, Any]) -> bool:
        wanted = self.settings.get("id_shop")
        return not wanted or ref(row.get("id_shop")) in ("", str(wanted))

    def stock_levels(self) -> Iterator[Page]:
        for rows in self.client.pages_after("stock_availables", 0, page_size=LIST_PAGE_SIZE):
            rows = [r for r in rows if self._own_shop(r)]
            skus = self._skus_for(sorted({stock_key(r)[0] for r in rows}))
            records, problems = catalogue.stock_records(rows, skus)
            yield Page(records=records, problems=problems)

    def export_stock(self, updates: list[StockUpdate]) -> list[ChannelProblem]:
        problems: list[ChannelProblem] = []
        keyed: dict[tuple[str, str], StockUpdate] = {}
        for update in updates:
            key = _key_of(update)
            if key is None:
                problems.append(RejectedByChannel(
                    f"SKU '{update.sku}' has no PrestaShop product id; run Update products",
                    code="unknown_channel_product", record_ref=update.sku))
            else:
                keyed[key] = update
        rows = self.client.by_field("stock_availables", "id_product",
                                    sorted({k[0] for k in keyed}))
        by_key = {stock_key(r): r for r in rows if self._own_shop(r)}
        for key, update in keyed.items():
            problem = self._push_stock(by_key.get(key), update)
            if problem is not None:
                problems.append(problem)
        return problems

    def _push_stock(self, row: Mapping[str, Any] | None, update: StockUpdate
                    ) -> ChannelProblem | None:
        if row is None:
            return RejectedByChannel(
                f"SKU '{update.sku}' has no stock row on PrestaShop (product "
                f"{update.channel_product_id} deleted?); stock not sent",
                code="no_stock_row", record_ref=update.sku)
        try:
            if whole(row.get("quantity"), "quantity") == update.quantity:
                return None
        except ValueProblem:
            pass  # an unreadable quantity is overwritten with ours
        try:
            self.client.write("PUT", "stock_availables", "stock_available",
                              catalogue.stock_fields(row, update.quantity),
                              row_id=ref(row.get("id")))
        except RejectedByChannel as rejected:
            rejected.record_ref = update.sku
            return rejected
        return None

    # -- suppliers ----------------------------------------------------------------------------
    def suppliers(self) -> Iterator[Page]:
        for rows in self.client.pages_after("suppliers", 0, page_size=LIST_PAGE_SIZE):
            yield Page.mapped(rows, catalogue.supplier_from_payload)

    def product_suppliers(self) -> Iterator[Page]:
        """Links of sold items; a combination parent's own link (attribute 0) is left out."""
        for rows in self.client.pages_after("product_suppliers", 0, page_size=LIST_PAGE_SIZE):
            parents_asked = sorted({stock_key(r)[0] for r in rows if stock_key(r)[1] == "0"})
            parents = {ref(c.get("id_product")) for c in self.client.by_field(
                "combinations", "id_product", parents_asked, display="[id,id_product]")}
            parent_links = {(product_id, "0") for product_id in parents}
            sold = [r for r in rows if stock_key(r) not in parent_links]
            yield Page.mapped(sold, catalogue.product_supplier_from_payload)


def _ids(rows: list[dict[str, Any]]) -> list[int]:
    return [int(i) for i in (ref(r.get("id")) for r in rows) if i.isdigit()]


def _key_of(update: StockUpdate) -> tuple[str, str] | None:
    attributes = update.attributes or {}
    if ref(attributes.get("id_product")):
        return ref(attributes["id_product"]), ref(attributes.get("id_product_attribute")) or "0"
    return split_channel_id(update.channel_product_id)
