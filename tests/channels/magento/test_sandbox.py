"""The Magento simulator itself over HTTP: searchCriteria semantics, paging, input limits, auth,
the order state machine, MSI, media, rate limit, faults and deterministic generation."""

import struct
import zlib
from datetime import UTC, datetime, timedelta

import pytest
import requests

from sandbox.magento.remote import MagentoSandbox


class Rest:
    """Raw REST calls to one shop, with searchCriteria given as (group, field, value, cond)."""

    def __init__(self, shop: MagentoSandbox, store: str = "default") -> None:
        self.shop = shop
        self.url = f"{shop.base_url}/rest/{store}/V1"

    def call(self, method, path, token="shop", **kwargs):
        headers = {} if token is None else {"Authorization": f"Bearer {self._token(token)}"}
        return requests.request(method, f"{self.url}{path}", headers=headers, timeout=10, **kwargs)

    def _token(self, token):
        return self.shop.token if token == "shop" else token

    def search(self, path, filters=(), page_size=None, page=None, sort=(), **extra):
        params = {}
        for group, index, field, value, condition in filters:
            prefix = f"searchCriteria[filter_groups][{group}][filters][{index}]"
            params[f"{prefix}[field]"] = field
            params[f"{prefix}[value]"] = value
            params[f"{prefix}[condition_type]"] = condition
        for n, (field, direction) in enumerate(sort):
            params[f"searchCriteria[sortOrders][{n}][field]"] = field
            params[f"searchCriteria[sortOrders][{n}][direction]"] = direction
        if page_size is not None:
            params["searchCriteria[pageSize]"] = page_size
        if page is not None:
            params["searchCriteria[currentPage]"] = page
        return self.call("GET", path, params={**params, **extra})


@pytest.fixture
def shop(magento_shop):
    shop = magento_shop()
    shop.add_products(count=120, seed=7)
    return shop


@pytest.fixture
def rest(shop):
    return Rest(shop)


def ids(response):
    assert response.status_code == 200, response.text
    return [item.get("id", item.get("entity_id")) for item in response.json()["items"]]


def test_filters_are_or_inside_a_group_and_and_across_groups(rest):
    either = rest.search(
        "/products", [(0, 0, "entity_id", "3", "eq"), (0, 1, "entity_id", "5", "eq")], 50
    )
    assert ids(either) == [3, 5]
    both = rest.search(
        "/products", [(0, 0, "entity_id", "3", "gteq"), (1, 0, "entity_id", "5", "lteq")], 50
    )
    assert ids(both) == [3, 4, 5]
    none = rest.search(
        "/products", [(0, 0, "entity_id", "3", "eq"), (1, 0, "entity_id", "5", "eq")], 50
    )
    assert ids(none) == [] and none.json()["total_count"] == 0


def test_condition_types(rest, shop):
    first = shop.products()[0]["sku"]
    assert ids(rest.search("/products", [(0, 0, "sku", first, "eq")], 5)) == [1]
    like = rest.search("/products", [(0, 0, "sku", "mg-%", "like")], 300)
    assert like.json()["total_count"] == 120  # case-insensitive, as MySQL collations are
    assert ids(rest.search("/products", [(0, 0, "entity_id", "2,4,9", "in")], 50)) == [2, 4, 9]
    assert (
        rest.search("/products", [(0, 0, "entity_id", "2,4", "nin")], 300).json()["total_count"]
        == 118
    )
    assert ids(rest.search("/products", [(0, 0, "entity_id", "118", "from")], 50)) == [
        118,
        119,
        120,
    ]
    weightless = rest.search("/products", [(0, 0, "weight", "", "null")], 300).json()["items"]
    assert weightless and all(p["type_id"] == "configurable" for p in weightless)


def test_paging_counts_and_the_page_past_the_end(shop, rest, magento_shop):
    page = rest.search("/products", page_size=50, page=2)
    assert ids(page)[0] == 51 and page.json()["total_count"] == 120
    assert page.json()["search_criteria"]["current_page"] == 2
    past = rest.search("/products", page_size=50, page=9)
    assert ids(past)[0] == 101  # the last page again, as Magento's collections answer
    strict = magento_shop(clamp_pages=False)
    strict.add_products(count=3, seed=1)
    assert ids(Rest(strict).search("/products", page_size=2, page=5)) == []
    descending = rest.search("/products", page_size=3, sort=[("entity_id", "DESC")])
    assert ids(descending) == [120, 119, 118]


