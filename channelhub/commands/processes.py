"""The long-running processes (Procfile), the demo, the sandbox, the schema and users."""

from __future__ import annotations

import os
import signal
import sys
import threading

import click

from channelhub.commands.common import configure_logging, emit, setup


@click.command()
@click.option("--port", type=int, default=8000, show_default=True)
@click.option("--orders", type=int, default=60, show_default=True, help="Demo orders per channel.")
def demo(port: int, orders: int) -> None:
    """Everything in one process on the embedded default (SQLite, in-process broker, sandbox).

    \b
    Example: channelhub demo --port 8000
    """
    from channelhub.demo import run_demo

    configure_logging()
    run_demo(port=port, orders=orders)


@click.command()
@click.option("--port", type=int, default=None, help="Default: $PORT, else 8000.")
@click.option("--workers", "web_workers", type=int, default=2, show_default=True)
def web(port: int | None, web_workers: int) -> None:
    """The dashboard under gunicorn (production WSGI server).

    \b
    Example: PORT=8080 channelhub web
    """
    from channelhub.servers import serve_dashboard

    configure_logging()
    setup()
    serve_dashboard(port or int(os.environ.get("PORT", "8000")), web_workers)


@click.command()
@click.option("--processes", "-p", type=int, default=2, show_default=True)
@click.option("--threads", "-t", type=int, default=4, show_default=True)
@click.option(
    "--queues", "-Q", multiple=True, help="Only these queues (feeds_inbound, feeds_outbound)."
)
def worker(processes: int, threads: int, queues: tuple[str, ...]) -> None:
    """Dramatiq workers for the feed queues (needs BROKER_URL=amqp://...).

    \b
    Example: BROKER_URL=amqp://guest:guest@localhost:5672/%2F channelhub worker -p 2 -t 4
    """
    from workers.broker import broker_url

    if not broker_url().startswith(("amqp://", "amqps://")):
        raise click.ClickException(
            "`channelhub worker` needs a shared broker: set BROKER_URL=amqp://... "
            "(the in-process broker only works inside `channelhub demo`)"
        )
    setup()
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
    os.execv(sys.executable, args)  # noqa: S606 (this process becomes the worker)


@click.command()
@click.option("--poll-seconds", type=float, default=1.0, show_default=True)
@click.option("--batch-size", type=int, default=500, show_default=True)
def scheduler(poll_seconds: float, batch_size: int) -> None:
    """The scheduler loop: enqueues due feeds, re-sends, detects lost runs, mails digests.

    \b
    Example: channelhub scheduler --poll-seconds 1
    """
    from scheduler.loop import Scheduler

    configure_logging()
    setup()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    Scheduler(batch_size=batch_size).run_forever(stop, poll_seconds)


@click.command()
@click.option("--port", type=int, default=8100, show_default=True)
def sandbox(port: int) -> None:
    """Serve the channel simulators (each channel under /<channel>).

    \b
    Example: channelhub sandbox --port 8100
    """
    from sandbox.server import serve

    configure_logging()
    serve(port)


@click.group()
def db() -> None:
    """Database schema."""


@db.command("upgrade")
def db_upgrade() -> None:
    """Create or upgrade the schema (safe to run twice).

    \b
    Example: DATABASE_URL=postgresql://localhost/channelhub channelhub db upgrade
    """
    from models.db import database_url, redact_url

    setup(upgrade=True)
    click.echo(f"schema up to date ({redact_url(database_url())})")


@click.group()
def users() -> None:
    """Dashboard users."""


@users.command("add")
@click.argument("name")
@click.option("--role", type=click.Choice(["admin", "ops"]), required=True)
def users_add(name: str, role: str) -> None:
    """Add a user; the password is read from stdin.

    \b
    Example: echo 's3cret-pass' | channelhub users add alice --role ops
    """
    from models import User

    setup()
    password = sys.stdin.readline().rstrip("\r\n")
    if len(password) < 8:
        raise click.ClickException("the password (read from stdin) must have at least 8 characters")
    if User.select().where(User.username == name).exists():
        raise click.ClickException(f"user {name!r} already exists")
    user = User(username=name, role=role)
    user.set_password(password)
    user.save()
    click.echo(user.id)


@users.command("list")
@click.option("--json", "as_json", is_flag=True)
def users_list(as_json: bool) -> None:
    """List users (never their passwords).

    \b
    Example: channelhub users list --json
    """
    from models import User

    setup()
    rows = [
        {"id": u.id, "username": u.username, "role": u.role, "active": u.active}
        for u in User.select().order_by(User.username)
    ]
    if as_json:
        emit(rows)
        return
    for row in rows:
        click.echo(f"{row['id']:>4}  {row['username']:<20} {row['role']}")


COMMANDS = [demo, web, worker, scheduler, sandbox, db, users]
