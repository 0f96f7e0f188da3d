"""Channel settings declared as data.

Each channel lists its settings as `Setting` rows; the dashboard builds its form
from them, the command line validates `--set KEY=VALUE` with them, and secrets are
split off to be encrypted. One declaration, three users.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

EMAILS_MAX_LENGTH = 1000  # the column that keeps them
EMAIL_RE = re.compile(r"^[^@\s,]+@[^@\s,]+\.[^@\s,]+$")

TYPES = ("string", "secret", "int", "bool", "choice", "datetime", "emails", "cron", "url")


class SettingsInvalid(ValueError):
    """One message per bad field, keyed by field name."""

    def __init__(self, errors: dict[str, str]):
        self.errors = errors
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))


@dataclass(frozen=True)
class Setting:
    name: str
    label: str
    type: str = "string"
    required: bool = False
    default: Any = None
    choices: tuple[tuple[str, str], ...] = ()  # (value, label)
    help: str = ""
    group: str = ""
    validator: Callable[[Any], str | None] | None = field(default=None, compare=False)

    @property
    def secret(self) -> bool:
        return self.type == "secret"

    def parse(self, raw: Any) -> Any:
        """Turn a form/CLI value into the stored value; raises ValueError with a human message."""
        if raw is None or (isinstance(raw, str) and raw.strip() == ""):
            return None
        if self.type == "int":
            try:
                return int(str(raw).strip())
            except ValueError:
                raise ValueError("must be a whole number") from None
        if self.type == "bool":
            if isinstance(raw, bool):
                return raw
            text = str(raw).strip().lower()
            if text in ("1", "true", "yes", "on", "y"):
                return True
            if text in ("0", "false", "no", "off", "n"):
                return False
            raise ValueError("must be true or false")
        if self.type == "choice":
            value = str(raw).strip()
            allowed = [c[0] for c in self.choices]
            if value not in allowed:
                raise ValueError(f"must be one of: {', '.join(allowed)}")
            return value
        if self.type == "datetime":
            return parse_utc(str(raw)).isoformat()
        if self.type == "emails":
            addresses = [a.strip() for a in str(raw).split(",") if a.strip()]
            bad = [a for a in addresses if not EMAIL_RE.match(a)]
            if bad:
                raise ValueError(f"not an email address: {', '.join(bad)[:200]}")
            joined = ", ".join(addresses)
            if len(joined) > EMAILS_MAX_LENGTH:
                raise ValueError(f"at most {EMAILS_MAX_LENGTH} characters in all")
            return joined
        if self.type == "cron":
            from croniter import croniter

            text = str(raw).strip()
            if not croniter.is_valid(text):
                raise ValueError("not a valid cron expression (5 fields, UTC)")
            return text
        return str(raw).strip()


def parse_utc(text: str) -> dt.datetime:
    """ISO-8601 date or datetime; a naive value is taken as UTC."""
    text = text.strip().replace("Z", "+00:00")
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError:
        raise ValueError("must be an ISO date/time such as 2026-01-31T09:00:00Z") from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC)


def validate(
    specs: Iterable[Setting],
    values: Mapping[str, Any],
    *,
    existing_secrets: Iterable[str] = (),
    partial: bool = False,
) -> tuple[dict[str, Any], dict[str, str]]:
    """Validate `values` against `specs`; returns (settings, secrets) or raises SettingsInvalid.

    A secret left empty keeps the stored one (`existing_secrets` names those that are set).
    With `partial`, only the given keys are checked (an update of a few settings).
    """
    specs = list(specs)
    known = {s.name: s for s in specs}
    errors: dict[str, str] = {}
    for name in values:
        if name not in known:
            errors[name] = f"unknown setting (known: {', '.join(sorted(known))})"
    settings: dict[str, Any] = {}
    secrets: dict[str, str] = {}
    stored = set(existing_secrets)
    for spec in specs:
        if partial and spec.name not in values:
            continue
        try:
            value = spec.parse(values.get(spec.name))
        except ValueError as exc:
            errors[spec.name] = str(exc)
            continue
        if value is None:
            if spec.secret and spec.name in stored:
                continue
            if partial and not spec.secret and not spec.required:
                settings[spec.name] = None  # an explicit clear in a partial update
                continue
            value = spec.default
        if value is None and spec.required:
            errors[spec.name] = "is required"
            continue
        if value is not None and spec.validator is not None:
            problem = spec.validator(value)
            if problem:
                errors[spec.name] = problem
                continue
        if spec.secret:
            if value is not None:
                secrets[spec.name] = value
        elif value is not None:
            settings[spec.name] = value
    if errors:
        raise SettingsInvalid(errors)
    return settings, secrets


def host_url(value: str) -> str:
    """A host given without a scheme means https; a full URL (e.g. the sandbox) is kept."""
    value = value.strip().rstrip("/")
    if value.startswith(("http://", "https://")):
        return value
    return f"https://{value}"


def validate_host(value: str) -> str | None:
    text = value.strip()
    if not text:
        return "is required"
    if " " in text:
        return "must be a host name such as shop.mirakl.net (no spaces)"
    if not text.startswith(("http://", "https://")) and "/" in text.rstrip("/"):
        return "give the host only, e.g. acceleratorprogram-dev.mirakl.net (no path)"
    return None


EMAIL_ERRORS_TO = Setting(
    "email_errors_to",
    "Email Errors To",
    type="emails",
    help="Comma-separated addresses that receive the error digest.",
)
