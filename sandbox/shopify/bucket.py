"""Shopify's REST call limit: a leaky bucket per app and store.

Each call pours one unit in; the bucket leaks at a steady rate (2 per second on a standard
plan, bucket of 40). A call that would overflow it is refused with 429 and not counted. The
level after the call is what the ``X-Shopify-Shop-Api-Call-Limit: n/40`` header reports.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

# Documented plans: (bucket size, leak per second).
PLANS: dict[str, tuple[int, float]] = {
    "standard": (40, 2.0),
    "advanced": (80, 4.0),
    "plus": (400, 20.0),
}
RETRY_AFTER_SECONDS = 2.0  # what Shopify sends with every 429


@dataclass(frozen=True)
class Pour:
    """The outcome of one call: allowed or not, and the level to report."""

    allowed: bool
    used: int
    size: int
    wait_seconds: float = 0.0

    @property
    def header(self) -> str:
        return f"{self.used}/{self.size}"

    @property
    def retry_after(self) -> str:
        """Shopify sends ``2.0``; a slower custom bucket asks for the real wait."""
        return f"{max(RETRY_AFTER_SECONDS, math.ceil(self.wait_seconds * 10) / 10):.1f}"


class LeakyBucket:
    """Thread-safe; the level leaks continuously between calls."""

    def __init__(self, size: int, leak_per_second: float,
                 clock: Callable[[], float] = time.monotonic) -> None:
        if size < 1 or leak_per_second <= 0:
            raise ValueError("size must be >= 1 and leak_per_second > 0")
        self.size = int(size)
        self.leak_per_second = float(leak_per_second)
        self._clock = clock
        self._level = 0.0
        self._updated = clock()
        self._lock = threading.Lock()
        self.max_level = 0
        self.refused = 0

    def _leak(self) -> None:
        now = self._clock()
        elapsed = max(0.0, now - self._updated)  # a clock that jumped back leaks nothing
        self._level = max(0.0, self._level - elapsed * self.leak_per_second)
        self._updated = max(self._updated, now)

    def pour(self) -> Pour:
        with self._lock:
            self._leak()
            if self._level + 1 > self.size + 1e-9:
                self.refused += 1
                wait = (self._level + 1 - self.size) / self.leak_per_second
                return Pour(False, self._used(), self.size, wait)
            self._level += 1
            used = self._used()
            self.max_level = max(self.max_level, used)
            return Pour(True, used, self.size)

    def _used(self) -> int:
        return min(self.size, math.ceil(self._level - 1e-9))

    def set_level(self, level: float) -> None:
        """Pretend other apps used part of the bucket (control API)."""
        with self._lock:
            self._leak()
            self._level = max(0.0, min(float(self.size), float(level)))

    def state(self) -> dict[str, float | int]:
        with self._lock:
            self._leak()
            return {"size": self.size, "leak_per_second": self.leak_per_second,
                    "level": round(self._level, 3), "max_level": self.max_level,
                    "refused": self.refused}
