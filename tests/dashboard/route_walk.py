"""Walking every route of the dashboard: URLs built from the app's url_map with real ids."""

from __future__ import annotations

from dataclasses import dataclass

from dash_support import make_event, make_execution, make_order, make_user
from flask import Flask, url_for
from werkzeug.routing import IntegerConverter

from models import AuditLog, Role


@dataclass(frozen=True)
class Route:
    endpoint: str
    method: str
    url: str

    def __str__(self) -> str:
        return f"{self.method} {self.url} ({self.endpoint})"


def make_rows(integration, feed) -> dict[str, int]:
    """One real row per kind of id a route takes (besides the fixtures' users)."""
    execution = make_execution(feed, status="failed", error_events=1)
    event = make_event(execution)
    order = make_order(integration)
    target = make_user("victor", Role.OPS)
    return {
        "integration": integration.id,
        "feed": feed.id,
        "feedexecution": execution.id,
        "executionevent": event.id,
        "order": order.id,
        "user": target.id,
        "auditlog": AuditLog.select().first().id,
    }


def _argument(name: str, rule, rows: dict[str, int]):
    values = {
        "feed_id": rows["feed"],
        "execution_id": rows["feedexecution"],
        "event_id": rows["executionevent"],
        "export_type": "csv",
        "filename": "channelhub.css",
    }
    if name in values:
        return values[name]
    return 1 if isinstance(rule._converters[name], IntegerConverter) else "x"


def all_routes(app: Flask, rows: dict[str, int]) -> list[Route]:
    """Every (endpoint, method) of the app, its URL built with ids of existing rows."""
    routes = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            args = {name: _argument(name, rule, rows) for name in rule.arguments}
            view = rule.endpoint.split(".", 1)[0]
            if view in rows and "id" not in args:
                args["id"] = rows[view]  # details/edit pages take the row as ?id=
            if rule.endpoint == "admin.static":
                args["filename"] = "bootstrap/bootstrap4/css/bootstrap.min.css"
            url = url_for(rule.endpoint, **args)
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                routes.append(Route(rule.endpoint, method, url))
    assert len(routes) > 50, "the url_map looks incomplete"
    return routes
