"""RabbitMQ stopped for 30 seconds during a run, then started: everything reconnects by itself."""

from __future__ import annotations

import time

import pytest
from helpers import count_orders, final_states, start_scheduler, stop, unfinished
from support import WorkerProcesses, service_env, speed_up, wait_for

from models import Feed, FeedExecution, utcnow
from models.db import connection
from workers.provisioning import create_integration

pytestmark = pytest.mark.e2e

OUTAGE_SECONDS = 30


def test_rabbitmq_outage_heals_without_restarts(
    pg_db, pg_url, private_rabbitmq, mirakl_shop, tmp_path
):
    shop = mirakl_shop()
    first = shop.add_orders(count=1200, seed=21)["created"]
    shop.advance(first)
    integration = create_integration("mirakl", "Outage shop", shop.settings(), mode="production")
    speed_up(integration, import_new_orders=2, update_orders=3)
    env = service_env(pg_url, private_rabbitmq.url, CHANNELHUB_SWEEP_AFTER_SECONDS="10")
    workers = WorkerProcesses(env, tmp_path)
    processes = [workers.start(), workers.start()]
    scheduler = start_scheduler(env, tmp_path / "scheduler.log")
    processes.append(scheduler)
    try:
        wait_for(lambda: count_orders(integration.id) >= 1200, timeout=120, message="first import")

        private_rabbitmq.stop()
        down_at, outage_started = utcnow(), time.monotonic()
        # While the broker is down the scheduler keeps recording due runs in the database.
        wait_for(
            lambda: FeedExecution.select().where(FeedExecution.queued_at > down_at).exists(),
            timeout=20,
            message="executions recorded during the outage",
        )
        second = shop.add_orders(count=300, seed=22)["created"]
        shop.advance(second)
        wait_for(
            lambda: time.monotonic() - outage_started >= OUTAGE_SECONDS,
            timeout=OUTAGE_SECONDS + 5,
            interval=1,
            message="the outage to last 30 s",
        )
        assert all(p.poll() is None for p in processes), "a process died during the outage"
        private_rabbitmq.start()

        wait_for(
            lambda: count_orders(integration.id) >= 1500,
            timeout=180,
            message="import after the outage",
        )
        with connection():
            Feed.update(enabled=False).where(Feed.integration == integration.id).execute()
        wait_for(
            lambda: unfinished() == 0, timeout=180, message="every execution to reach a final state"
        )
    finally:
        for proc in processes:
            alive = proc.poll() is None
            stop(proc)
            assert alive, f"process {proc.args} needed a restart:\n{workers.output()}"
        workers.stop_all()
    assert count_orders(integration.id) == 1500
    states = final_states()
    assert set(states) <= {"succeeded", "partial", "failed", "skipped"}, states
    with connection():
        for execution in FeedExecution.select().where(FeedExecution.status == "failed"):
            assert execution.summary, f"execution #{execution.id} failed without a reason"
