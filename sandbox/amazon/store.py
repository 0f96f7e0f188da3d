"""In-memory state of the Amazon simulator: sellers, their orders, tokens, faults, call log.

One ``AmazonStore`` lives in each sandbox app; its lock, clock, call logs and reset are the
shared ``Store``'s (see ``sandbox/store.py``).
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sandbox.ratelimit import TokenBucket
from sandbox.store import Account, Store
from sandbox.timeutil import utc_now

from .data import USAGE_PLANS

logger = logging.getLogger(__name__)

NEXT_TOKEN_LIFETIME = timedelta(hours=1)


@dataclass
class AmazonOrder:
    """An order as Amazon keeps it: the full ``payload`` (with PII), items, item buyer info.

    ``created``/``updated`` are the filterable dates, kept apart from the payload so that a
    deliberately malformed ``PurchaseDate`` still sorts and filters. ``pending_until`` is when
    payment verification ends (None: stays Pending until the control API advances it).
    """

    payload: dict[str, Any]
    items: list[dict[str, Any]]
    item_info: list[dict[str, Any]]
    created: datetime
    updated: datetime
    seq: int
    pending_until: datetime | None = None
    malformed: str | None = None
    shipments: list[dict[str, Any]] = field(default_factory=list)

    @property
    def order_id(self) -> str:
        return str(self.payload["AmazonOrderId"])

    @property
    def status(self) -> str:
        return str(self.payload.get("OrderStatus"))

    @property
    def marketplace_id(self) -> str:
        return str(self.payload.get("MarketplaceId"))


@dataclass
class Grant:
    """An access token or a Restricted Data Token handed out to a seller."""

    seller_id: str
    kind: str  # "access" or "rdt"
    expires_at: datetime
    resources: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class Seller(Account):
    seller_id: str
    refresh_token: str
    client_id: str
    client_secret: str
    marketplace_ids: list[str]
    name: str = ""
    pending_delay_seconds: float | None = 0.0
    access_token_lifetime_seconds: int = 3600
    restricted_roles: bool = True
    items_page_size: int = 100
    buckets: dict[str, TokenBucket] = field(default_factory=dict)
    orders: dict[str, AmazonOrder] = field(default_factory=dict)
    files: dict[str, Any] = field(default_factory=dict)  # key -> customisation doc or bytes
    next_tokens: dict[str, dict[str, Any]] = field(default_factory=dict)
    next_seq: int = 0
    # When getOrders last read this seller: a change dated before it would slip behind a cursor.
    read_at: datetime = datetime.min.replace(tzinfo=UTC)
    # The earliest payment verification due (None: none), so reads need not scan every order.
    next_due: datetime | None = None

    def expect_verification(self, when: datetime) -> None:
        self.next_due = when if self.next_due is None else min(self.next_due, when)

    def rates(self) -> dict[str, dict[str, float | int]]:
        return {operation: bucket.as_dict() for operation, bucket in self.buckets.items()}

    def settings(self) -> dict[str, Any]:
        return {
            "seller_id": self.seller_id,
            "name": self.name,
            "refresh_token": self.refresh_token,
            "client_id": self.client_id,
            "client_secret": self.client_secret,
            "marketplace_ids": list(self.marketplace_ids),
            "pending_delay_seconds": self.pending_delay_seconds,
            "access_token_lifetime_seconds": self.access_token_lifetime_seconds,
            "restricted_roles": self.restricted_roles,
            "items_page_size": self.items_page_size,
            "rates": self.rates(),
            "order_count": len(self.orders),
        }


def make_buckets(rates: dict[str, dict[str, Any]] | None) -> dict[str, TokenBucket]:
    """Usage-plan buckets: the real defaults, overridden per operation (``"*"`` for all)."""
    rates = rates or {}
    buckets = {}
    for operation, (rate, burst) in USAGE_PLANS.items():
        chosen = rates.get(operation) or rates.get("*") or {}
        buckets[operation] = TokenBucket(
            chosen.get("rate_per_second", rate), chosen.get("burst", burst)
        )
    return buckets


class AmazonStore(Store):
    """All Amazon simulator state of one sandbox app: sellers by id, and the tokens handed out."""

    label = "Amazon"

    def __init__(self, clock: Callable[[], datetime] = utc_now) -> None:
        super().__init__(clock)
        self._grants: dict[str, Grant] = {}

    def clear(self) -> None:
        self._grants.clear()

    def upsert_seller(self, seller_id: str, **values: Any) -> tuple[Seller, bool]:
        """Create a seller or replace its settings, keeping its orders; (seller, created)."""
        with self.lock:
            for other in self._accounts.values():
                if other.refresh_token == values["refresh_token"] and other.seller_id != seller_id:
                    raise ValueError(f"refresh_token is already used by seller {other.seller_id}")
            seller = self._accounts.get(seller_id)
            created = seller is None
            rates = values.pop("rates", None)
            if seller is None:
                seller = Seller(seller_id=seller_id, **values)
                self._accounts[seller_id] = seller
            else:
                for name, value in values.items():
                    setattr(seller, name, value)
            seller.buckets = make_buckets(rates)
        logger.info("Amazon sandbox seller %s %s", seller_id, "created" if created else "updated")
        return seller, created

    seller = Store.account
    sellers = Store.all_accounts

    def seller_for_refresh_token(self, refresh_token: str) -> Seller | None:
        return self.find(lambda seller: secrets.compare_digest(seller.refresh_token,
                                                               refresh_token))

    def seller_for_file(self, key: str) -> Seller | None:
        return self.find(lambda seller: key in seller.files)

    def grant(
        self,
        seller: Seller,
        kind: str,
        lifetime_seconds: float,
        resources: list[dict[str, Any]] | None = None,
    ) -> str:
        prefix = "Atza|" if kind == "access" else "Atz.sprdt|"
        token = prefix + secrets.token_urlsafe(24)
        with self.lock:
            self._grants[token] = Grant(
                seller.seller_id,
                kind,
                self.now() + timedelta(seconds=lifetime_seconds),
                list(resources or []),
            )
        return token

    def expire_grants(self, seller_id: str) -> int:
        """End every token of a seller now (an expiry or a revocation, as Amazon may do)."""
        with self.lock:
            now = self.now()
            grants = [g for g in self._grants.values() if g.seller_id == seller_id]
            for grant in grants:
                grant.expires_at = min(grant.expires_at, now)
            return len(grants)

    def lookup(self, token: str) -> Grant | None:
        with self.lock:
            return self._grants.get(token)
