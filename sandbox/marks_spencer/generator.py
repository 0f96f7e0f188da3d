"""Realistic M&S orders for a supplier account: well-formed, personalised, or malformed.

Generation is deterministic for a seed (and a start date): the same request on two fresh
accounts yields the same orders, so a test can name what it expects. Orders a test describes
are merged onto a generated one, so fixtures name only what they care about.

An order appears to the supplier when it is added, so its ``updated_at`` is that moment even
when its ``created_at`` (the customer's checkout) lies hours before: a client polling by
``updated_from`` always sees a newly added order.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any

from sandbox.partials import date_or, deep_merge
from sandbox.timeutil import to_iso

from . import data
from .store import OrderRecord, Supplier

MALFORMED_KINDS = (
    "quantity_text",  # quantity "two" on the first line
    "no_lines",  # lines: []
    "no_delivery_address",  # delivery_address: null on an OPEN order
    "price_text",  # unit_price "£12.00"
    "bad_created_at",  # created_at in a local, non ISO format
    "no_sku",  # the first line has no sku
)


def money(value: float) -> float:
    return round(value + 1e-9, 2)


def _person(rng: random.Random) -> dict[str, str]:
    return {
        "title": rng.choice(data.TITLES),
        "first_name": rng.choice(data.FIRST_NAMES),
        "last_name": rng.choice(data.LAST_NAMES),
    }


def _phone(rng: random.Random) -> str:
    return f"+44 7{rng.randint(100, 999)} {rng.randint(100000, 999999)}"


def _address(rng: random.Random, person: dict[str, str]) -> dict[str, Any]:
    town = rng.choice(data.TOWNS)
    return {
        **person,
        "company": rng.choice(data.COMPANIES) if rng.random() < 0.08 else None,
        "address_line_1": f"{rng.randint(1, 240)} {rng.choice(data.STREETS)}",
        "address_line_2": rng.choice(data.FLATS) if rng.random() < 0.3 else None,
        "town": town.name,
        "county": town.county,
        "postcode": town.postcode,
        "country_code": town.country_code,
        "phone": _phone(rng),
    }


def _personalisation(rng: random.Random, person: dict[str, str]) -> dict[str, str]:
    text = rng.choice(data.PERSONALISATION_TEXTS).format(
        name=rng.choice(data.FIRST_NAMES), other=rng.choice(data.FIRST_NAMES),
        lastname=person.get("last_name", ""))
    return {"text": text, "font": rng.choice(data.FONTS), "colour": rng.choice(data.COLOURS)}


def build_line(rng: random.Random, index: int, product: data.Product,
               person: dict[str, str]) -> dict[str, Any]:
    quantity = rng.choice((1, 1, 1, 1, 2, 3))
    return {
        "line_number": index,
        "sku": product.sku,
        "product_code": product.product_code,
        "description": product.description,
        "quantity": quantity,
        "unit_price": product.unit_price,
        "line_total": money(quantity * product.unit_price),
        "personalisation": _personalisation(rng, person) if product.personalised else None,
    }


def build_order(rng: random.Random, number: str, created: datetime,
                visible: datetime) -> OrderRecord:
    """One well-formed OPEN order, created at ``created``, visible from ``visible``."""
    person = _person(rng)
    recipient = person if rng.random() < 0.8 else _person(rng)
    method = rng.choice(data.DELIVERY_METHODS)
    products = rng.sample(data.CATALOGUE, rng.choice((1, 1, 1, 2, 2, 3)))
    lines = [build_line(rng, index, product, recipient)
             for index, product in enumerate(products, start=1)]
    goods = money(sum(line["line_total"] for line in lines))
    payload: dict[str, Any] = {
        "order_number": number,
        "status": "OPEN",
        "created_at": to_iso(created),
        "updated_at": to_iso(visible),
        "sales_channel": "marksandspencer.com",
        "currency": "GBP",
        "goods_total": goods,
        "delivery_charge": method.charge,
        "order_total": money(goods + method.charge),
        "delivery_method": {"code": method.code, "name": method.name},
        "promised_dispatch_date": (created + timedelta(days=2)).date().isoformat(),
        "customer": {
            "customer_id": f"C{rng.randint(10_000_000, 99_999_999)}",
            **person,
            "email": f"{person['first_name'].lower()}.{rng.randint(10, 9999)}@example.co.uk",
            "phone": _phone(rng),
        },
        "delivery_address": _address(rng, recipient),
        "gift_message": rng.choice(data.GIFT_MESSAGES) if rng.random() < 0.15 else None,
        "lines": lines,
        "dispatch": None,
        "cancellation": None,
    }
    return OrderRecord(payload=payload, created=created, updated=visible)


def break_order(record: OrderRecord, kind: str) -> None:
    """Damage an order the way real feeds arrive damaged, for connectors to catch."""
    payload = record.payload
    record.malformed = kind
    lines = payload.get("lines")
    first = lines[0] if isinstance(lines, list) and lines and isinstance(lines[0], dict) else {}
    if kind == "quantity_text":
        first["quantity"] = "two"
    elif kind == "no_lines":
        payload["lines"] = []
    elif kind == "no_delivery_address":
        payload["delivery_address"] = None
    elif kind == "price_text":
        first["unit_price"] = f"£{float(first.get('unit_price') or 0):.2f}"
    elif kind == "bad_created_at":
        payload["created_at"] = record.created.strftime("%d/%m/%Y %H:%M")
    elif kind == "no_sku":
        first.pop("sku", None)
    else:
        raise ValueError(f"unknown malformed kind {kind!r} (one of {', '.join(MALFORMED_KINDS)})")


def generate(supplier: Supplier, *, count: int, malformed: int, seed: int | None,
             start: datetime | None, now: datetime) -> dict[str, list[str]]:
    """Add ``count`` well-formed and ``malformed`` broken orders, created over the past hours."""
    rng = random.Random(seed)
    total = count + malformed
    gaps = [rng.randint(20, 240) for _ in range(total)]
    when = start if start is not None else now - timedelta(seconds=sum(gaps) + 60)
    created_ids: list[str] = []
    malformed_ids: list[str] = []
    for index in range(total):
        when += timedelta(seconds=gaps[index])
        record = build_order(rng, supplier.new_number(), when.replace(microsecond=0), now)
        if index < count:
            created_ids.append(record.number)
        else:
            break_order(record, MALFORMED_KINDS[(index - count) % len(MALFORMED_KINDS)])
            malformed_ids.append(record.number)
        supplier.add(record)
    return {"created": created_ids, "malformed": malformed_ids}


def create_explicit(supplier: Supplier, partials: list[Any], *, seed: int | None,
                    now: datetime) -> list[str]:
    """Orders a test describes, each merged key by key onto a generated order.

    ``lines`` items merge onto generated lines (extra items onto new ones); a ``malformed``
    key names a kind from MALFORMED_KINDS to apply after the merge.
    """
    rng = random.Random(seed)
    numbers = []
    for partial in partials:
        if not isinstance(partial, dict):
            raise ValueError("each item of 'orders' must be a JSON object")
        partial = dict(partial)
        number = str(partial.pop("order_number", None) or supplier.new_number())
        kind = partial.pop("malformed", None)
        created = date_or(partial.get("created_at"), now - timedelta(seconds=30))
        record = build_order(rng, number, created, now)
        lines = partial.pop("lines", None)
        deep_merge(record.payload, partial)
        if isinstance(lines, list):
            _merge_lines(rng, record, lines)
        elif lines is not None:
            record.payload["lines"] = lines
        if kind is not None:
            break_order(record, str(kind))
        record.payload["updated_at"] = to_iso(now)
        supplier.add(record)
        numbers.append(record.number)
    return numbers


def _merge_lines(rng: random.Random, record: OrderRecord, items: list[Any]) -> None:
    generated = record.payload["lines"]
    customer = record.payload.get("customer")
    person = customer if isinstance(customer, dict) else {}
    merged: list[Any] = []
    for index, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            merged.append(item)
            continue
        base = (generated[index - 1] if index <= len(generated)
                else build_line(rng, index, rng.choice(data.CATALOGUE), person))
        deep_merge(base, item)
        if isinstance(base.get("quantity"), int) and isinstance(base.get("unit_price"),
                                                                int | float):
            base["line_total"] = money(base["quantity"] * base["unit_price"])
        merged.append(base)
    record.payload["lines"] = merged
