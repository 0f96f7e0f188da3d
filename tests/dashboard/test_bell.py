"""The bell: the unresolved error count on every page, its drop-down, resolving from it."""

from __future__ import annotations

import re

from dash_support import make_event, make_execution, page_csrf

from dashboard import queries


def test_the_dropdown_lists_the_latest_errors_with_links_to_their_run(ops_client, feed):
    execution = make_execution(feed, status="partial")
    older = make_event(execution, "error", code="old_one", message="first problem")
    newer = make_event(execution, "error", code="new_one", message="<b>second</b> problem")

    html = ops_client.get("/admin/order/").get_data(as_text=True)

    menu = html.split('id="error-bell-menu"', 1)[1].split("</li>", 1)[0]
    assert menu.index("new_one") < menu.index("old_one")
    assert f"/admin/feedexecution/details/?id={execution.id}#event-{newer.id}" in menu
    assert f"/admin/executionevent/resolve/{older.id}/" in menu
    assert "&lt;b&gt;second&lt;/b&gt; problem" in menu
    assert "All unresolved errors" in menu


def test_resolving_from_the_bell_clears_it_and_returns_to_the_page(ops_client, feed):
    event = make_event(make_execution(feed, status="partial"), "error")

    response = ops_client.post(
        f"/admin/executionevent/resolve/{event.id}/",
        data={"csrf_token": page_csrf(ops_client), "next": "/admin/order/"},
    )

    assert response.location == "/admin/order/"
    html = ops_client.get("/admin/order/").get_data(as_text=True)
    assert re.search(r'id="error-bell-count">0<', html)
    assert "Nothing needs a person right now." in html


def test_bell_json_for_pages_kept_open(ops_client, feed):
    make_event(make_execution(feed, status="partial"), "error", code="missing_sku")

    data = ops_client.get("/admin/executionevent/bell/?next=/admin/").get_json()

    assert (data["count"], data["label"], data["title"]) == (1, "1", "1 unresolved error")
    assert "missing_sku" in data["menu"] and 'value="/admin/"' in data["menu"]


def test_the_count_is_capped(ops_client, feed, monkeypatch):
    monkeypatch.setattr(queries, "BELL_CAP", 2)
    execution = make_execution(feed, status="partial")
    for _ in range(4):
        make_event(execution, "error")

    html = ops_client.get("/admin/order/").get_data(as_text=True)

    assert re.search(r'id="error-bell-count">2\+<', html)
