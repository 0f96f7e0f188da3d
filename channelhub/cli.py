"""The `channelhub` command: the Procfile processes, the demo, and admin/ops tasks.

Errors go to stderr as one line with a non-zero exit; `--json` prints one JSON
array of whole records on stdout.
"""

from __future__ import annotations

import json
import logging
import os
import signal
import sys
import threading
from typing import Any

import click
import peewee

from channels.settings_spec import SettingsInvalid


def _setup(upgrade: bool = False) -> None:
    from models import init_database
    from models.schema import pending
    from models.schema import upgrade as run_upgrade

    init_database()
    if upgrade:
        run_upgrade()
        return
    try:
        waiting = pending()
    except peewee.OperationalError as exc:
        raise click.ClickException(f"cannot reach the database: {exc}".strip()) from None
    if waiting:
        raise click.ClickException(
            f"the database schema is not up to date ({len(waiting)} migration(s) pending): "
            "run `channelhub db upgrade`"
        )


def _emit(records: list[dict[str, Any]]) -> None:
    click.echo(json.dumps(records, indent=2, ensure_ascii=False))


def _logging(level: int = logging.INFO) -> None:
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")


@click.group()
@click.version_option(package_name="channelhub")
def main() -> None:
    """channelhub: feeds between your OMS and your sales channels."""


# -- processes ----------------------------------------------------------------
@main.command()
@click.option("--port", type=int, default=8000, show_default=True)
@click.option("--orders", type=int, default=60, show_default=True, help="Demo orders per shop.")
def demo(port: int, orders: int) -> None:
    """Everything in one process on the embedded default (SQLite, in-process broker, sandbox).

    Example: channelhub demo --port 8000
    """
    from channelhub.demo import run_demo

    _logging()
    run_demo(port=port, orders=orders)


@main.command()
@click.option("--port", type=int, default=None, help="Default: $PORT, else 8000.")
@click.option("--workers", "web_workers", type=int, default=2, show_default=True)
def web(port: int | None, web_workers: int) -> None:
    """The dashboard under gunicorn (production WSGI server)."""
    from channelhub.servers import serve_dashboard

    _logging()
    _setup()
    serve_dashboard(port or int(os.environ.get("PORT", "8000")), web_workers)


@main.command()
@click.option("--processes", "-p", type=int, default=2, show_default=True)
@click.option("--threads", "-t", type=int, default=4, show_default=True)
@click.option(
    "--queues", "-Q", multiple=True, help="Only these queues (feeds_inbound, feeds_outbound)."
)
def worker(processes: int, threads: int, queues: tuple[str, ...]) -> None:
    """Dramatiq workers for the feed queues (needs BROKER_URL=amqp://...)."""
    from workers.broker import broker_url

    if not broker_url().startswith(("amqp://", "amqps://")):
        raise click.ClickException(
            "`channelhub worker` needs a shared broker: set BROKER_URL=amqp://... "
            "(the in-process broker only works inside `channelhub demo`)"
        )
    _setup()
    args = [
        sys.executable,
        "-m",
        "dramatiq",
        "workers.app",
        "-p",
        str(processes),
        "-t",
        str(threads),
    ]
    for queue in queues:
        args += ["-Q", queue]
    os.execv(sys.executable, args)  # noqa: S606 (replaces this process with the worker)


@main.command()
@click.option("--poll-seconds", type=float, default=1.0, show_default=True)
@click.option("--batch-size", type=int, default=500, show_default=True)
def scheduler(poll_seconds: float, batch_size: int) -> None:
    """The scheduler loop: enqueues due feeds, re-sends, detects lost runs, mails digests."""
    from scheduler.loop import Scheduler

    _logging()
    _setup()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    Scheduler(batch_size=batch_size).run_forever(stop, poll_seconds)


@main.command()
@click.option("--port", type=int, default=8100, show_default=True)
def sandbox(port: int) -> None:
    """Serve the channel simulators (Mirakl under /mirakl)."""
    from sandbox.server import serve

    _logging()
    serve(port)


# -- database and users -------------------------------------------------------
@main.group()
def db() -> None:
    """Database schema."""


@db.command("upgrade")
def db_upgrade() -> None:
    """Create or upgrade the schema (safe to run twice)."""
    from models.db import database_url, redact_url

    _setup(upgrade=True)
    click.echo(f"schema up to date ({redact_url(database_url())})")


@main.group()
def users() -> None:
    """Dashboard users."""


@users.command("add")
@click.argument("name")
@click.option("--role", type=click.Choice(["admin", "ops"]), required=True)
def users_add(name: str, role: str) -> None:
    """Add a user; the password is read from stdin.

    Example: echo 's3cret-pass' | channelhub users add alice --role ops
    """
    from models import User

    _setup()
    password = sys.stdin.readline().rstrip("\n")
    if len(password) < 8:
        raise click.ClickException("the password (read from stdin) must have at least 8 characters")
    if User.select().where(User.username == name).exists():
        raise click.ClickException(f"user {name!r} already exists")
    user = User(username=name, role=role)
    user.set_password(password)
    user.save()
    click.echo(user.id)


# -- integrations, feeds, executions, orders -----------------------------------
def _parse_sets(pairs: tuple[str, ...]) -> dict[str, str]:
    values = {}
    for pair in pairs:
        if "=" not in pair:
            raise click.ClickException(f"--set takes KEY=VALUE, got {pair!r}")
        key, value = pair.split("=", 1)
        values[key.strip()] = value
    return values


