"""The CDiscount feeds through the run lifecycle (SQLite), with the connector over HTTP against
the simulator. Runs are executed by calling the lifecycle directly, as the actor does, so each
test can look at the execution between attempts."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from support import execution_events as events
from support import run_feed as run

from models import (
    Company,
    CompanyMapping,
    Feed,
    FeedExecution,
    Integration,
    Order,
    utcnow,
)
from workers.lifecycle import execute
from workers.provisioning import create_integration
from workers.warehouse import dispatch_order

pytestmark = pytest.mark.usefixtures("fast_runs")



def retailer_company(mapped: bool = True) -> tuple[Company, Company | None]:
    tag = uuid.uuid4().hex[:6]
    retailer = Company.create(name=f"Atelier {tag}", type="retailer")
    if not mapped:
        return retailer, None
    supplier = Company.create(name=f"Imprimerie {tag}", type="supplier")
    CompanyMapping.create(retailer=retailer, supplier=supplier)
    return retailer, supplier


def setup(seller, mode="production", company=None, **settings):
    integration = create_integration("cdiscount", f"CDiscount {seller.login}",
                                     seller.settings(**settings), mode=mode, company=company)
    return integration, {f.kind: f for f in integration.feeds}


def test_import_saves_orders_for_the_mapped_supplier_and_isolates_a_malformed_one(
    db, cdiscount_seller
):
    seller = cdiscount_seller()
    generated = seller.add_orders(count=12, malformed=2, seed=1)
    retailer, supplier = retailer_company()
    integration, feeds = setup(seller, company=retailer)
    start = integration.settings["last_order_pulled_at"]
    assert feeds["import_new_orders"].cursor == {"created_since": start}
    assert feeds["update_orders"].cursor == {"modified_since": start}

    execution = run(feeds["import_new_orders"])
    assert (execution.status, execution.seen, execution.created) == ("partial", 12, 12)
    malformed = events(execution, "error", "malformed_payload")
    assert {e.record_ref for e in malformed} == set(generated["malformed"])
    orders = list(Order.select())
    assert {o.channel_order_id for o in orders} == set(generated["created"])
    assert {o.supplier_id for o in orders} == {supplier.id}
    assert all(line.line_type == "textual" for o in orders for line in o.lines)
    assert all(o.shipping_address["city"] and o.shipping_address["country_code"] for o in orders)
    cursor = Feed.get_by_id(feeds["import_new_orders"].id).cursor
    assert cursor["created_since"] > start and cursor["lookback_at"]

    again = run(feeds["import_new_orders"])
    assert (again.created, Order.select().count()) == (0, 12)


def test_without_a_retailer_company_each_order_says_what_to_set(db, cdiscount_seller):
    seller = cdiscount_seller()
    numbers = seller.add_orders(count=3, seed=2)["created"]
    _, feeds = setup(seller)
    execution = run(feeds["import_new_orders"])
    assert (execution.status, execution.created) == ("partial", 0)
    problems = events(execution, "error", "missing_supplier_mapping")
    assert sorted(e.record_ref for e in problems) == sorted(numbers)
    assert "the integration has no retailer company" in problems[0].message


def test_a_missing_supplier_mapping_is_named_and_the_orders_come_once_it_exists(
    db, cdiscount_seller
):
    seller = cdiscount_seller()
    numbers = seller.add_orders(count=4, seed=3)["created"]
    retailer, _ = retailer_company(mapped=False)
    _, feeds = setup(seller, company=retailer)

    execution = run(feeds["import_new_orders"])
    assert (execution.status, execution.created) == ("partial", 0)
    problems = events(execution, "error", "missing_supplier_mapping")
    assert sorted(e.record_ref for e in problems) == sorted(numbers)
    assert f"create a retailer -> supplier mapping for retailer '{retailer.name}'" in \
        problems[0].message

    supplier = Company.create(name=f"{retailer.name} supplier", type="supplier")
    CompanyMapping.create(retailer=retailer, supplier=supplier)
    feed = Feed.get_by_id(feeds["import_new_orders"].id)
    an_hour_later = (utcnow() - dt.timedelta(hours=2)).isoformat()
    feed.cursor = {**feed.cursor, "lookback_at": an_hour_later}  # the hourly look-back is due
    feed.save()
    recovered = run(feed)
    assert (recovered.status, recovered.created) == ("succeeded", 4)
    assert {o.supplier_id for o in Order.select()} == {supplier.id}


def test_wrong_password_fails_with_a_clear_error_and_pauses_the_integration(
    db, cdiscount_seller
):
    seller = cdiscount_seller()
    retailer, _ = retailer_company()
    integration, feeds = setup(seller, company=retailer, password="wrong-password-42")
    execution = run(feeds["import_new_orders"])
    assert execution.status == "failed"
    (error,) = events(execution, "error")
    assert error.code == "bad_credentials"
    assert "Username and Password" in error.message and "wrong-password-42" not in error.message
    paused = Integration.get_by_id(integration.id)
    assert paused.paused_reason
    assert run(feeds["update_orders"]).status == "skipped"
    paused.set_secrets({"password": seller.password})
    paused.save()
    assert run(feeds["update_orders"]).status == "succeeded"


def test_server_errors_are_retried_until_they_work(db, cdiscount_seller):
    seller = cdiscount_seller()
    seller.add_orders(count=3, seed=4)
    retailer, _ = retailer_company()
    _, feeds = setup(seller, company=retailer, days_back=2)
    seller.fault(kind="status", status=503, count=1, operation="GetOrderList")
    seller.fault(kind="soap_fault", count=1, operation="GetOrderList")

    execution = run(feeds["import_new_orders"])
    assert (execution.status, execution.attempt) == ("retrying", 1)
    for _ in range(3):
        if execution.status != "retrying":
            break
        execute(execution.id)
        execution = FeedExecution.get_by_id(execution.id)
    assert (execution.status, execution.attempt, execution.created) == ("succeeded", 3, 3)
    retries = events(execution, "retry")
    assert "HTTP 503" in retries[0].message and "InternalServiceFault" in retries[1].message


def test_a_quota_error_waits_before_the_next_attempt(db, cdiscount_seller):
    seller = cdiscount_seller()
    _, feeds = setup(seller, company=retailer_company()[0])
    seller.fault(kind="business_error", error_type="Quota", operation="GetOrderList")
    before = utcnow()
    execution = run(feeds["import_new_orders"])
    assert execution.status == "retrying"
    assert execution.retry_after_seconds == 60
    assert execution.next_attempt_at >= before + dt.timedelta(seconds=59)


def test_confirm_shipments_sends_shipped_and_refuses_a_dispatch_without_tracking(
    db, cdiscount_seller
):
    seller = cdiscount_seller()
    numbers = seller.add_orders(count=2, seed=5)["created"]
    _, feeds = setup(seller, company=retailer_company()[0])
    assert run(feeds["import_new_orders"]).created == 2
    tracked, bare = (Order.get(Order.channel_order_id == n) for n in numbers)
    dispatch_order(tracked.id, carrier="Colissimo", tracking_number="6A123", actor="test")
    dispatch_order(bare.id, carrier="Colissimo", tracking_number=None, actor="test")

    execution = run(feeds["confirm_shipments"])
    assert (execution.status, execution.seen, execution.updated) == ("partial", 2, 1)
    (problem,) = events(execution, "error")
    assert (problem.code, problem.record_ref) == ("missing_tracking", bare.channel_order_id)
    assert "tracking number is missing" in problem.message
    summary = seller.summary()["orders"]
    assert summary[tracked.channel_order_id]["order_state"] == "Shipped"
    assert summary[tracked.channel_order_id]["validate_ok"] == 1
    assert summary[bare.channel_order_id]["validate_calls"] == 0
    shipped = Order.get_by_id(tracked.id)
    assert shipped.status == "shipped" and shipped.confirmation["steps"] == ["shipped"]
    assert Order.get_by_id(bare.id).status == "dispatched"
    assert run(feeds["confirm_shipments"]).seen == 1  # only the one still waiting for tracking


def test_an_order_cancelled_on_cdiscount_is_cancelled_in_the_oms(db, cdiscount_seller):
    seller = cdiscount_seller()
    numbers = seller.add_orders(count=2, seed=6)["created"]
    _, feeds = setup(seller, company=retailer_company()[0])
    run(feeds["import_new_orders"])
    assert run(feeds["update_orders"]).status == "succeeded"
    seller.cancel(numbers[0])
    execution = run(feeds["update_orders"])
    assert execution.updated == 1
    assert Order.get(Order.channel_order_id == numbers[0]).status == "cancelled"
    assert Order.get(Order.channel_order_id == numbers[1]).status == "new"
    (info,) = events(execution, "info", "order_cancelled")
    assert info.record_ref == numbers[0]


def test_outbound_feeds_are_skipped_in_test_mode(db, cdiscount_seller):
    seller = cdiscount_seller()
    _, feeds = setup(seller, mode="test", company=retailer_company()[0])
    execution = run(feeds["confirm_shipments"])
    assert execution.status == "skipped"
    assert seller.calls() == []
