"""Execution events across all runs, and the bell in the header.

The bell's count and its drop-down come from `dashboard.queries.bell()` (two
indexed statements per page). Resolving one event from the drop-down or from an
execution page goes through `workers.operations.resolve_events`, like the CLI.
"""

from __future__ import annotations

from flask import flash, get_template_attribute, jsonify, redirect, request, url_for
from flask_admin import expose
from flask_admin.contrib.peewee import filters as pf
from markupsafe import Markup

from dashboard import formatting
from dashboard.auth import actor_name, safe_next
from dashboard.queries import bell, integration_options
from dashboard.views.base import ForeignKeyFilter, SecureModelView, choice_filter, link
from models import ExecutionEvent, Integration, Severity
from workers.operations import resolve_events


def _execution_link(view, context, model, name) -> Markup:
    return link("feedexecution.details_view", model.execution_id, f"#{model.execution_id}")


def _integration_link(view, context, model, name) -> Markup:
    return link("integration.details_view", model.integration.id, model.integration.name)


def _resolved(view, context, model, name) -> Markup | str:
    if not model.resolved_at:
        return ""
    return Markup('{}<div class="small text-muted">{}</div>').format(
        formatting.utc(model.resolved_at), model.resolved_by or ""
    )


class ExecutionEventView(SecureModelView):
    """`/admin/executionevent/`: problems across all runs; the bell links here."""

    prejoined = (Integration,)
    column_list = (
        "id",
        "created_at",
        "execution",
        "integration",
        "severity",
        "code",
        "message",
        "record_ref",
        "resolved_at",
    )
    column_labels = {
        "id": "#",
        "created_at": "At",
        "record_ref": "Record",
        "resolved_at": "Resolved",
    }
    column_sortable_list = ("id",)
    column_formatters = {
        "execution": _execution_link,
        "integration": _integration_link,
        "severity": lambda v, c, m, n: formatting.severity_badge(m.severity),
        "message": lambda v, c, m, n: formatting.truncate(m.message, 200),
        "resolved_at": _resolved,
    }
    column_formatters_detail = {
        "execution": _execution_link,
        "integration": _integration_link,
        "severity": lambda v, c, m, n: formatting.severity_badge(m.severity),
    }
    column_details_exclude_list = ("fingerprint",)
    column_filters = (
        choice_filter(ExecutionEvent.severity, "Severity", [s.value for s in Severity]),
        pf.FilterEmpty(ExecutionEvent.resolved_at, "Resolved at"),
        ForeignKeyFilter(ExecutionEvent.integration, "Integration", integration_options),
        pf.FilterEqual(ExecutionEvent.code, "Code"),
        pf.FilterEqual(ExecutionEvent.record_ref, "Record"),
    )
    empty_message = "No events recorded."

    def get_query(self):
        return (
            ExecutionEvent.select(
                ExecutionEvent, Integration.id, Integration.name, Integration.channel
            )
            .join(Integration, on=(ExecutionEvent.integration == Integration.id))
            .switch(ExecutionEvent)
        )

    @expose("/resolve/<int:event_id>/", methods=("POST",))
    def resolve_view(self, event_id: int):
        """Resolve one error event (from the bell or an execution page); ops and admins."""
        back = safe_next(request.form.get("next"), url_for(".index_view"))
        event = ExecutionEvent.get_or_none(ExecutionEvent.id == event_id)
        if event is None:
            flash(f"Nothing changed: event #{event_id} does not exist.", "warning")
        elif event.severity != Severity.ERROR.value:
            # Only errors wait for a person; info and retry events have nothing to resolve.
            flash(f"Nothing changed: event #{event_id} is {event.severity}, not an error.", "info")
        elif resolve_events([event_id], actor=actor_name()):
            flash(f"Event #{event_id} marked resolved.", "success")
        else:
            flash(f"Event #{event_id} was already resolved.", "info")
        return redirect(back)

    @expose("/bell/")
    def bell_view(self):
        """The bell's count and drop-down as JSON, so an open page can refresh it."""
        current = bell()
        menu = get_template_attribute("channelhub/bell.html", "menu")
        return jsonify(
            count=current.count,
            label=current.label,
            title=current.title,
            menu=str(menu(current, request.args.get("next") or url_for("admin.index"))),
        )


def unresolved_errors_url() -> str:
    """The events list filtered the way the bell counts (see `queries.unresolved_errors`)."""
    return url_for(
        "executionevent.index_view",
        flt0_severity_equals=Severity.ERROR.value,
        flt1_resolved_at_empty="1",
    )
