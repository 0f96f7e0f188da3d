"""Orders: list, search, filters and the details page with lines and attributes."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from dash_support import QueryCount, make_execution, make_line, make_order, touch

from models import Order


@pytest.fixture
def order(integration, feed):
    order = make_order(
        integration,
        "MK-1001-A",
        status="dispatched",
        channel_status="SHIPPING",
        placed_at=dt.datetime(2026, 11, 20, 9, 30, tzinfo=dt.UTC),
        currency="EUR",
        total=Decimal("42.50"),
        shipping_address={"name": "Ada Lovelace", "city": "London", "country": "GB"},
        attributes={":MiraklOrderMessage": "Please gift wrap <3"},
        carrier="DPD",
        tracking_number="TRK-998877",
        confirmation={"tracking": "2026-11-21T10:00:00Z"},
    )
    make_line(order, 1, name="Mug", quantity=2, unit_price=Decimal("12.50"))
    make_line(
        order,
        2,
        name="Engraved pen",
        line_type="textual",
        personalisation={"text": "For Grace"},
        unit_price=Decimal("17.50"),
    )
    touch(order, make_execution(feed, summary="imported 1 order"), "created")
    return order


def test_ops_lists_and_searches_orders(ops_client, integration, order):
    make_order(integration, "MK-2002-B")

    html = ops_client.get("/admin/order/").get_data(as_text=True)
    assert "MK-1001-A" in html and "MK-2002-B" in html
    assert "2026-11-20 09:30:00 UTC" in html

    html = ops_client.get("/admin/order/?search=MK-1001-A").get_data(as_text=True)
    assert "MK-1001-A" in html and "MK-2002-B" not in html


def test_search_matches_part_of_an_id_and_short_terms_exactly(ops_client, integration, order):
    make_order(integration, "MK-2002-B")

    html = ops_client.get("/admin/order/?search=+1001-a+").get_data(as_text=True)
    assert "MK-1001-A" in html and "MK-2002-B" not in html

    with QueryCount() as queries:
        html = ops_client.get("/admin/order/?search=MK").get_data(as_text=True)
    assert "Nothing matches" in html  # two characters: exact match only
    assert not any("LIKE" in sql.upper() for sql in queries.statements)


def test_search_takes_like_wildcards_literally(ops_client, integration, order):
    html = ops_client.get("/admin/order/?search=MK-%25").get_data(as_text=True)

    assert "MK-1001-A" not in html


def test_filters_by_status_and_integration(ops_client, integration, order):
    make_order(integration, "MK-2002-B", status="new")

    html = ops_client.get("/admin/order/?flt0_status_equals=new").get_data(as_text=True)
    assert "MK-2002-B" in html and "MK-1001-A" not in html

    url = f"/admin/order/?flt0_integration_equals={integration.id}"
    html = ops_client.get(url).get_data(as_text=True)
    assert "MK-2002-B" in html and "MK-1001-A" in html


def test_order_list_queries_are_constant(ops_client, integration):
    def measure(total: int) -> int:
        while Order.select().count() < total:
            make_order(integration, f"MK-{Order.select().count()}")
        with QueryCount() as queries:
            ops_client.get("/admin/order/")
        return queries.count

    assert measure(3) == measure(30)


def test_details_show_lines_attributes_and_executions(ops_client, order):
    response = ops_client.get(f"/admin/order/details/?id={order.id}")

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Order MK-1001-A" in html
    assert ":MiraklOrderMessage" in html
    assert "Please gift wrap &lt;3" in html
    assert "Engraved pen" in html and "SKU-2" in html and "CH-2" in html
    assert '<span class="text-muted">text:</span> <span class="ch-pre">For Grace</span>' in html
    assert "12.50" in html
    assert "Ada Lovelace" in html
    assert "DPD" in html and "TRK-998877" in html
    assert "imported 1 order" not in html  # the executions table shows status, not summaries
    assert "created" in html
    assert 'id="order-executions"' in html


def test_orders_are_read_only_even_for_admins(admin_client, order):
    assert admin_client.get("/admin/order/new/").status_code == 302
    assert admin_client.get(f"/admin/order/edit/?id={order.id}").status_code == 302


def test_the_list_shows_the_channel_and_links_the_order(ops_client, integration, order):
    html = ops_client.get("/admin/order/").get_data(as_text=True)

    assert re.search(r'<td class="col-channel">\s*mirakl\s*</td>', html)
    assert f'href="/admin/order/details/?id={order.id}">MK-1001-A<' in html


def test_filter_by_import_date(ops_client, integration, order):
    day = order.imported_at.strftime("%Y-%m-%d")
    html = ops_client.get(
        "/admin/order/",
        query_string={"flt0_imported_utc_between": f"{day} 00:00:00 to {day} 23:59:59"},
    ).get_data(as_text=True)
    assert "MK-1001-A" in html

    html = ops_client.get(
        "/admin/order/",
        query_string={"flt0_imported_utc_between": "2001-01-01 00:00:00 to 2001-01-02 00:00:00"},
    ).get_data(as_text=True)
    assert "MK-1001-A" not in html
