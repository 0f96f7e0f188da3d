"""Replay of the Orders v0 model's static sandbox cases (``TEST_CASE_200`` and friends)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Response, jsonify

from .static_cases import CASES

CONFIRM_ORDER_IDS = frozenset(
    params["orderId"] for params, _, _ in CASES.get("confirmShipment", [])
)


def _same(expected: Any, given: str | None) -> bool:
    if given is None:
        return False
    if isinstance(expected, list):
        return [part.strip() for part in given.split(",")] == [str(e) for e in expected]
    return str(expected) == given


def replay(operation: str, params: Mapping[str, str]) -> Response | None:
    """The canned answer when the call's parameters are exactly those of a static case.

    The most specific case wins (``TEST_CASE_200_NEXT_TOKEN`` with and without ``NextToken``).
    """
    best: tuple[int, int, dict] | None = None
    for expected, status, body in CASES.get(operation, []):
        if not all(_same(value, params.get(name)) for name, value in expected.items()):
            continue
        if "NextToken" in params and "NextToken" not in expected:
            continue
        if best is None or len(expected) > best[0]:
            best = (len(expected), status, body)
    if best is None:
        return None
    response = jsonify(best[2])
    response.status_code = best[1]
    return response
