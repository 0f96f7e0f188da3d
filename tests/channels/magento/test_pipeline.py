"""The run lifecycle with the Magento connector over HTTP against the sandbox (SQLite).

Runs are executed by calling the lifecycle directly, the way the actor does, so each test can
look at the execution, the OMS rows and the simulator's call log between runs.
"""

import datetime as dt

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
from workers.provisioning import create_integration, update_integration
from workers.runners.stock import default_warehouse
from workers.warehouse import dispatch_order

pytestmark = pytest.mark.usefixtures("fast_runs")



@pytest.fixture
def setup(magento_settings):
    def make(shop, mode="production", **extra):
        integration = create_integration(
            "magento", f"Magento {shop.code}", magento_settings(shop, **extra), mode=mode
        )
        return integration, {f.kind: f for f in integration.feeds}

    return make


def rechecks(shop) -> list[dict]:
    """Calls that asked for orders by id (the re-check of orders set aside)."""
    return [
        c
        for c in shop.calls(operation="orders")
        if c["query"].get("searchCriteria[filter_groups][0][filters][0][field]") == "entity_id"
        and c["query"].get("searchCriteria[filter_groups][0][filters][0][condition_type]") == "in"
    ]


def cursor(feed: Feed) -> dict:
    return Feed.get_by_id(feed.id).cursor


def test_products_imported_with_images_then_updated(db, magento_shop, setup):
    shop = magento_shop()
    made = shop.add_products(count=650, seed=21, malformed=2)
    _, feeds = setup(shop)

    imported = run(feeds["import_new_products"])
    assert imported.status == "partial", imported.summary  # the two malformed products
    assert (imported.seen, imported.created) == (650, 650)
    assert {e.record_ref for e in events(imported, "error")} == {
        str(made["malformed"][0]),
        next(p["sku"] for p in shop.products() if p["id"] == made["malformed"][1]),
    }
    assert cursor(feeds["import_new_products"]) == {"last_id": 652}
    expected_images = sum(p["images"] for p in shop.products() if not p["malformed"])
    assert ProductImage.select().count() == expected_images
    sample = Product.get(Product.channel_product_id == "1")
    assert sample.sku == shop.products()[0]["sku"] and sample.barcode and sample.price

    shop.touch_products(ids=list(range(1, 41)), name_suffix=" (2027)")
    shop.add_products(count=5, seed=22)  # created after the last new-products run
    updated = run(feeds["update_products"])
    assert updated.status == "partial" and (updated.created, updated.updated) == (5, 650)
    assert Product.get(Product.channel_product_id == "7").name.endswith(" (2027)")
    assert cursor(feeds["update_products"])["position"] is None
    assert cursor(feeds["update_products"])["completed_at"]
    fresh_images = sum(p["images"] for p in shop.products()[-5:])
    assert ProductImage.select().count() == expected_images + fresh_images
    assert run(feeds["import_new_products"]).created == 0  # already created by the update


def test_a_failing_image_is_retried_on_the_next_run(db, magento_shop, setup):
    shop = magento_shop()
    shop.add_products(count=30, seed=5)
    _, feeds = setup(shop)
    run(feeds["import_new_products"])
    total = ProductImage.select().count()
    shop.fault(kind="status", status=503, path="/pub/media/*", count=1)

    first = run(feeds["import_product_images"])
    assert first.status == "succeeded" and first.created == total - 1
    (retry,) = events(first, "retry")
    assert "downloaded again on the next run" in retry.message and "image 1" in retry.record_ref
    assert ProductImage.select().where(ProductImage.downloaded_at.is_null()).count() == 1

    second = run(feeds["import_product_images"])
    assert (second.seen, second.created) == (1, 1)
    assert not ProductImage.select().where(ProductImage.path.is_null()).exists()
    assert len(shop.calls(operation="media")) == total + 1


def test_update_products_resumes_from_its_checkpoint(db, magento_shop, setup):
    shop = magento_shop()
    shop.add_products(count=1000, seed=8)
    _, feeds = setup(shop)
    # Two pages go through, the third answers 503: the run is retried from the checkpoint.
    shop.fault(kind="status", status=503, path="/V1/products", after=2)

    execution = run(feeds["update_products"])
    assert execution.status == "retrying", execution.summary
    assert cursor(feeds["update_products"])["position"] == 600
    assert Product.select().count() == 600

    execute(execution.id)
    execution = FeedExecution.get_by_id(execution.id)
    assert execution.status == "succeeded" and execution.attempt == 2
    (resumed,) = events(execution, "info", "resumed")
    assert "checkpoint 600" in resumed.message
    calls = shop.calls(operation="products")
    assert [c["status"] for c in calls] == [200, 200, 503, 200, 200]
    value = "searchCriteria[filter_groups][0][filters][0][value]"
    assert [c["query"][value] for c in calls] == ["0", "300", "600", "600", "900"]
    assert Product.select().count() == 1000
    assert Product.select(Product.sku).distinct().count() == 1000
    assert cursor(feeds["update_products"])["position"] is None


