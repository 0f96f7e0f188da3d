"""Realistic CDiscount orders for a seller: well-formed, with fee lines, or malformed.

Generation is deterministic for a seed and a start date. Payloads hold wire values (text,
booleans, None for nil) in the XSD's sequence order, the way GetOrderList writes them. Order
numbers follow CDiscount's shape: creation time ``yymmddHHMM`` plus five letters and digits.
"""

from __future__ import annotations

import copy
import random
import string
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from . import data
from .soap import ZONE, wire_time
from .store import OrderRecord, Seller

MALFORMED_KINDS = (
    "quantity_text",  # a line's Quantity is "deux"
    "no_order_lines",  # OrderLineList is nil
    "no_shipping_address",  # ShippingAddress is nil
    "price_with_comma",  # a line's PurchasePrice is "29,90"
    "bad_creation_date",  # CreationDate "04/03/2026 09:12"
    "no_seller_product_id",  # a line without SellerProductId
)
CENT = Decimal("0.01")


def money(value: Decimal) -> str:
    return str(value.quantize(CENT))


def order_number(rng: random.Random, created: datetime, taken: dict) -> str:
    stamp = created.astimezone(ZONE).strftime("%y%m%d%H%M")
    while True:
        number = stamp + "".join(rng.choice(string.ascii_uppercase + string.digits)
                                 for _ in range(5))
        if number not in taken:
            return number


def address(rng: random.Random, person: dict[str, str], relay: bool) -> dict[str, Any]:
    city, zip_code, country = rng.choice(data.CITIES)
    building = rng.choice(data.BUILDINGS) if rng.random() < 0.2 else ""
    return {
        "Address1": None, "Address2": None, "ApartmentNumber": "", "Building": building,
        "City": city, "Civility": person["civility"], "CompanyName": "", "Country": country,
        "County": "", "FirstName": person["first"], "Instructions": "",
        "LastName": person["last"], "PlaceName": "",
        "RelayId": f"{rng.randint(10000, 99999)}" if relay else None,
        "Street": f"{rng.randint(1, 180)} {rng.choice(data.STREETS)}", "ZipCode": zip_code,
    }


def line(rng: random.Random, row: int, product: data.Product, acceptation: str,
         created: datetime, quantity: int | None = None) -> dict[str, Any]:
    quantity = quantity or rng.choice((1, 1, 1, 2, 2, 3))
    price = Decimal(product.price) * quantity
    fee = product is data.FEE_LINE
    return {
        "AcceptationState": acceptation, "CategoryCode": product.category_code or None,
        "DeliveryDateMax": wire_time(created + timedelta(days=6)),
        "DeliveryDateMin": wire_time(created + timedelta(days=3)),
        "HasClaim": False, "InitialPrice": money(price), "IsCDAV": False, "IsNegotiated": None,
        "IsProductEanGenerated": False, "Name": product.name, "OrderLineChildList": {},
        "ProductCondition": "New", "ProductEan": product.ean or None,
        "ProductId": product.seller_product_id if fee else product.product_id,
        "PurchasePrice": money(price), "Quantity": str(quantity), "RefundShippingCharges": False,
        "RowId": str(row), "SellerProductId": product.seller_product_id,
        "ShippingDateMax": wire_time(created + timedelta(days=2)),
        "ShippingDateMin": wire_time(created + timedelta(days=1)),
        "Sku": product.seller_product_id if fee else product.product_id, "SkuParent": None,
        "UnitAdditionalShippingCharges": "0", "UnitShippingCharges": "0" if fee else "4.90",
    }


