"""Integrations: a list for everyone, and for admins settings forms built from the channel.

Create and edit go through `workers.provisioning` (the same path as the command
line), so validation, secret encryption and the audit log are not re-implemented
here. Credentials are write-only: no page ever renders a stored secret, only
whether it is set and when.
"""

from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_admin import expose
from flask_admin.contrib.peewee import filters as pf
from markupsafe import Markup
from wtforms import BooleanField, StringField
from wtforms.validators import InputRequired, Length, ValidationError

from channels import registry
from channels.settings_spec import SettingsInvalid
from dashboard import formatting
from dashboard import settings_form as sf
from dashboard.auth import actor_name
from dashboard.forms import SecureForm, select_field
from dashboard.ids import parse_id
from dashboard.views.base import SecureModelView, choice_filter, link
from models import Feed, FeedExecution, Integration, Mode, Order
from models.crypto import CredentialsUnreadable
from workers.configuration import set_integration_enabled
from workers.provisioning import (
    ProvisioningError,
    audit,
    create_integration,
    set_mode,
    update_integration,
)

MODES = [
    (Mode.TEST.value, "test (outbound feeds are skipped)"),
    (Mode.PRODUCTION.value, "production"),
]
LIST_FIELDS = (
    Integration.id,
    Integration.name,
    Integration.channel,
    Integration.mode,
    Integration.enabled,
    Integration.paused_reason,
    Integration.email_errors_to,
)


CONFIRM_HELP = (
    "In production, outbound feeds (accept orders, stock, shipment confirmations) "
    "write to the channel for real."
)


class CreateForm(SecureForm):
    name = StringField("Name", validators=[InputRequired(), Length(max=200)])
    mode = select_field("Mode", MODES, default=Mode.TEST.value)
    confirm_production = BooleanField("Yes, use production mode", description=CONFIRM_HELP)


class EditForm(SecureForm):
    mode = select_field("Mode", MODES)
    enabled = BooleanField("Enabled", description="A disabled integration runs no feeds.")
    confirm_production = BooleanField("Yes, switch to production", description=CONFIRM_HELP)


def production_confirmed(form, current_mode: str) -> bool:
    """Switching to production must be confirmed: the checkbox, checked, in the same POST."""
    switching = form.mode.data == Mode.PRODUCTION.value and current_mode != Mode.PRODUCTION.value
    if switching and not form.confirm_production.data:
        form.confirm_production.errors = [
            "Tick this box to confirm: production mode writes to the channel."
        ]
        return False
    return True


def _name(view, context, model, name) -> Markup:
    return link("integration.details_view", model.id, model.name)


def _paused(view, context, model, name) -> Markup | str:
    if not model.paused_reason:
        return ""
    return Markup('<span class="badge badge-danger">paused</span> {}').format(
        formatting.truncate(model.paused_reason, 120)
    )


