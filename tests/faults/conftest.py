"""Fixtures for the fault suite: private brokers and databases that tests may break."""

from __future__ import annotations

import pytest
from services import PrivatePostgres, PrivateRabbitMQ
from support import require_service


@pytest.fixture
def private_rabbitmq():
    if not PrivateRabbitMQ.available:
        require_service("RabbitMQ server binaries", "rabbitmq-server is not installed")
    broker = PrivateRabbitMQ()
    broker.start()
    yield broker
    broker.destroy()


@pytest.fixture
def private_postgres():
    if not PrivatePostgres.available:
        require_service("PostgreSQL server binaries", "pg_ctl is not installed")
    server = PrivatePostgres()
    server.start()
    yield server
    server.destroy()
