"""Dashboard users (admins only) and the audit log (read-only for everyone).

Passwords are only ever hashed (`User.set_password`); the form never shows one.
An admin cannot lock themselves out: they cannot delete, deactivate or demote
their own account.
"""

from __future__ import annotations

from flask import flash
from flask_admin.contrib.peewee import filters as pf
from flask_login import current_user, login_user
from wtforms import BooleanField, PasswordField, StringField
from wtforms.validators import InputRequired, Length, Optional, Regexp

from dashboard import formatting
from dashboard.auth import SessionUser, actor_name
from dashboard.forms import SecureForm, select_field
from dashboard.ids import parse_id
from dashboard.views.base import SecureModelView, choice_filter
from models import AuditLog, Role, User, database
from workers.provisioning import audit

PASSWORD_MIN = 10


class UserForm(SecureForm):
    username = StringField(
        "Username",
        validators=[
            InputRequired(),
            Length(max=80),
            Regexp(r"^[\w.@+-]+$", message="Letters, digits and . @ + - _ only."),
        ],
    )
    role = select_field("Role", [(r.value, r.value) for r in Role], default=Role.OPS.value)
    active = BooleanField("Active", default=True)
    password = PasswordField(
        "New password",
        description=f"At least {PASSWORD_MIN} characters. Leave empty to keep the current one.",
        validators=[Optional(), Length(min=PASSWORD_MIN, max=200)],
        render_kw={"autocomplete": "new-password"},
    )


class NewUserForm(UserForm):
    password = PasswordField(
        "Password",
        description=f"At least {PASSWORD_MIN} characters.",
        validators=[InputRequired(), Length(min=PASSWORD_MIN, max=200)],
        render_kw={"autocomplete": "new-password"},
    )


class UserView(SecureModelView):
    """`/admin/user/`: who may log in, and with which role."""

    read_roles = (Role.ADMIN.value,)
    admin_can_create = True
    admin_can_edit = True
    admin_can_delete = True
    can_view_details = False
    column_list = ("id", "username", "role", "active", "last_login_at", "created_at")
    column_labels = {"id": "#", "last_login_at": "Last login", "created_at": "Created"}
    column_sortable_list = ("id", "username")
    column_default_sort = ("username", False)
    column_filters = (
        choice_filter(User.role, "Role", [r.value for r in Role]),
        pf.BooleanEqualFilter(User.active, "Active"),
    )
    column_formatters = {"role": lambda v, c, m, n: formatting.badge(m.role, {"admin": "dark"})}

    def get_query(self):
        # Never load password hashes into a list page.
        return User.select(
            User.id, User.username, User.role, User.active, User.last_login_at, User.created_at
        )

    def get_one(self, id):
        pk = parse_id(id)
        return None if pk is None else User.get_or_none(User.id == pk)

    def get_create_form(self):
        return NewUserForm

    def get_edit_form(self):
        return UserForm

    def _username_taken(self, form, user_id: int | None) -> bool:
        query = User.select().where(User.username == form.username.data.strip())
        if user_id is not None:
            query = query.where(User.id != user_id)
        if query.exists():
            form.username.errors = [*form.username.errors, "This username is taken."]
            return True
        return False

    def create_model(self, form):
        if self._username_taken(form, None):
            flash("The user was not created.", "danger")
            return False
        user = User(
            username=form.username.data.strip(), role=form.role.data, active=form.active.data
        )
        user.set_password(form.password.data)
        with database.atomic():
            user.save()
            audit(
                actor_name(),
                "create",
                user,
                {
                    "username": user.username,
                    "role": user.role,
                    "active": user.active,
                    "password": "set",
                },
            )
        return user

    def update_model(self, form, model: User) -> bool:
        if self._username_taken(form, model.id):
            flash("The user was not saved.", "danger")
            return False
        own = model.id == current_user.id
        if own and (form.role.data != Role.ADMIN.value or not form.active.data):
            flash("You cannot demote or deactivate your own account.", "danger")
            return False
        values = {
            "username": form.username.data.strip(),
            "role": form.role.data,
            "active": bool(form.active.data),
        }
        changes = {
            k: {"old": getattr(model, k), "new": v}
            for k, v in values.items()
            if getattr(model, k) != v
        }
        for key, value in values.items():
            setattr(model, key, value)
        if form.password.data:
            model.set_password(form.password.data)
            changes["password"] = "changed"  # noqa: S105 - a marker, never the value
        if changes:
            with database.atomic():
                model.save()
                audit(actor_name(), "update", model, changes)
        if own and "password" in changes:
            # The session id includes a password fingerprint: renew it for this session.
            login_user(SessionUser(model))
        return True

    def delete_model(self, model: User) -> bool:
        if model.id == current_user.id:
            flash("You cannot delete your own account.", "danger")
            return False
        with database.atomic():
            audit(actor_name(), "delete", model, {"username": model.username})
            model.delete_instance()
        return True


class AuditLogView(SecureModelView):
    """`/admin/auditlog/`: who changed what; secret values appear only as "set"/"changed"."""

    column_list = ("id", "at", "actor", "action", "model", "object_id", "changes")
    column_labels = {"id": "#", "object_id": "Object"}
    column_sortable_list = ("id", "at")
    column_formatters = {"changes": lambda v, c, m, n: formatting.short_json(m.changes, 200)}
    column_filters = (
        pf.FilterEqual(AuditLog.actor, "Actor"),
        pf.FilterEqual(AuditLog.model, "Model"),
        pf.FilterEqual(AuditLog.object_id, "Object"),
        pf.DateTimeBetweenFilter(AuditLog.at, "At (UTC)"),
    )
    empty_message = "No admin changes recorded yet."
