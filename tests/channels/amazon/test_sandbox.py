"""The Amazon simulator over HTTP, as a client of the real API would see it."""

import datetime as dt
import io
import json
import zipfile

import pytest
import requests

pytestmark = pytest.mark.usefixtures("sandbox_url")


def iso(value: dt.datetime) -> str:
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def token(seller) -> str:
    response = requests.post(
        f"{seller.base}/auth/o2/token",
        data={
            "grant_type": "refresh_token",
            "refresh_token": seller.refresh_token,
            "client_id": seller.client_id,
            "client_secret": seller.client_secret,
        },
        timeout=10,
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["token_type"] == "bearer" and body["expires_in"] == 3600
    return body["access_token"]


def rdt(seller, access: str, resources=None) -> str:
    resources = resources or [
        {"method": "GET", "path": "/orders/v0/orders", "dataElements": ["shippingAddress"]},
        {"method": "GET", "path": "/orders/v0/orders/{orderId}/orderItems/buyerInfo"},
    ]
    response = requests.post(
        f"{seller.base}/tokens/2021-03-01/restrictedDataToken",
        json={"restrictedResources": resources},
        headers={"x-amz-access-token": access},
        timeout=10,
    )
    assert response.status_code == 200, response.text
    return response.json()["restrictedDataToken"]


def get_orders(seller, access: str, **params):
    params.setdefault("MarketplaceIds", "A1F83G8C2ARO7P")
    if "LastUpdatedAfter" not in params and "NextToken" not in params:
        params.setdefault("CreatedAfter", iso(now() - dt.timedelta(days=1)))
    return requests.get(
        f"{seller.base}/orders/v0/orders",
        params=params,
        headers={"x-amz-access-token": access},
        timeout=10,
    )


def test_lwa_refuses_unknown_refresh_tokens_and_wrong_clients(amazon_seller):
    seller = amazon_seller()
    form = {
        "grant_type": "refresh_token",
        "refresh_token": "Atzr|nope",
        "client_id": seller.client_id,
        "client_secret": seller.client_secret,
    }
    url = f"{seller.base}/auth/o2/token"
    refused = requests.post(url, data=form, timeout=10)
    assert refused.status_code == 400 and refused.json()["error"] == "invalid_grant"
    form.update(refresh_token=seller.refresh_token, client_secret="old-secret")
    wrong = requests.post(url, data=form, timeout=10)
    assert wrong.status_code == 401 and wrong.json()["error"] == "invalid_client"
    bare = requests.post(url, data={"grant_type": "refresh_token"}, timeout=10)
    assert bare.status_code == 400 and bare.json()["error"] == "invalid_request"


def test_calls_need_a_valid_access_token(amazon_seller):
    seller = amazon_seller()
    missing = get_orders(seller, "")
    assert missing.status_code == 403
    assert missing.json()["errors"][0]["code"] == "Unauthorized"
    access = token(seller)
    assert get_orders(seller, access).status_code == 200
    seller.expire_tokens()
    expired = get_orders(seller, access)
    assert expired.status_code == 403 and "expired" in expired.json()["errors"][0]["details"]


def test_pii_only_with_a_restricted_data_token(amazon_seller):
    seller = amazon_seller()
    (order_id,) = seller.add_orders(count=1, seed=3, personalised=1)["created"]
    access = token(seller)
    plain = get_orders(seller, access).json()["payload"]["Orders"][0]
    assert set(plain["ShippingAddress"]) == {"City", "StateOrRegion", "PostalCode", "CountryCode"}
    assert "BuyerInfo" not in plain
    restricted = rdt(seller, access)
    full = get_orders(seller, restricted).json()["payload"]["Orders"][0]
    assert full["ShippingAddress"]["Name"] and full["ShippingAddress"]["AddressLine1"]
    assert "BuyerInfo" not in full  # the RDT asked for shippingAddress only
    info_url = f"{seller.base}/orders/v0/orders/{order_id}/orderItems/buyerInfo"
    denied = requests.get(info_url, headers={"x-amz-access-token": access}, timeout=10)
    assert denied.status_code == 403
    info = requests.get(info_url, headers={"x-amz-access-token": restricted}, timeout=10)
    url = info.json()["payload"]["OrderItems"][0]["BuyerCustomizedInfo"]["CustomizedURL"]
    archive = zipfile.ZipFile(io.BytesIO(requests.get(url, timeout=10).content))
    (name,) = [n for n in archive.namelist() if n.endswith(".json")]
    document = json.loads(archive.read(name))
    areas = document["version3.0"]["customizationInfo"]["surfaces"][0]["areas"]
    assert areas[0]["customizationType"] == "TextPrinting" and areas[0]["text"]
    items_url = f"{seller.base}/orders/v0/orders/{order_id}/orderItems"
    wrong_use = requests.get(items_url, headers={"x-amz-access-token": restricted}, timeout=10)
    assert wrong_use.status_code == 403  # an RDT opens only what it was issued for


def test_get_orders_rules(amazon_seller):
    seller = amazon_seller()
    access = token(seller)
    too_late = get_orders(seller, access, CreatedBefore=iso(now() - dt.timedelta(seconds=30)))
    assert too_late.status_code == 400
    error = too_late.json()["errors"][0]
    assert error["code"] == "InvalidInput" and "2 minutes" in error["details"]
    both = get_orders(
        seller,
        access,
        LastUpdatedAfter=iso(now() - dt.timedelta(days=1)),
        CreatedAfter=iso(now() - dt.timedelta(days=1)),
    )
    assert both.status_code == 400
    assert get_orders(seller, access, MarketplaceIds="").status_code == 400
    assert get_orders(seller, access, MarketplaceIds="ATVPDKIKX0DER").status_code == 400
    assert get_orders(seller, access, OrderStatuses="Lost").status_code == 400
    ok = get_orders(seller, access)
    assert ok.headers["x-amzn-RateLimit-Limit"] == "200" and ok.headers["x-amzn-RequestId"]
    assert ok.json()["payload"]["CreatedBefore"]


def test_next_token_pages_through_a_fixed_set(amazon_seller):
    seller = amazon_seller()
    created = seller.add_orders(count=5, seed=1)["created"]
    access = token(seller)
    first = get_orders(seller, access, MaxResultsPerPage="2").json()["payload"]
    ids = [o["AmazonOrderId"] for o in first["Orders"]]
    next_token = first["NextToken"]
    while next_token:
        page = get_orders(seller, access, NextToken=next_token).json()["payload"]
        ids += [o["AmazonOrderId"] for o in page["Orders"]]
        next_token = page.get("NextToken")
    assert ids == created  # oldest first
    reused = get_orders(seller, access, NextToken=first["NextToken"])
    assert reused.status_code == 400


def test_static_test_cases_are_replayed(amazon_seller):
    seller = amazon_seller()
    access = token(seller)
    canned = get_orders(
        seller, access, CreatedAfter="TEST_CASE_200", MarketplaceIds="ATVPDKIKX0DER"
    )
    ids = [o["AmazonOrderId"] for o in canned.json()["payload"]["Orders"]]
    assert ids == ["902-1845936-5435065", "902-8745147-1934268"]
    paged = get_orders(
        seller, access, CreatedAfter="TEST_CASE_200_NEXT_TOKEN", MarketplaceIds="ATVPDKIKX0DER"
    ).json()["payload"]
    assert paged["NextToken"] == "2YgYW55IGNhcm5hbCBwbGVhc3VyZS4"
    bad = get_orders(seller, access, CreatedAfter="TEST_CASE_400")
    assert bad.status_code == 400 and bad.json()["errors"][0]["message"] == "Invalid Input"
    items = requests.get(
        f"{seller.base}/orders/v0/orders/TEST_CASE_200/orderItems",
        headers={"x-amz-access-token": access},
        timeout=10,
    )
    assert items.json()["payload"]["OrderItems"][0]["SellerSKU"] == "NABetaASINB00551Q3CS"


def test_usage_plan_throttles_with_quota_exceeded(amazon_seller):
    seller = amazon_seller(rates={"getOrders": {"rate_per_second": 0.01, "burst": 1}})
    access = token(seller)
    assert get_orders(seller, access).status_code == 200
    throttled = get_orders(seller, access)
    assert throttled.status_code == 429
    assert throttled.json()["errors"][0]["code"] == "QuotaExceeded"
    assert "x-amzn-RateLimit-Limit" not in throttled.headers
    assert seller.summary()["throttled"] == 1


def test_pending_orders_turn_unshipped_and_confirmation_ships_them(amazon_seller):
    seller = amazon_seller(pending_delay_seconds=None)
    (order_id,) = seller.add_orders(count=1, seed=2)["created"]
    view = seller.order(order_id)
    assert view["OrderStatus"] == "Pending"
    access = token(seller)
    pending = get_orders(seller, access).json()["payload"]["Orders"][0]
    assert "OrderTotal" not in pending and "ShippingAddress" not in pending
    seller.advance([order_id])
    item = view["items"][0]
    body = {
        "marketplaceId": "A1F83G8C2ARO7P",
        "packageDetail": {
            "packageReferenceId": "1",
            "carrierCode": "Royal Mail",
            "trackingNumber": "RM123",
            "shipDate": "02/21/2022",
            "orderItems": [{"orderItemId": item["OrderItemId"], "quantity": 1}],
        },
    }
    url = f"{seller.base}/orders/v0/orders/{order_id}/shipmentConfirmation"
    headers = {"x-amz-access-token": access}
    bad_date = requests.post(url, json=body, headers=headers, timeout=10)
    assert bad_date.status_code == 400 and bad_date.json()["errors"][0]["code"] == "InvalidInput"
    body["packageDetail"]["shipDate"] = "2022-02-11T01:00:00.000Z"
    for extra in view["items"][1:]:
        body["packageDetail"]["orderItems"].append(
            {"orderItemId": extra["OrderItemId"], "quantity": extra["QuantityOrdered"]}
        )
    body["packageDetail"]["orderItems"][0]["quantity"] = item["QuantityOrdered"]
    done = requests.post(url, json=body, headers=headers, timeout=10)
    assert done.status_code == 204 and "x-amzn-RateLimit-Limit" in done.headers
    assert seller.order(order_id)["OrderStatus"] == "Shipped"
    again = requests.post(url, json=body, headers=headers, timeout=10)
    assert again.status_code == 400
    summary = seller.summary()["orders"][order_id]
    assert (summary["confirm_calls"], summary["confirm_ok"]) == (3, 1)
    cancel = requests.post(f"{seller.control}/orders/{order_id}/cancel", json={}, timeout=10)
    assert cancel.status_code == 409


def test_faults_hit_the_next_matching_calls(amazon_seller):
    seller = amazon_seller()
    seller.add_orders(count=2, seed=4)
    access = token(seller)
    seller.fault(kind="status", status=503, count=1, path="/orders/v0/orders", method="GET")
    seller.fault(kind="broken_body", count=1, path="/orders/v0/orders")
    failed = get_orders(seller, access)
    assert failed.status_code == 503
    assert failed.json()["errors"][0]["code"] == "ServiceUnavailable"
    broken = get_orders(seller, access)
    assert broken.status_code == 200
    with pytest.raises(ValueError):
        broken.json()
    assert get_orders(seller, access).status_code == 200
    faulted = [c["fault"] for c in seller.calls(operation="getOrders")]
    assert faulted == ["status", "broken_body", None]
