"""The Shopify connector over real HTTP against the simulator (no database)."""

from __future__ import annotations

import datetime as dt

import pytest

from channels.errors import (
    ChannelUnavailable,
    ConfigurationError,
    CredentialsError,
    PayloadError,
    RateLimited,
    RejectedByChannel,
)
from channels.records import Shipment, StockUpdate
from channels.shopify.throttle import HEADROOM_CALLS


def records(pages):
    return [record for page in pages for record in page.records]


def shipment(order_id, carrier="UPS", tracking="1Z999AA10123456784", done=()):
    return Shipment(str(order_id), carrier, tracking, dt.datetime.now(dt.UTC), done_steps=done)


def test_check_and_wrong_token(shopify_shop, connect):
    shop = shopify_shop()
    assert shop.handle in connect(shop).check()
    with pytest.raises(CredentialsError) as caught:
        connect(shop, access_token="shpat_wrong").check()
    assert "HTTP 401" in caught.value.message and "shpat_wrong" not in caught.value.message


def test_new_products_page_by_id_and_resume_from_the_cursor(shopify_shop, connect):
    shop = shopify_shop()
    created = shop.add_products(count=300, seed=2, without_sku=1)["created"]
    connector = connect(shop)
    pages = list(connector.new_products({}))
    assert len(pages) == 2  # 250 + 50 products, following the Link header
    assert pages[0].next_position == {"since_id": created[249]}
    assert pages[-1].next_position == {"since_id": created[-1]}
    variants = sum(len(p["variants"]) for p in shop.products())
    assert len(records(pages)) == variants - 1
    (problem,) = pages[-1].problems
    assert problem.code == "malformed_payload" and "has no SKU" in problem.message
    more = shop.add_products(count=2, seed=3)["created"]
    later = records(connector.new_products(pages[-1].next_position))
    assert {r.attributes["shopify_product_id"] for r in later} == {str(i) for i in more}


def test_all_products_checkpoints_and_resumes(shopify_shop, connect):
    shop = shopify_shop()
    created = shop.add_products(count=600, seed=3)["created"]
    connector = connect(shop)
    pages = list(connector.all_products({}))
    assert [p.next_position.get("position") for p in pages] == [created[249], created[499],
                                                               created[-1], None]
    assert pages[-1].next_position["completed_at"]
    shop.clear_calls()
    resumed = list(connector.all_products({"position": created[499]}))
    assert {r.attributes["shopify_product_id"] for r in records(resumed)} == {
        str(i) for i in created[500:]}
    (first_call, *_) = shop.calls(operation="list_products")
    assert first_call["query"]["since_id"] == str(created[499])


def test_images_download_without_the_token(shopify_shop, connect):
    shop = shopify_shop()
    shop.add_products(count=1, seed=1)
    connector = connect(shop)
    (record, *_) = records(connector.new_products({}))
    content = connector.download_image(record.image_urls[0])
    assert content.startswith(b"\x89PNG")
    shop.fault(kind="status", status=503, count=1, path="/cdn/*")
    with pytest.raises(ChannelUnavailable):
        connector.download_image(record.image_urls[0])
    shop.fault(kind="status", status=403, count=1, path="/cdn/*")
    with pytest.raises(RejectedByChannel) as refused:  # one file, not the shop's credentials
        connector.download_image(record.image_urls[0])
    assert refused.value.code == "image_refused"
    assert connector.client.cdn.session.headers.get("X-Shopify-Access-Token") is None


def test_new_orders_classifies_and_holds_fixable_orders(shopify_shop, connect):
    shop = shopify_shop()
    made = shop.add_orders(count=3, unpaid=2, unknown_shipping=1, cancelled=1, malformed=2,
                           seed=4)
    connector = connect(shop)
    (page,) = list(connector.new_orders({}))
    by_id = {r.channel_order_id: r for r in page.records}
    assert {int(i) for i in by_id} == set(made["created"] + made["unpaid"] + made["cancelled"])
    assert all(by_id[str(i)].awaiting_payment for i in made["unpaid"])
    assert by_id[str(made["cancelled"][0])].cancelled
    codes = {p.record_ref: p.code for p in page.problems}
    assert codes[str(made["unknown_shipping"][0])] == "unknown_shipping_method"
    assert [codes[str(i)] for i in made["malformed"]] == ["malformed_payload"] * 2
    held = page.next_position["held_ids"]
    assert page.next_position["since_id"] == max(sum(made.values(), []))
    assert set(held) == {str(i) for i in made["unknown_shipping"] + made["malformed"]}

    fixed = connect(shop, shipping_method_map="STANDARD=STD, EXPRESS=EXP, Free Shipping=STD, "
                                              "DRONE=DRONE")
    again = list(fixed.new_orders(page.next_position))
    assert [r.channel_order_id for r in again[0].records] == [str(made["unknown_shipping"][0])]
    assert again[0].problems == []  # still-broken orders are not reported twice
    assert set(again[-1].next_position["held_ids"]) == {str(i) for i in made["malformed"]}


def test_orders_by_id_and_updates(shopify_shop, connect):
    shop = shopify_shop()
    made = shop.add_orders(count=2, unpaid=1, seed=5)
    connector = connect(shop)
    unpaid = str(made["unpaid"][0])
    assert connector.orders_by_id([unpaid])[0].awaiting_payment
    shop.pay(made["unpaid"][0])
    assert not connector.orders_by_id([unpaid])[0].awaiting_payment
    shop.cancel(made["created"][0])
    pages = list(connector.order_updates({}))
    statuses = {r.channel_order_id: r for r in records(pages)}
    assert statuses[str(made["created"][0])].cancelled
    assert statuses[unpaid].channel_status == "paid"
    assert pages[-1].next_position["updated_at_min"]
    (call,) = shop.calls(operation="list_orders")[-1:]
    assert call["query"]["fields"].startswith("id,")


