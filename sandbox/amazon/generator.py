"""Realistic Amazon MFN orders for a seller: plain, personalised (Amazon Custom), gifts, still
Pending, or malformed.

Generation is deterministic for a seed on a fresh seller. Order ids follow Amazon's 3-7-7 shape
with the region's prefix (``202-`` in Europe, ``112-`` in North America, ``503-`` in the Far East).
Purchase dates end three minutes before now, so getOrders' 2-minute rule never hides them, and
never precede the seller's newest order: a new batch is placed after what a cursor has seen.
"""

from __future__ import annotations

import copy
import random
from datetime import datetime, timedelta
from typing import Any

from sandbox.timeutil import parse_iso, to_iso, truncate_ms

from . import data
from .store import AmazonOrder, Seller

MALFORMED_KINDS = (
    "quantity_text",  # QuantityOrdered "two" on the first item
    "missing_sku",  # the first item has no SellerSKU
    "amount_text",  # OrderTotal.Amount "29,90"
    "bad_purchase_date",  # PurchaseDate in a local, non ISO format
    "no_address",  # Unshipped without a ShippingAddress
    "broken_customisation",  # the CustomizedURL serves something that is not a ZIP
)
SPACING = timedelta(seconds=5)
NEWEST_AGE = timedelta(minutes=3)


def _money(currency: str, amount: float) -> dict[str, str]:
    return {"CurrencyCode": currency, "Amount": f"{amount:.2f}"}


def placements(seller: Seller, total: int, now: datetime, start: datetime | None) -> list:
    """Purchase dates for ``total`` new orders (see the module docstring)."""
    if total <= 0:
        return []
    if start is not None:
        return [truncate_ms(start + SPACING * i) for i in range(total)]
    end = now - NEWEST_AGE
    first = end - SPACING * (total - 1)
    newest = max((o.created for o in seller.orders.values()), default=None)
    if newest is not None and newest >= first:
        first = newest + timedelta(milliseconds=1)
    step = (end - first) / max(1, total - 1) if end > first else timedelta(0)
    step = max(step, timedelta(milliseconds=1))
    return [truncate_ms(first + step * i) for i in range(total)]


def customisation_doc(rng: random.Random, order_id: str, item_id: str, product) -> dict:
    """An Amazon Custom document in the ``version3.0`` layout (text, font, colour, options)."""
    colour, fill = rng.choice(data.COLOURS)
    areas = [
        {
            "customizationType": "TextPrinting",
            "name": "Message",
            "label": "Message",
            "text": rng.choice(data.CUSTOM_TEXTS),
            "fontFamily": rng.choice(data.FONTS),
            "colorName": colour,
            "fill": fill,
            "Dimensions": {"width": 420, "height": 80},
            "Position": {"x": 40, "y": 210},
        },
        {
            "customizationType": "Options",
            "name": "Size",
            "label": "Size",
            "optionValue": rng.choice(data.SIZES),
        },
        {
            "customizationType": "Options",
            "name": "Colour",
            "label": "Colour",
            "optionValue": colour,
        },
    ]
    return {
        "version": "3.0",
        "orderId": order_id,
        "orderItemId": item_id,
        "asin": product.asin,
        "title": product.title,
        "quantity": 1,
        "version3.0": {"customizationInfo": {"surfaces": [{"name": "Surface 1", "areas": areas}]}},
    }


def _address(rng: random.Random, market: data.Marketplace, name: str) -> dict[str, Any]:
    city = rng.choice(data.CITIES.get(market.code, data.CITIES["UK"]))
    address = {
        "Name": name,
        "AddressLine1": f"{rng.randint(1, 180)} {rng.choice(data.STREETS)}",
        "City": city.name,
        "StateOrRegion": city.state,
        "PostalCode": city.postcode,
        "CountryCode": city.country_code if market.code in data.CITIES else market.code,
        "Phone": f"{city.phone_prefix} {rng.randint(1000000, 9999999)}",
        "AddressType": "Residential",
    }
    if rng.random() < 0.25:
        address["AddressLine2"] = f"Flat {rng.randint(1, 40)}"
    return address


