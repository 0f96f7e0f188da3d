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


_running: set[int] = set()
_running_lock = threading.Lock()


def track(execution_id: int, running: bool) -> None:
    """Tell the heartbeat which executions this process is actually running.

    Only these get their lease extended: an execution whose run died inside a live
    process (a database outage mid-run) must see its lease expire and be re-run.
    """
    with _running_lock:
        if running:
            _running.add(execution_id)
        else:
            _running.discard(execution_id)


def running_here() -> list[int]:
    with _running_lock:
        return sorted(_running)


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
        ids = running_here()
        if not ids:
            return 0
        database.connect(reuse_if_open=True)
        now = utcnow()
        return (
            FeedExecution.update(lease_expires_at=now + dt.timedelta(seconds=self.lease_seconds))
            .where(
                FeedExecution.id.in_(ids)
                & (FeedExecution.worker == worker_id())
                & (FeedExecution.status == ExecutionStatus.RUNNING.value)
            )
            .execute()
        )
