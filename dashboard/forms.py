"""Form base classes with one CSRF token for the whole app.

`CSRFProtect` guards every POST at the application level and Flask-Admin's
`SecureForm` guards its own forms. Out of the box they use two different token
schemes under the same field name (`csrf_token`), so a Flask-Admin form would
fail the app-wide check. `SecureForm` here keeps Flask-Admin's class but lets
Flask-WTF generate and check the token, so both layers agree on one value.
"""

from __future__ import annotations

from flask_admin.form import SecureForm as AdminSecureForm
from flask_wtf.csrf import generate_csrf, validate_csrf
from wtforms import SelectField
from wtforms.csrf.core import CSRF
from wtforms.fields.choices import SelectChoice


class FlaskWTFCSRF(CSRF):
    """WTForms CSRF implementation backed by Flask-WTF's session token."""

    def generate_csrf_token(self, csrf_token_field) -> str:
        return generate_csrf()

    def validate_csrf_token(self, form, field) -> None:
        # Raises wtforms.ValidationError with a readable message when invalid.
        validate_csrf(field.data)


class SecureForm(AdminSecureForm):
    """Base class of every Flask-Admin form (`form_base_class`)."""

    class Meta:
        csrf = True
        csrf_class = FlaskWTFCSRF


def choices(pairs) -> list[SelectChoice]:
    """`SelectChoice` objects: WTForms 3.3 deprecates plain (value, label) tuples."""
    return [SelectChoice(value=str(value), label=str(label)) for value, label in pairs]


def select_field(label: str, pairs, **kwargs) -> SelectField:
    return SelectField(label, choices=choices(pairs), **kwargs)
