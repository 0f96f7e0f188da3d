"""The run lifecycle with the real Mirakl connector over HTTP against the sandbox (SQLite).

Runs are executed by calling the lifecycle directly, the way the actor does, so each
test can look at the execution between attempts.
"""

import datetime as dt

import pytest
from support import execution_events as events
from support import run_feed as run

from models import (
    ExecutionAttempt,
    Feed,
    FeedExecution,
    Integration,
    Order,
    OrderExecution,
    utcnow,
)
from workers.lifecycle import execute
from workers.provisioning import create_integration
from workers.warehouse import dispatch_order

pytestmark = pytest.mark.usefixtures("fast_runs")


def setup(shop, mode="production", **settings):
    integration = create_integration(
        "mirakl", f"Shop {shop.shop_id}", shop.settings(**settings), mode=mode
    )
    return integration, {f.kind: f for f in integration.feeds}


def test_accept_debit_import_with_address_messages_and_a_malformed_order(db, mirakl_shop):
    shop = mirakl_shop(debit_delay_seconds=600)
    created = shop.add_orders(count=12, with_messages=3, malformed=1, seed=7)
    _, feeds = setup(shop)

    accepted = run(feeds["accept_orders"])
    assert accepted.status == "succeeded", accepted.summary
    assert accepted.updated == 12
    assert {o["order_state"] for o in shop.summary()["orders"].values()} == {
        "WAITING_DEBIT_PAYMENT",
        "SHIPPING",  # the malformed order arrives already debited
    }

    early = run(feeds["import_new_orders"])  # only the malformed order is in SHIPPING
    assert (early.status, early.created) == ("partial", 0)
    (problem,) = events(early, "error")
    assert problem.code == "malformed_payload" and problem.record_ref in created["malformed"]

    shop.advance()  # the operator debits the payment
    imported = run(feeds["import_new_orders"])
    assert imported.status == "succeeded", imported.summary
    assert (imported.seen, imported.created) == (12, 12)
    order = Order.get(Order.channel_order_id == created["created"][0])
    assert order.shipping_address["city"] and order.shipping_address["country_code"]
    assert all(line.line_type == "textual" for line in order.lines)
    with_message = [o for o in Order.select() if ":MiraklOrderMessage" in o.attributes]
    assert len(with_message) == 3
    assert OrderExecution.select().where(OrderExecution.execution == imported.id).count() == 12

    again = run(feeds["import_new_orders"])
    assert (again.created, Order.select().count()) == (0, 12)
    assert Feed.get_by_id(feeds["import_new_orders"].id).cursor["updated_since"]


def test_outbound_feeds_are_skipped_in_test_mode(db, mirakl_shop):
    shop = mirakl_shop()
    shop.add_orders(count=2)
    _, feeds = setup(shop, mode="test")
    execution = run(feeds["accept_orders"])
    assert execution.status == "skipped"
    (event,) = events(execution)
    assert event.severity == "info" and "test mode" in event.message
    assert shop.summary()["calls"].get("accept", 0) == 0


def test_server_errors_are_retried_until_they_work(db, mirakl_shop):
    shop = mirakl_shop()
    shop.advance(shop.add_orders(count=3)["created"])  # accepted and debited
    _, feeds = setup(shop)
    shop.fault(kind="status", status=503, count=2, path="/api/orders", method="GET")

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
    outcomes = [a.outcome for a in execution.attempts.order_by(ExecutionAttempt.number)]
    assert outcomes == ["retrying", "retrying", "succeeded"]


def test_rate_limit_waits_at_least_retry_after(db, mirakl_shop):
    shop = mirakl_shop()
    _, feeds = setup(shop)
    shop.fault(kind="status", status=429, retry_after=120, count=1)
    before = utcnow()
    execution = run(feeds["import_new_orders"])
    assert execution.status == "retrying"
    assert execution.retry_after_seconds == 120
    assert execution.next_attempt_at >= before + dt.timedelta(seconds=119)
    # Long waits live in the database: the scheduler re-sends at next_attempt_at.
    assert execution.redeliver_at == execution.next_attempt_at
    assert execute(execution.id) == "ignored"  # an early duplicate does not run


