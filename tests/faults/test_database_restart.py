"""PostgreSQL restarted during a run: workers and scheduler heal by themselves, nothing is lost."""

from __future__ import annotations

import psycopg2
import pytest
from helpers import count_orders, final_states, start_scheduler, stop, unfinished
from support import WorkerProcesses, service_env, speed_up, wait_for

from models import Feed, FeedExecution, init_database
from models.db import close_quietly, connection
from models.schema import upgrade
from workers.provisioning import create_integration

pytestmark = pytest.mark.e2e


@pytest.fixture
def private_db(private_postgres):
    admin = psycopg2.connect(private_postgres.url)
    admin.autocommit = True
    admin.cursor().execute("CREATE DATABASE channelhub")
    admin.close()
    url = private_postgres.url.rsplit("/", 1)[0] + "/channelhub"
    init_database(url)
    upgrade()
    close_quietly()
    yield url
    close_quietly()


def test_postgres_restart_mid_import(
    private_postgres, private_db, rabbit_broker, rabbitmq_url, mirakl_shop, tmp_path
):
    shop = mirakl_shop()
    shop.advance(shop.add_orders(count=4000, seed=31)["created"])
    with connection():
        integration = create_integration(
            "mirakl", "Restart shop", shop.settings(), mode="production"
        )
        speed_up(integration, import_new_orders=3, update_orders=2)
    env = service_env(private_db, rabbitmq_url, CHANNELHUB_SWEEP_AFTER_SECONDS="10")
    workers = WorkerProcesses(env, tmp_path)
    processes = [workers.start(threads=2), workers.start(threads=2)]
    scheduler = start_scheduler(env, tmp_path / "scheduler.log")
    processes.append(scheduler)
    try:
        wait_for(
            lambda: count_orders(integration.id) >= 300, timeout=120, message="the import under way"
        )
        private_postgres.restart()
        restarted_at = count_orders(integration.id)
        wait_for(
            lambda: count_orders(integration.id) >= 4000,
            timeout=240,
            message="the import to finish",
        )
        with connection():
            Feed.update(enabled=False).where(Feed.integration == integration.id).execute()
        wait_for(
            lambda: unfinished() == 0, timeout=180, message="every execution to reach a final state"
        )
        alive = [p.poll() is None for p in processes]
    finally:
        stop(scheduler)
        workers.stop_all()
    assert all(alive), f"a process needed a restart:\n{workers.output()}"
    assert 0 <= restarted_at < 4000, "the restart happened mid-import"
    assert count_orders(integration.id) == 4000
    states = final_states()
    assert set(states) <= {"succeeded", "partial", "failed", "skipped"}, states
    with connection():
        for execution in FeedExecution.select().where(FeedExecution.status == "failed"):
            assert execution.summary
