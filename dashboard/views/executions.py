"""Feed executions: what ops look at first.

The list is one query however many rows it shows: the feed and integration are
joined up front (only the columns the page needs), the event counters are
columns of the execution itself, and no COUNT(*) runs over the table. It shows a
recent time window by default (DESIGN.md) and is ordered by `queued_at`, so every
filter is an index range bounded by the window rather than a walk of the history.
The search box takes an execution number or a record reference (a channel order
id, a SKU): exact matches on indexed columns, never `LIKE '%...%'`.
"""

from __future__ import annotations

import datetime as dt

from flask import request
from flask_admin.contrib.peewee import filters as pf
from markupsafe import Markup

from dashboard import formatting
from dashboard.ids import parse_id
from dashboard.queries import integration_options
from dashboard.views.base import ForeignKeyFilter, SecureModelView, choice_filter, link
from dashboard.views.execution_actions import ExecutionActionsMixin
from models import (
    ExecutionEvent,
    ExecutionStatus,
    Feed,
    FeedExecution,
    FeedKind,
    Integration,
    Order,
    OrderExecution,
    Trigger,
    utcnow,
)

WINDOWS = {
    "24h": ("last 24 hours", dt.timedelta(hours=24)),
    "7d": ("last 7 days", dt.timedelta(days=7)),
    "30d": ("last 30 days", dt.timedelta(days=30)),
    "all": ("all time", None),
}
DEFAULT_WINDOW = "24h"


def _integration_link(view, context, model, name) -> Markup:
    integration = model.integration
    return link("integration.details_view", integration.id, integration.name)


def _status(view, context, model, name) -> Markup:
    html = formatting.status_badge(model.status)
    if model.status == ExecutionStatus.RETRYING.value and model.next_attempt_at:
        html += Markup('<div class="small text-muted text-nowrap">next try {}</div>').format(
            formatting.utc(model.next_attempt_at, seconds=False)
        )
    return html


def _started(view, context, model, name) -> Markup:
    if model.started_at:
        return Markup('<span class="text-nowrap">{}</span>').format(
            formatting.utc(model.started_at)
        )
    return Markup(
        '<span class="text-muted text-nowrap" title="not started yet">queued {}</span>'
    ).format(formatting.utc(model.queued_at))


def _counters(view, context, model, name) -> Markup:
    return Markup(
        '<span title="seen / created / updated / skipped" class="text-nowrap">'
        "{} / {} / {} / {}</span>"
    ).format(model.seen, model.created, model.updated, model.skipped)


def _events(view, context, model, name) -> Markup:
    return formatting.event_badges(model.info_events, model.retry_events, model.error_events)


def _feed(view, context, model, name) -> Markup:
    return link("feed.details_view", model.feed_id, model.kind)


def _id(view, context, model, name) -> Markup:
    return link("feedexecution.details_view", model.id, model.id)


def search_condition(term: str):
    """An execution number, or executions about a record (event record_ref, touched order)."""
    number = term.removeprefix("#")
    if number.isascii() and number.isdigit():
        pk = parse_id(number)  # a number past any id matches nothing
        return FeedExecution.id == pk if pk is not None else FeedExecution.id.is_null()
    about = ExecutionEvent.select(ExecutionEvent.execution).where(ExecutionEvent.record_ref == term)
    touched = (
        OrderExecution.select(OrderExecution.execution)
        .join(Order, on=(OrderExecution.order == Order.id))
        .where(Order.channel_order_id == term)
    )
    # One IN over a UNION: the planner drives from the two small index lookups.
    return FeedExecution.id.in_(about | touched)


