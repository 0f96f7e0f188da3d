"""The `channelhub` command: the Procfile processes, the demo, and admin/ops tasks.

Errors go to stderr as one line with a non-zero exit; `--json` prints JSON of whole
records on stdout. Admin changes are audited under the local system user's name.
"""

from __future__ import annotations

import click

from channelhub.commands import (
    catalogue,
    config,
    executions,
    feeds,
    integrations,
    orders,
    processes,
)


@click.group()
@click.version_option(package_name="channelhub")
def main() -> None:
    """channelhub: feeds between your OMS and your sales channels."""


for module in (processes, integrations, feeds, executions, orders, catalogue, config):
    for command in module.COMMANDS:
        main.add_command(command)


if __name__ == "__main__":
    main()
