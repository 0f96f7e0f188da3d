"""Process helpers for the fault suite: a scheduler subprocess and DB-safe polling."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from support import ROOT

from models import ExecutionStatus, FeedExecution, Order
from models.db import connection


def start_scheduler(env: dict[str, str], log_path: Path, *extra: str) -> subprocess.Popen:
    log = open(log_path, "ab")  # noqa: SIM115
    proc = subprocess.Popen(
        [sys.executable, "-m", "channelhub.cli", "scheduler", "--poll-seconds", "0.3", *extra],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    log.close()
    return proc


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def count_orders(integration_id: int) -> int:
    """A query on a fresh connection: the database may have been restarted under us."""
    try:
        with connection():
            return Order.select().where(Order.integration == integration_id).count()
    except Exception:  # the database is restarting; the caller polls again
        return -1


def unfinished() -> int:
    with connection():
        return (
            FeedExecution.select()
            .where(FeedExecution.status.in_([s.value for s in ExecutionStatus.active()]))
            .count()
        )


def final_states() -> dict[str, int]:
    with connection():
        rows = FeedExecution.select(FeedExecution.status).tuples()
        counts: dict[str, int] = {}
        for (status,) in rows:
            counts[status] = counts.get(status, 0) + 1
        return counts
