"""Integrations: the settings form built from the channel's declaration, secrets write-only."""

from __future__ import annotations

import re

import pytest
from dash_support import API_KEY, page_csrf

from channels import registry
from models import AuditLog, Feed, Integration


def form_data(client, **settings) -> dict[str, str]:
    data = {"csrf_token": page_csrf(client)}
    data.update({f"setting-{k}": v for k, v in settings.items()})
    return data


def create(client, name="Shop", mode="test", **settings):
    data = form_data(client, **settings)
    data.update(name=name, mode=mode)
    return client.post("/admin/integration/new/?channel=mirakl", data=data)


def field_group(html: str, name: str) -> str:
    """The form group of one setting: its input, error and help text."""
    match = re.search(
        rf'<div class="form-group[^"]*" id="group-setting-{name}">(.*?)</div>'
        r'\s*(?=<div class="form-group|</div>)',
        html,
        re.S,
    )
    assert match, f"no form group for {name}"
    return match.group(1)


VALID = {
    "hostname": "http://127.0.0.1:9/mirakl",
    "shop_id": "1",
    "api_key": API_KEY,
    "email_errors_to": "ops@example.com",
}


def test_ops_lists_integrations_and_sees_details(ops_client, integration):
    html = ops_client.get("/admin/integration/").get_data(as_text=True)
    assert ">Shop<" in html and "mirakl" in html and "ops@example.com" in html
    assert 'badge badge-warning ch-badge">test' in html
    assert "/admin/integration/new/" not in html  # no Create tab for ops

    html = ops_client.get(f"/admin/integration/details/?id={integration.id}").get_data(as_text=True)
    assert "http://127.0.0.1:9/mirakl" in html
    assert "set on " in html
    assert API_KEY not in html
    assert "import_new_orders" in html  # its feeds, with Run now buttons
    assert "Run now" in html


@pytest.mark.parametrize("method", ["get", "post"])
def test_ops_gets_403_on_create_and_edit(ops_client, integration, method):
    token = page_csrf(ops_client)
    for path in ("/admin/integration/new/", f"/admin/integration/edit/?id={integration.id}"):
        call = getattr(ops_client, method)
        kwargs = {"data": {"csrf_token": token, "name": "X"}} if method == "post" else {}
        assert call(path, **kwargs).status_code == 403
    response = ops_client.post(
        "/admin/integration/delete/", data={"csrf_token": token, "id": integration.id}
    )
    assert response.status_code == 403
    assert Integration.select().count() == 1


def test_create_form_is_built_from_the_channel_settings(admin_client, db):
    html = admin_client.get("/admin/integration/new/?channel=mirakl").get_data(as_text=True)

    assert 'name="setting-hostname"' in html
    assert re.search(r'<input[^>]*name="setting-shop_id"[^>]*type="number"', html)
    assert re.search(r'<input[^>]*name="setting-api_key"[^>]*type="password"', html)
    assert re.search(r'<input[^>]*name="setting-email_errors_to"[^>]*type="email"', html)
    assert "on the API Key tab of" in html  # the setting's help text
    assert "<title>New integration · channelhub</title>" in html


@pytest.mark.parametrize("code", registry.codes())
def test_every_channel_gets_a_form_with_all_its_settings(admin_client, db, code):
    response = admin_client.get(f"/admin/integration/new/?channel={code}")

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    for spec in registry.connector_class(code).settings_spec:
        assert f'name="setting-{spec.name}"' in html, spec.name
        if spec.secret:
            assert re.search(rf'<input[^>]*name="setting-{spec.name}"[^>]*type="password"', html)


def test_an_unknown_channel_is_404(admin_client, db):
    assert admin_client.get("/admin/integration/new/?channel=nope").status_code == 404


def test_admin_creates_a_mirakl_integration_and_the_key_never_shows(admin_client, db):
    response = create(admin_client, **VALID)

    assert response.status_code == 302
    integration = Integration.get(Integration.name == "Shop")
    assert integration.settings == {"hostname": "http://127.0.0.1:9/mirakl", "shop_id": 1}
    assert integration.email_errors_to == "ops@example.com"
    assert API_KEY not in (integration.credentials or "")  # encrypted at rest
    assert integration.get_secrets() == {"api_key": API_KEY}
    assert Feed.select().where(Feed.integration == integration.id).count() == 4
    audit = AuditLog.get(AuditLog.model == "Integration")
    assert audit.actor == "dashboard:alice" and audit.changes["api_key"] == "set"

    pages = [
        response.location,
        "/admin/",
        "/admin/integration/",
        f"/admin/integration/details/?id={integration.id}",
        f"/admin/integration/edit/?id={integration.id}",
        "/admin/feed/",
        "/admin/feedexecution/",
        "/admin/auditlog/",
    ]
    for path in pages:
        page = admin_client.get(path)
        assert page.status_code == 200, path
        assert API_KEY not in page.get_data(as_text=True), path


def test_an_invalid_setting_is_shown_next_to_its_field_and_nothing_is_saved(admin_client, db):
    response = create(admin_client, **{**VALID, "hostname": "shop.example.com/api", "shop_id": "x"})

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "give the host only" in field_group(html, "hostname")
    assert "must be a whole number" in field_group(html, "shop_id")
    assert "is-invalid" in field_group(html, "hostname")
    assert "Nothing was saved" in html
    assert 'value="shop.example.com/api"' in html  # what was typed stays in the form
    assert API_KEY not in html  # ...but never a secret
    assert Integration.select().count() == 0
    assert AuditLog.select().count() == 0


