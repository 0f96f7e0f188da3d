"""Field types shared by the models.

`DateTimeField` keeps peewee's class name on purpose: Flask-Admin chooses filters
by the field's class name, and a differently named subclass loses them.
"""

from __future__ import annotations

import datetime as dt

import peewee

UTC = dt.UTC


def utcnow() -> dt.datetime:
    return dt.datetime.now(UTC)


class DateTimeField(peewee.DateTimeField):
    """Stores naive UTC, hands out timezone-aware UTC datetimes."""

    def db_value(self, value):
        if isinstance(value, dt.datetime) and value.tzinfo is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)
        return super().db_value(value)

    def python_value(self, value):
        value = super().python_value(value)
        if isinstance(value, dt.datetime) and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value
