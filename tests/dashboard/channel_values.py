"""Settings for every registered channel: valid ones, known secret values, bad ones per type.

The valid values are derived from each channel's declared settings (a value per
type, a few channel-specific formats), and the tests check that the channel's own
`validate()` accepts them, so a bad value below is refused because of itself alone.
"""

from __future__ import annotations

import hashlib
from typing import Any

from channels import registry
from channels.settings_spec import Setting, SettingsInvalid, validate

BY_TYPE: dict[str, Any] = {
    "string": "value1",
    "int": "5",
    "bool": True,
    "datetime": "2026-01-31T09:00",
    "emails": "ops@example.com",
    "cron": "0 5 * * *",
    "url": "https://shop.example.com",
}
FORMATS: dict[str, dict[str, str]] = {
    "amazon": {
        "aws_role_arn": "arn:aws:iam::123456789012:role/SellingPartnerRole",
        "sale_channels": "UK",
    },
    "magento": {"shipping_method_map": "flatrate_flatrate=STD"},
    "prestashop": {"shipping_method_map": "colissimo=STD", "timezone": "Europe/Paris"},
    "shopify": {"shipping_method_map": "Standard=STD"},
}
# Candidates tried in order; the first one the channel refuses is that setting's bad value.
# Booleans have none: a checkbox can only be ticked or not.
BAD_CANDIDATES: dict[str, tuple[str, ...]] = {
    "string": ("", "not valid / has spaces?"),
    "secret": ("",),
    "int": ("twelve", "1.5"),
    "choice": ("no-such-choice",),
    "datetime": ("yesterday", "2026-13-45T99:00"),
    "emails": ("not-an-email", "ops@example.com, broken@"),
    "cron": ("61 * * * *", "every day"),
    "url": ("not a url", "ftp://"),
}


def specs(channel: str) -> list[Setting]:
    return list(registry.connector_class(channel).settings_spec)


def secret_value(channel: str, name: str) -> str:
    """A distinct, recognisable secret per field: 32 letters and digits (PrestaShop's format)."""
    digest = hashlib.sha256(f"{channel}:{name}".encode()).hexdigest().upper()
    return ("ZSECRET" + digest)[:32]


def valid_values(channel: str) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for spec in specs(channel):
        if spec.secret:
            values[spec.name] = secret_value(channel, spec.name)
        elif spec.type == "choice":
            values[spec.name] = spec.choices[0][0]
        else:
            values[spec.name] = BY_TYPE[spec.type]
    values.update(FORMATS.get(channel, {}))
    return values


def secrets_of(channel: str) -> list[str]:
    return [secret_value(channel, s.name) for s in specs(channel) if s.secret]


def refusal(channel: str, values: dict[str, Any]) -> dict[str, str]:
    """The channel's own messages for `values` ({} when it accepts them)."""
    try:
        validate(specs(channel), values)
    except SettingsInvalid as exc:
        return exc.errors
    return {}


def bad_values(channel: str, *, editing: bool = False) -> list[tuple[Setting, str, str]]:
    """(setting, bad value, the channel's message) for each setting a bad value exists for.

    When editing, an empty secret means "keep the stored one", so secrets have none.
    """
    good = valid_values(channel)
    cases = []
    for spec in specs(channel):
        if editing and spec.secret:
            continue
        for candidate in BAD_CANDIDATES.get(spec.type, ()):
            errors = refusal(channel, {**good, spec.name: candidate})
            if spec.name in errors:
                cases.append((spec, candidate, errors[spec.name]))
                break
    return cases


def form_fields(channel: str, values: dict[str, Any], *, keep_secrets: bool = False) -> dict:
    """The settings as the form posts them: `setting-` prefix, a ticked box is "y"."""
    data = {}
    for spec in specs(channel):
        value = values.get(spec.name)
        if spec.secret and keep_secrets:
            value = ""
        if spec.type == "bool":
            if value:
                data[f"setting-{spec.name}"] = "y"
        elif value is not None:
            data[f"setting-{spec.name}"] = str(value)
    return data
