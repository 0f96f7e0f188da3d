"""Feed executions: the list (one query for the rows, no COUNT), filters, details with events."""

from __future__ import annotations

import re

import pytest
from dash_support import (
    QueryCount,
    make_attempt,
    make_event,
    make_execution,
)

from models import ExecutionStatus


def rows(html: str) -> list[str]:
    body = html.split("<tbody", 1)[-1] if "<tbody" in html else html
    return re.findall(r'<td class="col-id">\s*(?:<a [^>]*>)?(\d+)(?:</a>)?\s*</td>', body)


def test_ops_lists_executions_newest_first(ops_client, feed):
    first = make_execution(feed, status="failed", summary="Mirakl said 401", seen=7, created=3)
    second = make_execution(feed, status="succeeded", attempt=2, max_attempts=8, error_events=2)

    response = ops_client.get("/admin/feedexecution/")

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert rows(html) == [str(second.id), str(first.id)]
    assert 'badge badge-danger ch-badge">failed' in html
    assert 'badge badge-success ch-badge">succeeded' in html
    assert "2/8" in html
    assert "Mirakl said 401" in html
    assert ">Shop<" in html  # the integration's name, from the joined row
    assert "2 error" in html
    assert "<title>Executions · channelhub</title>" in html


def test_list_queries_do_not_grow_with_rows_and_never_count_the_table(ops_client, feed):
    def measure(total: int) -> QueryCount:
        while feed.executions.count() < total:
            make_execution(feed)
        with QueryCount() as queries:
            assert ops_client.get("/admin/feedexecution/").status_code == 200
        return queries

    few, many = measure(5), measure(50)

    assert few.count == many.count
    counts = [sql for sql in many.statements if "COUNT(" in sql.upper()]
    assert all('"execution_event"' in sql for sql in counts), counts  # only the bell counts
    assert len(rows(ops_client.get("/admin/feedexecution/").get_data(as_text=True))) == 25


def test_filters_by_status_and_integration(ops_client, feed):
    failed = make_execution(feed, status="failed")
    make_execution(feed, status="succeeded")

    html = ops_client.get("/admin/feedexecution/?flt0_status_equals=failed").get_data(as_text=True)
    assert rows(html) == [str(failed.id)]

    url = f"/admin/feedexecution/?flt0_integration_equals={feed.integration_id}"
    html = ops_client.get(url).get_data(as_text=True)
    assert len(rows(html)) == 2
    assert "Shop (mirakl)" in html  # the integration drop-down, filled per request

    html = ops_client.get("/admin/feedexecution/?flt0_integration_equals=999").get_data(
        as_text=True
    )
    assert rows(html) == []
    assert "Nothing matches this search or these filters." in html


def test_queued_time_range_filter(ops_client, feed):
    execution = make_execution(feed)
    day = execution.queued_at.strftime("%Y-%m-%d")

    inside = f"{day} 00:00:00 to {day} 23:59:59"
    html = ops_client.get(
        "/admin/feedexecution/", query_string={"flt0_queued_utc_between": inside}
    ).get_data(as_text=True)
    assert rows(html) == [str(execution.id)]

    before = "2001-01-01 00:00:00 to 2001-01-02 00:00:00"
    html = ops_client.get(
        "/admin/feedexecution/", query_string={"flt0_queued_utc_between": before}
    ).get_data(as_text=True)
    assert rows(html) == []


def test_empty_list_says_why(ops_client, db):
    html = ops_client.get("/admin/feedexecution/").get_data(as_text=True)

    assert "No feed has run yet." in html


def test_details_show_fields_events_and_attempts(ops_client, feed):
    execution = make_execution(
        feed, status=ExecutionStatus.PARTIAL.value, summary="1 order set aside", seen=2
    )
    make_event(
        execution,
        "error",
        code="unknown_shipping_method",
        message="Shipping method <Express> is not mapped",
        record_ref="ORDER-77",
        details={"shipping_method": "Express"},
    )
    make_event(execution, "info", code="cancelled", message="Order skipped: cancelled")
    make_attempt(execution, 1, worker="host-1", outcome="partial", message="done")

    response = ops_client.get(f"/admin/feedexecution/details/?id={execution.id}")

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f"Execution #{execution.id}" in html
    assert "unknown_shipping_method" in html
    assert "Shipping method &lt;Express&gt; is not mapped" in html  # escaped channel text
    assert "ORDER-77" in html
    assert "&#34;shipping_method&#34;: &#34;Express&#34;" in html  # details JSON
    assert 'badge badge-danger ch-badge">error' in html
    assert 'badge badge-info ch-badge">info' in html
    assert "host-1" in html
    assert "1 order set aside" in html


def test_details_of_a_missing_execution_go_back_to_the_list(ops_client, db):
    response = ops_client.get("/admin/feedexecution/details/?id=12345")

    assert response.status_code == 302


@pytest.mark.parametrize("path", ["/admin/feedexecution/new/", "/admin/feedexecution/edit/?id=1"])
def test_executions_are_read_only(admin_client, feed, path):
    make_execution(feed)

    assert admin_client.get(path).status_code in (302, 403)