@main.group()
def integrations() -> None:
    """Sales-channel integrations."""


@integrations.command("add")
@click.option("--channel", required=True)
@click.option("--name", required=True)
@click.option("--mode", type=click.Choice(["test", "production"]), default="test")
@click.option("--set", "sets", multiple=True, help="A channel setting, KEY=VALUE (repeatable).")
def integrations_add(channel: str, name: str, mode: str, sets: tuple[str, ...]) -> None:
    """Create an integration and its default feeds; prints its id.

    Example: channelhub integrations add --channel mirakl --name "Decathlon FR"
    --set hostname=decathlon-fr.mirakl.net --set shop_id=2001 --set api_key=...
    """
    from workers.provisioning import ProvisioningError, create_integration

    _setup()
    actor = _system_user()
    try:
        integration = create_integration(channel, name, _parse_sets(sets), mode=mode, actor=actor)
    except SettingsInvalid as exc:
        raise click.ClickException(f"invalid settings: {exc}") from None
    except ProvisioningError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(integration.id)


def _system_user() -> str:
    import getpass

    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli:unknown"


@main.group()
def feeds() -> None:
    """Feeds and their schedules."""


@feeds.command("list")
@click.option("--integration", "integration_id", type=int)
@click.option("--json", "as_json", is_flag=True)
def feeds_list(integration_id: int | None, as_json: bool) -> None:
    """List feeds."""
    from channelhub.serialize import feed_dict
    from models import Feed

    _setup()
    query = Feed.select().order_by(Feed.id)
    if integration_id:
        query = query.where(Feed.integration == integration_id)
    rows = [feed_dict(f) for f in query]
    if as_json:
        _emit(rows)
        return
    for row in rows:
        click.echo(
            f"{row['id']:>5}  integration {row['integration_id']:<4} {row['kind']:<26} "
            f"{row['schedule']:<22} next {row['next_run_at'] or '-'}"
            f"{'' if row['enabled'] else '  (disabled)'}"
        )


@feeds.command("run")
@click.argument("feed_id", type=int)
def feeds_run(feed_id: int) -> None:
    """Run a feed now ("Run now"); prints the execution id."""
    from models import Feed
    from workers.dispatch import run_now

    _setup()
    if Feed.get_or_none(Feed.id == feed_id) is None:
        raise click.ClickException(f"no feed with id {feed_id}")
    execution = run_now(feed_id)
    if execution.status == "skipped":
        click.echo(f"{execution.id}", nl=True)
        click.echo(execution.summary, err=True)
        return
    click.echo(execution.id)


@main.group()
def executions() -> None:
    """Feed executions."""


@executions.command("list")
@click.option("--feed", "feed_id", type=int)
@click.option("--status")
@click.option("--limit", type=int, default=200, show_default=True)
@click.option("--json", "as_json", is_flag=True)
def executions_list(feed_id: int | None, status: str | None, limit: int, as_json: bool) -> None:
    """List executions, newest first."""
    from channelhub.serialize import execution_dict
    from models import ExecutionStatus, FeedExecution

    _setup()
    query = FeedExecution.select().order_by(FeedExecution.id.desc()).limit(limit)
    if feed_id:
        query = query.where(FeedExecution.feed == feed_id)
    if status:
        if status not in {s.value for s in ExecutionStatus}:
            raise click.ClickException(
                f"unknown status {status!r} (one of: {', '.join(s.value for s in ExecutionStatus)})"
            )
        query = query.where(FeedExecution.status == status)
    rows = [execution_dict(e) for e in query]
    if as_json:
        _emit(rows)
        return
    for row in rows:
        click.echo(
            f"{row['id']:>6}  feed {row['feed_id']:<4} {row['kind']:<22} {row['status']:<10} "
            f"attempt {row['attempt']}/{row['max_attempts']}  {row['summary'][:90]}"
        )


@main.group()
def orders() -> None:
    """OMS orders."""


@orders.command("list")
@click.option("--integration", "integration_id", type=int)
@click.option("--status")
@click.option("--json", "as_json", is_flag=True)
def orders_list(integration_id: int | None, status: str | None, as_json: bool) -> None:
    """List orders with their lines."""
    from peewee import prefetch

    from channelhub.serialize import order_dict
    from models import Order, OrderLine

    _setup()
    query = Order.select().order_by(Order.id)
    if integration_id:
        query = query.where(Order.integration == integration_id)
    if status:
        query = query.where(Order.status == status)
    rows = [order_dict(o, o.lines) for o in prefetch(query, OrderLine)]
    if as_json:
        _emit(rows)
        return
    for row in rows:
        click.echo(
            f"{row['id']:>6}  {row['channel_order_id']:<20} {row['status']:<10} "
            f"{len(row['lines'])} line(s)  {row['shipping_address'].get('city', '')}"
        )


@orders.command("dispatch")
@click.argument("order_id", type=int)
@click.option("--carrier")
@click.option("--tracking")
def orders_dispatch(order_id: int, carrier: str | None, tracking: str | None) -> None:
    """Mark an order dispatched (what the warehouse does); shipment confirmation picks it up."""
    from workers.warehouse import DispatchRefused, dispatch_order

    _setup()
    try:
        dispatch_order(order_id, carrier=carrier, tracking_number=tracking, actor=_system_user())
    except DispatchRefused as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"order {order_id} dispatched")


if __name__ == "__main__":
    main()
