"""Every registered channel honours the connector surface and declares its data properly."""

import pytest

from channels.base import Connector
from channels.registry import codes, connector_class
from channels.settings_spec import TYPES, SettingsInvalid, validate
from models.enums import FEED_DIRECTIONS, FeedKind


@pytest.fixture(params=codes())
def connector(request):
    return connector_class(request.param)


def test_connector_surface(connector):
    assert issubclass(connector, Connector)
    assert connector.code and connector.label
    assert connector.feeds, "a channel without feeds does nothing"


def test_feed_kinds_are_known_and_unique(connector):
    kinds = connector.feed_kinds()
    assert len(kinds) == len(set(kinds))
    for kind in kinds:
        assert FeedKind(kind) in FEED_DIRECTIONS
    for spec in connector.feeds:
        assert spec.interval_seconds or spec.cron, f"{spec.kind} has no default schedule"


def test_settings_are_declared_as_data(connector):
    names = [s.name for s in connector.settings_spec]
    assert len(names) == len(set(names))
    assert "email_errors_to" in names
    for setting in connector.settings_spec:
        assert setting.type in TYPES
        assert setting.label
        if setting.type == "choice":
            assert setting.choices


def test_required_settings_are_enforced(connector):
    required = [s.name for s in connector.settings_spec if s.required and s.default is None]
    with pytest.raises(SettingsInvalid) as caught:
        validate(connector.settings_spec, {})
    assert set(required) <= set(caught.value.errors)


def test_unknown_setting_is_rejected_with_the_known_names(connector):
    with pytest.raises(SettingsInvalid) as caught:
        validate(connector.settings_spec, {"no_such_setting": "x"}, partial=True)
    assert "unknown setting" in caught.value.errors["no_such_setting"]


def test_unknown_channel_is_a_clear_error():
    with pytest.raises(KeyError, match="unknown channel 'ebay'"):
        connector_class("ebay")
