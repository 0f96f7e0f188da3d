"""Orders of a simulated shop: generation (well-formed, unpaid, odd carrier, malformed) and
state changes through order histories, as ``OrderHistory::changeIdOrderState`` applies them.

An order is a row of ``orders`` with its lines in ``associations.order_rows``; its customer,
delivery and invoice addresses, carrier line (``order_carriers``) and state history
(``order_histories``) are rows of their own resources, as in PrestaShop, where none of them
is embedded in the order.
"""

from __future__ import annotations

import random
import string
import unicodedata
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from . import catalogue, data
from .output import I18n
from .store import ShopData

VAT = Decimal("1.20")
SIX = Decimal("0.000001")
MALFORMED_KINDS = ("no_rows", "quantity_text", "missing_address", "empty_reference",
                   "total_text")


def state_row(shop: ShopData, state_id: int) -> dict[str, Any] | None:
    return shop.tables["order_states"].get(state_id)


def _money(value: Decimal) -> Decimal:
    return value.quantize(SIX)


def sellable(shop: ShopData) -> list[tuple[int, int, str, str, Decimal, Decimal]]:
    """(id_product, id_product_attribute, reference, name, price, weight) of what can be sold."""
    items = []
    combinations = shop.tables["combinations"]
    for p in shop.products.values():
        if not p.active or not p.reference:
            continue
        name = p.names()[1]
        if not p.combination_ids:
            items.append((p.id, 0, p.reference, name, p.price, p.weight))
            continue
        for cid in p.combination_ids:
            c = combinations.rows[cid]
            labels = [next(v.name_en for v in data.OPTION_VALUES if v.id == o)
                      for o in c.option_values]
            items.append((p.id, cid, c.reference, f"{name} - {', '.join(reversed(labels))}",
                          p.price + c.price_impact, p.weight + c.weight_impact))
    return items


def generate_orders(shop: ShopData, *, count: int, seed: int | None, now: datetime,
                    state: int = 2, unknown_carrier: int = 0, malformed: int = 0,
                    start: datetime | None = None,
                    overrides: list[dict[str, Any]] | None = None) -> dict[str, list[int]]:
    """Create orders; the ``unknown_carrier`` and ``malformed`` ones come on top of ``count``."""
    rng = random.Random(seed)
    items = sellable(shop)
    if not items:
        catalogue.generate_products(shop, count=20, seed=seed, now=now)
        items = sellable(shop)
    overrides = list(overrides or [])
    total = max(count + unknown_carrier + malformed, len(overrides))
    base = start or now - timedelta(seconds=total)
    result: dict[str, list[int]] = {"created": [], "unknown_carrier": [], "malformed": []}
    for index in range(total):
        when = base + timedelta(seconds=index)
        odd = count <= index < count + unknown_carrier
        carrier = data.UNUSUAL_CARRIER if odd else rng.choice(data.USUAL_CARRIERS)
        order_id = _create_order(shop, rng, items, when, state, carrier)
        order = shop.tables["orders"].rows[order_id]
        if index < len(overrides):
            _override(shop, order, overrides[index], when)
        if index >= count + unknown_carrier:
            kind = MALFORMED_KINDS[(index - count - unknown_carrier) % len(MALFORMED_KINDS)]
            _break(shop, order, kind)
            result["malformed"].append(order_id)
        elif odd:
            result["unknown_carrier"].append(order_id)
        else:
            result["created"].append(order_id)
    return result


