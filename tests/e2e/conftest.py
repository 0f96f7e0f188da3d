"""End-to-end fixtures: a scheduler thread on the real broker, and feed-speed helpers."""

from __future__ import annotations

import threading

import pytest

from scheduler.digest import Digest, SmtpSettings
from scheduler.loop import Scheduler
from workers.options import Options


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
