"""`channelhub orders ...`: list, show, dispatch (what the warehouse does)."""

from __future__ import annotations

import click

from channelhub.commands.common import emit, get_or_fail, setup, system_user


@click.group()
def orders() -> None:
    """OMS orders."""


@orders.command("list")
@click.option("--integration", "integration_id", type=int)
@click.option("--status")
@click.option("--limit", type=int, default=None, help="At most this many (newest last).")
@click.option("--json", "as_json", is_flag=True)
def list_(integration_id: int | None, status: str | None, limit: int | None, as_json: bool) -> None:
    """List orders with their lines.

    \b
    Example: channelhub orders list --integration 3 --status new --json
    """
    from peewee import prefetch

    from channelhub.serialize import order_dict
    from models import Order, OrderLine

    setup()
    query = Order.select().order_by(Order.id)
    if integration_id:
        query = query.where(Order.integration == integration_id)
    if status:
        query = query.where(Order.status == status)
    if limit:
        query = query.limit(limit)
    rows = [order_dict(o, o.lines) for o in prefetch(query, OrderLine)]
    if as_json:
        emit(rows)
        return
    for row in rows:
        click.echo(
            f"{row['id']:>6}  {row['channel_order_id']:<20} {row['status']:<10} "
            f"{len(row['lines'])} line(s)  {row['shipping_address'].get('city', '')}"
        )


@orders.command("show")
@click.argument("order_id", type=int)
@click.option("--json", "as_json", is_flag=True)
def show(order_id: int, as_json: bool) -> None:
    """One order with its lines, address, attributes and the executions that touched it.

    \b
    Example: channelhub orders show 42 --json
    """
    from channelhub.serialize import order_dict
    from models import Order, OrderExecution

    setup()
    order = get_or_fail(Order, order_id, "order")
    data = order_dict(order)
    data["executions"] = [
        {"execution_id": t.execution_id, "action": t.action}
        for t in OrderExecution.select()
        .where(OrderExecution.order == order.id)
        .order_by(OrderExecution.id)
    ]
    if as_json:
        emit(data)
        return
    for key, value in data.items():
        click.echo(f"{key}: {value}")


@orders.command("dispatch")
@click.argument("order_id", type=int)
@click.option("--carrier")
@click.option("--tracking")
def dispatch(order_id: int, carrier: str | None, tracking: str | None) -> None:
    """Mark an order dispatched (what the warehouse does); shipment confirmation picks it up.

    \b
    Example: channelhub orders dispatch 42 --carrier Colissimo --tracking 6A12345678901
    """
    from workers.warehouse import DispatchRefused, dispatch_order

    setup()
    try:
        dispatch_order(order_id, carrier=carrier, tracking_number=tracking, actor=system_user())
    except DispatchRefused as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"order {order_id} dispatched")


COMMANDS = [orders]
