"""`channelhub executions ...` and `channelhub events ...`: what ops look at and act on."""

from __future__ import annotations

import click

from channelhub.commands.common import emit, get_or_fail, setup, system_user


@click.group()
def executions() -> None:
    """Feed executions."""


@executions.command("list")
@click.option("--feed", "feed_id", type=int)
@click.option("--status")
@click.option("--limit", type=int, default=200, show_default=True)
@click.option("--json", "as_json", is_flag=True)
def list_(feed_id: int | None, status: str | None, limit: int, as_json: bool) -> None:
    """List executions, newest first.

    \b
    Example: channelhub executions list --status failed --json
    """
    from channelhub.serialize import execution_dict
    from models import ExecutionStatus, FeedExecution

    setup()
    query = FeedExecution.select().order_by(FeedExecution.id.desc()).limit(limit)
    if feed_id:
        query = query.where(FeedExecution.feed == feed_id)
    if status:
        known = [s.value for s in ExecutionStatus]
        if status not in known:
            raise click.ClickException(f"unknown status {status!r} (one of: {', '.join(known)})")
        query = query.where(FeedExecution.status == status)
    rows = [execution_dict(e) for e in query]
    if as_json:
        emit(rows)
        return
    for row in rows:
        click.echo(
            f"{row['id']:>6}  feed {row['feed_id']:<4} {row['kind']:<22} {row['status']:<10} "
            f"attempt {row['attempt']}/{row['max_attempts']}  {row['summary'][:90]}"
        )


@executions.command("show")
@click.argument("execution_id", type=int)
@click.option("--json", "as_json", is_flag=True)
def show(execution_id: int, as_json: bool) -> None:
    """One execution with its events and attempts.

    \b
    Example: channelhub executions show 881 --json
    """
    from channelhub.serialize import execution_dict
    from models import FeedExecution

    setup()
    data = execution_dict(get_or_fail(FeedExecution, execution_id, "execution"), with_events=True)
    if as_json:
        emit(data)
        return
    click.echo(
        f"#{data['id']} {data['kind']} {data['status']} "
        f"attempt {data['attempt']}/{data['max_attempts']}"
    )
    click.echo(data["summary"])
    for attempt in data["attempts"]:
        click.echo(
            f"  attempt {attempt['number']}: {attempt['outcome']} {attempt['message'][:100]}"
        )
    for event in data["events"]:
        ref = f" [{event['record_ref']}]" if event["record_ref"] else ""
        click.echo(f"  {event['severity']:<5} {event['code']}{ref}: {event['message'][:140]}")


@executions.command("retry")
@click.argument("execution_id", type=int)
def retry(execution_id: int) -> None:
    """Retry now: a waiting retry is sent at once; a failed or lost run gets a new execution.

    \b
    Example: channelhub executions retry 881
    """
    from workers.operations import OperationRefused, retry_execution

    setup()
    try:
        execution = retry_execution(execution_id, actor=system_user())
    except OperationRefused as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(execution.id)


@executions.command("give-up")
@click.argument("execution_id", type=int)
def give_up(execution_id: int) -> None:
    """Stop retrying an execution (it becomes failed).

    \b
    Example: channelhub executions give-up 881
    """
    from workers.operations import OperationRefused
    from workers.operations import give_up as stop

    setup()
    try:
        stop(execution_id, actor=system_user())
    except OperationRefused as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"execution {execution_id} given up")


@click.group()
def events() -> None:
    """Execution events (info, retry, error)."""


@events.command("list")
@click.option("--unresolved", is_flag=True, help="Only error events nobody resolved yet.")
@click.option("--severity", type=click.Choice(["info", "retry", "error"]))
@click.option("--integration", "integration_id", type=int)
@click.option("--limit", type=int, default=200, show_default=True)
@click.option("--json", "as_json", is_flag=True)
def events_list(unresolved, severity, integration_id, limit, as_json) -> None:
    """List events, newest first.

    \b
    Example: channelhub events list --unresolved --severity error --json
    """
    from channelhub.serialize import event_dict
    from models import ExecutionEvent

    setup()
    query = ExecutionEvent.select().order_by(ExecutionEvent.id.desc()).limit(limit)
    if unresolved:
        query = query.where(
            ExecutionEvent.resolved_at.is_null() & (ExecutionEvent.severity == "error")
        )
    if severity:
        query = query.where(ExecutionEvent.severity == severity)
    if integration_id:
        query = query.where(ExecutionEvent.integration == integration_id)
    rows = [{**event_dict(e), "execution_id": e.execution_id} for e in query]
    if as_json:
        emit(rows)
        return
    for row in rows:
        ref = f" [{row['record_ref']}]" if row["record_ref"] else ""
        click.echo(
            f"{row['id']:>7}  #{row['execution_id']:<6} {row['severity']:<5} "
            f"{row['code']}{ref}: {row['message'][:110]}"
        )


@events.command("resolve")
@click.argument("event_ids", type=int, nargs=-1)
@click.option(
    "--execution", "execution_id", type=int, help="All unresolved errors of an execution."
)
def resolve(event_ids: tuple[int, ...], execution_id: int | None) -> None:
    """Mark error events resolved (they leave the bell).

    \b
    Example: channelhub events resolve 5512 5513
             channelhub events resolve --execution 881
    """
    from models import ExecutionEvent, FeedExecution
    from workers.operations import resolve_events, resolve_execution

    setup()
    if not event_ids and not execution_id:
        raise click.ClickException("give event ids or --execution ID")
    if execution_id:
        get_or_fail(FeedExecution, execution_id, "execution")
        changed = resolve_execution(execution_id, actor=system_user())
    else:
        known = {
            e.id
            for e in ExecutionEvent.select(ExecutionEvent.id).where(
                ExecutionEvent.id.in_(event_ids)
            )
        }
        missing = sorted(set(event_ids) - known)
        if missing:
            raise click.ClickException(f"no event with id {', '.join(map(str, missing))}")
        changed = resolve_events(list(event_ids), actor=system_user())
    click.echo(f"{changed} event(s) resolved")


COMMANDS = [executions, events]
