"""The PrestaShop simulator over real HTTP: auth, formats, the list syntax, XML-only writes,
permissions, images, rate limit, faults, generation and the control API."""

from __future__ import annotations

import requests

from .conftest import new_key

BANKWIRE = 10


def error(response: requests.Response) -> tuple[int, str]:
    first = response.json()["errors"][0]
    return first["code"], first["message"]


# -- authentication and gate ------------------------------------------------------------------
def test_basic_auth_and_ws_key_and_their_refusals(ps_shop):
    shop = ps_shop()
    ok = shop.api("GET", "/order_states", params={"display": "[id]"})
    assert ok.status_code == 200 and ok.headers["PSWS-Version"] == "8.1.5"
    assert ok.headers["X-Powered-By"] == "PrestaShop Webservice"
    by_param = shop.api("GET", "/order_states", key=None, params={"ws_key": shop.key})
    assert by_param.status_code == 200
    for key, code in ((None, 16), ("", 17), ("A" * 31, 18), (new_key(), 20)):
        refused = shop.api("GET", "/orders", key=key if key != "" else "")
        if key == "":
            refused = shop.api("GET", "/orders", key=None, params={"ws_key": ""})
        assert refused.status_code == 401, key
        assert refused.headers["WWW-Authenticate"].startswith('Basic realm="Welcome to')
        assert error(refused)[0] == code and "PSWS-Version" not in refused.headers
    ws_key_logged = shop.calls(resource="order_states")
    assert all("ws_key" not in call["query"] for call in ws_key_logged)


def test_disabled_webservice_other_shop_and_unknown_resource(ps_shop, sandbox_url):
    disabled = ps_shop(enabled=False)
    response = disabled.api("GET", "/orders")
    assert response.status_code == 503 and error(response)[0] == 22
    shop = ps_shop()
    other = shop.api("GET", "/orders", params={"id_shop": 2})
    assert other.status_code == 403 and error(other)[0] == 132
    unknown = shop.api("GET", "/order")
    assert unknown.status_code == 400 and error(unknown)[0] == 27
    assert 'Did you mean: "orders"' in error(unknown)[1]
    assert requests.get(f"{sandbox_url}/prestashop/no-such-shop/api/orders",
                        timeout=10).status_code == 404


def test_key_permissions(ps_shop):
    shop = ps_shop(permissions={"orders": ["GET"], "stock_availables": ["GET"]})
    assert shop.api("GET", "/orders").status_code == 200
    not_granted = shop.api("GET", "/products")
    assert not_granted.status_code == 401 and error(not_granted)[0] == 26
    body = b"<prestashop><stock_available><id>1</id></stock_available></prestashop>"
    no_put = shop.api("PUT", "/stock_availables/1", data=body)
    assert no_put.status_code == 405 and error(no_put)[0] == 25


# -- formats ----------------------------------------------------------------------------------
def test_xml_by_default_json_on_request_and_empty_lists(ps_shop):
    shop = ps_shop()
    shop.add_products(count=3, seed=1, combinations_ratio=0)
    xml = shop.api("GET", "/products", json_output=False)
    assert xml.headers["Content-Type"].startswith("text/xml")
    assert '<product id="1" xlink:href="' in xml.text
    by_header = shop.api("GET", "/products", json_output=False, headers={"Io-Format": "JSON"})
    assert by_header.json() == {"products": [{"id": 1}, {"id": 2}, {"id": 3}]}
    empty = shop.api("GET", "/orders", params={"display": "full"})
    assert empty.status_code == 200 and empty.text == "[]"
    single = shop.api("GET", "/products/2").json()
    assert list(single) == ["product"] and single["product"]["id"] == 2
    assert isinstance(single["product"]["price"], str) and single["product"]["price"].endswith(
        "000")
    with_display = shop.api("GET", "/products/2", params={"display": "[id,reference]"}).json()
    assert with_display == {"products": [{"id": 2, "reference": "PS-" + with_display[
        "products"][0]["reference"][3:]}]}
    assert shop.api("GET", "/products/999").status_code == 404


