"""In-memory state of the Mirakl simulator: shops, orders, message threads, faults, call log.

One ``MiraklStore`` lives in each sandbox app; its lock, clock, call logs and reset are the
shared ``Store``'s (see ``sandbox/store.py``).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sandbox.ratelimit import TokenBucket, bucket_for
from sandbox.store import Account, Store
from sandbox.timeutil import to_iso

logger = logging.getLogger(__name__)

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
class Shop(Account):
    """A seller shop with its own API key, settings and data."""

    shop_id: int
    api_key: str
    name: str
    debit_delay_seconds: float | None = 0.0
    partial_acceptance: bool = True
    bucket: TokenBucket | None = None
    orders: dict[str, OrderRecord] = field(default_factory=dict)
    threads: list[ThreadRecord] = field(default_factory=list)
    next_number: int = FIRST_ORDER_NUMBER
    next_seq: int = 0
    # When OR11 last read this shop: a change dated before it would slip behind a cursor.
    read_at: datetime = datetime.min.replace(tzinfo=UTC)

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


class MiraklStore(Store):
    """All Mirakl simulator state of one sandbox app: shops by id."""

    label = "Mirakl"

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
            for other in self._accounts.values():
                if other.api_key == api_key and other.shop_id != shop_id:
                    raise ValueError(f"api_key is already used by shop {other.shop_id}")
            bucket = bucket_for(rate_limit)
            shop = self._accounts.get(shop_id)
            created = shop is None
            if shop is None:
                shop = Shop(shop_id=shop_id, api_key=api_key, name=name or f"Shop {shop_id}")
                self._accounts[shop_id] = shop
            shop.api_key = api_key
            if name:
                shop.name = name
            shop.debit_delay_seconds = debit_delay_seconds
            shop.partial_acceptance = partial_acceptance
            shop.bucket = bucket
        logger.info("Mirakl sandbox shop %s %s", shop_id, "created" if created else "updated")
        return shop, created

    shop = Store.account
    shops = Store.all_accounts

    def shop_for_key(self, api_key: str) -> Shop | None:
        return self.find(lambda shop: shop.api_key == api_key)
