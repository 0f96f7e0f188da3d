"""The run lifecycle with the real PrestaShop connector over HTTP against the simulator (SQLite).

Runs are executed by calling the lifecycle directly, the way the actor does, so each test can
look at the execution, its events and the shop between runs.
"""

from __future__ import annotations

import pytest
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
    ProductSupplier,
    StockLevel,
    Supplier,
)
from workers.lifecycle import execute
from workers.provisioning import create_integration, update_integration
from workers.warehouse import dispatch_order

pytestmark = pytest.mark.usefixtures("fast_runs")



def setup(shop, mode="production", **settings):
    integration = create_integration("prestashop", f"Shop {shop.name}", shop.settings(**settings),
                                     mode=mode)
    return integration, {f.kind: f for f in integration.feeds}


def cursor(feed: Feed) -> dict:
    return Feed.get_by_id(feed.id).cursor


# -- catalogue --------------------------------------------------------------------------------
def test_products_imported_updated_and_their_images_downloaded(db, ps_shop):
    shop = ps_shop()
    made = shop.add_products(count=60, seed=2, combinations_ratio=0.5, images_per_product=2,
                             missing_reference=1)
    _, feeds = setup(shop)

    imported = run(feeds["import_new_products"])
    assert imported.status == "partial", imported.summary  # one product has no reference
    assert imported.created == made["skus"] == Product.select().count()
    (problem,) = events(imported, "error")
    assert problem.record_ref == "product 60" and "no reference" in problem.message
    assert cursor(feeds["import_new_products"])["last_product_id"] == 60
    assert run(feeds["import_new_products"]).created == 0

    some_image = ProductImage.select().order_by(ProductImage.id).first()
    image_path = some_image.url.split("/api", 1)[1]
    shop.fault(kind="status", status=503, count=1, path=f"/api{image_path}")
    images = run(feeds["import_product_images"])
    assert images.status == "succeeded", images.summary
    (retry,) = events(images, "retry")
    assert "downloaded again on the next run" in retry.message
    pending = ProductImage.select().where(ProductImage.downloaded_at.is_null())
    assert [i.id for i in pending] == [some_image.id]
    again = run(feeds["import_product_images"])
    assert again.created == 1 and not pending.count()
    assert ProductImage.get_by_id(some_image.id).checksum

    shop.touch_products(suffix=" (2027 edition)")
    updated = run(feeds["update_products"])
    assert updated.status == "partial" and updated.updated == made["skus"]
    assert all(p.name.endswith("(2027 edition)") or " - " in p.name for p in Product.select())
    assert cursor(feeds["update_products"])["position"] is None
    assert cursor(feeds["update_products"])["completed_at"]


def test_update_products_resumes_from_its_checkpoint(db, ps_shop):
    shop = ps_shop()
    shop.add_products(count=200, seed=3, combinations_ratio=0)
    shop.add_products(count=100, seed=4, combinations_ratio=1.0)  # page 3 reads combinations
    _, feeds = setup(shop)
    shop.fault(kind="status", status=503, count=1, path="/api/combinations")

    first = run(feeds["update_products"])
    assert first.status == "retrying" and first.created == 200
    assert cursor(feeds["update_products"])["position"] == 200
    execute(first.id)
    resumed = FeedExecution.get_by_id(first.id)
    assert resumed.status == "succeeded" and resumed.attempt == 2
    (info,) = events(resumed, "info", "resumed")
    assert "checkpoint 200" in info.message
    walks = [c["query"]["filter[id]"] for c in shop.calls(resource="products")]
    assert walks == [">[0]", ">[100]", ">[200]", ">[200]", ">[300]"]  # not from zero again
    assert Product.select(Product.sku).distinct().count() == Product.select().count()


