"""The CDiscount endpoints the hub uses: the STS token service and the SOAP service.

STS: ``GET /users/httpIssue.svc/?realm=...`` with HTTP Basic auth (API login and password)
answers the token as ``<string xmlns="...Serialization/">token</string>``; wrong credentials
answer 401. SOAP: ``POST /MarketplaceAPIService.svc`` dispatches on ``SOAPAction``. Every SOAP
call goes through one gate, in this order: the envelope (a SOAP fault when unreadable), the
token in ``headerMessage/Security/TokenId`` (unknown or expired: a business error), the
header's required fields, the seller's quota, then any injected fault. Bodies, passwords and
tokens are never logged.
"""

from __future__ import annotations

import hmac
import logging
import time
from collections.abc import Callable
from typing import Any

from flask import Blueprint, Response, request
from lxml import etree

from sandbox.faults import impose
from sandbox.ratelimit import retry_after_header

from . import orders, soap
from .faults import DEFAULT_FAULT_MESSAGE, Fault, truncate
from .store import CdiscountStore, Seller

logger = logging.getLogger(__name__)

AUTH_REFUSED = ("Le jeton d'authentification (TokenId) est invalide ou a expiré ; demandez "
                 "un nouveau jeton au service d'authentification.")
QUOTA_MESSAGE = "Quota d'appels dépassé pour ce vendeur ; réessayez dans {} secondes."
ERROR_PAGE = "<html><head><title>{status}</title></head><body><h1>{status}</h1></body></html>"


def create_api_blueprint(store: CdiscountStore) -> Blueprint:
    bp = Blueprint("api", __name__)

    @bp.route("/users/httpIssue.svc/", methods=["GET"], strict_slashes=False)
    def issue_token() -> Response:
        started = time.monotonic()
        auth = request.authorization
        seller = store.seller(auth.username or "") if auth and auth.type == "basic" else None
        if seller is None or not hmac.compare_digest(
            seller.password.encode(), (auth.password or "").encode()
        ):
            response = Response("Unauthorized", status=401, mimetype="text/plain",
                                headers={"WWW-Authenticate": 'Basic realm="sts.cdiscount.com"'})
            return _log(store, seller, "token", response, started, authenticated=False)
        fault = seller.faults.take("token")
        if fault is not None:
            early = _fault_answer(store, fault, "token")
            if early is not None:
                return _log(store, seller, "token", early, started, fault=fault.kind)
        response = soap.token_response(store.issue_token(seller))
        if fault is not None and fault.kind == "broken_body":
            response.set_data(truncate(response.get_data()))
        return _log(store, seller, "token", response, started,
                    fault=fault.kind if fault else None)

    @bp.post("/MarketplaceAPIService.svc")
    def service() -> Response:
        started = time.monotonic()
        try:
            operation, element = soap.read_request(request.get_data(),
                                                   request.headers.get("SOAPAction", ""),
                                                   HANDLERS)
        except soap.SoapFault as fault:
            return _log(store, None, None, soap.fault_response(fault), started,
                        authenticated=False)
        return _serve(store, operation, element, started)

    return bp


def _serve(store: CdiscountStore, operation: str, element: etree._Element,
           started: float) -> Response:
    token = soap.token_of(element)
    seller = store.seller_for_token(token)
    if seller is None or not seller.token_valid(token or "", store.now()):
        response = soap.business_error(operation, "NotAuthorizedException", AUTH_REFUSED)
        return _log(store, seller, operation, response, started, authenticated=False,
                    error_type="NotAuthorizedException")
    base = {"login": seller.login, "token": token}
    problem = soap.header_problem(element)
    if problem:
        response = soap.business_error(operation, "InvalidRequest", problem, **base)
        return _log(store, seller, operation, response, started, error_type="InvalidRequest")
    if seller.bucket is not None:
        wait = seller.bucket.take()
        if wait > 0:
            message = QUOTA_MESSAGE.format(retry_after_header(wait))
            response = soap.business_error(operation, "Quota", message, **base)
            return _log(store, seller, operation, response, started, error_type="Quota")
    fault = seller.faults.take(operation)
    if fault is not None:
        early = _fault_answer(store, fault, operation, base)
        if early is not None:
            return _log(store, seller, operation, early, started, fault=fault.kind,
                        error_type=fault.error_type if fault.kind == "business_error" else None)
    handler = HANDLERS[operation]
    try:
        if fault is not None and fault.kind == "broken_body" and operation == "ValidateOrderList":
            response = Response(b"<s:Envelope xmlns:s=", status=200, content_type=soap.XML_TYPE)
        else:
            with store.lock:
                response = handler(store, seller, element, base)
    except soap.SoapFault as refused:
        response = soap.fault_response(refused)
    if fault is not None and fault.kind == "broken_body":
        response.set_data(truncate(response.get_data()))
    return _log(store, seller, operation, response, started,
                fault=fault.kind if fault else None)


