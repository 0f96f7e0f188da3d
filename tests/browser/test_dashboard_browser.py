"""The dashboard in headless Chromium, on PostgreSQL, RabbitMQ, real workers and the Mirakl sandbox.

An admin creates an integration (the API key stays masked), runs its order import
with "Run now", watches the execution finish on a page that updates itself, opens
its events and resolves the error from the bell. An ops user cannot edit an
integration. Screenshots of the main pages land in test-artifacts/screenshots/.
"""

from __future__ import annotations

import re

import pytest
from browser_support import flash_text, log_in

from models import ExecutionEvent, Feed, FeedExecution, Integration, Order
from workers.provisioning import create_integration

pytestmark = [pytest.mark.browser, pytest.mark.e2e]

RUN_TIMEOUT_MS = 90_000


def create_mirakl_integration(page, shop, screenshot) -> Integration:
    page.goto("/admin/integration/new/?channel=mirakl")
    page.fill("#name", "Mirakl browser shop")
    page.fill("#setting-hostname", shop.base)
    page.fill("#setting-shop_id", str(shop.shop_id))
    page.fill("#setting-api_key", shop.api_key)
    page.fill("#setting-email_errors_to", "ops@example.com")
    assert page.get_attribute("#setting-api_key", "type") == "password"
    screenshot(page, "03-integration-create")
    page.click("form.ch-form button[type=submit]")
    page.wait_for_url(re.compile(r".*/admin/integration/details/\?id=\d+"))
    assert "created with its feeds" in flash_text(page)
    html = page.content()
    assert shop.api_key not in html
    assert "set on " in page.inner_text("#settings")
    screenshot(page, "04-integration-details")
    return Integration.get(Integration.name == "Mirakl browser shop")


def run_now_from_integration_page(page, feed: Feed) -> int:
    page.click(f'form[action="/admin/feed/run/{feed.id}/"] button')
    message = page.wait_for_selector(".alert-success").inner_text()
    return int(re.search(r"Execution #(\d+) queued", message).group(1))


def test_admin_runs_a_feed_watches_it_finish_and_resolves_its_error(
    new_page, users, screenshot, rabbit_broker, workers_factory, mirakl_shop
):
    shop = mirakl_shop()
    shop.add_orders(count=4, state="SHIPPING", malformed=1, with_messages=2, seed=7)
    page = new_page()

    page.goto("/login")
    screenshot(page, "01-login")
    log_in(page, "alice")
    screenshot(page, "02-overview-empty")

    integration = create_mirakl_integration(page, shop, screenshot)
    feed = Feed.get((Feed.integration == integration.id) & (Feed.kind == "import_new_orders"))
    execution_id = run_now_from_integration_page(page, feed)

    # The message waits in RabbitMQ: the page is open before any worker runs.
    page.goto(f"/admin/feedexecution/details/?id={execution_id}")
    assert page.get_attribute("#execution-live", "data-status") == "queued"
    assert page.is_visible("#live-note")
    page.evaluate("window.notReloaded = true")
    screenshot(page, "05-execution-queued")

    workers_factory.start(threads=2)
    page.wait_for_function(
        "() => document.querySelector('#execution-live').dataset.status === 'partial'",
        timeout=RUN_TIMEOUT_MS,
    )
    assert page.evaluate("window.notReloaded") is True, "the page must update without a reload"
    assert "partial" in page.inner_text("#execution-status")
    assert "4 created" in page.inner_text("#execution-fields")
    assert "malformed_payload" in page.inner_text("#events-body")
    assert "Finished" in page.inner_text("#live-note")
    assert "Errors 1" in page.inner_text("#event-tabs")
    page.wait_for_function(  # the bell heard of the new error without a reload too
        "() => document.querySelector('#error-bell-count').textContent.trim() === '1'"
    )
    screenshot(page, "06-execution-finished")

    # Its events, errors only, with a link to the order each one is about.
    page.click(".ch-severity-tabs >> text=Errors")
    page.wait_for_url(re.compile(r".*severity=error.*"))
    assert page.locator("#events-body tr").count() == 1
    screenshot(page, "07-execution-errors")

    # The bell: one unresolved error; resolve it from the drop-down.
    assert page.inner_text("#error-bell-count") == "1"
    page.click("#error-bell")
    page.wait_for_selector("#error-bell-menu.show")
    assert "malformed_payload" in page.inner_text("#error-bell-menu")
    screenshot(page, "08-bell-open")
    page.click("#error-bell-menu .ch-bell-resolve button")
    page.wait_for_selector(".alert-success")
    assert page.inner_text("#error-bell-count") == "0"
    event = ExecutionEvent.get(ExecutionEvent.execution == execution_id)
    assert event.resolved_by == "dashboard:alice"

    visit_the_main_pages(page, screenshot, execution_id)
    switching_to_production_asks_for_confirmation(page, integration, screenshot)


