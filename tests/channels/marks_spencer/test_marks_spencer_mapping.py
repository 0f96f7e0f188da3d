"""M&S payload mapping, against orders shaped like the API (sandbox/marks_spencer/API.md)."""

import copy
import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from channels.errors import ChannelProblem, Error, PayloadError
from channels.marks_spencer import mapping
from channels.records import Shipment

ORDER = {
    "order_number": "MS40010001",
    "status": "OPEN",
    "created_at": "2026-03-01T08:12:44Z",
    "updated_at": "2026-03-01T09:00:00.120Z",
    "sales_channel": "marksandspencer.com",
    "currency": "GBP",
    "goods_total": 27.0,
    "delivery_charge": 4.99,
    "order_total": 31.99,
    "delivery_method": {"code": "STD", "name": "Standard Delivery"},
    "customer": {
        "customer_id": "C48213377",
        "title": "Mrs",
        "first_name": "Olivia",
        "last_name": "Hughes",
        "email": "olivia.1234@example.co.uk",
        "phone": "+44 7700 900123",
    },
    "delivery_address": {
        "title": "Mr",
        "first_name": "Seán",
        "last_name": "Ó Súilleabháin",
        "company": None,
        "address_line_1": "12 Mill Lane",
        "address_line_2": "Flat 2",
        "town": "Dublin",
        "county": "County Dublin",
        "postcode": "D02 X285",
        "country_code": "IE",
        "phone": "+353 1 555 0100",
    },
    "gift_message": "Happy birthday, with love from all of us",
    "lines": [
        {
            "line_number": 1,
            "sku": "MS-MUG-WHT-330",
            "product_code": "T61/4821",
            "description": "Personalised White Mug 330ml",
            "quantity": 2,
            "unit_price": 12.0,
            "line_total": 24.0,
            "personalisation": {"text": "Happy Birthday Isla", "font": "Script", "colour": ""},
        },
        {
            "line_number": 2,
            "sku": "MS-BAG-GIFT",
            "description": "Gift Bag",
            "quantity": 1,
            "unit_price": 3,
            "line_total": 3.0,
            "personalisation": None,
        },
    ],
    "dispatch": None,
    "cancellation": None,
}


@pytest.fixture
def order():
    return copy.deepcopy(ORDER)


def test_order_maps_to_a_record_with_address_lines_and_personalisation(order):
    record = mapping.order_from_payload(order)
    assert (record.channel_order_id, record.channel_status) == ("MS40010001", "OPEN")
    assert record.placed_at == dt.datetime(2026, 3, 1, 8, 12, 44, tzinfo=dt.UTC)
    assert record.updated_at.microsecond == 120_000
    assert (record.currency, record.total, record.shipping_method) == (
        "GBP",
        Decimal("31.99"),
        "STD",
    )
    assert record.buyer == {"customer_id": "C48213377", "name": "Olivia Hughes"}
    address = record.shipping_address
    assert address.name == "Seán Ó Súilleabháin"
    assert (address.street_1, address.street_2) == ("12 Mill Lane", "Flat 2")
    assert (address.city, address.state) == ("Dublin", "County Dublin")
    assert address.postcode == "D02 X285"
    assert address.country_code == "IE" and address.email == "olivia.1234@example.co.uk"
    mug, bag = record.lines
    assert (mug.channel_line_id, mug.channel_sku, mug.quantity) == (
        "MS40010001-1",
        "MS-MUG-WHT-330",
        2,
    )
    assert mug.unit_price == Decimal("12.00") and mug.line_type == "textual"
    assert mug.personalisation == {
        "type": "textual",
        "fields": {"text": "Happy Birthday Isla", "font": "Script"},
    }
    assert bag.personalisation == {} and bag.unit_price == Decimal("3.00")
    assert record.attributes == {":MSGiftMessage": "Happy birthday, with love from all of us"}
    assert record.cancelled is False


def test_a_cancelled_order_needs_no_address_and_is_flagged(order):
    order.update(status="CANCELLED", delivery_address=None)
    record = mapping.order_from_payload(order)
    assert record.cancelled and record.shipping_address is None


def test_uk_is_gb(order):
    order["delivery_address"]["country_code"] = "UK"
    assert mapping.order_from_payload(order).shipping_address.country_code == "GB"


