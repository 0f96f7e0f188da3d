"""Shopify payload mapping, on payloads shaped like the Admin REST API's own (2025-01 stubs)."""

import copy
import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest

from channels.errors import Info, MappingError, PayloadError
from channels.records import Shipment
from channels.shopify import mapping, product_mapping
from channels.shopify.fulfil import _open_by_location
from channels.shopify.settings import parse_method_map, validate_method_map, validate_shop_domain

PAYLOADS = Path(__file__).parent / "payloads"
METHODS = parse_method_map("Free Shipping=STD, EXPRESS=EXP")


def load(name: str) -> dict:
    return json.loads((PAYLOADS / name).read_text())


@pytest.fixture
def order():
    return load("orders_2025_01.json")["orders"][0]


@pytest.fixture
def product():
    return load("products_2025_01.json")["products"][0]


def test_reference_order_maps_to_a_record(order):
    record = mapping.order_from_payload(order, methods=METHODS)
    assert record.channel_order_id == "450789469"
    assert record.channel_status == "paid"
    assert not record.awaiting_payment and not record.cancelled
    assert record.placed_at == dt.datetime(2025, 3, 4, 16, 0, tzinfo=dt.UTC)  # -05:00 -> UTC
    assert record.total == Decimal("403.90") and record.currency == "EUR"
    assert record.shipping_method == "STD"
    address = record.shipping_address
    assert (address.name, address.street_1, address.postcode, address.city) == (
        "Bob Norman", "Chestnut Street 92", "40202", "Louisville")
    assert (address.state, address.country_code) == ("KY", "US")
    assert address.email == "bob.norman@mail.example.com"
    (line,) = record.lines
    assert (line.channel_line_id, line.channel_sku, line.quantity) == (
        "466157049", "IPOD2008GREEN", 1)
    assert line.unit_price == Decimal("199.00") and line.name == "IPod Nano - 8gb - green"
    assert line.personalisation == {"type": "textual",
                                    "fields": {"Custom Engraving": "Happy Birthday"}}
    assert record.attributes == {
        "order_name": "#1001", "shipping_rate": "Free Shipping",
        "note_attributes": {"gift_message": "Joyeux anniversaire"}}
    assert record.buyer == {"customer_id": "207119551", "name": "Bob Norman",
                            "email": "bob.norman@mail.example.com"}


@pytest.mark.parametrize(("financial", "authorized_ok", "waiting"), [
    ("pending", False, True), ("authorized", False, True), ("authorized", True, False),
    ("partially_paid", False, True), ("partially_refunded", False, False),
])
def test_unpaid_orders_wait_for_payment(order, financial, authorized_ok, waiting):
    order["financial_status"] = financial
    record = mapping.order_from_payload(order, methods=METHODS, import_authorized=authorized_ok)
    assert record.awaiting_payment is waiting


@pytest.mark.parametrize("change", [
    {"cancelled_at": "2025-03-05T10:00:00-05:00", "financial_status": "voided"},
    {"financial_status": "voided"},
    {"financial_status": "refunded"},
])
def test_cancelled_orders_are_marked_even_when_otherwise_broken(order, change):
    order.update(change, line_items=None, shipping_lines=[])
    record = mapping.order_from_payload(order, methods=METHODS)
    assert record.cancelled and record.lines == ()


def test_unknown_shipping_method_is_a_mapping_error_naming_it(order):
    order["shipping_lines"] = [{"code": "DRONE", "title": "Drone Delivery", "price": "14.00"}]
    with pytest.raises(MappingError) as caught:
        mapping.order_from_payload(order, methods=METHODS)
    problem = caught.value
    assert problem.code == "unknown_shipping_method" and problem.record_ref == "450789469"
    assert "'Drone Delivery' (code 'DRONE')" in problem.message and "DRONE=" in problem.message
    assert "#1001" in problem.message


def test_shipping_method_matches_code_or_title_ignoring_case(order):
    order["shipping_lines"] = [{"code": "ups_ground", "title": "Express"}]
    assert mapping.order_from_payload(order, methods=METHODS).shipping_method == "EXP"


@pytest.mark.parametrize(("change", "problem"), [
    ({"line_items": None}, "no line items"),
    ({"shipping_address": None}, "no shipping address"),
    ({"total_price": "12,50"}, "'total_price' should be a number"),
    ({"created_at": "04/03/2026 09:12"}, "'created_at' is not an ISO date"),
    ({"financial_status": "mystery"}, "unknown financial_status"),
])
def test_malformed_orders_say_what_is_wrong(order, change, problem):
    order.update(change)
    with pytest.raises(PayloadError) as caught:
        mapping.order_from_payload(order, methods=METHODS)
    assert problem in caught.value.message and caught.value.record_ref == "450789469"


