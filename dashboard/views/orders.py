"""Orders as the OMS holds them: read-only, with lines and the runs that touched them.

The list selects only the columns it shows: orders carry several JSON documents
(buyer, addresses, attributes, confirmation) that a list of 25 rows does not need.
It is newest first by id; the status and integration filters have (column, id)
indexes (migration 0004), and the search box is `dashboard.search.order_search`.
"""

from __future__ import annotations

from flask_admin.contrib.peewee import filters as pf
from markupsafe import Markup

from dashboard import formatting
from dashboard.ids import parse_id
from dashboard.queries import integration_options
from dashboard.search import order_search
from dashboard.views.base import ForeignKeyFilter, SecureModelView, choice_filter, link
from models import FeedExecution, Integration, Order, OrderExecution, OrderLine, OrderStatus

LIST_FIELDS = (
    Order.id,
    Order.integration,
    Order.channel_order_id,
    Order.status,
    Order.channel_status,
    Order.placed_at,
    Order.imported_at,
    Order.dispatched_at,
    Order.shipped_at,
)


def _integration(view, context, model, name) -> Markup:
    return link("integration.details_view", model.integration.id, model.integration.name)


def _status(view, context, model, name) -> Markup:
    return formatting.order_badge(model.status)


class OrderView(SecureModelView):
    """`/admin/order/`: search by the channel's order id, filter by status and integration."""

    prejoined = (Integration,)
    column_list = (
        "id",
        "integration",
        "channel",
        "channel_order_id",
        "status",
        "channel_status",
        "placed_at",
        "imported_at",
        "dispatched_at",
        "shipped_at",
    )
    column_labels = {
        "id": "#",
        "channel_order_id": "Channel order id",
        "channel_status": "Channel status",
        "placed_at": "Placed",
        "imported_at": "Imported",
        "dispatched_at": "Dispatched",
        "shipped_at": "Shipped",
    }
    column_sortable_list = ("id", "imported_at")
    # Shows the search box; the search itself is the exact, indexed match in get_list().
    column_searchable_list = ("channel_order_id",)
    column_formatters = {
        "id": lambda v, c, m, n: link("order.details_view", m.id, m.id),
        "integration": _integration,
        "channel": lambda v, c, m, n: m.integration.channel,
        "channel_order_id": lambda v, c, m, n: link("order.details_view", m.id, m.channel_order_id),
        "status": _status,
    }
    column_filters = (
        choice_filter(Order.status, "Status", [s.value for s in OrderStatus]),
        ForeignKeyFilter(Order.integration, "Integration", integration_options),
        pf.DateTimeBetweenFilter(Order.imported_at, "Imported (UTC)"),
        pf.DateTimeBetweenFilter(Order.placed_at, "Placed (UTC)"),
    )
    details_template = "channelhub/order_details.html"
    empty_message = "No orders imported yet."

    def search_placeholder(self) -> str:
        return "Channel order id (or part of it)"

    def get_list(self, page, sort_column, sort_desc, search, filters, execute=True, page_size=None):
        """The search is `order_search()`, answered by an index (see dashboard/search.py)."""
        count, query = super().get_list(
            page, sort_column, sort_desc, None, filters, execute=False, page_size=page_size
        )
        condition = order_search(search or "")
        if condition is not None:
            query = query.where(condition)
        return count, list(query.execute()) if execute else query

    def get_query(self):
        return (
            Order.select(*LIST_FIELDS, Integration.id, Integration.name, Integration.channel)
            .join(Integration, on=(Order.integration == Integration.id))
            .switch(Order)
        )

    def get_one(self, id):
        """The details page needs every column, unlike the list."""
        pk = parse_id(id)
        if pk is None:
            return None
        return (
            Order.select(Order, Integration.id, Integration.name, Integration.channel)
            .join(Integration, on=(Order.integration == Integration.id))
            .where(Order.id == pk)
            .first()
        )

    def lines_of(self, order: Order) -> list[OrderLine]:
        return list(
            OrderLine.select().where(OrderLine.order == order.id).order_by(OrderLine.line_number)
        )

    def executions_of(self, order: Order) -> list[OrderExecution]:
        return list(
            OrderExecution.select(
                OrderExecution,
                FeedExecution.id,
                FeedExecution.kind,
                FeedExecution.trigger,
                FeedExecution.status,
                FeedExecution.queued_at,
            )
            .join(FeedExecution, on=(OrderExecution.execution == FeedExecution.id))
            .where(OrderExecution.order == order.id)
            .order_by(FeedExecution.id.desc(), OrderExecution.id)
        )
