"""In-memory state of the M&S simulator: supplier accounts, orders, faults, call log.

One ``MarksSpencerStore`` lives in each sandbox app; its lock, clock, call logs and reset are
the shared ``Store``'s (see ``sandbox/store.py``).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sandbox.ratelimit import TokenBucket, bucket_for
from sandbox.store import Account, Store
from sandbox.timeutil import to_iso

logger = logging.getLogger(__name__)

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
class Supplier(Account):
    """A supplier account at M&S: one API key, its orders, its faults and its calls."""

    code: str
    api_key: str
    name: str
    suspended: bool = False
    bucket: TokenBucket | None = None
    orders: dict[str, OrderRecord] = field(default_factory=dict)
    next_number: int = FIRST_ORDER_NUMBER
    next_seq: int = 0

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


class MarksSpencerStore(Store):
    """All M&S simulator state of one sandbox app: supplier accounts by code."""

    label = "M&S"

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
            for other in self._accounts.values():
                if other.api_key == api_key and other.code != code:
                    raise ValueError(f"api_key is already used by supplier {other.code}")
            supplier = self._accounts.get(code)
            created = supplier is None
            if supplier is None:
                supplier = Supplier(code=code, api_key=api_key, name=name or f"Supplier {code}")
                self._accounts[code] = supplier
            supplier.api_key = api_key
            if name:
                supplier.name = name
            supplier.suspended = suspended
            supplier.bucket = bucket_for(rate_limit)
        logger.info("M&S sandbox supplier %s %s", code, "created" if created else "updated")
        return supplier, created

    supplier = Store.account
    suppliers = Store.all_accounts

    def supplier_for_key(self, api_key: str) -> Supplier | None:
        return self.find(lambda supplier: supplier.api_key == api_key)
