"""The database binding every process shares.

One `DatabaseProxy` is initialised from `DATABASE_URL` at process start, so models
can be imported before anyone knows which backend is in use. PostgreSQL goes
through a connection pool: connections parked across a server restart are probed
and replaced on checkout, which is what lets a worker heal without a restart.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlparse

import peewee
from playhouse.db_url import connect

log = logging.getLogger(__name__)

DEFAULT_DATA_DIR = Path(os.environ.get("CHANNELHUB_DATA_DIR", ".channelhub"))

database = peewee.DatabaseProxy()

SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "synchronous": "normal",
    "foreign_keys": 1,
    "busy_timeout": 10_000,
}


def default_database_url() -> str:
    """SQLite file under the data directory: the embedded default needs no service."""
    path = (DEFAULT_DATA_DIR / "channelhub.db").resolve()
    return f"sqlite:///{path}"


def database_url() -> str:
    return os.environ.get("DATABASE_URL") or default_database_url()


def make_database(url: str) -> peewee.Database:
    """Build a database object for `url` (sqlite:///path or postgresql://...)."""
    scheme = urlparse(url).scheme
    if scheme.startswith("sqlite"):
        path = url.split(":///", 1)[1] if ":///" in url else ""
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        # IMMEDIATE: a transaction takes the write lock when it begins and waits for it
        # (busy_timeout), instead of failing with "database is locked" when a reader in the
        # demo's many threads tries to upgrade to a writer.
        return peewee.SqliteDatabase(
            path or ":memory:",
            pragmas=SQLITE_PRAGMAS,
            timeout=10,
            check_same_thread=False,
            lock_type="IMMEDIATE",
        )
    if scheme in ("postgres", "postgresql"):
        url = "postgresql+pool" + url[len(scheme) :]
    db = connect(url, **_postgres_options(url))
    return db


def _postgres_options(url: str) -> dict:
    if not url.startswith("postgresql+pool"):
        return {}
    return {
        "max_connections": int(os.environ.get("CHANNELHUB_DB_POOL_SIZE", "20")),
        "stale_timeout": 300,
        "timeout": 30,
        # A statement that hangs must not pin a worker thread forever: dramatiq's
        # time limit cannot interrupt a blocking C call.
        "options": "-c statement_timeout=120000",
    }


def init_database(url: str | None = None) -> peewee.Database:
    """Bind the proxy to the database named by `url` (or `DATABASE_URL`)."""
    url = url or database_url()
    db = make_database(url)
    database.initialize(db)
    log.debug("database bound to %s", redact_url(url))
    return db


def is_postgres() -> bool:
    return isinstance(database.obj, peewee.PostgresqlDatabase)


def redact_url(url: str) -> str:
    """The URL without its password, for logs and error messages."""
    parsed = urlparse(url)
    if parsed.password:
        netloc = parsed.netloc.replace(f":{parsed.password}@", ":***@")
        return parsed._replace(netloc=netloc).geturl()
    return url


@contextmanager
def connection() -> Iterator[peewee.Database]:
    """A connection for one unit of work (a message, a request, a tick).

    Closing returns it to the pool; a connection broken by a server restart is
    discarded here so the next unit of work starts clean.
    """
    db = database.obj
    db.connect(reuse_if_open=True)
    try:
        yield db
    finally:
        close_quietly(db)


def close_quietly(db: peewee.Database | None = None) -> None:
    db = db or database.obj
    if db is None or db.is_closed():
        return
    try:
        db.close()
    except peewee.PeeweeException as exc:  # a connection the server already dropped
        log.warning("discarding broken database connection: %s", exc)
        _discard_broken(db)


def _discard_broken(db: peewee.Database) -> None:
    state = getattr(db, "_state", None)
    if state is not None:
        state.reset()


def write_lock(db: peewee.Database | None = None):
    """A transaction that serialises writers where row locks are not available.

    PostgreSQL uses `FOR UPDATE SKIP LOCKED` on the rows themselves; SQLite has no
    row locks, so its claimers take the database write lock up front instead.
    """
    db = db or database.obj
    if isinstance(db, peewee.SqliteDatabase):
        return db.atomic(lock_type="IMMEDIATE")
    return db.atomic()
