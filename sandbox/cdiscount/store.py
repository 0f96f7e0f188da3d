"""In-memory state of the CDiscount simulator: sellers, their tokens and orders, faults, calls.

One ``CdiscountStore`` lives in each sandbox app. Requests arrive on many threads at once
(several worker processes poll one seller), so every read or change of seller data happens under
``store.lock``; only injected timeouts wait outside it.
"""

from __future__ import annotations

import logging
import secrets
import threading
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sandbox.ratelimit import TokenBucket
from sandbox.timeutil import to_iso, utc_now

from .faults import FaultQueue

logger = logging.getLogger(__name__)

CALL_LOG_LIMIT = 20_000
TOKEN_LIFETIME_SECONDS = 48 * 3600  # what CDiscount announces for its tokens


@dataclass
class OrderRecord:
    """An order as GetOrderList serves it (``payload``, wire values in XSD order) plus the
    dates the simulator filters on, kept apart so a malformed payload still filters."""

    payload: dict[str, Any]
    created: datetime
    modified: datetime
    seq: int
    malformed: str | None = None
    shipment: dict[str, Any] | None = None  # carrier, tracking number and URL once shipped

    @property
    def number(self) -> str:
        return str(self.payload.get("OrderNumber"))

    @property
    def state(self) -> str:
        return str(self.payload.get("OrderState"))

    def lines(self) -> list[dict[str, Any]]:
        holder = self.payload.get("OrderLineList")
        lines = holder.get("OrderLine") if isinstance(holder, dict) else None
        return [line for line in lines or [] if isinstance(line, dict)]


@dataclass
class Seller:
    """A seller account: API login and password, tokens, shop data."""

    login: str
    password: str
    shop_name: str
    token_lifetime_seconds: float = TOKEN_LIFETIME_SECONDS
    bucket: TokenBucket | None = None
    tokens: dict[str, datetime] = field(default_factory=dict)  # token -> issued at
    tokens_issued: int = 0
    orders: dict[str, OrderRecord] = field(default_factory=dict)
    faults: FaultQueue = field(default_factory=FaultQueue)
    calls: deque[dict[str, Any]] = field(default_factory=lambda: deque(maxlen=CALL_LOG_LIMIT))
    op_counts: dict[str, Counter[str]] = field(default_factory=dict)
    next_seq: int = 0

    def token_valid(self, token: str, now: datetime) -> bool:
        issued = self.tokens.get(token)
        return issued is not None and now - issued < timedelta(seconds=self.token_lifetime_seconds)

    def count_operation(self, number: str, operation: str, ok: bool) -> None:
        counter = self.op_counts.setdefault(number, Counter())
        counter[f"{operation}_calls"] += 1
        if ok:
            counter[f"{operation}_ok"] += 1

    def settings(self) -> dict[str, Any]:
        return {
            "login": self.login,
            "password": self.password,
            "shop_name": self.shop_name,
            "token_lifetime_seconds": self.token_lifetime_seconds,
            "rate_limit": self.bucket.as_dict() if self.bucket else None,
            "order_count": len(self.orders),
            "tokens_issued": self.tokens_issued,
        }


class CdiscountStore:
    """All simulator state of one sandbox app, guarded by one re-entrant lock."""

    def __init__(self, clock: Callable[[], datetime] = utc_now) -> None:
        self.lock = threading.RLock()
        self._clock = clock
        self._sellers: dict[str, Seller] = {}
        self._token_owner: dict[str, str] = {}
        self._wake = threading.Event()
        self.unattributed_calls: deque[dict[str, Any]] = deque(maxlen=CALL_LOG_LIMIT)

    def now(self) -> datetime:
        return self._clock()

    def reset(self) -> None:
        with self.lock:
            self._sellers.clear()
            self._token_owner.clear()
            self.unattributed_calls.clear()
            self.wake_sleepers()
        logger.info("CDiscount sandbox state cleared")

    def upsert_seller(self, login: str, password: str, *, shop_name: str | None = None,
                      token_lifetime_seconds: float = TOKEN_LIFETIME_SECONDS,
                      rate_limit: dict[str, Any] | None = None) -> tuple[Seller, bool]:
        """Create a seller or replace its settings, keeping its orders and tokens."""
        with self.lock:
            seller = self._sellers.get(login)
            created = seller is None
            if seller is None:
                seller = Seller(login=login, password=password, shop_name=shop_name or login)
                self._sellers[login] = seller
            seller.password = password
            if shop_name:
                seller.shop_name = shop_name
            seller.token_lifetime_seconds = token_lifetime_seconds
            seller.bucket = (TokenBucket(rate_limit["rate_per_second"], rate_limit["burst"])
                             if rate_limit else None)
        logger.info("CDiscount sandbox seller %s", "created" if created else "updated")
        return seller, created

    def seller(self, login: str) -> Seller | None:
        with self.lock:
            return self._sellers.get(login)

    def sellers(self) -> list[Seller]:
        with self.lock:
            return list(self._sellers.values())

    def issue_token(self, seller: Seller) -> str:
        with self.lock:
            token = secrets.token_hex(16)  # 32 hex characters, like the real STS
            seller.tokens[token] = self.now()
            seller.tokens_issued += 1
            self._token_owner[token] = seller.login
            return token

    def seller_for_token(self, token: str | None) -> Seller | None:
        with self.lock:
            login = self._token_owner.get(token or "")
            return self._sellers.get(login) if login else None

    def expire_tokens(self, seller: Seller) -> int:
        """Make every token of the seller stale, as if its lifetime had passed."""
        with self.lock:
            stale = self.now() - timedelta(seconds=seller.token_lifetime_seconds + 1)
            for token in seller.tokens:
                seller.tokens[token] = stale
            return len(seller.tokens)

    def log_call(self, seller: Seller | None, entry: dict[str, Any]) -> None:
        with self.lock:
            entry.setdefault("time", to_iso(self.now()))
            (seller.calls if seller else self.unattributed_calls).append(entry)

    def sleep(self, seconds: float) -> None:
        """An injected delay that a reset or a server stop cuts short."""
        self._wake.wait(seconds)

    def wake_sleepers(self) -> None:
        self._wake.set()
        self._wake = threading.Event()