def test_line_problems_and_skipped_lines(order):
    broken = copy.deepcopy(order)
    broken["line_items"][0].update(quantity="two", current_quantity="two", sku=None)
    with pytest.raises(PayloadError, match="whole number"):
        mapping.order_from_payload(broken, methods=METHODS)
    no_sku = copy.deepcopy(order)
    no_sku["line_items"][0]["sku"] = ""
    with pytest.raises(PayloadError, match="has no SKU"):
        mapping.order_from_payload(no_sku, methods=METHODS)
    gift = copy.deepcopy(order["line_items"][0])
    gift.update(id=1, sku="GIFT", gift_card=True, requires_shipping=False)
    removed = copy.deepcopy(order["line_items"][0])
    removed.update(id=2, current_quantity=0)
    order["line_items"] += [gift, removed]
    record = mapping.order_from_payload(order, methods=METHODS)
    assert [line.channel_line_id for line in record.lines] == ["466157049"]
    order["line_items"] = [gift]
    with pytest.raises(Info) as caught:
        mapping.order_from_payload(order, methods=METHODS)
    assert caught.value.code == "nothing_to_ship"


def test_status_records_follow_cancels_only(order):
    assert mapping.status_from_payload(order).channel_status == "paid"
    order["fulfillment_status"] = "fulfilled"
    assert mapping.status_from_payload(order).channel_status == "paid/fulfilled"
    order.update(financial_status="refunded")
    assert not mapping.status_from_payload(order).cancelled  # a refund after shipping
    order.update(cancelled_at="2025-03-05T10:00:00-05:00")
    status = mapping.status_from_payload(order)
    assert status.cancelled and status.channel_status == "cancelled"


def test_fulfillment_body_fulfils_whole_orders_with_tracking():
    shipment = Shipment("450789469", "UPS", "1Z001985YW99744790", dt.datetime.now(dt.UTC))
    assert mapping.fulfillment_body(shipment, [1046000816], True) == {"fulfillment": {
        "notify_customer": True,
        "line_items_by_fulfillment_order": [{"fulfillment_order_id": 1046000816}],
        "tracking_info": {"company": "UPS", "number": "1Z001985YW99744790"}}}
    bare = Shipment("450789469", None, None, dt.datetime.now(dt.UTC))
    assert "tracking_info" not in mapping.fulfillment_body(bare, [1], False)["fulfillment"]


def test_a_fulfillment_order_submitted_to_a_service_is_not_ours_to_fulfil():
    fulfillment_orders = load("fulfillment_orders_2025_01.json")["fulfillment_orders"]
    assert _open_by_location(fulfillment_orders) == {}
    fulfillment_orders[0]["supported_actions"] = ["create_fulfillment", "move", "hold"]
    assert _open_by_location(fulfillment_orders) == {24826418: [1046000780]}


def test_reference_product_gives_one_record_per_variant(product):
    records, problems = product_mapping.product_records(product)
    assert problems == []
    assert [r.sku for r in records] == ["IPOD2008PINK", "IPOD2008RED", "IPOD2008GREEN",
                                        "IPOD2008BLACK"]
    pink = records[0]
    assert pink.channel_product_id == "808950810"
    assert pink.name == "IPod Nano - 8GB - Pink"
    assert pink.barcode == "1234_pink" and pink.price == Decimal("199.00")
    assert pink.weight == Decimal("0.567")  # grams, not the shop's 1.25 lb
    assert pink.attributes == {"shopify_product_id": "632910392",
                               "shopify_variant_id": "808950810",
                               "inventory_item_id": "808950810"}
    assert pink.image_urls == (
        "https://cdn.shopify.com/s/files/1/0005/4838/0009/products/ipod-nano-2.png?v=1735835399",)
    assert len(records[1].image_urls) == 3  # no image of its own: the product's, in order
    assert pink.updated_at == dt.datetime(2025, 1, 2, 16, 29, 59, tzinfo=dt.UTC)


def test_product_variants_default_title_status_weight_units_and_missing_sku(product):
    product["variants"] = product["variants"][:2]
    product["variants"][0].update(title="Default Title", grams=0, weight=2, weight_unit="lb")
    product["variants"][1]["sku"] = None
    product["status"] = "draft"
    records, problems = product_mapping.product_records(product)
    (record,) = records
    assert record.name == "IPod Nano - 8GB" and not record.active
    assert record.weight == Decimal("0.907")
    (problem,) = problems
    assert problem.record_ref == "632910392/49148385" and "has no SKU" in problem.message


def test_stock_records_by_inventory_item(product):
    skus = product_mapping.sku_by_inventory_item([product])
    level = {"inventory_item_id": 808950810, "location_id": 655441491, "available": 42}
    record = product_mapping.stock_record(level, skus)
    assert (record.sku, record.quantity, record.channel_ref) == ("IPOD2008PINK", 42, "808950810")
    assert product_mapping.stock_record({**level, "available": None}, skus) is None
    assert product_mapping.stock_record({**level, "inventory_item_id": 1}, skus) is None


def test_settings_validators():
    assert validate_shop_domain("my-shop.myshopify.com") is None
    assert validate_shop_domain("my-shop") is None
    assert validate_shop_domain("http://127.0.0.1:8100/shopify/demo") is None
    assert "myshopify.com" in validate_shop_domain("www.my-shop.com")
    assert parse_method_map("Standard=STD\nExpress = EXP;") == {"standard": "STD",
                                                                 "express": "EXP"}
    assert "shop_method=oms_method" in validate_method_map("Standard")
    assert "mapped twice" in validate_method_map("A=B, a=C")
    assert validate_method_map(" , ") == "map at least one shipping method, e.g. Standard=STD"
