"""Small HTTP helpers every simulator's real endpoints use, whatever the channel's shapes.

A simulator is mounted under a prefix (``/mirakl``, ``/shopify/<shop>``) that the real API does
not have: call logs and fault paths must show the path as the channel names it. Error answers
default their text to the HTTP reason phrase, as the channels' front servers do.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from flask import Response, jsonify, request


def reason_phrase(status: int) -> str:
    """``Not Found`` for 404; ``Error`` for a status HTTP does not name."""
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def path_from(marker: str) -> str:
    """The request path from ``marker`` on (``/api/orders`` out of ``/mirakl/api/orders``);
    the whole path when the marker is not in it."""
    path = request.path
    index = path.find(marker)
    return path[index:] if index >= 0 else path


def json_response(body: Any, status: int, headers: dict[str, str] | None = None) -> Response:
    """A JSON answer with its status and extra headers (``Retry-After``...)."""
    response = jsonify(body)
    response.status_code = status
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response
