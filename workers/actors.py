"""The actors: thin. They take an execution id and hand it to the lifecycle."""

from __future__ import annotations

import logging

import dramatiq

from workers.broker import get_broker
from workers.lifecycle import execute
from workers.options import options
from workers.queues import INBOUND_ACTOR, INBOUND_QUEUE, OUTBOUND_ACTOR, OUTBOUND_QUEUE

log = logging.getLogger(__name__)
get_broker()

_ACTOR_OPTIONS = {
    # Feed retries live in the database (see lifecycle); the broker only retries
    # infrastructure failures such as the database being briefly unreachable.
    "max_retries": 5,
    "min_backoff": 1_000,
    "max_backoff": 30_000,
    "time_limit": int(options().run_time_limit_seconds * 1000),
}


@dramatiq.actor(actor_name=INBOUND_ACTOR, queue_name=INBOUND_QUEUE, **_ACTOR_OPTIONS)
def run_inbound_feed(execution_id: int) -> None:
    log.debug("execution %s: %s", execution_id, execute(execution_id))


@dramatiq.actor(actor_name=OUTBOUND_ACTOR, queue_name=OUTBOUND_QUEUE, **_ACTOR_OPTIONS)
def run_outbound_feed(execution_id: int) -> None:
    log.debug("execution %s: %s", execution_id, execute(execution_id))
