"""Who may call what: LWA access tokens, Restricted Data Tokens, and the calls they cover.

An access token opens every operation except the restricted ones that exist only to hand out
personal data (getOrderBuyerInfo, getOrderAddress, getOrderItemsBuyerInfo), which need an RDT.
An RDT opens only the resources it was issued for (a path with ``{orderId}`` covers any order);
for getOrders, getOrder and getOrderItems its ``dataElements`` decide which PII is shown.
Failures answer 403 ``Unauthorized`` as the SP-API does.
"""

from __future__ import annotations

from typing import Any

from .errors import AmazonError, invalid
from .store import AmazonStore, Grant

RDT_ONLY = frozenset({"getOrderBuyerInfo", "getOrderAddress", "getOrderItemsBuyerInfo"})
DATA_ELEMENT_PATHS = (
    "/orders/v0/orders",
    "/orders/v0/orders/{orderId}",
    "/orders/v0/orders/{orderId}/orderItems",
)
DATA_ELEMENTS = frozenset({"buyerInfo", "shippingAddress", "buyerTaxInformation"})
RESTRICTED_PATHS = (
    *DATA_ELEMENT_PATHS,
    "/orders/v0/orders/{orderId}/buyerInfo",
    "/orders/v0/orders/{orderId}/address",
    "/orders/v0/orders/{orderId}/orderItems/buyerInfo",
)
DENIED = "Access to requested resource is denied."


def path_matches(pattern: str, path: str) -> bool:
    """``/orders/v0/orders/{orderId}/address`` covers ``/orders/v0/orders/202-1-2/address``."""
    want, have = pattern.rstrip("/").split("/"), path.rstrip("/").split("/")
    return len(want) == len(have) and all(
        w == h or (w.startswith("{") and w.endswith("}") and h)
        for w, h in zip(want, have, strict=True)
    )


def authenticate(
    store: AmazonStore, token: str, operation: str, method: str, path: str
) -> tuple[Grant, set[str]]:
    """The grant behind ``token`` and the data elements it opens, or a 403 AmazonError."""
    if not token:
        raise AmazonError(403, DENIED, "The request has no x-amz-access-token header.")
    grant = store.lookup(token)
    if grant is None:
        raise AmazonError(
            403, DENIED, "The access token you provided is revoked, malformed or invalid."
        )
    if grant.expires_at <= store.now():
        raise AmazonError(403, DENIED, "The access token you provided has expired.")
    if grant.kind == "access":
        if operation in RDT_ONLY:
            raise AmazonError(
                403,
                DENIED,
                f"{operation} returns restricted data and needs a Restricted Data Token.",
            )
        return grant, set()
    if operation == "createRestrictedDataToken":
        raise AmazonError(403, DENIED, "A Restricted Data Token cannot request another one.")
    covering = [
        r
        for r in grant.resources
        if r.get("method") == method and path_matches(str(r.get("path")), path)
    ]
    if not covering:
        raise AmazonError(403, DENIED, f"The Restricted Data Token does not cover {method} {path}.")
    return grant, {e for r in covering for e in r.get("dataElements") or []}


def validate_resources(body: Any) -> list[dict[str, Any]]:
    """createRestrictedDataToken's ``restrictedResources``, as the Tokens API checks them."""
    resources = body.get("restrictedResources") if isinstance(body, dict) else None
    if not isinstance(resources, list) or not resources or len(resources) > 50:
        raise invalid("Invalid Input", "restrictedResources must list 1 to 50 resources")
    checked = []
    for resource in resources:
        if not isinstance(resource, dict) or resource.get("method") not in (
            "GET",
            "PUT",
            "POST",
            "DELETE",
        ):
            raise invalid("Invalid Input", "each restricted resource needs a method")
        path = str(resource.get("path") or "")
        if not any(path_matches(pattern, path) for pattern in RESTRICTED_PATHS):
            raise invalid("Invalid Input", f"{path or '(no path)'} is not a restricted operation")
        elements = resource.get("dataElements") or []
        if elements:
            if not any(path_matches(p, path) for p in DATA_ELEMENT_PATHS):
                raise invalid("Invalid Input", f"dataElements are not accepted for {path}")
            if not isinstance(elements, list) or not set(elements) <= DATA_ELEMENTS:
                raise invalid(
                    "Invalid Input",
                    "dataElements must be buyerInfo, shippingAddress or buyerTaxInformation",
                )
        elif any(path_matches(p, path) for p in DATA_ELEMENT_PATHS):
            raise invalid("Invalid Input", f"{path} needs dataElements")
        checked.append({"method": resource["method"], "path": path, "dataElements": elements})
    return checked
