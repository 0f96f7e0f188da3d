"""/healthz (public) and /metrics (a login or the METRICS_TOKEN bearer token)."""

from __future__ import annotations

import datetime as dt

from dash_support import make_event, make_execution, page_csrf

from models import utcnow


def test_healthz_reports_database_and_in_process_broker(client, db):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.get_json() == {"database": "ok", "broker": "in-process"}


def test_healthz_reports_an_unreachable_rabbitmq(client, db, monkeypatch):
    monkeypatch.setenv("BROKER_URL", "amqp://guest:guest@127.0.0.1:1/%2F")

    response = client.get("/healthz")

    assert response.status_code == 503
    body = response.get_json()
    assert body["database"] == "ok"
    assert body["broker"].startswith("failed: ")
    assert "guest" not in body["broker"]


def test_metrics_need_a_login_or_the_token(client, db, monkeypatch):
    assert client.get("/metrics").status_code == 401

    monkeypatch.setenv("METRICS_TOKEN", "scrape-me")
    assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 401
    response = client.get("/metrics", headers={"Authorization": "Bearer scrape-me"})
    assert response.status_code == 200
    assert response.mimetype == "text/plain"


def test_metrics_count_executions_queue_depth_and_last_success(ops_client, feed, stub_broker):
    make_execution(feed, status="failed")
    make_execution(
        feed,
        status="succeeded",
        finished_at=utcnow() - dt.timedelta(minutes=10),
        queued_at=utcnow() - dt.timedelta(minutes=11),
    )
    two_days_ago = utcnow() - dt.timedelta(days=2)
    make_execution(feed, status="succeeded", queued_at=two_days_ago, finished_at=two_days_ago)
    make_event(make_execution(feed, status="partial"), "error")
    ops_client.post(f"/admin/feed/run/{feed.id}/", data={"csrf_token": page_csrf(ops_client)})

    text = ops_client.get("/metrics").get_data(as_text=True)

    assert 'channelhub_feed_executions_recent{status="failed"} 1.0' in text
    assert 'channelhub_feed_executions_recent{status="succeeded"} 1.0' in text  # 1 h window
    assert 'channelhub_feed_executions_recent{status="queued"} 1.0' in text
    assert "channelhub_queue_messages{queue=" in text and 'feeds_inbound"} 1.0' in text
    line = next(x for x in text.splitlines() if x.startswith("channelhub_feed_last_success"))
    assert f'feed="{feed.id}"' in line and 'kind="import_new_orders"' in line
    assert 590 < float(line.rsplit(" ", 1)[1]) < 700
    assert "channelhub_unresolved_errors 1.0" in text
