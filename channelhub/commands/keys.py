"""`channelhub keys ...`: the encryption key of stored credentials."""

from __future__ import annotations

import click

from channelhub.commands.common import setup


@click.group()
def keys() -> None:
    """The key that encrypts stored credentials."""


@keys.command("generate")
def generate() -> None:
    """Print a new key (Fernet, base64).

    \b
    Example: channelhub keys generate
    """
    from workers.keys import generate_key

    click.echo(generate_key())


@keys.command("rotate")
def rotate() -> None:
    """Re-encrypt every stored secret with the first key of CHANNELHUB_ENCRYPTION_KEY.

    Configure CHANNELHUB_ENCRYPTION_KEY=NEW,OLD on every process first (they read both),
    run this, then drop OLD. Feeds keep running meanwhile.

    \b
    Example: CHANNELHUB_ENCRYPTION_KEY="$NEW,$OLD" channelhub keys rotate
    """
    from workers.keys import rotate_all

    setup()
    rotated, failed = rotate_all()
    click.echo(f"{rotated} integration(s) re-encrypted with the new key")
    if failed:
        raise click.ClickException(
            f"{len(failed)} integration(s) could not be decrypted with any configured key: "
            f"{', '.join(map(str, failed))}"
        )


COMMANDS = [keys]
