"""Plain records a connector returns and accepts: no HTTP, no database."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from channels.errors import ChannelProblem, PayloadError


@dataclass(frozen=True)
class Address:
    name: str = ""
    company: str = ""
    street_1: str = ""
    street_2: str = ""
    postcode: str = ""
    city: str = ""
    state: str = ""
    country_code: str = ""
    phone: str = ""
    email: str = ""

    def as_dict(self) -> dict[str, str]:
        return {k: v for k, v in self.__dict__.items() if v}


@dataclass(frozen=True)
class OrderLineRecord:
    channel_line_id: str
    channel_sku: str
    quantity: int
    unit_price: Decimal | None = None
    name: str = ""
    line_type: str = "textual"
    personalisation: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class OrderRecord:
    channel_order_id: str
    channel_status: str
    placed_at: dt.datetime | None
    updated_at: dt.datetime | None
    lines: tuple[OrderLineRecord, ...]
    currency: str | None = None
    total: Decimal | None = None
    shipping_method: str | None = None
    buyer: dict[str, Any] = field(default_factory=dict)
    shipping_address: Address | None = None
    billing_address: Address | None = None
    attributes: dict[str, Any] = field(default_factory=dict)
    cancelled: bool = False
    # Found but not paid/valid yet: set aside and re-checked hourly, not imported.
    awaiting_payment: bool = False


@dataclass(frozen=True)
class OrderStatusRecord:
    """What `update_orders` needs: only the status follows the channel."""

    channel_order_id: str
    channel_status: str
    updated_at: dt.datetime | None
    cancelled: bool = False


@dataclass(frozen=True)
class Shipment:
    """A dispatched OMS order to confirm back to the channel."""

    channel_order_id: str
    carrier: str | None
    tracking_number: str | None
    shipped_at: dt.datetime
    lines: tuple[OrderLineRecord, ...] = ()
    done_steps: tuple[str, ...] = ()  # steps already confirmed by an earlier attempt

    def missing_tracking(self) -> list[str]:
        """``carrier`` and/or ``tracking number`` when blank, for the channels that refuse a
        dispatch without both and whose error must say which one to add."""
        wanted = (("carrier", self.carrier), ("tracking number", self.tracking_number))
        return [name for name, value in wanted if not (value or "").strip()]


# What a mapping raises when a payload has a shape nobody foresaw (a list where a text was
# expected, an amount too large to round...).
UNREADABLE = (TypeError, ValueError, KeyError, AttributeError, IndexError, ArithmeticError)


def unreadable(payload: Any, exc: Exception) -> ChannelProblem:
    """A payload error for a record a mapping could not read, naming it when it can."""
    ref = None
    if isinstance(payload, Mapping):
        for key in ("order_id", "AmazonOrderId", "OrderNumber", "entity_id", "id", "order_number"):
            if isinstance(payload.get(key), str | int) and not isinstance(payload.get(key), bool):
                ref = str(payload[key])
                break
    return PayloadError(
        f"record {ref or '(without id)'} could not be read ({exc.__class__.__name__}: "
        f"{str(exc)[:200]}); the other records carry on",
        record_ref=ref,
        details={"exception": exc.__class__.__name__},
    )


@dataclass
class Page:
    """One page of records plus the position to resume from."""

    records: list[Any]
    next_position: Any = None
    problems: list[Exception] = field(default_factory=list)  # record-level, already classified

    @classmethod
    def mapped(
        cls,
        payloads: Iterable[Any],
        read: Callable[[Any], Any],
        catch: type[ChannelProblem] = ChannelProblem,
    ) -> Page:
        """What ``read`` makes of each payload; one it refuses with ``catch`` becomes a problem
        of the page, so a bad record is reported and the others still go through."""
        page = cls(records=[])
        for payload in payloads:
            try:
                page.records.append(read(payload))
            except catch as problem:
                page.problems.append(problem)
            except UNREADABLE as exc:
                # A shape the mapping did not foresee: still one bad record, never a crashed run.
                page.problems.append(unreadable(payload, exc))
        return page


@dataclass(frozen=True)
class ProductRecord:
    channel_product_id: str
    sku: str
    name: str = ""
    barcode: str | None = None
    weight: Decimal | None = None
    price: Decimal | None = None
    active: bool = True
    created_at: dt.datetime | None = None
    updated_at: dt.datetime | None = None
    image_urls: tuple[str, ...] = ()
    # Channel references a later feed needs (e.g. an inventory item id for stock export).
    attributes: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class StockRecord:
    """A channel's stock for one SKU (initial import, nightly check)."""

    sku: str
    quantity: int
    channel_ref: str | None = None


@dataclass(frozen=True)
class StockUpdate:
    """Available stock to push to the channel for one SKU."""

    sku: str
    quantity: int
    channel_product_id: str | None = None
    attributes: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class SupplierRecord:
    channel_supplier_id: str
    name: str
    active: bool = True


@dataclass(frozen=True)
class ProductSupplierRecord:
    channel_product_id: str
    channel_supplier_id: str
    reference: str | None = None
    price: Decimal | None = None
