"""CDiscount mapping, against payloads read by the service's own XSD from a recorded answer."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from lxml import etree

from channels.cdiscount import mapping
from channels.cdiscount.client import CDS, _xsd, bad_values, read_order
from channels.errors import Error, PayloadError
from channels.records import OrderLineRecord, Shipment

PAYLOADS = Path(__file__).parent / "payloads"


@pytest.fixture(scope="module")
def order_elements():
    root = etree.parse(str(PAYLOADS / "get_order_list_response.xml")).getroot()
    return root.findall(f".//{{{CDS}}}Order")


@pytest.fixture
def orders(order_elements):
    return [read_order(etree.fromstring(etree.tostring(e))) for e in order_elements]


def shipment(**extra) -> Shipment:
    values = {
        "channel_order_id": "2503040959CN8HI",
        "carrier": "Colissimo",
        "tracking_number": "6A12345678901",
        "shipped_at": dt.datetime(2025, 3, 5, 9, 0, tzinfo=dt.UTC),
        "lines": (
            OrderLineRecord("0", "SKU-TSHIRT-RED-M", 1),
            OrderLineRecord("1", "SKU-MUG-WHITE-330", 2),
            OrderLineRecord("2", "SKU-TSHIRT-RED-M", 1),
        ),
    }
    return Shipment(**{**values, **extra})


def test_recorded_order_maps_to_an_order_record(orders):
    record = mapping.order_from_payload(orders[0])
    assert record.channel_order_id == "2503040959CN8HI"
    assert record.channel_status == "WaitingForShipmentAcceptation"
    # Paris time without offset (UTC+1 in March) becomes UTC.
    assert record.placed_at == dt.datetime(2025, 3, 4, 8, 59, 5, 753000, tzinfo=dt.UTC)
    assert record.updated_at == dt.datetime(2025, 3, 4, 9, 22, 15, 957000, tzinfo=dt.UTC)
    assert (record.currency, record.total, record.shipping_method) == ("EUR", Decimal("29.90"),
                                                                       "TRK")
    (line,) = record.lines
    assert (line.channel_line_id, line.channel_sku, line.quantity) == ("0", "SKU-TSHIRT-RED-M", 1)
    assert (line.unit_price, line.name, line.line_type) == (Decimal("29.90"), "T-shirt rouge M",
                                                            "textual")
    address = record.shipping_address
    assert (address.name, address.street_1, address.postcode, address.city) == (
        "Claire Martin", "12 rue de la Paix", "69002", "Lyon")
    assert (address.country_code, address.phone) == ("FR", "0600000000")
    assert record.billing_address.street_1 == "12 rue de la Paix"
    assert record.billing_address.phone == ""
    assert record.buyer == {"customer_id": "51e39c66", "name": "Claire Martin",
                            "email": "c.586e6f22@clemarche.com"}
    assert not record.cancelled


def test_relay_order_fee_line_and_unit_prices(orders):
    record = mapping.order_from_payload(orders[1])
    assert [line.channel_sku for line in record.lines] == ["SKU-MUG-WHITE-330",
                                                           "SKU-HOODIE-GREY-L"]
    assert record.lines[0].unit_price == Decimal("12.90")  # PurchasePrice 25.80 for 2
    assert record.placed_at == dt.datetime(2025, 7, 14, 16, 30, tzinfo=dt.UTC)  # UTC+2 in July
    address = record.shipping_address
    assert address.name == "Thomas Durand"  # from the customer's shipping name
    assert address.street_1 == "3 place de la Gare"
    assert address.street_2 == "Tabac de la Gare, Batiment B, Apt 4"
    assert (address.country_code, address.phone) == ("BE", "0400000000")
    assert record.billing_address is None
    assert record.attributes == {mapping.RELAY_ATTRIBUTE: "48213"}


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (lambda o: o.update(OrderLineList=None), "no order lines"),
        (lambda o: o["OrderLineList"]["OrderLine"][0].update(SellerProductId=" "),
         "no SellerProductId"),
        (lambda o: o["OrderLineList"]["OrderLine"][0].update(Quantity=None), "no positive"),
        (lambda o: o.update(ShippingAddress=None), "no ShippingAddress"),
        (lambda o: o.update(CreationDate=None), "'CreationDate' is missing"),
        (lambda o: o.update(OrderState=None), "no OrderState"),
        (lambda o: o["OrderLineList"]["OrderLine"][0].update(ProductId="INTERETBCA"),
         "only fee lines"),
    ],
)
def test_malformed_orders_name_the_order_and_the_problem(orders, change, problem):
    payload = orders[0]
    change(payload)
    with pytest.raises(PayloadError) as caught:
        mapping.order_from_payload(payload)
    assert caught.value.record_ref == "2503040959CN8HI"
    assert problem in caught.value.message
    assert caught.value.severity == "error"


def test_an_order_without_number_has_no_record_ref(orders):
    orders[0]["OrderNumber"] = None
    with pytest.raises(PayloadError) as caught:
        mapping.order_from_payload(orders[0])
    assert caught.value.record_ref is None
    assert "(without OrderNumber)" in caught.value.message


def test_values_that_do_not_fit_the_xsd_are_reported_not_read_as_empty(order_elements):
    element = etree.fromstring(etree.tostring(order_elements[1]))
    line = element.find(f".//{{{CDS}}}OrderLine")
    line.find(f"{{{CDS}}}Quantity").text = "deux"
    line.find(f"{{{CDS}}}PurchasePrice").text = "25,80"
    etree.SubElement(element, f"{{{CDS}}}ANewFieldFromCdiscount").text = "x"  # tolerated
    problems = bad_values(element, _xsd("Order"))
    assert problems == [
        "OrderLineList/OrderLine[1]/PurchasePrice '25,80' is not a valid decimal",
        "OrderLineList/OrderLine[1]/Quantity 'deux' is not a valid int",
    ]
    with pytest.raises(PayloadError) as caught:
        read_order(element)
    assert caught.value.record_ref == "2507141830RELAY"
    assert "'deux' is not a valid int" in caught.value.message


@pytest.mark.parametrize("state", sorted(mapping.CANCELLED_STATES))
def test_cancellation_states_cancel(orders, state):
    orders[0]["OrderState"] = state
    status = mapping.status_from_payload(orders[0])
    assert status.cancelled and status.channel_status == state
    assert mapping.order_from_payload(orders[0]).cancelled


def test_shipped_and_waiting_states_do_not_cancel(orders):
    for state in ("Shipped", "WaitingForShipmentAcceptation", "BeingCancelled"):
        orders[0]["OrderState"] = state
        assert not mapping.status_from_payload(orders[0]).cancelled


def test_order_filter_speaks_paris_time():
    winter = dt.datetime(2025, 1, 10, 23, 30, tzinfo=dt.UTC)
    summer = dt.datetime(2025, 7, 1, 12, 0, tzinfo=dt.UTC)
    body = mapping.order_filter(states=["WaitingForShipmentAcceptation"], created_from=winter,
                                modified_from=summer, order_numbers=["A1"])
    assert body["BeginCreationDate"] == dt.datetime(2025, 1, 11, 0, 30)
    assert body["BeginModificationDate"] == dt.datetime(2025, 7, 1, 14, 0)
    assert body["States"] == {"OrderStateEnum": ["WaitingForShipmentAcceptation"]}
    assert body["OrderReferenceList"] == {"string": ["A1"]}
    assert body["FetchOrderLines"] is True
    assert "EndCreationDate" not in body
    assert mapping.from_service_time(body["BeginCreationDate"]) == winter


def test_shipped_order_marks_every_line_shipped_by_seller_with_tracking():
    body = mapping.shipped_order(shipment())
    assert body["OrderNumber"] == "2503040959CN8HI"
    assert (body["OrderState"], body["CarrierName"], body["TrackingNumber"]) == (
        "Shipped", "Colissimo", "6A12345678901")
    assert body["TrackingUrl"] == ("https://www.laposte.fr/outils/suivre-vos-envois"
                                   "?code=6A12345678901")
    lines = body["OrderLineList"]["ValidateOrderLine"]
    assert [line["SellerProductId"] for line in lines] == ["SKU-TSHIRT-RED-M", "SKU-MUG-WHITE-330"]
    assert {line["AcceptationState"] for line in lines} == {"ShippedBySeller"}
    assert {line["ProductCondition"] for line in lines} == {"New"}


def test_an_unknown_carrier_has_no_tracking_url():
    assert mapping.shipped_order(shipment(carrier="Transports Dupont"))["TrackingUrl"] is None


@pytest.mark.parametrize(
    ("carrier", "tracking", "missing"),
    [
        (None, "6A1", "the carrier is missing"),
        ("Colissimo", " ", "the tracking number is missing"),
        ("", None, "the carrier and the tracking number are missing"),
    ],
)
def test_a_shipment_without_carrier_or_tracking_is_an_error(carrier, tracking, missing):
    with pytest.raises(Error) as caught:
        mapping.shipped_order(shipment(carrier=carrier, tracking_number=tracking))
    assert caught.value.code == "missing_tracking"
    assert caught.value.record_ref == "2503040959CN8HI"
    assert missing in caught.value.message


def test_validation_result_gathers_order_and_line_errors():
    results = [
        {"OrderNumber": "OTHER", "Validated": True},
        {
            "OrderNumber": "A1",
            "Validated": False,
            "Errors": {"Error": [{"ErrorType": "OrderStateIncoherent", "Message": "Non"}]},
            "ValidateOrderLineResults": {"ValidateOrderLineResult": [
                {"SellerProductId": "SKU-1", "Updated": True, "Errors": None},
                {"SellerProductId": "SKU-2", "Updated": False,
                 "Errors": {"Error": [{"ErrorType": "OrderLineNotFound", "Message": "absente"}]}},
            ]},
        },
    ]
    assert mapping.validation_result(results, "OTHER") == (True, [])
    validated, errors = mapping.validation_result(results, "A1")
    assert not validated
    assert errors == [("OrderStateIncoherent", "Non"), ("OrderLineNotFound", "line SKU-2: absente")]
    with pytest.raises(PayloadError):
        mapping.validation_result(results, "MISSING")
