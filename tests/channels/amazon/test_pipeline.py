"""The run lifecycle with the real Amazon connector over HTTP against the sandbox (SQLite).

Runs are executed by calling the lifecycle directly, the way the actor does, so each test can
look at the execution between attempts.
"""

import datetime as dt

import pytest
from support import execution_events as events
from support import run_feed as run

from models import (
    Feed,
    FeedExecution,
    Integration,
    Order,
    OrderLine,
    SkuMapping,
    utcnow,
)
from workers.lifecycle import execute
from workers.provisioning import create_integration
from workers.warehouse import dispatch_order

CATALOGUE_SKUS = (
    "AMZ-MUG-PERSO-11OZ",
    "AMZ-TSHIRT-PERSO",
    "AMZ-CUSHION-PERSO",
    "AMZ-POSTER-A3",
    "AMZ-TOTE-NATURAL",
    "AMZ-HOODIE-GREY-L",
)

pytestmark = pytest.mark.usefixtures("fast_runs")


def setup(seller, mode="production", skus=CATALOGUE_SKUS, **settings):
    integration = create_integration(
        "amazon", f"Amazon {seller.seller_id}", seller.settings(**settings), mode=mode
    )
    for sku in skus:
        SkuMapping.create(integration=integration, channel_sku=sku, sku=f"OMS-{sku}")
    return integration, {f.kind: f for f in integration.feeds}


def test_import_with_personalisation_an_unmapped_sku_and_a_malformed_order(db, amazon_seller):
    seller = amazon_seller(pending_delay_seconds=None)
    made = seller.add_orders(count=10, personalised=3, gift=2, malformed=1, seed=21)
    odd = seller.add_orders(orders=[{"items": [{"SellerSKU": "AMZ-UNMAPPED-9"}]}])["created"]
    seller.advance(made["created"][:8] + odd)  # two stay Pending (payment not verified)
    integration, feeds = setup(seller)

    imported = run(feeds["import_new_orders"])
    assert imported.status == "partial", imported.summary
    assert imported.created == 8
    errors = {e.record_ref: e for e in events(imported, "error")}
    assert set(errors) == {*made["malformed"], *odd}
    assert errors[made["malformed"][0]].code == "malformed_payload"
    unmapped = errors[odd[0]]
    assert unmapped.code == "missing_sku_mapping" and "AMZ-UNMAPPED-9" in unmapped.message
    order = Order.get(Order.channel_order_id == made["personalised"][0])
    line = order.lines.order_by(OrderLine.line_number).first()
    assert line.line_type == "textual" and line.sku == f"OMS-{line.channel_sku}"
    assert line.personalisation["fields"]["Message"] and line.personalisation["options"]
    assert order.shipping_address["name"] and order.shipping_address["country_code"] == "GB"
    assert Order.select().where(Order.channel_order_id.in_(made["pending"])).count() == 0
    cursor = Feed.get_by_id(feeds["import_new_orders"].id).cursor
    assert cursor["created_after"] and cursor["seen"]

    again = run(feeds["import_new_orders"])
    assert (again.created, Order.select().count()) == (0, 8)
    seller.advance(made["created"][8:])
    late = run(feeds["import_new_orders"])
    assert late.created == 2 and Order.select().count() == 10
    assert Integration.get_by_id(integration.id).paused_reason is None


def test_maximum_level_says_so_once_per_run(db, amazon_seller):
    seller = amazon_seller()
    seller.add_orders(count=3, personalised=3, seed=22)
    _, feeds = setup(seller, customisation_level="maximum")
    execution = run(feeds["import_new_orders"])
    assert execution.status == "succeeded" and execution.created == 3
    (note,) = events(execution, "info")
    assert note.code == "customisation_level_maximum"


def test_server_errors_are_retried_until_they_work(db, amazon_seller):
    seller = amazon_seller()
    seller.add_orders(count=3, seed=23)
    _, feeds = setup(seller)
    seller.fault(kind="status", status=503, count=2, path="/orders/v0/orders", method="GET")
    execution = run(feeds["import_new_orders"])
    assert execution.status == "retrying" and execution.attempt == 1
    for _ in range(3):
        if execution.status != "retrying":
            break
        execute(execution.id)
        execution = FeedExecution.get_by_id(execution.id)
    assert execution.status == "succeeded" and execution.attempt == 3
    assert execution.created == 3
    retries = events(execution, "retry")
    assert len(retries) == 2 and "HTTP 503" in retries[0].message


def test_quota_exceeded_waits_for_the_usage_plan(db, amazon_seller):
    seller = amazon_seller(rates={"getOrders": {"rate_per_second": 0.0167, "burst": 2}})
    seller.add_orders(count=2, seed=24)
    _, feeds = setup(seller)
    first = run(feeds["import_new_orders"])  # the listing, then the Pending check
    assert first.status == "succeeded", first.summary
    seller.add_orders(count=1, seed=25)
    before = utcnow()
    second = run(feeds["import_new_orders"])
    assert second.status == "retrying"
    assert second.retry_after_seconds == 60  # 1 / 0.0167 requests per second
    assert second.next_attempt_at >= before + dt.timedelta(seconds=59)
    (retry,) = events(second, "retry")
    assert "QuotaExceeded" in retry.message


