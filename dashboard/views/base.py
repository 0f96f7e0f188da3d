"""What every dashboard view shares: access rules, CSRF, cheap lists, live filter options.

Access is decided per view (`is_accessible`), never only by hiding menu items:
anyone can type a URL. Writes (create, edit, delete) are admin-only on every
view; reading is open to `ops` and `admin` unless a view says otherwise.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import peewee
from flask import abort, redirect, request, url_for
from flask_admin import AdminIndexView, expose
from flask_admin.contrib.peewee import ModelView
from flask_admin.contrib.peewee import filters as pf
from flask_login import current_user
from markupsafe import Markup

from dashboard import formatting
from dashboard.auth import has_role, is_admin
from dashboard.forms import SecureForm
from dashboard.ids import MAX_PAGE, parse_id
from dashboard.overview import overview
from models import Role

READ_ROLES = (Role.OPS.value, Role.ADMIN.value)
WRITE_VIEWS = frozenset({"create_view", "edit_view", "delete_view", "action_view", "ajax_update"})


class AccessMixin:
    """`is_accessible` by role; not logged in → the login page, logged in but not allowed → 403."""

    read_roles: tuple[str, ...] = READ_ROLES

    def is_accessible(self) -> bool:
        return has_role(*self.read_roles)

    def inaccessible_callback(self, name, **kwargs):
        if not current_user.is_authenticated:
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
        abort(403)


class HomeView(AccessMixin, AdminIndexView):
    """`/admin/`: the landing page: feed health per integration, and the last day in charts."""

    @expose("/")
    def index(self):
        return self.render("channelhub/home.html", overview=overview())


class SecureModelView(AccessMixin, ModelView):
    """Read-only for ops; the `admin_can_*` flags open writes to admins only."""

    form_base_class = SecureForm
    list_template = "channelhub/list.html"
    column_type_formatters = formatting.LIST_TYPE_FORMATTERS
    column_type_formatters_detail = formatting.DETAIL_TYPE_FORMATTERS
    column_display_pk = True
    column_default_sort = ("id", True)
    # Prev/next pager only: no COUNT(*) of a big table on every page.
    simple_list_pager = True
    page_size = 25
    can_set_page_size = False
    can_export = False
    can_view_details = True
    action_disallowed_list = ["delete"]
    named_filter_urls = True

    admin_can_create = False
    admin_can_edit = False
    admin_can_delete = False
    # Models already joined by `get_query()`; filters/sorts on them must not join again.
    prejoined: tuple[type[peewee.Model], ...] = ()
    empty_message = "Nothing here yet."

    @property
    def can_create(self) -> bool:
        return self.admin_can_create and is_admin()

    @property
    def can_edit(self) -> bool:
        return self.admin_can_edit and is_admin()

    @property
    def can_delete(self) -> bool:
        return self.admin_can_delete and is_admin()

    def _handle_view(self, name, **kwargs):
        if not self.is_accessible():
            return self.inaccessible_callback(name, **kwargs)
        if name in WRITE_VIEWS and not is_admin():
            abort(403)
        return None

    def _handle_join(self, query, field, joins):
        joins.update(model.__name__ for model in self.prejoined)
        return super()._handle_join(query, field, joins)

    def get_one(self, id):
        """Details and edit pages load the row with the same joins as the list."""
        pk = parse_id(id)
        if pk is None:
            return None
        return self.get_query().where(self.model._meta.primary_key == pk).first()

    def get_list(self, page, sort_column, sort_desc, search, filters, execute=True, page_size=None):
        """A page number from the URL stays within an OFFSET the database accepts."""
        page = min(max(page or 0, 0), MAX_PAGE)
        return super().get_list(
            page, sort_column, sort_desc, search, filters, execute=execute, page_size=page_size
        )

    def get_empty_list_message(self) -> str:
        if request.args.get("search") or any(k.startswith("flt") for k in request.args):
            return "Nothing matches this search or these filters."
        return self.empty_message

    def _get_filter_groups(self):
        """Filter drop-downs whose options come from the database are filled per request.

        Flask-Admin evaluates filter options once, when the view is created (before
        any request, possibly before the database is bound), and never again.
        """
        groups = super()._get_filter_groups()
        if not groups:
            return groups
        for items in groups.values():
            for item in items:
                flt = self._filters[item["index"]]
                if isinstance(flt, LiveOptionsMixin):
                    item["options"] = [(str(k), str(v)) for k, v in flt.live_options()]
        return groups


class LiveOptionsMixin:
    """A filter whose choices are read from the database on each list page."""

    options_loader: Callable[[], Iterable[tuple[str, str]]]

    def get_options(self, view):  # evaluated once at start-up by Flask-Admin: no query then
        return None

    def live_options(self) -> list[tuple[str, str]]:
        return list(self.options_loader())


class ForeignKeyFilter(LiveOptionsMixin, pf.IntEqualFilter):
    """Equality on a foreign key column, offered as a drop-down of the referenced rows.

    Flask-Admin cannot build filters for `ForeignKeyField` itself ("Unsupported
    filter type"), so the filter is declared explicitly on the column.
    """

    def __init__(self, column, name: str, options_loader) -> None:
        super().__init__(column, name)
        self.options_loader = options_loader

    def validate(self, value) -> bool:
        """An id the database can compare (Flask-Admin flashes "Invalid Filter Value" otherwise)."""
        return parse_id(value) is not None


def choice_filter(column, name: str, values: Iterable[str]) -> pf.FilterEqual:
    return pf.FilterEqual(column, name, options=[(v, v) for v in values])


def link(endpoint: str, pk, text) -> Markup:
    """A link to another view's details page (the text is escaped)."""
    return Markup('<a href="{}">{}</a>').format(url_for(endpoint, id=pk), text)
