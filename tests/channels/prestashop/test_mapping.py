"""PrestaShop mapping on payloads shaped like the real webservice's JSON (display=full)."""

from __future__ import annotations

import copy
import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from channels.errors import ConfigurationError, MappingError, PayloadError
from channels.prestashop import catalogue, mapping
from channels.prestashop.settings import (
    SETTINGS,
    parse_method_map,
    validate_key,
    validate_shop_url,
)
from channels.prestashop.values import shop_text, text, xml_body
from channels.settings_spec import SettingsInvalid, validate

from .conftest import payload

PARIS = ZoneInfo("Europe/Paris")
STATES = mapping.states_from_payload(payload("order_states.json")["order_states"], 1)
CARRIERS = {"3": mapping.Carrier(id="3", reference="2", name="Colissimo")}
ADDRESSES = {str(a["id"]): a for a in payload("addresses.json")["addresses"]}


def lookups(**extra) -> mapping.Lookups:
    values = {
        "states": STATES,
        "method_map": parse_method_map("Colissimo=COLISSIMO, My carrier=STANDARD"),
        "tz": PARIS,
        "carriers": CARRIERS,
        "addresses": ADDRESSES,
        "customers": {"2": {"id": 2, "firstname": "Léa", "lastname": "Dupont",
                            "email": "lea.dupont@example.com"}},
        "countries": {"8": "FR", "21": "US"},
        "regions": {"4": "California"},
        "currencies": {"1": "EUR"},
    }
    values.update(extra)
    return mapping.Lookups(**values)


def order(**changes) -> dict:
    body = copy.deepcopy(payload("order.json")["orders"][0])
    body.update(changes)
    return body


# -- states -----------------------------------------------------------------------------------
def test_states_are_resolved_by_flags_and_template_not_by_id():
    assert STATES["2"].importable and not STATES["2"].cancelled
    assert STATES["21"].importable  # paid, not logable: on backorder but paid
    assert not STATES["20"].importable and not STATES["20"].cancelled  # bank wire
    assert STATES["16"].cancelled and not STATES["16"].importable  # custom id 16
    assert STATES["20"].name == "Awaiting bank wire payment"
    french = mapping.states_from_payload(payload("order_states.json")["order_states"], 2)
    assert french["16"].name == "Annulé" and french["16"].cancelled


def test_shipped_state_prefers_the_shipped_template_over_delivered():
    assert mapping.shipped_state(STATES).id == "14"  # Delivered (5) is flagged shipped too
    assert mapping.shipped_state(STATES, 5).id == "5"
    with pytest.raises(ConfigurationError, match="99"):
        mapping.shipped_state(STATES, 99)
    no_shipped = {k: v for k, v in STATES.items() if not v.shipped}
    with pytest.raises(ConfigurationError, match="flagged 'shipped'"):
        mapping.shipped_state(no_shipped)


# -- orders -----------------------------------------------------------------------------------
def test_paid_order_with_addresses_customer_and_lines():
    record = mapping.order_from_payload(order(), lookups())
    assert record.channel_order_id == "5"
    assert record.channel_status == "Payment accepted"
    assert not record.awaiting_payment and not record.cancelled
    assert record.placed_at == dt.datetime(2025, 3, 4, 8, 12, 31, tzinfo=dt.UTC)  # Paris = +1
    assert record.total == Decimal("64.70") and record.currency == "EUR"
    assert record.shipping_method == "COLISSIMO"
    (line,) = record.lines
    assert (line.channel_line_id, line.channel_sku, line.quantity) == ("9", "SKU-TSHIRT-RED-M", 2)
    assert line.unit_price == Decimal("29.90") and line.line_type == "textual"
    shipping = record.shipping_address
    assert (shipping.name, shipping.city, shipping.country_code) == ("Léa Dupont", "Lyon", "FR")
    assert shipping.street_2 == "Bâtiment B" and shipping.phone == "0612345678"
    assert shipping.email == "lea.dupont@example.com"
    billing = record.billing_address
    assert (billing.country_code, billing.state, billing.company) == (
        "US", "California", "Dupont Studio LLC")
    assert record.buyer == {"customer_id": "2", "name": "Léa Dupont",
                            "email": "lea.dupont@example.com"}
    assert record.attributes == {"reference": "XKBKNABJK", "payment": "Payment by check",
                                 "gift_message": "Joyeux anniversaire !"}


@pytest.mark.parametrize("state, awaiting", [("1", True), ("20", True), ("21", False),
                                             ("0", True)])
def test_unpaid_orders_are_awaiting_payment(state, awaiting):
    record = mapping.order_from_payload(order(current_state=state), lookups())
    assert record.awaiting_payment is awaiting
    if state == "0":
        assert record.channel_status == mapping.NO_STATE