def _create_order(shop: ShopData, rng: random.Random, items: list, when: datetime,
                  state: int, carrier: int) -> int:
    t = shop.tables
    customer_id, address_id = _customer(shop, rng, when)
    rows, weight = _rows(rng, items)
    products = sum((r["unit_price_tax_excl"] * r["product_quantity"] for r in rows), Decimal(0))
    products_wt = sum((r["unit_price_tax_incl"] * r["product_quantity"] for r in rows),
                      Decimal(0))
    shipping = Decimal("4.900000") if carrier != 1 else Decimal(0)
    paid = products_wt + shipping
    module, payment = data.PAYMENTS.get(state, data.PAYMENTS[2])
    order = {
        "id_address_delivery": address_id, "id_address_invoice": address_id,
        "id_cart": t["orders"].next_id + 1000, "id_currency": 1, "id_lang": 1,
        "id_customer": customer_id, "id_carrier": carrier, "current_state": 0,
        "module": module, "invoice_number": 0, "invoice_date": None, "delivery_number": 0,
        "delivery_date": None, "valid": False, "date_add": when, "date_upd": when,
        "shipping_number": "", "note": "", "id_shop_group": 1, "id_shop": 1,
        "secure_key": f"{rng.getrandbits(128):032x}", "payment": payment, "recyclable": False,
        "gift": False, "gift_message": "", "mobile_theme": False,
        "total_discounts": Decimal(0), "total_discounts_tax_incl": Decimal(0),
        "total_discounts_tax_excl": Decimal(0), "total_paid": _money(paid),
        "total_paid_tax_incl": _money(paid),
        "total_paid_tax_excl": _money(products + shipping / VAT),
        "total_paid_real": Decimal(0), "total_products": _money(products),
        "total_products_wt": _money(products_wt), "total_shipping": shipping,
        "total_shipping_tax_incl": shipping, "total_shipping_tax_excl": _money(shipping / VAT),
        "carrier_tax_rate": Decimal("20.000"), "total_wrapping": Decimal(0),
        "total_wrapping_tax_incl": Decimal(0), "total_wrapping_tax_excl": Decimal(0),
        "round_mode": 2, "round_type": 2, "conversion_rate": Decimal(1),
        "reference": "".join(rng.choice(string.ascii_uppercase) for _ in range(9)),
        "associations": {"order_rows": rows},
    }
    order_id = t["orders"].add(order)
    for number, row in enumerate(rows, start=1):
        row["id"] = order_id * 10 + number
    carrier_row = {"id_order": order_id, "id_carrier": carrier, "id_order_invoice": 0,
                   "weight": _money(weight), "shipping_cost_tax_excl": _money(shipping / VAT),
                   "shipping_cost_tax_incl": shipping, "tracking_number": "", "date_add": when}
    shop.carriers_of_order[order_id] = [t["order_carriers"].add(carrier_row)]
    if state:
        change_state(shop, order_id, state, when)
    return order_id


def _rows(rng: random.Random, items: list) -> tuple[list[dict[str, Any]], Decimal]:
    """One to three order rows (ids set once the order has one) and their weight."""
    rows = []
    weight = Decimal(0)
    for pid, attribute, reference, name, price, item_weight in rng.sample(
            items, min(len(items), rng.choice((1, 1, 2, 3)))):
        quantity = rng.choice((1, 1, 1, 2, 3))
        weight += item_weight * quantity
        rows.append({"id": 0, "product_id": pid, "product_attribute_id": attribute,
                     "product_quantity": quantity, "product_name": name,
                     "product_reference": reference, "product_ean13": "", "product_isbn": "",
                     "product_upc": "", "product_price": _money(price),
                     "id_customization": 0, "unit_price_tax_incl": _money(price * VAT),
                     "unit_price_tax_excl": _money(price)})
    return rows, weight


def _customer(shop: ShopData, rng: random.Random, when: datetime) -> tuple[int, int]:
    t = shop.tables
    first, last = rng.choice(data.FIRST_NAMES), rng.choice(data.LAST_NAMES)
    local = unicodedata.normalize("NFKD", f"{first}.{last}").encode("ascii", "ignore").decode()
    email = f"{local}.{t['customers'].next_id}@example.com".lower()
    customer_id = t["customers"].add({
        "id_default_group": 3, "id_lang": 1, "newsletter_date_add": None, "deleted": False,
        "lastname": last, "firstname": first, "email": email, "id_gender": 0,
        "birthday": "0000-00-00", "newsletter": False, "optin": False, "website": "",
        "company": "", "active": True, "is_guest": False, "id_shop": 1, "id_shop_group": 1,
        "date_add": when, "date_upd": when,
    })
    city = rng.choice(data.CITIES)
    pairs = " ".join(f"{rng.randint(0, 99):02d}" for _ in range(4))
    address_id = t["addresses"].add({
        "id_customer": customer_id, "id_manufacturer": 0, "id_supplier": 0, "id_warehouse": 0,
        "id_country": city.id_country, "id_state": city.id_state, "alias": "My address",
        "company": "Atelier Lambert" if rng.random() < 0.1 else "", "lastname": last,
        "firstname": first, "vat_number": "",
        "address1": f"{rng.randint(1, 180)} {rng.choice(data.STREETS)}",
        "address2": "Bâtiment B" if rng.random() < 0.2 else "", "postcode": city.postcode,
        "city": city.name, "other": "", "phone": f"{city.phone_prefix} 1 {pairs}",
        "phone_mobile": f"{city.phone_prefix} 6 {pairs}", "dni": "", "deleted": False,
        "date_add": when, "date_upd": when,
    })
    return customer_id, address_id


