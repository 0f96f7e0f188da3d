"""Load: 1,000 integrations x 10 feeds on short schedules, 2 worker processes, 10 minutes.

Every integration is a PrestaShop shop served by the simulator (the channel with the
most feeds: 10 scheduled ones). The script runs the real scheduler process and two
real worker processes on RabbitMQ and PostgreSQL, then prints:
- delay from a run's due time to `running` (median, p95): does the scheduler keep up;
- resident memory of every process sampled over the run: does it stay flat;
- the depth of the feed queues sampled over the run: do they stay bounded;
- how many executions ended in each state once the scheduler stops.

    python bench/bench_load.py --integrations 1000 --minutes 10 --interval 600
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("CHANNELHUB_QUEUE_PREFIX", f"load{uuid.uuid4().hex[:6]}_")
os.environ.setdefault("CHANNELHUB_ENCRYPTION_KEY", "tHkk9Km0XnS8n3Xh2Q7u0cWb3lH0uQ0l2i4n8Yc2fJk=")

import pika  # noqa: E402
import requests  # noqa: E402
from bench_import_orders import AMQP, drop_database, fresh_database  # noqa: E402
from bench_retry_backlog import rss_kib  # noqa: E402

from models import Feed, FeedExecution, init_database, utcnow  # noqa: E402
from models.schema import upgrade  # noqa: E402
from sandbox.server import SandboxServer  # noqa: E402
from workers.provisioning import create_integration  # noqa: E402
from workers.queues import INBOUND_QUEUE, OUTBOUND_QUEUE  # noqa: E402

METHOD_MAP = "Click and collect=PICKUP, My carrier=STANDARD, Colissimo=COLISSIMO, 4=DPD"


def make_shops(sandbox_url: str, count: int, interval: int) -> None:
    control = f"{sandbox_url}/prestashop/_sandbox/shops"
    now = utcnow()
    for n in range(count):
        name, key = f"load{n}", uuid.uuid4().hex
        requests.post(control, json={"shop": name, "ws_key": key}, timeout=30).raise_for_status()
        requests.post(f"{control}/{name}/products", json={"count": 10, "seed": n}, timeout=30)
        requests.post(f"{control}/{name}/orders", json={"count": 3, "seed": n}, timeout=30)
        integration = create_integration(
            "prestashop",
            f"Load shop {n}",
            {
                "shop_url": f"{sandbox_url}/prestashop/{name}",
                "webservice_key": key,
                "shipping_method_map": METHOD_MAP,
                "max_requests_per_second": 50,
            },
            mode="production",
        )
        # Spread first runs over one interval, as a live system's due times are spread.
        for feed in Feed.select().where(Feed.integration == integration.id):
            if not feed.enabled:
                continue
            feed.schedule_cron = None
            feed.interval_seconds = interval
            feed.next_run_at = now + dt.timedelta(seconds=feed.id % interval)
            feed.save()


def queue_depth() -> int:
    connection = pika.BlockingConnection(pika.URLParameters(AMQP))
    channel = connection.channel()
    depth = 0
    for queue in (INBOUND_QUEUE, OUTBOUND_QUEUE):
        try:
            depth += channel.queue_declare(queue, passive=True).method.message_count
        except pika.exceptions.ChannelClosedByBroker:
            channel = connection.channel()
    connection.close()
    return depth


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--integrations", type=int, default=1000)
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--interval", type=int, default=600, help="seconds between runs of a feed")
    parser.add_argument("--sample-seconds", type=float, default=30)
    args = parser.parse_args()
    name, url = fresh_database()
    sandbox = SandboxServer()
    sandbox_url = sandbox.start()
    env = {**os.environ, "DATABASE_URL": url, "BROKER_URL": AMQP, "PYTHONPATH": str(ROOT)}
    procs: dict[str, subprocess.Popen] = {}
    try:
        init_database(url)
        upgrade()
        t0 = time.monotonic()
        make_shops(sandbox_url, args.integrations, args.interval)
        feeds = Feed.select().where(Feed.enabled).count()
        print(
            f"set up {args.integrations} integrations, {feeds} scheduled feeds "
            f"in {time.monotonic() - t0:.0f} s"
        )
        for n in range(2):
            procs[f"worker{n}"] = subprocess.Popen(
                [sys.executable, "-m", "dramatiq", "workers.app", "-p", "1", "-t", "8"],
                cwd=ROOT,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        procs["scheduler"] = subprocess.Popen(
            [sys.executable, "-m", "channelhub.cli", "scheduler", "--poll-seconds", "0.5"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        started = utcnow()
        memory: dict[str, list[int]] = {k: [] for k in procs}
        depths: list[int] = []
        deadline = time.monotonic() + args.minutes * 60
        while time.monotonic() < deadline:
            time.sleep(args.sample_seconds)
            for key, proc in procs.items():
                memory[key].append(rss_kib(proc.pid))
            depths.append(queue_depth())
        procs.pop("scheduler").terminate()
        settle_deadline = time.monotonic() + 600
        while (
            FeedExecution.select().where(FeedExecution.status.in_(["queued", "running"])).exists()
        ):
            if time.monotonic() > settle_deadline:
                break
            time.sleep(2)
        runs = list(
            FeedExecution.select(
                FeedExecution.due_at, FeedExecution.started_at, FeedExecution.status
            ).where((FeedExecution.trigger == "schedule") & (FeedExecution.queued_at >= started))
        )
        delays = sorted(
            (r.started_at - r.due_at).total_seconds() for r in runs if r.started_at and r.due_at
        )
        states: dict[str, int] = {}
        for r in runs:
            states[r.status] = states.get(r.status, 0) + 1
        print(
            f"{len(runs)} scheduled executions in {args.minutes:.0f} min "
            f"({len(runs) / (args.minutes * 60):.1f}/s offered)"
        )
        if delays:
            p95 = delays[int(len(delays) * 0.95) - 1]
            print(
                f"delay due -> running: median {statistics.median(delays):.2f} s, p95 {p95:.2f} s, "
                f"max {delays[-1]:.2f} s"
            )
        for key, samples in memory.items():
            if samples:
                print(
                    f"RSS {key:<9}: first {samples[0] / 1024:.0f} MiB, "
                    f"last {samples[-1] / 1024:.0f} MiB, "
                    f"max {max(samples) / 1024:.0f} MiB over {len(samples)} samples"
                )
        print(f"queue depth samples: {depths}")
        print(f"final states: {states}")
    finally:
        for proc in procs.values():
            proc.terminate()
        for proc in procs.values():
            proc.wait(timeout=120)
        sandbox.stop()
        drop_database(name)


if __name__ == "__main__":
    main()
