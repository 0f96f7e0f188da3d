"""The Flask-Admin instance and its views, in menu order.

Endpoints are given explicitly: templates and tests link to them by name
(`feedexecution.details_view`, `feed.run_now_view`, ...), so a renamed class
must not silently change a URL.
"""

from __future__ import annotations

from flask import Flask
from flask_admin import Admin
from flask_admin.theme import Bootstrap4Theme

from dashboard.security_headers import csp_nonce
from dashboard.views.base import HomeView
from dashboard.views.events import ExecutionEventView, unresolved_errors_url
from dashboard.views.executions import FeedExecutionView
from dashboard.views.feeds import FeedView, run_now_button
from dashboard.views.integrations import IntegrationView
from dashboard.views.orders import OrderView
from dashboard.views.users import AuditLogView, UserView
from models import AuditLog, ExecutionEvent, Feed, FeedExecution, Integration, Order, User

ADMIN_CATEGORY = "Admin"


def init_admin(app: Flask) -> Admin:
    admin = Admin(
        app,
        name="channelhub",
        url="/admin",
        theme=Bootstrap4Theme(base_template="channelhub/base.html", fluid=True),
        index_view=HomeView(
            name="Overview", url="/admin", menu_icon_type="fa", menu_icon_value="fa-dashboard"
        ),
        # Every <script> Flask-Admin writes carries this request's nonce (the CSP allows it).
        csp_nonce_generator=csp_nonce,
    )
    admin.add_view(
        FeedExecutionView(
            FeedExecution,
            name="Executions",
            endpoint="feedexecution",
            menu_icon_type="fa",
            menu_icon_value="fa-tasks",
        )
    )
    admin.add_view(
        ExecutionEventView(
            ExecutionEvent,
            name="Events",
            endpoint="executionevent",
            menu_icon_type="fa",
            menu_icon_value="fa-exclamation-triangle",
        )
    )
    admin.add_view(
        OrderView(
            Order,
            name="Orders",
            endpoint="order",
            menu_icon_type="fa",
            menu_icon_value="fa-shopping-cart",
        )
    )
    admin.add_view(
        IntegrationView(
            Integration,
            name="Integrations",
            endpoint="integration",
            menu_icon_type="fa",
            menu_icon_value="fa-plug",
        )
    )
    admin.add_view(
        FeedView(
            Feed, name="Feeds", endpoint="feed", menu_icon_type="fa", menu_icon_value="fa-refresh"
        )
    )
    admin.add_view(UserView(User, name="Users", endpoint="user", category=ADMIN_CATEGORY))
    admin.add_view(
        AuditLogView(AuditLog, name="Audit log", endpoint="auditlog", category=ADMIN_CATEGORY)
    )
    app.jinja_env.globals.update(
        unresolved_errors_url=unresolved_errors_url, run_now_button=run_now_button
    )
    return admin
