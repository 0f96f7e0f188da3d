"""Feeds: "Run now" (ops and admins, POST + CSRF, enqueue only) and admin-only schedule edits."""

from __future__ import annotations

from dash_support import page_csrf

from models import AuditLog, Feed, FeedExecution
from workers.queues import INBOUND_QUEUE


def run_now(client, feed, **extra):
    data = {"csrf_token": page_csrf(client), "next": "/admin/feed/", **extra}
    return client.post(f"/admin/feed/run/{feed.id}/", data=data)


def test_ops_lists_feeds_with_a_run_now_button(ops_client, feed):
    html = ops_client.get("/admin/feed/").get_data(as_text=True)

    assert "import_new_orders" in html and "every 300 s" in html
    assert f'action="/admin/feed/run/{feed.id}/"' in html
    assert "/admin/feed/edit/" not in html  # ops cannot edit


def test_ops_presses_run_now_and_a_manual_execution_is_queued(ops_client, feed, stub_broker):
    response = run_now(ops_client, feed)

    assert response.status_code == 302
    assert response.location == "/admin/feed/"
    execution = FeedExecution.get(FeedExecution.feed == feed.id)
    assert (execution.trigger, execution.status) == ("manual", "queued")
    assert stub_broker.queues[INBOUND_QUEUE].qsize() == 1  # sent, not run in the request
    html = ops_client.get(response.location).get_data(as_text=True)
    assert f"Execution #{execution.id} queued." in html

    listing = ops_client.get("/admin/feedexecution/").get_data(as_text=True)
    assert ">manual<" in listing.replace("\n", "").replace(" ", "")


def test_run_now_while_a_run_is_active_is_recorded_as_skipped(ops_client, feed, stub_broker):
    run_now(ops_client, feed)
    response = run_now(ops_client, feed)

    html = ops_client.get(response.location).get_data(as_text=True)
    second = FeedExecution.select().order_by(FeedExecution.id.desc()).first()
    assert second.status == "skipped"
    assert f"Execution #{second.id} skipped: not started" in html


def test_run_now_needs_post_and_a_csrf_token(ops_client, feed, stub_broker):
    assert ops_client.get(f"/admin/feed/run/{feed.id}/").status_code == 405
    response = ops_client.post(f"/admin/feed/run/{feed.id}/", data={"next": "/admin/feed/"})

    assert response.status_code == 400
    assert FeedExecution.select().count() == 0


def test_run_now_never_redirects_off_site(ops_client, feed, stub_broker):
    response = run_now(ops_client, feed, next="https://evil.example/")

    assert response.location == "/admin/feed/"


def test_run_now_of_a_missing_feed(ops_client, db):
    token = page_csrf(ops_client)
    response = ops_client.post("/admin/feed/run/999/", data={"csrf_token": token})

    assert response.status_code == 302
    assert "does not exist" in ops_client.get(response.location).get_data(as_text=True)


def test_admin_runs_a_feed_from_the_integration_page(admin_client, feed, stub_broker):
    page = f"/admin/integration/details/?id={feed.integration_id}"
    response = run_now(admin_client, feed, next=page)

    assert response.location == page
    assert FeedExecution.select().count() == 1


def edit(client, feed, **fields):
    data = {"csrf_token": page_csrf(client), **fields}
    return client.post(f"/admin/feed/edit/?id={feed.id}", data=data)


def test_admin_changes_a_schedule_and_next_run_follows(admin_client, feed):
    response = edit(admin_client, feed, enabled="y", schedule_cron="0 3 * * *", interval_seconds="")

    assert response.status_code == 302
    feed = Feed.get_by_id(feed.id)
    assert feed.schedule_cron == "0 3 * * *"
    assert (feed.next_run_at.hour, feed.next_run_at.minute) == (3, 0)
    audit = AuditLog.select().order_by(AuditLog.id.desc()).first()
    assert audit.changes["schedule_cron"] == {"old": None, "new": "0 3 * * *"}


def test_a_bad_cron_is_refused_next_to_the_field(admin_client, feed):
    response = edit(admin_client, feed, enabled="y", schedule_cron="every day")

    assert "is not a cron expression" in response.get_data(as_text=True)
    assert Feed.get_by_id(feed.id).schedule_cron is None


def test_ops_cannot_edit_a_feed(ops_client, feed):
    assert ops_client.get(f"/admin/feed/edit/?id={feed.id}").status_code == 403
    assert edit(ops_client, feed, enabled="").status_code == 403
    assert Feed.get_by_id(feed.id).enabled is True


def test_cron_and_interval_together_are_refused(admin_client, feed):
    response = edit(
        admin_client, feed, enabled="y", schedule_cron="0 3 * * *", interval_seconds="300"
    )

    assert "not both" in response.get_data(as_text=True)
    assert Feed.get_by_id(feed.id).schedule_cron is None
