"""Shopify-shaped error answers: ``{"errors": ...}`` where the value is a string, a list of
messages or an object of field -> message(s), depending on the endpoint, as on the real API."""

from __future__ import annotations

from typing import Any

from flask import Response

from sandbox.httputil import json_response

UNAUTHORIZED = "[API] Invalid API key or access token (unrecognized login or wrong password)"


class ShopifyError(Exception):
    def __init__(self, status: int, errors: Any) -> None:
        super().__init__(str(errors))
        self.status = status
        self.errors = errors


class BadParameter(ShopifyError):
    """A query parameter Shopify refuses (400, ``{"errors": {"<field>": "<message>"}}``)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(400, {field: message})
        self.field = field
        self.message = message


def not_found() -> ShopifyError:
    return ShopifyError(404, "Not Found")


def error_response(status: int, errors: Any, headers: dict[str, str] | None = None) -> Response:
    return json_response({"errors": errors}, status, headers)
