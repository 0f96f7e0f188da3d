"""Amazon end to end on real RabbitMQ, PostgreSQL, worker processes and the sandbox over HTTP."""

from __future__ import annotations

import uuid

import pytest
import requests
from support import speed_up, wait_for

from models import ExecutionEvent, FeedExecution, Integration, Order, OrderLine, SkuMapping
from workers.provisioning import create_integration

pytestmark = pytest.mark.e2e

FAST = {"*": {"rate_per_second": 500, "burst": 500}}


class Seller:
    """A seller on the sandbox and the integration values that reach it."""

    def __init__(self, sandbox_url: str, **extra) -> None:
        self.seller_id = f"A{uuid.uuid4().hex[:12].upper()}"
        self.refresh_token = f"Atzr|{uuid.uuid4().hex}"
        self.client_id = f"amzn1.application-oa2-client.{uuid.uuid4().hex[:8]}"
        self.client_secret = uuid.uuid4().hex
        self.base = f"{sandbox_url}/amazon"
        self.control = f"{self.base}/_sandbox/sellers/{self.seller_id}"
        body = {
            "seller_id": self.seller_id,
            "refresh_token": self.refresh_token,
            "client_id": self.client_id,
            "client_secret": self.client_secret,
            "marketplaces": ["UK", "DE"],
            "rates": FAST,
            **extra,
        }
        post(f"{self.base}/_sandbox/sellers", body)

    def values(self, **extra) -> dict[str, str]:
        return {
            "lwa_client_id": self.client_id,
            "lwa_client_secret": self.client_secret,
            "lwa_refresh_token": self.refresh_token,
            "lwa_auth_url": f"{self.base}/auth/o2/token",
            "seller_id": self.seller_id,
            "seller_central_domain": "UK",
            "sale_channels": "UK,DE",
            "sp_api_endpoint": self.base,
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


def map_skus(integration, skus) -> None:
    for sku in skus:
        SkuMapping.create(integration=integration, channel_sku=sku, sku=f"OMS-{sku}")


def orders_count(integration) -> int:
    return Order.select().where(Order.integration == integration.id).count()


def settled() -> bool:
    return not (
        FeedExecution.select()
        .where(FeedExecution.status.in_(["queued", "running", "retrying"]))
        .exists()
    )


def test_300_orders_verified_and_imported_exactly_once(
    pg_db, workers_factory, run_scheduler, sandbox_url
):
    seller = Seller(sandbox_url, pending_delay_seconds=2)
    made = seller.add_orders(count=300, personalised=40, gift=20, malformed=6, seed=31)
    odd = seller.add_orders(orders=[{"items": [{"SellerSKU": "AMZ-NOT-MAPPED-7"}]}], seed=32)
    by_id = {o["AmazonOrderId"]: o for o in seller.orders()}
    skus = {i.get("SellerSKU") for o in by_id.values() for i in o["items"]} - {
        None,
        "AMZ-NOT-MAPPED-7",
    }
    integration = create_integration(
        "amazon",
        "Amazon UK/DE",
        seller.values(email_errors_to="ops@example.com"),
        mode="production",
    )
    map_skus(integration, skus)
    speed_up(integration, import_new_orders=1)
    workers_factory.start()
    workers_factory.start()
    run_scheduler()

    wait_for(lambda: orders_count(integration) >= 300, timeout=240, message="300 orders imported")
    wait_for(settled, timeout=60, message="in-flight executions to finish")
    imported = {o.channel_order_id for o in Order.select(Order.channel_order_id)}
    assert imported == set(made["created"])
    assert Order.select(Order.channel_order_id).distinct().count() == 300
    expected_lines = sum(len(by_id[i]["items"]) for i in imported)
    assert OrderLine.select().count() == expected_lines
    summary = seller.summary()["orders"]
    assert all(summary[i]["items_calls"] == 1 for i in imported), "each order fetched once"
    personalised = [line for line in OrderLine.select() if line.personalisation.get("fields")]
    assert len(personalised) >= 40
    unmapped = ExecutionEvent.select().where(ExecutionEvent.code == "missing_sku_mapping")
    assert {e.record_ref for e in unmapped} == set(odd["created"])
    assert all("AMZ-NOT-MAPPED-7" in e.message for e in unmapped)
    malformed = ExecutionEvent.select().where(ExecutionEvent.code == "malformed_payload")
    assert {e.record_ref for e in malformed} == set(made["malformed"])
    assert not FeedExecution.select().where(FeedExecution.status == "failed").exists()
    assert Integration.get_by_id(integration.id).paused_reason is None


def test_faults_are_retried_to_success(pg_db, workers_factory, run_scheduler, sandbox_url):
    seller = Seller(sandbox_url)
    created = seller.add_orders(count=60, seed=33)["created"]
    seller.fault(kind="status", status=503, count=2, path="/orders/v0/orders", method="GET")
    seller.fault(kind="status", status=429, count=1, path="/orders/v0/orders/*/orderItems")
    integration = create_integration("amazon", "Flaky Amazon", seller.values(), mode="production")
    map_skus(integration, {i["SellerSKU"] for o in seller.orders() for i in o["items"]})
    speed_up(integration, import_new_orders=3600)  # one run, retried until it works
    workers_factory.start()
    run_scheduler()

    execution = wait_for(
        lambda: (
            FeedExecution.select()
            .where(
                (FeedExecution.kind == "import_new_orders") & (FeedExecution.status == "succeeded")
            )
            .first()
        ),
        timeout=120,
        message="the import to succeed after its retries",
    )
    assert execution.attempt == 4
    retries = [
        e.message
        for e in ExecutionEvent.select().where(
            (ExecutionEvent.execution == execution.id) & (ExecutionEvent.severity == "retry")
        )
    ]
    assert len(retries) == 3
    assert sum("HTTP 503" in m for m in retries) == 2
    assert any("QuotaExceeded" in m for m in retries)
    assert orders_count(integration) == 60
    assert {o.channel_order_id for o in Order.select()} == set(created)


def test_bad_credentials_fail_with_a_clear_error(
    pg_db, workers_factory, run_scheduler, sandbox_url
):
    seller = Seller(sandbox_url)
    seller.add_orders(count=3, seed=34)
    integration = create_integration(
        "amazon",
        "Wrong token",
        seller.values(lwa_refresh_token="Atzr|wrong-token-123"),
        mode="production",
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
    assert "LWA Refresh Token" in event.message and "invalid_grant" in event.message
    assert "wrong-token-123" not in event.message
    wait_for(settled, timeout=60, message="the queued executions to end")
    assert Integration.get_by_id(integration.id).paused_reason
    assert orders_count(integration) == 0
    assert seller.summary()["calls"].get("getOrders", 0) == 0
