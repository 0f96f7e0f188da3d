"""`channelhub feeds ...`: list, run now, schedule, enable/disable, next run times."""

from __future__ import annotations

import click

from channelhub.commands.common import emit, get_or_fail, setup, system_user


@click.group()
def feeds() -> None:
    """Feeds and their schedules."""


@feeds.command("list")
@click.option("--integration", "integration_id", type=int)
@click.option("--json", "as_json", is_flag=True)
def list_(integration_id: int | None, as_json: bool) -> None:
    """List feeds.

    \b
    Example: channelhub feeds list --integration 3 --json
    """
    from channelhub.serialize import feed_dict
    from models import Feed

    setup()
    query = Feed.select().order_by(Feed.id)
    if integration_id:
        query = query.where(Feed.integration == integration_id)
    rows = [feed_dict(f) for f in query]
    if as_json:
        emit(rows)
        return
    for row in rows:
        click.echo(
            f"{row['id']:>5}  integration {row['integration_id']:<4} {row['kind']:<26} "
            f"{row['schedule']:<22} next {row['next_run_at'] or '-'}"
            f"{'' if row['enabled'] else '  (disabled)'}"
        )


@feeds.command("run")
@click.argument("feed_id", type=int)
@click.option(
    "--force", is_flag=True, help="Also for feeds that refuse to repeat (initial stock import)."
)
def run(feed_id: int, force: bool) -> None:
    """Run a feed now ("Run now"); prints the execution id.

    \b
    Example: channelhub feeds run 12
    """
    from models import Feed
    from workers.dispatch import run_now

    setup()
    get_or_fail(Feed, feed_id, "feed")
    execution = run_now(feed_id, force=force)
    click.echo(execution.id)
    if execution.status == "skipped":
        click.echo(execution.summary, err=True)


@feeds.command("set")
@click.argument("feed_id", type=int)
@click.option("--schedule", "cron", help="A cron expression in UTC, e.g. '*/15 * * * *'.")
@click.option("--interval", "interval_seconds", type=int, help="Run every N seconds.")
def set_(feed_id: int, cron: str | None, interval_seconds: int | None) -> None:
    """Change a feed's schedule (cron in UTC, or an interval).

    \b
    Example: channelhub feeds set 12 --schedule '0 2 * * *'
             channelhub feeds set 12 --interval 900
    """
    from models import Feed
    from workers.configuration import set_feed_schedule
    from workers.provisioning import ProvisioningError

    setup()
    feed = get_or_fail(Feed, feed_id, "feed")
    try:
        set_feed_schedule(feed, cron=cron, interval_seconds=interval_seconds, actor=system_user())
    except ProvisioningError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(
        f"feed {feed.id}: {feed.schedule_text()}, next run {feed.next_run_at:%Y-%m-%d %H:%M:%S} UTC"
    )


def _enable(feed_id: int, enabled: bool) -> None:
    from models import Feed
    from workers.configuration import set_feed_enabled

    setup()
    feed = get_or_fail(Feed, feed_id, "feed")
    set_feed_enabled(feed, enabled, actor=system_user())
    click.echo(f"feed {feed.id} {'enabled' if enabled else 'disabled'}")


@feeds.command("enable")
@click.argument("feed_id", type=int)
def enable(feed_id: int) -> None:
    """Schedule the feed again.

    \b
    Example: channelhub feeds enable 12
    """
    _enable(feed_id, True)


@feeds.command("disable")
@click.argument("feed_id", type=int)
def disable(feed_id: int) -> None:
    """Stop scheduling the feed ("Run now" still works).

    \b
    Example: channelhub feeds disable 12
    """
    _enable(feed_id, False)


@feeds.command("next")
@click.argument("feed_id", type=int)
@click.option("--count", type=int, default=3, show_default=True)
@click.option("--json", "as_json", is_flag=True)
def next_(feed_id: int, count: int, as_json: bool) -> None:
    """The next run times of a feed (UTC).

    \b
    Example: channelhub feeds next 12 --count 5
    """
    from models import Feed
    from scheduler.schedules import upcoming

    setup()
    feed = get_or_fail(Feed, feed_id, "feed")
    times = [t.isoformat() for t in upcoming(feed, count=count)] if feed.enabled else []
    if as_json:
        emit(times)
        return
    if not times:
        click.echo("no scheduled runs (disabled or manual only)")
    for time in times:
        click.echo(time)


COMMANDS = [feeds]
