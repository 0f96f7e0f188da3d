"""Magento payload mapping, on payloads shaped like the REST API's own (OrderInterface,
ProductInterface, MSI SourceItemInterface), and the settings that feed it."""

import copy
import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest

from channels.errors import Info, MappingError, PayloadError
from channels.magento import catalogue, mapping
from channels.magento.client import parse_error, render_message, search_params
from channels.magento.settings import parse_method_map, validate_base_url
from channels.records import OrderLineRecord, Shipment, StockUpdate

PAYLOADS = Path(__file__).parent / "payloads"
METHODS = {"flatrate": "STANDARD", "tablerate_bestway": "EXPRESS"}
MEDIA = "https://shop.example.com/pub/media/catalog/product"


def load(name: str):
    return json.loads((PAYLOADS / name).read_text())


@pytest.fixture
def paid_order():
    return load("orders_search.json")["items"][0]


@pytest.fixture
def mixed_order():
    return load("configurable_bundle_order.json")


def test_the_reference_order_maps_to_a_paid_order(paid_order):
    record = mapping.order_from_payload(paid_order, METHODS)
    assert (record.channel_order_id, record.channel_status) == ("1234", "processing")
    assert not record.awaiting_payment and not record.cancelled
    assert record.placed_at == dt.datetime(2025, 3, 4, 9, 12, 31, tzinfo=dt.UTC)
    assert record.total == Decimal("64.70") and record.currency == "EUR"
    assert record.shipping_method == "STANDARD"  # flatrate_flatrate through its carrier code
    address = record.shipping_address
    assert (address.name, address.street_1, address.city, address.country_code) == (
        "Claire Martin",
        "12 rue de la Paix",
        "Lyon",
        "FR",
    )
    assert record.billing_address.street_2 == "Bât. B"
    (line,) = record.lines
    assert (line.channel_line_id, line.channel_sku, line.quantity) == (
        "5678",
        "SKU-TSHIRT-RED-M",
        2,
    )
    assert line.unit_price == Decimal("29.90")  # the price the buyer paid, tax included
    assert record.attributes["increment_id"] == "000000789"
    assert record.buyer == {"name": "Claire Martin", "email": "claire.martin@example.com"}


def test_configurable_children_and_bundle_parents_are_not_lines(mixed_order):
    record = mapping.order_from_payload(mixed_order, METHODS)
    assert [(line.channel_line_id, line.channel_sku, line.quantity) for line in record.lines] == [
        ("7001", "MH01-M-Black", 1),  # the configurable parent, carrying the chosen child's SKU
        ("7004", "24-WG084", 2),  # the bundle's components
        ("7005", "24-WG088", 1),
    ]
    assert record.lines[0].unit_price == Decimal("51.90")
    assert record.lines[2].personalisation == {"type": "textual", "fields": {"3": "Pour Hugo"}}
    address = record.shipping_address
    assert address.name == "Hugo J. Petit" and address.company == "Atelier Petit"
    assert address.street_2 == "Boîte 3, Étage 2" and address.state == "Bruxelles"


@pytest.mark.parametrize("state", ["new", "pending_payment", "payment_review", "holded"])
def test_unpaid_states_are_set_aside_even_with_an_unmapped_method(mixed_order, state):
    mixed_order["state"] = state
    record = mapping.order_from_payload(mixed_order, {})
    assert record.awaiting_payment and record.shipping_method is None


def test_an_unknown_shipping_method_is_an_error_that_names_it(paid_order):
    paid_order["extension_attributes"]["shipping_assignments"][0]["shipping"]["method"] = (
        "dronedelivery_express"
    )
    with pytest.raises(MappingError) as caught:
        mapping.order_from_payload(paid_order, METHODS)
    problem = caught.value
    assert problem.record_ref == "1234" and problem.code == "unknown_shipping_method"
    assert "'dronedelivery_express'" in problem.message and "Shipping method map" in problem.message
    assert problem.details == {"shipping_method": "dronedelivery_express"}


def test_cancelled_and_refunded_orders(paid_order):
    canceled = dict(paid_order, state="canceled", status="canceled")
    assert mapping.order_from_payload(canceled, {}).cancelled
    refunded = dict(paid_order, state="closed", status="closed")
    assert mapping.status_from_payload(refunded).cancelled
    shipped_then_refunded = copy.deepcopy(refunded)
    shipped_then_refunded["items"][0]["qty_shipped"] = 2
    assert not mapping.status_from_payload(shipped_then_refunded).cancelled