def test_unpaid_orders_are_set_aside_then_imported_or_dropped(db, magento_shop, setup, monkeypatch):
    monkeypatch.setenv("CHANNELHUB_PENDING_RECHECK_SECONDS", "0")
    shop = magento_shop()
    made = shop.add_orders(count=3, unpaid=2, seed=12)
    _, feeds = setup(shop)

    first = run(feeds["import_new_orders"])
    assert first.status == "succeeded" and (first.created, first.skipped) == (3, 2)
    aside = events(first, "retry", "awaiting_payment")
    assert {e.record_ref for e in aside} == {str(i) for i in made["unpaid"]}
    assert PendingOrder.select().count() == 2

    paid, cancelled = made["unpaid"]
    shop.act(paid, "pay")
    shop.act(cancelled, "cancel")
    second = run(feeds["import_new_orders"])
    assert Order.get(Order.channel_order_id == str(paid)).status == "new"
    assert not Order.select().where(Order.channel_order_id == str(cancelled)).exists()
    (dropped,) = events(second, "info", "cancelled_before_payment")
    assert dropped.record_ref == str(cancelled)
    assert PendingOrder.select().count() == 0
    assert len(rechecks(shop)) == 1  # the set-aside orders were asked for by id
    assert Order.select().count() == 4


def test_set_aside_orders_are_rechecked_hourly(db, magento_shop, setup):
    shop = magento_shop()
    (order_id,) = shop.add_orders(unpaid=1, seed=13)["unpaid"]
    _, feeds = setup(shop)
    start = dt.datetime.now(dt.UTC)
    with freeze_time(start, tick=True) as clock:
        run(feeds["import_new_orders"])
        shop.act(order_id, "cancel")  # canceled orders are no longer listed as new
        clock.move_to(start + dt.timedelta(minutes=30))
        early = run(feeds["import_new_orders"])
        assert not events(early, "info", "cancelled_before_payment")
        assert not rechecks(shop)  # not due before the hour
        clock.move_to(start + dt.timedelta(minutes=61))
        late = run(feeds["import_new_orders"])
    (dropped,) = events(late, "info", "cancelled_before_payment")
    assert dropped.record_ref == str(order_id) and PendingOrder.select().count() == 0
    assert len(rechecks(shop)) == 1


def test_a_cancel_or_refund_on_magento_cancels_in_the_oms(db, magento_shop, setup):
    shop = magento_shop()
    created = shop.add_orders(count=3, seed=14)["created"]
    _, feeds = setup(shop)
    run(feeds["import_new_orders"])
    shop.act(created[0], "refund")  # invoiced orders are refunded (closed), not canceled
    execution = run(feeds["update_orders"])
    assert execution.status == "succeeded" and execution.updated == 1
    assert Order.get(Order.channel_order_id == str(created[0])).status == "cancelled"
    assert Order.get(Order.channel_order_id == str(created[1])).status == "new"
    (info,) = events(execution, "info", "order_cancelled")
    assert info.record_ref == str(created[0])


def test_an_unknown_shipping_method_is_imported_once_mapped(db, magento_shop, setup):
    shop = magento_shop()
    two_hours_ago = (dt.datetime.now(dt.UTC) - dt.timedelta(hours=2)).isoformat()
    made = shop.add_orders(count=2, unknown_method=1, malformed=1, seed=15, start=two_hours_ago)
    integration, feeds = setup(shop)

    first = run(feeds["import_new_orders"])
    assert first.status == "partial" and first.created == 2
    (unknown,) = events(first, "error", "unknown_shipping_method")
    assert unknown.record_ref == str(made["unknown_method"][0])
    assert "'dronedelivery_express'" in unknown.message
    (malformed,) = events(first, "error", "malformed_payload")
    assert malformed.record_ref == str(made["malformed"][0])

    update_integration(
        Integration.get_by_id(integration.id),
        {
            "shipping_method_map": "flatrate=STANDARD, tablerate=EXPRESS, freeshipping=FREE, "
            "dronedelivery=DRONE"
        },
        actor="test",
    )
    second = run(feeds["import_new_orders"])
    assert second.created == 1
    order = Order.get(Order.channel_order_id == str(made["unknown_method"][0]))
    assert order.shipping_method == "DRONE"


