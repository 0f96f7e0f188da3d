"""Import N orders from the Mirakl sandbox into PostgreSQL through RabbitMQ and real workers.

Prints orders/s for the whole pipeline (HTTP paging, mapping, batched upserts, cursor
commits, broker round trips) and, measured in the same run on the same machine, a
plain batched insert of the very same order and line rows: the floor the pipeline can
approach. The machine is shared and noisy, so the ratio is the figure to compare.

    python bench/bench_import_orders.py --orders 20000 --shops 4 --workers 2
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
# The benchmark and its worker processes must share one key, wherever they are started.
os.environ.setdefault("CHANNELHUB_ENCRYPTION_KEY", "tHkk9Km0XnS8n3Xh2Q7u0cWb3lH0uQ0l2i4n8Yc2fJk=")

import psycopg2  # noqa: E402
import requests  # noqa: E402
from dramatiq.brokers.rabbitmq import RabbitmqBroker  # noqa: E402
from peewee import chunked  # noqa: E402

from models import FeedExecution, Order, OrderLine, database, init_database  # noqa: E402
from models.schema import upgrade  # noqa: E402
from sandbox.server import SandboxServer  # noqa: E402
from workers.broker import set_broker  # noqa: E402
from workers.dispatch import run_now  # noqa: E402
from workers.provisioning import create_integration  # noqa: E402
from workers.queues import INBOUND_QUEUE  # noqa: E402

PG_ADMIN = os.environ.get("BENCH_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres")
AMQP = os.environ.get("BENCH_RABBITMQ", "amqp://guest:guest@127.0.0.1:5672/%2F")


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


def seed_shops(sandbox_url: str, shops: int, orders: int) -> list[dict]:
    out = []
    for n in range(shops):
        shop_id, key = 7000 + n, uuid.uuid4().hex
        control = f"{sandbox_url}/mirakl/_sandbox/shops"
        requests.post(
            control, json={"shop_id": shop_id, "api_key": key}, timeout=10
        ).raise_for_status()
        per_shop = orders // shops
        created = []
        while len(created) < per_shop:
            batch = min(5000, per_shop - len(created))
            body = {"count": batch, "seed": n * 1000 + len(created)}
            response = requests.post(f"{control}/{shop_id}/orders", json=body, timeout=120)
            created += response.json()["created"]
        requests.post(
            f"{control}/{shop_id}/advance",
            json={"order_ids": created, "state": "SHIPPING"},
            timeout=300,
        ).raise_for_status()
        out.append({"shop_id": shop_id, "api_key": key, "count": len(created)})
    return out


def pipeline(url: str, sandbox_url: str, shops: list[dict], workers: int) -> tuple[float, int]:
    env = {**os.environ, "DATABASE_URL": url, "BROKER_URL": AMQP, "PYTHONPATH": str(ROOT)}
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "dramatiq", "workers.app", "-p", "1", "-t", "4"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(workers)
    ]
    broker = RabbitmqBroker(url=AMQP, confirm_delivery=True)
    broker.declare_queue(INBOUND_QUEUE)
    set_broker(broker)
    feeds = []
    for shop in shops:
        integration = create_integration(
            "mirakl",
            f"bench {shop['shop_id']}",
            {
                "hostname": f"{sandbox_url}/mirakl",
                "shop_id": str(shop["shop_id"]),
                "api_key": shop["api_key"],
            },
            mode="production",
        )
        feeds.append(next(f for f in integration.feeds if f.kind == "import_new_orders"))
    time.sleep(2)  # let the workers connect before the clock starts
    started = time.perf_counter()
    executions = [run_now(feed.id).id for feed in feeds]
    while True:
        done = (
            FeedExecution.select()
            .where(
                FeedExecution.id.in_(executions)
                & FeedExecution.status.in_(["succeeded", "partial", "failed"])
            )
            .count()
        )
        if done == len(executions):
            break
        time.sleep(0.05)
    elapsed = time.perf_counter() - started
    failed = FeedExecution.select().where(
        FeedExecution.id.in_(executions) & (FeedExecution.status == "failed")
    )
    for proc in procs:
        proc.terminate()
    for proc in procs:
        proc.wait(timeout=30)
    broker.flush(INBOUND_QUEUE)
    broker.close()
    if failed.exists():
        raise SystemExit(f"an import failed: {[e.summary for e in failed]}")
    return elapsed, Order.select().count()


def plain_insert() -> tuple[float, int]:
    """The floor: the same rows, batched insert, one transaction per batch of 500."""
    orders = list(Order.select().order_by(Order.id).dicts())
    lines = list(OrderLine.select().order_by(OrderLine.id).dicts())
    database.execute_sql(
        'TRUNCATE "order_line", "order_execution", "order" RESTART IDENTITY CASCADE'
    )
    started = time.perf_counter()
    for batch in chunked(orders, 500):
        with database.atomic():
            Order.insert_many(batch).as_rowcount().execute()
    for batch in chunked(lines, 500):
        with database.atomic():
            OrderLine.insert_many(batch).as_rowcount().execute()
    return time.perf_counter() - started, len(orders)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--orders", type=int, default=20000)
    parser.add_argument("--shops", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()

    name, url = fresh_database()
    sandbox = SandboxServer()
    sandbox_url = sandbox.start()
    try:
        init_database(url)
        upgrade()
        shops = seed_shops(sandbox_url, args.shops, args.orders)
        total = sum(s["count"] for s in shops)
        elapsed, imported = pipeline(url, sandbox_url, shops, args.workers)
        assert imported == total, f"imported {imported} of {total}"
        lines = OrderLine.select().count()
        floor_elapsed, floor_rows = plain_insert()
        pipeline_rate = imported / elapsed
        floor_rate = floor_rows / floor_elapsed
        print(
            f"orders: {imported} ({lines} lines) from {args.shops} shops, "
            f"{args.workers} worker processes"
        )
        print(
            f"pipeline (sandbox HTTP -> RabbitMQ -> workers -> PostgreSQL): {elapsed:.2f} s, "
            f"{pipeline_rate:,.0f} orders/s"
        )
        print(
            f"plain batched insert of the same rows: {floor_elapsed:.2f} s, "
            f"{floor_rate:,.0f} orders/s"
        )
        print(f"ratio pipeline / plain insert: {pipeline_rate / floor_rate:.2f}")
    finally:
        sandbox.stop()
        drop_database(name)


if __name__ == "__main__":
    main()
