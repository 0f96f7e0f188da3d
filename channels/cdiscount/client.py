"""The only place that speaks to CDiscount: its token service (STS) and its SOAP service.

Requests are built by zeep from the service's own WSDL and XSDs (shipped in ``wsdl/``, loaded
offline) and sent through the shared `HttpClient`, so timeouts, logging and the
classification of transport failures are those of every channel. Answers are read here too:
SOAP faults, and the business errors CDiscount returns with HTTP 200 and ``OperationSuccess``
false. A move to Octopia's REST API replaces this file and nothing else.
"""

from __future__ import annotations

import copy
import functools
import hashlib
import logging
import re
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import requests
import zeep
from lxml import etree
from zeep.helpers import serialize_object
from zeep.wsdl import Document
from zeep.xsd.types.simple import AnySimpleType

from channels.errors import (
    ChannelUnavailable,
    CredentialsError,
    PayloadError,
    RateLimited,
    RejectedByChannel,
)
from channels.http import USER_AGENT, HttpClient, body_preview

from .mapping import errors_of, malformed
from .settings import SERVICE_URL, STS_URL

log = logging.getLogger(__name__)

WSDL_PATH = Path(__file__).parent / "wsdl" / "MarketplaceAPIService.wsdl"
BINDING = "{http://tempuri.org/}BasicHttpBinding_IMarketplaceAPIService"
CDS = "http://www.cdiscount.com"
SOAP_ENV = "http://schemas.xmlsoap.org/soap/envelope/"
XSI_NIL = "{http://www.w3.org/2001/XMLSchema-instance}nil"
TIMEOUT_SECONDS = (10.0, 120.0)  # GetOrderList has no paging: a big answer takes a while
TOKEN_MAX_AGE_SECONDS = 24 * 3600  # CDiscount tokens last 48 h; renew well before
QUOTA_RETRY_AFTER_SECONDS = 60.0
# Business errors that mean the token is not (or no longer) accepted.
TOKEN_ERROR_TYPES = frozenset({"NotAuthorizedException", "SellerNotAuthorized"})
TOKEN_WORDS = ("token", "jeton")
# Faults the caller caused (the request cannot be read): retrying the same request is useless.
CLIENT_FAULTS = ("DeserializationFailed", "ActionNotSupported", "InvalidMessage", "Client")
HEADER = {
    "Context": {"CatalogID": 1, "CustomerPoolID": 1, "SiteID": 100},
    "Localization": {"Country": "Fr", "Currency": "Eur", "DecimalPosition": 2, "Language": "Fr"},
    "Version": "1.0",
}
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)


@functools.lru_cache(maxsize=1)
def _document() -> Document:
    """The parsed WSDL, shared by every client of the process (it is read-only once loaded)."""
    return Document(str(WSDL_PATH), zeep.Transport(), settings=zeep.Settings(strict=False))


class TokenCache:
    """Tokens obtained from the STS, reused by every connector of the process until stale.

    A token is valid for about two days; asking for a new one on every run would only add
    calls to a service CDiscount throttles. Keys hash the password, never store it.
    """

    def __init__(self, max_age_seconds: float) -> None:
        self.max_age_seconds = max_age_seconds
        self._tokens: dict[tuple[str, str, str], tuple[str, float]] = {}
        self._lock = threading.Lock()

    def get(self, key: tuple[str, str, str]) -> str | None:
        with self._lock:
            found = self._tokens.get(key)
            if found and time.monotonic() - found[1] < self.max_age_seconds:
                return found[0]
            return None

    def put(self, key: tuple[str, str, str], token: str) -> None:
        with self._lock:
            self._tokens[key] = (token, time.monotonic())

    def discard(self, key: tuple[str, str, str], token: str) -> None:
        with self._lock:
            if self._tokens.get(key, ("",))[0] == token:
                del self._tokens[key]

    def clear(self) -> None:
        with self._lock:
            self._tokens.clear()


TOKENS = TokenCache(TOKEN_MAX_AGE_SECONDS)


