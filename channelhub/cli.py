"""The `channelhub` command: the Procfile processes, the demo, and admin/ops tasks.

Errors go to stderr as one line with a non-zero exit; `--json` prints JSON of whole
records on stdout. Admin changes are audited under the local system user's name.
"""

from __future__ import annotations

import sys

import click

from channelhub import __version__
from channelhub.commands import (
    catalogue,
    config,
    executions,
    feeds,
    integrations,
    keys,
    orders,
    processes,
)


@click.group()
@click.version_option(version=__version__, prog_name="channelhub")
def main() -> None:
    """channelhub: feeds between your OMS and your sales channels."""


for module in (processes, integrations, feeds, executions, orders, catalogue, config, keys):
    for command in module.COMMANDS:
        main.add_command(command)


def run(argv: list[str] | None = None) -> None:
    """Entry point: any error is one line on stderr and a non-zero exit."""
    try:
        code = main.main(args=argv, prog_name="channelhub", standalone_mode=False)
    except click.UsageError as exc:
        where = f" (see {exc.ctx.command_path} --help)" if exc.ctx else ""
        click.echo(f"error: {exc.format_message()}{where}", err=True)
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        click.echo(f"error: {exc.format_message()}", err=True)
        sys.exit(exc.exit_code)
    except click.Abort:
        click.echo("error: aborted", err=True)
        sys.exit(1)
    sys.exit(code if isinstance(code, int) else 0)


if __name__ == "__main__":
    run()
