"""Amazon mapping, against the Orders v0 model's own sandbox payloads. No HTTP."""

import copy
import datetime as dt
import io
import json
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from freezegun import freeze_time

from channels.amazon import Connector, customisation, mapping
from channels.amazon import settings as spec
from channels.errors import ConfigurationError, Error, PayloadError
from channels.records import OrderLineRecord, Shipment
from channels.settings_spec import SettingsInvalid, validate

PAYLOADS = Path(__file__).parent / "payloads"


def load(name: str) -> dict:
    return json.loads((PAYLOADS / name).read_text())


@pytest.fixture
def order():
    payload = load("getOrders_TEST_CASE_200.json")["payload"]["Orders"][0]
    # getOrders with a Restricted Data Token adds the address getOrderAddress shows.
    payload["ShippingAddress"] = load("getOrderAddress_TEST_CASE_200.json")["payload"][
        "ShippingAddress"
    ]
    return payload


@pytest.fixture
def items():
    return load("getOrderItems_TEST_CASE_200.json")["payload"]["OrderItems"]


def v3_document(text="Happy Birthday Emma", font="Pacifico", colour="Gold", size="L"):
    areas = [
        {
            "customizationType": "TextPrinting",
            "label": "Message",
            "text": text,
            "fontFamily": font,
            "colorName": colour,
            "fill": "#D4AF37",
        },
        {"customizationType": "Options", "label": "Size", "optionValue": size},
        {"customizationType": "ImagePrinting", "label": "Photo"},
    ]
    return {"version3.0": {"customizationInfo": {"surfaces": [{"areas": areas}]}}}


def zipped(document, name="68828574383266.json") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(name, json.dumps(document))
        archive.writestr("68828574383266.svg", "<svg/>")
    return buffer.getvalue()


def test_model_example_maps_to_an_order_record(order, items):
    record = mapping.order_from_payload(order, items)
    assert record.channel_order_id == "902-1845936-5435065"
    assert record.channel_status == "Unshipped" and not record.cancelled
    assert (record.total, record.currency) == (Decimal("11.01"), "USD")
    assert record.placed_at == dt.datetime(1970, 1, 19, 3, 58, 30, tzinfo=dt.UTC)
    assert record.shipping_method == "Std US D2D Dom"
    address = record.shipping_address
    assert (address.name, address.street_1, address.city) == (
        "MFNIntegrationTestMerchant",
        "2201 WESTLAKE AVE",
        "SEATTLE",
    )
    assert (address.state, address.postcode, address.country_code) == ("WA", "98121-2778", "US")
    (line,) = record.lines
    assert (line.channel_line_id, line.channel_sku, line.quantity) == (
        "05015851154158",
        "NABetaASINB00551Q3CS",
        1,
    )
    assert line.unit_price == Decimal("10.00") and line.line_type == "textual"
    assert line.personalisation == {}
    assert record.attributes[spec.ATTRIBUTE_MARKETPLACE] == "ATVPDKIKX0DER"
    assert record.attributes[spec.ATTRIBUTE_CANCEL_REQUEST] == "Found cheaper somewhere else."


def test_item_price_is_the_line_total(order, items):
    items[0].update(QuantityOrdered=2, ItemPrice={"CurrencyCode": "EUR", "Amount": "39.80"})
    (line,) = mapping.order_from_payload(order, items).lines
    assert (line.quantity, line.unit_price) == (2, Decimal("19.90"))


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (lambda o, i: i[0].update(QuantityOrdered="two"), "QuantityOrdered should be a whole"),
        (lambda o, i: i[0].pop("SellerSKU"), "has no SellerSKU"),
        (lambda o, i: o["OrderTotal"].update(Amount="29,90"), "'OrderTotal.Amount' should be"),
        (lambda o, i: o.update(PurchaseDate="04/03/2026 09:12"), "'PurchaseDate' is not an ISO"),
        (lambda o, i: o.pop("ShippingAddress"), "no shipping address although it is Unshipped"),
        (lambda o, i: i.clear(), "it has no order items"),
    ],
)
def test_malformed_orders_name_the_order_and_the_problem(order, items, change, problem):
    change(order, items)
    with pytest.raises(PayloadError) as caught:
        mapping.order_from_payload(order, items)
    assert caught.value.record_ref == "902-1845936-5435065"
    assert problem in caught.value.message and "902-1845936-5435065" in caught.value.message


