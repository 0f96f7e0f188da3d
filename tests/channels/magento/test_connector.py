"""The Magento connector over real HTTP against the sandbox: paging, filters, errors, limits."""

import datetime as dt

import pytest
from support import wait_for

from channels.errors import (
    ChannelUnavailable,
    ConfigurationError,
    CredentialsError,
    PayloadError,
    RateLimited,
    RejectedByChannel,
)
from channels.magento import Connector
from channels.records import Shipment, StockUpdate


@pytest.fixture
def connect(magento_settings):
    made = []

    def make(shop, **extra) -> Connector:
        values = magento_settings(shop, **extra)
        token = values.pop("access_token")
        connector = Connector(values, {"access_token": token})
        made.append(connector)
        return connector

    yield make
    for connector in made:
        connector.close()


def products_calls(shop):
    return shop.calls(operation="products")


def test_check_names_the_store_and_source(magento_shop, connect):
    shop = magento_shop(store_codes=["default", "fr"], sources=["default", "lyon"])
    assert "store view 'fr'" in connect(shop, store_code="fr", source_code="lyon").check()
    with pytest.raises(ConfigurationError, match="no store view 'de'"):
        connect(shop, store_code="de").check()
    with pytest.raises(ConfigurationError, match="no inventory source 'paris'"):
        connect(shop, source_code="paris").check()


def test_an_unknown_store_code_is_a_settings_error(magento_shop, connect):
    shop = magento_shop()
    with pytest.raises(ConfigurationError, match="Store code"):
        list(connect(shop, store_code="de").new_orders({}))


def test_refused_token_is_a_credentials_error_with_the_magento_hint(magento_shop, connect):
    shop = magento_shop()
    with pytest.raises(CredentialsError) as caught:
        list(connect(shop, access_token="wrong-token-123").new_orders({}))
    assert "standalone Bearer Tokens" in caught.value.message
    assert "wrong-token-123" not in caught.value.message
    refusing = magento_shop(bearer_allowed=False)  # Magento 2.4.4+ without the OAuth option
    with pytest.raises(CredentialsError):
        connect(refusing).check()


def test_products_are_paged_by_id_with_checkpoints(magento_shop, connect):
    shop = magento_shop()
    shop.add_products(count=700, seed=4, malformed=2)
    connector = connect(shop)
    pages = list(connector.all_products({}))
    records = [r for p in pages for r in p.records]
    assert len(records) == 700 and len({r.sku for r in records}) == 700
    assert [p.next_position["position"] for p in pages[:-1]] == [300, 600, 702]
    assert pages[-1].next_position["position"] is None and pages[-1].next_position["completed_at"]
    assert sum(len(p.problems) for p in pages) == 2
    calls = products_calls(shop)
    assert len(calls) == 3  # the last page was short: no call past the end
    assert all(c["query"]["searchCriteria[currentPage]"] == "1" for c in calls)
    assert all(c["query"]["searchCriteria[pageSize]"] == "300" for c in calls)

    resumed = list(connector.all_products({"position": 600}))
    assert sum(len(p.records) for p in resumed) == 100
    first = products_calls(shop)[3]["query"]
    assert first["searchCriteria[filter_groups][0][filters][0][field]"] == "entity_id"
    assert first["searchCriteria[filter_groups][0][filters][0][condition_type]"] == "gt"
    assert first["searchCriteria[filter_groups][0][filters][0][value]"] == "600"


def test_new_products_start_after_the_last_id(magento_shop, connect):
    shop = magento_shop()
    shop.add_products(count=50, seed=1)
    connector = connect(shop)
    first = list(connector.new_products({}))
    assert first[-1].next_position == {"last_id": 50}
    shop.add_products(count=5, seed=2)
    fresh = [r for p in connector.new_products(first[-1].next_position) for r in p.records]
    assert [r.channel_product_id for r in fresh] == ["51", "52", "53", "54", "55"]
    assert all(
        url.startswith(f"{shop.base_url}/pub/media/catalog/product/")
        for r in fresh
        for url in r.image_urls
    )


