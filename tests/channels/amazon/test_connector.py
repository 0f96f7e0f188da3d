"""The Amazon connector over real HTTP against the simulator (no database)."""

import datetime as dt

import pytest

from channels.amazon import Connector
from channels.errors import CredentialsError, Error, Info, RateLimited
from channels.records import OrderLineRecord, Shipment


def connect(seller, **extra) -> Connector:
    settings, secrets = seller.split(**extra)
    return Connector(settings, secrets)


def run_import(connector, cursor=None):
    """All pages of one import: (records, problems, the cursor as the writer would store it)."""
    records, problems, stored = [], [], dict(cursor or {})
    for page in connector.new_orders(stored):
        records += page.records
        problems += page.problems
        if page.next_position:
            stored = {**stored, **page.next_position}
    return records, problems, stored


def test_import_uses_one_token_an_rdt_and_skips_pending(amazon_seller):
    seller = amazon_seller(pending_delay_seconds=600)
    made = seller.add_orders(count=8, seed=5, pending=0)
    assert {seller.order(i)["OrderStatus"] for i in made["created"]} == {"Pending"}
    seller.advance(made["created"][:5])
    with connect(seller) as connector:
        assert "connected as seller" in connector.check()
        records, problems, _ = run_import(connector)
    assert not problems
    assert sorted(r.channel_order_id for r in records) == sorted(made["created"][:5])
    assert all(r.shipping_address.name and r.shipping_address.street_1 for r in records)
    assert all(r.buyer.get("email") for r in records)
    calls = seller.summary()["calls"]
    assert calls["lwaToken"] == 1 and calls["createRestrictedDataToken"] == 1
    tokens = {(c["operation"], c["token"]) for c in seller.calls()}
    assert ("getOrderItemsBuyerInfo", "rdt") in tokens and ("getOrderItems", "access") in tokens
    imports = [c for c in seller.calls(operation="getOrders") if c["token"] == "rdt"]
    (listing,) = imports
    assert listing["query"]["OrderStatuses"] == "Unshipped,PartiallyShipped"
    assert listing["query"]["FulfillmentChannels"] == "MFN"


def test_paging_of_orders_and_items(amazon_seller):
    seller = amazon_seller(items_page_size=1)
    created = seller.add_orders(count=230, seed=8)["created"]
    with connect(seller) as connector:
        records, problems, cursor = run_import(connector)
    assert not problems and len(records) == 230
    assert [r.channel_order_id for r in records] == created
    expected_lines = sum(len(seller.order(i)["items"]) for i in created[:20])
    assert sum(len(r.lines) for r in records[:20]) == expected_lines
    listing = seller.calls(operation="getOrders")
    assert sum(1 for c in listing if "NextToken" in c["query"]) == 2  # 100 + 100 + 30
    # only orders getOrders can still return are remembered (placed since the new cursor)
    assert created[-1] in cursor["seen"] and set(cursor["seen"]) < set(created)
    assert all(placed >= cursor["created_after"] for placed in cursor["seen"].values())


def test_a_second_run_fetches_nothing_twice_and_moves_the_cursor(amazon_seller):
    seller = amazon_seller()
    first = seller.add_orders(count=4, seed=9)["created"]
    with connect(seller) as connector:
        _, _, cursor = run_import(connector)
    newest = dt.datetime.fromisoformat(
        seller.order(first[-1])["payload"]["PurchaseDate"].replace("Z", "+00:00")
    )
    watermark = (newest - dt.timedelta(minutes=5)).replace(microsecond=0)  # as CreatedAfter
    assert dt.datetime.fromisoformat(cursor["created_after"]) == watermark
    second = seller.add_orders(count=3, seed=10)["created"]
    with connect(seller) as connector:
        records, _, cursor = run_import(connector, cursor)
    assert [r.channel_order_id for r in records] == second
    per_order = seller.summary()["orders"]
    assert all(per_order[i]["items_calls"] == 1 for i in first + second)


def test_orders_just_inside_the_overlap_are_not_fetched_again(amazon_seller):
    seller = amazon_seller()
    newest = (dt.datetime.now(dt.UTC) - dt.timedelta(minutes=10)).replace(microsecond=700_000)
    edge = newest - dt.timedelta(seconds=300.2)  # before the watermark, after its whole second
    placed = [edge, newest]
    ids = seller.add_orders(orders=[{"PurchaseDate": p.isoformat()} for p in placed])["created"]
    with connect(seller) as connector:
        _, _, cursor = run_import(connector)
        records, _, _ = run_import(connector, cursor)
    assert records == []
    assert all(seller.summary()["orders"][i]["items_calls"] == 1 for i in ids)


