"""Shared fixtures: databases, brokers, worker processes, the sandbox, an SMTP server.

Services are real. Locally a missing PostgreSQL or RabbitMQ skips the end-to-end
tests that need it; with CI=true it fails them instead.
"""

from __future__ import annotations

import os
import tempfile
import threading
import uuid

import pytest
from cryptography.fernet import Fernet

# Before any product module is imported: an isolated data dir, a known key, our own queues.
_RUN = uuid.uuid4().hex[:8]
os.environ.setdefault("CHANNELHUB_DATA_DIR", tempfile.mkdtemp(prefix="channelhub-test-"))
os.environ.setdefault("CHANNELHUB_ENCRYPTION_KEY", Fernet.generate_key().decode())
os.environ.setdefault("CHANNELHUB_QUEUE_PREFIX", f"test{_RUN}_")
os.environ.pop("DATABASE_URL", None)
os.environ.pop("BROKER_URL", None)
os.environ.pop("SMTP_HOST", None)

import requests  # noqa: E402
from support import IN_CI, MiraklShop, WorkerProcesses, free_port, require_service, service_env  # noqa: E402,F401

from models import ALL_MODELS, init_database  # noqa: E402
from models.db import close_quietly, database  # noqa: E402
from models.schema import upgrade  # noqa: E402
from scheduler.digest import Digest, SmtpSettings  # noqa: E402
from scheduler.loop import Scheduler  # noqa: E402
from workers.broker import create_broker, set_broker  # noqa: E402
from workers.options import Options  # noqa: E402

STUB_BROKER = create_broker("memory://")
set_broker(STUB_BROKER)
import workers.actors  # noqa: E402,F401  (declares the actors on the stub broker)

PG_ADMIN_URL = os.environ.get(
    "CHANNELHUB_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres"
)
RABBITMQ_URL = os.environ.get("CHANNELHUB_TEST_RABBITMQ", "amqp://guest:guest@127.0.0.1:5672/%2F")


# -- databases ------------------------------------------------------------------
@pytest.fixture
def db(tmp_path):
    """A fresh SQLite database with the schema, bound for this test."""
    url = f"sqlite:///{tmp_path / 'channelhub.db'}"
    init_database(url)
    upgrade()
    yield database.obj
    close_quietly()


@pytest.fixture
def stub_broker():
    """The in-process broker the actors are declared on, emptied for this test."""
    STUB_BROKER.flush_all()
    yield STUB_BROKER
    STUB_BROKER.flush_all()


@pytest.fixture(scope="session")
def pg_url():
    import psycopg2

    try:
        admin = psycopg2.connect(PG_ADMIN_URL, connect_timeout=3)
    except psycopg2.OperationalError as exc:
        require_service("PostgreSQL", str(exc).strip())
    admin.autocommit = True
    name = f"channelhub_test_{_RUN}"
    with admin.cursor() as cur:
        cur.execute(f'CREATE DATABASE "{name}"')
    url = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    init_database(url)
    upgrade()
    close_quietly()
    yield url
    if hasattr(database.obj, "close_all"):
        database.obj.close_all()
    with admin.cursor() as cur:
        cur.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", (name,)
        )
        cur.execute(f'DROP DATABASE IF EXISTS "{name}"')
    admin.close()