def test_a_missing_required_secret_is_reported(admin_client, db):
    response = create(admin_client, **{**VALID, "api_key": ""})

    assert "is required" in field_group(response.get_data(as_text=True), "api_key")
    assert Integration.select().count() == 0


def test_a_duplicate_name_is_reported_on_the_name(admin_client, integration):
    response = create(admin_client, **VALID)

    assert "already exists" in response.get_data(as_text=True)
    assert Integration.select().count() == 1


def edit(client, integration, mode="test", enabled="y", confirm_production="", **settings):
    data = form_data(client, **settings)
    data["mode"] = mode
    if confirm_production:
        data["confirm_production"] = confirm_production
    if enabled:
        data["enabled"] = enabled
    return client.post(f"/admin/integration/edit/?id={integration.id}", data=data)


def test_edit_form_never_prefills_the_secret(admin_client, integration):
    html = admin_client.get(f"/admin/integration/edit/?id={integration.id}").get_data(as_text=True)

    group = field_group(html, "api_key")
    password_input = group.split("<input", 1)[1].split(">", 1)[0]
    assert re.findall(r'value="([^"]*)"', password_input) in ([], [""])
    assert "leave empty to keep it" in group
    assert 'value="http://127.0.0.1:9/mirakl"' in html


def test_leaving_the_secret_empty_on_edit_keeps_it(admin_client, integration):
    response = edit(
        admin_client, integration, **{**VALID, "hostname": "http://127.0.0.1:10/m", "api_key": ""}
    )

    assert response.status_code == 302
    integration = Integration.get_by_id(integration.id)
    assert integration.get_secrets() == {"api_key": API_KEY}
    assert integration.settings["hostname"] == "http://127.0.0.1:10/m"
    change = AuditLog.select().order_by(AuditLog.id.desc()).first()
    assert change.action == "update" and "api_key" not in change.changes


def test_a_new_secret_replaces_the_old_one(admin_client, integration):
    edit(admin_client, integration, **{**VALID, "api_key": "k-new-456"})

    integration = Integration.get_by_id(integration.id)
    assert integration.get_secrets() == {"api_key": "k-new-456"}
    change = AuditLog.select().order_by(AuditLog.id.desc()).first()
    assert change.changes == {"api_key": "changed"}


def test_mode_and_enabled_are_changed_and_audited(admin_client, integration):
    response = edit(
        admin_client, integration, mode="production", confirm_production="y", enabled="", **VALID
    )

    assert response.status_code == 302
    integration = Integration.get_by_id(integration.id)
    assert integration.mode == "production" and integration.enabled is False
    actions = [a.action for a in AuditLog.select().order_by(AuditLog.id)]
    assert actions[-2:] == ["mode", "disable"]


def test_an_invalid_edit_saves_nothing(admin_client, integration):
    response = edit(
        admin_client,
        integration,
        mode="production",
        confirm_production="y",
        **{**VALID, "email_errors_to": "not-mail"},
    )

    assert "not an email address" in field_group(response.get_data(as_text=True), "email_errors_to")
    integration = Integration.get_by_id(integration.id)
    assert integration.mode == "test" and integration.email_errors_to == "ops@example.com"


def test_edit_without_csrf_token_is_rejected(admin_client, integration):
    response = admin_client.post(
        f"/admin/integration/edit/?id={integration.id}", data={"mode": "production"}
    )

    assert response.status_code == 400
    assert Integration.get_by_id(integration.id).mode == "test"


def test_admin_deletes_an_integration_without_orders(admin_client, integration):
    token = page_csrf(admin_client)
    response = admin_client.post(
        "/admin/integration/delete/", data={"csrf_token": token, "id": integration.id}
    )

    assert response.status_code == 302
    assert Integration.select().count() == 0
    assert AuditLog.select().where(AuditLog.action == "delete").count() == 1


def test_creating_in_production_needs_the_confirmation(admin_client, db):
    response = create(admin_client, mode="production", **VALID)

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Tick this box to confirm" in html
    assert 'id="confirm-production">' in html and "ch-confirm d-none" not in html
    assert Integration.select().count() == 0

    data = form_data(admin_client, **VALID)
    data.update(name="Shop", mode="production", confirm_production="y")
    response = admin_client.post("/admin/integration/new/?channel=mirakl", data=data)
    assert response.status_code == 302
    assert Integration.get(Integration.name == "Shop").mode == "production"


def test_switching_to_production_without_confirming_changes_nothing(admin_client, integration):
    response = edit(admin_client, integration, mode="production", **VALID)

    assert "Tick this box to confirm" in response.get_data(as_text=True)
    assert Integration.get_by_id(integration.id).mode == "test"


def test_the_confirmation_is_hidden_until_production_is_chosen(admin_client, integration):
    html = admin_client.get(f"/admin/integration/edit/?id={integration.id}").get_data(as_text=True)

    assert 'class="ch-confirm d-none" id="confirm-production"' in html
    assert 'data-production-from="test"' in html