def test_input_limits(rest, magento_shop):
    too_big = rest.search("/products", page_size=301)
    assert too_big.status_code == 400
    assert too_big.json() == {
        "message": "Maximum SearchCriteria pageSize is %max",
        "parameters": {"max": 300},
    }
    default = rest.search("/products", [(0, 0, "entity_id", "0", "gt")])
    assert len(ids(default)) == 20  # the default page size when limits are on
    assert rest.call("GET", "/products").status_code == 400  # searchCriteria is required
    items = [
        {"sku": f"X{n}", "source_code": "default", "quantity": 1, "status": 1} for n in range(21)
    ]
    refused = rest.call("POST", "/inventory/source-items", json={"sourceItems": items})
    assert refused.status_code == 400 and refused.json()["parameters"]["max"] == 20
    open_shop = magento_shop(input_limits=False)
    open_shop.add_products(count=400, seed=1)
    assert len(ids(Rest(open_shop).search("/products", [(0, 0, "entity_id", "0", "gt")]))) == 400


def test_unknown_criteria_and_fields(rest):
    typo = rest.call("GET", "/products", params={"searchCriteria[page_size]": 5})
    assert typo.status_code == 400
    assert typo.json()["parameters"]["fieldName"] == "page_size"
    unknown_field = rest.search("/products", [(0, 0, "colour", "red", "eq")], 5)
    assert unknown_field.status_code == 400 and "colour" in str(unknown_field.json())
    trimmed = rest.search(
        "/products",
        page_size=2,
        fields="items[id,sku,extension_attributes[website_ids]],total_count",
    ).json()
    assert set(trimmed) == {"items", "total_count"}
    assert set(trimmed["items"][0]) == {"id", "sku", "extension_attributes"}
    assert trimmed["items"][0]["extension_attributes"] == {"website_ids": [1]}


def test_authentication_and_routes(shop, rest, magento_shop):
    missing = rest.call("GET", "/orders", token=None, params={"searchCriteria[pageSize]": 1})
    assert missing.status_code == 401
    assert missing.json()["parameters"] == {"resources": "Magento_Sales::actions_view"}
    assert rest.call("GET", "/orders", token="nope").status_code == 401
    assert rest.call("GET", "/no/such/thing").json() == {
        "message": "Request does not match any route."
    }
    assert Rest(shop, store="de").call("GET", "/store/storeViews").status_code == 404
    default_store = requests.get(
        f"{shop.base_url}/rest/V1/store/storeViews",
        headers={"Authorization": f"Bearer {shop.token}"},
        timeout=5,
    )
    assert [v["code"] for v in default_store.json()] == ["admin", "default"]
    strict = magento_shop(bearer_allowed=False)
    assert Rest(strict).call("GET", "/store/storeViews").status_code == 401
    calls = shop.calls(operation="orders")
    assert [c["authenticated"] for c in calls] == [False, False]


def test_order_state_machine_and_shipments(magento_shop):
    shop = magento_shop()
    rest = Rest(shop)
    made = shop.add_orders(count=1, unpaid=2, seed=3)
    paid, unpaid = made["created"][0], made["unpaid"][0]
    assert shop.order(paid)["state"] == "processing" and shop.order(paid)["total_due"] == 0
    with pytest.raises(RuntimeError, match="409"):
        shop.act(paid, "cancel")  # invoiced: refund it instead
    cancelled = shop.act(unpaid, "cancel")
    assert (cancelled["state"], cancelled["status"]) == ("canceled", "canceled")
    refused = rest.call("POST", f"/order/{unpaid}/ship", json={})
    assert refused.status_code == 400
    assert "does not allow a shipment" in refused.json()["message"]
    no_number = rest.call("POST", f"/order/{paid}/ship", json={"tracks": [{"title": "UPS"}]})
    assert "tracking number" in no_number.json()["message"]
    items = [
        {"order_item_id": i["item_id"], "qty": i["qty_ordered"]}
        for i in shop.order(paid)["items"]
        if not i["parent_item_id"]
    ]
    too_many = [dict(items[0], qty=items[0]["qty"] + 1)]
    assert "exceeds" in rest.call("POST", f"/order/{paid}/ship", json={"items": too_many}).text
    shipped = rest.call(
        "POST",
        f"/order/{paid}/ship",
        json={
            "items": items,
            "tracks": [{"track_number": "1Z", "title": "UPS", "carrier_code": "ups"}],
        },
    )
    assert shipped.status_code == 200 and isinstance(shipped.json(), int)
    assert shop.order(paid)["state"] == "complete"
    second = made["unpaid"][1]
    assert shop.act(second, "pay")["state"] == "processing"
    assert shop.act(second, "refund")["state"] == "closed"
    summary = shop.summary()
    assert summary["orders"][str(paid)]["ship_ok"] == 1
    assert summary["orders"][str(paid)]["ship_calls"] == 3