def test_retries_give_up_after_the_limit(db, mirakl_shop, monkeypatch):
    monkeypatch.setenv("CHANNELHUB_MAX_ATTEMPTS", "2")
    shop = mirakl_shop()
    _, feeds = setup(shop)
    shop.fault(kind="status", status=500, count=5)
    execution = run(feeds["import_new_orders"])
    execute(execution.id)
    execution = FeedExecution.get_by_id(execution.id)
    assert execution.status == "failed" and execution.attempt == 2
    assert "gave up after 2 attempts" in execution.summary


def test_wrong_api_key_fails_with_an_error_and_pauses_the_integration(db, mirakl_shop):
    shop = mirakl_shop()
    integration, feeds = setup(shop, api_key="not-the-key")
    execution = run(feeds["import_new_orders"])
    assert execution.status == "failed"
    (error,) = events(execution, "error")
    assert error.code == "bad_credentials" and "API key" in error.message
    assert "not-the-key" not in error.message
    paused = Integration.get_by_id(integration.id)
    assert paused.paused_reason
    nxt = run(feeds["update_orders"])
    assert nxt.status == "skipped" and "paused" in nxt.summary
    paused.set_secrets({"api_key": shop.api_key})
    paused.save()
    assert Integration.get_by_id(integration.id).paused_reason is None
    assert run(feeds["update_orders"]).status == "succeeded"


def test_confirm_shipments_sends_tracking_then_ship(db, mirakl_shop):
    shop = mirakl_shop()
    created = shop.add_orders(count=2)["created"]
    shop.advance(created)
    _, feeds = setup(shop)
    assert run(feeds["import_new_orders"]).created == 2
    tracked, bare = (Order.get(Order.channel_order_id == cid) for cid in created)
    dispatch_order(tracked.id, carrier="Colissimo", tracking_number="6A123", actor="test")
    dispatch_order(bare.id, carrier=None, tracking_number=None, actor="test")

    execution = run(feeds["confirm_shipments"])
    assert execution.status == "succeeded" and execution.updated == 2
    summary = shop.summary()["orders"]
    assert summary[tracked.channel_order_id]["tracking_calls"] == 1
    assert summary[tracked.channel_order_id]["ship_ok"] == 1
    assert summary[bare.channel_order_id]["tracking_calls"] == 0
    assert summary[bare.channel_order_id]["ship_ok"] == 1
    assert summary[tracked.channel_order_id]["order_state"] == "SHIPPED"
    shipped = Order.get_by_id(tracked.id)
    assert shipped.status == "shipped" and shipped.confirmation["steps"] == ["tracking", "shipped"]
    assert run(feeds["confirm_shipments"]).seen == 0  # nothing is confirmed twice


def test_cancel_on_the_channel_cancels_in_the_oms(db, mirakl_shop):
    shop = mirakl_shop()
    created = shop.add_orders(count=2)["created"]
    shop.advance(created)
    _, feeds = setup(shop)
    run(feeds["import_new_orders"])
    run(feeds["update_orders"])
    import requests

    requests.post(
        f"{shop.control}/orders/{created[0]}/cancel", json={}, timeout=10
    ).raise_for_status()
    execution = run(feeds["update_orders"])
    assert execution.updated >= 1
    assert Order.get(Order.channel_order_id == created[0]).status == "cancelled"
    assert Order.get(Order.channel_order_id == created[1]).status == "new"
    info = [e for e in events(execution, "info") if e.code == "order_cancelled"]
    assert info and info[0].record_ref == created[0]


def test_a_duplicate_message_does_not_run_twice(db, mirakl_shop):
    shop = mirakl_shop()
    _, feeds = setup(shop)
    execution = run(feeds["update_orders"])
    assert execution.status == "succeeded"
    assert execute(execution.id) == "ignored"
    assert FeedExecution.get_by_id(execution.id).attempt == 1
