"""The M&S simulator over real HTTP: its API contract (API.md) and its control API."""

from __future__ import annotations

import requests

from sandbox.marks_spencer.generator import MALFORMED_KINDS


def page(supplier, **params):
    response = supplier.api("GET", "/v1/orders", params=params)
    assert response.status_code == 200, response.text
    return response.json()


def error(response) -> str:
    return response.json()["error"]["code"]


def test_auth_is_the_x_api_key_header(ms_supplier):
    supplier = ms_supplier()
    assert error(supplier.api("GET", "/v1/orders", api_key=None)) == "UNAUTHORIZED"
    assert supplier.api("GET", "/v1/orders", api_key="nope").status_code == 401
    wrong_header = requests.get(
        f"{supplier.base}/v1/orders", headers={"Authorization": supplier.api_key}, timeout=10
    )
    assert wrong_header.status_code == 401
    assert supplier.api("GET", "/v1/orders").status_code == 200


def test_generated_orders_are_deterministic_realistic_and_personalised(ms_supplier):
    one, two = ms_supplier(), ms_supplier()
    first = one.add_orders(count=20, seed=5, start="2026-03-01T06:00:00Z")["created"]
    one_orders = one.orders()
    two.add_orders(count=20, seed=5, start="2026-03-01T06:00:00Z")
    strip = {"order_number", "updated_at"}
    assert [{k: v for k, v in o.items() if k not in strip} for o in one_orders] == [
        {k: v for k, v in o.items() if k not in strip} for o in two.orders()
    ]
    assert len(first) == 20 and first == sorted(first)
    order = one_orders[0]
    assert order["status"] == "OPEN" and order["currency"] == "GBP"
    assert order["created_at"] > "2026-03-01T06:00:00Z"
    assert order["delivery_address"]["postcode"] and order["lines"][0]["sku"].startswith("MS-")
    texts = [
        line["personalisation"]["text"]
        for o in one_orders
        for line in o["lines"]
        if line["personalisation"]
    ]
    assert texts, "personalised products carry the buyer's text"


def test_keyset_paging_never_skips_an_order_that_changes_meanwhile(ms_supplier):
    supplier = ms_supplier()
    numbers = supplier.add_orders(count=25, seed=1)["created"]
    first = page(supplier, limit=10, status="OPEN")
    seen = [o["order_number"] for o in first["orders"]]
    supplier.cancel(numbers[0])  # leaves the OPEN filter: the rest must not shift
    later = supplier.add_orders(orders=[{}])["created"]
    token = first["next_page_token"]
    while token:
        body = page(supplier, limit=10, status="OPEN", page_token=token)
        seen += [o["order_number"] for o in body["orders"]]
        token = body["next_page_token"]
    assert set(numbers) <= set(seen) and later[0] in seen
    assert len(seen) == len(set(seen))


def test_page_tokens_are_bound_to_their_filters_and_parameters_are_strict(ms_supplier):
    supplier = ms_supplier()
    supplier.add_orders(count=3, seed=1)
    token = page(supplier, limit=1, status="OPEN")["next_page_token"]
    other = supplier.api("GET", "/v1/orders", params={"limit": 1, "page_token": token})
    assert (other.status_code, error(other)) == (400, "INVALID_PAGE_TOKEN")
    junk = supplier.api("GET", "/v1/orders", params={"page_token": "!!"})
    assert error(junk) == "INVALID_PAGE_TOKEN"
    for params, field in (
        ({"limit": 101}, "limit"),
        ({"status": "NEW"}, "status"),
        ({"updated_from": "yesterday"}, "updated_from"),
        ({"updated_since": "2026-01-01"}, "updated_since"),
    ):
        response = supplier.api("GET", "/v1/orders", params=params)
        assert response.status_code == 400
        assert response.json()["error"]["field"] == field


def test_updated_window_is_half_open(ms_supplier):
    supplier = ms_supplier()
    supplier.add_orders(count=2, seed=1)
    stamp = supplier.orders()[0]["updated_at"]
    assert len(page(supplier, updated_from=stamp)["orders"]) == 2
    assert page(supplier, updated_to=stamp)["orders"] == []


