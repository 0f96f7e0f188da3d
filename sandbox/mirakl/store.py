"""In-memory state of the Mirakl simulator: shops, orders, message threads, faults, call log.

One ``MiraklStore`` lives in each sandbox app. Requests arrive on many threads at once (several
worker processes poll the same shop), so every read or change of shop data happens under
``store.lock``; the only waits that happen outside it are the injected timeouts.
"""

from __future__ import annotations

import logging
import threading
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sandbox.faults import FaultQueue
from sandbox.ratelimit import TokenBucket
from sandbox.timeutil import to_iso, utc_now

logger = logging.getLogger(__name__)

CALL_LOG_LIMIT = 20_000
FIRST_ORDER_NUMBER = 10001


@dataclass
class OrderRecord:
    """An order as OR11 serves it (``payload``) plus what the shop does not show yet.

    ``created``/``updated`` are the filterable dates, kept apart from the payload so that a
    deliberately malformed payload (a broken ``created_date``) still sorts and filters.
    ``addresses`` holds the billing and shipping addresses that appear once the debit is done.
    """

    payload: dict[str, Any]
    created: datetime
    updated: datetime
    seq: int
    addresses: dict[str, Any] = field(default_factory=dict)
    accepted_at: datetime | None = None
    malformed: str | None = None

    @property
    def order_id(self) -> str:
        return str(self.payload["order_id"])

    @property
    def state(self) -> str:
        return str(self.payload.get("order_state"))

    def lines(self) -> list[dict[str, Any]]:
        """The order lines that are dicts (a malformed order may have none, or junk)."""
        lines = self.payload.get("order_lines")
        if not isinstance(lines, list):
            return []
        return [line for line in lines if isinstance(line, dict)]

    def touch(self, when: datetime) -> None:
        self.updated = when
        self.payload["last_updated_date"] = to_iso(when)


@dataclass
class ThreadRecord:
    """A customer message thread about one order (M11 ``MMP_ORDER`` entity)."""

    thread_id: str
    order_id: str
    created: datetime
    updated: datetime
    topic: str
    customer: dict[str, str]
    messages: list[dict[str, Any]]


@dataclass
class Shop:
    """A seller shop with its own API key, settings and data."""

    shop_id: int
    api_key: str
    name: str
    debit_delay_seconds: float | None = 0.0
    partial_acceptance: bool = True
    bucket: TokenBucket | None = None
    orders: dict[str, OrderRecord] = field(default_factory=dict)
    threads: list[ThreadRecord] = field(default_factory=list)
    faults: FaultQueue = field(default_factory=FaultQueue)
    calls: deque[dict[str, Any]] = field(default_factory=lambda: deque(maxlen=CALL_LOG_LIMIT))
    op_counts: dict[str, Counter[str]] = field(default_factory=dict)
    next_number: int = FIRST_ORDER_NUMBER
    next_seq: int = 0
    # When OR11 last read this shop: a change dated before it would slip behind a cursor.
    read_at: datetime = datetime.min.replace(tzinfo=UTC)

    def count_operation(self, order_id: str, operation: str, ok: bool) -> None:
        counter = self.op_counts.setdefault(order_id, Counter())
        counter[f"{operation}_calls"] += 1
        if ok:
            counter[f"{operation}_ok"] += 1

    def settings(self) -> dict[str, Any]:
        return {
            "shop_id": self.shop_id,
            "name": self.name,
            "api_key": self.api_key,
            "debit_delay_seconds": self.debit_delay_seconds,
            "partial_acceptance": self.partial_acceptance,
            "rate_limit": self.bucket.as_dict() if self.bucket else None,
            "order_count": len(self.orders),
        }


class MiraklStore:
    """All simulator state of one sandbox app, guarded by one re-entrant lock."""

    def __init__(self, clock: Callable[[], datetime] = utc_now) -> None:
        self.lock = threading.RLock()
        self._clock = clock
        self._shops: dict[int, Shop] = {}
        self._wake = threading.Event()
        self.unattributed_calls: deque[dict[str, Any]] = deque(maxlen=CALL_LOG_LIMIT)

    def now(self) -> datetime:
        """Real UTC time, read per request (debits are evaluated lazily against it)."""
        return self._clock()

    def reset(self) -> None:
        """Forget every shop and wake any call sleeping in an injected timeout."""
        with self.lock:
            self._shops.clear()
            self.unattributed_calls.clear()
            self.wake_sleepers()
        logger.info("Mirakl sandbox state cleared")

    def upsert_shop(
        self,
        shop_id: int,
        api_key: str,
        *,
        name: str | None = None,
        debit_delay_seconds: float | None = 0.0,
        partial_acceptance: bool = True,
        rate_limit: dict[str, Any] | None = None,
    ) -> tuple[Shop, bool]:
        """Create a shop or replace its settings, keeping its orders. Returns (shop, created)."""
        with self.lock:
            for other in self._shops.values():
                if other.api_key == api_key and other.shop_id != shop_id:
                    raise ValueError(f"api_key is already used by shop {other.shop_id}")
            bucket = None
            if rate_limit:
                bucket = TokenBucket(rate_limit["rate_per_second"], rate_limit["burst"])
            shop = self._shops.get(shop_id)
            created = shop is None
            if shop is None:
                shop = Shop(shop_id=shop_id, api_key=api_key, name=name or f"Shop {shop_id}")
                self._shops[shop_id] = shop
            shop.api_key = api_key
            if name:
                shop.name = name
            shop.debit_delay_seconds = debit_delay_seconds
            shop.partial_acceptance = partial_acceptance
            shop.bucket = bucket
        logger.info("Mirakl sandbox shop %s %s", shop_id, "created" if created else "updated")
        return shop, created

    def shop(self, shop_id: int) -> Shop | None:
        with self.lock:
            return self._shops.get(shop_id)

    def shop_for_key(self, api_key: str) -> Shop | None:
        with self.lock:
            for shop in self._shops.values():
                if shop.api_key == api_key:
                    return shop
            return None

    def shops(self) -> list[Shop]:
        with self.lock:
            return list(self._shops.values())

    def log_call(self, shop: Shop | None, entry: dict[str, Any]) -> None:
        with self.lock:
            (shop.calls if shop else self.unattributed_calls).append(entry)

    def sleep(self, seconds: float) -> None:
        """An injected delay that a reset or a server stop cuts short."""
        self._wake.wait(seconds)

    def wake_sleepers(self) -> None:
        self._wake.set()
        self._wake = threading.Event()