def test_new_orders_paid_unpaid_unknown_method_and_malformed(magento_shop, connect):
    shop = magento_shop()
    two_hours_ago = dt.datetime.now(dt.UTC) - dt.timedelta(hours=2)
    made = shop.add_orders(
        count=4, unpaid=2, unknown_method=1, malformed=2, seed=9, start=two_hours_ago.isoformat()
    )
    pages = list(connect(shop).new_orders({}))
    records = {r.channel_order_id: r for p in pages for r in p.records}
    paid = {str(i) for i in made["created"]}
    unpaid = {str(i) for i in made["unpaid"]}
    assert set(records) == paid | unpaid
    assert all(records[i].awaiting_payment for i in unpaid)
    assert not any(records[i].awaiting_payment for i in paid)
    problems = {p.record_ref: p for page in pages for p in page.problems}
    (unknown,) = made["unknown_method"]
    assert problems[str(unknown)].code == "unknown_shipping_method"
    assert "dronedelivery_express" in problems[str(unknown)].message
    assert {problems[str(i)].code for i in made["malformed"]} == {"malformed_payload"}
    # The order held back by the missing mapping keeps the cursor at its update date.
    held = shop.order(unknown)["updated_at"]
    cursor = pages[-1].next_position["updated_since"]
    assert cursor == dt.datetime.fromisoformat(held + "+00:00").isoformat()


def test_orders_are_asked_for_by_state_and_update_date(magento_shop, connect):
    shop = magento_shop()
    shop.add_orders(count=3, seed=2)
    list(connect(shop).new_orders({"updated_since": "2025-03-01T00:00:00+00:00"}))
    (call,) = shop.calls(operation="orders")
    query = call["query"]
    assert query["searchCriteria[filter_groups][0][filters][0][field]"] == "state"
    assert query["searchCriteria[filter_groups][0][filters][0][condition_type]"] == "in"
    assert "processing" in query["searchCriteria[filter_groups][0][filters][0][value]"]
    assert query["searchCriteria[filter_groups][1][filters][0][field]"] == "updated_at"
    assert query["searchCriteria[filter_groups][1][filters][0][value]"] == "2025-03-01 00:00:00"
    assert query["searchCriteria[filter_groups][1][filters][0][condition_type]"] == "gteq"


def test_status_updates_read_trimmed_orders(magento_shop, connect):
    shop = magento_shop()
    made = shop.add_orders(count=2, unpaid=1, seed=5)
    shop.act(made["unpaid"][0], "cancel")
    shop.act(made["created"][0], "refund")
    records = {r.channel_order_id: r for p in connect(shop).order_updates({}) for r in p.records}
    assert records[str(made["unpaid"][0])].cancelled
    assert records[str(made["created"][0])].cancelled  # refunded before shipping
    assert not records[str(made["created"][1])].cancelled
    (call,) = shop.calls(operation="orders")
    assert call["query"]["fields"].startswith("items[entity_id,")


def test_orders_by_id(magento_shop, connect):
    shop = magento_shop()
    made = shop.add_orders(unpaid=3, seed=6)
    first, second, third = made["unpaid"]
    shop.act(first, "pay")
    shop.act(second, "cancel")
    found = {
        r.channel_order_id: r
        for r in connect(shop).orders_by_id([str(first), str(second), str(third), "999"])
    }
    assert not found[str(first)].awaiting_payment and not found[str(first)].cancelled
    assert found[str(second)].cancelled
    assert found[str(third)].awaiting_payment
    assert "999" not in found


