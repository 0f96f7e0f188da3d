"""Worker memory with and without a long retry backlog.

Long waits live in PostgreSQL (`retrying` + `next_attempt_at`), so thousands of
executions waiting for their next attempt cost a worker nothing. For contrast the
script also puts the same backlog where dramatiq would keep it (delayed messages,
held unacked in the worker's memory until their eta) and measures that too.

    python bench/bench_retry_backlog.py --backlog 5000
"""

from __future__ import annotations

import argparse
import datetime as dt
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

import requests  # noqa: E402
from bench_import_orders import AMQP, drop_database, fresh_database  # noqa: E402
from dramatiq import Message  # noqa: E402
from dramatiq.brokers.rabbitmq import RabbitmqBroker  # noqa: E402
from peewee import chunked  # noqa: E402

from models import Feed, FeedExecution, init_database, utcnow  # noqa: E402
from models.schema import upgrade  # noqa: E402
from sandbox.server import SandboxServer  # noqa: E402
from workers.broker import set_broker  # noqa: E402
from workers.dispatch import run_now  # noqa: E402
from workers.provisioning import create_integration  # noqa: E402
from workers.queues import INBOUND_ACTOR, INBOUND_QUEUE  # noqa: E402


def rss_kib(pid: int) -> int:
    """Resident memory of a process and its children (the dramatiq worker forks one)."""
    pids = [pid] + [
        int(p)
        for p in subprocess.run(
            ["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True
        ).stdout.split()
    ]
    total = 0
    for p in pids:
        status = Path(f"/proc/{p}/status")
        if status.exists():
            for line in status.read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
    return total


def run_traffic(feeds: list[Feed], rounds: int) -> None:
    """Real work between measurements: imports through the worker."""
    for _ in range(rounds):
        ids = [run_now(f.id).id for f in feeds]
        while (
            FeedExecution.select()
            .where(FeedExecution.id.in_(ids) & FeedExecution.status.in_(["queued", "running"]))
            .exists()
        ):
            time.sleep(0.05)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--backlog", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=10)
    args = parser.parse_args()
    name, url = fresh_database()
    sandbox = SandboxServer()
    sandbox_url = sandbox.start()
    env = {**os.environ, "DATABASE_URL": url, "BROKER_URL": AMQP, "PYTHONPATH": str(ROOT)}
    worker = None
    broker = RabbitmqBroker(url=AMQP, confirm_delivery=True)
    broker.declare_queue(INBOUND_QUEUE)
    set_broker(broker)
    try:
        init_database(url)
        upgrade()
        feeds = []
        for n in range(10):
            shop_id, key = 9100 + n, uuid.uuid4().hex
            control = f"{sandbox_url}/mirakl/_sandbox/shops"
            requests.post(control, json={"shop_id": shop_id, "api_key": key}, timeout=10)
            requests.post(f"{control}/{shop_id}/orders", json={"count": 50, "seed": n}, timeout=30)
            integration = create_integration(
                "mirakl",
                f"memory {n}",
                {"hostname": f"{sandbox_url}/mirakl", "shop_id": str(shop_id), "api_key": key},
            )
            feeds.append(next(f for f in integration.feeds if f.kind == "update_orders"))
        worker = subprocess.Popen(
            [sys.executable, "-m", "dramatiq", "workers.app", "-p", "1", "-t", "4"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(3)
        run_traffic(feeds, args.rounds)
        baseline = rss_kib(worker.pid)

        now = utcnow()
        later = now + dt.timedelta(hours=1)
        rows = [
            {
                "feed": feeds[i % len(feeds)].id,
                "integration": feeds[i % len(feeds)].integration_id,
                "kind": "update_orders",
                "trigger": "retry",
                "status": "retrying",
                "attempt": 3,
                "next_attempt_at": later,
                "redeliver_at": later,
                "queued_at": now,
                "created_at": now,
                "updated_at": now,
            }
            for i in range(args.backlog)
        ]
        backlog_ids = []
        for batch in chunked(rows, 1000):
            backlog_ids += [
                r.id for r in FeedExecution.insert_many(batch).returning(FeedExecution.id).execute()
            ]
        # The backlog holds those feeds, so traffic goes through the other path: new feeds.
        FeedExecution.update(status="failed").where(FeedExecution.id.in_(backlog_ids)).execute()
        run_traffic(feeds, args.rounds)
        FeedExecution.update(status="retrying").where(FeedExecution.id.in_(backlog_ids)).execute()
        with_db_backlog = rss_kib(worker.pid)

        delay_ms = 3600 * 1000
        for execution_id in backlog_ids:
            broker.enqueue(
                Message(
                    queue_name=INBOUND_QUEUE,
                    actor_name=INBOUND_ACTOR,
                    args=(execution_id,),
                    kwargs={},
                    options={},
                ),
                delay=delay_ms,
            )
        time.sleep(10)  # the worker's delay-queue consumer pulls them into memory
        with_broker_backlog = rss_kib(worker.pid)
        print(f"backlog: {args.backlog} executions waiting one hour for their next attempt")
        print(f"worker RSS without backlog:              {baseline / 1024:7.1f} MiB")
        print(
            f"worker RSS, backlog in PostgreSQL:       {with_db_backlog / 1024:7.1f} MiB "
            f"(ratio {with_db_backlog / baseline:.2f})"
        )
        print(
            f"worker RSS, same backlog as broker delays: {with_broker_backlog / 1024:5.1f} MiB "
            f"(ratio {with_broker_backlog / baseline:.2f}; what channelhub avoids)"
        )
    finally:
        if worker is not None:
            worker.terminate()
            worker.wait(timeout=60)
        broker.flush_all()
        broker.close()
        sandbox.stop()
        drop_database(name)


if __name__ == "__main__":
    main()
