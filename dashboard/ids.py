"""Ids typed into URLs and query strings, bounded by what the database can hold.

Primary keys are 32-bit on PostgreSQL (`serial`) and SQLite refuses integers past
64 bits: an id such as 99999999999999999999 in a URL would otherwise reach the
driver and end as a 500 (`OverflowError`, `integer out of range`). Out of range
is simply "no such row": a 404 for path arguments, `None` for query strings.
"""

from __future__ import annotations

from typing import Any

from werkzeug.routing import IntegerConverter, Map

MAX_ID = 2**31 - 1  # PostgreSQL `serial`, the smaller of the two backends
MAX_PAGE = 100_000  # a list page number beyond any real list (OFFSET stays a small integer)


def parse_id(value: Any) -> int | None:
    """An id from user input, or None when it is not a plain positive number in range."""
    text = str(value).strip() if value is not None else ""
    if not (text.isascii() and text.isdigit()):
        return None
    number = int(text)
    return number if 0 < number <= MAX_ID else None


class IdConverter(IntegerConverter):
    """`<int:...>` in every route, Flask-Admin's included: digits beyond MAX_ID do not match."""

    def __init__(self, map: Map, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)
