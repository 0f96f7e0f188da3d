"""Realistic Mirakl orders for a shop: well-formed, with customer messages, or malformed.

Generation is deterministic for a seed (and a start date): the same request on two fresh shops
yields the same orders, so a test can name what it expects. Ids follow Mirakl's shape: the
commercial order ``ORD-10001`` is split per seller into logistic order ``ORD-10001-A`` whose lines
are ``ORD-10001-A-1``, ``ORD-10001-A-2``...
"""

from __future__ import annotations

import random
import uuid
from datetime import datetime, timedelta
from typing import Any

from sandbox.timeutil import to_iso

from . import data
from .orders import apply_acceptance, debit, hide_addresses
from .store import OrderRecord, Shop, ThreadRecord

INITIAL_STATES = ("WAITING_ACCEPTANCE", "WAITING_DEBIT_PAYMENT", "SHIPPING")
MALFORMED_KINDS = (
    "line_quantity_text",  # quantity "two" and no offer_sku on a line
    "null_order_lines",  # order_lines: null
    "null_customer",  # customer: null
    "price_as_text",  # price_unit "29,90" and no total_price
    "bad_created_date",  # created_date in a local, non ISO format
)


def money(value: float) -> float:
    return round(value + 1e-9, 2)


def _uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _phone(rng: random.Random, prefix: str) -> str:
    pairs = " ".join(f"{rng.randint(0, 99):02d}" for _ in range(4))
    return f"{prefix} {rng.choice('67')} {pairs}"


def _address(rng: random.Random, person: dict[str, str], city: data.City,
             billing: bool = False) -> dict[str, Any]:
    company = rng.choice(data.COMPANIES) if rng.random() < 0.1 else None
    address = {
        "civility": person["civility"],
        "firstname": person["firstname"],
        "lastname": person["lastname"],
        "company": company,
        "street_1": f"{rng.randint(1, 180)} {rng.choice(data.STREETS)}",
        "street_2": rng.choice(data.STREET_2) if rng.random() < 0.3 else None,
        "zip_code": city.zip_code,
        "city": city.name,
        "state": None,
        "country": city.country,
        "country_iso_code": city.country_iso_code,
        "phone": _phone(rng, city.phone_prefix),
        "phone_secondary": None,
    }
    if not billing:
        address["additional_info"] = (rng.choice(data.DELIVERY_NOTES)
                                      if rng.random() < 0.2 else None)
    return address


def _person(rng: random.Random) -> dict[str, str]:
    female = rng.random() < 0.55
    return {
        "civility": "Mme" if female else "M",
        "firstname": rng.choice(data.FEMALE_FIRST_NAMES if female else data.MALE_FIRST_NAMES),
        "lastname": rng.choice(data.LAST_NAMES),
    }


def build_line(rng: random.Random, order_id: str, index: int, product: data.Product,
          shipping_price: float, created: str, updated: str) -> dict[str, Any]:
    quantity = rng.choice((1, 1, 1, 2, 2, 3))
    price = money(quantity * product.price_unit)
    commission = money((price + shipping_price) * 0.12)
    return {
        "order_line_id": f"{order_id}-{index}",
        "order_line_index": index,
        "order_line_state": "WAITING_ACCEPTANCE",
        "order_line_state_reason_code": None,
        "offer_id": 2000 + data.CATALOGUE.index(product),
        "offer_sku": product.offer_sku,
        "offer_state_code": "11",
        "product_sku": product.product_sku,
        "product_shop_sku": product.offer_sku,
        "product_title": product.title,
        "category_code": product.category_code,
        "category_label": product.category_label,
        "quantity": quantity,
        "price_unit": product.price_unit,
        "price": price,
        "shipping_price": shipping_price,
        "total_price": money(price + shipping_price),
        "commission_fee": commission,
        "commission_vat": 0,
        "commission_rate_vat": 0,
        "total_commission": commission,
        "taxes": [{"code": "TVA20", "amount": money(price - price / 1.2), "rate": 20.0}],
        "shipping_taxes": (
            [{"code": "TVA20", "amount": money(shipping_price - shipping_price / 1.2),
              "rate": 20.0}] if shipping_price else []),
        "created_date": created,
        "last_updated_date": updated,
        "debited_date": None,
        "shipped_date": None,
        "received_date": None,
        "description": None,
        "product_medias": [{"media_url": f"/media/product/{product.product_sku.lower()}",
                            "mime_type": "JPEG", "type": "LARGE"}],
        "order_line_additional_fields": [],
        "cancelations": [],
        "refunds": [],
        "promotions": [],
        "can_refund": False,
    }