def test_stock_levels_and_export_only_what_differs(shopify_shop, connect):
    shop = shopify_shop()
    shop.add_products(count=30, seed=6)
    shop.set_stock(all=5)
    connector = connect(shop)
    stock = records(connector.stock_levels())
    assert {r.quantity for r in stock} == {5} and len(stock) == len(shop.stock())
    products = records(connector.new_products({}))
    updates = [StockUpdate(p.sku, 5 if n % 2 else 9, p.channel_product_id, p.attributes)
               for n, p in enumerate(products)]
    updates.append(StockUpdate("NO-ITEM", 3))
    updates.append(StockUpdate("GONE", 3, attributes={"inventory_item_id": "1"}))
    shop.clear_calls()
    problems = connector.export_stock(updates)
    assert [(p.code, p.record_ref) for p in problems] == [("missing_inventory_item", "NO-ITEM"),
                                                          ("unprocessable", "GONE")]
    changed = len([u for u in updates[:-2] if u.quantity == 9])
    assert len(shop.calls(operation="set_inventory_level")) == changed + 1
    assert all(shop.stock()[u.sku] == u.quantity for u in updates[:-2])


def test_location_must_be_chosen_when_there_are_several(shopify_shop, connect):
    shop = shopify_shop()
    shop.add_products(count=1, seed=1)
    second = shop.add_location("Shop floor")
    with pytest.raises(ConfigurationError, match="2 active locations"):
        list(connect(shop).stock_levels())
    assert records(connect(shop, location_id=second).stock_levels()) == []


def test_confirm_shipment_is_idempotent_and_refuses_cancelled_orders(shopify_shop, connect):
    shop = shopify_shop()
    made = shop.add_orders(count=2, seed=7)["created"]
    connector = connect(shop, notify_customer=False)
    steps = []
    connector.confirm_shipment(shipment(made[0]), steps.append)
    connector.confirm_shipment(shipment(made[0]), steps.append)  # its answer was "lost"
    assert steps == ["fulfilled", "fulfilled"]
    (fulfillment,) = shop.summary()["fulfillments"][str(made[0])]
    assert fulfillment["tracking_number"] == "1Z999AA10123456784"
    assert len(shop.calls(operation="create_fulfillment")) == 1
    connector.confirm_shipment(shipment(made[0], done=("fulfilled",)), steps.append)
    assert steps == ["fulfilled", "fulfilled"]  # done steps are not repeated
    shop.cancel(made[1])
    with pytest.raises(RejectedByChannel) as caught:
        connector.confirm_shipment(shipment(made[1]), steps.append)
    assert caught.value.code == "order_cancelled" and caught.value.record_ref == str(made[1])


def test_transport_problems_are_classified(shopify_shop, connect):
    shop = shopify_shop()
    connector = connect(shop)
    shop.fault(kind="status", status=503, count=1, path="/admin/api/*/orders.json")
    with pytest.raises(ChannelUnavailable):
        list(connector.new_orders({}))
    shop.fault(kind="broken_body", count=1, path="/admin/api/*/orders.json")
    with pytest.raises(PayloadError) as caught:
        list(connector.new_orders({}))
    assert caught.value.code == "malformed_response"
    limited = shopify_shop(scopes=["read_orders", "read_products"])
    with pytest.raises(CredentialsError, match="HTTP 403"):
        connect(limited).export_stock([StockUpdate("A", 1, attributes={"inventory_item_id": "5"})])


def test_a_429_is_waited_out_then_a_lasting_one_becomes_a_retry(shopify_shop, connect):
    shop = shopify_shop()
    shop.fill_bucket(40)  # another app emptied the bucket
    assert connect(shop).check()
    statuses = [c["status"] for c in shop.calls(operation="get_shop")]
    assert statuses == [429, 200]
    shop.fault(kind="status", status=429, retry_after=0.1, count=None,
               path="/admin/api/*/shop.json")
    with pytest.raises(RateLimited) as caught:
        connect(shop).check()
    assert caught.value.retry_after_seconds == pytest.approx(0.1)


def test_the_connector_slows_down_before_the_bucket_is_full(shopify_shop, connect):
    shop = shopify_shop()
    shop.add_products(count=1250, seed=9)
    shop.fill_bucket(34)
    pages = list(connect(shop).all_products({}))
    assert len(pages) == 6
    calls = shop.calls(operation="list_products")
    assert all(c["status"] == 200 for c in calls)
    used = [int(c["call_limit"].split("/")[0]) for c in calls]
    assert max(used) <= 40 - HEADROOM_CALLS + 2
    assert shop.summary()["throttled"] == 0


def test_orders_placed_before_the_start_date_are_left_alone(shopify_shop, connect):
    shop = shopify_shop()
    shop.add_orders(count=3, seed=10)  # placed a quarter of an hour ago and earlier
    recent = shop.add_orders(orders=[{"note": "placed a minute ago"}], seed=10)["created"]
    since = (dt.datetime.now(dt.UTC) - dt.timedelta(minutes=10)).isoformat()
    connector = connect(shop, import_orders_since=since)
    cursor = type(connector).initial_cursor({"import_orders_since": since}, "import_new_orders")
    assert cursor == {"created_at_min": since}
    assert type(connector).initial_cursor({}, "import_new_orders") == {}
    found = records(connector.new_orders(cursor))
    assert [r.channel_order_id for r in found] == [str(recent[0])]
