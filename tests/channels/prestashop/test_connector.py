"""The PrestaShop connector over real HTTP against the simulator."""

from __future__ import annotations

import datetime as dt

import pytest

from channels.errors import (
    ChannelUnavailable,
    ConfigurationError,
    CredentialsError,
    PayloadError,
    RejectedByChannel,
)
from channels.prestashop import Connector
from channels.records import Shipment, StockUpdate

from .conftest import new_key


def connector(shop, **settings) -> Connector:
    values = shop.settings(**settings)
    key = values.pop("webservice_key")
    return Connector(values, {"webservice_key": key})


def first_import(shop, **settings):
    """Pages of a first import_new_orders run."""
    conn = connector(shop, **settings)
    cursor = Connector.initial_cursor(shop.settings(**settings), "import_new_orders")
    return conn, list(conn.new_orders(cursor))


def shipment(order_id, tracking="6A0012345", done=()) -> Shipment:
    return Shipment(str(order_id), "Colissimo", tracking, dt.datetime.now(dt.UTC),
                    done_steps=tuple(done))


# -- catalogue --------------------------------------------------------------------------------
def test_new_products_pages_by_id_and_resume_after_the_cursor(ps_shop):
    shop = ps_shop()
    made = shop.add_products(count=230, seed=4, missing_reference=1)
    conn = connector(shop)
    pages = list(conn.new_products({}))
    assert [p.next_position for p in pages] == [{"last_product_id": 100},
                                                {"last_product_id": 200},
                                                {"last_product_id": 230}]
    records = [r for p in pages for r in p.records]
    assert len(records) == made["skus"]
    (problem,) = [x for p in pages for x in p.problems]
    assert problem.record_ref == "product 230" and "no reference" in problem.message
    shop.add_products(count=5, seed=5)
    later = list(connector(shop).new_products({"last_product_id": 230}))
    assert {r.attributes["id_product"] for p in later for r in p.records} == {
        str(i) for i in range(231, 236)}
    walks = [c["query"]["filter[id]"] for c in shop.calls(resource="products")]
    assert walks[-1] == ">[230]"


def test_all_products_checkpoints_and_resumes(ps_shop):
    shop = ps_shop()
    shop.add_products(count=250, seed=6)
    pages = list(connector(shop).all_products({}))
    assert [p.next_position.get("position") for p in pages] == [100, 200, 250, None]
    assert pages[-1].next_position["completed_at"] and pages[-1].records == []
    resumed = list(connector(shop).all_products({"position": 200}))
    assert [p.next_position.get("position") for p in resumed] == [250, None]
    assert {r.attributes["id_product"] for p in resumed for r in p.records} == {
        str(i) for i in range(201, 251)}


def test_combinations_become_products_with_option_names(ps_shop):
    shop = ps_shop()
    shop.add_products(count=30, seed=7, combinations_ratio=1.0)
    records = [r for p in connector(shop).new_products({}) for r in p.records]
    variants = [r for r in records if r.attributes["id_product_attribute"] != "0"]
    assert variants
    sample = variants[0]
    assert sample.channel_product_id == (f"{sample.attributes['id_product']}-"
                                         f"{sample.attributes['id_product_attribute']}")
    assert " - " in sample.name and sample.sku.startswith("PS-")
    product = shop.product(int(sample.attributes["id_product"]))
    assert product["product_type"] == "combinations"
    assert product["reference"] not in {r.sku for r in records}


def test_images_download_and_foreign_urls_are_refused(ps_shop):
    shop = ps_shop()
    shop.add_products(count=1, seed=1, combinations_ratio=0)
    conn = connector(shop)
    (record,) = [r for p in conn.new_products({}) for r in p.records]
    assert conn.download_image(record.image_urls[0]).startswith(b"\x89PNG")
    calls = len(shop.calls())
    with pytest.raises(PayloadError, match="not sent the key"):
        conn.download_image("https://images.example.com/api/images/products/1/1")
    assert len(shop.calls()) == calls