def _products(skus: list[str] | None) -> list[data.Product]:
    if not skus:
        return list(data.CATALOGUE)
    known = {p.sku: p for p in data.CATALOGUE}
    return [
        known.get(sku) or data.Product(sku, f"B0SIM{i:05d}", f"Product {sku}", 15.0, False)
        for i, sku in enumerate(skus)
    ]


def _item(
    product: data.Product, item_id: str, quantity: int, currency: str, shipping: float, gift: bool
) -> dict[str, Any]:
    line_total = round(product.price * quantity, 2)
    return {
        "ASIN": product.asin,
        "SellerSKU": product.sku,
        "OrderItemId": item_id,
        "Title": product.title,
        "QuantityOrdered": quantity,
        "QuantityShipped": 0,
        "ProductInfo": {"NumberOfItems": "1"},
        "ItemPrice": _money(currency, line_total),
        "ItemTax": _money(currency, round(line_total / 6, 2)),
        "ShippingPrice": _money(currency, shipping),
        "PromotionDiscount": _money(currency, 0),
        "IsGift": "true" if gift else "false",
        "ConditionId": "New",
        "ConditionSubtypeId": "New",
        "IsTransparency": False,
        "SerialNumberRequired": False,
        "BuyerRequestedCancel": {"IsBuyerRequestedCancel": "false", "BuyerCancelReason": ""},
    }


def _payload(
    rng: random.Random,
    order_id: str,
    placed: datetime,
    market: data.Marketplace,
    items: list[dict[str, Any]],
) -> dict[str, Any]:
    name = f"{rng.choice(data.FIRST_NAMES)} {rng.choice(data.LAST_NAMES)}"
    total = sum(
        float(i["ItemPrice"]["Amount"]) + float(i["ShippingPrice"]["Amount"]) for i in items
    )
    level, category = rng.choice(data.SHIP_LEVELS)
    return {
        "AmazonOrderId": order_id,
        "SellerOrderId": order_id,
        "PurchaseDate": to_iso(placed),
        "LastUpdateDate": to_iso(placed),
        "OrderStatus": "Unshipped",
        "FulfillmentChannel": "MFN",
        "SalesChannel": market.sales_channel,
        "ShipServiceLevel": level,
        "OrderTotal": _money(market.currency, total),
        "NumberOfItemsShipped": 0,
        "NumberOfItemsUnshipped": sum(i["QuantityOrdered"] for i in items),
        "PaymentMethod": "Other",
        "PaymentMethodDetails": ["Standard"],
        "IsReplacementOrder": False,
        "MarketplaceId": market.marketplace_id,
        "ShipmentServiceLevelCategory": category,
        "OrderType": "StandardOrder",
        "EarliestShipDate": to_iso(placed + timedelta(hours=2)),
        "LatestShipDate": to_iso(placed + timedelta(days=2)),
        "IsBusinessOrder": False,
        "IsPrime": rng.random() < 0.3,
        "IsGlobalExpressEnabled": False,
        "IsPremiumOrder": False,
        "IsSoldByAB": False,
        "IsIBA": False,
        "IsISPU": False,
        "IsAccessPointOrder": False,
        "ShippingAddress": _address(rng, market, name),
        "BuyerInfo": {
            "BuyerEmail": f"{rng.getrandbits(40):010x}@marketplace.amazon.example",
            "BuyerName": name,
        },
    }


