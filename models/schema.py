"""Creating and upgrading the schema through numbered migrations.

Migrations are peewee's own runner (`playhouse.migrations`) over `models/migrations/`;
each file holds frozen table definitions, so an old migration never changes meaning
when a model changes. On PostgreSQL an advisory lock lets several processes start
at once and upgrade exactly once.
"""

from __future__ import annotations

import logging
from pathlib import Path

from playhouse.migrations import Runner

from models.db import database, is_postgres

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
ADVISORY_LOCK_KEY = 7_421_003


def runner() -> Runner:
    return Runner(database.obj, directory=str(MIGRATIONS_DIR), table_name="schema_migration")


def upgrade() -> list[str]:
    """Apply pending migrations; returns the names applied (empty when up to date)."""
    db = database.obj
    db.connect(reuse_if_open=True)
    if is_postgres():
        db.execute_sql("SELECT pg_advisory_lock(%s)", (ADVISORY_LOCK_KEY,))
    try:
        applied = runner().up()
    finally:
        if is_postgres():
            db.execute_sql("SELECT pg_advisory_unlock(%s)", (ADVISORY_LOCK_KEY,))
    for name in applied:
        log.info("applied migration %s", name)
    return applied


def pending() -> list[str]:
    return [m.name for m in runner().status() if not m.applied]
