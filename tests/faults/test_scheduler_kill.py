"""A scheduler SIGKILLed while claiming feeds: afterwards no feed is skipped or claimed twice."""

from __future__ import annotations

import os
import signal

import pytest
from helpers import start_scheduler, stop
from support import service_env, wait_for

from models import Feed, FeedExecution, utcnow
from workers.provisioning import create_integration

pytestmark = pytest.mark.e2e

MIRAKL = {"hostname": "http://127.0.0.1:9/mirakl", "shop_id": "1", "api_key": "k"}


def test_killed_scheduler_leaves_every_feed_claimed_exactly_once(
    pg_db, pg_url, rabbit_broker, rabbitmq_url, tmp_path
):
    for n in range(500):
        create_integration("mirakl", f"Shop {n}", MIRAKL)
    due = utcnow().replace(microsecond=0)
    Feed.update(next_run_at=due, interval_seconds=3600).execute()
    env = service_env(pg_url, rabbitmq_url)

    first = start_scheduler(env, tmp_path / "first.log", "--batch-size", "20")
    wait_for(
        lambda: FeedExecution.select().count() >= 100, timeout=60, message="claiming under way"
    )
    os.killpg(first.pid, signal.SIGKILL)
    first.wait()
    claimed_before = FeedExecution.select().count()
    assert claimed_before < 2000, "the first scheduler was killed mid-way"

    second = start_scheduler(env, tmp_path / "second.log", "--batch-size", "20")
    try:
        wait_for(
            lambda: not Feed.select().where(Feed.next_run_at <= due).exists(),
            timeout=120,
            message="every due feed claimed",
        )
    finally:
        stop(second)
    per_feed: dict[int, int] = {}
    for execution in FeedExecution.select(FeedExecution.feed):
        per_feed[execution.feed_id] = per_feed.get(execution.feed_id, 0) + 1
    assert len(per_feed) == 2000, "a feed was skipped"
    assert set(per_feed.values()) == {1}, "a feed was claimed twice"
