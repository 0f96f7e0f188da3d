"""Deterministic orders for a shop, shaped like the 2025-01 REST payload.

Well-formed orders are paid by default; ``unpaid`` ones are ``pending`` or ``authorized``,
``unknown_shipping`` ones use a rate the merchant never mapped (``DRONE``), ``cancelled`` ones
were voided before payment, and ``malformed`` ones are broken in turn as listed in
``MALFORMED_KINDS``. Lines use the shop's own variants when it has products.
"""

from __future__ import annotations

import random
from decimal import Decimal
from typing import Any

from . import data
from .formats import render_time
from .orders import cancel, open_fulfillment_order
from .store import OrderState, Shop, ShopifyStore

SPACING_SECONDS = 60
SHIPPING_PRICES = {"STANDARD": "4.90", "EXPRESS": "9.90", "Free Shipping": "0.00",
                   "DRONE": "14.00"}
MALFORMED_KINDS = (
    "line_quantity_text",  # a line with quantity "two" and no sku
    "null_line_items",  # line_items: null
    "no_shipping_address",  # shipping_address: null on an order to ship
    "price_as_text",  # total_price "12,50" and a line price "9,90"
    "bad_created_at",  # created_at in a local, non ISO format
)
GROUPS = ("created", "unpaid", "unknown_shipping", "cancelled", "malformed")


def _money(value: Decimal) -> str:
    return f"{value.quantize(Decimal('0.01'))}"


def _lines(store: ShopifyStore, shop: Shop, rng: random.Random) -> list[dict[str, Any]]:
    lines = []
    for _ in range(rng.choice((1, 1, 1, 2, 2, 3))):
        if shop.product_ids:
            product = shop.products[rng.choice(shop.product_ids)]
            variant = rng.choice(product.variants)
            title, variant_title = product.title, variant.title
            sku, price, grams = variant.sku, variant.price, variant.grams
            ids = (product.id, variant.id, variant.inventory_item_id)
        else:
            kind = rng.choice(data.PRODUCT_TYPES)
            title, variant_title = f"Demo {kind.name}", None
            sku, price, grams, ids = f"{kind.handle}-DEMO", kind.price, kind.grams, (None,) * 3
        quantity = rng.choice((1, 1, 2, 3))
        properties = ([{"name": "Custom Engraving", "value": rng.choice(data.ENGRAVINGS)}]
                      if rng.random() < 0.2 else [])
        line_id = store.next_id("line_item")
        lines.append({
            "id": line_id, "admin_graphql_api_id": f"gid://shopify/LineItem/{line_id}",
            "product_id": ids[0], "variant_id": ids[1], "inventory_item_id": ids[2],
            "sku": sku, "title": title,
            "variant_title": None if variant_title == "Default Title" else variant_title,
            "name": title if variant_title in (None, "Default Title")
            else f"{title} - {variant_title}",
            "vendor": None, "quantity": quantity, "current_quantity": quantity,
            "fulfillable_quantity": quantity, "fulfillment_status": None,
            "fulfillment_service": "manual", "price": price, "total_discount": "0.00",
            "grams": grams, "requires_shipping": True, "taxable": True, "gift_card": False,
            "properties": properties, "tax_lines": [], "discount_allocations": [], "duties": [],
        })
    return lines


def _address(rng: random.Random, first: str, last: str, city: data.City) -> dict[str, Any]:
    return {
        "first_name": first, "last_name": last, "company": None,
        "address1": f"{rng.randint(1, 180)} {rng.choice(data.STREETS)}", "address2": "",
        "city": city.name, "province": city.province, "province_code": city.province_code,
        "zip": city.zip, "country": city.country, "country_code": city.country_code,
        "phone": f"{city.phone_prefix} {rng.randint(1000, 9999)}", "name": f"{first} {last}",
        "latitude": None, "longitude": None,
    }