def build_order(rng: random.Random, order_id: str, created: datetime) -> OrderRecord:
    """One well-formed order in WAITING_ACCEPTANCE (addresses hidden)."""
    commercial_id = order_id[:-2] if order_id.endswith("-A") else order_id
    updated = created + timedelta(seconds=rng.randint(2, 20))
    person = _person(rng)
    city = rng.choice(data.CITIES)
    shipping = rng.choice(data.SHIPPING_METHODS)
    zone_code, zone_label = data.SHIPPING_ZONES[city.country_iso_code]
    billing_person = person if rng.random() < 0.85 else _person(rng)
    addresses = {
        "billing_address": _address(rng, billing_person, city, billing=True),
        "shipping_address": _address(rng, person, city),
    }
    products = rng.sample(data.CATALOGUE, rng.choice((1, 1, 1, 2, 2, 3)))
    lines = [
        build_line(rng, order_id, index, product, shipping.price if index == 1 else 0.0,
              to_iso(created), to_iso(updated))
        for index, product in enumerate(products, start=1)
    ]
    price = money(sum(line["price"] for line in lines))
    payload: dict[str, Any] = {
        "order_id": order_id,
        "commercial_id": commercial_id,
        "order_state": "WAITING_ACCEPTANCE",
        "order_state_reason_code": None,
        "order_state_reason_label": None,
        "created_date": to_iso(created),
        "last_updated_date": to_iso(updated),
        "acceptance_decision_date": None,
        "shipping_deadline": to_iso((created + timedelta(days=shipping.leadtime_to_ship))
                                    .replace(hour=23, minute=59, second=59, microsecond=0)),
        "leadtime_to_ship": shipping.leadtime_to_ship,
        "currency_iso_code": "EUR",
        "channel": {"code": "FR", "label": "Site France"},
        "payment_workflow": "PAY_ON_ACCEPTANCE",
        "customer_debited_date": None,
        "price": price,
        "shipping_price": shipping.price,
        "total_price": money(price + shipping.price),
        "total_commission": money(sum(line["total_commission"] for line in lines)),
        "order_tax_mode": "TAX_INCLUDED",
        "shipping_type_code": shipping.code,
        "shipping_type_label": shipping.label,
        "shipping_zone_code": zone_code,
        "shipping_zone_label": zone_label,
        "shipping_carrier_code": None,
        "shipping_carrier_standard_code": None,
        "shipping_company": None,
        "shipping_tracking": None,
        "shipping_tracking_url": None,
        "can_cancel": False,
        "can_shop_ship": False,
        "has_customer_message": False,
        "has_incident": False,
        "has_invoice": False,
        "fully_refunded": False,
        "paymentType": "CB",
        "payment_type": "CB",
        "fulfillment": {"center": {"code": "DEFAULT"}},
        "references": {"order_reference_for_customer": commercial_id,
                       "order_reference_for_seller": None},
        "customer": {
            "customer_id": f"C-{rng.randint(100000, 999999)}",
            "civility": person["civility"],
            "firstname": person["firstname"],
            "lastname": person["lastname"],
            "locale": "fr_FR",
            **addresses,
        },
        "customer_notification_email":
            f"notification+{rng.getrandbits(40):010x}@notification.mirakl.net",
        "order_additional_fields": [{"code": "gift-wrap", "type": "BOOLEAN",
                                     "value": "true" if rng.random() < 0.15 else "false"}],
        "order_lines": lines,
    }
    record = OrderRecord(payload=payload, created=created, updated=updated, seq=0)
    hide_addresses(record)
    return record


