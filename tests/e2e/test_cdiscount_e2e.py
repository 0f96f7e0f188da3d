"""CDiscount end to end on real RabbitMQ, PostgreSQL, worker processes and the sandbox over HTTP."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
import requests
from support import speed_up, wait_for

from models import (
    Company,
    CompanyMapping,
    ExecutionEvent,
    Feed,
    FeedExecution,
    Integration,
    Order,
    OrderLine,
    utcnow,
)
from workers.provisioning import create_integration
from workers.warehouse import dispatch_order

pytestmark = pytest.mark.e2e

REALM = "https://wsvc.cdiscount.com/MarketplaceAPIService.svc"


class Seller:
    """A seller account on the sandbox and the integration values that reach it."""

    def __init__(self, sandbox_url: str) -> None:
        self.login = f"shop-{uuid.uuid4().hex[:10]}-api"
        self.password = uuid.uuid4().hex
        self.base = f"{sandbox_url}/cdiscount"
        self.control = f"{self.base}/_sandbox/sellers/{self.login}"
        post(f"{self.base}/_sandbox/sellers", {"login": self.login, "password": self.password})

    def values(self, **extra) -> dict[str, str]:
        start = dt.datetime.now(dt.UTC) - dt.timedelta(days=2)
        return {
            "username": self.login,
            "password": self.password,
            "last_order_pulled_at": start.isoformat(),
            "service_url": f"{self.base}/MarketplaceAPIService.svc",
            "token_url": f"{self.base}/users/httpIssue.svc/?realm={REALM}",
            **extra,
        }

    def add_orders(self, **body) -> dict:
        return post(f"{self.control}/orders", body)

    def fault(self, **body) -> dict:
        return post(f"{self.control}/faults", body)

    def orders(self) -> list[dict]:
        return get(f"{self.control}/orders")["orders"]

    def summary(self) -> dict:
        return get(f"{self.control}/summary")


def post(url: str, body: dict) -> dict:
    response = requests.post(url, json=body, timeout=60)
    response.raise_for_status()
    return response.json()


def get(url: str) -> dict:
    response = requests.get(url, timeout=60)
    response.raise_for_status()
    return response.json()


def mapped_retailer() -> tuple[Company, Company]:
    tag = uuid.uuid4().hex[:6]
    retailer = Company.create(name=f"Atelier {tag}", type="retailer")
    supplier = Company.create(name=f"Imprimerie {tag}", type="supplier")
    CompanyMapping.create(retailer=retailer, supplier=supplier)
    return retailer, supplier


def orders_count(integration) -> int:
    return Order.select().where(Order.integration == integration.id).count()


def settled() -> bool:
    return not (
        FeedExecution.select()
        .where(FeedExecution.status.in_(["queued", "running", "retrying"]))
        .exists()
    )


def succeeded(kind: str):
    return (
        FeedExecution.select()
        .where((FeedExecution.kind == kind) & (FeedExecution.status == "succeeded"))
        .first()
    )


def test_300_orders_imported_and_confirmed_exactly_once(
    pg_db, workers_factory, run_scheduler, sandbox_url
):
    seller = Seller(sandbox_url)
    made = seller.add_orders(count=300, malformed=4, seed=41)
    retailer, supplier = mapped_retailer()
    integration = create_integration("cdiscount", "CDiscount FR", seller.values(),
                                     mode="production", company=retailer)
    speed_up(integration, import_new_orders=1)
    workers_factory.start()
    workers_factory.start()
    run_scheduler()

    wait_for(lambda: orders_count(integration) >= 300, timeout=240, message="300 orders imported")
    wait_for(settled, timeout=60, message="in-flight executions to finish")
    imported = {o.channel_order_id for o in Order.select(Order.channel_order_id)}
    assert imported == set(made["created"])
    assert Order.select(Order.channel_order_id).distinct().count() == 300
    assert {o.supplier_id for o in Order.select(Order.supplier)} == {supplier.id}
    products = [line for o in seller.orders() if o["OrderNumber"] in imported
                for line in o["OrderLineList"]["OrderLine"]
                if line["SellerProductId"] != "FRAISTRAITEMENT"]
    assert OrderLine.select().count() == len(products)
    malformed = ExecutionEvent.select().where(ExecutionEvent.code == "malformed_payload")
    assert {e.record_ref for e in malformed} == set(made["malformed"])
    assert not FeedExecution.select().where(FeedExecution.status == "failed").exists()

    for order in Order.select():
        dispatch_order(order.id, carrier="Colissimo", tracking_number=f"6A{order.id:09d}",
                       actor="e2e")
    Feed.update(enabled=True, interval_seconds=1, next_run_at=utcnow()).where(
        (Feed.integration == integration.id) & (Feed.kind == "confirm_shipments")
    ).execute()
    wait_for(
        lambda: not Order.select().where(Order.status != "shipped").exists(),
        timeout=240,
        message="300 shipments confirmed",
    )
    summary = seller.summary()
    assert all(summary["orders"][n]["validate_ok"] == 1 for n in imported), "shipped once"
    assert summary["states"]["Shipped"] == 300


def test_faults_are_retried_to_success(pg_db, workers_factory, run_scheduler, sandbox_url):
    seller = Seller(sandbox_url)
    created = seller.add_orders(count=60, seed=42)["created"]
    seller.fault(kind="status", status=502, count=1, operation="token")
    seller.fault(kind="status", status=503, count=1, operation="GetOrderList")
    seller.fault(kind="soap_fault", count=1, operation="GetOrderList")
    seller.fault(kind="status", status=429, retry_after=1, count=1, operation="GetOrderList")
    retailer, _ = mapped_retailer()
    integration = create_integration("cdiscount", "Flaky CDiscount", seller.values(),
                                     mode="production", company=retailer)
    speed_up(integration, import_new_orders=3600)  # one run, retried until it works
    workers_factory.start()
    run_scheduler()

    execution = wait_for(lambda: succeeded("import_new_orders"), timeout=120,
                         message="the import to succeed after its retries")
    assert execution.attempt == 5
    retries = [
        e.message
        for e in ExecutionEvent.select().where(
            (ExecutionEvent.execution == execution.id) & (ExecutionEvent.severity == "retry")
        )
    ]
    assert len(retries) == 4
    assert any("HTTP 502" in m for m in retries) and any("HTTP 503" in m for m in retries)
    assert any("InternalServiceFault" in m for m in retries)
    assert any("Retry-After 1" in m for m in retries)
    assert {o.channel_order_id for o in Order.select()} == set(created)


def test_bad_credentials_fail_with_a_clear_error(
    pg_db, workers_factory, run_scheduler, sandbox_url
):
    seller = Seller(sandbox_url)
    seller.add_orders(count=3, seed=43)
    retailer, _ = mapped_retailer()
    integration = create_integration(
        "cdiscount", "Wrong password", seller.values(password="wrong-password-123"),
        mode="production", company=retailer,
    )
    speed_up(integration, import_new_orders=1, update_orders=1)
    workers_factory.start()
    run_scheduler()

    failed = wait_for(
        lambda: FeedExecution.select().where(FeedExecution.status == "failed").first(),
        timeout=60,
        message="a failed execution",
    )
    event = ExecutionEvent.get(
        (ExecutionEvent.execution == failed.id) & (ExecutionEvent.severity == "error")
    )
    assert event.code == "bad_credentials"
    assert "Username and Password" in event.message
    assert "wrong-password-123" not in event.message
    wait_for(settled, timeout=60, message="the queued executions to end")
    assert Integration.get_by_id(integration.id).paused_reason
    assert orders_count(integration) == 0
    assert seller.summary()["tokens_issued"] == 0
