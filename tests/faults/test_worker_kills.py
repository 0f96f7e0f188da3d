"""Workers SIGKILLed at random points of a 5,000-order import, five times in a row."""

from __future__ import annotations

import os
import random
import signal

import pytest
from helpers import count_orders
from support import speed_up, wait_for

from models import Feed, FeedExecution, Order, utcnow
from models.db import connection
from workers.provisioning import create_integration

pytestmark = pytest.mark.e2e


def test_five_sigkills_lose_and_duplicate_nothing(
    pg_db, workers_factory, run_scheduler, mirakl_shop
):
    shop = mirakl_shop()
    shop.advance(shop.add_orders(count=5000, seed=41)["created"])
    integration = create_integration("mirakl", "Kill shop", shop.settings(), mode="production")
    speed_up(integration, import_new_orders=3600)
    run_scheduler()
    rng = random.Random(5)
    worker = workers_factory.start(threads=1)
    kills = 0
    while kills < 5:
        target = count_orders(integration.id) + rng.randint(50, 400)
        if target >= 4900:
            break
        wait_for(
            lambda t=target: count_orders(integration.id) >= t,
            timeout=180,
            message=f"{target} orders",
        )
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait()
        kills += 1
        worker = workers_factory.start(threads=1)
    assert kills == 5, "the import finished before five kills"
    started = utcnow()
    execution = wait_for(
        lambda: (
            FeedExecution.select()
            .where(
                (FeedExecution.kind == "import_new_orders") & (FeedExecution.status == "succeeded")
            )
            .first()
        ),
        timeout=300,
        message="the import to succeed after the kills",
    )
    with connection():
        assert Order.select().where(Order.integration == integration.id).count() == 5000
        assert Order.select(Order.channel_order_id).distinct().count() == 5000
        assert execution.attempt == 6  # counted when each run starts: 5 killed + 1 that finished
        cursor = Feed.get(
            (Feed.integration == integration.id) & (Feed.kind == "import_new_orders")
        ).cursor
        assert cursor["updated_since"] <= started.isoformat(), (
            "the cursor moved past what was committed"
        )
