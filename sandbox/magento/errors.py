"""Magento-shaped error answers.

Magento's web API answers every failure as ``{"message": "<text with %placeholders>",
"parameters": {...} | [...]}``: the text keeps its placeholders (``%1`` for a list of
parameters, ``%name`` for a mapping) and a client substitutes them. Validation failures of
MSI add ``"errors": [{"message", "parameters"}]``. There are no error codes.
"""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify

NOT_AUTHORIZED = "The consumer isn't authorized to access %resources."
NO_ENTITY = "The entity that was requested doesn't exist. Verify the entity and try again."
NO_ROUTE = "Request does not match any route."
NO_STORE = "The store that was requested wasn't found. Verify the store and try again."
SHIPMENT_ERRORS = "Shipment Document Validation Error(s):\n"


class MagentoError(Exception):
    """A failed call: HTTP status, message with placeholders, and its parameters."""

    def __init__(
        self,
        status: int,
        message: str,
        parameters: dict[str, Any] | list[Any] | None = None,
        *,
        errors: list[dict[str, Any]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.parameters = parameters
        self.errors = errors
        self.headers = headers or {}

    def body(self) -> dict[str, Any]:
        payload: dict[str, Any] = {"message": self.message}
        if self.parameters is not None:
            payload["parameters"] = self.parameters
        if self.errors:
            payload["errors"] = self.errors
        return payload

    def response(self) -> Response:
        response = jsonify(self.body())
        response.status_code = self.status
        for name, value in self.headers.items():
            response.headers[name] = value
        return response


def bad_request(message: str, parameters: dict[str, Any] | list[Any] | None = None) -> MagentoError:
    return MagentoError(400, message, parameters)


def not_authorized(resource: str) -> MagentoError:
    return MagentoError(401, NOT_AUTHORIZED, {"resources": resource})


def no_entity() -> MagentoError:
    return MagentoError(404, NO_ENTITY)


def shipment_error(*reasons: str) -> MagentoError:
    """The ship endpoint lists every failed check after one heading, one per line."""
    return MagentoError(400, SHIPMENT_ERRORS + "\n".join(reasons))


def validation_failed(errors: list[dict[str, Any]]) -> MagentoError:
    return MagentoError(400, "Validation Failed", errors=errors)
