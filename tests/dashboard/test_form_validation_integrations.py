"""The integration forms refuse bad values with a message and change nothing, for every channel.

Each registered channel's create and edit forms get a bad value for every type of
setting the channel declares (the first candidate its own `validate()` refuses),
then the same form with valid values is accepted, so each refusal was the bad
value's. A snapshot of integrations, feeds and the audit log must not move.
"""

from __future__ import annotations

import pytest
from channel_values import bad_values, form_fields, secrets_of, specs, valid_values
from dash_support import page_csrf, snapshot
from form_checks import field_error, flashes, postgres_admin_client, shows

from channels import registry
from models import AuditLog, Feed, Integration
from workers.provisioning import create_integration

INTEGRATION_TABLES = (Integration, Feed, AuditLog)
CHANNELS = registry.codes()


def create_form(client, channel: str, values: dict, **fields) -> dict:
    data = {"csrf_token": page_csrf(client), "name": "Shop", "mode": "test"}
    data.update(form_fields(channel, values))
    data.update(fields)
    return data


@pytest.mark.parametrize("channel", CHANNELS)
def test_create_refuses_a_bad_value_of_every_setting_type(admin_client, channel):
    cases = bad_values(channel)
    declared = {s.type for s in specs(channel)} - {"bool"}
    assert {spec.type for spec, _, _ in cases} == declared, "a setting type has no bad value"
    url = f"/admin/integration/new/?channel={channel}"

    for spec, bad, message in cases:
        values = {**valid_values(channel), spec.name: bad}
        before = snapshot(*INTEGRATION_TABLES)
        response = admin_client.post(url, data=create_form(admin_client, channel, values))

        html = response.get_data(as_text=True)
        assert response.status_code == 200, spec.name
        assert message in field_error(html, spec.name) or shows(html, message), spec.name
        assert "Nothing was saved" in flashes(html)
        assert snapshot(*INTEGRATION_TABLES) == before, f"{spec.name}={bad!r} changed something"
        for secret in secrets_of(channel):
            assert secret not in html, "a typed secret is never sent back"

    # The same form with valid values is accepted: each refusal was the bad value's.
    values = valid_values(channel)
    response = admin_client.post(url, data=create_form(admin_client, channel, values))
    assert response.status_code == 302
    assert Integration.select().count() == 1


@pytest.mark.parametrize("channel", CHANNELS)
def test_edit_refuses_a_bad_value_of_every_setting_type(admin_client, channel):
    integration = create_integration(channel, "Shop", valid_values(channel))
    url = f"/admin/integration/edit/?id={integration.id}"
    assert bad_values(channel, editing=True)

    for spec, bad, message in bad_values(channel, editing=True):
        values = {**valid_values(channel), spec.name: bad}
        data = {"csrf_token": page_csrf(admin_client), "mode": "test", "enabled": "y"}
        data.update(form_fields(channel, values, keep_secrets=True))
        before = snapshot(*INTEGRATION_TABLES)
        response = admin_client.post(url, data=data)

        html = response.get_data(as_text=True)
        assert response.status_code == 200, spec.name
        assert message in field_error(html, spec.name) or shows(html, message), spec.name
        assert snapshot(*INTEGRATION_TABLES) == before, f"{spec.name}={bad!r} changed something"


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"name": ""}, "name", "This field is required."),
        ({"name": "n" * 201}, "name", "Field cannot be longer than 200 characters."),
        ({"mode": "staging"}, "mode", "Not a valid choice."),
        (
            {"mode": "production"},
            "confirm_production",
            "Tick this box to confirm: production mode writes to the channel.",
        ),
    ],
)
def test_create_refuses_bad_integration_fields(admin_client, db, fields, field, message):
    data = create_form(admin_client, "mirakl", valid_values("mirakl"), **fields)
    before = snapshot(*INTEGRATION_TABLES)

    response = admin_client.post("/admin/integration/new/?channel=mirakl", data=data)

    assert message in field_error(response.get_data(as_text=True), field)
    assert snapshot(*INTEGRATION_TABLES) == before


def test_create_refuses_a_duplicate_name(admin_client, db):
    create_integration("mirakl", "Shop", valid_values("mirakl"))
    data = create_form(admin_client, "mirakl", valid_values("mirakl"))
    before = snapshot(*INTEGRATION_TABLES)

    response = admin_client.post("/admin/integration/new/?channel=mirakl", data=data)

    errors = field_error(response.get_data(as_text=True), "name")
    assert any("already exists" in e for e in errors)
    assert snapshot(*INTEGRATION_TABLES) == before


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"mode": "staging"}, "mode", "Not a valid choice."),
        (
            {"mode": "production"},
            "confirm_production",
            "Tick this box to confirm: production mode writes to the channel.",
        ),
    ],
)
def test_edit_refuses_bad_mode_changes(admin_client, db, fields, field, message):
    integration = create_integration("mirakl", "Shop", valid_values("mirakl"))
    data = {"csrf_token": page_csrf(admin_client), "mode": "test", "enabled": "y"}
    data.update(form_fields("mirakl", valid_values("mirakl"), keep_secrets=True))
    data.update(fields)
    before = snapshot(*INTEGRATION_TABLES)

    response = admin_client.post(f"/admin/integration/edit/?id={integration.id}", data=data)

    assert message in field_error(response.get_data(as_text=True), field)
    assert snapshot(*INTEGRATION_TABLES) == before


def test_an_email_list_longer_than_its_column_is_refused(admin_client, db):
    emails = ", ".join(f"ops{n}@example.com" for n in range(80))  # 1,500+ characters
    values = {**valid_values("mirakl"), "email_errors_to": emails}
    data = create_form(admin_client, "mirakl", values)

    response = admin_client.post("/admin/integration/new/?channel=mirakl", data=data)

    errors = field_error(response.get_data(as_text=True), "email_errors_to")
    assert errors and errors[0].startswith("at most 1000 characters")
    assert Integration.select().count() == 0


@pytest.mark.e2e
def test_an_overlong_email_list_is_a_message_on_postgresql_too(pg_db):
    """PostgreSQL enforces the column's length: without the check this was a server error."""
    client = postgres_admin_client()
    integration = create_integration("mirakl", "Shop", valid_values("mirakl"))
    emails = ", ".join(f"ops{n}@example.com" for n in range(80))
    data = {"csrf_token": page_csrf(client), "mode": "test", "enabled": "y"}
    data.update(form_fields("mirakl", valid_values("mirakl"), keep_secrets=True))
    data["setting-email_errors_to"] = emails
    before = snapshot(*INTEGRATION_TABLES)

    response = client.post(f"/admin/integration/edit/?id={integration.id}", data=data)

    assert response.status_code == 200
    assert field_error(response.get_data(as_text=True), "email_errors_to")
    assert snapshot(*INTEGRATION_TABLES) == before
