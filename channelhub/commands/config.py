"""`channelhub config export|import`: configuration in version control."""

from __future__ import annotations

import json
from pathlib import Path

import click

from channelhub.commands.common import emit, setup, system_user


@click.group()
def config() -> None:
    """Export and import configuration: integrations (no secrets), feeds, mappings, companies."""


@config.command("export")
def export() -> None:
    """Write the configuration as JSON on stdout (secrets left out).

    \b
    Example: channelhub config export > channelhub-config.json
    """
    from workers.config_io import export_config

    setup()
    emit(export_config())


@config.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_(path: Path) -> None:
    """Apply a configuration file idempotently and report what changed (all or nothing).

    \b
    Example: channelhub config import channelhub-config.json
    """
    from workers.config_io import ConfigInvalid, import_config

    setup()
    try:
        data = json.loads(path.read_text())
    except (ValueError, UnicodeDecodeError) as exc:
        raise click.ClickException(f"{path} is not JSON: {exc}") from None
    try:
        changes = import_config(data, actor=system_user())
    except ConfigInvalid as exc:
        raise click.ClickException(str(exc)) from None
    if not changes:
        click.echo("nothing changed")
    for line in changes:
        click.echo(line)


COMMANDS = [config]
