"""The Shopify simulator over real HTTP: auth, versions, the leaky bucket, cursor paging,
filters, fulfillment rules, inventory, scopes, faults, images and the control API."""

from __future__ import annotations

import re

import pytest
import requests
from support import wait_for

VERSION = "2026-07"


class Api:
    def __init__(self, shop) -> None:
        self.shop = shop
        self.base = f"{shop.url}/admin/api/{VERSION}"

    def get(self, path: str, token: str | None = "default", **params) -> requests.Response:
        headers = {"X-Shopify-Access-Token": self.shop.token if token == "default" else token}
        if token is None:
            headers = {}
        return requests.get(f"{self.base}{path}", params=params, headers=headers, timeout=30)

    def post(self, path: str, body: dict) -> requests.Response:
        return requests.post(f"{self.base}{path}", json=body, timeout=30,
                             headers={"X-Shopify-Access-Token": self.shop.token})

    def follow(self, response: requests.Response, rel: str = "next") -> requests.Response:
        return requests.get(response.links[rel]["url"], timeout=30,
                            headers={"X-Shopify-Access-Token": self.shop.token})


@pytest.fixture
def shop(shopify_shop):
    return shopify_shop()


@pytest.fixture
def api(shop):
    return Api(shop)


def test_authentication_versions_and_unknown_shops(shop, api):
    domain = api.get("/shop.json").json()["shop"]["myshopify_domain"]
    assert domain == f"{shop.handle}.myshopify.com"
    for token in (None, "shpat_wrong"):
        refused = api.get("/shop.json", token=token)
        assert refused.status_code == 401
        assert "Invalid API key or access token" in refused.json()["errors"]
    old = requests.get(f"{shop.url}/admin/api/2025-02/shop.json", timeout=10,
                       headers={"X-Shopify-Access-Token": shop.token})
    assert old.status_code == 404 and old.json() == {"errors": "Not Found"}
    nobody = requests.get(f"{shop.url}-nobody/admin/api/{VERSION}/shop.json", timeout=10)
    assert nobody.status_code == 404


def test_every_answer_reports_the_bucket_and_a_full_bucket_answers_429(shopify_shop):
    shop = shopify_shop(bucket={"size": 5, "leak_per_second": 0.5})
    api = Api(shop)
    levels = [api.get("/shop.json").headers["X-Shopify-Shop-Api-Call-Limit"] for _ in range(5)]
    assert levels[0] == "1/5" and levels[-1] == "5/5"
    refused = api.get("/shop.json")
    assert refused.status_code == 429
    assert refused.headers["Retry-After"] == "2.0"
    assert "Exceeded 2 calls per second" in refused.json()["errors"]
    assert refused.headers["X-Shopify-Shop-Api-Call-Limit"] == "5/5"
    state = shop.bucket()
    assert state["refused"] == 1 and state["max_level"] == 5
    assert shop.summary()["throttled"] == 1


def test_standard_plan_is_40_leaking_2_per_second(shop, api):
    assert shop.bucket()["size"] == 40 and shop.bucket()["leak_per_second"] == 2.0
    shop.fill_bucket(40)
    assert api.get("/shop.json").status_code == 429
    wait_for(lambda: shop.bucket()["level"] <= 39, timeout=5, message="the bucket to leak")
    assert api.get("/shop.json").headers["X-Shopify-Shop-Api-Call-Limit"] == "40/40"


