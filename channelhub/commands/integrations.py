"""`channelhub integrations ...`: create, inspect, change, switch mode, check the connection."""

from __future__ import annotations

import click

from channelhub.commands.common import (
    emit,
    get_or_fail,
    parse_sets,
    read_secrets,
    setup,
    system_user,
    with_secret_options,
)
from channels.settings_spec import SettingsInvalid


def _invalid(exc: SettingsInvalid) -> click.ClickException:
    return click.ClickException(f"invalid settings: {exc}")


@click.group()
def integrations() -> None:
    """Sales-channel integrations."""


@integrations.command("add")
@click.option("--channel", required=True)
@click.option("--name", required=True)
@click.option("--mode", type=click.Choice(["test", "production"]), default="test")
@click.option("--company", "company_id", type=int, help="The retailer company it belongs to.")
@click.option("--set", "sets", multiple=True, help="A channel setting, KEY=VALUE (repeatable).")
@with_secret_options
def add(channel, name, mode, company_id, sets, secret_names, secret_files) -> None:
    """Create an integration and its default feeds; prints its id.

    \b
    Example:
      echo "$MIRAKL_KEY" | channelhub integrations add --channel mirakl --name "Decathlon FR" \\
          --set hostname=decathlon-fr.mirakl.net --set shop_id=2001 --secret api_key
    """
    from models import Company
    from workers.provisioning import ProvisioningError, create_integration

    setup()
    values = {**parse_sets(sets), **read_secrets(secret_names, secret_files)}
    company = get_or_fail(Company, company_id, "company") if company_id else None
    try:
        integration = create_integration(
            channel, name, values, mode=mode, company=company, actor=system_user()
        )
    except SettingsInvalid as exc:
        raise _invalid(exc) from None
    except ProvisioningError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(integration.id)


@integrations.command("list")
@click.option("--json", "as_json", is_flag=True)
def list_(as_json: bool) -> None:
    """List integrations (secrets only by name).

    \b
    Example: channelhub integrations list --json
    """
    from channelhub.serialize import integration_dict
    from models import Integration

    setup()
    rows = [integration_dict(i) for i in Integration.select().order_by(Integration.id)]
    if as_json:
        emit(rows)
        return
    for row in rows:
        state = "enabled" if row["enabled"] else "disabled"
        paused = f"  PAUSED: {row['paused_reason']}" if row["paused_reason"] else ""
        click.echo(
            f"{row['id']:>4}  {row['channel']:<14} {row['name']:<30} "
            f"{row['mode']:<10} {state}{paused}"
        )


@integrations.command("show")
@click.argument("integration_id", type=int)
@click.option("--json", "as_json", is_flag=True)
def show(integration_id: int, as_json: bool) -> None:
    """One integration with its feeds.

    \b
    Example: channelhub integrations show 3 --json
    """
    from channelhub.serialize import feed_dict, integration_dict
    from models import Feed, Integration

    setup()
    integration = get_or_fail(Integration, integration_id, "integration")
    data = integration_dict(integration)
    data["secrets_set_at"] = integration.secrets_set_at
    data["feeds"] = [feed_dict(f) for f in Feed.select().where(Feed.integration == integration.id)]
    if as_json:
        emit(data)
        return
    for key, value in data.items():
        if key != "feeds":
            click.echo(f"{key}: {value}")
    for feed in data["feeds"]:
        click.echo(
            f"  feed {feed['id']}: {feed['kind']} {feed['schedule']} next {feed['next_run_at']}"
        )


@integrations.command("set")
@click.argument("integration_id", type=int)
@click.option("--set", "sets", multiple=True, help="A channel setting, KEY=VALUE (repeatable).")
@with_secret_options
def set_(integration_id: int, sets, secret_names, secret_files) -> None:
    """Change settings; secrets come from stdin or files and are never echoed.

    \b
    Example: channelhub integrations set 3 --set shop_id=2002
             channelhub integrations set 3 --secret-file api_key=/run/secrets/mirakl
    """
    from models import Integration
    from workers.provisioning import update_integration

    setup()
    integration = get_or_fail(Integration, integration_id, "integration")
    values = {**parse_sets(sets), **read_secrets(secret_names, secret_files)}
    if not values:
        raise click.ClickException(
            "nothing to change: give --set KEY=VALUE, --secret or --secret-file"
        )
    try:
        changed = update_integration(integration, values, actor=system_user())
    except SettingsInvalid as exc:
        raise _invalid(exc) from None
    click.echo(f"changed: {', '.join(changed)}" if changed else "nothing changed")


@integrations.command("mode")
@click.argument("integration_id", type=int)
@click.argument("mode", type=click.Choice(["test", "production"]))
def mode(integration_id: int, mode: str) -> None:
    """Switch between test mode (nothing sent to the channel) and production.

    \b
    Example: channelhub integrations mode 3 production
    """
    from models import Integration
    from workers.provisioning import set_mode

    setup()
    integration = get_or_fail(Integration, integration_id, "integration")
    changed = set_mode(integration, mode, actor=system_user())
    click.echo(
        f"integration {integration.id} is in {mode} mode" + ("" if changed else " (unchanged)")
    )


def _enable(integration_id: int, enabled: bool) -> None:
    from models import Integration
    from workers.configuration import set_integration_enabled

    setup()
    integration = get_or_fail(Integration, integration_id, "integration")
    set_integration_enabled(integration, enabled, actor=system_user())
    click.echo(f"integration {integration.id} {'enabled' if enabled else 'disabled'}")


@integrations.command("enable")
@click.argument("integration_id", type=int)
def enable(integration_id: int) -> None:
    """Let the integration's feeds run.

    \b
    Example: channelhub integrations enable 3
    """
    _enable(integration_id, True)


@integrations.command("disable")
@click.argument("integration_id", type=int)
def disable(integration_id: int) -> None:
    """Stop scheduling the integration's feeds.

    \b
    Example: channelhub integrations disable 3
    """
    _enable(integration_id, False)


@integrations.command("check")
@click.argument("integration_id", type=int)
def check(integration_id: int) -> None:
    """Test the connection with the stored credentials and say what is wrong in words.

    \b
    Example: channelhub integrations check 3
    """
    from channels.errors import ChannelProblem, NotSupported
    from channels.registry import connector_class
    from models import Integration
    from models.crypto import CredentialsUnreadable

    setup()
    integration = get_or_fail(Integration, integration_id, "integration")
    try:
        with connector_class(integration.channel)(
            integration.settings or {}, integration.get_secrets()
        ) as connector:
            result = connector.check()
    except ChannelProblem as problem:
        raise click.ClickException(f"{problem.severity}: {problem.message}") from None
    except (NotSupported, CredentialsUnreadable) as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"ok: {result}")


COMMANDS = [integrations]