def test_multilingual_fields_follow_the_language_parameter(ps_shop):
    shop = ps_shop()
    both = shop.api("GET", "/order_states/6").json()["order_state"]["name"]
    assert both == [{"id": "1", "value": "Canceled"}, {"id": "2", "value": "Annulé"}]
    french = shop.api("GET", "/order_states/6", params={"language": 2}).json()
    assert french["order_state"]["name"] == "Annulé"
    xml = shop.api("GET", "/order_states/6", json_output=False, params={"language": 1}).text
    assert '<name><language id="1"><![CDATA[Canceled]]></language></name>' in xml


# -- list syntax ------------------------------------------------------------------------------
def test_filters_sort_and_limit(ps_shop):
    shop = ps_shop()
    shop.add_products(count=30, seed=2, combinations_ratio=0)

    def ids(**params):
        response = shop.api("GET", "/products", params={"display": "[id]", **params})
        assert response.status_code == 200, response.text
        return [] if response.text == "[]" else [p["id"] for p in response.json()["products"]]

    assert ids(**{"filter[id]": "[3|5|99]"}) == [3, 5]
    assert ids(**{"filter[id]": "[10,12]"}) == [10, 11, 12]
    assert ids(**{"filter[id]": ">[27]"}) == [28, 29, 30]
    assert ids(**{"filter[id]": "<[3]", "sort": "[id_DESC]"}) == [2, 1]
    assert len(ids(**{"filter[id]": "![1|2]"})) == 28
    reference = shop.product(7)["reference"]
    assert ids(**{"filter[reference]": f"[{reference.lower()}]"}) == [7]  # case-insensitive
    assert 7 in ids(**{"filter[reference]": f"%[{reference[-6:]}]%"})
    assert ids(limit="5,3") == [6, 7, 8]
    assert ids(limit="28,5") == [29, 30]  # a short page: no total, the client stops here
    assert ids(limit="30,5") == []


def test_date_fields_need_date_1_and_bad_syntax_is_refused(ps_shop):
    shop = ps_shop()
    shop.add_products(count=2, seed=1, combinations_ratio=0)
    window = {"filter[date_upd]": "[2000-01-01 00:00:00,2999-12-31 23:59:59]"}
    no_date = shop.api("GET", "/products", params=window)
    assert no_date.status_code == 400 and error(no_date)[0] == 32
    assert shop.api("GET", "/products", params={**window, "date": 1}).json()["products"]
    sort = shop.api("GET", "/products", params={"sort": "[date_upd_ASC]"})
    assert sort.status_code == 400 and error(sort)[0] == 38
    for params, code in (({"filter[colour]": "[red]"}, 32), ({"display": "[id,colour]"}, 35),
                         ({"display": "id"}, 36), ({"sort": "[id]"}, 37),
                         ({"limit": "1,2,3"}, 39), ({"filter[reference]": ""}, 33)):
        refused = shop.api("GET", "/products", params=params)
        assert refused.status_code == 400 and error(refused)[0] == code, params


# -- writes -----------------------------------------------------------------------------------
def test_writes_take_xml_only_and_follow_put_rules(ps_shop):
    shop = ps_shop()
    (order_id,) = shop.add_orders(count=1, seed=1, state="bankwire")["created"]
    as_json = shop.api("POST", "/order_histories",
                       json={"order_history": {"id_order": order_id, "id_order_state": 2}})
    assert as_json.status_code == 500 and error(as_json)[0] == 127
    with_id = shop.api("POST", "/order_histories", data=(
        f"<prestashop><order_history><id>3</id><id_order>{order_id}</id_order>"
        "<id_order_state>2</id_order_state></order_history></prestashop>"))
    assert with_id.status_code == 400 and error(with_id)[0] == 91
    missing = shop.api("POST", "/order_histories", data=(
        f"<prestashop><order_history><id_order>{order_id}</id_order></order_history>"
        "</prestashop>"))
    assert missing.status_code == 400 and error(missing)[0] == 41
    paid = shop.api("POST", "/order_histories", params={"sendemail": 1}, data=(
        f"<prestashop><order_history><id_order>{order_id}</id_order>"
        "<id_order_state>2</id_order_state></order_history></prestashop>"))
    assert paid.status_code == 201 and paid.json()["order_history"]["id_order_state"] == "2"
    order = shop.api("GET", f"/orders/{order_id}").json()["order"]
    assert order["current_state"] == "2" and order["valid"] == "1"
    assert shop.summary()["emails_sent"] == 1


