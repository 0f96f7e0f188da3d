"""`channelhub demo`: scheduler, workers, sandbox channels and dashboard in one process.

Runs on the embedded default (a SQLite file and dramatiq's in-process broker) so a
new user sees feeds run within a minute with nothing installed. One integration of
each channel is set up against its simulator (`channelhub/demo_channels.py`); a small
"warehouse" thread dispatches imported orders of every channel, starts the shops'
initial stock import once their products are in, and lets new orders arrive on a few
simulators, so every feed has something to do.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from channelhub.demo_channels import DemoChannel

log = logging.getLogger("channelhub.demo")

# Feed kind -> (every N seconds, first run N seconds after the start). Feeds whose timing
# the channel's settings decide (M&S Start of Day and demand release) follow those.
DEMO_SCHEDULE: dict[str, tuple[int, int]] = {
    "accept_orders": (20, 0),
    "import_new_orders": (20, 0),
    "update_orders": (60, 30),
    "confirm_shipments": (30, 45),
    "import_new_products": (120, 0),
    "import_product_images": (60, 20),
    "update_products": (300, 90),
    "export_stock_levels": (120, 45),
    "stock_check": (600, 90),
    "import_suppliers": (300, 5),
    "import_product_suppliers": (300, 60),
}
INITIAL_STOCK = "import_stock_levels"  # run once by the demo warehouse, see _initial_stock
AFTER_INITIAL_STOCK = ("export_stock_levels", "stock_check")
STOCK_FEEDS_AFTER_SECONDS = 45
WORKER_THREADS = 4
WAREHOUSE_SECONDS = 20
DISPATCH_PER_ROUND = 3  # orders per integration and round
TRICKLE_EVERY_ROUNDS = 3
TRICKLE_ORDERS = 2


@dataclass(frozen=True)
class DemoIntegration:
    setup: DemoChannel
    integration_id: int
    values: dict[str, Any]  # settings and secrets, as the simulator account was made with


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
    demo = _ensure_channels(sandbox_url, orders)
    _demo_schedules([item.integration_id for item in demo])
    banner = _banner(port, password, sandbox_url, demo)
    close_quietly()

    stop = threading.Event()
    worker = Worker(broker, worker_threads=WORKER_THREADS, worker_timeout=200)
    worker.start()
    threads = [
        threading.Thread(target=Scheduler().run_forever, args=(stop, 1.0), name="scheduler"),
        threading.Thread(target=_warehouse, args=(stop, demo, sandbox_url), name="warehouse"),
    ]
    for thread in threads:
        thread.daemon = True
        thread.start()

    from werkzeug.serving import make_server

    from dashboard.app import create_app

    server = make_server("127.0.0.1", port, create_app(), threaded=True)
    print(banner, flush=True)
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


def _ensure_channels(sandbox_url: str, orders: int) -> list[DemoIntegration]:
    from channelhub.demo_channels import CHANNELS

    made = (_ensure_channel(setup, sandbox_url, orders) for setup in CHANNELS)
    return [item for item in made if item is not None]


def _ensure_channel(setup: DemoChannel, sandbox_url: str, orders: int) -> DemoIntegration | None:
    """The channel's demo integration, pointed at this run's simulator, which is made anew.

    A first start creates the integration; a later one keeps it (and what the OMS holds),
    points it at the new sandbox and recreates the simulator account with the stored
    credentials.
    """
    from models import Integration
    from models.crypto import CredentialsUnreadable
    from workers.provisioning import create_integration, update_integration

    endpoints = setup.endpoints(sandbox_url)
    company = setup.company() if setup.company else None
    integration = Integration.get_or_none(
        (Integration.channel == setup.channel) & (Integration.name == setup.name)
    )
    previous_sandbox = None
    try:
        if integration is None:
            integration = create_integration(
                setup.channel,
                setup.name,
                {**setup.first_values(), **endpoints},
                mode=setup.mode,
                company=company,
                actor="demo",
            )
        else:
            previous_sandbox = _origin(integration.settings.get(next(iter(endpoints))))
            update_integration(integration, endpoints, actor="demo")
        values = {**integration.settings, **integration.get_secrets()}
    except CredentialsUnreadable as exc:
        log.warning("%s left out of the demo: its credentials cannot be read (%s)", setup.name, exc)
        return None
    item = DemoIntegration(setup, integration.id, values)
    known = setup.seed(sandbox_url, values, orders)
    if setup.oms:
        setup.oms(integration)
    if previous_sandbox is not None:
        _cancel_lost_orders(item, known)
        _repoint_pending_images(item, previous_sandbox, _origin(sandbox_url))
        _catch_up_numbering(item, known, sandbox_url)
    return item


def _origin(url: str | None) -> str:
    parts = urlsplit(url or "")
    return f"{parts.scheme}://{parts.netloc}"


# After a restart the simulators have their first orders back, nothing more.
def _cancel_lost_orders(item: DemoIntegration, known: set[str]) -> None:
    """Unfinished OMS orders the simulator no longer has (new ones of an earlier run) can
    never be confirmed: they are cancelled, audited."""
    from models import Integration, Order, OrderStatus, database, utcnow
    from workers.provisioning import audit

    unfinished = (OrderStatus.NEW, OrderStatus.HELD, OrderStatus.RELEASED, OrderStatus.DISPATCHED)
    lost = [
        order_id
        for (order_id,) in Order.select(Order.id)
        .where(
            (Order.integration == item.integration_id)
            & Order.status.in_([status.value for status in unfinished])
            & Order.channel_order_id.not_in(sorted(known))
        )
        .tuples()
    ]
    if not lost:
        return
    reason = "the restarted demo simulator no longer has them"
    with database.atomic():
        Order.update(status=OrderStatus.CANCELLED.value, cancelled_at=utcnow()).where(
            Order.id.in_(lost)
        ).execute()
        integration = Integration.get_by_id(item.integration_id)
        audit("demo", "cancel_orders", integration, {"orders": len(lost), "reason": reason})
    log.info("%s: %d unfinished order(s) cancelled: %s", item.setup.name, len(lost), reason)


def _repoint_pending_images(item: DemoIntegration, previous: str, current: str) -> None:
    """Images not downloaded yet are on the previous sandbox's address; now on this one."""
    from peewee import fn

    from models import Product, ProductImage

    if previous == current:
        return
    products = Product.select(Product.id).where(Product.integration == item.integration_id)
    ProductImage.update(url=fn.REPLACE(ProductImage.url, previous, current)).where(
        ProductImage.product.in_(products) & ProductImage.downloaded_at.is_null()
    ).execute()


