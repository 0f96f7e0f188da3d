"""Mirakl payload mapping, against the OR11 example of Mirakl's own seller OpenAPI spec."""

import json
from decimal import Decimal
from pathlib import Path

import pytest

from channels.errors import PayloadError
from channels.mirakl import mapping
from channels.records import Shipment

PAYLOADS = Path(__file__).parent / "payloads"


@pytest.fixture
def spec_order():
    return json.loads((PAYLOADS / "or11_business_example.json").read_text())["orders"][0]


def test_spec_example_maps_to_an_order_record(spec_order):
    record = mapping.order_from_payload(spec_order, messages=["Please gift wrap"])
    assert record.channel_order_id == "Order_00010-A"
    assert record.channel_status == "RECEIVED"
    assert record.total == Decimal("173.00")
    assert record.placed_at.isoformat() == "2019-04-02T14:18:43+00:00"
    assert record.shipping_address.name == "Smith Taylor"
    assert record.shipping_address.street_1 == "113 MacDougal Street"
    assert record.shipping_address.postcode == "NY 10012"
    assert record.shipping_address.country_code == "US"  # alpha-3 USA -> alpha-2
    (line,) = record.lines
    assert (line.channel_line_id, line.channel_sku, line.quantity) == (
        "Order_00010-A-1",
        "S2000",
        3,
    )
    assert line.unit_price == Decimal("55.00")
    assert line.line_type == "textual"
    assert record.attributes == {":MiraklOrderMessage": "Please gift wrap"}


def test_customer_messages_are_order_level_and_only_from_the_customer():
    threads = [
        {
            "messages": [
                {
                    "body": "Second",
                    "date_created": "2026-01-02T00:00:00Z",
                    "from": {"type": "CUSTOMER_USER"},
                },
                {
                    "body": "Shop reply",
                    "date_created": "2026-01-01T12:00:00Z",
                    "from": {"type": "SHOP_USER"},
                },
                {
                    "body": "First",
                    "date_created": "2026-01-01T00:00:00Z",
                    "from": {"type": "CUSTOMER"},
                },
            ]
        }
    ]
    assert mapping.customer_messages(threads) == ["First", "Second"]


def test_line_personalisation_is_kept_as_textual_fields(spec_order):
    spec_order["order_lines"][0]["order_line_additional_fields"] = [
        {"code": "personalisation-text", "type": "STRING", "value": "Joyeux anniversaire Léa"},
        {"code": "empty", "type": "STRING", "value": ""},
    ]
    record = mapping.order_from_payload(spec_order)
    assert record.lines[0].personalisation == {
        "type": "textual",
        "fields": {"personalisation-text": "Joyeux anniversaire Léa"},
    }


@pytest.mark.parametrize(
    "breakage, expected",
    [
        (lambda o: o.update(order_lines=None), "no order lines"),
        (lambda o: o["order_lines"][0].update(quantity="two"), "whole number"),
        (lambda o: o["order_lines"][0].update(quantity=float("inf")), "whole number"),
        (lambda o: o["order_lines"][0].update(quantity=float("nan")), "whole number"),
        (lambda o: o["order_lines"][0].pop("offer_sku"), "'offer_sku' is missing"),
        (lambda o: o.update(total_price="12,50 €"), "'total_price' should be a number"),
        (lambda o: o.update(created_date="yesterday"), "not an ISO date"),
        (lambda o: o["customer"].update(shipping_address=None), "no shipping address"),
    ],
)
def test_malformed_orders_raise_payload_errors_naming_the_order(spec_order, breakage, expected):
    breakage(spec_order)
    with pytest.raises(PayloadError) as caught:
        mapping.order_from_payload(spec_order)
    assert caught.value.record_ref == "Order_00010-A"
    assert expected in caught.value.message
    assert caught.value.severity == "error"


def test_order_without_id_is_still_reported():
    with pytest.raises(PayloadError) as caught:
        mapping.order_from_payload({"order_lines": []})
    assert caught.value.record_ref is None
    assert "without order_id" in caught.value.message


def test_waiting_acceptance_orders_have_no_address_and_map_without_one(spec_order):
    spec_order["customer"]["shipping_address"] = None
    spec_order["order_state"] = "WAITING_ACCEPTANCE"
    record = mapping.order_from_payload(spec_order, require_address=False)
    assert record.shipping_address is None


def test_status_record_flags_cancellation(spec_order):
    spec_order["order_state"] = "CANCELED"
    status = mapping.status_from_payload(spec_order)
    assert status.cancelled and status.channel_status == "CANCELED"


def test_tracking_body_only_carries_what_is_known():
    import datetime as dt

    now = dt.datetime.now(dt.UTC)
    assert mapping.tracking_body(Shipment("X", None, None, now)) == {}
    assert mapping.tracking_body(Shipment("X", "DPD", "123", now)) == {
        "carrier_name": "DPD",
        "tracking_number": "123",
    }
