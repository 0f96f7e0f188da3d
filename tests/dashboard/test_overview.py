"""The overview: feed health per integration, two SVG charts, a fixed number of queries."""

from __future__ import annotations

import datetime as dt
import re

from dash_support import MIRAKL_VALUES, QueryCount, make_event, make_execution, make_order

from dashboard import charts
from models import Integration, utcnow
from workers.provisioning import create_integration


def test_feed_health_shows_last_run_status_next_run_and_errors(ops_client, integration, feed):
    old = make_execution(feed, status="succeeded", queued_at=utcnow() - dt.timedelta(hours=3))
    last = make_execution(feed, status="partial", summary="1 order set aside")
    make_event(last, "error")
    make_event(last, "error", resolved_at=utcnow(), resolved_by="x")
    make_event(old, "info")

    html = ops_client.get("/admin/").get_data(as_text=True)

    card = html.split(f'id="health-{integration.id}"', 1)[1].split('class="card mb-4', 1)[0]
    row = card.split(">import_new_orders<", 1)[1].split("</tr>", 1)[0]
    assert f'href="/admin/feedexecution/details/?id={last.id}"' in row
    assert 'badge-warning ch-badge">partial' in row
    assert "1 order set aside" in row
    assert 'badge badge-danger">1<' in row  # one unresolved error on this feed
    assert "in 4 min" in row or "in 5 min" in row  # next run, every 300 s
    assert "1 unresolved error" in card
    assert 'badge-warning ch-badge">test' in card  # the integration's mode


def test_charts_are_inline_svg_with_24_hours_and_14_days(ops_client, integration, feed):
    make_execution(feed, status="failed")
    make_execution(feed, status="succeeded", queued_at=utcnow() - dt.timedelta(hours=30))
    make_order(integration, "MK-1")
    make_order(integration, "MK-2", imported_at=utcnow() - dt.timedelta(days=3))

    html = ops_client.get("/admin/").get_data(as_text=True)

    executions = html.split('id="chart-executions"', 1)[1].split("</svg>", 1)[0]
    assert executions.count('<g class="ch-bar"') == 24
    totals = [int(t) for t in re.findall(r'<g class="ch-bar" data-total="(\d+)"', executions)]
    assert totals[-1] == 1 and sum(totals) == 1  # the 30-hour-old run is outside the chart
    orders = html.split('id="chart-orders"', 1)[1].split("</svg>", 1)[0]
    order_totals = [int(t) for t in re.findall(r'data-total="(\d+)"', orders)]
    assert len(order_totals) == 14 and order_totals[-1] == 1 and order_totals[-4] == 1
    inline_scripts = re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html)
    assert inline_scripts == []  # ready for a Content-Security-Policy without 'unsafe-inline'
    assert "cdn" not in html.lower()
    assert re.search(r'id="tile-failed".*?>\s*1\s*<', html, re.S)


def test_overview_queries_do_not_grow_with_integrations_or_runs(ops_client, db):
    def measure(integrations: int) -> int:
        while Integration.select().count() < integrations:
            created = create_integration(
                "mirakl", f"Shop {Integration.select().count()}", MIRAKL_VALUES
            )
            for feed in created.feeds:
                make_event(make_execution(feed, status="partial"), "error")
        with QueryCount() as queries:
            assert ops_client.get("/admin/").status_code == 200
        return queries.count

    assert measure(1) == measure(4)


def test_paused_integrations_are_called_out(ops_client, integration):
    Integration.update(paused_reason="bad credentials: 401 from Mirakl").execute()

    html = ops_client.get("/admin/").get_data(as_text=True)

    assert 'id="paused"' in html and "bad credentials: 401 from Mirakl" in html


def test_axis_steps_are_whole_round_numbers():
    assert charts.axis(0) == (1, 1)
    assert charts.axis(4) == (4, 1)
    assert charts.axis(7) == (8, 2)
    assert charts.axis(1234) == (1500, 500)


def test_chart_text_is_escaped():
    bucket = charts.Bucket("<b>", "<script>x</script>", {"a": 2})
    svg = charts.stacked_bars(
        [bucket], [charts.Series("a", "<i>a</i>", "#000")], label="<x>", unit="runs"
    )

    assert "<script>" not in svg and "&lt;script&gt;" in svg
    assert "<b>" not in svg and "<i>" not in svg
