"""Catalogue feeds: new products, all products (checkpointed), product images."""

from __future__ import annotations

from channels.errors import ChannelProblem, CredentialsError, PayloadError
from models import Product, ProductImage, Severity, utcnow
from workers.catalogue_writer import insert_new_products, upsert_products
from workers.media import store_image
from workers.runners.base import Runner

IMAGES_PER_RUN = 500


class ImportNewProducts(Runner):
    kind = "import_new_products"

    def run(self) -> None:
        for page in self.connector.new_products(self.ctx.feed.cursor or {}):
            for problem in page.problems:
                self.record(problem)
            insert_new_products(self.ctx, page.records, page.next_position)


class UpdateProducts(Runner):
    """All products, page by page. Each page commits with its checkpoint, so a crash or a
    time limit resumes where it stopped instead of starting over."""

    kind = "update_products"

    def run(self) -> None:
        cursor = self.ctx.feed.cursor or {}
        if cursor.get("position") is not None:
            self.recorder.event(
                Severity.INFO,
                "resumed",
                f"resuming the catalogue from checkpoint {cursor['position']}",
            )
        for page in self.connector.all_products(cursor):
            for problem in page.problems:
                self.record(problem)
            upsert_products(self.ctx, page.records, page.next_position)


class ImportProductImages(Runner):
    """Download images of products this integration created; a failed download is a retry
    for that image (it stays pending for the next run), not a failed feed."""

    kind = "import_product_images"

    def run(self) -> None:
        # Read the batch first: writing while a SQLite read is open fails with "locked".
        pending = list(
            ProductImage.select(ProductImage, Product.sku)
            .join(Product)
            .where(
                (Product.integration == self.ctx.integration.id)
                & ProductImage.downloaded_at.is_null()
            )
            .order_by(ProductImage.id)
            .limit(IMAGES_PER_RUN)
        )
        for image in pending:
            self.recorder.count(seen=1)
            ref = f"{image.product.sku} image {image.position + 1}"
            try:
                content = self.connector.download_image(image.url)
                if not content:
                    raise PayloadError(f"the image at {image.url} is empty", code="empty_image")
            except CredentialsError:
                raise
            except ChannelProblem as problem:
                self.recorder.event(
                    Severity.RETRY,
                    problem.code,
                    f"{problem.message}; the image is downloaded again on the next run",
                    record_ref=ref,
                    details=problem.details,
                )
                continue
            path, checksum = store_image(image.url, content)
            ProductImage.update(path=path, checksum=checksum, downloaded_at=utcnow()).where(
                ProductImage.id == image.id
            ).execute()
            self.recorder.count(created=1)
        self.recorder.flush()
