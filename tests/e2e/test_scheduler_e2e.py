"""Two real scheduler processes on PostgreSQL claim a few hundred due feeds exactly once."""

from __future__ import annotations

import subprocess
import sys

import pytest
from support import ROOT, service_env, wait_for

from models import Feed, FeedExecution, Integration, utcnow
from workers.provisioning import create_integration

pytestmark = pytest.mark.e2e

MIRAKL = {"hostname": "http://127.0.0.1:9/mirakl", "shop_id": "1", "api_key": "k"}


def test_two_schedulers_create_exactly_one_execution_per_due_feed(
    pg_db, pg_url, rabbit_broker, rabbitmq_url, tmp_path
):
    for n in range(100):
        create_integration("mirakl", f"Shop {n}", MIRAKL)
    assert Feed.select().count() == 400
    due = utcnow().replace(microsecond=0)
    Feed.update(next_run_at=due, interval_seconds=3600).execute()

    env = service_env(pg_url, rabbitmq_url)
    logs = [open(tmp_path / f"scheduler-{i}.log", "wb") for i in range(2)]  # noqa: SIM115
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "channelhub.cli",
                "scheduler",
                "--poll-seconds",
                "0.05",
                "--batch-size",
                "25",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        for log in logs
    ]
    try:
        wait_for(
            lambda: not Feed.select().where(Feed.next_run_at <= due).exists(),
            timeout=90,
            message="every due feed claimed",
        )
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            proc.wait(timeout=20)
        for log in logs:
            log.close()
    assert all(p.returncode == 0 for p in procs)
    per_feed = {}
    for execution in FeedExecution.select():
        per_feed.setdefault(execution.feed_id, []).append(execution)
    assert len(per_feed) == 400
    assert all(len(runs) == 1 for runs in per_feed.values()), "a feed was claimed twice"
    assert {runs[0].due_at for runs in per_feed.values()} == {due}
    assert all(f.next_run_at.timestamp() == due.timestamp() + 3600 for f in Feed.select())
    logged = [(tmp_path / f"scheduler-{i}.log").read_text() for i in range(2)]
    assert all("queued" in text for text in logged), "both schedulers took part"
    assert Integration.select().count() == 100