# -- orders -----------------------------------------------------------------------------------
def test_new_orders_import_paid_set_aside_unpaid_and_retry_failures(ps_shop):
    shop = ps_shop()
    paid = shop.add_orders(count=3, seed=1, unknown_carrier=1, malformed=2)
    unpaid = shop.add_orders(count=1, seed=2, state="bankwire")["created"]
    cancelled = shop.add_orders(count=1, seed=3, state="canceled")["created"]
    conn, pages = first_import(shop)
    records = {r.channel_order_id: r for p in pages for r in p.records}
    assert {i for i, r in records.items() if not r.awaiting_payment and not r.cancelled} == {
        str(i) for i in paid["created"]}
    assert records[str(unpaid[0])].awaiting_payment
    assert records[str(cancelled[0])].cancelled
    problems = {p.record_ref: p for page in pages for p in page.problems}
    odd = str(paid["unknown_carrier"][0])
    assert problems[odd].code == "unknown_shipping_method"
    assert "'Drone Express'" in problems[odd].message
    assert {str(i) for i in paid["malformed"]} <= set(problems)
    position = pages[-1].next_position
    assert position["last_order_id"] == max(int(i) for i in records)
    assert set(position["retry_ids"]) == {odd, *(str(i) for i in paid["malformed"])}

    fixed = connector(shop, shipping_method_map="Drone Express=DRONE, My carrier=STANDARD, "
                                                "Colissimo=COLISSIMO, 4=DPD")
    again = list(fixed.new_orders(position))
    retried = {r.channel_order_id: r for p in again for r in p.records}
    assert retried[odd].shipping_method == "DRONE"
    assert set(again[-1].next_position["retry_ids"]) == {str(i) for i in paid["malformed"]}


def test_orders_before_the_start_date_are_not_imported(ps_shop):
    shop = ps_shop()
    shop.add_orders(count=2, seed=1, start="2024-01-01T10:00:00Z")
    recent = shop.add_orders(count=2, seed=2)["created"]
    _, pages = first_import(shop)
    assert {r.channel_order_id for p in pages for r in p.records} == {str(i) for i in recent}
    _, everything = first_import(shop, import_orders_from="2023-12-31T00:00:00Z")
    assert len([r for p in everything for r in p.records]) == 4


def test_a_recheck_failure_is_reported_by_the_next_new_orders(ps_shop):
    shop = ps_shop()
    (order_id,) = shop.add_orders(count=1, seed=1, state="bankwire")["created"]
    _, pages = first_import(shop)
    position = pages[-1].next_position
    shop.pay(order_id)
    edited = connector(shop, shipping_method_map="Click and collect=PICKUP")  # map edited
    assert edited.orders_by_id([str(order_id)]) == []  # left pending, not lost
    (page, *_) = list(edited.new_orders(position))  # the same run goes on with new orders
    assert [p.record_ref for p in page.problems] == [str(order_id)]
    assert page.problems[0].code == "unknown_shipping_method"
    assert page.next_position["retry_ids"] == [str(order_id)]
    (record,) = connector(shop).orders_by_id([str(order_id)])
    assert not record.awaiting_payment


def test_order_updates_follow_the_shop_clock(ps_shop):
    shop = ps_shop()
    created = shop.add_orders(count=3, seed=1)["created"]
    conn = connector(shop)
    cursor = Connector.initial_cursor(shop.settings(), "update_orders")
    pages = list(conn.order_updates(cursor))
    assert {r.channel_order_id for p in pages for r in p.records} == {str(i) for i in created}
    position = pages[-1].next_position
    shop.cancel(created[1])
    later = [r for p in connector(shop).order_updates(position) for r in p.records]
    cancelled = [r for r in later if r.cancelled]
    assert [r.channel_order_id for r in cancelled] == [str(created[1])]
    call = shop.calls(resource="orders")[-1]["query"]
    assert call["date"] == "1" and call["sort"] == "[date_upd_ASC,id_ASC]"
    assert call["filter[date_upd]"].startswith(f"[{position['updated_since']},")


# -- shipments --------------------------------------------------------------------------------
def test_confirm_shipment_sets_tracking_then_the_shipped_state(ps_shop):
    shop = ps_shop()
    first, second = shop.add_orders(count=2, seed=1)["created"]
    conn = connector(shop)
    steps = []
    conn.confirm_shipment(shipment(first), steps.append)
    assert steps == ["tracking", "shipped"]
    view = shop.order(first)
    assert view["state"] == "Shipped" and view["order_carriers"][0]["tracking_number"] == (
        "6A0012345")
    assert view["order_carriers"][0]["weight"] != "0.000000"  # every field was sent back
    # a retry after the tracking went through repeats nothing, and a shipped order is left alone
    steps = []
    conn.confirm_shipment(shipment(first, done=["tracking"]), steps.append)
    assert steps == ["shipped"]
    summary = shop.summary()
    assert summary["state_changes"] == {str(first): 1}
    assert summary["tracking_updates"] == {str(first): 1}
    steps = []
    conn.confirm_shipment(shipment(second, tracking=None), steps.append)
    assert steps == ["shipped"] and shop.order(second)["state"] == "Shipped"