def add_messages(rng: random.Random, shop: Shop, record: OrderRecord,
                 bodies: list[str] | None = None) -> ThreadRecord:
    """A customer thread about the order; generated orders also get line personalisation."""
    customer = record.payload.get("customer") or {}
    firstname = str(customer.get("firstname") or "Client")
    lastname = str(customer.get("lastname") or "")
    if bodies is None:
        name = rng.choice(data.FEMALE_FIRST_NAMES + data.MALE_FIRST_NAMES)
        text = rng.choice(data.PERSONALISATION_TEXTS).format(name=name, lastname=lastname)
        for index, line in enumerate(record.lines()):
            if index == 0 or rng.random() < 0.5:
                line["order_line_additional_fields"] = [
                    {"code": "personalisation-text", "type": "STRING", "value": text}]
        bodies = [rng.choice(data.FIRST_MESSAGES).format(text=text, firstname=firstname)]
        if rng.random() < 0.4:
            bodies.append(rng.choice(data.FOLLOW_UP_MESSAGES))
    author = {"id": str(customer.get("customer_id") or "C-0"),
              "display_name": f"{firstname} {lastname[:1]}.".strip()}
    when = record.created + timedelta(seconds=rng.randint(30, 600))
    messages = []
    for body in bodies:
        messages.append({"id": _uuid(rng), "body": body, "date_created": when})
        when += timedelta(seconds=rng.randint(60, 3600))
    record.payload["has_customer_message"] = True
    thread = ThreadRecord(
        thread_id=_uuid(rng), order_id=record.order_id, created=messages[0]["date_created"],
        updated=messages[-1]["date_created"], topic=rng.choice(data.MESSAGE_TOPICS),
        customer=author, messages=messages,
    )
    shop.threads.append(thread)
    return thread


def break_order(record: OrderRecord, kind: str) -> None:
    """Damage an order the way real feeds arrive damaged, for connectors to catch."""
    payload = record.payload
    record.malformed = kind
    if kind == "line_quantity_text":
        line = record.lines()[0]
        line["quantity"] = "two"
        line.pop("offer_sku", None)
    elif kind == "null_order_lines":
        payload["order_lines"] = None
    elif kind == "null_customer":
        payload["customer"] = None
    elif kind == "price_as_text":
        record.lines()[0]["price_unit"] = f"{record.lines()[0]['price_unit']:.2f}".replace(".", ",")
        payload.pop("total_price", None)
    elif kind == "bad_created_date":
        payload["created_date"] = record.created.strftime("%d/%m/%Y %H:%M")
    else:
        raise ValueError(f"unknown malformed kind {kind!r}")


def bring_to_state(record: OrderRecord, state: str) -> None:
    """Play the order forward to its initial state, a few minutes after its creation."""
    if state == "WAITING_ACCEPTANCE":
        return
    accepted = record.updated + timedelta(minutes=3)
    apply_acceptance(record, {}, accepted)
    if state == "SHIPPING":
        debit(record, accepted + timedelta(minutes=2))


def generate(shop: Shop, *, count: int, seed: int | None, with_messages: int, malformed: int,
             start: datetime | None, now: datetime, state: str = "WAITING_ACCEPTANCE",
             malformed_state: str = "SHIPPING") -> dict[str, list[str]]:
    """Add ``count`` well-formed and ``malformed`` broken orders to the shop."""
    rng = random.Random(seed)
    total = count + malformed
    gaps = [rng.randint(20, 400) for _ in range(total)]
    if start is None:  # end about now, leaving room for the acceptance/debit of later states
        start = now - timedelta(seconds=sum(gaps) + 900)
    messaged = set(rng.sample(range(count), with_messages))
    created_ids: list[str] = []
    malformed_ids: list[str] = []
    when = start
    for index in range(total):
        when += timedelta(seconds=gaps[index])
        record = build_order(rng, f"ORD-{shop.next_number}-A", when.replace(microsecond=0))
        shop.next_number += 1
        if index < count:
            if index in messaged:
                add_messages(rng, shop, record)
            bring_to_state(record, state)
            created_ids.append(record.order_id)
        else:
            break_order(record, MALFORMED_KINDS[(index - count) % len(MALFORMED_KINDS)])
            bring_to_state(record, malformed_state)
            malformed_ids.append(record.order_id)
        store_order(shop, record, now)
    return {"created": created_ids, "malformed": malformed_ids}


def store_order(shop: Shop, record: OrderRecord, now: datetime) -> None:
    """Add the order to the shop.

    An order dated before the shop's last OR11 read is shown as updated now (as if it had just
    left the operator's STAGING checks), so connectors that poll by update date still see it.
    Fresh shops keep the dates exactly as generated.
    """
    if record.order_id in shop.orders:
        raise ValueError(f"order {record.order_id} already exists")
    if record.updated < shop.read_at:
        record.touch(now)
    record.seq = shop.next_seq
    shop.next_seq += 1
    shop.orders[record.order_id] = record