def test_put_resets_what_it_is_not_sent_and_patch_does_not(ps_shop):
    shop = ps_shop()
    (order_id,) = shop.add_orders(count=1, seed=1)["created"]
    row = shop.api("GET", "/order_carriers", params={
        "display": "full", "filter[id_order]": f"[{order_id}]"}).json()["order_carriers"][0]
    assert row["weight"] != "0.000000"
    no_id = shop.api("PUT", f"/order_carriers/{row['id']}", data=(
        "<prestashop><order_carrier><tracking_number>X1</tracking_number></order_carrier>"
        "</prestashop>"))
    assert no_id.status_code == 400 and error(no_id)[0] == 90
    bad = shop.api("PUT", f"/order_carriers/{row['id']}", data=(
        f"<prestashop><order_carrier><id>{row['id']}</id><id_order>{order_id}</id_order>"
        f"<id_carrier>{row['id_carrier']}</id_carrier><tracking_number>bad*tracking"
        "</tracking_number></order_carrier></prestashop>"))
    assert bad.status_code == 400 and error(bad)[0] == 85
    partial = shop.api("PUT", f"/order_carriers/{row['id']}", data=(
        f"<prestashop><order_carrier><id>{row['id']}</id><id_order>{order_id}</id_order>"
        f"<id_carrier>{row['id_carrier']}</id_carrier><tracking_number>6A1</tracking_number>"
        "</order_carrier></prestashop>"))
    assert partial.status_code == 200
    after = partial.json()["order_carrier"]
    assert after["tracking_number"] == "6A1" and after["weight"] == "0.000000"  # reset by PUT
    assert shop.api("GET", f"/orders/{order_id}").json()["order"]["shipping_number"] == "6A1"
    patched = shop.api("PATCH", f"/order_carriers/{row['id']}", data=(
        f"<prestashop><order_carrier><id>{row['id']}</id><weight>1.5</weight>"
        "</order_carrier></prestashop>"))
    assert patched.json()["order_carrier"]["tracking_number"] == "6A1"
    old = ps_shop(version="1.7.8.11")
    assert old.api("PATCH", "/order_carriers/1", data=b"<prestashop/>").status_code == 405


def test_stock_rows_are_put_only_and_parents_follow_their_combinations(ps_shop):
    shop = ps_shop()
    shop.add_products(count=40, seed=5, combinations_ratio=1.0)
    product_id = shop.api("GET", "/combinations", params={
        "display": "[id,id_product]", "limit": 1}).json()["combinations"][0]["id_product"]
    rows = shop.api("GET", "/stock_availables", params={
        "display": "full", "filter[id_product]": f"[{product_id}]"}).json()["stock_availables"]
    parent = next(r for r in rows if r["id_product_attribute"] == "0")
    child = next(r for r in rows if r["id_product_attribute"] != "0")
    fields = "".join(f"<{k}>{v}</{k}>" for k, v in {**child, "quantity": 99}.items())
    put = shop.api("PUT", f"/stock_availables/{child['id']}",
                   data=f"<prestashop><stock_available>{fields}</stock_available></prestashop>")
    assert put.status_code == 200 and put.json()["stock_available"]["quantity"] == "99"
    total = sum(99 if r["id"] == child["id"] else int(r["quantity"])
                for r in rows if r["id_product_attribute"] != "0")
    again = shop.api("GET", f"/stock_availables/{parent['id']}").json()["stock_available"]
    assert int(again["quantity"]) == total
    for method in ("POST", "DELETE"):
        refused = shop.api(method, "/stock_availables", data=b"<prestashop/>")
        assert refused.status_code == 405 and error(refused)[0] == 101


