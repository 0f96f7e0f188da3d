"""Indexes behind the dashboard's filters, search and monitoring, for production-size tables.

- feed_execution (status, queued_at): the status filter inside the recent time window,
  and /metrics' executions by status, without scanning other statuses.
- feed_execution (feed_id, status, finished_at): "last successful run" per feed
  (overview and /metrics) is one index probe per feed instead of a scan of its history.
- order (status, id) and (integration_id, id): the order list is newest first (id);
  a filter on a rare status or a small integration must not walk the whole table.
- execution_event (integration_id, id): the events list filtered by integration.
- execution_event (id) WHERE severity = 'error' AND resolved_at IS NULL: the bell and the
  overview's errors per feed read only what nobody resolved yet. A partial index stays
  small however long the history grows, and the planner knows its size; without it, it
  guesses the unresolved errors from independent column statistics (5 % errors x 95 %
  unresolved events of any kind) and walks the primary key instead.
- PostgreSQL only: pg_trgm and a trigram index on order.channel_order_id, so the order
  search box matches part of an id without a sequential scan. pg_trgm is a trusted
  extension (PostgreSQL 13+): a database owner may create it. Where it cannot be
  created the index is skipped and the search stays an exact match (see
  dashboard/search.py), so the upgrade never fails on it.
"""
import logging

import peewee

log = logging.getLogger("models.migrations")

TRGM_INDEX = "order_channel_order_id_trgm"
UNRESOLVED_INDEX = "execution_event_unresolved_errors"
INDEXES = (
    ("feed_execution", ("status", "queued_at")),
    ("feed_execution", ("feed_id", "status", "finished_at")),
    ("order", ("status", "id")),
    ("order", ("integration_id", "id")),
    ("execution_event", ("integration_id", "id")),
)


def _name(table, columns):
    return f"{table}_{'_'.join(columns)}"


def up(migrator, db):
    for table, columns in INDEXES:
        cols = ", ".join(f'"{c}"' for c in columns)
        db.execute_sql(f'CREATE INDEX IF NOT EXISTS "{_name(table, columns)}" ON "{table}" ({cols})')
    db.execute_sql(
        f'CREATE INDEX IF NOT EXISTS "{UNRESOLVED_INDEX}" ON "execution_event" ("id") '
        "WHERE \"severity\" = 'error' AND \"resolved_at\" IS NULL"
    )
    if isinstance(db, peewee.PostgresqlDatabase):
        try:
            with db.atomic():  # a savepoint: a refused extension must not abort the upgrade
                db.execute_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm")
                db.execute_sql(
                    f'CREATE INDEX IF NOT EXISTS "{TRGM_INDEX}" ON "order" '
                    "USING gin (channel_order_id gin_trgm_ops)"
                )
        except peewee.DatabaseError as exc:
            log.warning("pg_trgm unavailable, order search stays exact-match: %s", exc)


def down(migrator, db):
    db.execute_sql(f'DROP INDEX IF EXISTS "{TRGM_INDEX}"')
    db.execute_sql(f'DROP INDEX IF EXISTS "{UNRESOLVED_INDEX}"')
    for table, columns in INDEXES:
        db.execute_sql(f'DROP INDEX IF EXISTS "{_name(table, columns)}"')
