"""The execution page: time window, search, events paging, live JSON, retry, give up, resolve."""

from __future__ import annotations

import datetime as dt

import pytest
from dash_support import (
    QueryCount,
    make_event,
    make_execution,
    make_order,
    page_csrf,
    touch,
)
from test_executions import rows

from models import AuditLog, ExecutionEvent, FeedExecution, utcnow
from workers.queues import INBOUND_QUEUE


def post(client, path: str, **data):
    return client.post(path, data={"csrf_token": page_csrf(client), **data})


def test_the_list_shows_the_last_24_hours_unless_told_otherwise(ops_client, feed):
    recent = make_execution(feed)
    old = make_execution(feed, queued_at=utcnow() - dt.timedelta(days=3))

    html = ops_client.get("/admin/feedexecution/").get_data(as_text=True)
    assert rows(html) == [str(recent.id)]
    assert "Executions queued in the last 24 hours" in html

    html = ops_client.get("/admin/feedexecution/?window=7d").get_data(as_text=True)
    assert rows(html) == [str(recent.id), str(old.id)]
    day = old.queued_at.strftime("%Y-%m-%d")
    html = ops_client.get(
        "/admin/feedexecution/",
        query_string={"flt0_queued_utc_between": f"{day} 00:00:00 to {day} 23:59:59"},
    ).get_data(as_text=True)
    assert rows(html) == [str(old.id)]
    assert "the Queued filter sets the dates" in html


def test_newest_first_by_queue_time(ops_client, feed):
    later = make_execution(feed, queued_at=utcnow() - dt.timedelta(minutes=1))
    earlier = make_execution(feed, queued_at=utcnow() - dt.timedelta(minutes=30))

    html = ops_client.get("/admin/feedexecution/").get_data(as_text=True)

    assert rows(html) == [str(later.id), str(earlier.id)]


def test_search_by_number_or_record_covers_all_time(ops_client, integration, feed):
    old = make_execution(feed, queued_at=utcnow() - dt.timedelta(days=40))
    about = make_execution(feed)
    make_event(about, "error", record_ref="MK-77")
    touched = make_execution(feed)
    touch(make_order(integration, "MK-88"), touched)
    make_execution(feed)

    for term, expected in [(f"#{old.id}", old), (str(old.id), old), ("MK-77", about)]:
        html = ops_client.get("/admin/feedexecution/", query_string={"search": term}).get_data(
            as_text=True
        )
        assert rows(html) == [str(expected.id)], term
    html = ops_client.get("/admin/feedexecution/?search=MK-88").get_data(as_text=True)
    assert rows(html) == [str(touched.id)]
    assert "search covers all time" in html
    with QueryCount() as queries:
        ops_client.get("/admin/feedexecution/?search=MK-7")
    assert not any("LIKE" in sql.upper() for sql in queries.statements)


def test_details_page_events_by_severity_and_in_pages(ops_client, integration, feed, monkeypatch):
    monkeypatch.setattr("dashboard.views.execution_actions.EVENT_PAGE", 3)
    execution = make_execution(feed, status="partial", info_events=4, error_events=1)
    order = make_order(integration, "MK-5")
    events = [make_event(execution, "info", code=f"c{i}", record_ref="MK-5") for i in range(4)]
    error = make_event(execution, "error", code="missing_sku", record_ref="MK-404")
    page = f"/admin/feedexecution/details/?id={execution.id}"

    html = ops_client.get(page).get_data(as_text=True)
    assert [f'id="event-{e.id}"' in html for e in events] == [True, True, True, False]
    assert f'href="/admin/order/details/?id={order.id}">MK-5<' in html  # the record, linked
    assert f"after={events[2].id}" in html

    html = ops_client.get(f"{page}&after={events[2].id}").get_data(as_text=True)
    assert f'id="event-{events[3].id}"' in html and f'id="event-{error.id}"' in html
    assert f'id="event-{events[0].id}"' not in html

    html = ops_client.get(f"{page}&severity=error").get_data(as_text=True)
    assert f'id="event-{error.id}"' in html and f'id="event-{events[0].id}"' not in html
    assert "MK-404" in html and "/admin/order/details/?id=None" not in html


def test_a_waiting_retry_says_when_it_runs_again(ops_client, feed):
    execution = make_execution(
        feed,
        status="retrying",
        attempt=3,
        max_attempts=8,
        next_attempt_at=dt.datetime(2030, 1, 1, 14, 5, tzinfo=dt.UTC),
        retry_after_seconds=600,
        finished_at=None,
    )

    html = ops_client.get(f"/admin/feedexecution/details/?id={execution.id}").get_data(as_text=True)

    assert "3/8, next try at 2030-01-01 14:05 UTC (Retry-After 600 s)" in html
    assert 'id="retry-now"' in html and 'id="give-up"' in html
    assert 'data-live-active="1"' in html


