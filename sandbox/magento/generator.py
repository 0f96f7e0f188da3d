"""Realistic Magento orders: paid, unpaid, with an unknown shipping method, or malformed.

Generation is deterministic for a seed on a fresh shop. Orders take their lines from the shop's
catalogue when it has one (a configurable product is ordered as a parent item plus its child
item), else from three fallback SKUs; 15 % of simple lines carry a buyer's text as a custom
option. Buyers and addresses are French, Belgian or Swiss; the shipping method is one of the
shop's three (``flatrate_flatrate``, ``tablerate_bestway``, ``freeshipping_freeshipping``).
"""

from __future__ import annotations

import random
import unicodedata
from datetime import datetime, timedelta
from typing import Any

from . import data
from .sales import pay, set_state
from .store import OrderRow, Shop, mdate

GENERATED_STATES = ("processing", "new", "pending_payment")
MALFORMED_KINDS = (
    "items_null",
    "no_shipping_assignment",
    "qty_as_text",
    "bad_created_at",
    "total_as_text",
)
FALLBACK_SKUS = (
    ("MG-MUG-WHITE-330", "Mug Sunset White", 12.5, 0.35),
    ("MG-TOTE-NAVY", "Tote bag Wave Navy", 15.0, 0.15),
    ("MG-CAP-BLACK", "Cap Fox Black", 18.0, 0.1),
)


def money(value: float) -> float:
    return round(value + 1e-9, 2)


def _products(shop: Shop) -> list[tuple[str, str, float, float, str, list[tuple[str, float]]]]:
    """Sellable products: (sku, name, price, weight, type, children [(sku, weight)])."""
    found = []
    for row in shop.products[:2000]:
        if row.parent_id is not None or row.extra or row.status != 1 or row.price is None:
            continue
        children = []
        for child_id in row.children:
            child = shop.product(child_id)
            if child is not None:
                children.append((child.sku, child.weight or 0.0))
        found.append((row.sku, row.name, row.price, row.weight or 0.0, row.type_id, children))
    if not found:
        found = [
            (sku, name, price, weight, "simple", []) for sku, name, price, weight in FALLBACK_SKUS
        ]
    return found


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def _address(
    rng: random.Random,
    kind: str,
    person: tuple[str, str],
    city: data.City,
    email: str,
    order_id: int,
    entity_id: int,
) -> dict[str, Any]:
    street = [f"{rng.randint(1, 180)} {rng.choice(data.STREETS)}"]
    if rng.random() < 0.3:
        street.append(rng.choice(data.STREET_2))
    return {
        "address_type": kind,
        "entity_id": entity_id,
        "parent_id": order_id,
        "firstname": person[0],
        "lastname": person[1],
        "company": "Atelier Martin" if rng.random() < 0.1 else None,
        "street": street,
        "city": city.name,
        "postcode": city.postcode,
        "region": city.region,
        "region_code": None,
        "country_id": city.country_id,
        "telephone": f"{city.phone_prefix}6{rng.randint(10000000, 99999999)}",
        "email": email,
    }


def _item(
    shop: Shop,
    rng: random.Random,
    order_id: int,
    sku: str,
    name: str,
    price: float,
    weight: float,
    quantity: int,
    product_type: str,
    parent_item_id: int | None = None,
) -> dict[str, Any]:
    item_id = shop.next_item_id
    shop.next_item_id += 1
    row_price = 0.0 if parent_item_id else price
    excl = money(row_price / 1.2)
    return {
        "item_id": item_id,
        "order_id": order_id,
        "sku": sku,
        "name": name,
        "product_id": shop.by_sku[sku].id if sku in shop.by_sku else None,
        "product_type": product_type,
        "parent_item_id": parent_item_id,
        "qty_ordered": quantity,
        "qty_invoiced": 0,
        "qty_shipped": 0,
        "qty_canceled": 0,
        "qty_refunded": 0,
        "price": excl,
        "price_incl_tax": money(row_price),
        "row_total": money(excl * quantity),
        "row_total_incl_tax": money(row_price * quantity),
        "tax_percent": 0 if parent_item_id else 20,
        "tax_amount": money((row_price - excl) * quantity),
        "discount_amount": 0,
        "weight": weight,
        "product_options": {},
    }