def test_cursor_pagination_with_link_headers(shop, api):
    created = shop.add_products(count=120, seed=4)["created"]
    first = api.get("/products.json", limit=50)
    assert [p["id"] for p in first.json()["products"]] == created[:50]
    assert "previous" not in first.links
    second = api.follow(first)
    assert [p["id"] for p in second.json()["products"]] == created[50:100]
    assert set(second.links) == {"previous", "next"}
    assert re.search(r"page_info=[\w-]+", second.links["next"]["url"])
    back = api.follow(second, "previous")
    assert [p["id"] for p in back.json()["products"]] == created[:50]
    last = api.follow(second)
    assert [p["id"] for p in last.json()["products"]] == created[100:]
    assert "next" not in last.links
    token = re.search(r"page_info=([\w-]+)", second.links["next"]["url"]).group(1)
    mixed = api.get("/products.json", page_info=token, status="active")
    assert mixed.status_code == 400 and "page_info" in mixed.json()["errors"]
    assert api.get("/products.json", limit=251).status_code == 400
    since = api.get("/products.json", since_id=created[118], fields="id,title")
    assert since.json()["products"] == [{"id": created[119],
                                         "title": since.json()["products"][0]["title"]}]
    assert api.get("/products/count.json").json() == {"count": 120}


def test_product_payload_shape(shop, api):
    shop.add_products(count=30, seed=8)
    products = api.get("/products.json", limit=30).json()["products"]
    variant = products[0]["variants"][0]
    assert {"sku", "barcode", "grams", "weight", "weight_unit", "inventory_item_id",
            "inventory_quantity", "price", "image_id"} <= set(variant)
    assert re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d-05:00$", products[0]["created_at"])
    image = products[0]["images"][0]
    png = requests.get(image["src"], timeout=10)
    assert png.status_code == 200 and png.content.startswith(b"\x89PNG\r\n\x1a\n")
    assert png.headers["Content-Type"] == "image/png"
    titled = [p for p in products if len(p["variants"]) > 1]
    assert titled and all(v["title"] != "Default Title" for v in titled[0]["variants"])


def test_orders_filters_and_default_order(shop, api):
    made = shop.add_orders(count=3, unpaid=2, cancelled=1, seed=5)
    listed = api.get("/orders.json").json()["orders"]  # status=open by default, newest first
    assert [o["id"] for o in listed] == sorted(made["created"] + made["unpaid"], reverse=True)
    every = api.get("/orders.json", status="any", since_id=0).json()["orders"]
    assert [o["id"] for o in every] == sorted(sum(made.values(), []))
    paid = api.get("/orders.json", financial_status="paid").json()["orders"]
    assert {o["id"] for o in paid} == set(made["created"])
    unpaid = api.get("/orders.json", financial_status="unpaid").json()["orders"]
    assert {o["financial_status"] for o in unpaid} == {"pending", "authorized"}
    cancelled = api.get("/orders.json", status="cancelled").json()["orders"]
    assert [o["financial_status"] for o in cancelled] == ["voided"]
    shop.pay(made["unpaid"][0])
    later = api.get("/orders.json", ids=str(made["unpaid"][0])).json()["orders"][0]
    assert later["financial_status"] == "paid" and later["updated_at"] > later["created_at"]
    assert api.get("/orders/count.json", status="any").json() == {"count": 6}


def test_fulfillment_rules(shop, api):
    order_id = shop.add_orders(count=1, seed=6)["created"][0]
    (fo,) = api.get(f"/orders/{order_id}/fulfillment_orders.json").json()["fulfillment_orders"]
    assert fo["status"] == "open" and "create_fulfillment" in fo["supported_actions"]
    body = {"fulfillment": {"tracking_info": {"company": "UPS", "number": "1Z1"},
                            "line_items_by_fulfillment_order": [{"fulfillment_order_id":
                                                                     fo["id"]}]}}
    done = api.post("/fulfillments.json", body)
    assert done.status_code == 201
    fulfillment = done.json()["fulfillment"]
    assert fulfillment["status"] == "success" and fulfillment["tracking_number"] == "1Z1"
    assert fulfillment["tracking_url"].startswith("https://www.ups.com/")
    again = api.post("/fulfillments.json", body)
    assert again.status_code == 422 and "unfulfillable status= closed" in again.json()["errors"][0]
    order = api.get(f"/orders/{order_id}.json").json()["order"]
    assert order["fulfillment_status"] == "fulfilled" and len(order["fulfillments"]) == 1
    other = shop.add_orders(count=1, seed=7)["created"][0]
    shop.cancel(other)
    (cancelled_fo,) = api.get(f"/orders/{other}/fulfillment_orders.json").json()[
        "fulfillment_orders"]
    assert cancelled_fo["status"] == "cancelled"
    assert requests.post(f"{shop.control}/orders/{order_id}/cancel", timeout=10).status_code == 409


