import pytest

from channels.settings_spec import Setting, SettingsInvalid, parse_utc, validate, validate_host

SPEC = (
    Setting("host", "Host", required=True, validator=validate_host),
    Setting("count", "Count", type="int", default=5),
    Setting("flag", "Flag", type="bool", default=False),
    Setting(
        "region", "Region", type="choice", choices=(("UK", "United Kingdom"), ("FR", "France"))
    ),
    Setting("mails", "Mails", type="emails"),
    Setting("since", "Since", type="datetime"),
    Setting("key", "Key", type="secret", required=True),
)


def test_valid_values_are_parsed_and_secrets_split():
    settings, secrets = validate(
        SPEC,
        {
            "host": "shop.example.net",
            "count": "12",
            "flag": "yes",
            "region": "FR",
            "mails": "a@x.io, b@y.io",
            "since": "2026-01-31T09:00:00",
            "key": "s3cret",
        },
    )
    assert settings == {
        "host": "shop.example.net",
        "count": 12,
        "flag": True,
        "region": "FR",
        "mails": "a@x.io, b@y.io",
        "since": "2026-01-31T09:00:00+00:00",
    }
    assert secrets == {"key": "s3cret"}


def test_every_bad_field_gets_its_own_message():
    with pytest.raises(SettingsInvalid) as caught:
        validate(
            SPEC,
            {
                "host": "a b",
                "count": "many",
                "flag": "perhaps",
                "region": "DE",
                "mails": "not-an-address",
                "since": "soon",
            },
        )
    errors = caught.value.errors
    assert set(errors) == {"host", "count", "flag", "region", "mails", "since", "key"}
    assert "whole number" in errors["count"]
    assert "one of: UK, FR" in errors["region"]
    assert "not-an-address" in errors["mails"]
    assert errors["key"] == "is required"


def test_stored_secret_may_be_left_empty():
    settings, secrets = validate(SPEC, {"host": "h.example", "key": ""}, existing_secrets=["key"])
    assert secrets == {}
    assert settings["count"] == 5


def test_hosts():
    assert validate_host("acceleratorprogram-dev.mirakl.net") is None
    assert validate_host("http://127.0.0.1:8100/mirakl") is None
    assert "no path" in validate_host("shop.mirakl.net/mmp/shop")


def test_parse_utc_normalises_offsets():
    assert parse_utc("2026-01-01T10:00:00+02:00").isoformat() == "2026-01-01T08:00:00+00:00"


def test_partial_update_can_clear_an_optional_setting_but_not_a_required_one():
    settings, _ = validate(SPEC, {"mails": "", "since": ""}, partial=True)
    assert settings == {"mails": None, "since": None}
    with pytest.raises(SettingsInvalid) as caught:
        validate(SPEC, {"host": ""}, partial=True)
    assert caught.value.errors == {"host": "is required"}


def test_an_email_list_longer_than_its_column_is_refused():
    many = ", ".join(f"ops{n}@example.com" for n in range(80))
    with pytest.raises(SettingsInvalid) as caught:
        validate(SPEC, {"host": "h.example", "key": "k", "mails": many})
    assert "at most 1000 characters" in caught.value.errors["mails"]
