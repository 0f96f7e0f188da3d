"""The broker, chosen by `BROKER_URL`, configured before any actor module is imported.

`amqp://...` is RabbitMQ with publisher confirms (a `send` that returns is on
disk at the broker: nothing is lost between our commit and the queue);
`memory://` (the default) is dramatiq's in-process broker for the embedded demo.
"""

from __future__ import annotations

import os

import dramatiq
from dramatiq.brokers.rabbitmq import RabbitmqBroker
from dramatiq.brokers.stub import StubBroker

from workers.middleware import DbConnection, Heartbeat
from workers.options import options

DEFAULT_BROKER_URL = "memory://"

_broker: dramatiq.Broker | None = None


def broker_url() -> str:
    return os.environ.get("BROKER_URL") or DEFAULT_BROKER_URL


def create_broker(url: str | None = None) -> dramatiq.Broker:
    url = url or broker_url()
    opts = options()
    if url.startswith(("amqp://", "amqps://")):
        broker: dramatiq.Broker = RabbitmqBroker(url=url, confirm_delivery=True)
    elif url in ("memory://", "stub://"):
        broker = StubBroker()
        broker.emit_after("process_boot")
    else:
        raise ValueError(f"BROKER_URL must be amqp://... or memory://, got {url.split(':')[0]}://")
    broker.add_middleware(DbConnection())
    broker.add_middleware(Heartbeat(opts.heartbeat_seconds, opts.lease_seconds))
    return broker


def get_broker() -> dramatiq.Broker:
    """The process's broker, created on first use and installed as dramatiq's global one."""
    global _broker
    if _broker is None:
        _broker = create_broker()
        dramatiq.set_broker(_broker)
    return _broker


def set_broker(broker: dramatiq.Broker) -> None:
    global _broker
    _broker = broker
    dramatiq.set_broker(broker)


def is_in_process(broker: dramatiq.Broker | None = None) -> bool:
    return isinstance(broker or get_broker(), StubBroker)
