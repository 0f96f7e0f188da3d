"""A channel that hangs, and one that answers 200 with a broken body."""

from __future__ import annotations

import pytest
from support import WorkerProcesses, service_env, speed_up, wait_for

from models import ExecutionEvent, FeedExecution
from workers.provisioning import create_integration

pytestmark = pytest.mark.e2e


@pytest.fixture
def fast_timeout_workers(pg_url, rabbitmq_url, tmp_path):
    procs = WorkerProcesses(
        service_env(
            pg_url, rabbitmq_url, CHANNELHUB_HTTP_TIMEOUT_SECONDS="2", CHANNELHUB_MAX_ATTEMPTS="3"
        ),
        tmp_path,
    )
    yield procs
    procs.stop_all()


def test_a_hanging_channel_is_cut_by_the_timeout_and_retried(
    pg_db, fast_timeout_workers, run_scheduler, mirakl_shop
):
    shop = mirakl_shop()
    shop.advance(shop.add_orders(count=5, seed=51)["created"])
    shop.fault(kind="timeout", delay_seconds=20, count=1, path="/api/orders")
    integration = create_integration("mirakl", "Hanging shop", shop.settings(), mode="production")
    speed_up(integration, import_new_orders=3600)
    fast_timeout_workers.start()
    run_scheduler()
    execution = wait_for(
        lambda: FeedExecution.select().where(FeedExecution.status == "succeeded").first(),
        timeout=90,
        message="the import to succeed on its second attempt",
    )
    event = ExecutionEvent.get(
        (ExecutionEvent.execution == execution.id) & (ExecutionEvent.severity == "retry")
    )
    assert (
        event.code == "channel_timeout"
        and "did not answer" in event.message
        and "within 2 s" in event.message
    )
    assert execution.attempt == 2 and execution.created == 5


def test_a_broken_body_is_an_error_quoting_its_first_bytes(
    pg_db, fast_timeout_workers, run_scheduler, mirakl_shop
):
    shop = mirakl_shop()
    shop.advance(shop.add_orders(count=3, seed=52)["created"])
    shop.fault(kind="broken_body", count=1, path="/api/orders")
    integration = create_integration("mirakl", "Broken shop", shop.settings(), mode="production")
    speed_up(integration, import_new_orders=3600)
    fast_timeout_workers.start()
    run_scheduler()
    execution = wait_for(
        lambda: FeedExecution.select().where(FeedExecution.status == "failed").first(),
        timeout=60,
        message="the import to fail",
    )
    event = ExecutionEvent.get(
        (ExecutionEvent.execution == execution.id) & (ExecutionEvent.severity == "error")
    )
    assert event.code == "malformed_response" and "not JSON" in event.message
    assert event.details["body_start"].startswith('{"orders"')
