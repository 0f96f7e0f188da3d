"""Magento end to end on real RabbitMQ, PostgreSQL, worker processes and the sandbox over HTTP."""

from __future__ import annotations

import os
import signal

import pytest
from support import speed_up, wait_for

from models import (
    ExecutionEvent,
    Feed,
    FeedExecution,
    Order,
    OrderLine,
    PendingOrder,
    Product,
    ProductImage,
)
from sandbox.magento.remote import MagentoSandbox
from workers.dispatch import run_now
from workers.provisioning import create_integration

pytestmark = pytest.mark.e2e

METHOD_MAP = "flatrate=STANDARD, tablerate=EXPRESS, freeshipping=FREE"
PRODUCTS = 6000


@pytest.fixture
def magento_shop(sandbox_url):
    shops = []

    def make(**options) -> MagentoSandbox:
        shop = MagentoSandbox.create(sandbox_url, **options)
        shops.append(shop)
        return shop

    yield make
    for shop in shops:
        shop.close()


def integrate(shop: MagentoSandbox, name: str, **extra):
    values = {
        "base_url": shop.base_url,
        "access_token": shop.token,
        "shipping_method_map": METHOD_MAP,
        **extra,
    }
    return create_integration("magento", name, values, mode="production")


def feed_of(integration, kind: str) -> Feed:
    return Feed.get((Feed.integration == integration.id) & (Feed.kind == kind))


def finished(kind: str):
    return (
        FeedExecution.select()
        .where((FeedExecution.kind == kind) & (FeedExecution.status == "succeeded"))
        .order_by(FeedExecution.id.desc())
        .first()
    )


def test_catalogue_import_then_update_resumes_after_sigkill(
    pg_db, workers_factory, run_scheduler, magento_shop
):
    shop = magento_shop()
    shop.add_products(count=PRODUCTS, seed=31)
    integration = integrate(shop, "Big catalogue", requests_per_second="50")
    speed_up(integration, import_new_products=3600)
    victim = workers_factory.start(threads=1)
    run_scheduler()

    wait_for(lambda: finished("import_new_products"), timeout=180, message="the catalogue import")
    assert Product.select().count() == PRODUCTS
    images = sum(p["images"] for p in shop.products())
    assert ProductImage.select().count() == images

    shop.touch_products(name_suffix=" (v2)")
    # Slow pages, so the worker can be killed in the middle of the run.
    shop.fault(kind="timeout", delay_seconds=0.3, count=None, path="/V1/products")
    update = run_now(feed_of(integration, "update_products").id)

    def checkpoint():
        position = Feed.get_by_id(feed_of(integration, "update_products").id).cursor.get("position")
        return position if position and position >= 1200 else None

    wait_for(checkpoint, timeout=120, message="update_products past a few pages")
    os.killpg(victim.pid, signal.SIGKILL)
    victim.wait()
    before_resume = len(shop.calls(operation="products"))
    saved = Feed.get_by_id(feed_of(integration, "update_products").id).cursor["position"]
    renamed = Product.select().where(Product.name.endswith(" (v2)")).count()
    assert 0 < renamed < PRODUCTS, "the worker was killed in the middle of the run"
    shop.clear_faults()
    workers_factory.start()

    execution = wait_for(
        lambda: (
            FeedExecution.select()
            .where((FeedExecution.id == update.id) & (FeedExecution.status == "succeeded"))
            .first()
        ),
        timeout=180,
        message="the update to resume and finish",
    )
    assert execution.attempt == 2
    lost = ExecutionEvent.get(
        (ExecutionEvent.execution == execution.id) & (ExecutionEvent.code == "worker_lost")
    )
    assert "stopped heartbeating" in lost.message
    resumed = ExecutionEvent.get(
        (ExecutionEvent.execution == execution.id) & (ExecutionEvent.code == "resumed")
    )
    assert f"checkpoint {saved}" in resumed.message
    # The resumed attempt asked for ids after the checkpoint, never from zero again.
    value = "searchCriteria[filter_groups][0][filters][0][value]"
    later = [int(c["query"][value]) for c in shop.calls(operation="products")[before_resume:]]
    assert later and min(later) == saved and 0 not in later
    assert Product.select().count() == PRODUCTS
    assert Product.select(Product.sku).distinct().count() == PRODUCTS
    assert Product.select().where(Product.name.endswith(" (v2)")).count() == PRODUCTS
    assert ProductImage.select().count() == images
    cursor = Feed.get_by_id(feed_of(integration, "update_products").id).cursor
    assert cursor["position"] is None and cursor["completed_at"]


def test_paid_orders_imported_exactly_once_within_the_rate_limit(
    pg_db, workers_factory, run_scheduler, magento_shop
):
    shop = magento_shop(rate_limit={"rate_per_second": 10, "burst": 10})
    made = shop.add_orders(count=400, unpaid=20, unknown_method=2, malformed=2, seed=41)
    integration = integrate(shop, "Busy shop", requests_per_second="4")
    speed_up(integration, import_new_orders=2, update_orders=2)
    workers_factory.start()
    workers_factory.start()
    run_scheduler()

    def imported() -> int:
        return Order.select().where(Order.integration == integration.id).count()

    wait_for(lambda: imported() >= 400, timeout=240, message="400 paid orders imported")
    paid = made["unpaid"][:5]
    for order_id in paid:
        shop.act(order_id, "pay")
    wait_for(lambda: imported() >= 405, timeout=120, message="the paid orders imported")
    Feed.update(enabled=False).where(Feed.integration == integration.id).execute()
    wait_for(
        lambda: (
            not FeedExecution.select()
            .where(FeedExecution.status.in_(["queued", "running"]))
            .exists()
        ),
        timeout=60,
        message="in-flight executions to finish",
    )

    ids = {o.channel_order_id for o in Order.select(Order.channel_order_id)}
    assert ids == {str(i) for i in made["created"] + paid}
    assert Order.select(Order.channel_order_id).distinct().count() == 405
    expected_lines = sum(
        1
        for order in shop.orders()
        if str(order["entity_id"]) in ids
        for item in order["items"]
        if not item["parent_item_id"]
    )
    assert OrderLine.select().count() == expected_lines
    assert PendingOrder.select().count() == 15
    errors = ExecutionEvent.select().where(ExecutionEvent.severity == "error")
    assert {e.code for e in errors} == {"unknown_shipping_method", "malformed_payload"}
    assert {e.record_ref for e in errors} == {
        str(i) for i in made["unknown_method"] + made["malformed"]
    }
    assert not FeedExecution.select().where(FeedExecution.status == "failed").exists()
    summary = shop.summary()
    assert summary["throttled"] == 0, "the connectors stayed under the shop's rate limit"
    assert summary["calls"]["orders"] >= 4
