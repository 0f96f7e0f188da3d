"""What every command shares: database set-up, JSON output, the acting user, secret input."""

from __future__ import annotations

import getpass
import json
import logging
import sys
from pathlib import Path
from typing import Any

import click
import peewee


def setup(upgrade: bool = False) -> None:
    """Bind the database; refuse to work on a schema that is not up to date."""
    from models import init_database
    from models.schema import pending
    from models.schema import upgrade as run_upgrade

    init_database()
    try:
        if upgrade:
            run_upgrade()
            return
        waiting = pending()
    except peewee.OperationalError as exc:
        raise click.ClickException(f"cannot reach the database: {str(exc).strip()}") from None
    if waiting:
        raise click.ClickException(
            f"the database schema is not up to date ({len(waiting)} migration(s) pending): "
            "run `channelhub db upgrade`"
        )


def emit(records: list[dict[str, Any]] | dict[str, Any]) -> None:
    click.echo(json.dumps(records, indent=2, ensure_ascii=False, default=str))


def configure_logging(level: int = logging.INFO) -> None:
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")


def system_user() -> str:
    """Changes made from the command line are audited under the local system user's name."""
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli:unknown"


def parse_sets(pairs: tuple[str, ...]) -> dict[str, str]:
    values = {}
    for pair in pairs:
        if "=" not in pair:
            raise click.ClickException(f"--set takes KEY=VALUE, got {pair!r}")
        key, value = pair.split("=", 1)
        values[key.strip()] = value
    return values


def read_secrets(names: tuple[str, ...], files: tuple[str, ...]) -> dict[str, str]:
    """Secrets from stdin (one line per `--secret NAME`, in order) or from files; never echoed."""
    secrets: dict[str, str] = {}
    for name in names:
        line = sys.stdin.readline()
        if not line:
            raise click.ClickException(f"no value on stdin for secret {name!r}")
        secrets[name] = line.rstrip("\r\n")
    for item in files:
        if "=" not in item:
            raise click.ClickException(f"--secret-file takes NAME=PATH, got {item!r}")
        name, path = item.split("=", 1)
        try:
            secrets[name.strip()] = Path(path).read_text().strip()
        except OSError as exc:
            raise click.ClickException(
                f"cannot read the secret file for {name}: {exc.strerror}"
            ) from None
    return secrets


def get_or_fail(model, record_id: int, label: str):
    record = model.get_or_none(model.id == record_id)
    if record is None:
        raise click.ClickException(f"no {label} with id {record_id}")
    return record


secret_options = [
    click.option(
        "--secret",
        "secret_names",
        multiple=True,
        metavar="NAME",
        help="A secret setting whose value is read from stdin (one line each, in order).",
    ),
    click.option(
        "--secret-file",
        "secret_files",
        multiple=True,
        metavar="NAME=PATH",
        help="A secret setting read from a file.",
    ),
]


def with_secret_options(func):
    for option in reversed(secret_options):
        func = option(func)
    return func