def build_order(rng: random.Random, number: str, created: datetime, state: str) -> dict:
    """One well-formed order in `state` (its lines and Status follow the state)."""
    acceptation, status = data.INITIAL_STATES[state]
    female = rng.random() < 0.55
    person = {"civility": "MRS" if female else "MR", "first": rng.choice(data.FIRST_NAMES),
              "last": rng.choice(data.LAST_NAMES)}
    products = rng.sample(data.CATALOGUE, rng.choice((1, 1, 1, 2, 2, 3)))
    lines = [line(rng, row, p, acceptation, created) for row, p in enumerate(products)]
    if rng.random() < 0.1:
        lines.append(line(rng, len(lines), data.FEE_LINE, acceptation, created, quantity=1))
    shipping_code = rng.choice(data.SHIPPING_CODES)
    shipping = Decimal("4.90") * len(products)
    goods = sum(Decimal(x["PurchasePrice"]) for x in lines)
    total = goods + shipping
    validated = status in ("Validated", "Completed")
    customer_id = "".join(rng.choice("0123456789abcdef") for _ in range(32))
    return {
        "ArchiveParcelList": False,
        "BillingAddress": address(rng, person, relay=False),
        "Corporation": {"BusinessUnitId": "1", "CorporationCode": "CDSB2C", "CorporationId": "1",
                        "CorporationName": "Cdiscount", "IsMarketPlaceActive": True},
        "CreationDate": wire_time(created),
        "Customer": {
            "Civility": person["civility"], "CustomerId": customer_id, "Email": None,
            "EncryptedEmail": f"{person['first'][0].lower()}.{customer_id[:12]}@clemarche.com",
            "FirstName": person["first"], "LastName": person["last"],
            "MobilePhone": f"06{rng.randint(10000000, 99999999)}", "Phone": "",
            "ShippingFirstName": person["first"], "ShippingLastName": person["last"],
        },
        "HasClaims": False,
        "InitialTotalAmount": money(total),
        "InitialTotalShippingChargesAmount": money(shipping),
        "IsCLogistiqueOrder": False,
        "LastUpdatedDate": wire_time(created),
        "ModGesLog": "MKPCDS",
        "ModifiedDate": wire_time(created),
        "OrderLineList": {"OrderLine": lines},
        "OrderNumber": number,
        "OrderState": state,
        "ParcelList": {},
        "PartnerOrderRef": None,
        "ShippedTotalAmount": "0",
        "ShippedTotalShippingCharges": "0",
        "ShippingAddress": address(rng, person, relay=shipping_code == "REL"),
        "ShippingCode": shipping_code,
        "ShippingDateMax": wire_time(created + timedelta(days=2)),
        "ShippingDateMin": wire_time(created + timedelta(days=1)),
        "SiteCommissionPromisedAmount": money(total * Decimal("0.15")),
        "SiteCommissionShippedAmount": "0",
        "SiteCommissionValidatedAmount": money(total * Decimal("0.15")) if validated else "0",
        "Status": status,
        "ValidatedTotalAmount": money(total) if validated else "0",
        "ValidatedTotalShippingCharges": money(shipping) if validated else "0",
        "ValidationStatus": "None",
        "VisaCegid": "1",
        "VoucherList": None,
    }


def break_order(payload: dict[str, Any], kind: str) -> None:
    """Damage an order the way a faulty upstream system would."""
    first = (payload.get("OrderLineList") or {}).get("OrderLine", [{}])[0]
    if kind == "quantity_text":
        first["Quantity"] = "deux"
    elif kind == "no_order_lines":
        payload["OrderLineList"] = None
    elif kind == "no_shipping_address":
        payload["ShippingAddress"] = None
    elif kind == "price_with_comma":
        first["PurchasePrice"] = first["PurchasePrice"].replace(".", ",")
    elif kind == "bad_creation_date":
        payload["CreationDate"] = "04/03/2026 09:12"
    elif kind == "no_seller_product_id":
        first["SellerProductId"] = None


def generate(seller: Seller, *, count: int, malformed: int, seed: int | None,
             start: datetime | None, now: datetime, state: str,
             malformed_state: str) -> dict[str, list[str]]:
    """Add `count` good and `malformed` broken orders, oldest first, a minute or two apart."""
    rng = random.Random(seed)
    total = count + malformed
    gaps = [timedelta(seconds=rng.randint(30, 150)) for _ in range(total)]
    when = start or now - timedelta(minutes=15) - sum(gaps, timedelta())
    created: dict[str, list[str]] = {"created": [], "malformed": []}
    for index in range(total):
        when += gaps[index]
        bad = index >= count
        record = add_order(seller, rng, when, malformed_state if bad else state)
        if bad:
            kind = MALFORMED_KINDS[(index - count) % len(MALFORMED_KINDS)]
            break_order(record.payload, kind)
            record.malformed = kind
        created["malformed" if bad else "created"].append(record.number)
    return created


def add_order(seller: Seller, rng: random.Random, when: datetime, state: str,
              patch: dict[str, Any] | None = None) -> OrderRecord:
    number = order_number(rng, when, seller.orders)
    wanted = (patch or {}).get("OrderState")
    payload = build_order(rng, number, when, wanted if wanted in data.INITIAL_STATES else state)
    if patch:
        merge(payload, patch)
        lines = (payload.get("OrderLineList") or {}).get("OrderLine") or []
        for row, item in enumerate(lines):
            if isinstance(item, dict):
                item["RowId"] = str(row)
    record = OrderRecord(payload=payload, created=when, modified=when, seq=seller.next_seq)
    seller.next_seq += 1
    seller.orders[record.number] = record
    return record


def merge(base: dict[str, Any], patch: dict[str, Any]) -> None:
    """Patch a generated payload: dicts key by key, lists of dicts item by item."""
    for key, value in patch.items():
        current = base.get(key)
        if isinstance(value, dict) and isinstance(current, dict):
            merge(current, value)
        elif isinstance(value, list) and isinstance(current, list) and current \
                and all(isinstance(item, dict) for item in value):
            merged = []
            for index, item in enumerate(value):
                target = copy.deepcopy(current[min(index, len(current) - 1)])
                merge(target, item)
                merged.append(target)
            base[key] = merged
        else:
            base[key] = value
