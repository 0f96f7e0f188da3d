"""Shopify end to end: real RabbitMQ, PostgreSQL, worker processes and the simulator over HTTP."""

from __future__ import annotations

import os
import signal

import pytest
from support import speed_up, wait_for

from models import ExecutionEvent, Feed, FeedExecution, Order, PendingOrder, Product
from sandbox.shopify.control_client import SandboxShop
from workers.provisioning import create_integration

pytestmark = pytest.mark.e2e


def product_count() -> int:
    return Product.select().count()


def variant_skus(shop: SandboxShop) -> set[str]:
    return {v["sku"] for p in shop.products() for v in p["variants"]}


def finished(kind: str, status: str = "succeeded"):
    return (
        FeedExecution.select()
        .where((FeedExecution.kind == kind) & (FeedExecution.status == status))
        .order_by(FeedExecution.id.desc())
        .first()
    )


def idle() -> bool:
    return not FeedExecution.select().where(
        FeedExecution.status.in_(["queued", "running"])).exists()


def checkpoint(feed_id: int):
    return (Feed.get_by_id(feed_id).cursor or {}).get("position")


def test_catalogue_import_and_update_resume_after_a_sigkill(
    pg_db, workers_factory, run_scheduler, sandbox_url
):
    shop = SandboxShop.create(sandbox_url)
    created = shop.add_products(count=3000, seed=21)["created"]
    skus = variant_skus(shop)
    integration = create_integration("shopify", "Big catalogue", shop.settings(),
                                     mode="production")
    speed_up(integration, import_new_products=3600)
    victim = workers_factory.start(threads=2)
    run_scheduler()
    wait_for(lambda: finished("import_new_products"), timeout=180, message="the import")
    assert product_count() == len(skus)

    shop.touch_products(title_suffix=" (v2)", price_delta_cents=100)
    # Every page of the update takes a while, so the kill lands in the middle of the run.
    shop.fault(kind="timeout", delay_seconds=0.7, count=None, path="/admin/api/*/products.json")
    feed = Feed.get((Feed.integration == integration.id) & (Feed.kind == "update_products"))
    Feed.update(enabled=True).where(Feed.id == feed.id).execute()  # the first speed_up hid it
    speed_up(integration, update_products=3600)
    wait_for(lambda: (checkpoint(feed.id) or 0) >= created[749], timeout=120,
             message="three pages of the update committed")
    os.killpg(victim.pid, signal.SIGKILL)
    victim.wait()
    at_kill = checkpoint(feed.id)
    renamed = Product.select().where(Product.name.contains("(v2)")).count()
    assert at_kill is not None and at_kill < created[-1]
    assert 0 < renamed < len(skus), "the worker was killed in the middle of the update"
    shop.clear_faults()
    shop.clear_calls()
    workers_factory.start()

    execution = wait_for(lambda: finished("update_products"), timeout=180,
                         message="the update to resume and finish")
    assert execution.attempt == 2
    lost = ExecutionEvent.get((ExecutionEvent.execution == execution.id)
                              & (ExecutionEvent.code == "worker_lost"))
    assert "stopped heartbeating" in lost.message
    resumed = ExecutionEvent.get((ExecutionEvent.execution == execution.id)
                                 & (ExecutionEvent.code == "resumed"))
    assert str(at_kill) in resumed.message
    # The killed worker's last call may still be logged; the new run starts with since_id.
    starts = [c["query"]["since_id"] for c in shop.calls(operation="list_products")
              if "since_id" in c["query"]]
    assert starts == [str(at_kill)], "resumed from the checkpoint, not from zero"
    assert execution.seen < len(skus), "the resumed run did not start from zero"
    assert product_count() == len(skus)
    assert Product.select(Product.sku).distinct().count() == len(skus)
    assert not Product.select().where(~Product.name.contains("(v2)")).exists()
    assert Feed.get_by_id(feed.id).cursor["completed_at"]
    assert shop.summary()["throttled"] == 0


def test_paid_orders_are_imported_within_the_call_limit(
    pg_db, workers_factory, run_scheduler, sandbox_url
):
    shop = SandboxShop.create(sandbox_url)
    shop.add_products(count=1500, seed=22)
    made = shop.add_orders(count=600, unpaid=20, cancelled=5, seed=22)
    skus = variant_skus(shop)
    shop.fill_bucket(30)  # other apps are busy on this shop too
    integration = create_integration("shopify", "Busy shop", shop.settings(), mode="production")
    speed_up(integration, import_new_orders=2, update_orders=2, import_new_products=3600)
    workers_factory.start()
    workers_factory.start()
    run_scheduler()

    wait_for(lambda: Order.select().count() >= 600, timeout=180, message="600 paid orders")
    wait_for(lambda: product_count() >= len(skus), timeout=180, message="the catalogue")
    wait_for(lambda: finished("update_orders"), timeout=60, message="an update_orders run")
    wait_for(idle, timeout=60, message="in-flight executions to finish")
    imported = {o.channel_order_id for o in Order.select(Order.channel_order_id)}
    assert imported == {str(i) for i in made["created"]}
    assert Order.select().count() == 600
    assert {p.channel_order_id for p in PendingOrder.select()} == {
        str(i) for i in made["unpaid"]}
    cancelled = ExecutionEvent.select().where(ExecutionEvent.code == "order_cancelled")
    assert {e.record_ref for e in cancelled} == {str(i) for i in made["cancelled"]}
    assert not FeedExecution.select().where(
        FeedExecution.status.in_(["failed", "retrying"])).exists()
    summary = shop.summary()
    assert summary["throttled"] == 0, "no call was refused by the bucket"
    assert summary["bucket"]["max_level"] >= 30  # the limit was close and was respected
