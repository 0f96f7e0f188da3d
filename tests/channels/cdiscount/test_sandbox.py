"""The CDiscount simulator over raw HTTP: STS, envelopes and faults, filters, state machine,
control API."""

from __future__ import annotations

import re

import pytest
import requests
from lxml import etree

from sandbox.cdiscount.soap import CDS, MSG, SOAP_ENV, XSI

ACTION = "http://www.cdiscount.com/IMarketplaceAPIService/"


def envelope(operation: str, token: str | None, body: str = "", site: bool = True) -> bytes:
    context = "<m:Context><m:SiteID>100</m:SiteID></m:Context>" if site else ""
    security = f"<m:Security><m:TokenId>{token}</m:TokenId></m:Security>" if token else ""
    return (
        f'<s:Envelope xmlns:s="{SOAP_ENV}"><s:Body><c:{operation} xmlns:c="{CDS}">'
        f'<c:headerMessage xmlns:m="{MSG}">{context}<m:Localization/>{security}'
        f"<m:Version>1.0</m:Version></c:headerMessage>{body}</c:{operation}></s:Body></s:Envelope>"
    ).encode()


def post(seller, operation: str, data: bytes, action: str | None = None) -> requests.Response:
    headers = {"SOAPAction": f'"{ACTION}{action or operation}"',
               "Content-Type": "text/xml; charset=utf-8"}
    return requests.post(seller.service_url, data=data, headers=headers, timeout=10)


def result(response: requests.Response, operation: str) -> etree._Element:
    root = etree.fromstring(response.content)
    return root.find(f".//{{{CDS}}}{operation}Result")


def base(element: etree._Element) -> tuple[str, list[str]]:
    success = element.findtext(f"{{{MSG}}}OperationSuccess")
    kinds = [e.text for e in element.iter(f"{{{CDS}}}ErrorType")]
    return success, kinds


def order_numbers(element: etree._Element) -> list[str]:
    return [e.text for e in element.iter(f"{{{CDS}}}OrderNumber")]


@pytest.fixture
def seller(cdiscount_seller):
    return cdiscount_seller()


def test_sts_issues_a_32_hex_token_and_refuses_a_wrong_password(seller):
    response = requests.get(seller.token_url, auth=(seller.login, seller.password), timeout=10)
    assert response.status_code == 200 and response.headers["Content-Type"].startswith(
        "text/plain")
    root = etree.fromstring(response.content)
    assert root.tag == "{http://schemas.microsoft.com/2003/10/Serialization/}string"
    assert re.fullmatch(r"[0-9a-f]{32}", root.text)
    wrong = requests.get(seller.token_url, auth=(seller.login, "nope"), timeout=10)
    assert wrong.status_code == 401
    assert requests.get(seller.token_url, timeout=10).status_code == 401


def test_unreadable_requests_get_soap_faults_with_http_500(seller):
    token = seller.token()
    cases = [
        (b"<not xml", "GetOrderList", "a:InvalidMessage"),
        (envelope("GetOrderList", token), "NoSuchOperation", "a:ActionNotSupported"),
        (envelope("GetOrderList", token), "ValidateOrderList", "a:DeserializationFailed"),
        (envelope("GetOrderList", token, "<c:orderFilter><c:States><c:OrderStateEnum>"
                  "ShippedBySeller</c:OrderStateEnum></c:States></c:orderFilter>"),
         "GetOrderList", "a:DeserializationFailed"),
        (envelope("GetOrderList", token, "<c:orderFilter><c:BeginCreationDate>hier"
                  "</c:BeginCreationDate></c:orderFilter>"), "GetOrderList",
         "a:DeserializationFailed"),
    ]
    for data, action, code in cases:
        response = post(seller, "GetOrderList", data, action)
        assert response.status_code == 500, data
        fault = etree.fromstring(response.content).find(f".//{{{SOAP_ENV}}}Fault")
        assert fault.findtext("faultcode") == code


def test_token_and_header_problems_are_business_errors_with_http_200(seller):
    response = post(seller, "GetOrderList", envelope("GetOrderList", "f" * 32))
    assert response.status_code == 200
    assert base(result(response, "GetOrderList")) == ("false", ["NotAuthorizedException"])
    response = post(seller, "GetOrderList", envelope("GetOrderList", seller.token(), site=False))
    assert base(result(response, "GetOrderList")) == ("false", ["InvalidRequest"])
    token = seller.token()
    fresh = post(seller, "GetSellerInformation", envelope("GetSellerInformation", token))
    assert base(result(fresh, "GetSellerInformation")) == ("true", [])
    assert seller.expire_tokens() == {"expired": 2}
    stale = post(seller, "GetSellerInformation", envelope("GetSellerInformation", token))
    assert base(result(stale, "GetSellerInformation")) == ("false", ["NotAuthorizedException"])


