"""Every page: renders, has a title, loads nothing from the internet, shows the bell."""

from __future__ import annotations

import re

import pytest
from dash_support import (
    MIRAKL_VALUES,
    QueryCount,
    make_event,
    make_execution,
    make_line,
    make_order,
)

from models import Integration, utcnow
from workers.provisioning import create_integration

PAGES = [
    "/admin/",
    "/admin/feedexecution/",
    "/admin/executionevent/",
    "/admin/order/",
    "/admin/integration/",
    "/admin/integration/new/",
    "/admin/feed/",
    "/admin/user/",
    "/admin/user/new/",
    "/admin/auditlog/",
]


@pytest.fixture
def world(integration, feed):
    execution = make_execution(feed, status="failed", error_events=1)
    make_event(execution, "error", record_ref="MK-1")
    order = make_order(integration, "MK-1")
    make_line(order)
    return {"execution": execution, "order": order, "integration": integration, "feed": feed}


def detail_pages(world) -> list[str]:
    return [
        f"/admin/feedexecution/details/?id={world['execution'].id}",
        f"/admin/order/details/?id={world['order'].id}",
        f"/admin/integration/details/?id={world['integration'].id}",
        f"/admin/integration/edit/?id={world['integration'].id}",
        f"/admin/feed/details/?id={world['feed'].id}",
        f"/admin/feed/edit/?id={world['feed'].id}",
        "/admin/executionevent/details/?id=1",
    ]


def external_references(html: str) -> list[str]:
    refs = re.findall(r'(?:src|href)\s*=\s*"([^"]*)"', html)
    return [r for r in refs if re.match(r"^(?:[a-z]+:)?//", r, re.I)]


def test_every_page_renders_without_external_assets(admin_client, world):
    for path in PAGES + detail_pages(world):
        response = admin_client.get(path)
        html = response.get_data(as_text=True)
        assert response.status_code == 200, path
        assert external_references(html) == [], path
        assert re.search(r"<title>[^<]+ · channelhub</title>", html), path
        assert 'id="error-bell-count"' in html, path


def test_the_theme_uses_the_local_default_swatch(app):
    # Other Bootswatch swatches @import Google Fonts from the internet.
    assert app.extensions["admin"][0].theme.swatch == "default"


def test_empty_pages_say_so(admin_client, db):
    for path, text in [
        ("/admin/order/", "No orders imported yet."),
        ("/admin/integration/", "No integration yet."),
        ("/admin/feed/", "No feeds"),
        ("/admin/executionevent/", "No events recorded."),
        ("/admin/", "Feeds appear here once an admin adds an integration"),
    ]:
        assert text in admin_client.get(path).get_data(as_text=True), path


def test_the_bell_counts_unresolved_errors_only(ops_client, feed):
    execution = make_execution(feed, status="partial")
    make_event(execution, "error", record_ref="A")
    make_event(execution, "error", record_ref="B")
    make_event(execution, "error", record_ref="C", resolved_at=utcnow(), resolved_by="alice")
    make_event(execution, "retry", record_ref="D")
    make_event(execution, "info", record_ref="E")

    html = ops_client.get("/admin/order/").get_data(as_text=True)
    count = re.search(r'id="error-bell-count">(\d+)<', html).group(1)
    assert count == "2"
    assert 'badge-danger"\n              id="error-bell-count"' in html or "badge-danger" in html

    link = re.search(r'id="error-bell" href="([^"]+)"', html).group(1).replace("&amp;", "&")
    listed = ops_client.get(link).get_data(as_text=True)
    refs = re.findall(r'<td class="col-record_ref">\s*(\w+)\s*</td>', listed)
    assert sorted(refs) == ["A", "B"]


def test_unknown_pages_are_404_with_the_site_look(ops_client):
    response = ops_client.get("/admin/nothing-here/")

    assert response.status_code == 404
    assert "Not found" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "path", ["/admin/feed/", "/admin/integration/", "/admin/executionevent/", "/admin/auditlog/"]
)
def test_other_lists_do_not_query_per_row(admin_client, db, path):
    def measure(integrations: int) -> int:
        for _ in range(integrations):
            name = f"Shop {Integration.select().count()}"
            created = create_integration("mirakl", name, MIRAKL_VALUES)
            feed = created.feeds.first()
            make_event(make_execution(feed), "error")
        with QueryCount() as queries:
            assert admin_client.get(path).status_code == 200
        return queries.count

    assert measure(1) == measure(4)