def build_order(
    rng: random.Random,
    seller: Seller,
    placed: datetime,
    market: data.Marketplace,
    products: list[data.Product],
    *,
    personalised: bool = False,
    gift: bool = False,
) -> AmazonOrder:
    """One well-formed Unshipped MFN order with 1 to 3 items (its status is set by the caller)."""
    seller.next_seq += 1
    seq = seller.next_seq
    order_id = f"{data.ORDER_ID_PREFIX[market.region]}-{rng.randint(1000000, 9999999)}-{seq:07d}"
    items, infos = [], []
    for index, product in enumerate(rng.sample(products, k=min(len(products), rng.randint(1, 3)))):
        item_id = f"{rng.randint(10**13, 10**14 - 1)}"
        quantity = rng.choice((1, 1, 1, 2, 3))
        shipping = 3.99 if index == 0 else 0.0
        items.append(_item(product, item_id, quantity, market.currency, shipping, gift))
        info: dict[str, Any] = {"OrderItemId": item_id}
        if personalised and (product.custom or index == 0):
            key = f"{seller.seller_id}-{item_id}-{rng.getrandbits(48):012x}"
            seller.files[key] = customisation_doc(rng, order_id, item_id, product)
            info["_custom_key"] = key
        if gift:
            info.update(
                GiftMessageText=rng.choice(data.GIFT_MESSAGES),
                GiftWrapLevel="Classic",
                GiftWrapPrice=_money(market.currency, 2.99),
            )
        infos.append(info)
    payload = _payload(rng, order_id, placed, market, items)
    return AmazonOrder(payload, items, infos, placed, placed, seq)


def break_order(order: AmazonOrder, kind: str, seller: Seller) -> None:
    """Make a well-formed order malformed in one of the ``MALFORMED_KINDS`` ways."""
    order.malformed = kind
    first = order.items[0]
    if kind == "quantity_text":
        first["QuantityOrdered"] = "two"
    elif kind == "missing_sku":
        first.pop("SellerSKU", None)
    elif kind == "amount_text":
        order.payload["OrderTotal"]["Amount"] = "29,90"
    elif kind == "bad_purchase_date":
        order.payload["PurchaseDate"] = order.created.strftime("%d/%m/%Y %H:%M")
    elif kind == "no_address":
        order.payload.pop("ShippingAddress", None)
    elif kind == "broken_customisation":
        key = f"{seller.seller_id}-{first['OrderItemId']}-broken"
        seller.files[key] = b"<html>this is not a ZIP archive</html>"
        order.item_info[0]["_custom_key"] = key


def set_status(seller: Seller, order: AmazonOrder, pending: bool, now: datetime) -> None:
    """Pending orders wait for the seller's delay (or forever); others are Unshipped already."""
    delay = seller.pending_delay_seconds
    if pending or (delay is not None and delay > 0) or delay is None:
        order.payload["OrderStatus"] = "Pending"
        order.pending_until = None if pending or delay is None else now + timedelta(seconds=delay)
        if order.pending_until is not None:
            seller.expect_verification(order.pending_until)
        return
    order.payload["OrderStatus"] = "Unshipped"
    order.updated = order.created if order.created > seller.read_at else now
    order.payload["LastUpdateDate"] = to_iso(order.updated)


def generate(seller: Seller, body: dict[str, Any], now: datetime) -> dict[str, list[str]]:
    """The control API's generation request (see README.md); returns the ids by kind."""
    rng = random.Random(body.get("seed"))
    count, malformed = int(body.get("count") or 0), int(body.get("malformed") or 0)
    personalised = int(body.get("personalised") or 0)
    gift, pending = int(body.get("gift") or 0), int(body.get("pending") or 0)
    markets = _markets(seller, body.get("marketplaces"))
    products = _products(body.get("skus"))
    start = parse_iso(body["start"]) if body.get("start") else None
    result: dict[str, list[str]] = {
        "created": [],
        "pending": [],
        "personalised": [],
        "gift": [],
        "malformed": [],
    }
    for index, placed in enumerate(placements(seller, count + malformed, now, start)):
        market = markets[index % len(markets)]
        broken = index >= count
        kind = MALFORMED_KINDS[(index - count) % len(MALFORMED_KINDS)] if broken else None
        order = build_order(
            rng,
            seller,
            placed,
            market,
            products,
            personalised=(index < personalised) or kind == "broken_customisation",
            gift=personalised <= index < personalised + gift,
        )
        is_pending = not broken and index >= count - pending
        set_status(seller, order, is_pending and not broken, now)
        if broken:
            order.payload["OrderStatus"] = "Unshipped"
            order.pending_until = None
            break_order(order, kind, seller)
            result["malformed"].append(order.order_id)
        else:
            result["created"].append(order.order_id)
            for name, flag in (
                ("pending", is_pending),
                ("personalised", index < personalised),
                ("gift", personalised <= index < personalised + gift),
            ):
                if flag:
                    result[name].append(order.order_id)
        seller.orders[order.order_id] = order
    return result