def test_an_order_verified_late_is_not_skipped(amazon_seller):
    seller = amazon_seller()
    old = (dt.datetime.now(dt.UTC) - dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M:%SZ")
    (late,) = seller.add_orders(orders=[{"PurchaseDate": old, "pending": True}])["created"]
    recent = seller.add_orders(count=2, seed=11)["created"]
    with connect(seller) as connector:
        records, _, cursor = run_import(connector)
    assert [r.channel_order_id for r in records] == recent
    assert (
        cursor["created_after"] <= dt.datetime.fromisoformat(old.replace("Z", "+00:00")).isoformat()
    )
    seller.advance([late])
    with connect(seller) as connector:
        records, _, _ = run_import(connector, cursor)
    assert [r.channel_order_id for r in records] == [late]


def test_when_not_using_the_last_imported_datetime_it_looks_back_seven_days(amazon_seller):
    seller = amazon_seller()
    seller.add_orders(count=2, seed=12)
    with connect(
        seller, use_last_imported_datetime=False, last_imported_datetime="2030-01-01T00:00:00Z"
    ) as connector:
        records, _, cursor = run_import(connector)
    assert len(records) == 2 and "created_after" not in cursor
    (listing,) = seller.calls(operation="getOrders")
    after = dt.datetime.fromisoformat(listing["query"]["CreatedAfter"].replace("Z", "+00:00"))
    assert dt.timedelta(days=6, hours=23) < dt.datetime.now(dt.UTC) - after < dt.timedelta(days=8)


@pytest.mark.parametrize("level", ["minimum", "medium", "maximum"])
def test_customisation_levels(amazon_seller, level):
    seller = amazon_seller()
    (order_id,) = seller.add_orders(count=1, seed=13, personalised=1)["created"]
    gift = seller.add_orders(orders=[{"gift": True}], seed=14)["created"][0]
    document = seller.order(order_id)
    with connect(seller, customisation_level=level) as connector:
        records, problems, _ = run_import(connector)
    by_id = {r.channel_order_id: r for r in records}
    personalisation = by_id[order_id].lines[0].personalisation
    assert personalisation["type"] == "textual" and personalisation["fields"]["Message"]
    if level == "minimum":
        assert "cosmetics" not in personalisation and "options" not in personalisation
    else:
        assert personalisation["cosmetics"]["Message"]["font"]
        assert set(personalisation["options"]) == {"Size", "Colour"}
    assert by_id[gift].lines[0].personalisation["gift_message"]
    notes = [p for p in problems if isinstance(p, Info)]
    if level == "maximum":
        (note,) = notes
        assert note.code == "customisation_level_maximum" and "Medium" in note.message
    else:
        assert not notes
    assert document["item_info"][0]["_custom_key"]


def test_sku_concatenation_labels(amazon_seller):
    seller = amazon_seller()
    (order_id,) = seller.add_orders(count=1, seed=15, personalised=1)["created"]
    size = next(
        a["optionValue"]
        for a in _areas(seller, order_id)
        if a["customizationType"] == "Options" and a["label"] == "Size"
    )
    with connect(seller, sku_concatenation_labels="Size") as connector:
        (record,), _, _ = run_import(connector)
    sku = seller.order(order_id)["items"][0]["SellerSKU"]
    assert record.lines[0].channel_sku == f"{sku}-{size}"


def _areas(seller, order_id):
    import io
    import json
    import zipfile

    import requests

    with connect(seller) as connector:
        infos = connector.client.order_items_buyer_info(order_id)
    url = infos[0]["BuyerCustomizedInfo"]["CustomizedURL"]
    archive = zipfile.ZipFile(io.BytesIO(requests.get(url, timeout=10).content))
    name = next(n for n in archive.namelist() if n.endswith(".json"))
    return json.loads(archive.read(name))["version3.0"]["customizationInfo"]["surfaces"][0]["areas"]


def test_malformed_orders_are_isolated(amazon_seller):
    seller = amazon_seller()
    made = seller.add_orders(count=3, malformed=6, seed=16)
    with connect(seller) as connector:
        records, problems, _ = run_import(connector)
    assert sorted(r.channel_order_id for r in records) == sorted(made["created"])
    assert sorted(p.record_ref for p in problems) == sorted(made["malformed"])
    assert all(p.code == "malformed_payload" for p in problems)


def test_usage_plan_header_sets_the_client_rate(amazon_seller):
    seller = amazon_seller(rates={"*": {"rate_per_second": 50, "burst": 50}})
    seller.add_orders(count=2, seed=17)
    with connect(seller) as connector:
        assert connector.client.limits["getOrderItems"].rate == 0.5  # the default plan
        run_import(connector)
        assert connector.client.limits["getOrderItems"].rate == 50
        assert connector.client.limits["getOrders"].rate == 50


def test_quota_exceeded_is_a_retry_after_the_rate(amazon_seller):
    seller = amazon_seller(rates={"getOrders": {"rate_per_second": 0.02, "burst": 1}})
    with connect(seller) as connector:
        connector.check()
        with pytest.raises(RateLimited) as caught:
            run_import(connector)
    assert caught.value.retry_after_seconds == pytest.approx(50)
    assert "QuotaExceeded" in caught.value.message and "getOrders" in caught.value.message


def test_wrong_refresh_token_is_a_credentials_error(amazon_seller):
    seller = amazon_seller()
    connector = connect(seller, lwa_refresh_token="Atzr|revoked-123")
    with connector, pytest.raises(CredentialsError) as caught:
        connector.check()
    assert "LWA Refresh Token" in caught.value.message and "invalid_grant" in caught.value.message
    assert "revoked-123" not in caught.value.message
    connector = connect(seller, lwa_client_secret="rotated-away")
    with connector, pytest.raises(CredentialsError, match="LWA Client Secret"):
        connector.check()


def test_an_expired_token_is_renewed_once(amazon_seller):
    seller = amazon_seller()
    seller.add_orders(count=2, seed=18)
    with connect(seller) as connector:
        connector.check()
        seller.expire_tokens()
        records, _, _ = run_import(connector)
    assert len(records) == 2
    assert seller.summary()["calls"]["lwaToken"] == 2


def shipment(order, **changes):
    values = {
        "channel_order_id": order["AmazonOrderId"],
        "carrier": "Royal Mail",
        "tracking_number": "RM123456785GB",
        "shipped_at": dt.datetime(2026, 3, 2, 10, 30, tzinfo=dt.UTC),
        "lines": tuple(
            OrderLineRecord(i["OrderItemId"], i["SellerSKU"], i["QuantityOrdered"])
            for i in order["items"]
        ),
    }
    return Shipment(**{**values, **changes})


def test_confirm_shipment_sends_the_package_and_ships(amazon_seller):
    seller = amazon_seller(marketplaces=("UK", "DE"))
    order_id, other = seller.add_orders(count=2, seed=19)["created"]
    steps = []
    with connect(seller, sale_channels="UK,DE") as connector:
        connector.confirm_shipment(shipment(seller.order(order_id)), steps.append)
        with pytest.raises(Error) as caught:
            connector.confirm_shipment(
                shipment(seller.order(other), tracking_number=None), steps.append
            )
        # an answer lost after Amazon applied it: the retry finds the order Shipped
        connector.confirm_shipment(shipment(seller.order(order_id)), steps.append)
    assert steps == ["confirmed", "confirmed"]
    view = seller.order(order_id)
    assert view["OrderStatus"] == "Shipped"
    (package,) = view["shipments"]
    assert package["carrierCode"] == "Royal Mail" and package["trackingNumber"] == "RM123456785GB"
    assert package["shipDate"] == "2026-03-02T10:30:00.000Z"
    assert {i["orderItemId"] for i in package["orderItems"]} == {
        i["OrderItemId"] for i in view["items"]
    }
    assert caught.value.code == "missing_tracking" and caught.value.record_ref == other
    assert seller.summary()["orders"][other]["confirm_calls"] == 0
    # two marketplaces: getOrder tells which one; the retry also asks whether it shipped
    assert [c["status"] for c in seller.calls(operation="getOrder")] == [200, 200, 200]
    confirmations = seller.calls(operation="confirmShipment")
    assert [c["status"] for c in confirmations] == [204, 400]


def test_order_updates_report_cancellations(amazon_seller):
    seller = amazon_seller()
    kept, cancelled = seller.add_orders(count=2, seed=20)["created"]
    seller.cancel(cancelled, "Found cheaper somewhere else.", minutes_ago=3)
    since = (dt.datetime.now(dt.UTC) - dt.timedelta(hours=3)).isoformat()
    with connect(seller) as connector:
        pages = list(connector.order_updates({"updated_after": since}))
    statuses = {r.channel_order_id: r for p in pages for r in p.records}
    assert statuses[kept].channel_status == "Unshipped" and not statuses[kept].cancelled
    assert statuses[cancelled].channel_status == "Canceled" and statuses[cancelled].cancelled
    assert pages[-1].next_position["updated_after"] > since
