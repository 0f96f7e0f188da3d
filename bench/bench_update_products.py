"""Update N products from the Magento sandbox into PostgreSQL through RabbitMQ and a worker.

The catalogue is imported first (not timed), every product is then edited on the shop, and
the timed part is one `update_products` run: keyset paging of the REST API (300 products per
page), mapping, a batched upsert per page committed with its checkpoint, counters, and the
broker round trip. The baseline, measured in the same run on the same machine, upserts the very
same rows with a plain `insert_many(...).on_conflict(...)` in batches of 500, one transaction
per batch, no HTTP, no broker. The machine is shared and noisy: the ratio is the figure.

    python bench/bench_update_products.py --products 50000
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("CHANNELHUB_QUEUE_PREFIX", f"bench{uuid.uuid4().hex[:6]}_")

import psycopg2  # noqa: E402
from dramatiq.brokers.rabbitmq import RabbitmqBroker  # noqa: E402
from peewee import chunked  # noqa: E402

from models import Feed, FeedExecution, Product, database, init_database, utcnow  # noqa: E402
from models.schema import upgrade  # noqa: E402
from sandbox.magento.remote import MagentoSandbox  # noqa: E402
from sandbox.server import SandboxServer  # noqa: E402
from workers.broker import set_broker  # noqa: E402
from workers.catalogue_writer import UPDATED_FIELDS  # noqa: E402
from workers.dispatch import run_now  # noqa: E402
from workers.provisioning import create_integration  # noqa: E402
from workers.queues import INBOUND_QUEUE  # noqa: E402

PG_ADMIN = os.environ.get("BENCH_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres")
AMQP = os.environ.get("BENCH_RABBITMQ", "amqp://guest:guest@127.0.0.1:5672/%2F")
DONE = ("succeeded", "partial", "failed")


def fresh_database() -> tuple[str, str]:
    name = f"channelhub_bench_{uuid.uuid4().hex[:8]}"
    admin = psycopg2.connect(PG_ADMIN)
    admin.autocommit = True
    admin.cursor().execute(f'CREATE DATABASE "{name}"')
    admin.close()
    return name, PG_ADMIN.rsplit("/", 1)[0] + f"/{name}"


def drop_database(name: str) -> None:
    database.obj.close_all()
    admin = psycopg2.connect(PG_ADMIN)
    admin.autocommit = True
    cur = admin.cursor()
    cur.execute(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", (name,)
    )
    cur.execute(f'DROP DATABASE IF EXISTS "{name}"')
    admin.close()


def start_worker(url: str) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": url, "BROKER_URL": AMQP, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(
        [sys.executable, "-m", "dramatiq", "workers.app", "-p", "1", "-t", "2"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def run_feed(feed_id: int) -> tuple[float, FeedExecution]:
    """'Run now' on a feed; wall time until its execution has finished."""
    started = time.perf_counter()
    execution_id = run_now(feed_id).id
    while True:
        execution = FeedExecution.get_by_id(execution_id)
        if execution.status in DONE:
            return time.perf_counter() - started, execution
        time.sleep(0.05)


def plain_upsert() -> tuple[float, int]:
    """The floor: the same product rows upserted again, batches of 500, one transaction each."""
    rows = list(Product.select().order_by(Product.id).dicts())
    for row in rows:
        row.pop("id")
    now = utcnow()
    started = time.perf_counter()
    for batch in chunked(rows, 500):
        with database.atomic():
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
    return time.perf_counter() - started, len(rows)


def measure(sandbox_url: str, products: int, rate: int) -> None:
    """Seed the shop, import it (untimed), edit every product, then time the update."""
    shop = MagentoSandbox.create(sandbox_url, code="bench")
    shop.add_products(count=products, seed=1)
    integration = create_integration(
        "magento",
        "bench",
        {"base_url": shop.base_url, "access_token": shop.token, "requests_per_second": str(rate)},
    )
    feeds = {f.kind: f.id for f in Feed.select().where(Feed.integration == integration.id)}
    time.sleep(2)  # let the worker connect before the clock starts
    import_seconds, imported = run_feed(feeds["import_new_products"])
    assert imported.status == "succeeded", imported.summary
    shop.touch_products(name_suffix=" (2027)", price_delta=1.0)
    elapsed, execution = run_feed(feeds["update_products"])
    assert execution.status == "succeeded", execution.summary
    assert execution.updated == products, execution.summary
    renamed = Product.select().where(Product.name.endswith(" (2027)")).count()
    assert renamed == products, f"{renamed} of {products} renamed"
    pages = len(shop.calls(operation="products"))

    floor_elapsed, floor_rows = plain_upsert()
    pipeline_rate = products / elapsed
    floor_rate = floor_rows / floor_elapsed
    print(f"products: {products}, {pages} product pages read in all, 1 worker process")
    print(f"first import (not compared): {import_seconds:.2f} s")
    print(
        f"update_products (sandbox HTTP -> RabbitMQ -> worker -> PostgreSQL, "
        f"{rate} req/s budget): {elapsed:.2f} s, {pipeline_rate:,.0f} products/s"
    )
    print(
        f"plain batched upsert of the same rows: {floor_elapsed:.2f} s, "
        f"{floor_rate:,.0f} products/s"
    )
    print(f"ratio pipeline / plain upsert: {pipeline_rate / floor_rate:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--products", type=int, default=50_000)
    parser.add_argument(
        "--rate", type=int, default=10, help="the integration's 'Max requests per second'"
    )
    args = parser.parse_args()

    name, url = fresh_database()
    sandbox = SandboxServer()
    sandbox_url = sandbox.start()
    init_database(url)
    upgrade()
    worker = start_worker(url)
    broker = RabbitmqBroker(url=AMQP, confirm_delivery=True)
    broker.declare_queue(INBOUND_QUEUE)
    set_broker(broker)
    try:
        measure(sandbox_url, args.products, args.rate)
    finally:
        worker.terminate()
        worker.wait(timeout=30)
        broker.flush(INBOUND_QUEUE)
        broker.close()
        sandbox.stop()
        drop_database(name)


if __name__ == "__main__":
    main()
