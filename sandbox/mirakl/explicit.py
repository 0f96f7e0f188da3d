"""Orders described by a test, merged onto generated defaults.

A test names only what it cares about (``{"order_state": "SHIPPING", "shipping_type_code":
"UNKNOWN"}``) and gets an otherwise complete, realistic order, so fixtures stay short and the
payload stays shaped like the real API.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any

from sandbox.partials import date_or, deep_merge
from sandbox.timeutil import to_iso

from . import data
from .generator import add_messages, build_line, build_order, money, store_order
from .orders import PRE_DEBIT_STATES, hide_addresses, reveal_addresses
from .store import OrderRecord, Shop


def create_explicit(shop: Shop, partials: list[Any], *, seed: int | None,
                    now: datetime) -> list[str]:
    """Orders described by a test: each partial dict is merged onto a generated order.

    Dicts merge key by key (``{"customer": {"shipping_address": {"city": "Lyon"}}}`` keeps the
    rest of the address); lists replace, except ``order_lines`` whose dict items merge onto
    generated lines. ``customer_messages`` (a list of texts, or true) adds a customer thread.
    Addresses are hidden or shown according to the resulting ``order_state``.
    """
    rng = random.Random(seed)
    created_ids = []
    for partial in partials:
        if not isinstance(partial, dict):
            raise ValueError("each item of 'orders' must be a JSON object")
        partial = dict(partial)
        order_id = partial.pop("order_id", None)
        if order_id is None:
            order_id = f"ORD-{shop.next_number}-A"
            shop.next_number += 1
        if order_id in shop.orders:
            raise ValueError(f"order {order_id} already exists")
        # Default a little in the past so that last_updated_date is not in the future.
        default_created = (now - timedelta(seconds=30)).replace(microsecond=0)
        created = date_or(partial.get("created_date"), default_created)
        record = build_order(rng, str(order_id), created)
        reveal_addresses(record)
        messages = partial.pop("customer_messages", None)
        lines = partial.pop("order_lines", _KEEP)
        deep_merge(record.payload, partial)
        if lines is not _KEEP:
            _merge_lines(rng, record, lines)
            if "price" not in partial:
                _recompute_totals(record)
        _settle_explicit_state(record, lines, now)
        if messages:
            add_messages(rng, shop, record, None if messages is True else
                         [str(body) for body in messages])
        store_order(shop, record, now)
        created_ids.append(record.order_id)
    return created_ids


_KEEP = object()


def _merge_lines(rng: random.Random, record: OrderRecord, lines: Any) -> None:
    if not isinstance(lines, list):
        record.payload["order_lines"] = lines
        return
    merged: list[Any] = []
    generated = record.lines()
    for index, item in enumerate(lines, start=1):
        if not isinstance(item, dict):
            merged.append(item)
            continue
        if index <= len(generated):
            base = generated[index - 1]
        else:
            base = build_line(rng, record.order_id, index, rng.choice(data.CATALOGUE), 0.0,
                         record.payload["created_date"], record.payload["last_updated_date"])
        deep_merge(base, item)
        if "price" not in item and isinstance(base.get("quantity"), int) \
                and isinstance(base.get("price_unit"), int | float):
            base["price"] = money(base["quantity"] * base["price_unit"])
            base["total_price"] = money(base["price"] + float(base.get("shipping_price") or 0))
        merged.append(base)
    record.payload["order_lines"] = merged


def _recompute_totals(record: OrderRecord) -> None:
    prices = [line.get("price") for line in record.lines()]
    if prices and all(isinstance(price, int | float) for price in prices):
        payload = record.payload
        payload["price"] = money(sum(prices))
        payload["total_price"] = money(payload["price"] + float(payload.get("shipping_price") or 0))


def _settle_explicit_state(record: OrderRecord, lines: Any, now: datetime) -> None:
    payload = record.payload
    state = str(payload.get("order_state"))
    given = [item for item in lines if isinstance(item, dict)] if isinstance(lines, list) else []
    explicit_line_states = {
        index for index, item in enumerate(given) if "order_line_state" in item}
    for index, line in enumerate(record.lines()):
        if index not in explicit_line_states:
            line["order_line_state"] = state
    record.created = date_or(payload.get("created_date"), record.created)
    record.updated = date_or(payload.get("last_updated_date"), record.created)
    if state in PRE_DEBIT_STATES:
        hide_addresses(record)
        if state == "WAITING_DEBIT_PAYMENT":
            record.accepted_at = date_or(payload.get("acceptance_decision_date"), now)
            payload["acceptance_decision_date"] = to_iso(record.accepted_at)
    elif state not in ("REFUSED", "CANCELED") and payload.get("customer_debited_date") is None:
        payload["customer_debited_date"] = to_iso(record.updated)
        payload["can_shop_ship"] = state == "SHIPPING"

