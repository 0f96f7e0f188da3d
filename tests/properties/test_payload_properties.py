"""Every connector's order parser against damaged payloads (hypothesis).

Each example starts from a payload shaped like the channel's real API (the recorded or
documented examples the channel tests use) and damages it: a field removed, or its value
replaced by null, a wrong type, a huge string, odd unicode, NaN, a nested object; extra
fields added. The property: the parser returns a record or raises a *classified* problem
(`ChannelProblem`): never another exception, which would crash a run instead of becoming an
event. A record it returns has all its lines (an order is never half-mapped).
"""

from __future__ import annotations

import contextlib
import copy
import json
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from channels.errors import ChannelProblem
from channels.records import OrderRecord, Page

CHANNEL_TESTS = Path(__file__).resolve().parent.parent / "channels"

JUNK = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=40),
    st.text(alphabet="\u202e\u200b\U0001f4a5éß漢\x00", max_size=10),
    st.just("x" * 5_000),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=3),
)


def _paths(value: Any, prefix: tuple = ()) -> list[tuple]:
    found = [prefix] if prefix else []
    if isinstance(value, dict):
        for key, item in value.items():
            found += _paths(item, prefix + (key,))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _paths(item, prefix + (index,))
    return found


@st.composite
def damaged(draw, base: Any) -> Any:
    payload = copy.deepcopy(base)
    paths = _paths(payload)
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        path = draw(st.sampled_from(paths))
        parent = payload
        for step in path[:-1]:
            if not isinstance(parent, dict | list):
                break
            try:
                parent = parent[step]
            except (KeyError, IndexError, TypeError):
                break
        else:
            key = path[-1]
            if isinstance(parent, dict) and key in parent and draw(st.booleans()):
                del parent[key]
            elif isinstance(parent, dict | list):
                with contextlib.suppress(IndexError, TypeError):
                    parent[key] = draw(JUNK)
    if isinstance(payload, dict) and draw(st.booleans()):
        payload[draw(st.text(min_size=1, max_size=8))] = draw(JUNK)
    return payload


def check(parse, payload) -> None:
    """Read the payload the way connectors read a page: through `Page.mapped`."""
    page = Page.mapped([payload], parse)
    for problem in page.problems:
        assert isinstance(problem, ChannelProblem) and problem.message
        assert problem.severity in ("info", "retry", "error")
    if not page.records:
        return
    (record,) = page.records
    if isinstance(record, OrderRecord) and not record.cancelled and not record.awaiting_payment:
        assert record.lines, "an order is never saved without its lines"
        assert all(line.quantity > 0 for line in record.lines)


def load(channel: str, name: str) -> Any:
    return json.loads((CHANNEL_TESTS / channel / "payloads" / name).read_text())


SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# -- Mirakl ------------------------------------------------------------------------------------
MIRAKL_ORDER = load("mirakl", "or11_business_example.json")["orders"][0]


@SETTINGS
@given(damaged(MIRAKL_ORDER))
def test_mirakl(payload):
    from channels.mirakl import mapping

    check(lambda p: mapping.order_from_payload(p, messages=["hello"]), payload)
    check(mapping.status_from_payload, payload)


# -- Amazon ------------------------------------------------------------------------------------
AMAZON_ORDER = load("amazon", "getOrders_TEST_CASE_200.json")["payload"]["Orders"][0]
AMAZON_ITEMS = load("amazon", "getOrderItems_TEST_CASE_200.json")["payload"]["OrderItems"]


@SETTINGS
@given(damaged({"order": AMAZON_ORDER, "items": AMAZON_ITEMS}))
def test_amazon(bundle):
    from channels.amazon import mapping

    def parse(value):
        if not isinstance(value, dict):
            return mapping.order_from_payload(value, [])
        items = value.get("items")
        return mapping.order_from_payload(
            value.get("order"), items if isinstance(items, list) else [items]
        )

    check(parse, bundle)


# -- Magento -----------------------------------------------------------------------------------
MAGENTO_ORDER = load("magento", "orders_search.json")["items"][0]


@SETTINGS
@given(damaged(MAGENTO_ORDER))
def test_magento(payload):
    from channels.magento import mapping

    methods = {"flatrate_flatrate": "STANDARD", "tablerate_bestway": "EXPRESS"}
    check(lambda p: mapping.order_from_payload(p, methods), payload)


# -- Shopify -----------------------------------------------------------------------------------
SHOPIFY_ORDER = load("shopify", "orders_2025_01.json")["orders"][0]


@SETTINGS
@given(damaged(SHOPIFY_ORDER))
def test_shopify(payload):
    from channels.shopify import mapping

    methods = {"standard": "STANDARD", "express": "EXPRESS", "free shipping": "STANDARD"}
    check(lambda p: mapping.order_from_payload(p, methods=methods), payload)


# -- PrestaShop --------------------------------------------------------------------------------
PRESTA_ORDER = load("prestashop", "order.json")["orders"][0]


def _presta_lookups():
    from channels.prestashop import mapping
    from channels.prestashop.settings import parse_method_map

    states = mapping.states_from_payload(load("prestashop", "order_states.json")["order_states"], 1)
    addresses = {str(a["id"]): a for a in load("prestashop", "addresses.json")["addresses"]}
    return mapping.Lookups(
        states=states,
        method_map=parse_method_map("Colissimo=COLISSIMO, My carrier=STANDARD"),
        tz=ZoneInfo("Europe/Paris"),
        carriers={"3": mapping.Carrier(id="3", reference="2", name="Colissimo")},
        addresses=addresses,
        customers={"2": {"id": 2, "firstname": "Léa", "lastname": "Dupont"}},
        countries={"8": "FR", "21": "US"},
        currencies={"1": "EUR"},
    )


@SETTINGS
@given(damaged(PRESTA_ORDER))
def test_prestashop(payload):
    from channels.prestashop import mapping

    lookups = _presta_lookups()
    check(lambda p: mapping.order_from_payload(p, lookups), payload)


# -- CDiscount ---------------------------------------------------------------------------------
def _cdiscount_orders() -> list[Any]:
    from channels.cdiscount.client import CDS, read_order

    root = etree.parse(
        str(CHANNEL_TESTS / "cdiscount" / "payloads" / "get_order_list_response.xml")
    )
    return [
        read_order(etree.fromstring(etree.tostring(e)))
        for e in root.getroot().findall(f".//{{{CDS}}}Order")
    ]


def _plain(value: Any) -> Any:
    """zeep objects as plain dicts/lists, so they can be damaged like JSON."""
    from zeep.helpers import serialize_object

    return json.loads(json.dumps(serialize_object(value), default=str))


CDISCOUNT_ORDER = _plain(_cdiscount_orders()[0])


@SETTINGS
@given(damaged(CDISCOUNT_ORDER))
def test_cdiscount(payload):
    from channels.cdiscount import mapping

    check(mapping.order_from_payload, payload)


# Marks & Spencer has its own property test:
# tests/channels/marks_spencer/test_marks_spencer_mapping.py