def _markets(seller: Seller, codes: Any) -> list[data.Marketplace]:
    ids = seller.marketplace_ids
    if codes:
        ids = [data.MARKETPLACES[c].marketplace_id if c in data.MARKETPLACES else c for c in codes]
        unknown = [i for i in ids if i not in seller.marketplace_ids]
        if unknown:
            raise ValueError(f"the seller does not sell on {', '.join(unknown)}")
    return [data.BY_ID[i] for i in ids]


def explicit(seller: Seller, partials: list[Any], seed: int | None, now: datetime) -> list[str]:
    """Orders from partial dicts merged onto generated ones (see README.md)."""
    rng = random.Random(seed)
    created = []
    products = _products(None)
    for partial in partials:
        if not isinstance(partial, dict):
            raise ValueError("orders must be a list of objects")
        partial = copy.deepcopy(partial)
        (placed,) = placements(seller, 1, now, None)
        if partial.get("PurchaseDate"):
            placed = parse_iso(str(partial["PurchaseDate"]))
        market = _markets(
            seller, [partial["MarketplaceId"]] if partial.get("MarketplaceId") else None
        )[0]
        order = build_order(
            rng,
            seller,
            placed,
            market,
            products,
            personalised=bool(partial.pop("personalised", False)),
            gift=bool(partial.pop("gift", False)),
        )
        pending = bool(partial.pop("pending", False))
        _merge_explicit(seller, order, partial, rng)
        set_status(seller, order, pending, now)
        if partial.get("OrderStatus") and partial["OrderStatus"] != "Pending":
            order.payload["OrderStatus"] = partial["OrderStatus"]
            order.pending_until = None
        if order.order_id in seller.orders:
            raise ValueError(f"order {order.order_id} already exists")
        seller.orders[order.order_id] = order
        created.append(order.order_id)
    return created


def _merge_explicit(seller: Seller, order: AmazonOrder, partial: dict, rng) -> None:
    items = partial.pop("items", None)
    for key, value in partial.items():
        if key == "OrderStatus":
            continue
        if isinstance(value, dict) and isinstance(order.payload.get(key), dict):
            order.payload[key].update(value)
        elif value is None:
            order.payload.pop(key, None)
        else:
            order.payload[key] = value
    if partial.get("PurchaseDate"):
        order.created = order.updated = parse_iso(str(partial["PurchaseDate"]))
    for index, item_partial in enumerate(items or []):
        if index >= len(order.items):
            order.items.append(copy.deepcopy(order.items[0]))
            order.items[-1]["OrderItemId"] = f"{rng.randint(10**13, 10**14 - 1)}"
            order.item_info.append({"OrderItemId": order.items[-1]["OrderItemId"]})
        item, info = order.items[index], order.item_info[index]
        custom = item_partial.pop("customization", None)
        gift = item_partial.pop("gift_message", None)
        item.update(item_partial)
        info["OrderItemId"] = item["OrderItemId"]
        if custom is not None:
            key = f"{seller.seller_id}-{item['OrderItemId']}-{rng.getrandbits(48):012x}"
            seller.files[key] = b"not a zip" if custom == "broken" else custom
            info["_custom_key"] = key
        if gift:
            info["GiftMessageText"] = gift
    if items is not None:
        del order.items[len(items) :]
        del order.item_info[len(items) :]
