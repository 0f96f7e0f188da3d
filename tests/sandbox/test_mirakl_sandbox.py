"""The Mirakl sandbox over real HTTP: auth, OR11 paging and filters, the order state machine,
tracking and shipping, M11 threads, faults, rate limits, generation and the control API."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest
import requests

from sandbox.ratelimit import TokenBucket, retry_after_header
from sandbox.server import SandboxServer
from sandbox.timeutil import parse_iso, to_iso

START = "2025-01-01T00:00:00Z"


def error_code(response: requests.Response) -> str:
    return response.json()["errors"][0]["code"]


def two_line_order(mirakl, order_id: str = "ORD-500-A", **extra) -> dict:
    mirakl.seed(
        orders=[
            {
                "order_id": order_id,
                "order_lines": [{"offer_sku": "SKU-MUG-WHITE-330"}, {"offer_sku": "SKU-CAP-NAVY"}],
                **extra,
            }
        ]
    )
    return mirakl.order(order_id)


# --- server and app -------------------------------------------------------------------------


def test_healthz_and_global_reset(mirakl):
    assert mirakl.http.get(f"{mirakl.base_url}/healthz", timeout=5).json()["ok"] is True
    mirakl.seed(count=3, seed=1)
    response = mirakl.http.post(f"{mirakl.base_url}/_sandbox/reset", timeout=5)
    assert response.status_code == 200
    missing = mirakl.http.get(f"{mirakl.control}/shops/{mirakl.shop_id}", timeout=5)
    assert missing.status_code == 404
    assert mirakl.api("GET", "/api/orders").status_code == 401


def test_server_url_context_and_stop():
    server = SandboxServer()
    with pytest.raises(RuntimeError):
        _ = server.url
    with server:
        assert server.url.startswith("http://127.0.0.1:")
        url = server.url
        assert requests.get(f"{url}/healthz", timeout=5).status_code == 200
    with pytest.raises(requests.ConnectionError):
        requests.get(f"{url}/healthz", timeout=2)


def test_unknown_path_answers_json_404(mirakl):
    response = mirakl.api("GET", "/api/nothing-here")
    assert response.status_code == 404
    assert response.json() == {"status": 404, "message": "Not Found"}


# --- authentication -------------------------------------------------------------------------


@pytest.mark.parametrize("key", [None, "wrong-key", "Bearer key-2001-secret"])
def test_missing_or_wrong_key_is_401(mirakl, key):
    response = mirakl.api("GET", "/api/orders", api_key=key)
    assert response.status_code == 401
    assert response.json() == {"status": 401, "message": "Unauthorized"}


def test_auth_applies_to_every_real_endpoint(mirakl):
    for method, path in [
        ("PUT", "/api/orders/X/accept"),
        ("PUT", "/api/orders/X/tracking"),
        ("PUT", "/api/orders/X/ship"),
        ("GET", "/api/inbox/threads"),
    ]:
        assert mirakl.api(method, path, api_key="nope").status_code == 401


def test_shop_id_must_match_the_key(mirakl):
    mirakl.create_shop(2002, "key-2002")
    assert mirakl.api("GET", "/api/orders", params={"shop_id": 2001}).status_code == 200
    response = mirakl.api("GET", "/api/orders", params={"shop_id": 2002})
    assert response.status_code == 403
    assert response.json()["status"] == 403
    assert mirakl.api("GET", "/api/orders", params={"shop_id": "abc"}).status_code == 400


def test_each_shop_sees_only_its_orders(mirakl):
    mirakl.create_shop(2002, "key-2002")
    mirakl.seed(count=3, seed=1)
    mirakl.seed(2002, count=2, seed=1)
    assert mirakl.orders()["total_count"] == 3
    assert mirakl.orders(api_key="key-2002")["total_count"] == 2


# --- OR11 -----------------------------------------------------------------------------------


def test_paging_with_total_count(mirakl):
    created = mirakl.seed(count=25, seed=3, start=START)["created"]
    first = mirakl.orders()
    assert len(first["orders"]) == 10 and first["total_count"] == 25
    seen = []
    for offset in (0, 10, 20):
        page = mirakl.orders(max=10, offset=offset)
        assert page["total_count"] == 25
        seen += [order["order_id"] for order in page["orders"]]
    assert seen == created  # dateCreated ascending by default
    assert mirakl.orders(max=10, offset=30)["orders"] == []
    everything = mirakl.orders(paginate="false")
    assert len(everything["orders"]) == 25
    newest_first = mirakl.orders(max=5, sort="dateCreated", order="desc")
    assert [o["order_id"] for o in newest_first["orders"]] == created[::-1][:5]


@pytest.mark.parametrize(
    "params",
    [
        {"max": 101},
        {"max": 0},
        {"max": "ten"},
        {"offset": -1},
        {"sort": "price"},
        {"order": "up"},
        {"order_state_codes": "SHIPPING,NOPE"},
        {"start_update_date": "yesterday"},
        {"customer_debited": "maybe"},
    ],
)
def test_bad_parameters_are_400(mirakl, params):
    response = mirakl.api("GET", "/api/orders", params=params)
    assert response.status_code == 400
    assert error_code(response) == "VALIDATION_ERROR"


def test_filters(mirakl):
    created = mirakl.seed(count=6, seed=5, start=START)["created"]
    picked = mirakl.orders(order_ids=",".join(created[1:3]))
    assert [o["order_id"] for o in picked["orders"]] == created[1:3]
    assert picked["total_count"] == 2

    advanced = mirakl.http.post(
        f"{mirakl.control}/shops/{mirakl.shop_id}/advance",
        json={"order_ids": created[:2], "state": "SHIPPING"},
        timeout=5,
    )
    assert advanced.json()["advanced"] == created[:2]
    shipping = mirakl.orders(order_state_codes="SHIPPING")
    assert {o["order_id"] for o in shipping["orders"]} == set(created[:2])
    both = mirakl.orders(order_state_codes="SHIPPING,WAITING_ACCEPTANCE")
    assert both["total_count"] == 6
    assert mirakl.orders(customer_debited="true")["total_count"] == 2
    assert mirakl.orders(customer_debited="false")["total_count"] == 4

    third = mirakl.order(created[2])
    created_at = third["created_date"]
    window = mirakl.orders(start_date=created_at, end_date=mirakl.order(created[4])["created_date"])
    assert [o["order_id"] for o in window["orders"]] == created[2:4]  # start in, end out

    # The two advanced orders were updated now; the others months ago (inclusive start).
    first_update = mirakl.order(created[0])["last_updated_date"]
    recent = mirakl.orders(start_update_date=first_update)
    assert {o["order_id"] for o in recent["orders"]} >= {created[0]}
    assert set(created[2:]).isdisjoint(o["order_id"] for o in recent["orders"])


def test_order_payload_follows_the_reference_shape(mirakl):
    mirakl.seed(count=1, seed=9, start=START)
    order = mirakl.orders()["orders"][0]
    for field in (
        "order_id",
        "commercial_id",
        "order_state",
        "created_date",
        "last_updated_date",
        "currency_iso_code",
        "price",
        "shipping_price",
        "total_price",
        "shipping_type_code",
        "shipping_type_label",
        "customer",
        "has_customer_message",
        "order_additional_fields",
        "order_lines",
        "customer_debited_date",
        "acceptance_decision_date",
        "shipping_deadline",
        "paymentType",
        "order_tax_mode",
        "total_commission",
    ):
        assert field in order, field
    assert order["order_id"] == f"{order['commercial_id']}-A"
    assert order["order_state"] == "WAITING_ACCEPTANCE"
    assert order["created_date"].endswith("Z")
    customer = order["customer"]
    assert customer["billing_address"] is None and customer["shipping_address"] is None
    assert {"customer_id", "firstname", "lastname", "civility", "locale"} <= set(customer)
    for index, line in enumerate(order["order_lines"], start=1):
        assert line["order_line_id"] == f"{order['order_id']}-{index}"
        assert line["order_line_index"] == index
        assert line["order_line_state"] == "WAITING_ACCEPTANCE"
        assert line["offer_sku"].startswith("SKU-")
        assert line["price"] == round(line["quantity"] * line["price_unit"], 2)
        assert isinstance(line["order_line_additional_fields"], list)
    assert order["price"] == round(sum(line["price"] for line in order["order_lines"]), 2)
    assert order["total_price"] == round(order["price"] + order["shipping_price"], 2)


# --- state machine --------------------------------------------------------------------------


def test_accept_then_debit_after_delay_then_track_and_ship(mirakl, poll):
    mirakl.create_shop(debit_delay_seconds=1)
    mirakl.seed(count=1, seed=11, start=START)
    order = mirakl.orders()["orders"][0]
    order_id = order["order_id"]
    accepted_at = datetime.now(UTC)

    assert mirakl.accept_all(order).status_code == 204
    waiting = mirakl.orders(order_ids=order_id)["orders"][0]
    assert waiting["order_state"] == "WAITING_DEBIT_PAYMENT"
    assert {line["order_line_state"] for line in waiting["order_lines"]} == {
        "WAITING_DEBIT_PAYMENT"
    }
    assert waiting["customer"]["shipping_address"] is None
    assert waiting["acceptance_decision_date"] is not None

    def shipping():
        current = mirakl.orders(order_ids=order_id)["orders"][0]
        return current if current["order_state"] == "SHIPPING" else None

    debited = poll(shipping, timeout_seconds=5)
    assert datetime.now(UTC) - accepted_at >= timedelta(seconds=1)
    assert debited["customer_debited_date"] is not None
    assert parse_iso(debited["last_updated_date"]) >= parse_iso(waiting["last_updated_date"])
    address = debited["customer"]["shipping_address"]
    assert set(address) >= {
        "civility",
        "firstname",
        "lastname",
        "company",
        "street_1",
        "street_2",
        "zip_code",
        "city",
        "state",
        "country",
        "country_iso_code",
        "phone",
        "phone_secondary",
        "additional_info",
    }
    assert len(address["country_iso_code"]) == 3
    assert debited["customer"]["billing_address"]["street_1"]
    # An update-date cursor taken before the debit sees the order again.
    recent = mirakl.orders(
        start_update_date=waiting["last_updated_date"], order_state_codes="SHIPPING"
    )
    assert [o["order_id"] for o in recent["orders"]] == [order_id]

    tracking = {"carrier_code": "COLISSIMO", "tracking_number": "6A12345678901"}
    assert mirakl.api("PUT", f"/api/orders/{order_id}/tracking", json=tracking).status_code == 204
    tracked = mirakl.order(order_id)
    assert tracked["shipping_carrier_code"] == "COLISSIMO"
    assert tracked["shipping_company"] == "Colissimo"
    assert tracked["shipping_tracking"] == "6A12345678901"
    assert tracked["shipping_tracking_url"].endswith("6A12345678901")

    assert mirakl.api("PUT", f"/api/orders/{order_id}/ship").status_code == 204
    shipped = mirakl.order(order_id)
    assert shipped["order_state"] == "SHIPPED"
    assert all(
        line["order_line_state"] == "SHIPPED" and line["shipped_date"]
        for line in shipped["order_lines"]
    )
    again = mirakl.api("PUT", f"/api/orders/{order_id}/ship")
    assert again.status_code == 400 and error_code(again) == "ORDER_INVALID_STATE"
    reaccept = mirakl.accept_all(order)
    assert reaccept.status_code == 400 and error_code(reaccept) == "ORDER_INVALID_STATE"

    summary = mirakl.summary()["orders"][order_id]
    assert (summary["accept_calls"], summary["accept_ok"]) == (2, 1)
    assert (summary["tracking_ok"], summary["ship_calls"], summary["ship_ok"]) == (1, 2, 1)


def test_orders_added_after_a_read_are_seen_by_an_update_cursor(mirakl):
    early = mirakl.seed(count=1, seed=1, start=START)["created"]
    cursor = to_iso(datetime.now(UTC))
    assert mirakl.orders()["total_count"] == 1  # a connector has read the shop
    late = mirakl.seed(count=2, seed=2, start=START)["created"]  # dated 2025, added now
    fresh = mirakl.orders(start_update_date=cursor)["orders"]
    assert [o["order_id"] for o in fresh] == late
    assert all(o["created_date"].startswith("2025-") for o in fresh)
    assert early[0] not in {o["order_id"] for o in fresh}


def test_a_debit_is_never_dated_before_a_previous_read(mirakl):
    mirakl.create_shop(debit_delay_seconds=None)
    created = mirakl.seed(count=1, seed=1, start=START, state="WAITING_DEBIT_PAYMENT")["created"]
    cursor = to_iso(datetime.now(UTC))
    assert mirakl.orders(order_state_codes="SHIPPING")["total_count"] == 0
    mirakl.create_shop(debit_delay_seconds=0)  # accepted in 2025: overdue at once
    page = mirakl.orders(start_update_date=cursor)["orders"]
    assert [(o["order_id"], o["order_state"]) for o in page] == [(created[0], "SHIPPING")]
    assert parse_iso(page[0]["customer_debited_date"]) >= parse_iso(cursor)


def test_debit_delay_null_waits_for_advance(mirakl):
    mirakl.create_shop(debit_delay_seconds=None)
    order = two_line_order(mirakl)
    assert mirakl.accept_all(order).status_code == 204
    assert mirakl.order(order["order_id"])["order_state"] == "WAITING_DEBIT_PAYMENT"
    result = mirakl.http.post(
        f"{mirakl.control}/shops/{mirakl.shop_id}/advance",
        json={"order_ids": None, "state": "SHIPPING"},
        timeout=5,
    ).json()
    assert result["advanced"] == [order["order_id"]]
    assert mirakl.order(order["order_id"])["customer"]["shipping_address"] is not None


def test_partial_decisions_are_rejected(mirakl):
    order = two_line_order(mirakl)
    path = f"/api/orders/{order['order_id']}/accept"
    first, second = (line["order_line_id"] for line in order["order_lines"])

    missing = mirakl.api("PUT", path, json={"order_lines": [{"id": first, "accepted": True}]})
    assert missing.status_code == 400
    assert error_code(missing) == "ORDER_LINE_ACCEPTANCE_DECISION_MISSING"
    assert missing.json()["status"] == 400 and missing.json()["message"]

    unknown = mirakl.api(
        "PUT",
        path,
        json={
            "order_lines": [
                {"id": first, "accepted": True},
                {"id": second, "accepted": True},
                {"id": "ORD-X-A-9", "accepted": True},
            ]
        },
    )
    assert unknown.status_code == 400 and error_code(unknown) == "ORDER_LINE_NOT_FOUND"

    duplicate = mirakl.api(
        "PUT",
        path,
        json={"order_lines": [{"id": first, "accepted": True}, {"id": first, "accepted": True}]},
    )
    assert error_code(duplicate) == "ORDER_LINE_DUPLICATE_ID"
    null_item = mirakl.api("PUT", path, json={"order_lines": [None]})
    assert error_code(null_item) == "ORDER_LINE_NULL_ELEMENT"
    bad = mirakl.api("PUT", path, json={"order_lines": [{"id": first, "accepted": "yes"}]})
    assert error_code(bad) == "VALIDATION_ERROR"
    no_body = mirakl.api("PUT", path)
    assert no_body.status_code == 400 and error_code(no_body) == "VALIDATION_ERROR"

    assert mirakl.order(order["order_id"])["order_state"] == "WAITING_ACCEPTANCE"
    not_found = mirakl.api(
        "PUT",
        "/api/orders/ORD-404-A/accept",
        json={"order_lines": [{"id": "ORD-404-A-1", "accepted": True}]},
    )
    assert not_found.status_code == 404 and error_code(not_found) == "ORDER_NOT_FOUND"


def test_refusals(mirakl):
    order = two_line_order(mirakl, "ORD-600-A")
    first, second = (line["order_line_id"] for line in order["order_lines"])
    response = mirakl.api(
        "PUT",
        "/api/orders/ORD-600-A/accept",
        json={"order_lines": [{"id": first, "accepted": True}, {"id": second, "accepted": False}]},
    )
    assert response.status_code == 204
    mixed = mirakl.order("ORD-600-A")
    assert [line["order_line_state"] for line in mixed["order_lines"]] == [
        "SHIPPING",
        "REFUSED",
    ]  # debit delay 0: the accepted line is debited at once
    assert mixed["order_state"] == "SHIPPING"

    refused = two_line_order(mirakl, "ORD-601-A")
    lines = [{"id": line["order_line_id"], "accepted": False} for line in refused["order_lines"]]
    assert (
        mirakl.api("PUT", "/api/orders/ORD-601-A/accept", json={"order_lines": lines}).status_code
        == 204
    )
    assert mirakl.order("ORD-601-A")["order_state"] == "REFUSED"
    assert mirakl.order("ORD-601-A")["customer"]["shipping_address"] is None

    mirakl.create_shop(partial_acceptance=False)
    strict = two_line_order(mirakl, "ORD-602-A")
    first, second = (line["order_line_id"] for line in strict["order_lines"])
    response = mirakl.api(
        "PUT",
        "/api/orders/ORD-602-A/accept",
        json={"order_lines": [{"id": first, "accepted": True}, {"id": second, "accepted": False}]},
    )
    assert error_code(response) == "ORDER_PARTIAL_ACCEPTANCE_DISABLED"


def test_ship_and_tracking_need_shipping_state(mirakl):
    order = two_line_order(mirakl)
    ship = mirakl.api("PUT", f"/api/orders/{order['order_id']}/ship")
    assert ship.status_code == 400 and error_code(ship) == "ORDER_INVALID_STATE"
    track = mirakl.api(
        "PUT",
        f"/api/orders/{order['order_id']}/tracking",
        json={"carrier_code": "UPS", "tracking_number": "1Z"},
    )
    assert track.status_code == 400 and error_code(track) == "ORDER_INVALID_STATE"
    assert mirakl.order(order["order_id"])["order_state"] == "WAITING_ACCEPTANCE"
    assert mirakl.api("PUT", "/api/orders/ORD-404-A/ship").status_code == 404


def test_tracking_for_an_unregistered_carrier(mirakl):
    two_line_order(mirakl, "ORD-700-A", order_state="SHIPPING")
    body = {
        "carrier_name": "Coursier Lyonnais",
        "carrier_url": "https://coursier.example/t/42",
        "tracking_number": "42",
    }
    assert mirakl.api("PUT", "/api/orders/ORD-700-A/tracking", json=body).status_code == 204
    order = mirakl.order("ORD-700-A")
    assert order["shipping_carrier_code"] is None
    assert order["shipping_company"] == "Coursier Lyonnais"
    assert order["shipping_tracking"] == "42"
    assert order["shipping_tracking_url"] == "https://coursier.example/t/42"
    bad = mirakl.api("PUT", "/api/orders/ORD-700-A/tracking", json={"tracking_number": 42})
    assert bad.status_code == 400 and error_code(bad) == "VALIDATION_ERROR"


def test_cancel_and_advance_control(mirakl):
    created = mirakl.seed(count=3, seed=2, start=START)["created"]
    cancel_url = f"{mirakl.control}/shops/{mirakl.shop_id}/orders/{created[0]}/cancel"
    canceled = mirakl.http.post(cancel_url, timeout=5)
    assert canceled.status_code == 200
    assert canceled.json()["order_state"] == "CANCELED"
    assert {line["order_line_state"] for line in canceled.json()["order_lines"]} == {"CANCELED"}
    assert mirakl.orders(order_state_codes="CANCELED")["total_count"] == 1

    advance = f"{mirakl.control}/shops/{mirakl.shop_id}/advance"
    result = mirakl.http.post(
        advance, json={"order_ids": created, "state": "SHIPPING"}, timeout=5
    ).json()
    assert result["advanced"] == created[1:]
    assert result["skipped"] == [{"order_id": created[0], "order_state": "CANCELED"}]
    assert mirakl.api("PUT", f"/api/orders/{created[1]}/ship").status_code == 204
    assert (
        mirakl.http.post(
            f"{mirakl.control}/shops/{mirakl.shop_id}/orders/{created[1]}/cancel", timeout=5
        ).status_code
        == 409
    )
    bad = mirakl.http.post(advance, json={"state": "LOST"}, timeout=5)
    assert bad.status_code == 400


# --- M11 threads ----------------------------------------------------------------------------


def test_threads_seek_pagination_and_entity_filter(mirakl):
    seeded = mirakl.seed(count=12, seed=21, with_messages=7, start=START)["created"]
    orders = mirakl.orders(paginate="false")["orders"]
    with_messages = [o["order_id"] for o in orders if o["has_customer_message"]]
    without = [o["order_id"] for o in orders if not o["has_customer_message"]]
    assert len(with_messages) == 7 and set(with_messages) <= set(seeded)

    pages, token, previous_tokens = [], None, []
    while True:
        params = {"limit": 3, "with_messages": "true"}
        if token:
            params = {"page_token": token}
        body = mirakl.api("GET", "/api/inbox/threads", params=params).json()
        pages.append(body["data"])
        previous_tokens.append(body.get("previous_page_token"))
        token = body.get("next_page_token")
        if not token:
            break
    assert [len(page) for page in pages] == [3, 3, 1]
    assert previous_tokens[0] is None and all(previous_tokens[1:])
    threads = [thread for page in pages for thread in page]
    assert len({thread["id"] for thread in threads}) == 7
    updated = [thread["date_updated"] for thread in threads]
    assert updated == sorted(updated, reverse=True)
    assert {thread["entities"][0]["id"] for thread in threads} == set(with_messages)

    back = mirakl.api("GET", "/api/inbox/threads", params={"page_token": previous_tokens[1]}).json()
    assert [t["id"] for t in back["data"]] == [t["id"] for t in pages[0]]

    one = mirakl.api(
        "GET",
        "/api/inbox/threads",
        params={"entity_type": "MMP_ORDER", "entity_id": with_messages[0], "with_messages": "true"},
    ).json()
    assert len(one["data"]) == 1 and "next_page_token" not in one
    thread = one["data"][0]
    assert thread["entities"] == [
        {"id": with_messages[0], "label": with_messages[0], "type": "MMP_ORDER"}
    ]
    assert thread["metadata"]["total_count"] == len(thread["messages"]) >= 1
    for message in thread["messages"]:
        assert message["from"]["type"] == "CUSTOMER_USER"
        assert message["from"]["organization_details"]["type"] == "CUSTOMER"
        assert message["to"][0]["type"] == "SHOP" and message["body"]
    no_messages = mirakl.api(
        "GET",
        "/api/inbox/threads",
        params={"entity_type": "MMP_ORDER", "entity_id": with_messages[0]},
    ).json()
    assert "messages" not in no_messages["data"][0]
    none = mirakl.api(
        "GET", "/api/inbox/threads", params={"entity_type": "MMP_ORDER", "entity_id": without[0]}
    ).json()
    assert none == {"data": []}

    personalised = [
        line
        for o in orders
        if o["has_customer_message"]
        for line in o["order_lines"]
        if line["order_line_additional_fields"]
    ]
    assert personalised
    assert all(
        field["code"] == "personalisation-text" and field["type"] == "STRING"
        for line in personalised
        for field in line["order_line_additional_fields"]
    )


@pytest.mark.parametrize(
    "params",
    [
        {"page_token": "not-a-token"},
        {"entity_id": "ORD-1-A"},
        {"limit": 0},
        {"limit": 500},
        {"entity_type": "NOPE"},
    ],
)
def test_threads_bad_parameters(mirakl, params):
    response = mirakl.api("GET", "/api/inbox/threads", params=params)
    assert response.status_code == 400 and error_code(response) == "VALIDATION_ERROR"


# --- faults and rate limits -----------------------------------------------------------------


def test_status_fault_three_times_then_ok(mirakl):
    mirakl.seed(count=2, seed=1)
    mirakl.fault(kind="status", status=503, count=3, path="/api/orders", method="GET")
    # Other calls are not affected by a fault scoped to GET /api/orders.
    assert mirakl.api("GET", "/api/inbox/threads").status_code == 200
    for _ in range(3):
        response = mirakl.api("GET", "/api/orders")
        assert response.status_code == 503
        assert response.json() == {"status": 503, "message": "Service Unavailable"}
    assert mirakl.api("GET", "/api/orders").status_code == 200
    calls = mirakl.calls(operation="OR11")
    assert [call["status"] for call in calls] == [503, 503, 503, 200]
    assert [call["fault"] for call in calls] == ["status"] * 3 + [None]


def test_429_fault_carries_retry_after(mirakl):
    mirakl.fault(kind="status", status=429, retry_after=2, count=1)
    response = mirakl.api("GET", "/api/orders")
    assert response.status_code == 429
    assert response.headers["Retry-After"] == "2"
    assert mirakl.api("GET", "/api/orders").status_code == 200


def test_broken_body_fault(mirakl):
    mirakl.seed(count=2, seed=1)
    mirakl.fault(kind="broken_body", count=1)
    response = mirakl.api("GET", "/api/orders")
    assert response.status_code == 200
    with pytest.raises(json.JSONDecodeError):
        json.loads(response.text)
    assert mirakl.orders()["total_count"] == 2

    order = mirakl.orders()["orders"][0]
    mirakl.fault(kind="broken_body", count=1, path="/api/orders/*/accept")
    broken = mirakl.accept_all(order)
    assert broken.status_code == 200
    with pytest.raises(json.JSONDecodeError):
        json.loads(broken.text)
    assert mirakl.order(order["order_id"])["order_state"] == "WAITING_ACCEPTANCE"


def test_timeout_fault_delays_the_answer(mirakl):
    mirakl.fault(kind="timeout", delay_seconds=1.0, count=1)
    with pytest.raises(requests.exceptions.ReadTimeout):
        mirakl.api("GET", "/api/orders", timeout=0.3)
    assert mirakl.api("GET", "/api/orders", timeout=2).status_code == 200
    faults = mirakl.http.get(f"{mirakl.control}/shops/{mirakl.shop_id}/faults", timeout=5)
    assert faults.json() == {"faults": []}


def test_lasting_fault_until_cleared(mirakl):
    fault = mirakl.fault(kind="status", status=500, count=None)
    assert fault["count"] is None
    for _ in range(4):
        assert mirakl.api("GET", "/api/orders").status_code == 500
    cleared = mirakl.http.delete(f"{mirakl.control}/shops/{mirakl.shop_id}/faults", timeout=5)
    assert cleared.json() == {"cleared": 1}
    assert mirakl.api("GET", "/api/orders").status_code == 200


@pytest.mark.parametrize(
    "body",
    [
        {"kind": "explode"},
        {"kind": "status", "status": 200},
        {"kind": "status", "status": 503, "count": 0},
        {"kind": "timeout", "delay_seconds": -1},
        {"kind": "status", "status": 503, "path": "api/orders"},
    ],
)
def test_bad_fault_bodies(mirakl, body):
    response = mirakl.http.post(
        f"{mirakl.control}/shops/{mirakl.shop_id}/faults", json=body, timeout=5
    )
    assert response.status_code == 400 and response.json()["error"]


def test_rate_limit_answers_429_with_retry_after(mirakl, poll):
    mirakl.create_shop(rate_limit={"rate_per_second": 2, "burst": 3})
    statuses = [mirakl.api("GET", "/api/orders").status_code for _ in range(3)]
    assert statuses == [200, 200, 200]
    limited = mirakl.api("GET", "/api/orders")
    assert limited.status_code == 429
    assert limited.json() == {"status": 429, "message": "Too Many Requests"}
    assert int(limited.headers["Retry-After"]) >= 1
    poll(lambda: mirakl.api("GET", "/api/orders").status_code == 200, timeout_seconds=3)
    mirakl.create_shop(rate_limit=None)
    assert all(mirakl.api("GET", "/api/orders").status_code == 200 for _ in range(5))


def test_token_bucket_refills_and_rounds_retry_after_up():
    now = [0.0]
    bucket = TokenBucket(rate_per_second=0.5, burst=2, clock=lambda: now[0])
    assert bucket.take() == 0 and bucket.take() == 0
    wait = bucket.take()
    assert wait == pytest.approx(2.0)
    assert retry_after_header(wait) == "2" and retry_after_header(0.1) == "1"
    now[0] = 2.0
    assert bucket.take() == 0


# --- generation and the control API ---------------------------------------------------------


def test_generation_is_deterministic_for_a_seed(mirakl):
    mirakl.create_shop(2002, "key-2002")
    mirakl.create_shop(2003, "key-2003")
    body = {"count": 20, "seed": 42, "malformed": 2, "with_messages": 5, "start": START}
    first = mirakl.seed(2001, **body)
    assert mirakl.seed(2002, **body) == first
    assert len(first["created"]) == 20 and len(first["malformed"]) == 2
    assert first["created"][0] == "ORD-10001-A"

    def all_orders(shop_id):
        url = f"{mirakl.control}/shops/{shop_id}/orders"
        return mirakl.http.get(url, timeout=5).json()["orders"]

    assert all_orders(2001) == all_orders(2002)
    mirakl.seed(2003, **{**body, "seed": 43})
    assert all_orders(2003) != all_orders(2001)
    skus = {line["offer_sku"] for order in all_orders(2001)[:20] for line in order["order_lines"]}
    assert all(sku.startswith("SKU-") for sku in skus)


def test_malformed_orders_are_present(mirakl):
    result = mirakl.seed(count=2, seed=7, malformed=5, start=START)
    assert len(result["malformed"]) == 5
    served = {o["order_id"]: o for o in mirakl.orders(paginate="false")["orders"]}
    broken = [served[order_id] for order_id in result["malformed"]]
    assert all(order["order_state"] == "SHIPPING" for order in broken)
    assert broken[0]["order_lines"][0]["quantity"] == "two"
    assert "offer_sku" not in broken[0]["order_lines"][0]
    assert broken[1]["order_lines"] is None
    assert broken[2]["customer"] is None
    assert isinstance(broken[3]["order_lines"][0]["price_unit"], str)
    assert "total_price" not in broken[3]
    with pytest.raises(ValueError):
        parse_iso(broken[4]["created_date"])
    summary = mirakl.summary()
    kinds = [summary["orders"][order_id]["malformed"] for order_id in result["malformed"]]
    assert kinds == [
        "line_quantity_text",
        "null_order_lines",
        "null_customer",
        "price_as_text",
        "bad_created_date",
    ]
    assert all(summary["orders"][order_id]["malformed"] is None for order_id in result["created"])


def test_generate_in_shipping_state_shows_addresses(mirakl):
    created = mirakl.seed(count=3, seed=4, state="SHIPPING")["created"]
    page = mirakl.orders(order_state_codes="SHIPPING")
    assert page["total_count"] == 3
    for order in page["orders"]:
        assert order["customer"]["shipping_address"]["city"]
        assert order["customer_debited_date"] is not None
        assert parse_iso(order["last_updated_date"]) <= datetime.now(UTC)
    assert {o["order_id"] for o in page["orders"]} == set(created)


def test_explicit_orders_merge_onto_defaults(mirakl):
    result = mirakl.seed(
        orders=[
            {
                "order_id": "ORD-42-A",
                "shipping_type_code": "DRONE",
                "customer": {"firstname": "Léa", "shipping_address": {"city": "Lyon"}},
                "order_lines": [
                    {"offer_sku": "SKU-TSHIRT-RED-M", "quantity": 2, "price_unit": 10.0}
                ],
                "customer_messages": ["Happy birthday Léa"],
            },
            {"order_state": "SHIPPING"},
        ]
    )
    assert result["created"][0] == "ORD-42-A" and len(result["created"]) == 2
    order = mirakl.order("ORD-42-A")
    assert order["shipping_type_code"] == "DRONE"
    assert order["customer"]["firstname"] == "Léa"
    assert order["customer"]["shipping_address"] is None  # hidden until the debit
    assert order["order_lines"][0]["order_line_id"] == "ORD-42-A-1"
    assert order["order_lines"][0]["price"] == 20.0 and len(order["order_lines"]) == 1
    assert order["price"] == 20.0 and order["has_customer_message"] is True
    mirakl.http.post(
        f"{mirakl.control}/shops/{mirakl.shop_id}/advance",
        json={"order_ids": ["ORD-42-A"], "state": "SHIPPING"},
        timeout=5,
    )
    address = mirakl.order("ORD-42-A")["customer"]["shipping_address"]
    assert address["city"] == "Lyon" and address["street_1"]
    threads = mirakl.api(
        "GET",
        "/api/inbox/threads",
        params={"entity_type": "MMP_ORDER", "entity_id": "ORD-42-A", "with_messages": "true"},
    ).json()
    assert threads["data"][0]["messages"][0]["body"] == "Happy birthday Léa"
    second = mirakl.order(result["created"][1])
    assert second["order_state"] == "SHIPPING"
    assert second["customer"]["shipping_address"] is not None
    duplicate = mirakl.http.post(
        f"{mirakl.control}/shops/{mirakl.shop_id}/orders",
        json={"orders": [{"order_id": "ORD-42-A"}]},
        timeout=5,
    )
    assert duplicate.status_code == 400


def test_shop_upsert_keeps_orders_and_keys_are_unique(mirakl):
    mirakl.seed(count=4, seed=1)
    updated = mirakl.create_shop(debit_delay_seconds=30, name="Boutique Léa")
    assert updated["order_count"] == 4 and updated["debit_delay_seconds"] == 30
    assert updated["created"] is False and updated["name"] == "Boutique Léa"
    clash = mirakl.http.post(
        f"{mirakl.control}/shops", json={"shop_id": 2009, "api_key": mirakl.api_key}, timeout=5
    )
    assert clash.status_code == 409
    for body in (
        {"shop_id": "x", "api_key": "k"},
        {"shop_id": 5},
        {"shop_id": 5, "api_key": "k", "debit_delay_seconds": -1},
    ):
        assert mirakl.http.post(f"{mirakl.control}/shops", json=body, timeout=5).status_code == 400
    assert (
        mirakl.http.post(
            f"{mirakl.control}/shops/999/orders", json={"count": 1}, timeout=5
        ).status_code
        == 404
    )


def test_call_log_and_summary(mirakl):
    mirakl.seed(count=2, seed=1)
    order = mirakl.orders(max=1)["orders"][0]
    mirakl.accept_all(order)
    mirakl.api("GET", "/api/orders", api_key="wrong", params={"shop_id": mirakl.shop_id})
    calls = mirakl.calls()
    assert [(c["method"], c["path"], c["operation"], c["status"]) for c in calls] == [
        ("GET", "/api/orders", "OR11", 200),
        ("PUT", f"/api/orders/{order['order_id']}/accept", "OR21", 204),
        ("GET", "/api/orders", "OR11", 401),
    ]
    assert calls[0]["query"] == {"max": "1"}
    assert parse_iso(calls[0]["time"]) <= datetime.now(UTC)
    assert calls[2]["authenticated"] is False
    summary = mirakl.summary()
    assert summary["total_orders"] == 2
    assert summary["states"] == {"SHIPPING": 1, "WAITING_ACCEPTANCE": 1}
    assert summary["calls"] == {"accept": 1, "list_orders": 2}
    assert summary["orders"][order["order_id"]]["accept_ok"] == 1


def test_concurrent_workers_accept_each_order_once(mirakl):
    created = mirakl.seed(count=40, seed=8)["created"]
    orders = mirakl.orders(paginate="false")["orders"]

    def work(order: dict) -> tuple[int, int]:
        with requests.Session() as session:
            headers = {"Authorization": mirakl.api_key}
            listing = session.get(
                f"{mirakl.url}/api/orders",
                headers=headers,
                params={"order_ids": order["order_id"]},
                timeout=10,
            )
            lines = [
                {"id": line["order_line_id"], "accepted": True} for line in order["order_lines"]
            ]
            accepted = session.put(
                f"{mirakl.url}/api/orders/{order['order_id']}/accept",
                headers=headers,
                json={"order_lines": lines},
                timeout=10,
            )
            return listing.status_code, accepted.status_code

    with ThreadPoolExecutor(max_workers=12) as pool:
        results = list(pool.map(work, orders))
    assert results == [(200, 204)] * 40
    summary = mirakl.summary()
    assert summary["states"] == {"SHIPPING": 40}
    assert all(summary["orders"][order_id]["accept_calls"] == 1 for order_id in created)


def test_time_helpers_render_like_mirakl():
    moment = datetime(2025, 3, 4, 9, 12, 31, tzinfo=UTC)
    assert to_iso(moment) == "2025-03-04T09:12:31Z"
    assert to_iso(moment.replace(microsecond=460000)) == "2025-03-04T09:12:31.460Z"
    assert parse_iso("2025-03-04T10:12:31+01:00") == moment
    assert parse_iso("2025-03-04T09:12:31") == moment