def test_customisation_zip_is_read_at_each_level(order, items):
    infos = load("getOrderItemsBuyerInfo_TEST_CASE_200.json")["payload"]["OrderItems"]
    assert infos[0]["BuyerCustomizedInfo"]["CustomizedURL"].startswith("https://")
    custom = customisation.parse(customisation.read_zip(zipped(v3_document())))
    assert custom.images == 1
    items[0]["OrderItemId"] = infos[0]["OrderItemId"]
    extras = {
        infos[0]["OrderItemId"]: mapping.ItemExtras(
            gift_message=infos[0]["GiftMessageText"], customisation=custom
        )
    }
    minimum = mapping.order_from_payload(order, items, extras, level=spec.LEVEL_MINIMUM)
    assert minimum.lines[0].personalisation == {
        "type": "textual",
        "source": "amazon_custom",
        "level": "minimum",
        "fields": {"Message": "Happy Birthday Emma"},
        "gift_message": "Et toi!",
    }
    medium = mapping.order_from_payload(order, items, extras, level=spec.LEVEL_MEDIUM)
    personalisation = medium.lines[0].personalisation
    assert personalisation["cosmetics"] == {"Message": {"font": "Pacifico", "colour": "Gold"}}
    assert personalisation["options"] == {"Size": "L"}
    assert medium.attributes[spec.ATTRIBUTE_GIFT_MESSAGE] == "Et toi!"


def test_older_customization_data_tree_is_read_too():
    tree = {
        "customizationData": {
            "type": "CustomizationData",
            "children": [
                {
                    "type": "PreviewContainerCustomization",
                    "children": [
                        {
                            "type": "TextCustomization",
                            "label": "Name",
                            "inputValue": "Noah",
                            "fontSelection": {"family": "Lobster"},
                            "colorSelection": {"name": "Red"},
                        },
                        {
                            "type": "OptionCustomization",
                            "label": "Colour",
                            "optionSelection": {"label": "Navy"},
                        },
                    ],
                },
            ],
        }
    }
    custom = customisation.parse(customisation.read_zip(zipped(tree)))
    assert custom.texts == (customisation.TextArea("Name", "Noah", "Lobster", "Red"),)
    assert custom.options == {"Colour": "Navy"}


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"<html>expired</html>", "not a ZIP"),
        (zipped({"a": 1}, name="readme.txt"), "no JSON"),
        (zipped({"version": "3.0"}), "neither version3.0 surfaces nor customizationData"),
    ],
)
def test_unreadable_customisation_says_why(content, problem):
    with pytest.raises(customisation.CustomisationUnreadable, match=problem):
        customisation.parse(customisation.read_zip(content))


def test_sku_concatenation_labels_name_the_variant():
    extras = mapping.ItemExtras(
        customisation=customisation.Customisation(options={"Size": "M", "Colour": "Red"})
    )
    assert mapping.concatenated_sku("TSHIRT", extras, ["size", "Colour"]) == "TSHIRT-M-Red"
    assert mapping.concatenated_sku("TSHIRT", extras, []) == "TSHIRT"
    assert mapping.concatenated_sku("TSHIRT", mapping.ItemExtras(), ["Size"]) == "TSHIRT"


def test_pending_and_cancelled_statuses():
    pending = load("getOrders_TEST_CASE_200_NEXT_TOKEN.json")["payload"]["Orders"][0]
    assert pending["OrderStatus"] == "Pending" and "ShippingAddress" not in pending
    cancelled = {**pending, "OrderStatus": "Canceled"}
    status = mapping.status_from_payload(cancelled)
    assert (status.channel_order_id, status.cancelled) == ("902-3159896-1390916", True)
    assert not mapping.status_from_payload(pending).cancelled


def shipment(**changes):
    values = {
        "channel_order_id": "902-1106328-1059050",
        "carrier": "FedEx",
        "tracking_number": "112345678",
        "shipped_at": dt.datetime(2022, 2, 11, 1, 0, tzinfo=dt.UTC),
        "lines": (OrderLineRecord("79039765272157", "SKU-1", 1),),
    }
    return Shipment(**{**values, **changes})


def test_shipment_body_has_the_shape_of_the_model_example():
    example = load("confirmShipment_request.json")
    body = mapping.shipment_body(shipment(), "ATVPDKIKX0DER")
    assert body["marketplaceId"] == example["marketplaceId"]
    package, expected = body["packageDetail"], example["packageDetail"]
    for key in ("packageReferenceId", "carrierCode", "carrierName", "trackingNumber", "shipDate"):
        assert package[key] == expected[key], key
    assert package["orderItems"] == [
        {k: v for k, v in expected["orderItems"][0].items() if k != "transparencyCodes"}
    ]
    other = mapping.shipment_body(shipment(carrier="Evri Next Day"), "A1F83G8C2ARO7P")
    assert (other["packageDetail"]["carrierCode"], other["packageDetail"]["carrierName"]) == (
        "Other",
        "Evri Next Day",
    )
    assert mapping.carrier_fields("royal mail")["carrierCode"] == "Royal Mail"


