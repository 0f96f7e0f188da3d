"""A form built from a channel's declared settings (`connector_class(code).settings_spec`).

Fields only collect raw text; the channel's own `validate()` (through
`workers.provisioning`) decides what is valid, and its per-field messages are
put back next to the fields. So the dashboard, the command line and the demo
accept and refuse exactly the same values.

The settings live in their own `BaseForm` with a `setting-` prefix: a channel
may declare a setting called `name`, `mode` or `data` without colliding with the
integration's own fields or with WTForms' attributes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from werkzeug.datastructures import MultiDict
from wtforms import BooleanField, PasswordField, SelectField, StringField
from wtforms.form import BaseForm
from wtforms.widgets import DateTimeLocalInput, EmailInput, NumberInput

from channels.settings_spec import Setting, parse_utc
from dashboard import formatting
from dashboard.forms import choices
from models import Integration

PREFIX = "setting-"
# Longest text a setting may hold. `email_errors_to` is a column of its own and smaller:
# past it PostgreSQL refuses the row, which would otherwise surface as a server error.
TEXT_MAX = 10_000
COLUMN_MAX = {"email_errors_to": Integration.email_errors_to.max_length}


@dataclass(frozen=True)
class SecretState:
    """What may be said about a stored secret: whether it is set, and since when."""

    is_set: bool
    set_at: dt.datetime | None = None

    def describe(self) -> str:
        if not self.is_set:
            return "not set"
        if self.set_at is None:
            return "set"
        return f"set on {formatting.utc(self.set_at, seconds=False)}"


def secret_states(names: Iterable[str], set_at: Mapping[str, str] | None) -> dict[str, SecretState]:
    """State per secret name, from `Integration.secrets_set_at` (written whenever one is set)."""
    set_at = set_at or {}
    states = {}
    for name in names:
        when = set_at.get(name)
        try:
            parsed = parse_utc(when) if when else None
        except ValueError:
            parsed = None
        states[name] = SecretState(name in set_at, parsed)
    return states


def secret_names(specs: Iterable[Setting]) -> list[str]:
    return [s.name for s in specs if s.secret]


def _field(spec: Setting, secret: SecretState | None):
    label = spec.label + (" (UTC)" if spec.type == "datetime" else "")
    render_kw: dict[str, Any] = {}
    if spec.required and not (spec.secret and secret and secret.is_set):
        render_kw["required"] = True
    description = spec.help
    if spec.type == "secret":
        render_kw["autocomplete"] = "new-password"
        if secret and secret.is_set:
            render_kw["placeholder"] = f"{secret.describe()}; leave empty to keep it"
        return PasswordField(label, description=description, render_kw=render_kw)
    if spec.type == "bool":
        return BooleanField(label, description=description, default=bool(spec.default))
    if spec.type == "choice":
        pairs = list(spec.choices)
        if not spec.required:
            pairs = [("", "—")] + pairs
        return SelectField(
            label,
            choices=choices(pairs),
            description=description,
            default="" if spec.default is None else str(spec.default),
            validate_choice=False,  # the channel's validate() words the message
            render_kw=render_kw,
        )
    widgets = {
        "int": NumberInput(step=1),
        "datetime": DateTimeLocalInput(),
        "emails": EmailInput(),
    }
    if spec.type == "emails":
        render_kw["multiple"] = True
        render_kw.setdefault("placeholder", "ops@example.com, it@example.com")
    elif spec.default not in (None, ""):
        render_kw.setdefault("placeholder", f"default: {spec.default}")
    return StringField(
        label, description=description, widget=widgets.get(spec.type), render_kw=render_kw
    )


def _display_value(spec: Setting, value: Any) -> Any:
    """A stored value as its input shows it (datetime-local has no zone and no seconds)."""
    if value is None:
        return None
    if spec.type == "datetime":
        try:
            return parse_utc(str(value)).strftime("%Y-%m-%dT%H:%M")
        except ValueError:
            return str(value)
    if spec.type == "bool":
        return bool(value)
    return str(value)


def build_settings_form(
    specs: Iterable[Setting],
    formdata: MultiDict | None,
    current: Mapping[str, Any] | None = None,
    secrets: Mapping[str, SecretState] | None = None,
) -> BaseForm:
    """The settings fields, filled from the request (POST) or from `current` values (GET).

    Secrets are never filled in: their inputs stay empty, and empty means "keep".
    """
    specs = list(specs)
    secrets = secrets or {}
    form = BaseForm([(s.name, _field(s, secrets.get(s.name))) for s in specs], prefix=PREFIX)
    data = {}
    for spec in specs:
        if spec.secret:
            continue
        if current is not None and spec.name in current:
            data[spec.name] = _display_value(spec, current[spec.name])
        elif spec.default is not None:
            data[spec.name] = _display_value(spec, spec.default)
    form.process(formdata, data=data)
    for field in form:
        field.errors = []
    return form


def submitted_values(specs: Iterable[Setting], form: BaseForm) -> dict[str, Any]:
    """Raw values for `validate()`: strings as typed, booleans as booleans."""
    values: dict[str, Any] = {}
    for spec in specs:
        data = form[spec.name].data
        if spec.type == "bool":
            values[spec.name] = bool(data)
        else:
            values[spec.name] = "" if data is None else str(data)
    return values


def checked_values(specs: Iterable[Setting], form: BaseForm) -> dict[str, Any] | None:
    """`submitted_values()`, or None when a value is too long to store (its field says so)."""
    values = submitted_values(specs, form)
    errors = {}
    for name, value in values.items():
        limit = COLUMN_MAX.get(name, TEXT_MAX)
        if isinstance(value, str) and len(value) > limit:
            errors[name] = f"at most {limit} characters (this is {len(value)})"
    attach_errors(form, errors)
    return None if errors else values


def attach_errors(form: BaseForm, errors: Mapping[str, str]) -> list[str]:
    """Put each message under its field; returns those that belong to no field."""
    unplaced = []
    for name, message in errors.items():
        if name in form:
            form[name].errors = [*form[name].errors, message]
        else:
            unplaced.append(f"{name}: {message}")
    return unplaced


def group_title(group: str) -> str:
    """Channels name groups either as labels ("Advanced") or as short keys ("aws")."""
    if not group:
        return "Channel settings"
    if group.islower() and " " not in group:
        return group.upper() if len(group) <= 3 else group.replace("_", " ").capitalize()
    return group


def groups(specs: Iterable[Setting], form: BaseForm) -> list[tuple[str, list]]:
    """Fields in declaration order, grouped by `Setting.group` (first appearance wins)."""
    ordered: dict[str, list] = {}
    for spec in specs:
        ordered.setdefault(spec.group, []).append(form[spec.name])
    return [(group_title(group), fields) for group, fields in ordered.items()]