BROKEN = {
    "quantity_text": (lambda o: o["lines"][0].update(quantity="two"), "whole number"),
    "zero_quantity": (lambda o: o["lines"][0].update(quantity=0), "positive"),
    "infinite_quantity": (lambda o: o["lines"][0].update(quantity=float("inf")), "whole number"),
    "nan_quantity": (lambda o: o["lines"][0].update(quantity=float("nan")), "whole number"),
    "fractional_quantity": (lambda o: o["lines"][0].update(quantity=1.5), "whole number"),
    "no_lines": (lambda o: o.update(lines=[]), "no order lines"),
    "no_address": (lambda o: o.update(delivery_address=None), "no delivery address"),
    "price_text": (lambda o: o["lines"][0].update(unit_price="£12.00"), "'unit_price'"),
    "bad_created_at": (lambda o: o.update(created_at="01/03/2026 08:12"), "not an ISO date"),
    "no_created_at": (lambda o: o.pop("created_at"), "'created_at' is missing"),
    "no_sku": (lambda o: o["lines"][0].pop("sku"), "'sku' is missing"),
    "line_not_object": (lambda o: o["lines"].append("x"), "not an object"),
}


@pytest.mark.parametrize("kind", sorted(BROKEN))
def test_malformed_orders_name_the_order_and_the_problem(order, kind):
    damage, expected = BROKEN[kind]
    damage(order)
    with pytest.raises(PayloadError) as caught:
        mapping.order_from_payload(order)
    assert caught.value.record_ref == "MS40010001"
    assert expected in caught.value.message
    assert "MS40010001" in caught.value.message and caught.value.severity == "error"


def test_an_order_without_number_is_still_reported():
    with pytest.raises(PayloadError, match="without order_number"):
        mapping.order_from_payload({"status": "OPEN"})
    with pytest.raises(PayloadError, match="not an object"):
        mapping.order_from_payload(["MS1"])


SCALARS = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8)
JSON = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner),
    max_leaves=8,
)
LINE = st.dictionaries(
    st.sampled_from(["line_number", "sku", "quantity", "unit_price", "personalisation"]), JSON
)
ORDER_FIELDS = {
    "order_number": SCALARS,
    "status": st.sampled_from(["OPEN", "CANCELLED"]) | SCALARS,
    "created_at": st.just("2026-03-01T08:12:44Z") | JSON,
    "lines": st.lists(LINE | JSON, max_size=3) | JSON,
    "delivery_address": st.dictionaries(st.sampled_from(["town", "country_code"]), JSON) | JSON,
    "customer": JSON,
    "order_total": JSON,
    "delivery_method": JSON,
    "gift_message": JSON,
}


@settings(max_examples=300, deadline=None)
@given(junk=st.fixed_dictionaries({}, optional=ORDER_FIELDS))
def test_any_junk_is_a_classified_problem_never_a_crash(junk):
    try:
        mapping.order_from_payload(junk)
        mapping.status_from_payload(junk)
    except ChannelProblem:
        pass


def test_status_record_follows_the_channel(order):
    order["status"] = "CANCELLED"
    status = mapping.status_from_payload(order)
    assert (status.channel_order_id, status.channel_status, status.cancelled) == (
        "MS40010001",
        "CANCELLED",
        True,
    )
    order["status"] = "DISPATCHED"
    assert mapping.status_from_payload(order).cancelled is False


def shipment(carrier, tracking):
    shipped = dt.datetime(2026, 3, 2, 15, 4, 5, 123, tzinfo=dt.UTC)
    return Shipment("MS40010001", carrier, tracking, shipped)


def test_dispatch_body_carries_carrier_tracking_and_time():
    assert mapping.dispatch_body(shipment(" Royal Mail ", "RM123456785GB")) == {
        "carrier": "Royal Mail",
        "tracking_number": "RM123456785GB",
        "dispatched_at": "2026-03-02T15:04:05Z",
    }


@pytest.mark.parametrize(
    ("carrier", "tracking", "missing"),
    [
        ("Royal Mail", None, "no tracking number"),
        ("", "RM1", "no carrier"),
        (None, " ", "no carrier and no tracking number"),
    ],
)
def test_dispatch_without_carrier_or_tracking_is_a_record_error(carrier, tracking, missing):
    with pytest.raises(Error) as caught:
        mapping.dispatch_body(shipment(carrier, tracking))
    assert caught.value.code == "missing_tracking" and caught.value.record_ref == "MS40010001"
    assert missing in caught.value.message
