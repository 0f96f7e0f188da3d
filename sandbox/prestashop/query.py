"""The webservice list syntax: ``display``, ``filter[field]``, ``sort``, ``limit``, ``date=1``.

Parsing follows ``WebserviceRequest::manageFilters`` and ``SQLUtils::getSQLRetrieveFilter``:
unknown fields are 400 with PrestaShop's error codes (32 filter, 35/36 display, 37/38 sort,
39 limit), date fields are filterable and sortable only with ``date=1``, comparisons are
case-insensitive like MySQL's default collation, and numbers compare as numbers. There is
no total: a client pages with ``limit=offset,count`` until a short or empty page.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from .resources import Resource

FILTER_KEY = re.compile(r"^filter\[(\w+)\]$")
DATE_FIELDS = ("date_add", "date_upd")


class PsError(Exception):
    """A webservice error: HTTP status, PrestaShop error code and message."""

    def __init__(self, status: int, message: str, code: int, headers: dict | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.code = code
        self.headers = headers or {}


@dataclass
class ListQuery:
    display: str | tuple[str, ...] | None = None  # None: ids only; "full"; chosen fields
    filters: list[tuple[str, str]] = field(default_factory=list)
    sort: list[tuple[str, bool]] = field(default_factory=list)  # (field, descending)
    offset: int = 0
    count: int | None = None


def parse_list_query(args: Mapping[str, str], resource: Resource) -> ListQuery:
    with_dates = bool(args.get("date")) and args.get("date") != "0"
    available = set(resource.filterable)
    if with_dates:
        available.update(DATE_FIELDS)
    else:
        available.difference_update(DATE_FIELDS)
    query = ListQuery(display=parse_display(args.get("display"), resource))
    for key, value in args.items():
        match = FILTER_KEY.match(key)
        if not match:
            continue
        name = match.group(1)
        if name not in available and name not in resource.i18n:
            raise PsError(400, did_you_mean("This filter does not exist", name, available), 32)
        if value == "":
            raise PsError(400, f'The filter "{name}" is malformed.', 33)
        query.filters.append((name, value))
    if args.get("sort"):
        query.sort = _parse_sort(args["sort"], available | set(resource.i18n))
    if args.get("limit"):
        parts = args["limit"].split(",")
        if len(parts) > 2:
            raise PsError(400, 'The "limit" value has to be formed as this example: "5,25" '
                               'or "10"', 39)
        numbers = [_php_int(p) for p in parts]
        query.offset, query.count = (0, numbers[0]) if len(numbers) == 1 else numbers
    return query


def parse_display(raw: str | None, resource: Resource) -> str | tuple[str, ...] | None:
    if raw is None:
        return None
    if raw in ("full", "minimum"):
        return raw if raw == "full" else None
    match = re.fullmatch(r"\[(.*)\]", raw)
    if not match:
        raise PsError(400, "The 'display' syntax is wrong. You can set 'full' or "
                           "'[field_1,field_2,field_3,...]'. These are available: "
                           + ", ".join(resource.fields), 36)
    names: list[str] = []
    for part in _split_top_level(match.group(1)):
        name = part.split("[", 1)[0].strip()
        nested = "[" in part
        known = name in resource.fields or (
            nested and (name == "associations" or name in resource.associations))
        if not known:
            raise PsError(400, f'Unable to display this field "{name}". However, these are '
                               "available: " + ", ".join(resource.fields), 35)
        names.append("associations" if nested else name)
    return tuple(dict.fromkeys(names))


def _split_top_level(text: str) -> list[str]:
    parts, depth, current = [], 0, ""
    for char in text:
        if char == "," and depth == 0:
            parts.append(current)
            current = ""
            continue
        depth += (char == "[") - (char == "]")
        current += char
    if current:
        parts.append(current)
    return parts


def _parse_sort(raw: str, available: set[str]) -> list[tuple[str, bool]]:
    match = re.fullmatch(r"\[(.*)\]", raw)
    items = match.group(1).split(",") if match else [raw]
    result = []
    for item in items:
        name, _, direction = item.rpartition("_")
        if not name or direction.upper() not in ("ASC", "DESC"):
            raise PsError(400, 'The "sort" value has to be formed as this example: "field_ASC" '
                               "or '[field_1_DESC,field_2_ASC,field_3_ASC,...]' (\"field\" has "
                               "to be an available field)", 37)
        if name not in available:
            raise PsError(400, "Unable to filter by this field. However, these are available: "
                               + ", ".join(sorted(available)), 38)
        result.append((name, direction.upper() == "DESC"))
    return result


def did_you_mean(label: str, value: str, available: Iterable[str]) -> str:
    names = sorted(available)
    closest = min(names, key=lambda n: _distance(value, n)) if names else ""
    return f'{label}. Did you mean: "{closest}"? The full list is: "' + '", "'.join(names) + '"'


def _distance(a: str, b: str) -> int:
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def _php_int(text: str) -> int:
    match = re.match(r"\s*-?\d+", text)
    return max(0, int(match.group(0))) if match else 0


# -- matching ---------------------------------------------------------------------------------
def _number(text: str) -> Decimal | None:
    try:
        value = Decimal(text.strip())
    except (InvalidOperation, ValueError):
        return None
    return value if value.is_finite() else None


def _compare(a: str, b: str) -> int:
    na, nb = _number(a), _number(b)
    left, right = (na, nb) if na is not None and nb is not None else (a.lower(), b.lower())
    return (left > right) - (left < right)


def parse_expression(expr: str) -> tuple[str, list[str]]:
    """(operator, operands) of one filter value."""
    if expr.startswith(">[") and expr.endswith("]"):
        return ">", [expr[2:-1]]
    if expr.startswith("<[") and expr.endswith("]"):
        return "<", [expr[2:-1]]
    if expr.startswith("![") and expr.endswith("]"):
        return "not", expr[2:-1].split("|")
    if expr.startswith("%[") and expr.endswith("]%"):
        return "contains", [expr[2:-2]]
    if expr.startswith("[") and expr.endswith("]%"):
        return "starts", [expr[1:-2]]
    if expr.startswith("%[") and expr.endswith("]"):
        return "ends", [expr[2:-1]]
    if expr.startswith("[") and expr.endswith("]"):
        inner = expr[1:-1]
        if "," in inner and "|" not in inner:
            low, high = inner.split(",", 1)
            return "between", [low, high]
        return "in", inner.split("|")
    return "in", [expr]


def matches(value: str, expr: str) -> bool:
    op, operands = parse_expression(expr)
    if op == "in":
        return any(_compare(value, o) == 0 for o in operands)
    if op == "not":
        return all(_compare(value, o) != 0 for o in operands)
    if op == ">":
        return _compare(value, operands[0]) > 0
    if op == "<":
        return _compare(value, operands[0]) < 0
    if op == "between":
        return _compare(value, operands[0]) >= 0 and _compare(value, operands[1]) <= 0
    low, needle = value.lower(), operands[0].lower()
    if op == "contains":
        return needle in low
    return low.startswith(needle) if op == "starts" else low.endswith(needle)


def candidate_ids(ids: list[int], expr: str | None) -> Iterable[int]:
    """Ids an ``id`` filter can match, in ascending order, without scanning the others."""
    if expr is None:
        return ids
    op, operands = parse_expression(expr)
    numbers = [_number(o) for o in operands]
    if any(n is None for n in numbers) or op in ("contains", "starts", "ends"):
        return ids
    if op == ">":
        return ids[bisect.bisect_right(ids, numbers[0]):]
    if op == "<":
        return ids[:bisect.bisect_left(ids, numbers[0])]
    if op == "between":
        return ids[bisect.bisect_left(ids, numbers[0]):bisect.bisect_right(ids, numbers[1])]
    if op == "in":
        wanted = sorted({int(n) for n in numbers if n == int(n)})
        return [i for i in wanted if _contains(ids, i)]
    return ids


def _contains(ids: list[int], value: int) -> bool:
    index = bisect.bisect_left(ids, value)
    return index < len(ids) and ids[index] == value


def select(
    ids: list[int],
    query: ListQuery,
    value_of: Callable[[int, str], list[str]],
) -> Iterator[int]:
    """The ids that answer the query, in order, offset and limit applied.

    ``value_of(id, field)`` gives the field's text (several for an i18n field). Sorting by id
    (or not at all) walks the ids lazily, so a page of a 50,000-row table costs one page.
    """
    id_expr = next((v for f, v in query.filters if f == "id"), None)
    others = [(f, v) for f, v in query.filters if f != "id"]
    candidates = candidate_ids(ids, id_expr)

    def keep(row_id: int) -> bool:
        if id_expr is not None and not matches(str(row_id), id_expr):
            return False
        return all(any(matches(x, v) for x in value_of(row_id, f)) for f, v in others)

    if not query.sort or query.sort[0] == ("id", False):
        ordered: Iterable[int] = (i for i in candidates if keep(i))
    elif query.sort[0] == ("id", True):
        ordered = (i for i in reversed(list(candidates)) if keep(i))
    else:
        kept = [i for i in candidates if keep(i)]
        for name, descending in reversed(query.sort):
            kept.sort(key=lambda i, n=name: _sort_key(value_of(i, n)), reverse=descending)
        ordered = kept
    skipped = 0
    given = 0
    for row_id in ordered:
        if skipped < query.offset:
            skipped += 1
            continue
        if query.count is not None and given >= query.count:
            return
        given += 1
        yield row_id


def _sort_key(values: list[str]) -> tuple[int, Any]:
    text = values[0] if values else ""
    number = _number(text)
    return (0, number, "") if number is not None else (1, Decimal(0), text.lower())