def _catch_up_numbering(item: DemoIntegration, known: set[str], sandbox_url: str) -> None:
    """A simulator that numbers its orders in sequence gets as many orders as the OMS holds
    beyond its first ones (they take numbers the OMS has, so it skips them): the next orders
    get new numbers."""
    from models import Order

    behind = (
        Order.select()
        .where(
            (Order.integration == item.integration_id)
            & Order.channel_order_id.not_in(sorted(known))
        )
        .count()
    )
    if behind and item.setup.trickle:
        item.setup.trickle(sandbox_url, item.values, 1, behind)


def _demo_schedules(integration_ids: list[int]) -> None:
    """Short demo intervals, first runs staggered so products come before their images.

    A shop's stock export and check wait for its initial stock import (see `_initial_stock`).
    """
    from channels.registry import connector_class
    from models import Feed, Integration, utcnow

    now = utcnow()
    feeds = list(
        Feed.select(Feed, Integration)
        .join(Integration)
        .where(Feed.integration.in_(integration_ids))
    )
    stock_in = {
        feed.integration_id
        for feed in feeds
        if feed.kind == INITIAL_STOCK and (feed.cursor or {}).get("imported_at")
    }
    for feed in feeds:
        timing = DEMO_SCHEDULE.get(feed.kind)
        integration = feed.integration
        connector = connector_class(integration.channel)
        if timing is None or connector.feed_schedule(feed.kind, integration.settings, now):
            continue
        interval, first_run = timing
        waits = feed.kind in AFTER_INITIAL_STOCK and feed.integration_id not in stock_in
        feed.interval_seconds = interval
        feed.schedule_cron = None
        feed.next_run_at = (
            now + dt.timedelta(seconds=first_run) if feed.enabled and not waits else None
        )
        feed.save()


