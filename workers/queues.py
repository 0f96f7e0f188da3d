"""Queue and actor names: constants, so renaming a function cannot orphan queued messages.

`CHANNELHUB_QUEUE_PREFIX` lets several environments (or test runs) share one
RabbitMQ without consuming each other's messages.
"""

from __future__ import annotations

import os

PREFIX = os.environ.get("CHANNELHUB_QUEUE_PREFIX", "")

INBOUND_QUEUE = f"{PREFIX}feeds_inbound"
OUTBOUND_QUEUE = f"{PREFIX}feeds_outbound"
INBOUND_ACTOR = "run_inbound_feed"
OUTBOUND_ACTOR = "run_outbound_feed"


def route(direction: str) -> tuple[str, str]:
    """(queue, actor) for a feed direction; internal feeds share the outbound workers."""
    if direction == "inbound":
        return INBOUND_QUEUE, INBOUND_ACTOR
    return OUTBOUND_QUEUE, OUTBOUND_ACTOR
