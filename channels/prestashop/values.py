"""Reading PrestaShop's JSON values and writing its XML bodies. Pure: no HTTP, no database.

The webservice prints every value as a string (``"64.700000"``, ``"1"`` for true, ``"0"`` for
no id), a multilingual field as a string or a list of ``{"id", "value"}`` depending on how
many languages are asked for, and dates in the shop's local time without a zone
(``"2025-03-04 09:12:31"``, ``"0000-00-00 00:00:00"`` for none). Writes take XML only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any
from xml.sax.saxutils import escape
from zoneinfo import ZoneInfo

from channels import fields

SHOP_TIME_FORMAT = "%Y-%m-%d %H:%M:%S"
NO_DATE = ("", "0000-00-00", "0000-00-00 00:00:00")


class ValueProblem(ValueError):
    """A value that cannot be read; the mapping turns it into a PayloadError naming the record."""


def text(value: Any, language_id: int = 1) -> str:
    """A plain or multilingual value as text, in the wanted language when there is a choice."""
    if isinstance(value, list):
        chosen = next((v for v in value if isinstance(v, Mapping)
                       and str(v.get("id")) == str(language_id)), None)
        if chosen is None:
            chosen = next((v for v in value if isinstance(v, Mapping)), {})
        return str(chosen.get("value") or "")
    if value is None or isinstance(value, Mapping):
        return ""
    return str(value)


def flag(value: Any) -> bool:
    return str(value).strip() in ("1", "true", "True")


def ref(value: Any) -> str:
    """An id as text; '' for none (PrestaShop's 0)."""
    if value is None or isinstance(value, bool | Mapping | list):
        return ""
    raw = str(value).strip()
    return "" if raw in ("", "0") else raw


def whole(value: Any, name: str) -> int:
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ValueProblem(f"'{name}' should be a whole number, got {str(value)[:40]!r}") from None
    if not number.is_finite() or number != number.to_integral_value():
        raise ValueProblem(f"'{name}' should be a whole number, got {str(value)[:40]!r}")
    return int(number)


def _problem(_owner: Any, problem: str) -> ValueProblem:
    return ValueProblem(problem)


def money(value: Any, name: str, places: str = "0.01") -> Decimal | None:
    """An amount or a weight printed as text; ``""`` is none."""
    return fields.decimal(value, name, None, fail=_problem, places=places, blank=True)


def shop_time(value: Any, tz: ZoneInfo, name: str) -> dt.datetime | None:
    """A shop-local date as an aware UTC datetime (None for PrestaShop's zero date)."""
    if value is None or str(value).strip() in NO_DATE:
        return None
    try:
        naive = dt.datetime.strptime(str(value).strip(), SHOP_TIME_FORMAT)
    except ValueError:
        raise ValueProblem(f"'{name}' is not a date, got {str(value)[:40]!r}") from None
    return naive.replace(tzinfo=tz).astimezone(dt.UTC)


def shop_text(value: dt.datetime, tz: ZoneInfo) -> str:
    """A UTC datetime in the shop's local time, as filters take it."""
    return value.astimezone(tz).strftime(SHOP_TIME_FORMAT)


def xml_body(entity: str, fields: Mapping[str, Any]) -> bytes:
    """``<prestashop><entity>...</entity></prestashop>``, the only body writes accept."""
    parts = [f"<{name}>{escape(_xml_value(value))}</{name}>" for name, value in fields.items()
             if name != "associations" and not isinstance(value, Mapping | list)]
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<prestashop xmlns:xlink="http://www.w3.org/1999/xlink">'
        f"<{entity}>{''.join(parts)}</{entity}></prestashop>"
    ).encode()


def _xml_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    return str(value)
