"""The orders search box: part of a channel order id, answered by an index.

Flask-Admin's own search is `ILIKE '%term%'` over every searchable column, a
sequential scan of the order table. Here a term of three characters or more is
a substring match that PostgreSQL answers from the trigram index of migration
0004 (pg_trgm); a shorter term, or a database where pg_trgm could not be
installed, is an exact match on the b-tree index. SQLite (the embedded demo,
small tables) does the same substring match by scanning.
"""

from __future__ import annotations

import peewee

from models import Order, database, is_postgres

TRGM_INDEX = "order_channel_order_id_trgm"
MIN_SUBSTRING = 3  # pg_trgm needs a trigram; shorter terms would scan the index whole

_trigram_ready: dict[int, bool] = {}


def trigram_available() -> bool:
    """Whether this PostgreSQL database has the trigram index (checked once per database)."""
    db = database.obj
    key = id(db)
    if key not in _trigram_ready:
        cursor = db.execute_sql("SELECT 1 FROM pg_indexes WHERE indexname = %s", (TRGM_INDEX,))
        _trigram_ready[key] = cursor.fetchone() is not None
    return _trigram_ready[key]


def like_pattern(term: str) -> str:
    """`%term%` with LIKE's own wildcards in the term taken literally."""
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def order_search(term: str) -> peewee.Expression | None:
    """The WHERE clause for the orders search box (None for an empty term)."""
    term = term.strip()
    if not term:
        return None
    exact = Order.channel_order_id == term
    if len(term) < MIN_SUBSTRING:
        return exact
    if is_postgres():
        if not trigram_available():
            return exact
        operator = "ILIKE"
    else:
        operator = "LIKE"  # case-insensitive for ASCII in SQLite
    return peewee.NodeList(
        (
            Order.channel_order_id,
            peewee.SQL(operator),
            like_pattern(term),
            peewee.SQL("ESCAPE '\\'"),
        )
    )