class FeedExecutionView(ExecutionActionsMixin, SecureModelView):
    """`/admin/feedexecution/`: every run of every feed, newest first, in a recent window."""

    prejoined = (Feed, Integration)
    list_template = "channelhub/execution_list.html"
    column_list = (
        "id",
        "kind",
        "integration",
        "trigger",
        "status",
        "attempt",
        "started_at",
        "duration",
        "counters",
        "events",
        "summary",
    )
    column_labels = {
        "id": "#",
        "kind": "Feed",
        "started_at": "Started",
        "counters": "Records",
        "events": "Events",
    }
    # "Started" sorts by queue time: the indexed column, and the order runs were asked for.
    column_sortable_list = (("started_at", "queued_at"),)
    column_default_sort = [("queued_at", True), ("id", True)]
    column_searchable_list = ("summary",)  # shows the box; the search is search_condition()
    column_formatters = {
        "id": _id,
        "kind": _feed,
        "integration": _integration_link,
        "status": _status,
        "attempt": lambda v, c, m, n: f"{m.attempt}/{m.max_attempts}",
        "started_at": _started,
        "duration": lambda v, c, m, n: formatting.duration(m.duration_seconds),
        "counters": _counters,
        "events": _events,
        "summary": lambda v, c, m, n: formatting.truncate(m.summary, 160),
    }
    column_filters = (
        choice_filter(FeedExecution.status, "Status", [s.value for s in ExecutionStatus]),
        ForeignKeyFilter(FeedExecution.integration, "Integration", integration_options),
        choice_filter(FeedExecution.kind, "Feed kind", [k.value for k in FeedKind]),
        choice_filter(FeedExecution.trigger, "Trigger", [t.value for t in Trigger]),
        pf.DateTimeBetweenFilter(FeedExecution.queued_at, "Queued (UTC)"),
        pf.DateTimeGreaterFilter(FeedExecution.queued_at, "Queued (UTC)"),
        pf.DateTimeSmallerFilter(FeedExecution.queued_at, "Queued (UTC)"),
    )
    details_template = "channelhub/execution_details.html"
    empty_message = "No feed has run yet. Feeds run on their schedule, or press Run now on Feeds."

    def search_placeholder(self) -> str:
        return "Execution # or record (order id, SKU)"

    def get_query(self):
        return (
            FeedExecution.select(
                FeedExecution,
                Feed.id,
                Feed.kind,
                Feed.direction,
                Integration.id,
                Integration.name,
                Integration.channel,
                Integration.mode,
            )
            .join(Feed, on=(FeedExecution.feed == Feed.id))
            .switch(FeedExecution)
            .join(Integration, on=(FeedExecution.integration == Integration.id))
            .switch(FeedExecution)
        )

    # -- the time window -------------------------------------------------------
    def window_key(self) -> str:
        key = request.args.get("window", DEFAULT_WINDOW)
        return key if key in WINDOWS else DEFAULT_WINDOW

    def window_state(self) -> dict:
        """What the list template says above the table: which window applies, and why not."""
        key = self.window_key()
        search = (request.args.get("search") or "").strip()
        dated = any(
            self._filters[idx].column is FeedExecution.queued_at
            for idx, _name, _value in (self._get_list_filter_args() or [])
        )
        if search:
            reason = "search covers all time"
        elif dated:
            reason = "the Queued filter sets the dates"
        else:
            reason = None
        return {
            "key": key,
            "label": WINDOWS[key][0],
            "applied": reason is None and WINDOWS[key][1] is not None,
            "reason": reason,
            "choices": [(k, label) for k, (label, _) in WINDOWS.items()],
        }

    def get_list(self, page, sort_column, sort_desc, search, filters, execute=True, page_size=None):
        count, query = super().get_list(
            page, sort_column, sort_desc, None, filters, execute=False, page_size=page_size
        )
        term = (search or "").strip()
        if term:
            query = query.where(search_condition(term))
        else:
            state = self.window_state()
            if state["applied"]:
                query = query.where(FeedExecution.queued_at >= utcnow() - WINDOWS[state["key"]][1])
        return count, list(query.execute()) if execute else query

    def list_url(self, **args) -> str:
        """This list with the current query string, some arguments replaced."""
        current = request.args.to_dict()
        current.pop("page", None)
        current.update(args)
        return self.get_url(".index_view", **{k: v for k, v in current.items() if v is not None})
