"""Bad query strings and ids never end as a server error, on SQLite and on PostgreSQL.

Numbers past what an id column holds, page numbers past any OFFSET, digits that are
digits only to `str.isdigit()`, filter values that are not ids: each is a page with
nothing found, a flash, a redirect to the list, or a 404, never a 500.
"""

from __future__ import annotations

import pytest
from channel_values import valid_values
from dash_support import make_execution, page_csrf
from form_checks import postgres_admin_client

from models import Feed
from workers.provisioning import create_integration

HUGE = "9" * 30
PAST_SERIAL = str(2**31)  # fits SQLite's integers, not PostgreSQL's serial
BAD_QUERIES = [
    f"/admin/feedexecution/?search={HUGE}",
    f"/admin/feedexecution/?search=%23{PAST_SERIAL}",
    "/admin/feedexecution/?search=%C2%B2",  # a digit to str.isdigit(), not to int()
    f"/admin/feedexecution/?page={HUGE}",
    "/admin/feedexecution/?page=-3",
    "/admin/feedexecution/?window=forever&sort=99",
    f"/admin/feedexecution/?flt0_integration_equals={HUGE}",
    "/admin/feedexecution/?flt0_queued_at_between=garbage",
    f"/admin/feedexecution/live/1/?after={HUGE}",
    f"/admin/feedexecution/details/?id={PAST_SERIAL}",
    f"/admin/feedexecution/details/?id=1&after={HUGE}",
    "/admin/feedexecution/details/?id=1&severity=bogus",
    f"/admin/executionevent/?flt2_integration_equals={PAST_SERIAL}",
    f"/admin/order/?flt0_integration_equals={HUGE}",
    f"/admin/order/?search={'x' * 5000}",
    f"/admin/order/details/?id={HUGE}",
    f"/admin/feed/?flt0_integration_equals={HUGE}",
    f"/admin/feed/preview/?interval={HUGE}",
    f"/admin/feed/edit/?id={HUGE}",
    f"/admin/integration/details/?id={PAST_SERIAL}",
    f"/admin/integration/edit/?id={HUGE}",
    f"/admin/user/edit/?id={HUGE}",
    "/admin/auditlog/?flt0_at_between=not-a-date",
]
BAD_PATHS = [
    f"/admin/feedexecution/live/{HUGE}/",
    f"/admin/feedexecution/retry/{PAST_SERIAL}/",
    f"/admin/feedexecution/give-up/{HUGE}/",
    f"/admin/feedexecution/resolve/{HUGE}/",
    f"/admin/executionevent/resolve/{PAST_SERIAL}/",
    f"/admin/feed/run/{HUGE}/",
    f"/admin/feed/enabled/{PAST_SERIAL}/",
]


def check_bad_queries(client) -> None:
    token = page_csrf(client)
    for url in BAD_QUERIES:
        assert client.get(url).status_code in (200, 302), url
    for url in BAD_PATHS:
        method = client.get if "/live/" in url else client.post
        assert method(url, data={"csrf_token": token}).status_code == 404, url


def test_bad_query_strings_and_ids_are_never_a_server_error(admin_client, feed):
    make_execution(feed)

    check_bad_queries(admin_client)


@pytest.mark.e2e
def test_bad_query_strings_and_ids_on_postgresql(pg_db):
    client = postgres_admin_client()
    integration = create_integration("mirakl", "Shop", valid_values("mirakl"))
    make_execution(Feed.get(Feed.integration == integration.id))

    check_bad_queries(client)