def test_wrong_refresh_token_fails_and_pauses_the_integration(db, amazon_seller):
    seller = amazon_seller()
    integration, feeds = setup(seller, lwa_refresh_token="Atzr|not-the-token")
    execution = run(feeds["import_new_orders"])
    assert execution.status == "failed"
    (error,) = events(execution, "error")
    assert error.code == "bad_credentials" and "LWA Refresh Token" in error.message
    assert "not-the-token" not in error.message
    paused = Integration.get_by_id(integration.id)
    assert paused.paused_reason
    assert run(feeds["update_orders"]).status == "skipped"
    paused.set_secrets({"lwa_refresh_token": seller.refresh_token})
    paused.save()
    assert run(feeds["update_orders"]).status == "succeeded"


def test_lwa_secret_rotation_is_flagged_before_it_expires(db, amazon_seller):
    seller = amazon_seller()
    integration, feeds = setup(seller)
    set_at = (utcnow() - dt.timedelta(days=170)).isoformat()
    Integration.update(
        secrets_set_at={**integration.secrets_set_at, "lwa_client_secret": set_at}
    ).where(Integration.id == integration.id).execute()
    execution = run(feeds["update_orders"])
    (warning,) = events(execution, "error")
    assert warning.code == "lwa_secret_expiring" and "LWA Client Secret" in warning.message
    assert execution.status == "partial"


def test_confirm_shipments(db, amazon_seller):
    seller = amazon_seller()
    created = seller.add_orders(count=2, seed=26)["created"]
    _, feeds = setup(seller)
    assert run(feeds["import_new_orders"]).created == 2
    tracked, bare = (Order.get(Order.channel_order_id == cid) for cid in created)
    dispatch_order(tracked.id, carrier="Royal Mail", tracking_number="RM1GB", actor="test")
    dispatch_order(bare.id, carrier="DPD", tracking_number=None, actor="test")

    execution = run(feeds["confirm_shipments"])
    assert execution.status == "partial" and execution.updated == 1
    (error,) = events(execution, "error")
    assert error.code == "missing_tracking" and error.record_ref == bare.channel_order_id
    summary = seller.summary()["orders"]
    assert summary[tracked.channel_order_id]["confirm_ok"] == 1
    assert summary[bare.channel_order_id]["confirm_calls"] == 0
    assert summary[tracked.channel_order_id]["OrderStatus"] == "Shipped"
    shipped = Order.get_by_id(tracked.id)
    assert shipped.status == "shipped" and shipped.confirmation["steps"] == ["confirmed"]
    assert Order.get_by_id(bare.id).status == "dispatched"


def test_cancel_on_amazon_cancels_in_the_oms(db, amazon_seller):
    seller = amazon_seller()
    created = seller.add_orders(count=2, seed=27)["created"]
    _, feeds = setup(seller)
    run(feeds["import_new_orders"])
    seller.cancel(created[0], "Found cheaper somewhere else.", minutes_ago=3)
    execution = run(feeds["update_orders"])
    assert execution.status == "succeeded", execution.summary
    assert Order.get(Order.channel_order_id == created[0]).status == "cancelled"
    assert Order.get(Order.channel_order_id == created[1]).status == "new"
    info = [e for e in events(execution, "info") if e.code == "order_cancelled"]
    assert info and info[0].record_ref == created[0]
    assert Feed.get_by_id(feeds["update_orders"].id).cursor["updated_after"]


def test_outbound_feeds_are_skipped_in_test_mode(db, amazon_seller):
    seller = amazon_seller()
    _, feeds = setup(seller, mode="test")
    execution = run(feeds["confirm_shipments"])
    assert execution.status == "skipped"
    assert seller.summary()["calls"].get("confirmShipment", 0) == 0


def test_an_order_rejected_for_a_missing_sku_mapping_is_imported_once_mapped(
    db, amazon_seller, monkeypatch
):
    seller = amazon_seller(pending_delay_seconds=None)
    odd = seller.add_orders(orders=[{"items": [{"SellerSKU": "AMZ-LATE-MAP"}]}])["created"]
    seller.advance(odd)
    integration, feeds = setup(seller)

    first = run(feeds["import_new_orders"])
    (error,) = events(first, "error")
    assert error.code == "missing_sku_mapping" and "hourly re-check" in error.message
    again = run(feeds["import_new_orders"])
    assert events(again, "error") == [], "the same rejection is reported once, not every run"

    SkuMapping.create(integration=integration, channel_sku="AMZ-LATE-MAP", sku="OMS-LATE")
    monkeypatch.setenv("CHANNELHUB_PENDING_RECHECK_SECONDS", "0")
    from models import PendingOrder

    PendingOrder.update(next_check_at=utcnow()).execute()  # the hour has passed
    mapped = run(feeds["import_new_orders"])
    assert mapped.created == 1, mapped.summary
    order = Order.get(Order.channel_order_id == odd[0])
    assert [line.sku for line in order.lines] == ["OMS-LATE"]
    assert not PendingOrder.select().exists()