class _Transport(zeep.Transport):
    """zeep's HTTP, sent through the shared client: one session, timeouts, classification."""

    def __init__(self, http: HttpClient) -> None:
        super().__init__(session=http.session)
        http.session.headers["User-Agent"] = USER_AGENT  # zeep sets its own
        self.http = http

    def post(self, address: str, message: bytes, headers: dict) -> requests.Response:
        operation = str(headers.get("SOAPAction", "")).strip('"').rsplit("/", 1)[-1] or "SOAP"
        # A SOAP fault comes with HTTP 500: it is read from the body, not from the status.
        return self.http.request(
            "POST", operation, url=address, data=message, headers=headers,
            operation=operation, expected=(200, 500),
        )


class _TokenRejected(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class CdiscountClient:
    """One seller account: its token and the operations the hub uses."""

    def __init__(self, settings: Mapping[str, Any], secrets: Mapping[str, str]) -> None:
        self.username = str(settings.get("username") or "")
        self._password = secrets.get("password") or ""
        self._given_token = secrets.get("token_id") or None
        self.service_url = settings.get("service_url") or SERVICE_URL
        self.token_url = settings.get("token_url") or STS_URL
        self.http = HttpClient("CDiscount", self.service_url, timeout=TIMEOUT_SECONDS,
                               headers={"Accept": "text/xml"})
        self.sts = HttpClient("CDiscount", self.token_url, timeout=TIMEOUT_SECONDS,
                              headers={"Accept": "*/*"}, auth=(self.username, self._password))
        self.zeep = zeep.Client(_document(), transport=_Transport(self.http),
                                settings=zeep.Settings(strict=False, raw_response=True))
        self.service = self.zeep.create_service(BINDING, self.service_url)
        self._key = (self.token_url, self.username,
                     hashlib.sha256(self._password.encode()).hexdigest())
        self._token: str | None = None

    def close(self) -> None:
        self.http.close()
        self.sts.close()

    # -- operations -----------------------------------------------------------------------
    def seller_information(self) -> dict[str, Any]:
        result = self._call("GetSellerInformation", lambda header: {"headerMessage": header})
        return _parse(result, "SellerMessage")

    def order_list(self, order_filter: Mapping[str, Any]) -> tuple[list[dict], list[PayloadError]]:
        """GetOrderList: the orders that could be read, and one error per order that could not."""
        result = self._call(
            "GetOrderList", lambda header: {"headerMessage": header, "orderFilter": order_filter}
        )
        holder = result.find(f"{{{CDS}}}OrderList")
        orders: list[dict] = []
        problems: list[PayloadError] = []
        for element in holder if holder is not None else ():
            if not isinstance(element.tag, str):
                continue  # a comment
            try:
                orders.append(read_order(element))
            except PayloadError as problem:
                problems.append(problem)
        return orders, problems

    def validate_orders(self, orders: Iterable[Mapping[str, Any]]) -> list[dict]:
        """ValidateOrderList: one `ValidateOrderResult` per order sent."""
        message = {"OrderList": {"ValidateOrder": list(orders)}}
        result = self._call(
            "ValidateOrderList",
            lambda header: {"headerMessage": header, "validateOrderListMessage": message},
        )
        body = _parse(result, "ValidationResultMessage")
        holder = body.get("ValidateOrderResults") or {}
        return [r for r in holder.get("ValidateOrderResult") or [] if r]

    # -- calls and answers ------------------------------------------------------------------
    def _call(self, operation: str, arguments: Callable[[dict], dict]) -> etree._Element:
        """Call with the current token; a token the service refuses is renewed once."""
        renewed = False
        while True:
            token = self._current_token()
            header = {**HEADER, "Security": _security(token)}
            response = getattr(self.service, operation)(**arguments(header))
            result = self._result(operation, response)
            try:
                _check(operation, _parse(result, "ServiceBaseAPIMessage", only_base=True))
            except _TokenRejected as rejected:
                if renewed or not (self.username and self._password):
                    raise self._token_error(rejected) from None
                log.info("CDiscount refused the token on %s; asking for a new one", operation)
                TOKENS.discard(self._key, token)
                self._token = None
                self._given_token = None
                renewed = True
                continue
            return result

    def _result(self, operation: str, response: requests.Response) -> etree._Element:
        what = f"POST {operation}"
        try:
            root = etree.fromstring(response.content, parser=_PARSER)
        except etree.XMLSyntaxError:
            if response.status_code != 200:
                raise self.http.classify(response, what) from None
            raise PayloadError(
                f"CDiscount answered {operation} with a body that is not XML",
                code="malformed_response",
                details={"body_start": _preview(response.content)},
            ) from None
        body = root.find(f"{{{SOAP_ENV}}}Body")
        fault = body.find(f"{{{SOAP_ENV}}}Fault") if body is not None else None
        if fault is not None:
            raise _fault_problem(operation, fault)
        if response.status_code != 200:
            raise self.http.classify(response, what)
        path = f"{{{CDS}}}{operation}Response/{{{CDS}}}{operation}Result"
        result = body.find(path) if body is not None else None
        if result is None or result.get(XSI_NIL) == "true":
            raise PayloadError(
                f"CDiscount answered {operation} without a {operation}Result",
                code="malformed_response",
                details={"body_start": _preview(response.content)},
            )
        return result

    # -- token ------------------------------------------------------------------------------
    def _current_token(self) -> str:
        """A token this process obtained (it replaced a given one that went stale), else the
        admin's Token ID, else a new one from the STS."""
        if self._token is None:
            self._token = TOKENS.get(self._key) or self._given_token or self._issue_token()
        return self._token

    def _issue_token(self) -> str:
        """GET the STS with HTTP Basic auth; it answers ``<string>token</string>``."""
        path = urlsplit(self.token_url).path or "/"
        try:
            response = self.sts.request("GET", path, url=self.token_url, operation="token")
        except CredentialsError as refused:
            raise CredentialsError(
                "CDiscount's token service refused the username and password "
                f"(HTTP {refused.details.get('status')}); check Username and Password in the "
                "integration settings: they are the API login from the Sellershop's Settings "
                "page, not the Sellershop login",
                details=refused.details,
            ) from None
        try:
            token = (etree.fromstring(response.content, parser=_PARSER).text or "").strip()
        except etree.XMLSyntaxError:
            token = ""
        if not token or any(c.isspace() for c in token):
            raise PayloadError(
                "CDiscount's token service answered something that is not a token",
                code="malformed_response",
                details={"status": response.status_code},
            )
        log.info("CDiscount token obtained for the API login")
        TOKENS.put(self._key, token)
        return token

    def _token_error(self, rejected: _TokenRejected) -> CredentialsError:
        if self.username and self._password:
            hint = ("a new token from the username and password was refused too; check that "
                    "the API login is active in the Sellershop")
        else:
            hint = "set a new Token ID, or the Username and Password to obtain tokens"
        return CredentialsError(f"CDiscount refused the token: {rejected.message}; {hint}")


_BASE_FIELDS = ("ErrorMessage", "OperationSuccess", "ErrorList", "SellerLogin", "TokenId")


def _xsd(type_name: str) -> Any:
    return _document().types.get_type(f"{{{CDS}}}{type_name}")


def _parse(element: etree._Element, type_name: str, *, only_base: bool = False) -> dict:
    """An answer element read by its XSD type (for the base fields only, if asked)."""
    if only_base:
        element = _without(element, keep=_BASE_FIELDS)
    value = _xsd(type_name).parse_xmlelement(element, _document().types)
    return serialize_object(value, dict) or {}


def read_order(element: etree._Element) -> dict:
    """One ``<Order>`` of a GetOrderList answer as a dict; PayloadError when it cannot be read.

    Values that do not fit their XSD type are reported (zeep would read them as empty), and
    nil structures become None (zeep would read them as structures of empty fields).
    """
    xsd_type = _xsd("Order")
    problems = bad_values(element, xsd_type)
    if problems:
        number = element.findtext(f"{{{CDS}}}OrderNumber")
        raise malformed((number or "").strip() or None, problems)
    for nil in [e for e in element.iter() if e.get(XSI_NIL) == "true"]:
        nil.getparent().remove(nil)
    return serialize_object(xsd_type.parse_xmlelement(element, _document().types), dict)


def _preview(content: bytes) -> str:
    """The first bytes of an answer for an event, with any token masked."""
    return body_preview(re.sub(rb"(TokenId[^>]*>)[^<]+", rb"\1***", content or b""))


def _security(token: str) -> dict[str, Any]:
    return {"DomainRightsList": None, "IssuerID": None, "SessionID": None,
            "SubjectLocality": None, "TokenId": token, "UserName": ""}


def _without(element: etree._Element, *, keep: Iterable[str]) -> etree._Element:
    """A shallow copy holding only the named children (the base message fields)."""
    names = set(keep)
    holder = etree.Element(element.tag, nsmap=element.nsmap)
    for child in element:
        if isinstance(child.tag, str) and etree.QName(child).localname in names:
            holder.append(copy.deepcopy(child))
    return holder


def _check(operation: str, base: Mapping[str, Any]) -> None:
    """Classify a business error (HTTP 200 with OperationSuccess false)."""
    if base.get("OperationSuccess") is not False:
        return
    errors = errors_of(base, "ErrorList")
    message = str(base.get("ErrorMessage") or "").strip()
    text = "; ".join(m for _, m in errors if m) or message or "no message"
    kinds = {kind for kind, _ in errors}
    if kinds & TOKEN_ERROR_TYPES or any(w in f"{message} {text}".lower() for w in TOKEN_WORDS):
        raise _TokenRejected(text)
    if "Quota" in kinds:
        raise RateLimited(
            f"CDiscount refused {operation} for quota reasons: {text}",
            retry_after_seconds=QUOTA_RETRY_AFTER_SECONDS,
            code="quota",
        )
    kind = next((k for k in (e[0] for e in errors) if k), "operation_failed")
    raise RejectedByChannel(f"CDiscount refused {operation}: {text} ({kind})", code=kind,
                            details={"errors": [list(e) for e in errors]})


def _fault_problem(operation: str, fault: etree._Element) -> Exception:
    code = (fault.findtext("faultcode") or "").strip()
    reason = " ".join((fault.findtext("faultstring") or "").split())[:300]
    if any(part in code for part in CLIENT_FAULTS):
        return RejectedByChannel(
            f"CDiscount could not read the {operation} request (SOAP fault {code}: {reason})",
            code="soap_fault", details={"faultcode": code},
        )
    return ChannelUnavailable(
        f"CDiscount failed on {operation} with SOAP fault {code or '(no code)'}: {reason}",
        code="channel_server_error", details={"faultcode": code},
    )


def bad_values(element: etree._Element, xsd_type: Any, path: str = "") -> list[str]:
    """Values that do not fit their XSD type (zeep would quietly read them as empty).

    Unknown elements are left alone: the service may add fields, and that must not turn
    every order into a malformed one.
    """
    children = dict(getattr(xsd_type, "elements", None) or ())
    problems: list[str] = []
    seen: dict[str, int] = {}
    for child in element:
        if not isinstance(child.tag, str):
            continue
        name = etree.QName(child).localname
        spec = children.get(name)
        if spec is None or child.get(XSI_NIL) == "true":
            continue
        seen[name] = seen.get(name, 0) + 1
        where = f"{path}/{name}" if path else name
        if spec.max_occurs != 1:
            where += f"[{seen[name]}]"
        if isinstance(spec.type, AnySimpleType):
            text = (child.text or "").strip()
            try:
                if text:
                    spec.type.pythonvalue(text)
            except (ValueError, TypeError, ArithmeticError):
                problems.append(f"{where} {text[:40]!r} is not a valid {spec.type.name}")
        else:
            problems.extend(bad_values(child, spec.type, where))
    return problems