# -- orders -----------------------------------------------------------------------------------
def test_unpaid_order_set_aside_then_imported_once_paid(db, ps_shop, monkeypatch):
    monkeypatch.setenv("CHANNELHUB_PENDING_RECHECK_SECONDS", "0")  # the hourly check is due now
    shop = ps_shop()
    paid = shop.add_orders(count=2, seed=1)["created"]
    waiting, abandoned = shop.add_orders(count=2, seed=2, state="bankwire")["created"]
    _, feeds = setup(shop)

    first = run(feeds["import_new_orders"])
    assert first.status == "succeeded", first.summary
    assert first.created == 2 and {o.channel_order_id for o in Order.select()} == {
        str(i) for i in paid}
    retries = events(first, "retry", "awaiting_payment")
    assert {e.record_ref for e in retries} == {str(waiting), str(abandoned)}
    assert "Awaiting bank wire payment" in retries[0].message
    assert PendingOrder.select().count() == 2

    still = run(feeds["import_new_orders"])  # checked again: still unpaid, no new event
    assert still.created == 0 and not events(still, "retry")

    shop.pay(waiting)
    shop.cancel(abandoned)
    later = run(feeds["import_new_orders"])
    assert later.created == 1
    assert Order.get(Order.channel_order_id == str(waiting)).status == "new"
    (gone,) = events(later, "info", "cancelled_before_payment")
    assert gone.record_ref == str(abandoned)
    assert PendingOrder.select().count() == 0


def test_unknown_carrier_and_malformed_orders_are_errors_until_fixed(db, ps_shop):
    shop = ps_shop()
    made = shop.add_orders(count=2, seed=1, unknown_carrier=1, malformed=1)
    integration, feeds = setup(shop)

    first = run(feeds["import_new_orders"])
    assert first.status == "partial" and first.created == 2
    unknown = events(first, "error", "unknown_shipping_method")
    assert [e.record_ref for e in unknown] == [str(made["unknown_carrier"][0])]
    assert "'Drone Express'" in unknown[0].message
    (broken,) = events(first, "error", "malformed_payload")
    assert broken.record_ref == str(made["malformed"][0])

    again = run(feeds["import_new_orders"])  # still unmapped: reported again, nothing lost
    assert again.created == 0 and len(events(again, "error")) == 2

    update_integration(integration, {"shipping_method_map": shop.settings()[
        "shipping_method_map"] + ", Drone Express=DRONE"}, actor="test")
    fixed = run(feeds["import_new_orders"])
    assert fixed.created == 1
    order = Order.get(Order.channel_order_id == str(made["unknown_carrier"][0]))
    assert order.shipping_method == "DRONE" and order.shipping_address["city"]
    assert [e.code for e in events(fixed, "error")] == ["malformed_payload"]


def test_a_cancel_on_the_shop_cancels_in_the_oms(db, ps_shop):
    shop = ps_shop()
    first, second = shop.add_orders(count=2, seed=1)["created"]
    _, feeds = setup(shop)
    run(feeds["import_new_orders"])
    assert run(feeds["update_orders"]).status == "succeeded"
    shop.cancel(first)
    execution = run(feeds["update_orders"])
    assert execution.updated >= 1
    assert Order.get(Order.channel_order_id == str(first)).status == "cancelled"
    assert Order.get(Order.channel_order_id == str(second)).status == "new"
    (info,) = events(execution, "info", "order_cancelled")
    assert info.record_ref == str(first)


def test_shipments_are_confirmed_with_tracking_then_shipped(db, ps_shop):
    shop = ps_shop()
    tracked, bare = shop.add_orders(count=2, seed=1)["created"]
    _, feeds = setup(shop)
    assert run(feeds["import_new_orders"]).created == 2
    for order_id, tracking in ((tracked, "6A0012345"), (bare, None)):
        order = Order.get(Order.channel_order_id == str(order_id))
        dispatch_order(order.id, carrier="Colissimo", tracking_number=tracking, actor="test")

    execution = run(feeds["confirm_shipments"])
    assert execution.status == "succeeded" and execution.updated == 2
    view = shop.order(tracked)
    assert view["state"] == "Shipped"
    assert view["order_carriers"][0]["tracking_number"] == "6A0012345"
    assert shop.order(bare)["state"] == "Shipped"
    assert shop.summary()["tracking_updates"] == {str(tracked): 1}
    shipped = Order.get(Order.channel_order_id == str(tracked))
    assert shipped.status == "shipped" and shipped.confirmation["steps"] == ["tracking", "shipped"]
    assert run(feeds["confirm_shipments"]).seen == 0