@pytest.fixture
def pg_db(pg_url):
    """The session's PostgreSQL database, emptied for this test."""
    init_database(pg_url)
    tables = ", ".join(f'"{m._meta.table_name}"' for m in ALL_MODELS)
    database.obj.connect(reuse_if_open=True)
    database.obj.execute_sql(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")
    yield database.obj
    close_quietly()


# -- brokers and workers ----------------------------------------------------------
@pytest.fixture(scope="session")
def rabbitmq_url():
    import pika

    try:
        pika.BlockingConnection(pika.URLParameters(RABBITMQ_URL + "?socket_timeout=3")).close()
    except Exception as exc:  # pika raises a family of AMQP errors
        require_service("RabbitMQ", repr(exc))
    return RABBITMQ_URL


@pytest.fixture
def rabbit_broker(rabbitmq_url):
    """RabbitMQ as this process's broker (for sending), the stub restored afterwards."""
    from dramatiq.brokers.rabbitmq import RabbitmqBroker

    from workers.queues import INBOUND_QUEUE, OUTBOUND_QUEUE

    broker = RabbitmqBroker(url=rabbitmq_url, confirm_delivery=True)
    for queue in (INBOUND_QUEUE, OUTBOUND_QUEUE):
        broker.declare_queue(queue)
    set_broker(broker)
    yield broker
    for queue in (INBOUND_QUEUE, OUTBOUND_QUEUE):
        broker.flush(queue)
    broker.close()
    set_broker(STUB_BROKER)


@pytest.fixture
def workers_factory(pg_url, rabbitmq_url, tmp_path):
    procs = WorkerProcesses(service_env(pg_url, rabbitmq_url), tmp_path)
    yield procs
    procs.stop_all()


# -- sandbox ----------------------------------------------------------------------
@pytest.fixture(scope="session")
def sandbox_url():
    from sandbox.server import SandboxServer

    server = SandboxServer()
    url = server.start()
    yield url
    server.stop()


@pytest.fixture
def mirakl_shop(sandbox_url):
    def make(debit_delay_seconds: float = 0, rate_limit=None) -> MiraklShop:
        shop_id = int(uuid.uuid4().int % 900_000) + 1000
        api_key = uuid.uuid4().hex
        requests.post(
            f"{sandbox_url}/mirakl/_sandbox/shops",
            json={
                "shop_id": shop_id,
                "api_key": api_key,
                "debit_delay_seconds": debit_delay_seconds,
                "rate_limit": rate_limit,
            },
            timeout=10,
        ).raise_for_status()
        return MiraklShop(sandbox_url, shop_id, api_key)

    return make


# -- mail -----------------------------------------------------------------------------
@pytest.fixture
def smtp_server():
    """A real SMTP server (aiosmtpd) that keeps what it receives."""
    from aiosmtpd.controller import Controller
    from aiosmtpd.handlers import Message

    received = []

    class Keep(Message):
        def handle_message(self, message):
            received.append(message)

    port = free_port()
    controller = Controller(Keep(), hostname="127.0.0.1", port=port)
    controller.start()
    controller.received = received
    yield controller
    controller.stop()


@pytest.fixture
def run_scheduler(rabbit_broker, monkeypatch):
    """Start a scheduler loop in this process (sending to RabbitMQ); stopped at teardown."""
    monkeypatch.setenv("CHANNELHUB_LEASE_SECONDS", "6")
    stop = threading.Event()
    threads = []

    def start(smtp_port: int | None = None, poll_seconds: float = 0.3) -> Scheduler:
        smtp = SmtpSettings("127.0.0.1", smtp_port) if smtp_port else None
        scheduler = Scheduler(
            Options(sweep_after_seconds=30, lease_seconds=6),
            digest=Digest(smtp, interval_seconds=1),
        )
        thread = threading.Thread(
            target=scheduler.run_forever, args=(stop, poll_seconds), daemon=True
        )
        thread.start()
        threads.append(thread)
        return scheduler

    yield start
    stop.set()
    for thread in threads:
        thread.join(timeout=10)


@pytest.fixture
def fast_runs(monkeypatch, tmp_path):
    """Retries in milliseconds and kept in the database; images in this test's directory."""
    monkeypatch.setenv("CHANNELHUB_RETRY_BASE_SECONDS", "0.01")
    monkeypatch.setenv("CHANNELHUB_RETRY_MAX_SECONDS", "0.05")
    monkeypatch.setenv("CHANNELHUB_BROKER_DELAY_MAX_SECONDS", "0")
    monkeypatch.setenv("CHANNELHUB_MEDIA_DIR", str(tmp_path / "media"))