def test_inventory_levels(shop, api):
    shop.add_products(count=3, seed=9)
    variant = shop.products()[0]["variants"][0]
    item = variant["inventory_item_id"]
    location = api.get("/locations.json").json()["locations"][0]["id"]
    levels = api.get("/inventory_levels.json", inventory_item_ids=str(item),
                     location_ids=str(location)).json()["inventory_levels"]
    assert levels[0]["available"] == variant["available"]
    changed = api.post("/inventory_levels/set.json", {"location_id": location,
                                                      "inventory_item_id": item, "available": 7})
    assert changed.status_code == 200 and changed.json()["inventory_level"]["available"] == 7
    assert shop.stock()[variant["sku"]] == 7
    unknown = api.post("/inventory_levels/set.json", {"location_id": location,
                                                      "inventory_item_id": 1, "available": 7})
    assert unknown.status_code == 422
    too_many = ",".join(str(i) for i in range(51))
    assert api.get("/inventory_levels.json", inventory_item_ids=too_many).status_code == 422
    paged = api.get(f"/locations/{location}/inventory_levels.json", limit=2)
    assert len(paged.json()["inventory_levels"]) == 2 and "next" in paged.links


def test_missing_scope_is_403(shopify_shop):
    shop = shopify_shop(scopes=["read_products", "read_inventory", "read_locations"])
    api = Api(shop)
    refused = api.post("/inventory_levels/set.json", {})
    assert refused.status_code == 403 and "write_inventory" in refused.json()["errors"]
    assert api.get("/products.json").status_code == 200


def test_faults_and_call_log(shop, api):
    shop.add_products(count=2, seed=1)
    shop.fault(kind="status", status=503, count=1, path="/admin/api/*/products.json")
    shop.fault(kind="status", status=429, retry_after=2, count=1, path="/admin/api/*/shop.json")
    assert api.get("/products.json").status_code == 503
    assert api.get("/products.json").status_code == 200
    throttled = api.get("/shop.json")
    assert throttled.status_code == 429 and throttled.headers["Retry-After"] == "2.0"
    shop.fault(kind="broken_body", count=1, path="/admin/api/*/products.json")
    with pytest.raises(ValueError):
        api.get("/products.json").json()
    src = api.get("/products.json").json()["products"][0]["images"][0]["src"]
    shop.fault(kind="status", status=500, count=1, path="/cdn/*")
    assert requests.get(src, timeout=10).status_code == 500
    assert requests.get(src, timeout=10).status_code == 200
    calls = shop.calls()
    assert [c["status"] for c in calls if c["operation"] == "list_products"] == [503, 200,
                                                                                   200, 200]
    assert calls[0]["fault"] == "status" and calls[0]["path"].endswith("/products.json")
    assert shop.summary()["throttled"] == 0  # injected 429s are not the bucket's
    assert all("token" not in str(c).lower() for c in calls)


def test_generation_is_deterministic_and_scales(shopify_shop):
    one, two = shopify_shop(), shopify_shop()
    one.add_products(count=20, seed=42)
    two.add_products(count=20, seed=42)
    skus = [[v["sku"] for p in s.products() for v in p["variants"]] for s in (one, two)]
    assert skus[0] == skus[1]
    big = shopify_shop()
    made = big.add_products(count=50_000, seed=1)["created"]
    assert len(made) == 50_000
    tail = Api(big).get("/products.json", since_id=made[-3], limit=250).json()["products"]
    assert [p["id"] for p in tail] == made[-2:]