def test_live_json_sends_the_changed_parts_and_new_events(ops_client, feed):
    execution = make_execution(feed, status="running", finished_at=None, seen=3)
    first = make_event(execution, "info", code="order_imported")

    data = ops_client.get(f"/admin/feedexecution/live/{execution.id}/").get_json()
    assert data["status"] == "running" and data["active"] is True
    assert 'badge-primary ch-badge">running' in data["header"]
    assert "3 seen" in data["fields"]
    assert f'id="event-{first.id}"' in data["events"]
    assert data["last_event_id"] == first.id

    FeedExecution.update(status="succeeded", finished_at=utcnow()).execute()
    second = make_event(execution, "error", code="missing_sku")
    data = ops_client.get(f"/admin/feedexecution/live/{execution.id}/?after={first.id}").get_json()
    assert data["active"] is False
    assert f'id="event-{second.id}"' in data["events"]
    assert f'id="event-{first.id}"' not in data["events"]
    assert ops_client.get("/admin/feedexecution/live/999/").status_code == 404


def test_retry_of_a_failed_run_queues_a_new_execution(ops_client, feed, stub_broker):
    failed = make_execution(feed, status="failed")

    response = post(ops_client, f"/admin/feedexecution/retry/{failed.id}/")

    fresh = FeedExecution.select().order_by(FeedExecution.id.desc()).first()
    assert fresh.id != failed.id and (fresh.trigger, fresh.status) == ("retry", "queued")
    assert response.location == f"/admin/feedexecution/details/?id={fresh.id}"
    assert stub_broker.queues[INBOUND_QUEUE].qsize() == 1
    assert AuditLog.get(AuditLog.action == "retry").actor == "dashboard:oscar"


def test_retry_now_sends_a_waiting_retry_at_once(ops_client, feed, stub_broker):
    waiting = make_execution(
        feed, status="retrying", next_attempt_at=utcnow() + dt.timedelta(hours=1)
    )

    response = post(ops_client, f"/admin/feedexecution/retry/{waiting.id}/")

    assert response.location == f"/admin/feedexecution/details/?id={waiting.id}"
    assert FeedExecution.get_by_id(waiting.id).next_attempt_at <= utcnow()
    assert stub_broker.queues[INBOUND_QUEUE].qsize() == 1


def test_a_refused_retry_says_why_and_changes_nothing(ops_client, feed, stub_broker):
    done = make_execution(feed, status="succeeded")

    response = post(ops_client, f"/admin/feedexecution/retry/{done.id}/")

    html = ops_client.get(response.location).get_data(as_text=True)
    assert "Not retried: execution #" in html and "is succeeded" in html
    assert FeedExecution.select().count() == 1


def test_give_up_fails_a_waiting_retry(ops_client, feed):
    waiting = make_execution(feed, status="retrying", attempt=2)

    post(ops_client, f"/admin/feedexecution/give-up/{waiting.id}/")

    assert FeedExecution.get_by_id(waiting.id).status == "failed"
    event = ExecutionEvent.get(ExecutionEvent.execution == waiting.id)
    assert event.code == "given_up" and "dashboard:oscar" in event.message


def test_resolve_all_errors_of_a_run_and_one_event(ops_client, feed):
    execution = make_execution(feed, status="partial", error_events=3)
    first, second, third = (make_event(execution, "error") for _ in range(3))

    post(ops_client, f"/admin/executionevent/resolve/{first.id}/")
    assert ExecutionEvent.get_by_id(first.id).resolved_by == "dashboard:oscar"
    assert ExecutionEvent.get_by_id(second.id).resolved_at is None

    html = ops_client.get(f"/admin/feedexecution/details/?id={execution.id}").get_data(as_text=True)
    assert "Mark 2 errors resolved" in html
    post(ops_client, f"/admin/feedexecution/resolve/{execution.id}/")
    assert not ExecutionEvent.select().where(ExecutionEvent.resolved_at.is_null()).exists()


@pytest.mark.parametrize("action", ["retry", "give-up", "resolve"])
def test_actions_need_post_csrf_and_a_login(client, ops_user, feed, action):
    from dash_support import login

    execution = make_execution(feed, status="failed")
    path = f"/admin/feedexecution/{action}/{execution.id}/"

    assert client.post(path).status_code == 302  # to the login page
    login(client, "oscar")
    assert client.get(path).status_code == 405
    assert client.post(path).status_code == 400  # no CSRF token
    assert FeedExecution.select().count() == 1
    assert FeedExecution.get_by_id(execution.id).status == "failed"


def test_details_queries_do_not_grow_with_events(ops_client, feed):
    execution = make_execution(feed, status="partial")

    def measure(events: int) -> int:
        while ExecutionEvent.select().count() < events:
            make_event(execution, "error", record_ref=f"R{ExecutionEvent.select().count()}")
        with QueryCount() as queries:
            ops_client.get(f"/admin/feedexecution/details/?id={execution.id}")
        return queries.count

    assert measure(2) == measure(20)
