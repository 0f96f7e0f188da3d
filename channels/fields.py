"""Reading one field of a channel payload: text, amounts, dates and quantities. Pure.

Every mapping reads these out of untrusted JSON and, when one cannot be read, must say which
record and which field is wrong so that an operator can fix that record while the others carry
on. The checks are the same for every channel; what differs is how a channel names its record
(``Mirakl order 123``, ``Magento product SKU X``) and what it asks the operator to do. So each
reader takes the record (``owner``, whatever the channel's ``fail`` understands: the payload or
its reference) and ``fail``, the channel's function turning ``(owner, problem)`` into the
exception to raise. A mapping binds its ``fail`` once (``functools.partial``) and then calls the
readers like local helpers.

The options cover the channels' real differences: whether a missing value is an error, whether
an empty string means "no value", whether text is trimmed, how a date is parsed and named.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from channels.settings_spec import parse_utc

Fail = Callable[[Any, str], Exception]


def _blank(value: Any) -> bool:
    return isinstance(value, str) and not value.strip()


def text(
    payload: Mapping[str, Any],
    key: str,
    owner: Any,
    *,
    fail: Fail,
    required: bool = True,
    strip: bool = True,
    numbers: bool = True,
) -> str:
    """``payload[key]`` as text; ``numbers`` lets an integer id stand for its digits.

    A missing or blank value is an error when ``required``, else ``""``.
    """
    value = payload.get(key)
    if value is None or _blank(value):
        if required:
            raise fail(owner, f"'{key}' is missing")
        return ""
    allowed = (str, int) if numbers else (str,)
    if isinstance(value, bool) or not isinstance(value, allowed):
        raise fail(owner, f"'{key}' should be text, got {type(value).__name__}")
    return str(value).strip() if strip else str(value)


def decimal(
    value: Any,
    key: str,
    owner: Any,
    *,
    fail: Fail,
    places: str | None = "0.01",
    blank: bool = False,
) -> Decimal | None:
    """A number sent as a JSON number or a string, rounded to ``places`` (None: as sent).

    None stays None; with ``blank``, so does an empty string (channels that print every value
    as text send ``""`` for none).
    """
    if value is None or (blank and _blank(value)):
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
        raise fail(owner, f"'{key}' should be a number")
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise fail(owner, f"'{key}' should be a number, got {str(value)[:40]!r}") from None
    if not number.is_finite():
        raise fail(owner, f"'{key}' should be a finite number")
    if not places:
        return number
    try:
        return number.quantize(Decimal(places))
    except InvalidOperation:
        raise fail(owner, f"'{key}' is out of range: {str(value)[:40]!r}") from None


def money(value: Any, key: str, owner: Any, *, fail: Fail, blank: bool = False) -> Decimal | None:
    """An amount, to the cent."""
    return decimal(value, key, owner, fail=fail, places="0.01", blank=blank)


def date(
    value: Any,
    key: str,
    owner: Any,
    *,
    fail: Fail,
    required: bool = False,
    blank: bool = False,
    parse: Callable[[str], dt.datetime] = parse_utc,
    kind: str = "an ISO date",
) -> dt.datetime | None:
    """A date string read by ``parse`` (ISO-8601 by default); ``kind`` names the format in
    messages. None (and, with ``blank``, an empty string) is no date, or an error when
    ``required``."""
    if value is None or (blank and _blank(value)):
        if required:
            raise fail(owner, f"'{key}' is missing")
        return None
    if not isinstance(value, str):
        raise fail(owner, f"'{key}' should be {kind}")
    try:
        return parse(value)
    except ValueError:
        raise fail(owner, f"'{key}' is not {kind}: {value[:40]!r}") from None


def whole(value: Any, label: str, owner: Any, *, fail: Fail, floats: bool = True) -> int:
    """A whole number; with ``floats``, ``2.0`` counts as 2. ``label`` names it in messages."""
    allowed = int | float if floats else int
    if (
        isinstance(value, bool)
        or not isinstance(value, allowed)
        or (isinstance(value, float) and not value.is_integer())
    ):
        raise fail(owner, f"{label} should be a whole number, got {str(value)[:40]!r}")
    return int(value)


def quantity(value: Any, label: str, owner: Any, *, fail: Fail, floats: bool = True) -> int:
    """An ordered quantity: a whole number above zero."""
    number = whole(value, label, owner, fail=fail, floats=floats)
    if number <= 0:
        raise fail(owner, f"{label} should be positive, got {value}")
    return number
