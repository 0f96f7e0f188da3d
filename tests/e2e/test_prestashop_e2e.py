"""PrestaShop end to end on real RabbitMQ, PostgreSQL, worker processes and the simulator."""

from __future__ import annotations

import os
import secrets
import signal
import string
import uuid

import pytest
import requests
from support import speed_up, wait_for

from models import (
    ExecutionEvent,
    Feed,
    FeedExecution,
    Order,
    OrderLine,
    PendingOrder,
    Product,
    utcnow,
)
from workers.provisioning import create_integration

pytestmark = pytest.mark.e2e

METHOD_MAP = "Click and collect=PICKUP, My carrier=STANDARD, Colissimo=COLISSIMO, 4=DPD"


class Shop:
    """One shop on the simulator: just the control calls these tests use."""

    def __init__(self, sandbox_url: str, **settings) -> None:
        self.name = f"e2e-{uuid.uuid4().hex[:10]}"
        self.key = "".join(secrets.choice(string.ascii_uppercase + string.digits)
                           for _ in range(32))
        self.url = f"{sandbox_url}/prestashop/{self.name}"
        self.control = f"{sandbox_url}/prestashop/_sandbox/shops/{self.name}"
        response = requests.post(f"{sandbox_url}/prestashop/_sandbox/shops", timeout=10,
                                 json={"shop": self.name, "ws_key": self.key, **settings})
        response.raise_for_status()

    def settings(self, **extra) -> dict:
        return {"shop_url": self.url, "webservice_key": self.key,
                "shipping_method_map": METHOD_MAP, "timezone": "Europe/Paris", **extra}

    def post(self, path: str, body: dict | None = None) -> dict:
        response = requests.post(f"{self.control}{path}", json=body or {}, timeout=120)
        response.raise_for_status()
        return response.json()

    def get(self, path: str, **params) -> dict:
        response = requests.get(f"{self.control}{path}", params=params, timeout=60)
        response.raise_for_status()
        return response.json()


def finished(kind: str, integration) -> FeedExecution | None:
    return (FeedExecution.select()
            .where((FeedExecution.kind == kind)
                   & (FeedExecution.integration == integration.id)
                   & (FeedExecution.status == "succeeded"))
            .order_by(FeedExecution.id.desc()).first())


def test_catalogue_imported_then_updated_through_a_worker_crash(
    pg_db, workers_factory, run_scheduler, sandbox_url
):
    shop = Shop(sandbox_url, rate_limit={"rate_per_second": 25, "burst": 25})
    made = shop.post("/products", {"count": 4000, "seed": 21, "combinations_ratio": 0.3})
    integration = create_integration("prestashop", "Big catalogue",
                                     shop.settings(max_requests_per_second=10),
                                     mode="production")
    speed_up(integration, import_new_products=3600)
    victim = workers_factory.start(threads=1)
    run_scheduler()

    wait_for(lambda: finished("import_new_products", integration), timeout=240,
             message="the catalogue import")
    assert Product.select().count() == made["skus"]

    shop.post("/products/touch", {"suffix": " v2"})  # the merchant edits every product
    shop.post("/faults", {"kind": "timeout", "delay_seconds": 0.3, "count": None,
                          "path": "/api/products"})  # a slow shop: the run takes a while
    feed = Feed.get((Feed.integration == integration.id) & (Feed.kind == "update_products"))
    Feed.update(enabled=True, interval_seconds=3600, schedule_cron=None,
                next_run_at=utcnow()).where(Feed.id == feed.id).execute()

    def checkpoint() -> int:
        return (Feed.get_by_id(feed.id).cursor or {}).get("position") or 0

    wait_for(lambda: checkpoint() >= 1200, timeout=180, message="update_products under way")
    os.killpg(victim.pid, signal.SIGKILL)
    victim.wait()
    saved = checkpoint()
    assert 1200 <= saved < 4000, "the worker was killed in the middle of the catalogue"
    workers_factory.start()

    execution = wait_for(lambda: finished("update_products", integration), timeout=240,
                         message="the update to resume and finish")
    assert execution.attempt == 2
    lost = ExecutionEvent.get((ExecutionEvent.execution == execution.id)
                              & (ExecutionEvent.code == "worker_lost"))
    assert "stopped heartbeating" in lost.message
    resumed = ExecutionEvent.get((ExecutionEvent.execution == execution.id)
                                 & (ExecutionEvent.code == "resumed"))
    assert f"checkpoint {saved}" in resumed.message
    walks = [c["query"].get("filter[id]") for c in shop.get("/calls", resource="products")["calls"]]
    assert walks.count(">[0]") == 2, "import and the first attempt only: the resume skipped zero"
    assert f">[{saved}]" in walks
    assert Product.select().count() == made["skus"]
    assert Product.select(Product.sku).distinct().count() == made["skus"]
    assert Product.select().where(~Product.name.contains(" v2")).count() == 0
    assert Feed.get_by_id(feed.id).cursor["position"] is None
    assert shop.get("/summary")["throttled"] == 0


def test_paid_orders_imported_unpaid_set_aside_and_the_rate_limit_respected(
    pg_db, workers_factory, run_scheduler, sandbox_url
):
    shop = Shop(sandbox_url, rate_limit={"rate_per_second": 20, "burst": 20})
    shop.post("/products", {"count": 300, "seed": 3})
    paid = shop.post("/orders", {"count": 300, "seed": 4})["created"]
    unpaid = shop.post("/orders", {"count": 20, "seed": 5, "state": "bankwire"})["created"]
    integration = create_integration("prestashop", "Busy shop",
                                     shop.settings(max_requests_per_second=5),
                                     mode="production")
    speed_up(integration, import_new_orders=3, update_orders=3, import_new_products=3600)
    workers_factory.env["CHANNELHUB_PENDING_RECHECK_SECONDS"] = "2"
    workers_factory.start(threads=4)
    run_scheduler()

    def imported() -> int:
        return Order.select().where(Order.integration == integration.id).count()

    wait_for(lambda: imported() >= 300, timeout=240, message="the paid orders")
    wait_for(lambda: PendingOrder.select().count() == 20, timeout=60, message="unpaid aside")
    for order_id in unpaid[:5]:
        shop.post(f"/orders/{order_id}/pay")
    wait_for(lambda: imported() >= 305, timeout=120, message="the orders paid later")

    ids = {o.channel_order_id for o in Order.select(Order.channel_order_id)}
    assert ids == {str(i) for i in (*paid, *unpaid[:5])}
    assert Order.select(Order.channel_order_id).distinct().count() == imported()
    assert PendingOrder.select().count() == 15
    waiting = ExecutionEvent.select().where(ExecutionEvent.code == "awaiting_payment")
    assert waiting.count() == 20 and {e.record_ref for e in waiting} == {str(i) for i in unpaid}
    assert OrderLine.select().count() >= 305
    assert not FeedExecution.select().where(FeedExecution.status == "failed").exists()
    summary = shop.get("/summary")
    assert summary["throttled"] == 0, "three feeds at 5 calls/s stay under the shop's 20/s"
    assert summary["writes"] == 0