def visit_the_main_pages(page, screenshot, execution_id: int) -> None:
    page.goto("/admin/")
    assert page.locator("#chart-executions svg .ch-bar").count() == 24
    assert page.locator(".ch-health").count() == 1
    screenshot(page, "09-overview")

    page.goto("/admin/feedexecution/")
    assert page.locator(f'td.col-id >> text="{execution_id}"').count() == 1
    screenshot(page, "10-executions")

    page.goto("/admin/order/")
    assert page.locator("td.col-channel_order_id").count() == 4
    screenshot(page, "11-orders")
    order = Order.select().order_by(Order.id).first()
    page.goto(f"/admin/order/details/?id={order.id}")
    assert order.channel_order_id in page.inner_text("h4")
    screenshot(page, "12-order-details")

    page.goto("/admin/feed/")
    screenshot(page, "13-feeds")
    feed = Feed.get(Feed.kind == "import_new_orders")
    page.goto(f"/admin/feed/edit/?id={feed.id}")
    page.fill("#interval_seconds", "")
    page.fill("#schedule_cron", "0 6 * * *")
    page.wait_for_function(
        "() => document.querySelector('#schedule-preview').innerText.includes('06:00')"
    )
    assert page.locator("#schedule-preview li").count() == 3
    screenshot(page, "14-feed-edit")

    page.goto("/admin/executionevent/")
    screenshot(page, "15-events")


def switching_to_production_asks_for_confirmation(page, integration, screenshot) -> None:
    page.goto(f"/admin/integration/edit/?id={integration.id}")
    assert not page.is_visible("#confirm-production")
    page.select_option("#mode", "production")
    assert page.is_visible("#confirm-production")
    screenshot(page, "16-integration-production-confirm")
    page.click("form.ch-form button[type=submit]")
    assert "Tick this box to confirm" in page.inner_text("#confirm-production")
    assert Integration.get_by_id(integration.id).mode == "test"
    page.check("#confirm_production")
    page.click("form.ch-form button[type=submit]")
    page.wait_for_url(re.compile(r".*/admin/integration/details/.*"))
    assert Integration.get_by_id(integration.id).mode == "production"


def test_ops_cannot_edit_an_integration(new_page, users, screenshot, pg_db):
    integration = create_integration(
        "mirakl",
        "Ops view shop",
        {"hostname": "http://127.0.0.1:9/mirakl", "shop_id": "1", "api_key": "k-ops-1"},
    )
    page = new_page()
    log_in(page, "oscar")
    assert "oscar" in page.inner_text("#signed-in-user")

    page.goto(f"/admin/integration/details/?id={integration.id}")
    assert page.locator("a:has-text('Edit')").count() == 0
    assert page.locator("text=Run now").count() >= 1  # ops may run feeds
    screenshot(page, "17-ops-integration-details")

    response = page.goto(f"/admin/integration/edit/?id={integration.id}")
    assert response.status == 403
    assert "Not allowed" in page.inner_text("h1")
    screenshot(page, "18-ops-forbidden")
    assert FeedExecution.select().count() == 0
