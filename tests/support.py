"""Helpers shared by the tests (imported as `support`; fixtures live in conftest.py)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parent.parent
IN_CI = os.environ.get("CI", "").lower() == "true"


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


class WorkerProcesses:
    """Real `dramatiq` worker processes, as the Procfile runs them."""

    def __init__(self, env: dict[str, str], log_dir: Path) -> None:
        self.env = env
        self.log_dir = log_dir
        self.procs: list[subprocess.Popen] = []
        self.logs: list = []

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
        self.logs.append(log)
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
        for log in self.logs:
            log.close()

    def output(self) -> str:
        """What the workers logged (shown when a test fails)."""
        return "\n".join(
            path.read_text(errors="replace")[-5000:]
            for path in sorted(self.log_dir.glob("worker-*.log"))
        )


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


class MiraklShop:
    def __init__(self, sandbox_url: str, shop_id: int, api_key: str) -> None:
        self.sandbox_url = sandbox_url
        self.shop_id = shop_id
        self.api_key = api_key
        self.base = f"{sandbox_url}/mirakl"
        self.control = f"{self.base}/_sandbox/shops/{shop_id}"

    def settings(self, **extra) -> dict[str, str]:
        return {
            "hostname": self.base,
            "shop_id": str(self.shop_id),
            "api_key": self.api_key,
            **extra,
        }

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
            f"{self.control}/advance",
            json={"order_ids": order_ids, "state": "SHIPPING"},
            timeout=30,
        ).raise_for_status()


def speed_up(integration, **intervals: int) -> None:
    """Short intervals, due now: the test does not wait for default schedules."""
    from models import Feed, utcnow

    now = utcnow()
    for feed in Feed.select().where(Feed.integration == integration.id):
        if feed.kind in intervals:
            feed.interval_seconds = intervals[feed.kind]
            feed.next_run_at = now
        else:
            feed.enabled = False
        feed.save()


def run_feed(feed, force: bool = False):
    """Run one manual execution of `feed` the way the actor does; returns it reloaded."""
    from models import Feed, FeedExecution, utcnow
    from models.enums import Trigger
    from workers.dispatch import new_execution
    from workers.lifecycle import execute

    execution = new_execution(Feed.get_by_id(feed.id), Trigger.MANUAL, utcnow(), force=force)
    execute(execution.id)
    return FeedExecution.get_by_id(execution.id)


def execution_events(execution, severity=None, code=None) -> list:
    """The events of an execution, oldest first, optionally of one severity or code."""
    from models import ExecutionEvent

    query = ExecutionEvent.select().where(ExecutionEvent.execution == execution.id)
    if severity:
        query = query.where(ExecutionEvent.severity == severity)
    if code:
        query = query.where(ExecutionEvent.code == code)
    return list(query.order_by(ExecutionEvent.id))