# -- images, throttling, faults ---------------------------------------------------------------
def test_images_are_png_bytes_of_their_product_only(ps_shop):
    shop = ps_shop()
    shop.add_products(count=2, seed=1, combinations_ratio=0, images_per_product=2)
    image_id = shop.api("GET", "/products/2").json()["product"]["associations"]["images"][0]["id"]
    image = shop.api("GET", f"/images/products/2/{image_id}", json_output=False)
    assert image.status_code == 200 and image.headers["Content-Type"] == "image/png"
    assert image.content.startswith(b"\x89PNG\r\n\x1a\n") and len(image.content) > 50
    assert shop.api("GET", f"/images/products/1/{image_id}").status_code == 404


def test_rate_limit_answers_429_with_retry_after(ps_shop):
    shop = ps_shop(rate_limit={"rate_per_second": 0.5, "burst": 2})
    statuses = [shop.api("GET", "/order_states", params={"display": "[id]"}).status_code
                for _ in range(3)]
    assert statuses == [200, 200, 429]
    throttled = shop.api("GET", "/order_states")
    assert throttled.status_code == 429 and int(throttled.headers["Retry-After"]) >= 1
    summary = shop.summary()
    assert summary["throttled"] == 2 and summary["statuses"]["429"] == 2


def test_faults_fail_the_next_matching_calls(ps_shop):
    shop = ps_shop()
    shop.fault(kind="status", status=503, count=1, path="/api/orders", method="GET")
    shop.fault(kind="broken_body", count=1, path="/api/order_states")
    failed = shop.api("GET", "/orders")
    assert failed.status_code == 503
    assert shop.api("GET", "/orders").status_code == 200
    broken = shop.api("GET", "/order_states", params={"display": "full"})
    assert broken.status_code == 200
    try:
        broken.json()
        raise AssertionError("the body should be truncated")
    except ValueError:
        pass
    assert [c["fault"] for c in shop.calls(resource="orders")] == ["status", None]


# -- generation and control -------------------------------------------------------------------
def test_generation_is_deterministic_and_scales(ps_shop):
    first, second = ps_shop(), ps_shop()
    for shop in (first, second):
        shop.add_products(count=50, seed=9, start="2025-06-01T08:00:00Z")
    assert first.product(17)["reference"] == second.product(17)["reference"]
    assert first.product(17)["date_add"] == "2025-06-01 10:00:16"  # Paris, summer time
    big = ps_shop()
    result = big.add_products(count=50_000, seed=1)
    assert (result["first_id"], result["last_id"]) == (1, 50_000) and result["skus"] > 50_000
    last = big.api("GET", "/products", params={
        "display": "full", "filter[id]": ">[49950]", "sort": "[id_ASC]", "limit": "0,100"})
    assert [p["id"] for p in last.json()["products"]] == list(range(49_951, 50_001))


def test_control_plays_the_merchant(ps_shop):
    shop = ps_shop()
    made = shop.add_orders(count=2, seed=3, state="bankwire", unknown_carrier=1, malformed=1)
    paid_id, cancelled_id = made["created"]
    assert shop.order(paid_id)["state"] == "Awaiting bank wire payment"
    assert shop.pay(paid_id)["state"] == "Payment accepted"
    assert shop.cancel(cancelled_id)["state"] == "Canceled"
    assert shop.order(made["unknown_carrier"][0])["order"]["id_carrier"] == 5
    assert shop.order(made["malformed"][0])["malformed"] == "no_rows"
    before = shop.product(1)
    assert shop.touch_products(ids=[1], suffix=" v2")["touched"] == 1
    after = shop.product(1)
    assert after["name"]["1"].endswith(" v2") and after["date_upd"] >= before["date_upd"]
    reference = after["reference"] if after["product_type"] == "standard" else None
    if reference:
        assert shop.set_stock({reference: 12, "NOPE": 1}) == {"updated": 1, "unknown": ["NOPE"]}
        assert shop.stock(reference) == {reference: 12}
    edited = shop.edit_carrier(3, name="Colissimo Suivi")
    carrier = shop.api("GET", f"/carriers/{edited['id']}").json()["carrier"]
    assert carrier["id_reference"] == "3" and carrier["name"] == "Colissimo Suivi"
    assert shop.api("GET", "/carriers/3").json()["carrier"]["deleted"] == "1"
    summary = shop.summary()
    assert summary["orders"] == 4 and summary["order_states"]["Canceled"] == 1