def test_get_order_list_filters_by_state_dates_and_numbers(seller):
    waiting = seller.add_orders(count=3, seed=1, start="2025-03-01T08:00:00Z")["created"]
    paying = seller.add_orders(count=2, seed=2, start="2025-03-02T08:00:00Z",
                               state="PaymentInProgress")["created"]
    token = seller.token()

    def listing(filter_xml: str) -> list[str]:
        response = post(seller, "GetOrderList", envelope("GetOrderList", token,
                                                          f"<c:orderFilter>{filter_xml}"
                                                          "</c:orderFilter>"))
        element = result(response, "GetOrderList")
        assert base(element) == ("true", [])
        return order_numbers(element)

    states = "<c:States><c:OrderStateEnum>WaitingForShipmentAcceptation</c:OrderStateEnum>" \
             "</c:States>"
    assert listing(states) == waiting
    # Dates without an offset are Paris time: 09:00 in March is 08:00 UTC.
    assert listing("<c:BeginCreationDate>2025-03-02T09:00:00</c:BeginCreationDate>") == paying
    assert listing("<c:EndCreationDate>2025-03-02T09:00:00</c:EndCreationDate>") == waiting
    refs = f'<c:OrderReferenceList xmlns:a="http://schemas.microsoft.com/2003/10/' \
           f'Serialization/Arrays"><a:string>{paying[1]}</a:string></c:OrderReferenceList>'
    assert listing(refs) == [paying[1]]
    without_lines = post(seller, "GetOrderList", envelope("GetOrderList", token))
    lines = result(without_lines, "GetOrderList").find(f".//{{{CDS}}}OrderLineList")
    assert lines.get(f"{{{XSI}}}nil") == "true"  # FetchOrderLines defaults to false


def test_dates_are_paris_time_in_xsd_order(seller):
    (number,) = seller.add_orders(count=1, seed=3, start="2025-07-14T16:29:00Z")["created"]
    order = seller.order(number)
    assert order["CreationDate"].startswith("2025-07-14T18:")  # UTC+2 in July
    assert number.startswith("2507141")
    keys = [k for k in order if not k.startswith("_")]
    assert keys.index("CreationDate") < keys.index("OrderLineList") < keys.index("OrderNumber")


def test_validate_order_list_ships_once_then_refuses_incoherent_states(seller):
    (number,) = seller.add_orders(count=1, seed=4)["created"]
    sku = seller.order(number)["OrderLineList"]["OrderLine"][0]["SellerProductId"]
    validate = (
        f"<c:validateOrderListMessage><c:OrderList><c:ValidateOrder><c:CarrierName>DPD"
        f"</c:CarrierName><c:OrderLineList><c:ValidateOrderLine><c:AcceptationState>"
        f"ShippedBySeller</c:AcceptationState><c:ProductCondition>New</c:ProductCondition>"
        f"<c:SellerProductId>{sku}</c:SellerProductId></c:ValidateOrderLine></c:OrderLineList>"
        f"<c:OrderNumber>{number}</c:OrderNumber><c:OrderState>Shipped</c:OrderState>"
        f"<c:TrackingNumber>TRK1</c:TrackingNumber></c:ValidateOrder></c:OrderList>"
        "</c:validateOrderListMessage>"
    )
    token = seller.token()
    first = result(post(seller, "ValidateOrderList", envelope("ValidateOrderList", token,
                                                              validate)), "ValidateOrderList")
    assert first.findtext(f".//{{{CDS}}}Validated") == "true"
    second = result(post(seller, "ValidateOrderList", envelope("ValidateOrderList", token,
                                                               validate)), "ValidateOrderList")
    assert base(second) == ("true", ["OrderStateIncoherent"])  # per order, not per call
    assert second.findtext(f".//{{{CDS}}}Validated") == "false"
    untracked = validate.replace("<c:TrackingNumber>TRK1</c:TrackingNumber>", "")
    (other,) = seller.add_orders(count=1, seed=5)["created"]
    untracked = untracked.replace(number, other).replace(sku, seller.order(other)[
        "OrderLineList"]["OrderLine"][0]["SellerProductId"])
    third = result(post(seller, "ValidateOrderList", envelope("ValidateOrderList", token,
                                                              untracked)), "ValidateOrderList")
    assert base(third)[1] == ["OrderTrackingInformationError"]
    assert seller.summary()["orders"][number] | {"shipment": None} == {
        "order_state": "Shipped", "malformed": None, "validate_calls": 2, "validate_ok": 1,
        "shipment": None}


def test_control_api_cancel_advance_and_errors(seller):
    numbers = seller.add_orders(count=2, seed=6, state="PaymentInProgress")["created"]
    assert seller.advance([numbers[0]])["advanced"] == [numbers[0]]
    assert seller.cancel(numbers[1])["OrderState"] == "CancelledByCustomer"
    assert seller.summary()["states"] == {"CancelledByCustomer": 1,
                                          "WaitingForShipmentAcceptation": 1}
    control = seller.control
    assert requests.post(f"{control}/orders", json={"count": -1}, timeout=5).status_code == 400
    assert requests.post(f"{control}/orders", json={"state": "Nope", "count": 1},
                         timeout=5).status_code == 400
    assert requests.post(f"{control}/faults", json={"kind": "nope"}, timeout=5).status_code == 400
    assert requests.get(f"{control}/orders/NOPE", timeout=5).status_code == 404
    missing = requests.get(f"{seller.base}/_sandbox/sellers/nobody", timeout=5)
    assert missing.status_code == 404 and "does not exist" in missing.json()["error"]


def test_explicit_orders_merge_onto_generated_ones(seller):
    body = {"orders": [{"OrderNumber": "EXPLICIT0001", "ShippingCode": "EXP",
                        "OrderLineList": {"OrderLine": [{"SellerProductId": "SKU-A"},
                                                        {"SellerProductId": "SKU-B"}]}}]}
    assert seller.add_orders(**body)["created"] == ["EXPLICIT0001"]
    order = seller.order("EXPLICIT0001")
    lines = order["OrderLineList"]["OrderLine"]
    assert [(x["SellerProductId"], x["RowId"]) for x in lines] == [("SKU-A", "0"), ("SKU-B", "1")]
    assert order["ShippingCode"] == "EXP"
    again = requests.post(f"{seller.control}/orders", json=body, timeout=5)
    assert again.status_code == 409