def test_stock_is_read_by_source_and_sent_in_batches_of_twenty(magento_shop, connect):
    shop = magento_shop()
    shop.add_products(count=60, seed=3)
    connector = connect(shop)
    levels = [r for p in connector.stock_levels() for r in p.records]
    stocked = {p["sku"] for p in shop.products() if p["type_id"] == "simple"}
    assert {r.sku for r in levels} == stocked
    products = shop.products()
    updates = [StockUpdate(p["sku"], 7, p["id"], {"type_id": p["type_id"]}) for p in products] + [
        StockUpdate("NO-SUCH-SKU", 3)
    ]
    problems = connector.export_stock(updates)
    (problem,) = problems
    assert problem.record_ref == "NO-SUCH-SKU" and "does not exist" in problem.message
    stock = shop.stock()["items"]
    assert all(stock[sku] == 7 for sku in stocked)
    configurable = [p["sku"] for p in products if p["type_id"] == "configurable"]
    assert configurable and not any(sku in stock for sku in configurable)
    saves = shop.calls(operation="save_source_items")
    sent = len(stocked) + 1
    last_batch = sent - 20 * (-(-sent // 20) - 1)  # where NO-SUCH-SKU went
    assert len(saves) == -(-sent // 20) + last_batch  # the refused batch, again item by item
    assert all(c["status"] in (200, 400) for c in saves)


def test_confirm_shipment_survives_a_lost_answer(magento_shop, connect):
    shop = magento_shop()
    (order_id,) = shop.add_orders(count=1, seed=8)["created"]
    connector = connect(shop)
    (record,) = connector.orders_by_id([str(order_id)])
    shipment = Shipment(str(order_id), "UPS", "1Z999AA1", dt.datetime.now(dt.UTC), record.lines)
    connector.client.http.timeout = (2.0, 0.3)
    shop.fault(kind="timeout", delay_seconds=1, path=f"/V1/order/{order_id}/ship")
    with pytest.raises(ChannelUnavailable, match="did not answer"):
        connector.confirm_shipment(shipment, lambda step: None)
    wait_for(lambda: shop.summary()["orders"][str(order_id)]["ship_ok"] == 1, timeout=10)
    steps = []
    connector.confirm_shipment(shipment, steps.append)  # refused: already shipped
    assert steps == ["shipped"]
    summary = shop.summary()["orders"][str(order_id)]
    assert (summary["ship_ok"], summary["state"]) == (1, "complete")
    assert summary["tracks"] == [
        {"track_number": "1Z999AA1", "title": "UPS", "carrier_code": "ups"}
    ]


def test_shipping_a_cancelled_order_is_rejected(magento_shop, connect):
    shop = magento_shop()
    (order_id,) = shop.add_orders(unpaid=1, seed=8)["unpaid"]
    shop.act(order_id, "cancel")
    shipment = Shipment(str(order_id), None, None, dt.datetime.now(dt.UTC))
    with pytest.raises(RejectedByChannel, match="does not allow a shipment"):
        connect(shop).confirm_shipment(shipment, lambda step: None)


def test_images_come_from_the_media_host_without_the_token(magento_shop, connect):
    shop = magento_shop()
    shop.add_products(count=10, seed=1)
    connector = connect(shop)
    urls = [u for p in connector.all_products({}) for r in p.records for u in r.image_urls]
    content = connector.download_image(urls[0])
    assert content.startswith(b"\x89PNG\r\n\x1a\n")
    assert "Authorization" not in connector.client.media.session.headers
    with pytest.raises(RejectedByChannel, match="HTTP 404"):
        connector.download_image(f"{shop.base_url}/pub/media/catalog/product/x/y/nothing.png")
    shop.fault(kind="status", status=503, path="/pub/media/*")
    with pytest.raises(ChannelUnavailable):
        connector.download_image(urls[0])


def test_transport_failures_are_classified(magento_shop, connect):
    shop = magento_shop()
    shop.add_products(count=5, seed=1)
    connector = connect(shop)
    shop.fault(kind="status", status=503, path="/V1/products")
    with pytest.raises(ChannelUnavailable, match="HTTP 503"):
        list(connector.all_products({}))
    shop.fault(kind="broken_body", path="/V1/products")
    with pytest.raises(PayloadError, match="not JSON"):
        list(connector.all_products({}))
    shop.fault(kind="status", status=429, retry_after=120, path="/V1/products")
    with pytest.raises(RateLimited) as caught:
        list(connector.all_products({}))
    assert caught.value.retry_after_seconds == 120


def test_a_short_throttle_is_waited_out_not_failed(magento_shop, connect):
    shop = magento_shop(rate_limit={"rate_per_second": 4, "burst": 2})
    shop.add_products(count=1500, seed=2)
    connector = connect(shop, requests_per_second="50")  # more than the shop accepts
    records = [r for p in connector.all_products({}) for r in p.records]
    assert len(records) == 1500
    assert shop.summary()["throttled"] >= 1  # the shop said 429; the run went on


def test_the_client_budget_keeps_under_the_shop_limit(magento_shop, connect):
    shop = magento_shop(rate_limit={"rate_per_second": 5, "burst": 5})
    shop.add_products(count=10, seed=2)
    connector = connect(shop, requests_per_second="4")
    # Twelve calls in a row would empty the shop's bucket of five; the client's budget spaces
    # them so the shop never has to refuse one.
    for _ in range(12):
        assert connector.client.search("/products", [], page_size=1)["total_count"] == 10
    assert shop.summary()["throttled"] == 0
    assert len(shop.calls(operation="products")) == 12
