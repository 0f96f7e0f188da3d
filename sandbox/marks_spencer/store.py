"""In-memory state of the M&S simulator: supplier accounts, orders, faults, call log.

One ``MarksSpencerStore`` lives in each sandbox app. Requests arrive on many threads at once
(several worker processes poll the same account), so every read or change of account data
happens under ``store.lock``; the only waits outside it are injected timeouts.
"""

from __future__ import annotations

import logging
import threading
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sandbox.faults import FaultQueue
from sandbox.ratelimit import TokenBucket
from sandbox.timeutil import to_iso, utc_now

logger = logging.getLogger(__name__)

CALL_LOG_LIMIT = 20_000
FIRST_ORDER_NUMBER = 40_010_001
# Assumed M&S limit: 10 calls per second per API key, bursts of 20.
DEFAULT_RATE_LIMIT = {"rate_per_second": 10.0, "burst": 20}


@dataclass
class OrderRecord:
    """An order as the API serves it (``payload``) plus what the API sorts and filters on.

    ``updated`` is kept apart from the payload so that a deliberately malformed payload still
    sorts and filters; ``seq`` breaks ties the way ``order_number`` does in the real sort.
    """

    payload: dict[str, Any]
    created: datetime
    updated: datetime
    seq: int = 0
    malformed: str | None = None

    @property
    def number(self) -> str:
        return str(self.payload["order_number"])

    @property
    def status(self) -> str:
        return str(self.payload.get("status"))

    def touch(self, when: datetime) -> None:
        self.updated = when
        self.payload["updated_at"] = to_iso(when)


@dataclass
class Supplier:
    """A supplier account at M&S: one API key, its orders, its faults and its calls."""

    code: str
    api_key: str
    name: str
    suspended: bool = False
    bucket: TokenBucket | None = None
    orders: dict[str, OrderRecord] = field(default_factory=dict)
    faults: FaultQueue = field(default_factory=FaultQueue)
    calls: deque[dict[str, Any]] = field(default_factory=lambda: deque(maxlen=CALL_LOG_LIMIT))
    op_counts: dict[str, Counter[str]] = field(default_factory=dict)
    next_number: int = FIRST_ORDER_NUMBER
    next_seq: int = 0

    def count_operation(self, number: str, operation: str, ok: bool) -> None:
        counter = self.op_counts.setdefault(number, Counter())
        counter[f"{operation}_calls"] += 1
        if ok:
            counter[f"{operation}_ok"] += 1

    def add(self, record: OrderRecord) -> None:
        if record.number in self.orders:
            raise ValueError(f"order {record.number} already exists")
        record.seq = self.next_seq
        self.next_seq += 1
        self.orders[record.number] = record

    def new_number(self) -> str:
        number = f"MS{self.next_number}"
        self.next_number += 1
        return number

    def settings(self) -> dict[str, Any]:
        return {
            "supplier_code": self.code,
            "name": self.name,
            "api_key": self.api_key,
            "suspended": self.suspended,
            "rate_limit": self.bucket.as_dict() if self.bucket else None,
            "order_count": len(self.orders),
        }


class MarksSpencerStore:
    """All simulator state of one sandbox app, guarded by one re-entrant lock."""

    def __init__(self, clock: Callable[[], datetime] = utc_now) -> None:
        self.lock = threading.RLock()
        self._clock = clock
        self._suppliers: dict[str, Supplier] = {}
        self._wake = threading.Event()
        self.unattributed_calls: deque[dict[str, Any]] = deque(maxlen=CALL_LOG_LIMIT)

    def now(self) -> datetime:
        return self._clock()

    def reset(self) -> None:
        """Forget every account and wake any call sleeping in an injected timeout."""
        with self.lock:
            self._suppliers.clear()
            self.unattributed_calls.clear()
            self.wake_sleepers()
        logger.info("M&S sandbox state cleared")

    def upsert_supplier(
        self,
        code: str,
        api_key: str,
        *,
        name: str | None = None,
        suspended: bool = False,
        rate_limit: dict[str, Any] | None = None,
    ) -> tuple[Supplier, bool]:
        """Create an account or replace its settings, keeping its orders. Returns (it, created)."""
        with self.lock:
            for other in self._suppliers.values():
                if other.api_key == api_key and other.code != code:
                    raise ValueError(f"api_key is already used by supplier {other.code}")
            supplier = self._suppliers.get(code)
            created = supplier is None
            if supplier is None:
                supplier = Supplier(code=code, api_key=api_key, name=name or f"Supplier {code}")
                self._suppliers[code] = supplier
            supplier.api_key = api_key
            if name:
                supplier.name = name
            supplier.suspended = suspended
            supplier.bucket = (
                TokenBucket(rate_limit["rate_per_second"], rate_limit["burst"])
                if rate_limit else None
            )
        logger.info("M&S sandbox supplier %s %s", code, "created" if created else "updated")
        return supplier, created

    def supplier(self, code: str) -> Supplier | None:
        with self.lock:
            return self._suppliers.get(code)

    def supplier_for_key(self, api_key: str) -> Supplier | None:
        with self.lock:
            for supplier in self._suppliers.values():
                if supplier.api_key == api_key:
                    return supplier
            return None

    def suppliers(self) -> list[Supplier]:
        with self.lock:
            return list(self._suppliers.values())

    def log_call(self, supplier: Supplier | None, entry: dict[str, Any]) -> None:
        with self.lock:
            (supplier.calls if supplier else self.unattributed_calls).append(entry)

    def sleep(self, seconds: float) -> None:
        """An injected delay that a reset or a server stop cuts short."""
        self._wake.wait(seconds)

    def wake_sleepers(self) -> None:
        self._wake.set()
        self._wake = threading.Event()
