import pytest

from channels.settings_spec import SettingsInvalid
from models import AuditLog, Feed, Integration
from workers.provisioning import ProvisioningError, create_integration, set_mode, update_integration

MIRAKL = {
    "hostname": "shop.mirakl.net",
    "shop_id": "7",
    "api_key": "secret-1",
    "email_errors_to": "a@x.io",
}


def test_create_makes_feeds_with_schedules_and_audits_without_secrets(db):
    integration = create_integration("mirakl", "Shop", MIRAKL, actor="alice")
    feeds = {f.kind: f for f in Feed.select().where(Feed.integration == integration.id)}
    assert set(feeds) == {
        "accept_orders",
        "import_new_orders",
        "update_orders",
        "confirm_shipments",
    }
    assert all(f.next_run_at is not None for f in feeds.values())
    assert feeds["confirm_shipments"].direction == "outbound"
    entry = AuditLog.get(AuditLog.model == "Integration")
    assert entry.actor == "alice" and entry.changes["api_key"] == "set"
    assert "secret-1" not in str(entry.changes)
    assert "secret-1" not in Integration.get_by_id(integration.id).credentials


def test_duplicate_names_and_bad_modes_are_refused(db):
    create_integration("mirakl", "Shop", MIRAKL)
    with pytest.raises(ProvisioningError, match="already exists"):
        create_integration("mirakl", "Shop", MIRAKL)
    with pytest.raises(ProvisioningError, match="mode must be"):
        create_integration("mirakl", "Other", MIRAKL, mode="live")
    with pytest.raises(SettingsInvalid):
        create_integration("mirakl", "Third", {**MIRAKL, "shop_id": "x"})
    assert Integration.select().count() == 1


def test_update_clears_optional_settings_and_keeps_secrets(db):
    integration = create_integration("mirakl", "Shop", MIRAKL)
    changed = update_integration(
        integration, {"email_errors_to": "", "shop_id": "", "api_key": ""}, actor="bob"
    )
    assert changed == ["email_errors_to", "shop_id"]
    fresh = Integration.get_by_id(integration.id)
    assert fresh.email_errors_to == "" and "shop_id" not in fresh.settings
    assert fresh.get_secrets() == {"api_key": "secret-1"}
    with pytest.raises(SettingsInvalid):
        update_integration(fresh, {"hostname": ""}, actor="bob")


def test_mode_switch_is_audited(db):
    integration = create_integration("mirakl", "Shop", MIRAKL)
    assert set_mode(integration, "production", actor="carol")
    assert not set_mode(integration, "production", actor="carol")
    entry = AuditLog.select().where(AuditLog.action == "mode").get()
    assert entry.changes == {"mode": {"old": "test", "new": "production"}}


def test_credentials_written_with_another_key_fail_the_run_clearly(db, monkeypatch):
    from cryptography.fernet import Fernet

    from models import FeedExecution
    from models.crypto import reset_keys
    from models.enums import Trigger
    from workers.dispatch import new_execution
    from workers.lifecycle import execute

    integration = create_integration("mirakl", "Shop", MIRAKL)
    monkeypatch.setenv("CHANNELHUB_ENCRYPTION_KEY", Fernet.generate_key().decode())
    reset_keys()
    try:
        feed = Feed.get((Feed.integration == integration.id) & (Feed.kind == "import_new_orders"))
        execution = new_execution(feed, Trigger.MANUAL, feed.created_at)
        assert execute(execution.id) == "failed"
        failed = FeedExecution.get_by_id(execution.id)
        assert "CHANNELHUB_ENCRYPTION_KEY" in failed.summary
        assert Integration.get_by_id(integration.id).paused_reason
    finally:
        monkeypatch.undo()
        reset_keys()