def test_cancelled_order_needs_nothing_else():
    broken = order(current_state="16", id_carrier="99", associations={})
    record = mapping.order_from_payload(broken, lookups())
    assert record.cancelled and record.lines == () and record.channel_status == "Canceled"


def test_unknown_carrier_is_a_mapping_error_that_names_it():
    drone = {"5": mapping.Carrier(id="5", reference="5", name="Drone Express")}
    with pytest.raises(MappingError) as caught:
        mapping.order_from_payload(order(id_carrier="5"), lookups(carriers=drone))
    problem = caught.value
    assert problem.code == "unknown_shipping_method" and problem.record_ref == "5"
    assert "'Drone Express'" in problem.message and "Drone Express=<OMS method>" in problem.message
    with pytest.raises(MappingError, match="not found on the shop"):
        mapping.order_from_payload(order(id_carrier="42"), lookups())


def test_carrier_is_matched_by_reference_id_after_an_edit():
    edited = {"3": mapping.Carrier(id="3", reference="2", name="Colissimo 2025")}
    method_map = parse_method_map("2=COLISSIMO")
    record = mapping.order_from_payload(order(), lookups(carriers=edited, method_map=method_map))
    assert record.shipping_method == "COLISSIMO"


@pytest.mark.parametrize(
    "change, problem",
    [
        ({"associations": {}}, "no order rows"),
        ({"associations": {"order_rows": [{"id": "9", "product_reference": "A",
                                           "product_quantity": "two"}]}}, "whole number"),
        ({"associations": {"order_rows": [{"id": "9", "product_reference": "",
                                           "product_quantity": "1"}]}}, "no product reference"),
        ({"associations": {"order_rows": [{"id": "9", "product_reference": "A",
                                           "product_quantity": "0"}]}}, "quantity 0"),
        ({"id_address_delivery": "404"}, "delivery address 404 does not exist"),
        ({"total_paid_tax_incl": "29,90"}, "should be a number"),
        ({"date_add": "04/03/2025 09:12"}, "not a date"),
        ({"current_state": "77"}, "not among the shop's order states"),
    ],
)
def test_malformed_orders_name_the_order_and_the_problem(change, problem):
    with pytest.raises(PayloadError) as caught:
        mapping.order_from_payload(order(**change), lookups())
    assert caught.value.record_ref == "5" and problem in caught.value.message


def test_an_order_that_is_not_an_object():
    with pytest.raises(PayloadError, match="without id"):
        mapping.order_from_payload(["5"], lookups())


def test_status_records():
    record = mapping.status_from_payload(
        {"id": 5, "current_state": "16", "date_upd": "2025-07-01 12:00:00"}, STATES, PARIS)
    assert record.cancelled and record.channel_status == "Canceled"
    assert record.updated_at == dt.datetime(2025, 7, 1, 10, 0, tzinfo=dt.UTC)  # summer: +2


def test_shipment_bodies_keep_every_field():
    row = payload("order_carriers.json")["order_carriers"][0]
    fields = mapping.order_carrier_fields(row, "6A123456789")
    assert fields["tracking_number"] == "6A123456789"
    assert fields["weight"] == "0.400000" and fields["id_order_invoice"] == "1"
    body = xml_body("order_carrier", fields).decode()
    assert body.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<prestashop')
    assert "<order_carrier><id>6</id><id_order>5</id_order>" in body
    assert "<tracking_number>6A123456789</tracking_number>" in body
    assert mapping.history_fields("5", "4") == {"id_order": "5", "id_order_state": "4"}
    assert "&lt;b&gt; &amp;" in xml_body("x", {"note": "<b> &"}).decode()


# -- catalogue --------------------------------------------------------------------------------
def product_records(product_id: int):
    product = next(p for p in payload("products.json")["products"] if p["id"] == product_id)
    combinations = {str(c["id"]): c for c in payload("combinations.json")["combinations"]}
    return catalogue.product_records(product, combinations, {"2": "M", "4": "XL", "10": "Red"},
                                     image_base="https://shop.example/api/images/products",
                                     tz=PARIS)


def test_a_product_with_combinations_is_one_product_per_combination():
    records, problems = product_records(3)
    assert problems == []
    medium, large = records
    assert (medium.channel_product_id, medium.sku) == ("3-13", "SKU-TSHIRT-RED-M")
    assert medium.name == "Organic T-shirt - M, Red" and medium.barcode == "3760000000130"
    assert medium.price == Decimal("24.92") and medium.weight == Decimal("0.200")
    assert large.price == Decimal("26.92") and large.weight == Decimal("0.250")
    assert medium.image_urls == ("https://shop.example/api/images/products/3/12",)
    assert large.image_urls == ("https://shop.example/api/images/products/3/11",
                                "https://shop.example/api/images/products/3/12")
    assert large.attributes == {"id_product": "3", "id_product_attribute": "14"}
    assert medium.updated_at == dt.datetime(2025, 3, 1, 7, 30, tzinfo=dt.UTC)