def test_a_virtual_order_is_skipped_with_an_info(paid_order):
    paid_order["is_virtual"] = 1
    paid_order["extension_attributes"] = {}
    with pytest.raises(Info, match="virtual"):
        mapping.order_from_payload(paid_order, METHODS)


@pytest.mark.parametrize(
    "breakage, expected",
    [
        (lambda o: o.update(items=None), "it has no items"),
        (lambda o: o.update(extension_attributes={}), "no shipping address"),
        (lambda o: o["items"][0].update(qty_ordered="two"), "whole number"),
        (lambda o: o["items"][0].update(sku=None), "has no SKU"),
        (lambda o: o.update(created_at="04/03/2026 09:12"), "'created_at' is not a date"),
        (lambda o: o.update(grand_total="64,70"), "'grand_total' should be a number"),
        (lambda o: o.pop("state"), "'state' is missing"),
    ],
)
def test_malformed_orders_name_the_order_and_the_problem(paid_order, breakage, expected):
    breakage(paid_order)
    with pytest.raises(PayloadError) as caught:
        mapping.order_from_payload(paid_order, METHODS)
    assert caught.value.record_ref == "1234"
    assert expected in caught.value.message and "#000000789" in caught.value.message


def test_status_records_only_need_the_trimmed_fields():
    record = mapping.status_from_payload(
        {"entity_id": 9, "state": "holded", "status": "holded", "updated_at": "2025-03-04 10:00:00"}
    )
    assert (record.channel_order_id, record.channel_status, record.cancelled) == (
        "9",
        "holded",
        False,
    )


def test_ship_body_with_items_track_and_source():
    shipment = Shipment(
        "1234",
        "Colissimo",
        "6A12345678",
        dt.datetime(2025, 3, 5, tzinfo=dt.UTC),
        lines=(OrderLineRecord("5678", "SKU-1", 2), OrderLineRecord("5679", "SKU-2", 1)),
    )
    body = mapping.ship_body(shipment, source_code="default", notify=True)
    assert body == {
        "items": [{"order_item_id": 5678, "qty": 2}, {"order_item_id": 5679, "qty": 1}],
        "notify": True,
        "tracks": [{"track_number": "6A12345678", "title": "Colissimo", "carrier_code": "custom"}],
        "arguments": {"extension_attributes": {"source_code": "default"}},
    }
    ups = Shipment("1", "UPS", "1Z9", shipment.shipped_at)
    assert mapping.ship_body(ups, source_code=None, notify=False) == {
        "items": [],  # everything left
        "notify": False,
        "tracks": [{"track_number": "1Z9", "title": "UPS", "carrier_code": "ups"}],
    }
    untracked = Shipment("1", "Colissimo", None, shipment.shipped_at)
    assert "tracks" not in mapping.ship_body(untracked, source_code=None, notify=False)


def test_already_shipped(paid_order):
    assert not mapping.already_shipped(paid_order)
    paid_order["items"][0]["qty_shipped"] = 2
    assert mapping.already_shipped(paid_order)
    assert mapping.already_shipped({"state": "complete"})


def test_products_map_with_barcode_images_and_status():
    simple, configurable = load("products_search.json")["items"]
    record = catalogue.product_from_payload(simple, media_base=MEDIA)
    assert (record.channel_product_id, record.sku, record.name) == (
        "1",
        "24-MB01",
        "Joust Duffle Bag",
    )
    assert record.barcode == "4006381333931"
    assert (record.price, record.weight, record.active) == (
        Decimal("34.00"),
        Decimal("1.200"),
        True,
    )
    assert record.updated_at == dt.datetime(2025, 2, 1, 12, 30, tzinfo=dt.UTC)
    # Enabled images only, by position; videos are not images.
    assert record.image_urls == (f"{MEDIA}/m/b/mb01-black-0.jpg", f"{MEDIA}/m/b/mb01-blue-0.jpg")
    assert record.attributes == {"type_id": "simple"}
    parent = catalogue.product_from_payload(
        configurable, media_base=MEDIA, barcode_attribute="gtin"
    )
    assert (parent.active, parent.weight, parent.barcode, parent.image_urls) == (
        False,
        None,
        None,
        (),
    )
    assert parent.attributes == {"type_id": "configurable"}


@pytest.mark.parametrize(
    "change, expected, ref",
    [
        ({"sku": None}, "'sku' is missing", "1"),
        ({"price": "12,50"}, "'price' should be a number", "24-MB01"),
        ({"weight": "heavy"}, "'weight' should be a number", "24-MB01"),
        ({"updated_at": "31/12/2025 23:59"}, "'updated_at' is not a date", "24-MB01"),
        ({"id": None}, "'id' is missing", "24-MB01"),
    ],
)
def test_malformed_products_name_the_product(change, expected, ref):
    payload = dict(load("products_search.json")["items"][0], **change)
    with pytest.raises(PayloadError) as caught:
        catalogue.product_from_payload(payload, media_base=MEDIA)
    assert expected in caught.value.message and caught.value.record_ref == ref


