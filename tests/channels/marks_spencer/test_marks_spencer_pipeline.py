"""M&S feeds through the run lifecycle, with the connector over HTTP against the sandbox.

Start of Day pulls orders held; the release moves them on; status changes and dispatch
confirmations follow the generic runners. Runs are executed as the actor does.
"""

from __future__ import annotations

import pytest

from models import (
    ExecutionEvent,
    Feed,
    FeedExecution,
    Integration,
    Order,
    OrderStatus,
    Trigger,
    utcnow,
)
from workers.dispatch import new_execution
from workers.lifecycle import execute
from workers.provisioning import create_integration
from workers.warehouse import dispatch_order


@pytest.fixture(autouse=True)
def fast_retries(monkeypatch):
    monkeypatch.setenv("CHANNELHUB_RETRY_BASE_SECONDS", "0.01")
    monkeypatch.setenv("CHANNELHUB_RETRY_MAX_SECONDS", "0.05")
    monkeypatch.setenv("CHANNELHUB_BROKER_DELAY_MAX_SECONDS", "0")  # keep retries in the DB


def setup(supplier, mode="production", **settings):
    integration = create_integration(
        "marks_spencer", f"M&S {supplier.code}", supplier.settings(**settings), mode=mode
    )
    return integration, {f.kind: f for f in integration.feeds}


def run(feed: Feed) -> FeedExecution:
    execution = new_execution(Feed.get_by_id(feed.id), Trigger.MANUAL, utcnow())
    execute(execution.id)
    return FeedExecution.get_by_id(execution.id)


def events(execution, severity=None) -> list[ExecutionEvent]:
    query = ExecutionEvent.select().where(ExecutionEvent.execution == execution.id)
    if severity:
        query = query.where(ExecutionEvent.severity == severity)
    return list(query.order_by(ExecutionEvent.id))


def statuses() -> dict[str, str]:
    return {o.channel_order_id: o.status for o in Order.select()}


def test_start_of_day_holds_orders_and_isolates_a_malformed_one(db, ms_supplier):
    supplier = ms_supplier()
    created = supplier.add_orders(count=8, malformed=1, seed=7)
    _, feeds = setup(supplier, off_peak_batch_size="5")

    pulled = run(feeds["import_new_orders"])
    assert pulled.status == "partial", pulled.summary
    assert (pulled.seen, pulled.created) == (8, 8)
    (problem,) = events(pulled, "error")
    assert problem.code == "malformed_payload" and problem.record_ref == created["malformed"][0]
    assert set(statuses().values()) == {"held"}
    order = Order.get(Order.channel_order_id == created["created"][0])
    assert order.shipping_address["postcode"] and order.currency == "GBP"
    assert order.lines.count() >= 1 and all(line.line_type == "textual" for line in order.lines)

    again = run(feeds["import_new_orders"])
    assert (again.created, Order.select().count()) == (0, 8)

    first = run(feeds["release_demand"])
    assert (first.status, first.updated) == ("succeeded", 5)
    assert list(statuses().values()).count("released") == 5
    assert run(feeds["release_demand"]).updated == 3
    assert set(statuses().values()) == {"released"}


def test_a_cancel_at_m_and_s_cancels_a_held_order(db, ms_supplier):
    supplier = ms_supplier()
    numbers = supplier.add_orders(count=3, seed=2)["created"]
    _, feeds = setup(supplier)
    run(feeds["import_new_orders"])
    assert supplier.cancel(numbers[0]).status_code == 200
    update = run(feeds["update_orders"])
    assert update.status == "succeeded" and update.updated == 1
    assert statuses() == {numbers[0]: "cancelled", numbers[1]: "held", numbers[2]: "held"}
    (info,) = [e for e in events(update, "info") if e.code == "order_cancelled"]
    assert info.record_ref == numbers[0]
    assert run(feeds["release_demand"]).updated == 2  # the cancelled one stays cancelled
    assert statuses()[numbers[0]] == "cancelled"


def test_dispatches_are_confirmed_and_missing_tracking_is_a_record_error(db, ms_supplier):
    supplier = ms_supplier()
    tracked, bare = supplier.add_orders(count=2, seed=3)["created"]
    _, feeds = setup(supplier)
    run(feeds["import_new_orders"])
    run(feeds["release_demand"])
    for number, tracking in ((tracked, "RM123456785GB"), (bare, None)):
        order = Order.get(Order.channel_order_id == number)
        dispatch_order(order.id, carrier="Royal Mail", tracking_number=tracking, actor="test")

    confirmed = run(feeds["confirm_shipments"])
    assert confirmed.status == "partial" and confirmed.updated == 1
    (missing,) = events(confirmed, "error")
    assert (missing.code, missing.record_ref) == ("missing_tracking", bare)
    assert "tracking number" in missing.message
    assert statuses() == {tracked: "shipped", bare: "dispatched"}
    assert Order.get(Order.channel_order_id == tracked).confirmation["steps"] == ["dispatched"]
    assert supplier.order(tracked)["dispatch"]["tracking_number"] == "RM123456785GB"
    assert supplier.summary()["orders"][bare]["dispatch_calls"] == 0


def test_a_failed_dispatch_call_is_confirmed_by_the_next_run_once(db, ms_supplier):
    supplier = ms_supplier()
    (number,) = supplier.add_orders(count=1, seed=4)["created"]
    _, feeds = setup(supplier)
    run(feeds["import_new_orders"])
    order = Order.get(Order.channel_order_id == number)
    dispatch_order(order.id, carrier="DPD", tracking_number="15501234", actor="test")
    supplier.fault(kind="status", status=500, count=1, path="/v1/orders/*/dispatch")
    failed = run(feeds["confirm_shipments"])
    (retry,) = events(failed, "retry")
    assert (retry.record_ref, failed.updated) == (number, 0)
    assert "HTTP 500" in retry.message and statuses()[number] == "dispatched"
    assert run(feeds["confirm_shipments"]).updated == 1
    assert run(feeds["confirm_shipments"]).seen == 0
    counts = supplier.summary()["orders"][number]
    assert (counts["dispatch_calls"], counts["dispatch_ok"]) == (1, 1)  # the 500 never arrived


def test_outbound_confirmation_is_skipped_in_test_mode_but_release_runs(db, ms_supplier):
    supplier = ms_supplier()
    supplier.add_orders(count=1, seed=5)
    _, feeds = setup(supplier, mode="test")
    assert run(feeds["import_new_orders"]).created == 1
    assert run(feeds["release_demand"]).updated == 1
    assert run(feeds["confirm_shipments"]).status == "skipped"


def test_a_wrong_api_key_fails_clearly_and_pauses_the_integration(db, ms_supplier):
    supplier = ms_supplier()
    integration, feeds = setup(supplier, api_key="wrong-key-123")
    execution = run(feeds["import_new_orders"])
    assert execution.status == "failed"
    (error,) = events(execution, "error")
    assert error.code == "bad_credentials"
    assert "Marks & Spencer refused the credentials" in error.message and "API key" in error.message
    assert "wrong-key-123" not in error.message
    assert Integration.get_by_id(integration.id).paused_reason
    assert run(feeds["release_demand"]).status == "skipped"


def test_a_throttled_pull_waits_for_retry_after(db, ms_supplier):
    supplier = ms_supplier()
    _, feeds = setup(supplier)
    supplier.fault(kind="status", status=429, retry_after=90, count=1, path="/v1/orders")
    execution = run(feeds["import_new_orders"])
    assert execution.status == "retrying" and execution.retry_after_seconds == 90
    assert Order.select().where(Order.status == OrderStatus.HELD.value).count() == 0
