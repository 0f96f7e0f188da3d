"""The Shopify feeds through the run lifecycle (SQLite), with the connector over HTTP against
the simulator. Runs are executed by calling the lifecycle directly, as the actor does."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from freezegun import freeze_time
from support import execution_events as events
from support import run_feed as run

from models import (
    Feed,
    FeedExecution,
    Integration,
    Order,
    PendingOrder,
    Product,
    ProductImage,
    StockLevel,
)
from workers.lifecycle import execute
from workers.provisioning import create_integration
from workers.runners.stock import default_warehouse
from workers.warehouse import dispatch_order

pytestmark = pytest.mark.usefixtures("fast_runs")



def setup(shop, mode="production", **settings):
    integration = create_integration("shopify", f"Shop {shop.handle}", shop.settings(**settings),
                                     mode=mode)
    return integration, {f.kind: f for f in integration.feeds}


def variants_of(shop) -> dict[str, dict]:
    return {v["sku"]: {**v, "product": p} for p in shop.products() for v in p["variants"]
            if v["sku"]}


def test_feeds_and_schedules_as_declared(db, shopify_shop):
    _, feeds = setup(shopify_shop())
    assert set(feeds) == {"import_new_products", "update_products", "import_product_images",
                          "import_new_orders", "update_orders", "import_stock_levels",
                          "export_stock_levels", "stock_check", "confirm_shipments"}
    assert not feeds["import_stock_levels"].enabled
    assert feeds["update_products"].schedule_cron == "0 2 * * *"
    assert 300 <= feeds["import_new_orders"].interval_seconds <= 900


def test_products_are_imported_then_updated(db, shopify_shop):
    shop = shopify_shop()
    created = shop.add_products(count=300, seed=1, without_sku=1)["created"]
    _, feeds = setup(shop)

    imported = run(feeds["import_new_products"])
    assert imported.status == "partial", imported.summary
    (error,) = events(imported, "error")
    assert "has no SKU" in error.message
    variants = variants_of(shop)
    assert Product.select().count() == len(variants) == imported.created
    sku, variant = next(iter(variants.items()))
    product = Product.get(Product.sku == sku)
    assert product.name.startswith(variant["product"]["title"])
    assert product.attributes["inventory_item_id"] == str(variant["inventory_item_id"])
    assert product.channel_product_id == str(variant["id"])
    assert product.weight == Decimal(variant["grams"]) / 1000
    assert ProductImage.select().count() >= len(variants)
    assert run(feeds["import_new_products"]).created == 0

    shop.touch_products(ids=created[:10], title_suffix=" (2027)", price_delta_cents=100)
    broken = shop.products(since_id=created[-2])[0]
    shop.patch_product(broken["id"], variants=[{"id": broken["variants"][0]["id"],
                                                "sku": "FIXED-SKU-1"}])
    updated = run(feeds["update_products"])
    assert updated.status == "succeeded", updated.summary
    assert updated.created == 1 and updated.updated == len(variants)
    assert Product.get(Product.sku == "FIXED-SKU-1")
    renamed = Product.select().where(Product.name.contains("(2027)")).count()
    assert renamed == sum(len(p["variants"]) for p in shop.products() if p["id"] in created[:10])
    cursor = Feed.get_by_id(feeds["update_products"].id).cursor
    assert cursor["position"] is None and cursor["completed_at"]


def test_update_products_resumes_from_its_checkpoint(db, shopify_shop):
    shop = shopify_shop()
    created = shop.add_products(count=600, seed=2)["created"]
    _, feeds = setup(shop)
    shop.fault(kind="status", status=503, count=1, after=2, path="/admin/api/*/products.json")

    execution = run(feeds["update_products"])
    assert execution.status == "retrying"
    assert Feed.get_by_id(feeds["update_products"].id).cursor["position"] == created[499]
    committed = Product.select().count()
    shop.clear_calls()
    execute(execution.id)
    execution = FeedExecution.get_by_id(execution.id)
    assert execution.status == "succeeded" and execution.attempt == 2
    (resumed,) = events(execution, code="resumed")
    assert str(created[499]) in resumed.message
    first_call = shop.calls(operation="list_products")[0]
    assert first_call["query"]["since_id"] == str(created[499])
    assert Product.select().count() == len(variants_of(shop)) > committed
    assert execution.seen == Product.select().count() - committed


def test_images_are_downloaded_and_a_failed_one_is_fetched_next_run(db, shopify_shop, tmp_path):
    shop = shopify_shop()
    shop.add_products(count=4, seed=3)
    _, feeds = setup(shop)
    run(feeds["import_new_products"])
    images = ProductImage.select().count()
    shop.fault(kind="status", status=500, count=1, path="/cdn/*")

    first = run(feeds["import_product_images"])
    assert first.status == "succeeded" and first.created == images - 1
    (retry,) = events(first, "retry")
    assert "downloaded again on the next run" in retry.message and retry.record_ref
    second = run(feeds["import_product_images"])
    assert second.created == 1
    assert not ProductImage.select().where(ProductImage.downloaded_at.is_null()).exists()
    stored = [tmp_path / "media" / image.path for image in ProductImage.select()]
    assert all(Path(p).read_bytes().startswith(b"\x89PNG") for p in stored)


def test_unpaid_orders_wait_and_are_imported_once_paid(db, shopify_shop):
    shop = shopify_shop()
    made = shop.add_orders(count=3, unpaid=2, cancelled=1, unknown_shipping=1, malformed=1,
                           seed=4)
    _, feeds = setup(shop)

    first = run(feeds["import_new_orders"])
    assert first.status == "partial" and first.created == 3
    waiting = events(first, "retry", "awaiting_payment")
    assert {e.record_ref for e in waiting} == {str(i) for i in made["unpaid"]}
    (cancelled,) = events(first, "info", "order_cancelled")
    assert cancelled.record_ref == str(made["cancelled"][0])
    errors = {e.code: e for e in events(first, "error")}
    assert "'Drone Delivery' (code 'DRONE')" in errors["unknown_shipping_method"].message
    assert errors["malformed_payload"].record_ref == str(made["malformed"][0])

    paid, abandoned = made["unpaid"]
    shop.pay(paid)
    shop.cancel(abandoned)
    soon = run(feeds["import_new_orders"])
    assert (soon.created, soon.retry_events, soon.error_events) == (0, 0, 0)
    assert PendingOrder.select().count() == 2  # re-checked hourly, not at every run

    with freeze_time(dt.datetime.now(dt.UTC) + dt.timedelta(minutes=61), tick=True):
        later = run(feeds["import_new_orders"])
    assert later.created == 1
    assert Order.get(Order.channel_order_id == str(paid)).status == "new"
    (gone,) = events(later, "info", "cancelled_before_payment")
    assert gone.record_ref == str(abandoned)
    assert PendingOrder.select().count() == 0
    assert Order.select().count() == 4


def test_an_order_with_an_unknown_shipping_method_is_imported_once_mapped(db, shopify_shop):
    shop = shopify_shop()
    made = shop.add_orders(count=1, unknown_shipping=1, seed=5)
    integration, feeds = setup(shop)
    assert run(feeds["import_new_orders"]).created == 1
    settings = {**integration.settings,
                "shipping_method_map": integration.settings["shipping_method_map"] + ", DRONE=AIR"}
    Integration.update(settings=settings).where(Integration.id == integration.id).execute()
    fixed = run(feeds["import_new_orders"])
    assert fixed.status == "succeeded" and fixed.created == 1
    order = Order.get(Order.channel_order_id == str(made["unknown_shipping"][0]))
    assert order.shipping_method == "AIR"
    assert order.attributes["shipping_rate"] == "DRONE"


def test_a_cancel_in_shopify_cancels_the_oms_order(db, shopify_shop):
    shop = shopify_shop()
    made = shop.add_orders(count=2, seed=6)["created"]
    _, feeds = setup(shop)
    run(feeds["import_new_orders"])
    assert run(feeds["update_orders"]).status == "succeeded"
    shop.cancel(made[0])
    execution = run(feeds["update_orders"])
    assert Order.get(Order.channel_order_id == str(made[0])).status == "cancelled"
    assert Order.get(Order.channel_order_id == str(made[1])).status == "new"
    (info,) = events(execution, "info", "order_cancelled")
    assert info.record_ref == str(made[0])


def _oms_stock(quantities: dict[str, int]) -> None:
    warehouse = default_warehouse()
    for sku, quantity in quantities.items():
        StockLevel.create(product=Product.get(Product.sku == sku).id, warehouse=warehouse.id,
                          quantity=quantity, reserved=1)


def test_stock_is_exported_then_checked(db, shopify_shop):
    shop = shopify_shop()
    shop.add_products(count=20, seed=7)
    _, feeds = setup(shop)
    run(feeds["import_new_products"])
    skus = sorted(variants_of(shop))
    _oms_stock({sku: 10 + n for n, sku in enumerate(skus)})

    exported = run(feeds["export_stock_levels"])
    assert exported.status == "succeeded", exported.summary
    assert shop.stock() == {sku: 9 + n for n, sku in enumerate(skus)}  # available = qty - 1

    shop.set_stock(levels=[{"sku": skus[0], "available": 2}])
    checked = run(feeds["stock_check"])
    assert checked.status == "partial"
    (mismatch,) = events(checked, "error", "stock_mismatch")
    assert mismatch.record_ref == skus[0]
    assert "OMS has 9 available" in mismatch.message and "Shopify shows 2" in mismatch.message


def test_initial_stock_import_runs_once(db, shopify_shop):
    shop = shopify_shop()
    shop.add_products(count=10, seed=8)
    shop.set_stock(all=4)
    _, feeds = setup(shop)
    run(feeds["import_new_products"])
    first = run(feeds["import_stock_levels"])
    assert first.status == "succeeded" and first.updated == len(variants_of(shop))
    assert {level.quantity for level in StockLevel.select()} == {4}
    again = run(feeds["import_stock_levels"])
    assert again.status == "skipped"
    (refused,) = events(again, "info", "stock_already_imported")
    shop.set_stock(all=6)
    forced = run(feeds["import_stock_levels"], force=True)
    assert forced.status == "succeeded"
    assert {level.quantity for level in StockLevel.select()} == {6}


def test_shipments_are_confirmed_once(db, shopify_shop):
    shop = shopify_shop()
    made = shop.add_orders(count=2, seed=9)["created"]
    _, feeds = setup(shop)
    run(feeds["import_new_orders"])
    tracked, bare = (Order.get(Order.channel_order_id == str(i)) for i in made)
    dispatch_order(tracked.id, carrier="UPS", tracking_number="1Z999AA1", actor="test")
    dispatch_order(bare.id, carrier=None, tracking_number=None, actor="test")

    execution = run(feeds["confirm_shipments"])
    assert execution.status == "succeeded" and execution.updated == 2
    fulfillments = shop.summary()["fulfillments"]
    assert fulfillments[str(made[0])][0]["tracking_number"] == "1Z999AA1"
    assert fulfillments[str(made[1])][0]["tracking_number"] is None
    shipped = Order.get_by_id(tracked.id)
    assert shipped.status == "shipped" and shipped.confirmation["steps"] == ["fulfilled"]
    assert run(feeds["confirm_shipments"]).seen == 0
    assert shop.summary()["orders"]["fulfillment_status"] == {"fulfilled": 2}
    follow = run(feeds["update_orders"])
    assert follow.status == "succeeded"
    assert Order.get_by_id(bare.id).channel_status == "paid/fulfilled"


def test_nothing_outbound_is_sent_in_test_mode(db, shopify_shop):
    shop = shopify_shop()
    shop.add_products(count=5, seed=10)
    made = shop.add_orders(count=1, seed=10)["created"]
    _, feeds = setup(shop, mode="test")
    assert run(feeds["import_new_products"]).status == "succeeded"
    assert run(feeds["import_new_orders"]).created == 1
    _oms_stock({sku: 50 for sku in variants_of(shop)})
    dispatch_order(Order.get(Order.channel_order_id == str(made[0])).id, carrier="UPS",
                   tracking_number="1Z1", actor="test")
    for kind in ("export_stock_levels", "confirm_shipments"):
        execution = run(feeds[kind])
        assert execution.status == "skipped"
        (event,) = events(execution)
        assert event.severity == "info" and "test mode" in event.message
    assert [c for c in shop.calls() if c["method"] != "GET"] == []
    assert shop.summary()["fulfillments"] == {}


def test_wrong_token_fails_and_pauses_the_integration(db, shopify_shop):
    shop = shopify_shop()
    integration, feeds = setup(shop, access_token="shpat_not_it")
    execution = run(feeds["import_new_orders"])
    assert execution.status == "failed"
    (error,) = events(execution, "error")
    assert error.code == "bad_credentials" and "shpat_not_it" not in error.message
    assert Integration.get_by_id(integration.id).paused_reason
    assert run(feeds["update_orders"]).status == "skipped"


def test_lasting_throttling_becomes_a_run_retry_then_succeeds(db, shopify_shop):
    shop = shopify_shop()
    shop.add_orders(count=2, seed=11)
    _, feeds = setup(shop)
    shop.fault(kind="status", status=429, retry_after=0.1, count=4,
               path="/admin/api/*/orders.json")
    execution = run(feeds["import_new_orders"])
    assert execution.status == "retrying"
    (retry,) = events(execution, "retry")
    assert retry.code == "rate_limited" and "HTTP 429" in retry.message
    execute(execution.id)
    assert FeedExecution.get_by_id(execution.id).status == "succeeded"
    assert Order.select().count() == 2


def test_a_busy_bucket_slows_the_feed_down_without_429(db, shopify_shop):
    shop = shopify_shop()
    shop.add_products(count=750, seed=12)
    shop.fill_bucket(36)  # other apps are busy on this shop
    _, feeds = setup(shop)
    execution = run(feeds["import_new_products"])
    assert execution.status == "succeeded"
    assert shop.summary()["throttled"] == 0


def test_a_broken_shipping_map_fails_the_run_once_not_every_order(db, shopify_shop):
    shop = shopify_shop()
    shop.add_orders(count=5, seed=13)
    integration, feeds = setup(shop)
    settings = {**integration.settings, "shipping_method_map": "no equals sign"}
    Integration.update(settings=settings).where(Integration.id == integration.id).execute()
    execution = run(feeds["import_new_orders"])
    assert execution.status == "failed" and Order.select().count() == 0
    (error,) = events(execution, "error")
    assert error.code == "bad_settings" and "Shipping method map" in error.message
