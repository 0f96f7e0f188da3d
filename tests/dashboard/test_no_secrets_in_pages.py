"""No page shows a secret: integrations of every channel with known secret values, every GET.

The pages are every GET route of the app (from its url_map) for every row an admin
can open: lists, details, edit forms, the audit log, executions with their events
and attempts, the live JSON, the bell. Besides the channels' secrets, the walk
looks for the users' passwords and hashes, the stored ciphertext, the encryption
key and the session key: none belongs in a page.
"""

from __future__ import annotations

import os

from channel_values import form_fields, secrets_of, valid_values
from dash_support import (
    PASSWORD,
    make_attempt,
    make_event,
    make_execution,
    make_line,
    make_order,
    page_csrf,
    touch,
)
from flask import url_for

from channels import registry
from models import (
    AuditLog,
    ExecutionEvent,
    Feed,
    FeedExecution,
    Integration,
    Order,
    User,
)
from workers.provisioning import create_integration

NEW_SECRET = "ZNEWSECRET0123456789ABCDEFGHIJKL"
MODELS = {
    "integration": Integration,
    "feed": Feed,
    "feedexecution": FeedExecution,
    "executionevent": ExecutionEvent,
    "order": Order,
    "user": User,
    "auditlog": AuditLog,
}
PATH_IDS = {"feed_id": Feed, "execution_id": FeedExecution, "event_id": ExecutionEvent}


def fill_every_page(admin_client) -> list[str]:
    """Integrations of every channel with runs, events, attempts and orders; returns secrets."""
    secrets = []
    for channel in registry.codes():
        integration = create_integration(channel, f"{channel} shop", valid_values(channel))
        secrets += secrets_of(channel)
        feed = Feed.select().where(Feed.integration == integration.id).first()
        execution = make_execution(feed, status="partial", error_events=1, info_events=1)
        make_event(execution, "error", record_ref=f"{channel}-1", details={"field": "sku"})
        make_event(execution, "info", code="skipped", message="cancelled on the channel")
        make_attempt(execution, outcome="partial", message="seen 2, created 1")
        order = make_order(integration, f"{channel}-1", buyer={"name": "Ann"})
        make_line(order)
        touch(order, execution)
        make_execution(feed, status="running", worker="vm:1")  # a live page
    # A secret replaced through the dashboard: the audit log records that, never the value.
    mirakl = Integration.get(Integration.channel == "mirakl")
    data = {"csrf_token": page_csrf(admin_client), "mode": "test", "enabled": "y"}
    data.update(form_fields("mirakl", {**valid_values("mirakl"), "api_key": NEW_SECRET}))
    response = admin_client.post(f"/admin/integration/edit/?id={mirakl.id}", data=data)
    assert response.status_code == 302
    return [*secrets, NEW_SECRET]


def never_shown() -> list[str]:
    """Besides the channels' secrets: what else must never reach a page."""
    values = [PASSWORD, os.environ["CHANNELHUB_ENCRYPTION_KEY"], "test-secret"]
    values += [u.password_hash for u in User.select()]
    values += [i.credentials for i in Integration.select() if i.credentials]
    return values


def every_admin_page(app) -> list[str]:
    """Every GET route, once per row of the model it shows (ids in the path or as ?id=)."""
    urls = set()
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if "GET" not in rule.methods or rule.endpoint.endswith("static"):
                continue
            view = rule.endpoint.split(".", 1)[0]
            path_args = [a for a in rule.arguments if a in PATH_IDS]
            extra = {"export_type": "csv"} if "export_type" in rule.arguments else {}
            if path_args:
                model = PATH_IDS[path_args[0]]
                for (pk,) in model.select(model.id).tuples():
                    urls.add(url_for(rule.endpoint, **{path_args[0]: pk}, **extra))
            elif view in MODELS:
                urls.add(url_for(rule.endpoint, **extra))
                for (pk,) in MODELS[view].select(MODELS[view].id).tuples():
                    urls.add(url_for(rule.endpoint, id=pk, **extra))
            else:
                urls.add(url_for(rule.endpoint, **extra))
        urls.add(url_for("feedexecution.index_view", window="all"))
        urls.update(url_for("integration.create_view", channel=c) for c in registry.codes())
    return sorted(urls)


def test_no_secret_appears_on_any_page(app, admin_client, stub_broker):
    secrets = fill_every_page(admin_client)
    secrets += never_shown()
    pages = every_admin_page(app)
    assert len(pages) > 300, "the walk should reach every row's pages"

    leaks, shown = [], 0
    for url in pages:
        response = admin_client.get(url, follow_redirects=True)
        assert response.status_code < 500, f"{url}: {response.status_code}"
        body = response.get_data(as_text=True)
        shown += response.status_code == 200  # ajax_lookup without a lookup name is a 404
        leaks += [f"{url} shows {secret[:8]}..." for secret in secrets if secret in body]

    assert shown > 300
    assert not leaks, "secrets on pages:\n" + "\n".join(leaks)


def test_a_refused_edit_does_not_send_the_typed_secret_back(admin_client, db):
    integration = create_integration("mirakl", "Shop", valid_values("mirakl"))
    values = {**valid_values("mirakl"), "api_key": NEW_SECRET, "shop_id": "twelve"}
    data = {"csrf_token": page_csrf(admin_client), "mode": "test", "enabled": "y"}
    data.update(form_fields("mirakl", values))

    response = admin_client.post(f"/admin/integration/edit/?id={integration.id}", data=data)

    html = response.get_data(as_text=True)
    assert "must be a whole number" in html
    assert NEW_SECRET not in html
    assert valid_values("mirakl")["api_key"] not in html