def test_confirm_shipment_refusals(ps_shop):
    shop = ps_shop()
    first, second = shop.add_orders(count=2, seed=1)["created"]
    shop.cancel(first)
    conn = connector(shop)
    with pytest.raises(RejectedByChannel) as caught:
        conn.confirm_shipment(shipment(first), lambda step: None)
    assert caught.value.code == "order_cancelled" and "Canceled" in caught.value.message
    with pytest.raises(RejectedByChannel, match="longer than 64"):
        conn.confirm_shipment(shipment(second, tracking="X" * 65), lambda step: None)
    with pytest.raises(RejectedByChannel, match="no longer exists"):
        conn.confirm_shipment(shipment(999), lambda step: None)
    with pytest.raises(ConfigurationError, match="42"):
        connector(shop, shipped_state_id=42).confirm_shipment(shipment(second, tracking=None),
                                                              lambda step: None)


# -- stock and suppliers ----------------------------------------------------------------------
@pytest.mark.parametrize("version", ["8.1.5", "1.7.8.11"])
def test_export_stock_sends_changed_quantities_only(ps_shop, version):
    shop = ps_shop(version=version)
    shop.add_products(count=20, seed=3)
    conn = connector(shop)
    records = [r for p in conn.new_products({}) for r in p.records][:5]
    current = shop.stock(*(r.sku for r in records))
    updates = [StockUpdate(sku=r.sku, quantity=current[r.sku] + (7 if i < 2 else 0),
                           channel_product_id=r.channel_product_id, attributes=r.attributes)
               for i, r in enumerate(records)]
    updates.append(StockUpdate(sku="GONE", quantity=1, channel_product_id="9999"))
    updates.append(StockUpdate(sku="ODD", quantity=1, channel_product_id="SKU-ODD"))
    problems = conn.export_stock(updates)
    assert {(p.code, p.record_ref) for p in problems} == {("no_stock_row", "GONE"),
                                                          ("unknown_channel_product", "ODD")}
    assert shop.summary()["stock_updates"] == 2
    after = shop.stock(*(r.sku for r in records))
    assert after == {u.sku: u.quantity for u in updates[:5]}


def test_stock_levels_and_suppliers(ps_shop):
    shop = ps_shop()
    made = shop.add_products(count=40, seed=8, combinations_ratio=0.6)
    conn = connector(shop)
    stock = [r for p in conn.stock_levels() for r in p.records]
    assert len(stock) == made["skus"] and len({r.sku for r in stock}) == made["skus"]
    assert stock[0].channel_ref.startswith("stock_available ")
    suppliers = [r for p in conn.suppliers() for r in p.records]
    assert len(suppliers) == 4 and suppliers[0].name
    links = [r for p in conn.product_suppliers() for r in p.records]
    assert len(links) == made["skus"]
    products = {r.channel_product_id for p in conn.new_products({}) for r in p.records}
    assert {link.channel_product_id for link in links} == products


# -- classification ---------------------------------------------------------------------------
def test_transport_and_credential_problems_are_classified(ps_shop):
    shop = ps_shop()
    with pytest.raises(CredentialsError):
        connector(shop, webservice_key=new_key()).check()
    limited = ps_shop(permissions={"order_states": ["GET"], "orders": ["GET"]})
    with pytest.raises(CredentialsError):  # the resource is not granted at all: 401
        list(connector(limited).new_products({}))
    shop.add_orders(count=1, seed=1)
    read_only = ps_shop(permissions={
        name: ["GET"] for name in ("orders", "order_states", "order_carriers", "addresses",
                                   "customers", "carriers", "countries", "currencies")})
    read_only.add_orders(count=1, seed=1)
    with pytest.raises(ConfigurationError, match="Advanced Parameters > Webservice"):
        connector(read_only).confirm_shipment(shipment(1), lambda step: None)
    shop.fault(kind="status", status=503, count=1, path="/api/order_states")
    with pytest.raises(ChannelUnavailable):
        connector(shop).check()
    shop.fault(kind="broken_body", count=1, path="/api/order_states")
    with pytest.raises(PayloadError, match="not JSON"):
        connector(shop).check()
    assert "order states" in connector(shop).check()


def test_a_short_throttle_is_waited_out_and_the_client_stays_polite(ps_shop):
    shop = ps_shop()
    shop.fault(kind="status", status=429, retry_after=1, count=1, path="/api/order_states")
    assert "13 order states" in connector(shop).check()
    assert [c["status"] for c in shop.calls(resource="order_states")] == [429, 200]
    polite = ps_shop(rate_limit={"rate_per_second": 4, "burst": 4})
    polite.add_products(count=300, seed=2, combinations_ratio=0)
    records = [r for p in connector(polite, max_requests_per_second=3).all_products({})
               for r in p.records]
    assert len(records) == 300
    assert polite.summary()["throttled"] == 0
