"""``searchCriteria`` as Magento's list endpoints read it, and the ``fields`` response filter.

- Filters inside one ``filter_groups[i]`` are OR'ed; separate groups are AND'ed.
- ``condition_type``: eq (default), neq, gt, gteq, lt, lteq, moreq, like/nlike (``%`` and
  ``_`` wildcards, case-insensitive as MySQL's default collation), in/nin (CSV), null/notnull,
  finset/nfinset, from (= gteq) and to (= lteq). Numbers compare as numbers, the rest as text
  (Magento's dates ``YYYY-MM-DD HH:MM:SS`` sort correctly as text).
- ``pageSize``/``currentPage`` (1-based). Without ``pageSize`` every match is returned, or the
  default page size (20) when the web API input limits are on; a ``pageSize`` over the maximum
  (300) is refused then. A ``currentPage`` past the last page answers the last page again, as
  Magento's collections do, unless the shop was created with ``clamp_pages: false``.
- An unknown ``searchCriteria[...]`` key is refused the way Magento's input processor does.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .errors import bad_request

CONDITIONS = frozenset(
    {
        "eq",
        "neq",
        "gt",
        "gteq",
        "lt",
        "lteq",
        "moreq",
        "like",
        "nlike",
        "in",
        "nin",
        "null",
        "notnull",
        "finset",
        "nfinset",
        "from",
        "to",
    }
)
_FILTER = re.compile(r"^searchCriteria\[filter_groups\]\[(\d+)\]\[filters\]\[(\d+)\]\[(\w+)\]$")
_SORT = re.compile(r"^searchCriteria\[sortOrders\]\[(\d+)\]\[(\w+)\]$")
_SCALAR = re.compile(r"^searchCriteria\[(\w+)\]$")
CRITERIA_CLASS = "Magento\\Framework\\Api\\SearchCriteriaInterface"


@dataclass(frozen=True)
class Filter:
    field: str
    value: str | None
    condition: str = "eq"


@dataclass
class Criteria:
    groups: list[list[Filter]] = field(default_factory=list)
    sort: list[tuple[str, str]] = field(default_factory=list)
    page_size: int | None = None
    current_page: int = 1
    given: bool = False

    def echo(self, page_size: int | None, current_page: int) -> dict[str, Any]:
        """The ``search_criteria`` block of the answer."""
        body: dict[str, Any] = {
            "filter_groups": [
                {
                    "filters": [
                        {"field": f.field, "value": f.value, "condition_type": f.condition}
                        for f in group
                    ]
                }
                for group in self.groups
            ]
        }
        if self.sort:
            body["sort_orders"] = [{"field": f, "direction": d} for f, d in self.sort]
        if page_size is not None:
            body["page_size"] = page_size
        body["current_page"] = current_page
        return body


def _no_accessor(name: str) -> Exception:
    accessor = "get" + "".join(part.capitalize() for part in name.split("_"))
    return bad_request(
        'Property "%fieldName" does not have accessor method "%accessor" in class "%className".',
        {"fieldName": name, "accessor": accessor, "className": CRITERIA_CLASS},
    )


def _int(raw: str, name: str) -> int:
    try:
        return int(raw)
    except ValueError:
        raise bad_request(
            'The "%value" value\'s type is invalid. The "%type" type was expected. '
            "Verify and try again.",
            {"value": raw, "type": "int"},
        ) from None


def parse(args: Mapping[str, str]) -> Criteria:
    """Read ``searchCriteria[...]`` query parameters; raises a 400 for malformed ones."""
    filters: dict[int, dict[int, dict[str, str]]] = {}
    sorts: dict[int, dict[str, str]] = {}
    criteria = Criteria()
    for key, raw in args.items():
        if not key.startswith("searchCriteria"):
            continue
        criteria.given = True
        if match := _FILTER.match(key):
            group, index, part = int(match[1]), int(match[2]), match[3]
            if part not in ("field", "value", "condition_type"):
                raise _no_accessor(part)
            filters.setdefault(group, {}).setdefault(index, {})[part] = raw
        elif match := _SORT.match(key):
            if match[2] not in ("field", "direction"):
                raise _no_accessor(match[2])
            sorts.setdefault(int(match[1]), {})[match[2]] = raw
        elif match := _SCALAR.match(key):
            name = match[1]
            if name == "pageSize":
                criteria.page_size = _int(raw, name)
            elif name == "currentPage":
                criteria.current_page = max(1, _int(raw, name))
            else:
                raise _no_accessor(name)
        else:
            raise _no_accessor(key.removeprefix("searchCriteria").strip("[]") or key)
    for group_index in sorted(filters):
        group = []
        for index in sorted(filters[group_index]):
            parts = filters[group_index][index]
            condition = (parts.get("condition_type") or "eq").lower()
            if condition not in CONDITIONS:
                raise bad_request('Invalid condition type "%1".', [condition])
            if not parts.get("field"):
                raise bad_request(
                    '"%fieldName" is required. Enter and try again.', {"fieldName": "field"}
                )
            if parts.get("value") is None and condition not in ("null", "notnull"):
                raise bad_request(
                    '"%fieldName" is required. Enter and try again.', {"fieldName": "value"}
                )
            group.append(Filter(parts["field"], parts.get("value"), condition))
        criteria.groups.append(group)
    for index in sorted(sorts):
        direction = (sorts[index].get("direction") or "ASC").upper()
        if direction not in ("ASC", "DESC"):
            raise bad_request('Invalid sort direction "%1".', [direction])
        criteria.sort.append((sorts[index].get("field") or "", direction))
    return criteria


def _number(value: Any) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _like(pattern: str) -> re.Pattern[str]:
    regex = "".join(".*" if c == "%" else "." if c == "_" else re.escape(c) for c in pattern)
    return re.compile(regex, re.IGNORECASE | re.DOTALL)


def _compare(value: Any, wanted: str) -> int | None:
    """-1/0/1 comparing a row value with a filter value; None when not comparable."""
    if value is None:
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = _number(wanted)
        if number is None:
            return None
        return (value > number) - (value < number)
    text = str(value)
    return (text > wanted) - (text < wanted)


def matches(value: Any, flt: Filter) -> bool:
    condition, wanted = flt.condition, flt.value or ""
    if condition == "null":
        return value is None
    if condition == "notnull":
        return value is not None
    if condition in ("in", "nin"):
        found = any(_compare(value, v.strip()) == 0 for v in wanted.split(","))
        return found if condition == "in" else not found
    if condition in ("like", "nlike"):
        hit = value is not None and bool(_like(wanted).fullmatch(str(value)))
        return hit if condition == "like" else not hit
    if condition in ("finset", "nfinset"):
        hit = value is not None and wanted in str(value).split(",")
        return hit if condition == "finset" else not hit
    order = _compare(value, wanted)
    if condition == "neq":
        return order != 0
    if order is None:
        return False
    return {
        "eq": order == 0,
        "gt": order > 0,
        "gteq": order >= 0,
        "moreq": order >= 0,
        "from": order >= 0,
        "lt": order < 0,
        "lteq": order <= 0,
        "to": order <= 0,
    }[condition]


@dataclass
class Listing:
    """What a list endpoint needs to know about its rows."""

    rows: Sequence[Any]
    fields: frozenset[str]
    key_field: str | None = None  # the rows are sorted by this field...
    keys: Sequence[Any] | None = None  # ...whose values are these (bisect fast path)
    getter: Callable[[Any, str], Any] = lambda row, name: row.get(name)


def _candidates(listing: Listing, criteria: Criteria) -> tuple[Sequence[Any], list[list[Filter]]]:
    """Narrow the rows with a lone ``key gt/gteq`` filter by bisection (keyset paging)."""
    groups = list(criteria.groups)
    if listing.key_field is None or listing.keys is None:
        return listing.rows, groups
    for group in groups:
        if (
            len(group) == 1
            and group[0].field == listing.key_field
            and group[0].condition in ("gt", "gteq")
        ):
            keys = listing.keys
            wanted: Any = group[0].value or ""
            if keys and isinstance(keys[0], int):
                number = _number(wanted)
                if number is None:
                    return [], []
                wanted = number
            side = bisect.bisect_right if group[0].condition == "gt" else bisect.bisect_left
            start = side(keys, wanted)
            groups.remove(group)
            return listing.rows[start:], groups
    return listing.rows, groups


def select(
    listing: Listing,
    criteria: Criteria,
    *,
    limits: bool,
    max_page_size: int,
    default_page_size: int,
    clamp: bool,
) -> tuple[list[Any], int, int | None, int]:
    """Filter, sort and page; returns (page rows, total_count, page_size, current_page)."""
    for group in criteria.groups:
        for flt in group:
            if flt.field not in listing.fields:
                raise bad_request("Invalid attribute name: %1", [flt.field])
    for name, _ in criteria.sort:
        if name not in listing.fields:
            raise bad_request("Invalid attribute name: %1", [name])
    page_size = criteria.page_size
    if page_size is not None and page_size < 0:
        raise bad_request(
            '"%fieldName" must be greater than or equal to 0.', {"fieldName": "pageSize"}
        )
    if limits:
        if page_size is None or page_size == 0:
            page_size = default_page_size
        if page_size > max_page_size:
            raise bad_request("Maximum SearchCriteria pageSize is %max", {"max": max_page_size})
    rows, groups = _candidates(listing, criteria)
    get = listing.getter
    found = [
        row
        for row in rows
        if all(any(matches(get(row, f.field), f) for f in group) for group in groups)
    ]
    if criteria.sort and criteria.sort != [(listing.key_field, "ASC")]:
        for name, direction in reversed(criteria.sort):
            found.sort(key=lambda row, n=name: _sort_key(get(row, n)), reverse=direction == "DESC")
    total = len(found)
    current = criteria.current_page
    if not page_size:
        return found, total, criteria.page_size, current
    last_page = max(1, -(-total // page_size))
    if current > last_page and clamp:
        current = last_page
    start = (current - 1) * page_size
    return found[start : start + page_size], total, page_size, current


def _sort_key(value: Any) -> tuple[int, Any]:
    if value is None:
        return (0, 0)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return (1, value)
    return (2, str(value))


# -- fields= ----------------------------------------------------------------------------------


def parse_fields(text: str) -> dict[str, Any]:
    """``items[entity_id,status,extension_attributes[foo]],total_count`` as a nested dict."""
    tree: dict[str, Any] = {}
    stack = [tree]
    name = ""
    for char in text:
        if char == "[":
            child: dict[str, Any] = {}
            stack[-1][name.strip()] = child
            stack.append(child)
            name = ""
        elif char in ",]":
            if name.strip():
                stack[-1][name.strip()] = None
            name = ""
            if char == "]" and len(stack) > 1:
                stack.pop()
        else:
            name += char
    if name.strip():
        stack[-1][name.strip()] = None
    return tree


def trim(value: Any, tree: dict[str, Any] | None) -> Any:
    """Keep only the requested fields (lists are trimmed item by item)."""
    if tree is None:
        return value
    if isinstance(value, list):
        return [trim(item, tree) for item in value]
    if isinstance(value, dict):
        return {k: trim(v, tree[k]) for k, v in value.items() if k in tree}
    return value
