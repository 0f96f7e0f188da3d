"""Time the dashboard's pages at production size on PostgreSQL.

Builds, in a database of its own, 1,000,000 feed executions and 5,000,000 execution
events over a few hundred feeds (plus one run with 100,000 events, 1,000,000 orders
with lines, the executions that touched them and attempts), with `generate_series`
inside PostgreSQL; ids follow time, as when workers write the rows. Then it
requests every page through the Flask test client, logged in, and prints the median
time per page. `--explain` also runs EXPLAIN on every statement a page sent and
flags sequential scans of the big tables.

    python bench/bench_dashboard.py                      # build, time, drop
    python bench/bench_dashboard.py --keep               # leave the database for reuse
    python bench/bench_dashboard.py --reuse NAME --explain

Never asserts a time: the figures go to bench/RESULTS.md by hand.
"""

from __future__ import annotations

import argparse
import logging
import os
import re
import statistics
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("CHANNELHUB_QUEUE_PREFIX", f"bench{uuid.uuid4().hex[:6]}_")
os.environ.pop("BROKER_URL", None)  # the pages under test never send a message

import psycopg2  # noqa: E402

from models import Role, User, database, init_database  # noqa: E402
from models.schema import upgrade  # noqa: E402

PG_ADMIN = os.environ.get("BENCH_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres")
PASSWORD = "bench-password-123"
BIG_TABLES = (
    "feed_execution",
    "execution_event",
    "order",
    "order_line",
    "order_execution",
    "execution_attempt",
)
CHANNELS = ("mirakl", "amazon", "shopify", "magento", "prestashop", "cdiscount", "marks_spencer")
FEED_KINDS = ("import_new_orders", "accept_orders", "confirm_shipments")
DAYS = 60


# -- the database -------------------------------------------------------------------
def admin_connection():
    conn = psycopg2.connect(PG_ADMIN)
    conn.autocommit = True
    return conn


def create_database() -> str:
    name = f"channelhub_bench_dash_{uuid.uuid4().hex[:8]}"
    conn = admin_connection()
    conn.cursor().execute(f'CREATE DATABASE "{name}"')
    conn.close()
    return name


def drop_database(name: str) -> None:
    if database.obj is not None:
        database.obj.close_all()
    conn = admin_connection()
    cur = conn.cursor()
    cur.execute(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", (name,)
    )
    cur.execute(f'DROP DATABASE IF EXISTS "{name}"')
    conn.close()


def url_of(name: str) -> str:
    return PG_ADMIN.rsplit("/", 1)[0] + f"/{name}"


_build_cursor = None


def sql(statement: str):
    """Run on the build connection: plain SQL, no parameters (so `%` is just modulo)."""
    _build_cursor.execute(statement)
    return _build_cursor


def timed(label: str, statement: str) -> None:
    started = time.perf_counter()
    sql(statement)
    print(f"  {label:<42} {time.perf_counter() - started:6.1f} s", flush=True)


def array(values) -> str:
    return "ARRAY[" + ",".join(f"'{v}'" for v in values) + "]"


# -- building production-size data --------------------------------------------------
def drop_secondary_indexes() -> list[str]:
    """Bulk loads are several times faster without indexes; they are rebuilt afterwards."""
    rows = sql(
        f"SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ANY({array(BIG_TABLES)}) "
        "AND indexname NOT LIKE '%_pkey'"
    ).fetchall()
    for name, _ in rows:
        sql(f'DROP INDEX "{name}"')
    return [definition for _, definition in rows]


