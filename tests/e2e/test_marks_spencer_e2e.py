"""M&S end to end on real RabbitMQ, PostgreSQL, worker processes and the sandbox over HTTP.

Start of Day pulls a few hundred orders exactly once and holds them; demand releases move
them into production in batches of the current volume level's size.
"""

from __future__ import annotations

import uuid

import pytest
import requests
from support import speed_up, wait_for

from models import ExecutionEvent, Feed, FeedExecution, Integration, Order, OrderLine
from workers.dispatch import run_now
from workers.provisioning import create_integration, update_integration

pytestmark = pytest.mark.e2e


class Supplier:
    def __init__(self, sandbox_url: str) -> None:
        self.code = f"E{uuid.uuid4().hex[:8].upper()}"
        self.api_key = uuid.uuid4().hex
        self.base = f"{sandbox_url}/marks_spencer"
        self.control = f"{self.base}/_sandbox/suppliers/{self.code}"
        requests.post(
            f"{self.base}/_sandbox/suppliers",
            json={"supplier_code": self.code, "api_key": self.api_key},  # default rate limit
            timeout=10,
        ).raise_for_status()

    def settings(self, **extra) -> dict[str, str]:
        return {"api_key": self.api_key, "base_url": self.base, **extra}

    def post(self, path: str, body: dict) -> dict:
        response = requests.post(f"{self.control}{path}", json=body, timeout=60)
        response.raise_for_status()
        return response.json()

    def get(self, path: str, **params) -> dict:
        response = requests.get(f"{self.control}{path}", params=params, timeout=30)
        response.raise_for_status()
        return response.json()


@pytest.fixture
def supplier(sandbox_url) -> Supplier:
    return Supplier(sandbox_url)


def feed_of(integration, kind: str) -> Feed:
    return Feed.get((Feed.integration == integration.id) & (Feed.kind == kind))


def orders_with(integration, status: str) -> int:
    return (
        Order.select()
        .where((Order.integration == integration.id) & (Order.status == status))
        .count()
    )


def finished(execution_id: int) -> FeedExecution:
    def done():
        execution = FeedExecution.get_by_id(execution_id)
        return execution if execution.status not in ("queued", "running", "retrying") else None

    return wait_for(done, timeout=120, message=f"execution {execution_id} to finish")


def release(integration) -> tuple[FeedExecution, ExecutionEvent]:
    execution = finished(run_now(feed_of(integration, "release_demand").id).id)
    event = ExecutionEvent.get(
        (ExecutionEvent.execution == execution.id) & (ExecutionEvent.code == "demand_released")
    )
    return execution, event


def test_hundreds_of_orders_pulled_once_held_and_released_in_batches(
    pg_db, workers_factory, run_scheduler, supplier
):
    generated = supplier.post("/orders", {"count": 300, "malformed": 1, "seed": 21})
    integration = create_integration(
        "marks_spencer",
        "M&S big day",
        supplier.settings(off_peak_batch_size="120", peak_batch_size="250"),
        mode="production",
    )
    speed_up(integration, import_new_orders=3600)  # Start of Day due now, once
    workers_factory.start()
    workers_factory.start()
    run_scheduler()

    wait_for(
        lambda: orders_with(integration, "held") >= 300, timeout=180, message="300 orders held"
    )
    pulled = wait_for(
        lambda: (
            FeedExecution.select()
            .where(
                (FeedExecution.kind == "import_new_orders") & (FeedExecution.status == "partial")
            )
            .first()
        ),
        timeout=60,
        message="the Start of Day run to end (partial: one malformed order)",
    )
    assert (pulled.created, pulled.error_events) == (300, 1)
    malformed = ExecutionEvent.get(
        (ExecutionEvent.execution == pulled.id) & (ExecutionEvent.severity == "error")
    )
    assert malformed.code == "malformed_payload"
    assert malformed.record_ref == generated["malformed"][0]
    imported = {o.channel_order_id for o in Order.select(Order.channel_order_id)}
    assert imported == set(generated["created"])
    expected_lines = sum(
        len(o["lines"]) for o in supplier.get("/orders")["orders"] if o["order_number"] in imported
    )
    assert OrderLine.select().count() == expected_lines

    again = finished(run_now(feed_of(integration, "import_new_orders").id).id)
    assert (again.created, Order.select().count()) == (0, 300)  # pulled exactly once

    first, event = release(integration)
    assert (first.status, first.updated) == ("succeeded", 120)
    assert "Off-Peak batch size 120" in event.message and "180 remain held" in event.message
    second, _ = release(integration)
    assert second.updated == 120

    update_integration(integration, {"volume_level": "peak"}, actor="test")
    third, event = release(integration)
    assert third.updated == 60 and "Peak batch size 250" in event.message
    assert "0 remain held" in event.message
    assert (orders_with(integration, "released"), orders_with(integration, "held")) == (300, 0)
    assert not FeedExecution.select().where(FeedExecution.status == "failed").exists()


def test_faults_are_retried_to_success(pg_db, workers_factory, run_scheduler, supplier):
    supplier.post("/orders", {"count": 60, "seed": 3})
    supplier.post("/faults", {"kind": "status", "status": 503, "count": 2, "path": "/v1/orders"})
    supplier.post(
        "/faults",
        {"kind": "status", "status": 429, "retry_after": 2, "count": 1, "path": "/v1/orders"},
    )
    integration = create_integration(
        "marks_spencer", "M&S flaky", supplier.settings(), mode="production"
    )
    speed_up(integration, import_new_orders=3600)
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
        message="the Start of Day run to succeed after its retries",
    )
    assert execution.attempt == 4
    retries = [
        e.message
        for e in ExecutionEvent.select().where(
            (ExecutionEvent.execution == execution.id) & (ExecutionEvent.severity == "retry")
        )
    ]
    assert len(retries) == 3
    assert any("HTTP 503" in m for m in retries) and any("Retry-After 2" in m for m in retries)
    assert orders_with(integration, "held") == 60


def test_a_bad_api_key_is_a_clear_error_that_pauses_the_integration(
    pg_db, workers_factory, run_scheduler, supplier
):
    supplier.post("/orders", {"count": 5, "seed": 1})
    integration = create_integration(
        "marks_spencer",
        "M&S wrong key",
        supplier.settings(api_key="wrong-key-987"),
        mode="production",
    )
    speed_up(integration, import_new_orders=3600, update_orders=1)
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
    assert "Marks & Spencer refused the credentials" in event.message
    assert "API key" in event.message and "wrong-key-987" not in event.message
    assert Integration.get_by_id(integration.id).paused_reason
    assert Order.select().count() == 0
