"""`channelhub demo`: scheduler, workers, sandbox channels and dashboard in one process.

Runs on the embedded default (a SQLite file and dramatiq's in-process broker) so a
new user sees feeds run within a minute with nothing installed. A small
"warehouse" thread dispatches imported orders and new orders keep arriving on the
sandbox shop, so every feed has something to do.
"""

from __future__ import annotations

import logging
import os
import secrets
import threading
import time

import requests

log = logging.getLogger("channelhub.demo")

DEMO_INTERVALS = {
    "accept_orders": 20,
    "import_new_orders": 20,
    "update_orders": 60,
    "confirm_shipments": 30,
}
DEMO_SHOP_ID = 2001
DEBIT_DELAY_SECONDS = 15


def run_demo(port: int = 8000, orders: int = 60) -> None:
    os.environ.setdefault("BROKER_URL", "memory://")
    from dramatiq import Worker

    from models import init_database
    from models.db import close_quietly
    from models.schema import upgrade
    from sandbox.server import SandboxServer
    from scheduler.loop import Scheduler
    from workers.broker import get_broker

    init_database()
    upgrade()
    broker = get_broker()
    import workers.actors  # noqa: F401  (declares the actors on the in-process broker)

    sandbox = SandboxServer()
    sandbox_url = sandbox.start()
    password = _ensure_admin()
    integration_id = _ensure_mirakl(sandbox_url, orders)
    close_quietly()

    stop = threading.Event()
    worker = Worker(broker, worker_threads=4, worker_timeout=200)
    worker.start()
    threads = [
        threading.Thread(target=Scheduler().run_forever, args=(stop, 1.0), name="scheduler"),
        threading.Thread(
            target=_warehouse, args=(stop, integration_id, sandbox_url), name="warehouse"
        ),
    ]
    for thread in threads:
        thread.daemon = True
        thread.start()

    from werkzeug.serving import make_server

    from dashboard.app import create_app

    server = make_server("127.0.0.1", port, create_app(), threaded=True)
    print(f"\nchannelhub demo: dashboard at http://127.0.0.1:{port}/", flush=True)
    if password:
        print(
            f"  log in as admin / {password}   (shown once; add users with `channelhub users add`)"
        )
    print(f"  sandbox channels at {sandbox_url} (Mirakl shop {DEMO_SHOP_ID})", flush=True)
    print("  Ctrl-C stops everything.\n", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        stop.set()
        server.shutdown()
        worker.stop()
        sandbox.stop()


def _ensure_admin() -> str | None:
    from models import Role, User

    if User.select().exists():
        return None
    password = secrets.token_urlsafe(9)
    user = User(username="admin", role=Role.ADMIN.value)
    user.set_password(password)
    user.save()
    return password


def _ensure_mirakl(sandbox_url: str, orders: int) -> int:
    """The demo Mirakl integration, pointed at this run's sandbox (its port changes per run)."""
    from models import Feed, Integration, Mode, utcnow
    from workers.provisioning import create_integration, update_integration

    hostname = f"{sandbox_url}/mirakl"
    integration = Integration.get_or_none(
        (Integration.channel == "mirakl") & (Integration.name == "Mirakl demo shop")
    )
    if integration is None:
        api_key = secrets.token_hex(16)
        integration = create_integration(
            "mirakl",
            "Mirakl demo shop",
            {"hostname": hostname, "shop_id": str(DEMO_SHOP_ID), "api_key": api_key},
            mode=Mode.PRODUCTION.value,
            actor="demo",
        )
    else:
        update_integration(integration, {"hostname": hostname}, actor="demo")
        api_key = integration.get_secrets()["api_key"]
    control = f"{hostname}/_sandbox/shops"
    requests.post(
        control,
        json={
            "shop_id": DEMO_SHOP_ID,
            "api_key": api_key,
            "debit_delay_seconds": DEBIT_DELAY_SECONDS,
        },
        timeout=10,
    ).raise_for_status()
    requests.post(
        f"{control}/{DEMO_SHOP_ID}/orders",
        json={"count": orders, "with_messages": max(1, orders // 6), "malformed": 1},
        timeout=60,
    ).raise_for_status()
    now = utcnow()
    for feed in Feed.select().where(Feed.integration == integration.id):
        if feed.kind in DEMO_INTERVALS:
            feed.interval_seconds = DEMO_INTERVALS[feed.kind]
            feed.schedule_cron = None
            feed.next_run_at = now
            feed.save()
    return integration.id


def _warehouse(stop: threading.Event, integration_id: int, sandbox_url: str) -> None:
    """Dispatch a few imported orders and let a few new ones arrive, every 30 s."""
    from models import Order, OrderStatus
    from models.db import connection
    from workers.warehouse import dispatch_order

    carriers = ["Colissimo", "Chronopost", "DPD", None]
    control = f"{sandbox_url}/mirakl/_sandbox/shops/{DEMO_SHOP_ID}/orders"
    rounds = 0
    while not stop.wait(30):
        rounds += 1
        try:
            with connection():
                waiting = (
                    Order.select(Order.id)
                    .where(
                        (Order.integration == integration_id)
                        & (Order.status == OrderStatus.NEW.value)
                    )
                    .order_by(Order.id)
                    .limit(5)
                )
                for order in waiting:
                    carrier = carriers[order.id % len(carriers)]
                    tracking = f"6A{order.id:09d}" if carrier else None
                    dispatch_order(
                        order.id, carrier=carrier, tracking_number=tracking, actor="demo warehouse"
                    )
            requests.post(control, json={"count": 3, "seed": int(time.time()) + rounds}, timeout=30)
        except Exception:  # the demo must keep running whatever one round hits
            log.exception("demo warehouse round failed")
