"""The dashboard under its Content-Security-Policy, in headless Chromium on PostgreSQL.

Every page still works (Bootstrap's menus, Flask-Admin's filters, the live execution
page, the schedule preview, the delete confirmation) and the console shows no
violation (`new_page` fails the test on any). A script injected without the
request's nonce does not run. Too many failed logins end on a page that says how
long to wait. Screenshots land in test-artifacts/screenshots/.
"""

from __future__ import annotations

import re

import pytest
from browser_support import PASSWORD, csp_violations, log_in

from models import ExecutionEvent, Feed, FeedExecution, Integration, utcnow
from workers.provisioning import create_integration

pytestmark = [pytest.mark.browser]

SECURITY_HEADERS = {
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
}


def make_rows() -> tuple[Integration, Feed, FeedExecution]:
    integration = create_integration(
        "mirakl",
        "CSP shop",
        {"hostname": "http://127.0.0.1:9/mirakl", "shop_id": "1", "api_key": "k-csp-1"},
    )
    feed = Feed.get((Feed.integration == integration.id) & (Feed.kind == "import_new_orders"))
    now = utcnow()
    execution = FeedExecution.create(
        feed=feed.id,
        integration=integration.id,
        kind=feed.kind,
        status="running",
        queued_at=now,
        started_at=now,
        attempt=1,
        error_events=1,
    )
    ExecutionEvent.create(
        execution=execution.id,
        integration=integration.id,
        severity="error",
        code="missing_sku",
        message="SKU ABC-1 has no mapping",
        fingerprint="fp",
    )
    return integration, feed, execution


def nonce_of(response) -> str:
    policy = response.headers["content-security-policy"]
    assert "'unsafe-inline'" not in policy and "'unsafe-eval'" not in policy
    assert "frame-ancestors 'none'" in policy and "default-src 'self'" in policy
    for name, value in SECURITY_HEADERS.items():
        assert response.headers[name] == value
    return re.search(r"'nonce-([^']+)'", policy).group(1)


def test_pages_work_under_the_content_security_policy(
    new_page, users, screenshot, console_errors, pg_db
):
    integration, feed, execution = make_rows()
    page = new_page()
    nonce_of(page.goto("/login"))
    log_in(page, "alice")

    # The overview: every script carries this response's nonce; the SVG charts render.
    nonce = nonce_of(page.goto("/admin/"))
    script_nonces = page.eval_on_selector_all("script", "nodes => nodes.map(n => n.nonce)")
    assert script_nonces and set(script_nonces) == {nonce}
    assert page.locator("#chart-executions svg .ch-bar").count() == 24
    assert page.locator("#chart-executions svg.ch-chart").bounding_box()["height"] > 100
    page.click("#error-bell")  # Bootstrap's drop-down (jQuery, popper) runs
    page.wait_for_selector("#error-bell-menu.show")
    assert "missing_sku" in page.inner_text("#error-bell-menu")
    screenshot(page, "20-csp-overview-bell")

    # The live execution page fetches its JSON (connect-src) and updates itself.
    page.goto(f"/admin/feedexecution/details/?id={execution.id}")
    assert page.get_attribute("#execution-live", "data-status") == "running"
    FeedExecution.update(status="succeeded", finished_at=utcnow()).where(
        FeedExecution.id == execution.id
    ).execute()
    page.wait_for_function(
        "() => document.querySelector('#execution-live').dataset.status === 'succeeded'"
    )
    screenshot(page, "21-csp-execution-live")

    # Flask-Admin's filter menu (its inline onclick is gone, the link does nothing itself).
    page.goto("/admin/feedexecution/")
    page.click("text=Add Filter")
    page.click("a.filter >> text=Status")
    page.wait_for_selector("#filter_form .filters tr")
    assert page.url.endswith("/admin/feedexecution/")
    screenshot(page, "22-csp-filter-added")

    # Deleting still asks first (data-confirm instead of an inline onclick).
    page.goto("/admin/integration/")
    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    page.click("form.icon button[title='Delete Record']")
    assert asked and "delete" in asked[0]
    assert Integration.select().count() == 1

    # Forms: the production confirmation and the schedule preview still react.
    page.goto(f"/admin/integration/edit/?id={integration.id}")
    page.select_option("#mode", "production")
    assert page.is_visible("#confirm-production")
    page.goto(f"/admin/feed/edit/?id={feed.id}")
    page.fill("#interval_seconds", "")
    page.fill("#schedule_cron", "0 6 * * *")
    page.wait_for_function(
        "() => document.querySelector('#schedule-preview').innerText.includes('06:00')"
    )
    screenshot(page, "23-csp-feed-edit")

    assert not csp_violations(console_errors)


def test_a_script_without_the_nonce_does_not_run(new_page, users, console_errors, pg_db):
    page = new_page()
    log_in(page, "oscar")

    page.evaluate(
        """() => {
            const script = document.createElement('script');
            script.textContent = 'window.injected = true';
            document.body.appendChild(script);
        }"""
    )

    assert page.evaluate("window.injected === undefined")
    blocked = csp_violations(console_errors)
    assert blocked and "inline script" in blocked[0]
    console_errors.clear()  # the one violation this test caused on purpose


def test_too_many_failed_logins_show_a_wait(new_page, users, screenshot, pg_db):
    page = new_page()
    for _ in range(5):
        page.goto("/login")
        page.fill("#username", "alice")
        page.fill("#password", "not-her-password")
        page.click("button[type=submit]")
        assert "Wrong username or password." in page.inner_text("#login-error")

    page.fill("#password", PASSWORD)  # even the right password now waits
    with page.expect_response("**/login") as answer:
        page.click("button[type=submit]")

    assert answer.value.status == 429
    assert int(answer.value.headers["retry-after"]) > 800
    assert "Try again in 15 minutes." in page.inner_text("#login-error")
    screenshot(page, "24-login-rate-limited")