def test_stock_is_imported_once_exported_and_checked(db, magento_shop, setup):
    shop = magento_shop()
    shop.add_products(count=80, seed=16)
    _, feeds = setup(shop)
    run(feeds["import_new_products"])
    magento_stock = shop.stock()["items"]

    imported = run(feeds["import_stock_levels"])
    assert imported.status == "succeeded" and imported.updated == len(magento_stock)
    levels = {
        s.product.sku: s.quantity for s in StockLevel.select(StockLevel, Product).join(Product)
    }
    assert levels == {sku: int(q) for sku, q in magento_stock.items()}
    again = run(feeds["import_stock_levels"])
    assert again.status == "skipped" and "already imported" in again.summary
    assert run(feeds["import_stock_levels"], force=True).status == "succeeded"

    StockLevel.update(quantity=StockLevel.quantity + 5).execute()  # the OMS owns stock now
    exported = run(feeds["export_stock_levels"])
    assert exported.status == "succeeded", exported.summary
    after = shop.stock()["items"]
    assert all(after[sku] == int(q) + 5 for sku, q in magento_stock.items())
    saves = shop.calls(operation="save_source_items")
    assert len(saves) == -(-len(magento_stock) // 20)  # batches of 20, composites left out

    drifted = sorted(magento_stock)[:2]
    shop.set_stock([{"sku": sku, "quantity": 999} for sku in drifted])
    check = run(feeds["stock_check"])
    assert check.status == "partial"
    mismatches = events(check, "error", "stock_mismatch")
    assert {e.record_ref for e in mismatches} == set(drifted)
    assert "Magento shows 999" in mismatches[0].message
    assert f"OMS has {int(magento_stock[drifted[0]]) + 5}" in mismatches[0].message


def test_shipments_are_confirmed_once_with_their_tracking(db, magento_shop, setup):
    shop = magento_shop()
    created = shop.add_orders(count=2, seed=17)["created"]
    _, feeds = setup(shop)
    run(feeds["import_new_orders"])
    tracked, bare = (Order.get(Order.channel_order_id == str(i)) for i in created)
    dispatch_order(tracked.id, carrier="Colissimo", tracking_number="6A123", actor="test")
    dispatch_order(bare.id, carrier=None, tracking_number=None, actor="test")

    execution = run(feeds["confirm_shipments"])
    assert execution.status == "succeeded" and execution.updated == 2
    summary = shop.summary()["orders"]
    assert summary[str(created[0])]["tracks"] == [
        {"track_number": "6A123", "title": "Colissimo", "carrier_code": "custom"}
    ]
    assert summary[str(created[1])]["tracks"] == []
    assert all(summary[str(i)]["ship_ok"] == 1 for i in created)
    assert all(summary[str(i)]["state"] == "complete" for i in created)
    assert Order.get_by_id(tracked.id).status == "shipped"
    assert run(feeds["confirm_shipments"]).seen == 0


def test_nothing_outbound_is_sent_in_test_mode(db, magento_shop, setup):
    shop = magento_shop()
    shop.add_products(count=20, seed=18)
    created = shop.add_orders(count=1, seed=18)["created"]
    _, feeds = setup(shop, mode="test")
    assert run(feeds["import_new_products"]).status == "succeeded"
    assert run(feeds["import_new_orders"]).created == 1
    order = Order.get(Order.channel_order_id == str(created[0]))
    dispatch_order(order.id, carrier="UPS", tracking_number="1Z", actor="test")
    StockLevel.insert(
        product=Product.select().first(), warehouse=default_warehouse(), quantity=3
    ).execute()
    for kind in ("export_stock_levels", "confirm_shipments"):
        execution = run(feeds[kind])
        assert execution.status == "skipped"
        (event,) = events(execution)
        assert "test mode" in event.message
    calls = shop.calls()
    assert not [c for c in calls if c["method"] != "GET"]
    assert shop.summary()["orders"][str(created[0])]["ship_calls"] == 0
    assert shop.stock()["writes"] == {}


def test_a_wrong_token_fails_and_pauses_the_integration(db, magento_shop, setup):
    shop = magento_shop()
    integration, feeds = setup(shop, access_token="not-the-token")
    execution = run(feeds["import_new_orders"])
    assert execution.status == "failed"
    (error,) = events(execution, "error")
    assert error.code == "bad_credentials" and "Access token" in error.message
    assert "not-the-token" not in error.message
    assert Integration.get_by_id(integration.id).paused_reason
    assert run(feeds["update_orders"]).status == "skipped"


def test_server_errors_are_retried_until_they_work(db, magento_shop, setup):
    shop = magento_shop()
    shop.add_orders(count=4, seed=19)
    _, feeds = setup(shop)
    shop.fault(kind="status", status=503, count=2, path="/V1/orders", method="GET")
    execution = run(feeds["import_new_orders"])
    for _ in range(3):
        if execution.status != "retrying":
            break
        execute(execution.id)
        execution = FeedExecution.get_by_id(execution.id)
    assert execution.status == "succeeded" and execution.attempt == 3
    assert execution.created == 4
    assert len(events(execution, "retry")) == 2
