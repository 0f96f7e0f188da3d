"""Shared fixtures: databases, brokers, worker processes, the sandbox, an SMTP server.

Services are real. Locally a missing PostgreSQL or RabbitMQ skips the end-to-end
tests that need it; with CI=true it fails them instead.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

# Before any product module is imported: an isolated data dir, a known key, our own queues.
_RUN = uuid.uuid4().hex[:8]
os.environ.setdefault("CHANNELHUB_DATA_DIR", tempfile.mkdtemp(prefix="channelhub-test-"))
os.environ.setdefault("CHANNELHUB_ENCRYPTION_KEY", Fernet.generate_key().decode())
os.environ["CHANNELHUB_QUEUE_PREFIX"] = f"test{_RUN}_"
os.environ.pop("DATABASE_URL", None)
os.environ.pop("BROKER_URL", None)
os.environ.pop("SMTP_HOST", None)

import requests  # noqa: E402

from models import ALL_MODELS, init_database  # noqa: E402
from models.db import close_quietly, database  # noqa: E402
from models.schema import upgrade  # noqa: E402
from workers.broker import create_broker, set_broker  # noqa: E402

STUB_BROKER = create_broker("memory://")
set_broker(STUB_BROKER)
import workers.actors  # noqa: E402,F401  (declares the actors on the stub broker)

ROOT = Path(__file__).resolve().parent.parent
IN_CI = os.environ.get("CI", "").lower() == "true"
PG_ADMIN_URL = os.environ.get(
    "CHANNELHUB_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres"
)
RABBITMQ_URL = os.environ.get("CHANNELHUB_TEST_RABBITMQ", "amqp://guest:guest@127.0.0.1:5672/%2F")


def require_service(name: str, problem: str) -> None:
    message = f"{name} is not available: {problem}"
    if IN_CI:
        pytest.fail(f"{message} (CI=true: end-to-end tests must run)")
    pytest.skip(message)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(condition, *, timeout: float = 30.0, interval: float = 0.1, message: str = ""):
    """Poll `condition` until it returns something truthy; fail with `message` after `timeout`."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout:.0f} s waiting for {message or condition}")
        time.sleep(interval)


# -- databases ------------------------------------------------------------------
@pytest.fixture
def db(tmp_path):
    """A fresh SQLite database with the schema, bound for this test."""
    url = f"sqlite:///{tmp_path / 'channelhub.db'}"
    init_database(url)
    upgrade()
    yield database.obj
    close_quietly()


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


class WorkerProcesses:
    """Real `dramatiq` worker processes, as the Procfile runs them."""

    def __init__(self, env: dict[str, str], log_dir: Path) -> None:
        self.env = env
        self.log_dir = log_dir
        self.procs: list[subprocess.Popen] = []

    def start(self, threads: int = 4) -> subprocess.Popen:
        log = open(self.log_dir / f"worker-{len(self.procs)}.log", "wb")  # noqa: SIM115
        proc = subprocess.Popen(
            [sys.executable, "-m", "dramatiq", "workers.app", "-p", "1", "-t", str(threads)],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.procs.append(proc)
        return proc

    def stop_all(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                proc.terminate()
        for proc in self.procs:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def service_env(pg_url: str, rabbitmq_url: str, **extra: str) -> dict[str, str]:
    env = {
        **os.environ,
        "DATABASE_URL": pg_url,
        "BROKER_URL": rabbitmq_url,
        "CHANNELHUB_LEASE_SECONDS": "6",
        "CHANNELHUB_HEARTBEAT_SECONDS": "1",
        "CHANNELHUB_RETRY_BASE_SECONDS": "1",
        "CHANNELHUB_RETRY_MAX_SECONDS": "5",
        "PYTHONPATH": str(ROOT),
    }
    env.update(extra)
    return env


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


class MiraklShop:
    def __init__(self, sandbox_url: str, shop_id: int, api_key: str) -> None:
        self.sandbox_url = sandbox_url
        self.shop_id = shop_id
        self.api_key = api_key
        self.base = f"{sandbox_url}/mirakl"
        self.control = f"{self.base}/_sandbox/shops/{shop_id}"

    def settings(self, **extra) -> dict[str, str]:
        return {"hostname": self.base, "shop_id": str(self.shop_id), "api_key": self.api_key, **extra}

    def add_orders(self, **body) -> dict:
        response = requests.post(f"{self.control}/orders", json=body, timeout=60)
        response.raise_for_status()
        return response.json()

    def fault(self, **body) -> None:
        requests.post(f"{self.control}/faults", json=body, timeout=10).raise_for_status()

    def orders(self) -> list[dict]:
        response = requests.get(f"{self.control}/orders", timeout=30)
        response.raise_for_status()
        body = response.json()
        return body["orders"] if isinstance(body, dict) else body

    def summary(self) -> dict:
        response = requests.get(f"{self.control}/summary", timeout=30)
        response.raise_for_status()
        return response.json()

    def advance(self, order_ids=None) -> None:
        requests.post(
            f"{self.control}/advance", json={"order_ids": order_ids, "state": "SHIPPING"},
            timeout=30,
        ).raise_for_status()


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
