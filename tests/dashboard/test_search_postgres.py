"""Order search on PostgreSQL: part of an id through the pg_trgm index of migration 0004."""

from __future__ import annotations

import pytest
from dash_support import MIRAKL_VALUES, make_order

from dashboard import search
from dashboard.app import create_app
from models import Order, database
from workers.provisioning import create_integration

pytestmark = pytest.mark.e2e


def test_part_of_an_id_is_a_trigram_search(pg_db):
    integration = create_integration("mirakl", "Shop", MIRAKL_VALUES)
    for ref in ("ORD-10001-A", "ORD-20002-A", "ord_50%_off"):
        make_order(integration, ref)

    assert search.trigram_available()
    sql, _ = Order.select().where(search.order_search("0001-a")).sql()
    assert "ILIKE" in sql
    found = [o.channel_order_id for o in Order.select().where(search.order_search("0001-a"))]
    assert found == ["ORD-10001-A"]
    literal = Order.select().where(search.order_search("50%"))
    assert [o.channel_order_id for o in literal] == ["ord_50%_off"]
    assert not Order.select().where(search.order_search("d%5")).exists()  # % is literal


def test_the_trigram_index_serves_the_search(pg_db):
    plan = database.obj.execute_sql(
        'SET LOCAL enable_seqscan = off; EXPLAIN SELECT id FROM "order" '
        "WHERE channel_order_id ILIKE '%%0001-a%%'"
    ).fetchall()
    assert search.TRGM_INDEX in "\n".join(row[0] for row in plan)


def test_the_order_list_searches_on_postgres(pg_db):
    from dash_support import login, make_user

    from models import Role

    integration = create_integration("mirakl", "Shop", MIRAKL_VALUES)
    make_order(integration, "ORD-10001-A")
    make_order(integration, "ORD-20002-A")
    make_user("oscar", Role.OPS)
    client = create_app({"BIND_DATABASE": False, "SECRET_KEY": "x"}).test_client()
    login(client, "oscar")

    html = client.get("/admin/order/?search=20002").get_data(as_text=True)

    assert "ORD-20002-A" in html and "ORD-10001-A" not in html