def change_state(shop: ShopData, order_id: int, state_id: int, now: datetime,
                 employee: int = 0) -> dict[str, Any]:
    """Add a history row and apply the state, as ``OrderHistory::changeIdOrderState`` does."""
    order = shop.tables["orders"].rows[order_id]
    state = state_row(shop, state_id)
    if state is None:
        raise ValueError(f"order state {state_id} does not exist")
    history = {"id_employee": employee, "id_order_state": state_id, "id_order": order_id,
               "date_add": now}
    shop.tables["order_histories"].add(history)
    order["current_state"] = state_id
    order["valid"] = bool(state["logable"])
    order["date_upd"] = now
    if state["invoice"] and not order["invoice_number"]:
        order["invoice_number"] = order_id
        order["invoice_date"] = now
    if state["shipped"] and not order["delivery_number"]:
        order["delivery_number"] = order_id
        order["delivery_date"] = now
    return history


def _override(shop: ShopData, order: dict[str, Any], partial: dict[str, Any],
              when: datetime) -> None:
    for key, value in partial.items():
        if key == "order_rows" and isinstance(value, list):
            rows = order["associations"]["order_rows"]
            for row, patch in zip(rows, value, strict=False):
                row.update(patch)
            order["associations"]["order_rows"] = rows[:len(value)] or rows
        elif key == "current_state":
            change_state(shop, order["id"], int(value), when)
        elif key in order and key != "id":
            order[key] = value
            if key == "id_carrier":
                carrier_row = shop.tables["order_carriers"].rows[
                    shop.carriers_of_order[order["id"]][0]]
                carrier_row["id_carrier"] = value


def _break(shop: ShopData, order: dict[str, Any], kind: str) -> None:
    rows = order["associations"]["order_rows"]
    order["_malformed"] = kind
    if kind == "no_rows":
        order["associations"] = {}
    elif kind == "quantity_text":
        rows[0]["product_quantity"] = "two"
    elif kind == "missing_address":
        order["id_address_delivery"] = shop.tables["addresses"].next_id + 1000
    elif kind == "empty_reference":
        rows[0]["product_reference"] = ""
    elif kind == "total_text":
        order["total_paid_tax_incl"] = "29,90"


def order_view(shop: ShopData, order_id: int) -> dict[str, Any] | None:
    """An order with its carrier lines and state history (control API)."""
    order = shop.tables["orders"].row(order_id)
    if order is None:
        return None
    states = shop.tables["order_states"]
    histories = [h for h in shop.tables["order_histories"].values() if h["id_order"] == order_id]
    return {
        "order": {k: v for k, v in order.items() if not k.startswith("_")},
        "malformed": order.get("_malformed"),
        "state": _name(states.get(order["current_state"])),
        "order_carriers": [shop.tables["order_carriers"].rows[c]
                           for c in shop.carriers_of_order.get(order_id, [])],
        "history": [{"id_order_state": h["id_order_state"],
                     "state": _name(states.get(h["id_order_state"])),
                     "id_employee": h["id_employee"]} for h in histories],
    }


def _name(state: dict[str, Any] | None) -> str:
    return state["name"][1] if state and isinstance(state["name"], I18n) else "(no state)"