class IntegrationView(SecureModelView):
    """`/admin/integration/`: channel connections, their settings and their feeds."""

    admin_can_create = True
    admin_can_edit = True
    admin_can_delete = True
    column_list = ("id", "name", "channel", "mode", "enabled", "paused_reason", "email_errors_to")
    column_labels = {"id": "#", "paused_reason": "Paused", "email_errors_to": "Email errors to"}
    column_sortable_list = ("id", "name", "channel")
    column_default_sort = ("name", False)
    column_searchable_list = ("name",)
    column_formatters = {
        "name": _name,
        "mode": lambda v, c, m, n: formatting.mode_badge(m.mode),
        "paused_reason": _paused,
    }
    column_filters = (
        choice_filter(Integration.channel, "Channel", registry.codes()),
        choice_filter(Integration.mode, "Mode", [m.value for m in Mode]),
        pf.BooleanEqualFilter(Integration.enabled, "Enabled"),
    )
    # Flask-Admin's scaffolded form is never shown: create and edit are the views below.
    form_columns = ("name",)
    details_template = "channelhub/integration_details.html"
    empty_message = "No integration yet. An admin adds one with Create."

    def get_query(self):
        return Integration.select(*LIST_FIELDS)

    def get_one(self, id):
        pk = parse_id(id)
        return None if pk is None else Integration.get_or_none(Integration.id == pk)

    # -- details ---------------------------------------------------------------
    def specs_of(self, integration: Integration):
        try:
            return registry.connector_class(integration.channel).settings_spec
        except KeyError:
            return None

    def settings_rows(self, integration: Integration) -> list[dict]:
        """Label, shown value and help per setting; secrets only as 'set on <date>'."""
        specs = self.specs_of(integration)
        stored = {**(integration.settings or {}), "email_errors_to": integration.email_errors_to}
        set_at = integration.secrets_set_at or {}
        if specs is None:  # a channel this version does not know: show what is stored
            rows = [{"label": k, "value": v, "help": ""} for k, v in sorted(stored.items())]
            for name, state in sorted(sf.secret_states(set_at.keys(), set_at).items()):
                rows.append({"label": name, "secret": state.describe(), "help": ""})
            return rows
        states = sf.secret_states(sf.secret_names(specs), set_at)
        rows = []
        for spec in specs:
            row = {"label": spec.label, "help": spec.help, "required": spec.required}
            if spec.secret:
                row["secret"] = states[spec.name].describe()
            else:
                value = stored.get(spec.name)
                row["value"] = value
                row["is_default"] = value is None and spec.default is not None
                if row["is_default"]:
                    row["value"] = spec.default
            rows.append(row)
        return rows

    def feeds_of(self, integration: Integration) -> list[Feed]:
        return list(
            Feed.select(
                Feed.id,
                Feed.kind,
                Feed.direction,
                Feed.schedule_cron,
                Feed.interval_seconds,
                Feed.next_run_at,
                Feed.enabled,
            )
            .where(Feed.integration == integration.id)
            .order_by(Feed.kind)
        )

    def recent_executions(self, integration: Integration, limit: int = 10) -> list[FeedExecution]:
        return list(
            FeedExecution.select()
            .where(FeedExecution.integration == integration.id)
            .order_by(FeedExecution.queued_at.desc(), FeedExecution.id.desc())
            .limit(limit)
        )

    # -- create and edit -------------------------------------------------------
    @expose("/new/", methods=("GET", "POST"))
    def create_view(self):
        codes = registry.codes()
        channel = request.args.get("channel") or codes[0]
        if channel not in codes:
            abort(404)
        specs = registry.connector_class(channel).settings_spec
        posted = request.form if request.method == "POST" else None
        form = CreateForm(posted)
        settings = sf.build_settings_form(specs, posted)
        problems: list[str] = []
        checked = posted is not None and form.validate()
        checked = checked and production_confirmed(form, Mode.TEST.value)
        values = sf.checked_values(specs, settings) if checked else None
        if values is not None:
            try:
                integration = create_integration(
                    channel,
                    form.name.data.strip(),
                    values,
                    mode=form.mode.data,
                    actor=actor_name(),
                )
            except SettingsInvalid as exc:
                problems = sf.attach_errors(settings, exc.errors)
            except ProvisioningError as exc:
                form.name.errors = [*form.name.errors, str(exc)]
            else:
                flash(f"Integration {integration.name!r} created with its feeds.", "success")
                return redirect(url_for(".details_view", id=integration.id))
        if posted is not None:
            flash("Nothing was saved: fix the fields marked below.", "danger")
        return self.render(
            "channelhub/integration_form.html",
            form=form,
            settings_groups=sf.groups(specs, settings),
            problems=problems,
            channel=channel,
            channels=[(code, registry.connector_class(code).label or code) for code in codes],
            integration=None,
            action=url_for(".create_view", channel=channel),
        )

    @expose("/edit/", methods=("GET", "POST"))
    def edit_view(self):
        integration = self.get_one(request.args.get("id"))
        if integration is None:
            flash("That integration does not exist.", "danger")
            return redirect(url_for(".index_view"))
        specs = self.specs_of(integration)
        if specs is None:
            flash(f"Channel {integration.channel!r} is not known to this version.", "danger")
            return redirect(url_for(".details_view", id=integration.id))
        posted = request.form if request.method == "POST" else None
        form = EditForm(posted, mode=integration.mode, enabled=integration.enabled)
        set_at = integration.secrets_set_at or {}
        current = {**(integration.settings or {}), "email_errors_to": integration.email_errors_to}
        settings = sf.build_settings_form(
            specs, posted, current, sf.secret_states(sf.secret_names(specs), set_at)
        )
        problems: list[str] = []
        if posted is not None and form.validate() and production_confirmed(form, integration.mode):
            saved = self._save_edit(integration, specs, form, settings, problems)
            if saved is not None:
                return saved
        if posted is not None:
            flash("Nothing was saved: fix the fields marked below.", "danger")
        return self.render(
            "channelhub/integration_form.html",
            form=form,
            settings_groups=sf.groups(specs, settings),
            problems=problems,
            channel=integration.channel,
            channels=[],
            integration=integration,
            action=url_for(".edit_view", id=integration.id),
        )

    def _save_edit(self, integration, specs, form, settings, problems):
        actor = actor_name()
        values = sf.checked_values(specs, settings)
        if values is None:
            return None
        try:
            changed = update_integration(integration, values, actor=actor)
        except SettingsInvalid as exc:
            problems.extend(sf.attach_errors(settings, exc.errors))
            return None
        except CredentialsUnreadable as exc:
            problems.append(str(exc))
            return None
        if set_mode(integration, form.mode.data, actor=actor):
            changed.append("mode")
        if set_integration_enabled(integration, bool(form.enabled.data), actor=actor):
            changed.append("enabled")
        if changed:
            flash(f"Saved: {', '.join(sorted(changed))} changed.", "success")
        else:
            flash("No changes.", "info")
        return redirect(url_for(".details_view", id=integration.id))

    # -- delete ----------------------------------------------------------------
    def on_model_delete(self, model: Integration) -> None:
        """Orders belong to the merchant: an integration with orders is disabled, not deleted."""
        if Order.select().where(Order.integration == model.id).exists():
            raise ValidationError(
                f"{model.name} has orders and cannot be deleted; disable it instead."
            )
        audit(actor_name(), "delete", model, {"name": model.name, "channel": model.channel})
