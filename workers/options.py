"""Tunables of the run lifecycle, read once from the environment with working defaults."""

from __future__ import annotations

import os
from dataclasses import dataclass, field


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


def _float(name: str, default: float) -> float:
    return float(os.environ.get(name, default))


@dataclass(frozen=True)
class Options:
    max_attempts: int = field(default_factory=lambda: _int("CHANNELHUB_MAX_ATTEMPTS", 8))
    retry_base_seconds: float = field(
        default_factory=lambda: _float("CHANNELHUB_RETRY_BASE_SECONDS", 30)
    )
    retry_max_seconds: float = field(
        default_factory=lambda: _float("CHANNELHUB_RETRY_MAX_SECONDS", 6 * 3600)
    )
    # Waits up to this long are held by the broker; longer ones wait in the database
    # (RabbitMQ closes consumers that hold a delivery past consumer_timeout).
    broker_delay_max_seconds: float = field(
        default_factory=lambda: _float("CHANNELHUB_BROKER_DELAY_MAX_SECONDS", 60)
    )
    lease_seconds: float = field(default_factory=lambda: _float("CHANNELHUB_LEASE_SECONDS", 90))
    heartbeat_seconds: float = field(
        default_factory=lambda: _float("CHANNELHUB_HEARTBEAT_SECONDS", 15)
    )
    # A queued execution not started after this long is sent again (lost between
    # commit and send, or a broker that dropped it); duplicates are ignored.
    sweep_after_seconds: float = field(
        default_factory=lambda: _float("CHANNELHUB_SWEEP_AFTER_SECONDS", 600)
    )
    run_time_limit_seconds: float = field(
        default_factory=lambda: _float("CHANNELHUB_RUN_TIME_LIMIT_SECONDS", 1200)
    )


def options() -> Options:
    return Options()