def _lines(
    shop: Shop, rng: random.Random, order_id: int, catalogue: list
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Order items (configurable parent + child) and the shipping assignment's items."""
    items, assigned = [], []
    for sku, name, price, weight, type_id, children in rng.sample(
        catalogue, k=min(len(catalogue), rng.choice((1, 1, 2, 3)))
    ):
        quantity = rng.choice((1, 1, 1, 2, 3))
        if type_id == "configurable" and children:
            child_sku, child_weight = rng.choice(children)
            parent = _item(
                shop, rng, order_id, child_sku, name, price, child_weight, quantity, "configurable"
            )
            parent["product_options"] = {"info_buyRequest": {"qty": quantity}}
            child = _item(
                shop,
                rng,
                order_id,
                child_sku,
                name,
                price,
                child_weight,
                quantity,
                "simple",
                parent_item_id=parent["item_id"],
            )
            items += [parent, child]
            assigned.append(parent)
            continue
        item = _item(shop, rng, order_id, sku, name, price, weight, quantity, "simple")
        if rng.random() < 0.15:
            item["product_option"] = {
                "extension_attributes": {
                    "custom_options": [
                        {"option_id": "1", "option_value": rng.choice(data.PERSONALISATIONS)}
                    ]
                }
            }
        items.append(item)
        assigned.append(item)
    return items, [
        {"item_id": i["item_id"], "sku": i["sku"], "qty_ordered": i["qty_ordered"]}
        for i in assigned
    ]


def _totals(items: list[dict[str, Any]], shipping: float) -> dict[str, Any]:
    subtotal = money(sum(i["row_total"] for i in items))
    tax = money(sum(i["tax_amount"] for i in items))
    grand = money(subtotal + tax + shipping)
    return {
        "order_currency_code": "EUR",
        "base_currency_code": "EUR",
        "grand_total": grand,
        "base_grand_total": grand,
        "subtotal": subtotal,
        "tax_amount": tax,
        "shipping_amount": shipping,
        "shipping_incl_tax": shipping,
        "discount_amount": 0,
        "total_qty_ordered": sum(i["qty_ordered"] for i in items if not i["parent_item_id"]),
        "total_due": grand,
        "total_paid": 0,
    }


def build_order(
    shop: Shop,
    rng: random.Random,
    created: datetime,
    *,
    state: str,
    method: tuple[str, str, float] | None = None,
    catalogue: list | None = None,
) -> OrderRow:
    """One realistic order in ``state`` (``processing`` = paid, or an unpaid state)."""
    order_id = shop.next_order_id
    shop.next_order_id += 1
    increment = f"{shop.next_increment:09d}"
    shop.next_increment += 1
    person = (rng.choice(data.FIRST_NAMES), rng.choice(data.LAST_NAMES))
    email = _ascii(f"{person[0]}.{person[1]}{order_id}@example.com").lower()
    code, description, shipping = method or rng.choice(data.SHIPPING_METHODS)
    items, assigned = _lines(shop, rng, order_id, catalogue or _products(shop))
    totals = _totals(items, shipping)
    billing = _address(
        rng, "billing", person, rng.choice(data.CITIES), email, order_id, order_id * 2
    )
    delivery = dict(billing, address_type="shipping", entity_id=order_id * 2 + 1)
    when = mdate(created)
    payload = {
        "entity_id": order_id, "increment_id": increment, "state": "new", "status": "pending",
        "store_id": 1, "created_at": when, "updated_at": when, "customer_email": email,
        "customer_firstname": person[0], "customer_lastname": person[1],
        "customer_is_guest": 1 if rng.random() < 0.3 else 0, **totals,
        "shipping_description": description, "is_virtual": 0, "items": items,
        "billing_address": billing,
        "payment": {"method": rng.choice(data.PAYMENT_METHODS),
                    "amount_ordered": totals["grand_total"], "additional_information": []},
        "status_histories": [],
        "extension_attributes": {"shipping_assignments": [{
            "shipping": {"method": code, "address": delivery,
                         "total": {"shipping_amount": shipping}},
            "items": assigned,
        }]},
    }  # fmt: skip
    row = OrderRow(payload=payload, entity_id=order_id, created_at=when, updated_at=when)
    if state == "processing":
        pay(row, created + timedelta(minutes=2))
    elif state != "new":
        set_state(row, state, state)
    row.updated_at = row.payload["updated_at"]
    shop.add_order(row)
    return row


def break_order(row: OrderRow, kind: str) -> None:
    """Make a generated order malformed in one of the ways a connector must survive."""
    payload = row.payload
    row.malformed = kind
    if kind == "items_null":
        payload["items"] = None
    elif kind == "no_shipping_assignment":
        payload["extension_attributes"] = {}
    elif kind == "qty_as_text":
        payload["items"][0]["qty_ordered"] = "two"
        payload["items"][0]["sku"] = None
    elif kind == "bad_created_at":
        payload["created_at"] = "04/03/2026 09:12"
    elif kind == "total_as_text":
        payload["grand_total"] = "64,70"


def generate(
    shop: Shop,
    counts: dict[str, int],
    *,
    state: str,
    seed: int | None,
    start: datetime | None,
    now: datetime,
) -> dict[str, list[int]]:
    """``count`` orders in ``state`` (paid by default), then ``unpaid`` ones (alternately
    ``new`` and ``pending_payment``), paid ones with an unknown shipping method, and
    ``malformed`` paid ones, one minute apart and ending three minutes ago."""
    rng = random.Random(seed)
    step = timedelta(seconds=60)
    created = start or now - timedelta(minutes=3) - step * sum(counts.values())
    result: dict[str, list[int]] = {
        "created": [],
        "unpaid": [],
        "unknown_method": [],
        "malformed": [],
    }
    plan = [("created", state, None)] * counts.get("count", 0)
    plan += [("unpaid", GENERATED_STATES[1 + n % 2], None) for n in range(counts.get("unpaid", 0))]
    plan += [("unknown_method", "processing", data.UNKNOWN_METHOD)] * counts.get(
        "unknown_method", 0
    )
    plan += [("malformed", "processing", None)] * counts.get("malformed", 0)
    for n, (kind, order_state, method) in enumerate(plan):
        row = build_order(shop, rng, min(created + step * n, now), state=order_state, method=method)
        row.kind = kind
        if kind == "malformed":
            break_order(row, MALFORMED_KINDS[len(result[kind]) % len(MALFORMED_KINDS)])
        _after_reads(shop, row, now)
        result[kind].append(row.entity_id)
    return result


def _after_reads(shop: Shop, row: OrderRow, now: datetime) -> None:
    """An order seeded after a connector listed orders, but dated before that, is stamped
    as updated now: it would otherwise sit behind an update-date cursor forever."""
    if shop.orders_read_at is not None and row.updated_at <= mdate(shop.orders_read_at):
        row.touch(now)