def test_source_items_are_validated_as_a_batch(shop, rest):
    sku = next(p["sku"] for p in shop.products() if p["type_id"] == "simple")
    good = {"sku": sku, "source_code": "default", "quantity": 12, "status": 1}
    bad = {"sku": "NOPE", "source_code": "elsewhere", "quantity": "x", "status": 3}
    refused = rest.call("POST", "/inventory/source-items", json={"sourceItems": [good, bad]})
    assert refused.status_code == 400 and refused.json()["message"] == "Validation Failed"
    assert len(refused.json()["errors"]) == 4
    assert shop.stock()["writes"] == {}  # all or nothing: the good item was not saved
    saved = rest.call("POST", "/inventory/source-items", json={"sourceItems": [good]})
    assert saved.status_code == 200 and shop.stock()["items"][sku] == 12
    listed = rest.search(
        "/inventory/source-items", [(0, 0, "source_code", "default", "eq")], 300
    ).json()
    assert {"sku": sku, "source_code": "default", "quantity": 12, "status": 1} in listed["items"]


def test_media_files_are_small_valid_pngs(shop):
    product = next(p for p in shop.products() if p["images"])
    payload = Rest(shop).call("GET", f"/products/{product['sku']}").json()
    file = payload["media_gallery_entries"][0]["file"]
    response = requests.get(f"{shop.base_url}/pub/media/catalog/product{file}", timeout=5)
    assert response.headers["Content-Type"] == "image/png"
    content = response.content
    assert content[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", content[16:24])
    assert (width, height) == (16, 16)
    length = struct.unpack(">I", content[33:37])[0]
    assert content[37:41] == b"IDAT"
    assert len(zlib.decompress(content[41 : 41 + length])) == 16 * (1 + 16 * 3)
    missing = requests.get(f"{shop.base_url}/pub/media/catalog/product/a/b/none-1-1.png", timeout=5)
    assert missing.status_code == 404


def test_rate_limit_answers_429_with_retry_after(magento_shop):
    shop = magento_shop(rate_limit={"rate_per_second": 0.5, "burst": 2})
    rest = Rest(shop)
    statuses = [rest.search("/products", page_size=1).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    throttled = rest.search("/products", page_size=1)
    assert throttled.status_code == 429 and int(throttled.headers["Retry-After"]) >= 1
    assert shop.summary()["throttled"] == 2


def test_faults_hit_the_matching_calls_only(shop, rest):
    shop.fault(kind="status", status=503, path="/V1/orders", count=1)
    assert rest.search("/products", page_size=1).status_code == 200
    assert rest.search("/orders", page_size=1).status_code == 503
    assert rest.search("/orders", page_size=1).status_code == 200
    shop.fault(kind="broken_body", path="/V1/products")
    broken = rest.search("/products", page_size=1)
    assert broken.status_code == 200
    with pytest.raises(ValueError):
        broken.json()
    faults = [(c["operation"], c["status"], c["fault"]) for c in shop.calls()]
    assert faults[-4:] == [
        ("products", 200, None),
        ("orders", 503, "status"),
        ("orders", 200, None),
        ("products", 200, "broken_body"),
    ]


def test_generation_is_deterministic_and_scales(magento_shop):
    first, second = magento_shop(), magento_shop()
    made = first.add_products(count=50_000, seed=11, malformed=4)
    second.add_products(count=50_000, seed=11, malformed=4)
    assert len(made["created"]) == 50_000 and made["malformed"] == [50_001, 50_002, 50_003, 50_004]
    a, b = first.products(), second.products()
    assert [p["sku"] for p in a] == [p["sku"] for p in b]
    assert len({p["sku"] for p in a}) == 50_004
    last = Rest(first).search("/products", [(0, 0, "entity_id", "49900", "gt")], 300).json()
    assert last["total_count"] == 104 and len(last["items"]) == 104


def test_orders_seeded_after_a_read_are_stamped_as_updated_now(magento_shop):
    shop = magento_shop()
    Rest(shop).search("/orders", page_size=1)
    (order_id,) = shop.add_orders(count=1, seed=1, start="2025-01-01T00:00:00Z")["created"]
    order = shop.order(order_id)
    assert order["created_at"].startswith("2025-01-01")
    updated = datetime.strptime(order["updated_at"], "%Y-%m-%d %H:%M:%S").replace(tzinfo=UTC)
    assert datetime.now(UTC) - updated < timedelta(minutes=2)


def test_a_delayed_fault_hits_the_nth_matching_call(shop, rest):
    shop.fault(kind="status", status=500, path="/V1/products", after=2)
    statuses = [rest.search("/products", page_size=1).status_code for _ in range(4)]
    assert statuses == [200, 200, 500, 200]
    shop.fault(kind="status", status=500, path="/V1/orders", after=5)
    assert shop.clear_faults() == 1