def _banner(port: int, password: str | None, sandbox_url: str, demo: list[DemoIntegration]) -> str:
    from models import Integration

    lines = [f"\nchannelhub demo: dashboard at http://127.0.0.1:{port}/"]
    if password:
        lines.append(
            f"  log in as admin / {password}   (shown once; add users with `channelhub users add`)"
        )
    lines.append(f"  sandbox channels at {sandbox_url}")
    lines.append("  integrations:")
    integrations = Integration.select().where(
        Integration.id.in_([item.integration_id for item in demo])
    )
    for integration in integrations.order_by(Integration.id):
        note = "" if integration.is_production else "  (outbound feeds are skipped)"
        lines.append(
            f"    #{integration.id:<3} {integration.name:<31} {integration.channel:<14} "
            f"{integration.mode} mode{note}"
        )
    lines.append("  Ctrl-C stops everything.\n")
    return "\n".join(lines)


def _warehouse(stop: threading.Event, demo: list[DemoIntegration], sandbox_url: str) -> None:
    """Every 20 s: dispatch a few orders of each channel and start the shops' initial stock
    import once their products are in; every minute new orders arrive on a few simulators."""
    from models.db import connection

    stock_started: set[int] = set()
    rounds = 0
    while not stop.wait(WAREHOUSE_SECONDS):
        rounds += 1
        steps: list[tuple[str, Callable[[], None]]] = [
            ("dispatch", partial(_dispatch, demo)),
            ("initial stock import", partial(_initial_stock, demo, stock_started)),
        ]
        if rounds % TRICKLE_EVERY_ROUNDS == 0:
            steps.append(("new orders", partial(_trickle, demo, sandbox_url, int(time.time()))))
        for name, step in steps:
            try:
                with connection():
                    step()
            except Exception as exc:  # the demo must keep running whatever one round hits
                log.warning("demo warehouse: %s failed: %s: %s", name, type(exc).__name__, exc)


def _dispatch(demo: list[DemoIntegration]) -> None:
    """Ship the oldest orders waiting for the warehouse, with a carrier and tracking number."""
    from models import Order, OrderStatus
    from workers.warehouse import DispatchRefused, dispatch_order

    ready = (OrderStatus.NEW.value, OrderStatus.RELEASED.value)
    for item in demo:
        carriers = item.setup.carriers
        waiting = list(
            Order.select(Order.id)
            .where((Order.integration == item.integration_id) & Order.status.in_(ready))
            .order_by(Order.id)
            .limit(DISPATCH_PER_ROUND)
        )
        for order in waiting:  # a list: nothing is written while a query is still being read
            carrier = carriers[order.id % len(carriers)]
            tracking = f"6A{order.id:09d}" if carrier else None
            try:
                dispatch_order(
                    order.id, carrier=carrier, tracking_number=tracking, actor="demo warehouse"
                )
            except DispatchRefused:
                continue  # cancelled on the channel in the meantime


def _initial_stock(demo: list[DemoIntegration], started: set[int]) -> None:
    """'Run now' of each shop's one-off stock import once its first products are in; its
    stock export and check are scheduled from then on."""
    from models import ExecutionStatus, Feed, FeedExecution, utcnow
    from workers.dispatch import run_now

    done = (ExecutionStatus.SUCCEEDED.value, ExecutionStatus.PARTIAL.value)
    ids = [item.integration_id for item in demo]
    feeds = list(Feed.select().where(Feed.integration.in_(ids) & (Feed.kind == INITIAL_STOCK)))
    for feed in feeds:  # a list: nothing is written while a query is still being read
        if feed.id in started or (feed.cursor or {}).get("imported_at"):
            continue
        products_in = FeedExecution.select().where(
            (FeedExecution.integration == feed.integration_id)
            & (FeedExecution.kind == "import_new_products")
            & FeedExecution.status.in_(done)
        )
        if not products_in.exists():
            continue
        run_now(feed.id)
        first_run = utcnow() + dt.timedelta(seconds=STOCK_FEEDS_AFTER_SECONDS)
        Feed.update(next_run_at=first_run).where(
            (Feed.integration == feed.integration_id)
            & Feed.kind.in_(AFTER_INITIAL_STOCK)
            & Feed.enabled
        ).execute()
        started.add(feed.id)


def _trickle(demo: list[DemoIntegration], sandbox_url: str, seed: int) -> None:
    for item in demo:
        if item.setup.trickle:
            item.setup.trickle(sandbox_url, item.values, seed, TRICKLE_ORDERS)