def build(url: str, executions: int, events: int, orders: int, feeds: int) -> None:
    global _build_cursor
    conn = psycopg2.connect(url)
    conn.autocommit = True
    _build_cursor = conn.cursor()
    integrations = max(feeds // len(FEED_KINDS), 1)
    feed_count = integrations * len(FEED_KINDS)
    sql("SET maintenance_work_mem = '512MB'")
    sql("SET synchronous_commit = off")
    now = "(now() AT TIME ZONE 'utc')"
    print(
        f"building {executions:,} executions, {events:,} events, {orders:,} orders, "
        f"{integrations * len(FEED_KINDS)} feeds",
        flush=True,
    )
    timed(
        "integrations and feeds",
        f"""
        INSERT INTO integration (created_at, updated_at, channel, name, enabled, mode, settings,
                                 secrets_set_at, email_errors_to)
        SELECT {now}, {now}, ({array(CHANNELS)})[1 + g % {len(CHANNELS)}],
               'Shop ' || lpad(g::text, 3, '0'),
               true, CASE WHEN g % 4 = 0 THEN 'test' ELSE 'production' END, '{{}}', '{{}}',
               'ops@example.com'
        FROM generate_series(1, {integrations}) g;
        INSERT INTO feed (created_at, updated_at, integration_id, kind, direction,
                          interval_seconds, next_run_at, enabled, cursor)
        SELECT {now}, {now}, i.id, k.kind,
               CASE WHEN k.kind = 'import_new_orders' THEN 'inbound' ELSE 'outbound' END,
               300, {now} + interval '5 minutes', true, '{{}}'
        FROM integration i CROSS JOIN unnest({array(FEED_KINDS)}) AS k(kind);
    """,
    )
    definitions = drop_secondary_indexes()
    # Executions: ids in time order over DAYS days; busy feeds run more often (skewed).
    timed(
        "feed_execution",
        f"""
        INSERT INTO feed_execution (created_at, updated_at, feed_id, integration_id, kind,
            trigger, status, due_at, attempt, max_attempts, force, queued_at, started_at,
            finished_at, seen, created, updated, skipped, info_events, retry_events,
            error_events, summary, worker, settings_version)
        SELECT q, q, f.id, f.integration_id, f.kind,
            CASE WHEN r < 0.97 THEN 'schedule' WHEN r < 0.99 THEN 'manual' ELSE 'retry' END,
            CASE WHEN r2 < 0.92 THEN 'succeeded' WHEN r2 < 0.96 THEN 'partial'
                 WHEN r2 < 0.98 THEN 'skipped' WHEN r2 < 0.995 THEN 'failed' ELSE 'lost' END,
            q, 1, 8, false, q, q + interval '1 second',
            q + interval '1 second' + (r * 60) * interval '1 second',
            (r * 200)::int, (r * 50)::int, (r2 * 20)::int, 0, 0, 0, 0,
            'imported ' || (r * 50)::int || ' orders', 'worker-' || (g % 4), 'a1b2c3d4e5f6'
        FROM (
            SELECT g, random() AS r, random() AS r2,
                   1 + floor({feed_count} * power(random(), 2))::int AS feed_id,
                   {now} - ({executions} - g) * (interval '{DAYS} days' / {executions}) AS q
            FROM generate_series(1, {executions}) g
        ) s JOIN feed f ON f.id = s.feed_id
    """,
    )
    # A few runs are under way right now (one per feed at most: a partial unique index).
    sql("""
        UPDATE feed_execution SET status = CASE WHEN id % 3 = 0 THEN 'running'
            WHEN id % 3 = 1 THEN 'queued' ELSE 'retrying' END,
            finished_at = NULL, started_at = CASE WHEN id % 3 = 1 THEN NULL ELSE started_at END
        WHERE id IN (SELECT max(id) FROM feed_execution GROUP BY feed_id ORDER BY 1 DESC LIMIT 30)
    """)
    codes = (
        "ARRAY['order_imported','cancelled_skipped','awaiting_payment','timeout',"
        "'missing_sku','unknown_shipping_method','malformed_payload']"
    )
    timed(
        "execution_event",
        f"""
        INSERT INTO execution_event (created_at, updated_at, execution_id, integration_id,
            severity, code, message, record_ref, details, fingerprint, resolved_at, resolved_by)
        SELECT x.queued_at + interval '2 seconds', x.queued_at + interval '2 seconds', x.id,
               x.integration_id, s.severity,
               ({codes})[CASE s.severity WHEN 'info' THEN 1 + (s.g % 2)
                          WHEN 'retry' THEN 3 + (s.g % 2) ELSE 5 + (s.g % 3) END],
               'Order ORD-' || s.g || '-A: ' || CASE s.severity WHEN 'error'
                    THEN 'SKU MUG-' || (s.g % 500) || ' has no mapping for this channel'
                    ELSE 'processed' END,
               'ORD-' || s.g || '-A', jsonb_build_object('page', s.g % 10),
               md5((s.g % 997)::text),
               CASE WHEN s.severity = 'error' AND x.queued_at < {now} - interval '2 days'
                    THEN x.queued_at + interval '1 hour' END,
               CASE WHEN s.severity = 'error' AND x.queued_at < {now} - interval '2 days'
                    THEN 'dashboard:ops' END
        FROM (
            SELECT g, 1 + ((g::bigint * 48271) % {executions}) AS execution_id,
                   CASE WHEN random() < 0.80 THEN 'info' WHEN random() < 0.75 THEN 'retry'
                        ELSE 'error' END AS severity
            FROM generate_series(1, {events}) g
        ) s JOIN feed_execution x ON x.id = s.execution_id
        ORDER BY x.queued_at, s.g  -- ids follow time, as when workers write them
    """,
    )
    timed(
        "one run with 100,000 events",
        f"""
        INSERT INTO execution_event (created_at, updated_at, execution_id, integration_id,
            severity, code, message, record_ref, details, fingerprint)
        SELECT x.queued_at, x.queued_at, x.id, x.integration_id,
               CASE WHEN g % 50 = 0 THEN 'error' ELSE 'info' END,
               CASE WHEN g % 50 = 0 THEN 'missing_sku' ELSE 'product_updated' END,
               'Product SKU-' || g, 'SKU-' || g, '{{}}', md5((g % 7)::text)
        FROM generate_series(1, 100000) g
        CROSS JOIN (SELECT id, integration_id, queued_at FROM feed_execution
                    WHERE id = {executions} - 100) x
    """,
    )
    timed(
        "execution counters from events",
        """
        UPDATE feed_execution x SET info_events = c.info, retry_events = c.retry,
               error_events = c.error
        FROM (SELECT execution_id, count(*) FILTER (WHERE severity = 'info') AS info,
                     count(*) FILTER (WHERE severity = 'retry') AS retry,
                     count(*) FILTER (WHERE severity = 'error') AS error
              FROM execution_event GROUP BY execution_id) c
        WHERE c.execution_id = x.id
    """,
    )
    timed(
        "execution_attempt",
        """
        INSERT INTO execution_attempt (created_at, updated_at, execution_id, number, worker,
                                       started_at, finished_at, outcome, message)
        SELECT queued_at, queued_at, id, 1, worker, started_at, finished_at, status, summary
        FROM feed_execution WHERE started_at IS NOT NULL
    """,
    )
    timed(
        "order",
        f"""
        INSERT INTO "order" (created_at, updated_at, integration_id, channel_order_id, status,
            channel_status, placed_at, imported_at, currency, total, shipping_method, buyer,
            shipping_address, billing_address, attributes, confirmation, carrier,
            tracking_number, shipped_at)
        SELECT t, t, 1 + (g % {integrations}), 'ORD-' || g || '-A',
            CASE WHEN r < 0.85 THEN 'shipped' WHEN r < 0.90 THEN 'dispatched'
                 WHEN r < 0.95 THEN 'new' WHEN r < 0.98 THEN 'cancelled'
                 WHEN r < 0.99 THEN 'held' ELSE 'released' END,
            'SHIPPING', t - interval '10 minutes', t, 'EUR', round((r * 200)::numeric, 2),
            'standard', jsonb_build_object('name', 'Buyer ' || g),
            jsonb_build_object('name', 'Buyer ' || g, 'city', 'Lyon', 'country', 'FR'),
            '{{}}', '{{}}', '{{}}', 'DPD', 'TRK' || g, t + interval '1 day'
        FROM (SELECT g, random() AS r,
                     {now} - ({orders} - g) * (interval '{DAYS} days' / {orders}) AS t
              FROM generate_series(1, {orders}) g) s
    """,
    )
    timed(
        "order_line",
        """
        INSERT INTO order_line (created_at, updated_at, order_id, line_number, channel_sku, sku,
                                name, quantity, unit_price, line_type, personalisation)
        SELECT created_at, created_at, id, 1, 'CH-MUG-' || (id % 500), 'MUG-' || (id % 500),
               'Engraved mug', 1 + id % 3, 12.50, 'textual',
               jsonb_build_object('text', 'For ' || id)
        FROM "order"
    """,
    )
    timed(
        "order_execution",
        f"""
        INSERT INTO order_execution (created_at, updated_at, order_id, execution_id, action)
        SELECT created_at, created_at, id, 1 + (id::bigint * 7919) % {executions}, 'created'
        FROM "order"
    """,
    )
    started = time.perf_counter()
    for definition in definitions:
        sql(definition)
    print(
        f"  {'indexes rebuilt (' + str(len(definitions)) + ')':<42} "
        f"{time.perf_counter() - started:6.1f} s",
        flush=True,
    )
    timed("VACUUM ANALYZE", "VACUUM ANALYZE")
    conn.close()
    user = User(username="bench", role=Role.ADMIN.value)
    user.set_password(PASSWORD)
    user.save()


# -- timing the pages -----------------------------------------------------------------
class Statements(logging.Handler):
    """The SQL peewee sends, with its parameters (for EXPLAIN and the statement count)."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.seen: list[tuple[str, tuple]] = []

    def emit(self, record) -> None:
        if isinstance(record.msg, tuple):
            self.seen.append(record.msg)


def login(client) -> None:
    html = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)
    response = client.post(
        "/login", data={"username": "bench", "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 302, "login failed"


# label | path, with {placeholders} filled from the data by pages()
PAGES = """
overview | /admin/
executions (default: last 24 h) | /admin/feedexecution/
executions, page 5 | /admin/feedexecution/?page=4
executions, status=failed | /admin/feedexecution/?flt0_status_equals=failed
executions, integration + kind | /admin/feedexecution/?flt0_integration_equals={integration}\
&flt1_feed_kind_equals=confirm_shipments
executions, 7 days, status=lost | /admin/feedexecution/?window=7d&flt0_status_equals=lost
executions, all time, status=failed | /admin/feedexecution/?window=all&flt0_status_equals=failed
executions, one day a month ago | /admin/feedexecution/?flt0_queued_utc_between={day}
executions, search #id | /admin/feedexecution/?search=%23{old}
executions, search record | /admin/feedexecution/?search={event_ref}
execution detail (recent) | /admin/feedexecution/details/?id={recent}
execution detail (100,000 events) | /admin/feedexecution/details/?id={busy}
execution detail, its errors | /admin/feedexecution/details/?id={busy}&severity=error
execution live JSON | /admin/feedexecution/live/{recent}/
orders | /admin/order/
orders, status=held | /admin/order/?flt0_status_equals=held
orders, search exact id | /admin/order/?search={order_ref}
orders, search part of id | /admin/order/?search={order_part}
order detail | /admin/order/details/?id={order_id}
bell JSON | /admin/executionevent/bell/
unresolved errors (bell link) | /admin/executionevent/?flt0_severity_equals=error\
&flt1_resolved_at_empty=1
feeds | /admin/feed/
metrics | /metrics
"""


def pages() -> list[tuple[str, str]]:
    def one(query: str):
        return database.obj.execute_sql(query).fetchone()[0]

    recent = one("SELECT max(id) FROM feed_execution WHERE status = 'partial'")
    order_id, order_ref = database.obj.execute_sql(
        'SELECT id, channel_order_id FROM "order" ORDER BY id DESC OFFSET 5000 LIMIT 1'
    ).fetchone()
    month_ago = one("SELECT to_char(now() - interval '30 days', 'YYYY-MM-DD')")
    ids = {
        "busy": one("SELECT max(id) - 100 FROM feed_execution"),  # the run with 100,000 events
        "recent": recent,
        "order_id": order_id,
        "order_ref": order_ref,
        "order_part": order_ref[4:-2],
        "integration": one("SELECT max(id) FROM integration"),
        "old": one("SELECT min(id) + 1000 FROM feed_execution"),
        "event_ref": one(f"SELECT record_ref FROM execution_event WHERE execution_id = {recent}"),
        "day": f"{month_ago}+00:00:00+to+{month_ago}+23:59:59",
    }
    rows = [line.split(" | ") for line in PAGES.strip().splitlines()]
    return [(label, path.format(**ids)) for label, path in rows]


def explain(statements: list[tuple[str, tuple]]) -> list[str]:
    """Sequential scans of a big table in the plans of these statements."""
    problems = []
    for statement, params in statements:
        if not statement.lstrip().upper().startswith("SELECT"):
            continue
        plan = database.obj.execute_sql("EXPLAIN " + statement, params).fetchall()
        text = "\n".join(row[0] for row in plan)
        for table in BIG_TABLES:
            if re.search(rf'Seq Scan on "?{table}"? ', text):
                problems.append(f"Seq Scan on {table}: {statement[:160]}")
    return problems


def time_pages(requests: int, with_explain: bool) -> None:
    from dashboard.app import create_app

    app = create_app({"BIND_DATABASE": False, "SECRET_KEY": "bench", "WTF_CSRF_ENABLED": True})
    client = app.test_client()
    login(client)
    handler = Statements()
    logger = logging.getLogger("peewee")
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    print(f"\n{'page':<40} {'median':>9} {'p90':>9} {'SQL':>4}  (n={requests})")
    for label, path in pages():
        for _ in range(2):  # warm the caches, as a page kept open all day would be
            assert client.get(path).status_code == 200, path
        handler.seen.clear()
        client.get(path)
        statements = list(handler.seen)
        samples = []
        for _ in range(requests):
            started = time.perf_counter()
            response = client.get(path)
            samples.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (path, response.status_code)
        p90 = statistics.quantiles(samples, n=10)[-1] if len(samples) > 1 else samples[0]
        print(
            f"{label:<40} {statistics.median(samples):7.1f}ms {p90:7.1f}ms {len(statements):>4}",
            flush=True,
        )
        if with_explain:
            for problem in explain(statements):
                print(f"    ! {problem}")
    logger.removeHandler(handler)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--executions", type=int, default=1_000_000)
    parser.add_argument("--events", type=int, default=5_000_000)
    parser.add_argument("--orders", type=int, default=1_000_000)
    parser.add_argument("--feeds", type=int, default=300)
    parser.add_argument("--requests", type=int, default=15, help="timed requests per page")
    parser.add_argument("--keep", action="store_true", help="do not drop the database")
    parser.add_argument("--reuse", metavar="NAME", help="time an existing bench database")
    parser.add_argument("--explain", action="store_true", help="flag sequential scans")
    args = parser.parse_args()

    name = args.reuse or create_database()
    init_database(url_of(name))
    database.obj.connect(reuse_if_open=True)
    try:
        upgrade()
        if not args.reuse:
            started = time.perf_counter()
            build(url_of(name), args.executions, args.events, args.orders, args.feeds)
            print(f"  {'total':<42} {time.perf_counter() - started:6.1f} s")
        database.obj.close()
        time_pages(args.requests, args.explain)
    finally:
        if args.keep or args.reuse:
            print(f"\ndatabase kept: {name} (--reuse {name})")
        else:
            drop_database(name)


if __name__ == "__main__":
    main()
