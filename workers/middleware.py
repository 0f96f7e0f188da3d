"""Dramatiq middleware: a database connection per message, and the lease heartbeat."""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import threading

import dramatiq
import peewee
from dramatiq.middleware import Middleware

from models import ExecutionStatus, FeedExecution, database, utcnow
from models.db import close_quietly

log = logging.getLogger(__name__)


def worker_id() -> str:
    """hostname:pid of this process (re-read after a fork)."""
    return f"{socket.gethostname()}:{os.getpid()}"


class DbConnection(Middleware):
    """Each message gets a pooled connection and gives it back, so a database restart heals."""

    def before_process_message(self, broker: dramatiq.Broker, message: dramatiq.Message) -> None:
        database.connect(reuse_if_open=True)

    def after_process_message(self, broker, message, *, result=None, exception=None) -> None:
        close_quietly()

    after_skip_message = after_process_message


class Heartbeat(Middleware):
    """Extends the lease of every execution this process is running.

    A run whose lease expires is declared lost by the scheduler: this is how a
    SIGKILLed or out-of-memory worker is noticed without the broker's help.
    """

    def __init__(self, interval_seconds: float, lease_seconds: float) -> None:
        self.interval_seconds = interval_seconds
        self.lease_seconds = lease_seconds
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def after_worker_boot(self, broker, worker) -> None:
        self._stop.clear()
        self._thread = threading.Thread(target=self._loop, name="lease-heartbeat", daemon=True)
        self._thread.start()

    def before_worker_shutdown(self, broker, worker) -> None:
        self._stop.set()

    def _loop(self) -> None:
        while not self._stop.wait(self.interval_seconds):
            try:
                self.beat()
            except peewee.PeeweeException as exc:
                log.warning("lease heartbeat failed (will retry): %s", exc)
            finally:
                close_quietly()

    def beat(self) -> int:
        database.connect(reuse_if_open=True)
        now = utcnow()
        return (
            FeedExecution.update(lease_expires_at=now + dt.timedelta(seconds=self.lease_seconds))
            .where(
                (FeedExecution.worker == worker_id())
                & (FeedExecution.status == ExecutionStatus.RUNNING.value)
            )
            .execute()
        )
