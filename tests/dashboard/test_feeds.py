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
    assert (audit.action, audit.actor) == ("schedule", "dashboard:alice")
    assert audit.changes["schedule"] == {"old": "every 300 s", "new": "cron 0 3 * * * (UTC)"}


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


def test_the_feed_page_shows_mode_and_the_next_three_runs(ops_client, feed):
    html = ops_client.get(f"/admin/feed/details/?id={feed.id}").get_data(as_text=True)

    runs = html.split('id="next-runs"', 1)[1].split("</td>", 1)[0]
    assert runs.count("<li>") == 3 and "UTC" in runs
    assert 'badge-warning ch-badge">test' in html
    assert 'id="toggle-enabled"' not in html  # ops cannot switch it off
    listing = ops_client.get("/admin/feed/").get_data(as_text=True)
    assert 'td class="col-mode"' in listing and 'ch-badge">test' in listing


def test_schedule_preview_while_typing(ops_client, db):
    data = ops_client.get("/admin/feed/preview/?cron=0+6+*+*+*&interval=").get_json()
    assert data["ok"] and data["html"].count("<li>") == 3 and "06:00 UTC" in data["html"]

    data = ops_client.get("/admin/feed/preview/?cron=every+day&interval=").get_json()
    assert not data["ok"] and "is not a cron expression" in data["html"]
    data = ops_client.get("/admin/feed/preview/?cron=&interval=abc").get_json()
    assert "whole number of seconds" in data["html"]
    data = ops_client.get("/admin/feed/preview/?cron=*+*+*+*+*&interval=60").get_json()
    assert "not both" in data["html"]


def test_the_edit_form_previews_the_current_schedule(admin_client, feed):
    html = admin_client.get(f"/admin/feed/edit/?id={feed.id}").get_data(as_text=True)

    preview = html.split('id="schedule-preview"', 1)[1].split("</ol>", 1)[0]
    assert preview.count("<li>") == 3
    assert 'data-preview-url="/admin/feed/preview/"' in html


def test_an_interval_below_the_minimum_is_refused_with_the_cli_words(admin_client, feed):
    response = edit(admin_client, feed, enabled="y", schedule_cron="", interval_seconds="5")

    assert "The interval must be at least 10 seconds." in response.get_data(as_text=True)
    assert Feed.get_by_id(feed.id).interval_seconds == 300


def test_admin_disables_and_enables_a_feed(admin_client, feed):
    token = page_csrf(admin_client)
    admin_client.post(f"/admin/feed/enabled/{feed.id}/", data={"csrf_token": token, "enabled": "0"})

    disabled = Feed.get_by_id(feed.id)
    assert disabled.enabled is False and disabled.next_run_at is None
    html = admin_client.get(f"/admin/feed/details/?id={feed.id}").get_data(as_text=True)
    assert "disabled: not scheduled" in html and ">Enable<" in html

    admin_client.post(f"/admin/feed/enabled/{feed.id}/", data={"csrf_token": token, "enabled": "1"})
    assert Feed.get_by_id(feed.id).next_run_at is not None
    actions = [a.action for a in AuditLog.select().where(AuditLog.model == "Feed")]
    assert actions == ["disable", "enable"]


def test_ops_cannot_disable_a_feed(ops_client, feed):
    response = ops_client.post(
        f"/admin/feed/enabled/{feed.id}/",
        data={"csrf_token": page_csrf(ops_client), "enabled": "0"},
    )

    assert response.status_code == 403
    assert Feed.get_by_id(feed.id).enabled is True