@pytest.mark.parametrize(
    ("carrier", "tracking", "code", "says"),
    [
        (None, "123", "missing_carrier", "the carrier is missing"),
        ("DPD", " ", "missing_tracking", "the tracking number is missing"),
        ("", None, "missing_carrier", "the carrier and the tracking number are missing"),
    ],
)
def test_shipment_without_carrier_or_tracking_is_not_sent(carrier, tracking, code, says):
    with pytest.raises(Error) as caught:
        mapping.shipment_body(shipment(carrier=carrier, tracking_number=tracking), "X")
    assert caught.value.code == code and caught.value.record_ref == "902-1106328-1059050"
    assert says in caught.value.message


def settings(**changes):
    values = {
        "lwa_client_id": "amzn1.application-oa2-client.1",
        "lwa_client_secret": "secret",
        "lwa_refresh_token": "Atzr|token",
        "seller_id": "A2SELLER",
        "seller_central_domain": "UK",
        "sale_channels": "UK,DE,FR",
    }
    return {**values, **changes}


def test_settings_validate_marketplaces_and_keep_secrets_apart():
    values, secrets = validate(Connector.settings_spec, settings(sale_channels="uk, de,GB"))
    assert secrets == {"lwa_client_secret": "secret", "lwa_refresh_token": "Atzr|token"}
    assert values["customisation_level"] == "medium"
    assert values["lwa_auth_url"] == "https://api.amazon.com/auth/o2/token"
    with pytest.raises(SettingsInvalid) as caught:
        validate(Connector.settings_spec, settings(sale_channels="UK,XX", aws_role_arn="role"))
    assert "unknown Amazon marketplace: XX" in caught.value.errors["sale_channels"]
    assert "arn:aws:iam::" in caught.value.errors["aws_role_arn"]
    with pytest.raises(SettingsInvalid) as caught:
        validate(Connector.settings_spec, settings(sale_channels="UK,US"))
    assert "different regions" in caught.value.errors["sale_channels"]
    levels = dict(spec.CUSTOMISATION_LEVELS)
    assert levels["medium"] == "Medium - Message and Cosmetics"
    sigv4 = {s.name: s.help for s in Connector.settings_spec}["aws_secret_access_key"]
    assert "not signed" in sigv4


def test_marketplaces_must_be_in_the_region_of_the_domain():
    values, secrets = validate(
        Connector.settings_spec, settings(seller_central_domain="US", sale_channels="UK")
    )
    with pytest.raises(ConfigurationError, match="not marketplaces of the NA region"):
        Connector(values, secrets)
    values, secrets = validate(
        Connector.settings_spec, settings(seller_central_domain="JP", sale_channels="AU,SG")
    )
    connector = Connector(values, secrets)
    assert connector.client.api.base_url == "https://sellingpartnerapi-fe.amazon.com"
    assert connector.client.marketplace_ids == ["A39IBJ37TRP1C6", "A19VAU5U5O7RUS"]
    connector.close()


def test_initial_cursor_starts_at_the_last_imported_datetime():
    start = {"last_imported_datetime": "2026-01-31T09:00:00+00:00"}
    assert Connector.initial_cursor(start, "import_new_orders") == {
        "created_after": "2026-01-31T09:00:00+00:00"
    }
    assert Connector.initial_cursor(start, "update_orders") == {}
    assert Connector.initial_cursor({}, "import_new_orders") == {}


@pytest.mark.parametrize(
    ("today", "code"),
    [
        ("2026-05-01", None),
        ("2026-06-16", "lwa_secret_expiring"),
        ("2026-07-01", "lwa_secret_expired"),
    ],
)
def test_lwa_client_secret_rotation_warnings(today, code):
    values, secrets = validate(Connector.settings_spec, settings())
    connector = Connector(values, secrets)
    set_at = {"lwa_client_secret": "2026-01-01T00:00:00+00:00"}  # expires 2026-06-30
    with freeze_time(today):
        problems = connector.credential_warnings(set_at, dt.datetime.now(dt.UTC))
    connector.close()
    if code is None:
        assert problems == []
        return
    (problem,) = problems
    assert problem.code == code and problem.severity == "error"
    assert "2026-06-30" in problem.message and "Rotate secret" in problem.message
    assert connector.credential_warnings({}, dt.datetime.now(dt.UTC)) == []


def test_unknown_payload_shapes_are_payload_errors(order, items):
    broken = copy.deepcopy(order)
    broken["OrderTotal"] = "11.01"
    with pytest.raises(PayloadError, match="should be a Money object"):
        mapping.order_from_payload(broken, items)
    with pytest.raises(PayloadError, match="without AmazonOrderId"):
        mapping.order_from_payload({"OrderStatus": "Unshipped"}, items)
