"""The base model: timestamps and the shared database proxy."""

from __future__ import annotations

import peewee

from models.db import database
from models.fields import DateTimeField, utcnow


class BaseModel(peewee.Model):
    created_at = DateTimeField(default=utcnow)
    updated_at = DateTimeField(default=utcnow)

    class Meta:
        database = database
        legacy_table_names = False

    def save(self, *args, **kwargs):
        self.updated_at = utcnow()
        return super().save(*args, **kwargs)