def _fault_answer(store: CdiscountStore, fault: Fault, operation: str,
                  base: dict[str, Any] | None = None) -> Response | None:
    """The answer an injected fault gives instead of the real one (None: go on)."""
    logger.info("CDiscount sandbox: injecting %s fault on %s", fault.kind, operation)
    if fault.kind == "soap_fault":
        reason = fault.message or DEFAULT_FAULT_MESSAGE
        return soap.fault_response(soap.SoapFault(fault.fault_code, reason))
    if fault.kind == "business_error":
        return soap.business_error(operation, fault.error_type,
                                   fault.message or "Une erreur inattendue est survenue.",
                                   **(base or {}))
    # status and timeout as everywhere; broken_body: handled, then cut (whatever the method).
    return impose(fault, sleep=store.sleep, refuse=_error_page, stub=None)


def _error_page(status: int, message: str | None, headers: dict[str, str]) -> Response:
    """What CDiscount's front servers answer for an HTTP error: an HTML page."""
    page = message or ERROR_PAGE.format(status=status)
    return Response(page, status=status, mimetype="text/html", headers=headers)


# -- operations ------------------------------------------------------------------------------
def _get_order_list(store: CdiscountStore, seller: Seller, element: etree._Element,
                    base: dict[str, Any]) -> Response:
    query = orders.parse_filter(soap.child(element, "orderFilter"))
    found = orders.select(seller, query)
    return soap.result_response("GetOrderList", {"OrderList": {"Order": found}}, **base)


def _validate_order_list(store: CdiscountStore, seller: Seller, element: etree._Element,
                         base: dict[str, Any]) -> Response:
    message = soap.child(element, "validateOrderListMessage")
    results = orders.validate(seller, message, store.now())
    return soap.result_response("ValidateOrderList",
                                {"ValidateOrderResults": {"ValidateOrderResult": results}},
                                **base)


def _get_seller_information(store: CdiscountStore, seller: Seller, element: etree._Element,
                            base: dict[str, Any]) -> Response:
    info = {
        "DeliveryModes": None,
        "OfferPoolList": None,
        "Seller": {
            "Email": f"contact@{seller.login.lower()}.example", "IsAvailable": "ActiveSeller",
            "Login": seller.login, "MobileNumber": None, "PhoneNumber": None,
            "SellerAddress": None, "ShopName": seller.shop_name,
            "ShopUrl": f"https://www.cdiscount.com/mpv-{seller.login.lower()}.html",
            "SiretNumber": None, "State": "Activated",
        },
    }
    return soap.result_response("GetSellerInformation", info, **base)


HANDLERS: dict[str, Callable[..., Response]] = {
    "GetOrderList": _get_order_list,
    "ValidateOrderList": _validate_order_list,
    "GetSellerInformation": _get_seller_information,
}


def _log(store: CdiscountStore, seller: Seller | None, operation: str | None,
         response: Response, started: float, *, authenticated: bool = True,
         fault: str | None = None, error_type: str | None = None) -> Response:
    entry = {
        "method": request.method,
        "path": request.path.split("/cdiscount", 1)[-1],
        "operation": operation,
        "status": response.status_code,
        "success": response.status_code == 200 and error_type is None,
        "error_type": error_type,
        "fault": fault,
        "authenticated": authenticated,
        "duration_ms": round((time.monotonic() - started) * 1000, 1),
    }
    store.log_call(seller, entry)
    return response
