"""Mirakl end to end on real RabbitMQ, PostgreSQL, worker processes and the sandbox over HTTP."""

from __future__ import annotations

import datetime as dt
import os
import signal

import pytest
from support import speed_up, wait_for

from models import ExecutionEvent, FeedExecution, Order, OrderLine, utcnow
from workers.provisioning import create_integration

pytestmark = pytest.mark.e2e


def orders_count(integration) -> int:
    return Order.select().where(Order.integration == integration.id).count()


def test_500_orders_accept_pay_import_exactly_once(
    pg_db, workers_factory, run_scheduler, mirakl_shop
):
    shop = mirakl_shop(debit_delay_seconds=2)
    generated = shop.add_orders(count=500, with_messages=40, malformed=1, seed=11)
    integration = create_integration(
        "mirakl", "Big shop", shop.settings(email_errors_to="ops@example.com"), mode="production"
    )
    speed_up(integration, accept_orders=1, import_new_orders=1)
    workers_factory.start()
    workers_factory.start()
    run_scheduler()

    wait_for(lambda: orders_count(integration) >= 500, timeout=240, message="500 orders imported")
    wait_for(
        lambda: (
            not FeedExecution.select()
            .where(FeedExecution.status.in_(["queued", "running"]))
            .exists()
        ),
        timeout=60,
        message="in-flight executions to finish",
    )
    assert orders_count(integration) == 500
    summary = shop.summary()["orders"]
    good = generated["created"]
    assert all(summary[o]["accept_ok"] == 1 for o in good), "every order accepted exactly once"
    imported = {o.channel_order_id for o in Order.select(Order.channel_order_id)}
    assert imported == set(good)
    expected_lines = sum(len(o["order_lines"]) for o in shop.orders() if o["order_id"] in imported)
    assert OrderLine.select().count() == expected_lines
    assert sum(1 for o in Order.select() if ":MiraklOrderMessage" in o.attributes) == 40
    malformed = ExecutionEvent.select().where(
        (ExecutionEvent.code == "malformed_payload")
        & ExecutionEvent.record_ref.in_(generated["malformed"])
    )
    assert malformed.count() >= 1
    assert not FeedExecution.select().where(FeedExecution.status == "failed").exists()


def test_faults_are_retried_to_success(pg_db, workers_factory, run_scheduler, mirakl_shop):
    shop = mirakl_shop()
    created = shop.add_orders(count=60, seed=3)["created"]
    shop.advance(created)
    shop.fault(kind="status", status=503, count=2, path="/api/orders", method="GET")
    shop.fault(kind="status", status=429, retry_after=2, count=1, path="/api/orders")
    integration = create_integration("mirakl", "Flaky shop", shop.settings(), mode="production")
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
    assert any("HTTP 503" in m for m in retries) and any("Retry-After 2" in m for m in retries)
    assert orders_count(integration) == 60


def test_wrong_api_key_fails_with_one_digest_mail(
    pg_db, workers_factory, run_scheduler, mirakl_shop, smtp_server
):
    shop = mirakl_shop()
    integration = create_integration(
        "mirakl",
        "Wrong key",
        shop.settings(api_key="wrong-key-123", email_errors_to="ops@example.com, boss@example.com"),
        mode="production",
    )
    speed_up(integration, import_new_orders=1, update_orders=1, accept_orders=1)
    workers_factory.start()
    scheduler = run_scheduler(smtp_port=smtp_server.port)

    failed = wait_for(
        lambda: FeedExecution.select().where(FeedExecution.status == "failed").first(),
        timeout=60,
        message="a failed execution",
    )
    event = ExecutionEvent.get(
        (ExecutionEvent.execution == failed.id) & (ExecutionEvent.severity == "error")
    )
    assert event.code == "bad_credentials"
    wait_for(lambda: smtp_server.received, timeout=30, message="the digest mail")
    # The integration is paused: what was queued ends skipped, nothing new runs, and the
    # digests that follow have nothing new to mail.
    wait_for(
        lambda: (
            not FeedExecution.select()
            .where(FeedExecution.status.in_(["queued", "running", "retrying"]))
            .exists()
        ),
        timeout=60,
        message="the queued executions to end",
    )
    settled = utcnow()
    wait_for(
        lambda: (
            scheduler.digest.last_run
            and scheduler.digest.last_run > settled + dt.timedelta(seconds=1)
        ),
        timeout=30,
        message="two more digest rounds",
    )
    assert len(smtp_server.received) == 1
    mail = smtp_server.received[0]
    assert "Wrong key" in mail["Subject"]
    assert mail["To"] == "ops@example.com, boss@example.com"
    body = mail.get_payload()
    assert "bad_credentials" in body and "wrong-key-123" not in body


def test_sigkill_during_import_loses_and_duplicates_nothing(
    pg_db, workers_factory, run_scheduler, mirakl_shop
):
    shop = mirakl_shop()
    created = shop.add_orders(count=3000, seed=5)["created"]
    shop.advance(created)
    integration = create_integration("mirakl", "Crash shop", shop.settings(), mode="production")
    speed_up(integration, import_new_orders=3600)
    victim = workers_factory.start(threads=1)
    run_scheduler()

    wait_for(lambda: orders_count(integration) >= 300, timeout=120, message="the import under way")
    os.killpg(victim.pid, signal.SIGKILL)
    victim.wait()
    partial = orders_count(integration)
    assert partial < 3000, "the worker was killed before it finished"
    workers_factory.start()

    wait_for(lambda: orders_count(integration) >= 3000, timeout=240, message="the import to resume")
    execution = wait_for(
        lambda: (
            FeedExecution.select()
            .where(
                (FeedExecution.kind == "import_new_orders") & (FeedExecution.status == "succeeded")
            )
            .first()
        ),
        timeout=60,
        message="the re-run to succeed",
    )
    assert orders_count(integration) == 3000
    assert Order.select(Order.channel_order_id).distinct().count() == 3000
    assert execution.attempt == 2
    lost = ExecutionEvent.get(
        (ExecutionEvent.execution == execution.id) & (ExecutionEvent.code == "worker_lost")
    )
    assert "stopped heartbeating" in lost.message