def test_order_detail_and_dispatch_validation(ms_supplier):
    supplier = ms_supplier()
    (number,) = supplier.add_orders(count=1, seed=2)["created"]
    assert supplier.api("GET", f"/v1/orders/{number}").json()["order_number"] == number
    assert error(supplier.api("GET", "/v1/orders/MS1")) == "ORDER_NOT_FOUND"
    path = f"/v1/orders/{number}/dispatch"
    missing = supplier.api("POST", path, json={"carrier": "DPD"})
    assert (missing.status_code, missing.json()["error"]["field"]) == (400, "tracking_number")
    future = supplier.api(
        "POST",
        path,
        json={"carrier": "DPD", "tracking_number": "1", "dispatched_at": "2999-01-01T00:00:00Z"},
    )
    assert future.json()["error"]["field"] == "dispatched_at"
    done = supplier.api("POST", path, json={"carrier": "DPD", "tracking_number": "15501"})
    assert done.status_code == 200 and done.json()["status"] == "DISPATCHED"
    assert supplier.cancel(number).status_code == 409
    summary = supplier.summary()["orders"][number]
    assert (summary["dispatch_calls"], summary["dispatch_ok"]) == (3, 1)


def test_malformed_kinds_and_explicit_orders(ms_supplier):
    supplier = ms_supplier()
    result = supplier.add_orders(
        malformed=len(MALFORMED_KINDS),
        orders=[
            {
                "order_number": "MS-CUSTOM-1",
                "lines": [{"sku": "MS-TOTE-NAT", "quantity": 4}],
                "delivery_address": {"town": "Perth"},
            }
        ],
    )
    kinds = {o["malformed"] for o in supplier.summary()["orders"].values() if o["malformed"]}
    assert kinds == set(MALFORMED_KINDS) and len(result["malformed"]) == len(MALFORMED_KINDS)
    custom = supplier.order("MS-CUSTOM-1")
    assert custom["lines"][0]["sku"] == "MS-TOTE-NAT" and custom["lines"][0]["quantity"] == 4
    assert custom["delivery_address"]["town"] == "Perth" and custom["delivery_address"]["postcode"]
    duplicate = requests.post(
        f"{supplier.control}/orders", json={"orders": [{"order_number": "MS-CUSTOM-1"}]}, timeout=10
    )
    assert duplicate.status_code == 400 and "already exists" in duplicate.json()["error"]


def test_faults_match_method_and_path_and_are_consumed(ms_supplier):
    supplier = ms_supplier()
    supplier.fault(kind="status", status=502, count=2, method="GET", path="/v1/orders")
    assert supplier.api("GET", "/v1/orders/MS1").status_code == 404  # another path
    assert error(supplier.api("GET", "/v1/orders")) == "BAD_GATEWAY"
    assert supplier.api("GET", "/v1/orders").status_code == 502
    assert supplier.api("GET", "/v1/orders").status_code == 200
    faults = requests.get(f"{supplier.control}/faults", timeout=10).json()["faults"]
    assert faults == []
    bad = requests.post(f"{supplier.control}/faults", json={"kind": "fire"}, timeout=10)
    assert bad.status_code == 400
    assert [c["fault"] for c in supplier.calls()] == [None, "status", "status", None]


def test_control_api_answers_clear_errors(ms_supplier, sandbox_url):
    control = f"{sandbox_url}/marks_spencer/_sandbox"
    missing = requests.get(f"{control}/suppliers/NOPE/summary", timeout=10)
    assert missing.status_code == 404 and "does not exist" in missing.json()["error"]
    supplier = ms_supplier()
    taken = requests.post(
        f"{control}/suppliers",
        timeout=10,
        json={"supplier_code": "OTHER", "api_key": supplier.api_key},
    )
    assert taken.status_code == 409
    again = requests.post(
        f"{control}/suppliers",
        timeout=10,
        json={
            "supplier_code": supplier.code,
            "api_key": supplier.api_key,
            "rate_limit": {"rate_per_second": 5, "burst": 5},
        },
    )
    assert again.status_code == 201 and again.json()["created"] is False
    assert again.json()["rate_limit"] == {"rate_per_second": 5.0, "burst": 5}
    assert requests.post(f"{control}/suppliers", json=[], timeout=10).status_code == 400