# -- stock and suppliers ----------------------------------------------------------------------
def test_stock_imported_once_exported_and_checked(db, ps_shop):
    shop = ps_shop()
    shop.add_products(count=30, seed=5, combinations_ratio=0.5)
    _, feeds = setup(shop)
    run(feeds["import_new_products"])

    imported = run(feeds["import_stock_levels"])
    assert imported.status == "succeeded" and imported.updated == Product.select().count()
    refused = run(feeds["import_stock_levels"])
    assert refused.status == "skipped" and "already imported" in refused.summary
    assert run(feeds["import_stock_levels"], force=True).status == "succeeded"

    changed = list(Product.select().order_by(Product.id).limit(3))
    for n, product in enumerate(changed):
        StockLevel.update(quantity=40 + n, reserved=n).where(
            StockLevel.product == product.id).execute()
    exported = run(feeds["export_stock_levels"])
    assert exported.status == "succeeded", exported.summary
    assert shop.stock(*(p.sku for p in changed)) == {p.sku: 40 for p in changed}
    sent = shop.summary()["stock_updates"]
    assert 1 <= sent <= 3
    assert run(feeds["export_stock_levels"]).status == "succeeded"
    assert shop.summary()["stock_updates"] == sent  # unchanged quantities are not sent again

    assert run(feeds["stock_check"]).status == "succeeded"
    shop.set_stock({changed[1].sku: 3})
    checked = run(feeds["stock_check"])
    (mismatch,) = events(checked, "error", "stock_mismatch")
    assert mismatch.record_ref == changed[1].sku
    assert "OMS has 40 available, PrestaShop shows 3" in mismatch.message


def test_suppliers_and_their_product_links(db, ps_shop):
    shop = ps_shop()
    made = shop.add_products(count=25, seed=6, combinations_ratio=0.5, suppliers=3)
    _, feeds = setup(shop)
    run(feeds["import_new_products"])
    assert run(feeds["import_suppliers"]).status == "succeeded"
    assert Supplier.select().count() == 3
    links = run(feeds["import_product_suppliers"])
    assert links.status == "succeeded", links.summary
    assert ProductSupplier.select().count() == made["skus"]
    assert not events(links, "info", "association_skipped")


# -- test mode, credentials, throttling -------------------------------------------------------
def test_nothing_outbound_is_sent_in_test_mode(db, ps_shop):
    shop = ps_shop()
    shop.add_products(count=10, seed=1)
    (order_id,) = shop.add_orders(count=1, seed=1)["created"]
    _, feeds = setup(shop, mode="test")
    run(feeds["import_new_products"])
    run(feeds["import_stock_levels"])
    run(feeds["import_new_orders"])
    StockLevel.update(quantity=StockLevel.quantity + 5).execute()
    order = Order.get(Order.channel_order_id == str(order_id))
    dispatch_order(order.id, carrier="Colissimo", tracking_number="6A1", actor="test")

    for kind in ("export_stock_levels", "confirm_shipments"):
        execution = run(feeds[kind])
        assert execution.status == "skipped"
        (event,) = events(execution)
        assert event.severity == "info" and "test mode" in event.message
    assert shop.summary()["writes"] == 0
    assert not [c for c in shop.calls() if c["method"] != "GET"]
    assert shop.order(order_id)["state"] == "Payment accepted"


def test_a_wrong_key_fails_and_pauses_the_integration(db, ps_shop):
    shop = ps_shop()
    integration, feeds = setup(shop, webservice_key="Z" * 32)
    execution = run(feeds["import_new_orders"])
    assert execution.status == "failed"
    (error,) = events(execution, "error")
    assert error.code == "bad_credentials" and "Z" * 32 not in error.message
    assert Integration.get_by_id(integration.id).paused_reason
    assert run(feeds["update_orders"]).status == "skipped"


def test_a_throttling_shop_slows_the_feed_down_without_failing_it(db, ps_shop):
    shop = ps_shop(rate_limit={"rate_per_second": 4, "burst": 4})
    shop.add_products(count=400, seed=7, combinations_ratio=0.3)
    _, feeds = setup(shop, max_requests_per_second=20)  # faster than the shop allows
    execution = run(feeds["update_products"])
    assert execution.status == "succeeded", execution.summary
    assert execution.attempt == 1 and not events(execution, "retry")
    assert shop.summary()["throttled"] > 0
    assert Product.select().count() == execution.created