def test_source_items_both_ways():
    record = catalogue.stock_from_payload(
        {"sku": "24-MB01", "source_code": "default", "quantity": 12.5, "status": 1}
    )
    assert (record.sku, record.quantity, record.channel_ref) == ("24-MB01", 12, "default")
    with pytest.raises(PayloadError):
        catalogue.stock_from_payload({"sku": "X", "quantity": None})
    updates = [
        StockUpdate("A", 4, attributes={"type_id": "simple"}),
        StockUpdate("B", 0),
        StockUpdate("C", -2),
        StockUpdate("MH01", 9, attributes={"type_id": "configurable"}),
    ]
    stocked = [u for u in updates if catalogue.stockable(u)]
    assert catalogue.source_items(stocked, "paris") == [
        {"sku": "A", "source_code": "paris", "quantity": 4, "status": 1},
        {"sku": "B", "source_code": "paris", "quantity": 0, "status": 0},
        {"sku": "C", "source_code": "paris", "quantity": 0, "status": 0},
    ]


def test_shipping_method_map_parsing():
    assert parse_method_map("flatrate_flatrate=STANDARD; tablerate=EXPRESS\nfree_free = FREE ") == {
        "flatrate_flatrate": "STANDARD",
        "tablerate": "EXPRESS",
        "free_free": "FREE",
    }
    assert parse_method_map("") == {}
    for bad, message in [
        ("flatrate_flatrate", "is not shop_method=OMS method"),
        ("flat rate=STANDARD", "is not a Magento method code"),
        ("a_b=X, a_b=Y", "mapped twice"),
        ("=STANDARD", "is not shop_method=OMS method"),
    ]:
        with pytest.raises(ValueError, match=message):
            parse_method_map(bad)
    assert mapping.resolve_method("ups_GND", {"ups": "UPS"}) == "UPS"
    assert mapping.resolve_method("ups_GND", {"ups_GND": "GROUND", "ups": "UPS"}) == "GROUND"
    assert mapping.resolve_method(None, {"ups": "UPS"}) is None


def test_base_url_validation():
    assert validate_base_url("https://shop.example.com") is None
    assert "without /rest" in validate_base_url("https://shop.example.com/rest/default/V1")
    assert "no spaces" in validate_base_url("shop example.com")


def test_search_params_are_or_inside_a_group_and_and_across():
    from channels.magento.client import Filter

    params = search_params(
        [[Filter("state", "new"), Filter("state", "processing")], [Filter("entity_id", 5, "gt")]],
        page_size=100,
        sort=[("entity_id", "ASC")],
    )
    assert params == [
        ("searchCriteria[filter_groups][0][filters][0][field]", "state"),
        ("searchCriteria[filter_groups][0][filters][0][value]", "new"),
        ("searchCriteria[filter_groups][0][filters][0][condition_type]", "eq"),
        ("searchCriteria[filter_groups][0][filters][1][field]", "state"),
        ("searchCriteria[filter_groups][0][filters][1][value]", "processing"),
        ("searchCriteria[filter_groups][0][filters][1][condition_type]", "eq"),
        ("searchCriteria[filter_groups][1][filters][0][field]", "entity_id"),
        ("searchCriteria[filter_groups][1][filters][0][value]", "5"),
        ("searchCriteria[filter_groups][1][filters][0][condition_type]", "gt"),
        ("searchCriteria[sortOrders][0][field]", "entity_id"),
        ("searchCriteria[sortOrders][0][direction]", "ASC"),
        ("searchCriteria[pageSize]", "100"),
        ("searchCriteria[currentPage]", "1"),
    ]


def test_error_messages_get_their_parameters_back():
    assert render_message('Product with SKU "%1" does not exist', ["X"]) == (
        'Product with SKU "X" does not exist'
    )
    assert render_message('Maximum items of type "%type" is %max', {"type": "T", "max": 20}) == (
        'Maximum items of type "T" is 20'
    )

    class Response:
        status_code = 400

        def json(self):
            return {
                "message": "Validation Failed",
                "errors": [
                    {"message": '"%field" can not be empty.', "parameters": {"field": "sku"}}
                ],
            }

    assert parse_error(Response()) == (
        "magento_http_400",
        'Validation Failed: "sku" can not be empty.',
    )
