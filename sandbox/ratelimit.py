"""A token bucket, the throttling model most channels document.

A bucket holds at most ``burst`` tokens and refills at ``rate_per_second``; each call takes one.
When the bucket is empty the caller learns how long to wait, which the simulators send back as
``Retry-After`` so connectors can be tested against the same signal the real channels give.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from typing import Any


class TokenBucket:
    """Thread-safe token bucket; ``take()`` answers 0 when allowed, else seconds to wait."""

    def __init__(
        self,
        rate_per_second: float,
        burst: int,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if rate_per_second <= 0 or burst < 1:
            raise ValueError("rate_per_second must be > 0 and burst >= 1")
        self.rate_per_second = float(rate_per_second)
        self.burst = int(burst)
        self._clock = clock
        self._tokens = float(burst)
        self._updated = clock()
        self._lock = threading.Lock()

    def take(self) -> float:
        """Take one token, or return how many seconds until one is available."""
        with self._lock:
            now = self._clock()
            elapsed = max(0.0, now - self._updated)
            self._tokens = min(self.burst, self._tokens + elapsed * self.rate_per_second)
            self._updated = now
            if self._tokens >= 1.0:
                self._tokens -= 1.0
                return 0.0
            return (1.0 - self._tokens) / self.rate_per_second

    def as_dict(self) -> dict[str, float | int]:
        return {"rate_per_second": self.rate_per_second, "burst": self.burst}


def bucket_for(limit: dict[str, Any] | None) -> TokenBucket | None:
    """The bucket of an account's ``rate_limit`` setting (None: no limit)."""
    return TokenBucket(limit["rate_per_second"], limit["burst"]) if limit else None


def retry_after_header(wait_seconds: float) -> str:
    """``Retry-After`` takes whole seconds; round up so a client that obeys it succeeds."""
    return str(max(1, math.ceil(wait_seconds)))
