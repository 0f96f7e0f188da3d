"""In-memory state of the CDiscount simulator: sellers, their tokens and orders, faults, calls.

One ``CdiscountStore`` lives in each sandbox app; its lock, clock, call logs and reset are the
shared ``Store``'s (see ``sandbox/store.py``).
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sandbox.ratelimit import TokenBucket, bucket_for
from sandbox.store import Account, Store
from sandbox.timeutil import to_iso, utc_now

logger = logging.getLogger(__name__)

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
class Seller(Account):
    """A seller account: API login and password, tokens, shop data."""

    login: str
    password: str
    shop_name: str
    token_lifetime_seconds: float = TOKEN_LIFETIME_SECONDS
    bucket: TokenBucket | None = None
    tokens: dict[str, datetime] = field(default_factory=dict)  # token -> issued at
    tokens_issued: int = 0
    orders: dict[str, OrderRecord] = field(default_factory=dict)
    next_seq: int = 0

    def token_valid(self, token: str, now: datetime) -> bool:
        issued = self.tokens.get(token)
        return issued is not None and now - issued < timedelta(seconds=self.token_lifetime_seconds)

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


class CdiscountStore(Store):
    """All CDiscount simulator state of one sandbox app: sellers by login, and their tokens."""

    label = "CDiscount"

    def __init__(self, clock: Callable[[], datetime] = utc_now) -> None:
        super().__init__(clock)
        self._token_owner: dict[str, str] = {}

    def clear(self) -> None:
        self._token_owner.clear()

    def upsert_seller(self, login: str, password: str, *, shop_name: str | None = None,
                      token_lifetime_seconds: float = TOKEN_LIFETIME_SECONDS,
                      rate_limit: dict[str, Any] | None = None) -> tuple[Seller, bool]:
        """Create a seller or replace its settings, keeping its orders and tokens."""
        with self.lock:
            seller = self._accounts.get(login)
            created = seller is None
            if seller is None:
                seller = Seller(login=login, password=password, shop_name=shop_name or login)
                self._accounts[login] = seller
            seller.password = password
            if shop_name:
                seller.shop_name = shop_name
            seller.token_lifetime_seconds = token_lifetime_seconds
            seller.bucket = bucket_for(rate_limit)
        logger.info("CDiscount sandbox seller %s", "created" if created else "updated")
        return seller, created

    seller = Store.account
    sellers = Store.all_accounts

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
            return self._accounts.get(login) if login else None

    def expire_tokens(self, seller: Seller) -> int:
        """Make every token of the seller stale, as if its lifetime had passed."""
        with self.lock:
            stale = self.now() - timedelta(seconds=seller.token_lifetime_seconds + 1)
            for token in seller.tokens:
                seller.tokens[token] = stale
            return len(seller.tokens)

    def log_call(self, seller: Seller | None, entry: dict[str, Any]) -> None:
        entry.setdefault("time", to_iso(self.now()))
        super().log_call(seller, entry)