def test_a_simple_product_and_one_without_reference():
    (mug,), problems = product_records(4)
    assert problems == []
    assert (mug.channel_product_id, mug.sku, mug.barcode) == ("4", "MUG-WHITE-330",
                                                              "3760123456789")
    assert mug.active is False and mug.name == "White mug"
    records, (problem,) = product_records(5)
    assert records == [] and problem.record_ref == "product 5"
    assert "'Sticker' has no reference" in problem.message


def test_a_missing_combination_is_a_problem_for_that_combination_only():
    product = next(p for p in payload("products.json")["products"] if p["id"] == 3)
    combinations = {"13": payload("combinations.json")["combinations"][0]}
    records, (problem,) = catalogue.product_records(product, combinations, {},
                                                    image_base="x", tz=PARIS)
    assert [r.sku for r in records] == ["SKU-TSHIRT-RED-M"]
    assert problem.record_ref == "product 3-14"


def test_stock_records_skip_combination_parents():
    products = payload("products.json")["products"]
    combinations = payload("combinations.json")["combinations"]
    skus = catalogue.sku_index(products, combinations)
    records, problems = catalogue.stock_records(
        payload("stock_availables.json")["stock_availables"], skus)
    assert problems == []
    assert {(r.sku, r.quantity) for r in records} == {
        ("SKU-TSHIRT-RED-M", 15), ("SKU-TSHIRT-RED-XL", 22), ("MUG-WHITE-330", 12)}
    row = payload("stock_availables.json")["stock_availables"][2]
    fields = catalogue.stock_fields(row, 7)
    assert fields["quantity"] == "7" and fields["location"] == "A-12"
    assert fields["out_of_stock"] == "2" and fields["id"] == 22


def test_channel_ids_round_trip():
    assert catalogue.channel_id("3", "14") == "3-14"
    assert catalogue.channel_id("4", "0") == "4"
    assert catalogue.split_channel_id("3-14") == ("3", "14")
    assert catalogue.split_channel_id("4") == ("4", "0")
    assert catalogue.split_channel_id("SKU-1") is None


def test_suppliers_and_links():
    supplier = catalogue.supplier_from_payload({"id": 2, "name": "Imprimerie du Nord",
                                                "active": "1"})
    assert (supplier.channel_supplier_id, supplier.name, supplier.active) == (
        "2", "Imprimerie du Nord", True)
    link = catalogue.product_supplier_from_payload({
        "id": 9, "id_product": "3", "id_product_attribute": "14", "id_supplier": "2",
        "id_currency": "1", "product_supplier_reference": "IMP-TS-XL",
        "product_supplier_price_te": "8.250000"})
    assert (link.channel_product_id, link.channel_supplier_id, link.reference, link.price) == (
        "3-14", "2", "IMP-TS-XL", Decimal("8.2500"))


# -- values and settings ----------------------------------------------------------------------
def test_multilingual_values():
    names = [{"id": "1", "value": "Shipped"}, {"id": "2", "value": "Expédié"}]
    assert text(names, 2) == "Expédié" and text(names, 3) == "Shipped"
    assert text("Shipped", 2) == "Shipped" and text(None) == ""
    when = dt.datetime(2025, 1, 1, 23, 30, tzinfo=dt.UTC)
    assert shop_text(when, PARIS) == "2025-01-02 00:30:00"


def test_method_map_parsing():
    assert parse_method_map("Colissimo=COLISSIMO,\n 2 = EXP ; DPD Predict=DPD") == {
        "colissimo": "COLISSIMO", "2": "EXP", "dpd predict": "DPD"}
    with pytest.raises(ValueError, match="not carrier=OMS method"):
        parse_method_map("Colissimo")
    with pytest.raises(ValueError, match="mapped twice"):
        parse_method_map("A=B, a=C")


def test_settings_validation():
    assert validate_key("A" * 32) is None
    assert "32-character" in validate_key("A" * 31)
    assert validate_shop_url("https://shop.example.com") is None
    assert "without /api" in validate_shop_url("https://shop.example.com/api")
    with pytest.raises(SettingsInvalid) as caught:
        validate(SETTINGS, {"shop_url": "shop.example.com", "webservice_key": "short",
                            "shipping_method_map": "nope", "timezone": "Mars/Olympus",
                            "max_requests_per_second": "500"})
    assert set(caught.value.errors) == {"webservice_key", "shipping_method_map", "timezone",
                                        "max_requests_per_second"}
    settings, secrets = validate(SETTINGS, {"shop_url": "shop.example.com",
                                            "webservice_key": "B" * 32})
    assert secrets == {"webservice_key": "B" * 32}
    assert settings["language_id"] == 1 and settings["timezone"] == "UTC"