def build_order(store: ShopifyStore, shop: Shop, rng: random.Random, created: int,
                rate: tuple[str, str]) -> OrderState:
    order_id = store.next_id("order")
    number = shop.next_order_number
    shop.next_order_number += 1
    first, last = rng.choice(data.FIRST_NAMES), rng.choice(data.LAST_NAMES)
    city = rng.choice(data.CITIES)
    email = f"{first.lower()}.{last.lower()}@mail.example.com".replace("é", "e")
    lines = _lines(store, shop, rng)
    subtotal = sum(Decimal(line["price"]) * line["quantity"] for line in lines)
    shipping = Decimal(SHIPPING_PRICES.get(rate[1], "5.00"))
    total = subtotal + shipping
    when = render_time(created, shop.offset_minutes)
    address = _address(rng, first, last, city)
    note = rng.choice(data.NOTES)
    payload = {
        "id": order_id, "admin_graphql_api_id": f"gid://shopify/Order/{order_id}",
        "name": f"#{number}", "order_number": number, "email": email, "phone": None,
        "created_at": when, "updated_at": when, "processed_at": when,
        "currency": shop.currency, "presentment_currency": shop.currency,
        "financial_status": "paid", "fulfillment_status": None, "cancelled_at": None,
        "cancel_reason": None, "closed_at": None, "confirmed": True, "test": False,
        "tags": "", "note": note,
        "note_attributes": [{"name": "gift_message", "value": "Joyeux anniversaire"}]
        if rng.random() < 0.1 else [],
        "subtotal_price": _money(subtotal), "total_discounts": "0.00",
        "total_tax": _money(total * Decimal(20) / Decimal(120)), "taxes_included": True,
        "total_price": _money(total),
        "total_price_set": {key: {"amount": _money(total), "currency_code": shop.currency}
                            for key in ("shop_money", "presentment_money")},
        "source_name": "web", "payment_gateway_names": ["shopify_payments"],
        "customer": {"id": store.next_id("customer"), "email": email, "first_name": first,
                     "last_name": last},
        "billing_address": dict(address), "shipping_address": address,
        "shipping_lines": [{"id": store.next_id("shipping_line"), "code": rate[1],
                            "title": rate[0], "price": _money(shipping), "source": "shopify"}],
        "line_items": lines, "fulfillments": [], "refunds": [],
    }
    return OrderState(id=order_id, payload=payload, created=created, updated=created,
                      financial_status="paid")


def _break(order: OrderState, kind: str) -> None:
    payload = order.payload
    order.malformed = kind
    if kind == "line_quantity_text" and payload["line_items"]:
        payload["line_items"][0].update(quantity="two", current_quantity="two", sku=None)
    elif kind == "null_line_items":
        payload["line_items"] = None
    elif kind == "no_shipping_address":
        payload["shipping_address"] = None
    elif kind == "price_as_text":
        payload["total_price"] = "12,50"
        payload["line_items"][0]["price"] = "9,90"
    elif kind == "bad_created_at":
        payload["created_at"] = "04/03/2026 09:12"
        order.keep_created_at = True


def generate_orders(store: ShopifyStore, shop: Shop, *, seed: int, now: int,
                    counts: dict[str, int], start: int | None = None) -> dict[str, list[int]]:
    """Add orders by group (see ``GROUPS``); returns the new order ids per group."""
    rng = random.Random(seed)
    total = sum(counts.values())
    first = start if start is not None else now - total * SPACING_SECONDS - 900
    made: dict[str, list[int]] = {group: [] for group in GROUPS}
    index = 0
    for group in GROUPS:
        for n in range(counts.get(group, 0)):
            created = first + index * SPACING_SECONDS
            index += 1
            rate = (data.UNKNOWN_SHIPPING_RATE if group == "unknown_shipping"
                    else rng.choice(data.SHIPPING_RATES))
            order = build_order(store, shop, rng, created, rate)
            if group == "unpaid":
                order.financial_status = ("pending", "authorized")[n % 2]
            elif group == "malformed":
                _break(order, MALFORMED_KINDS[n % len(MALFORMED_KINDS)])
            shop.add_order(order)
            open_fulfillment_order(store, shop, order)
            if group == "cancelled":
                order.financial_status = "pending"
                cancel(order, "customer", created + 600)
            made[group].append(order.id)
    return made
