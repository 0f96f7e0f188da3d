"""SOAP 1.1 as the CDiscount service speaks it: envelopes in, envelopes and faults out.

The service is WCF: it dispatches on the ``SOAPAction`` header, answers business errors with
HTTP 200 and ``OperationSuccess`` false, and answers a request it cannot read with HTTP 500 and
a SOAP fault. Dates carry no offset and are French local time; an order's fields are written in
the XSD's sequence order (a reader driven by the XSD depends on it).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import Response
from lxml import etree

SOAP_ENV = "http://schemas.xmlsoap.org/soap/envelope/"
CDS = "http://www.cdiscount.com"
MSG = "http://schemas.datacontract.org/2004/07/Cdiscount.Framework.Core.Communication.Messages"
ARRAYS = "http://schemas.microsoft.com/2003/10/Serialization/Arrays"
SERIALIZATION = "http://schemas.microsoft.com/2003/10/Serialization/"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
DISPATCHER = "http://schemas.microsoft.com/net/2005/12/windowscommunicationfoundation/dispatcher"
ACTION_PREFIX = "http://www.cdiscount.com/IMarketplaceAPIService/"
ZONE = ZoneInfo("Europe/Paris")
XML_TYPE = "text/xml; charset=utf-8"
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
_FRACTION = re.compile(r"\.(\d+)")


class SoapFault(Exception):
    """A request the service cannot read: HTTP 500 with a SOAP fault."""

    def __init__(self, code: str, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


# -- wire values --------------------------------------------------------------------------
def wire_time(value: datetime) -> str:
    """``2025-03-04T09:59:05.753``: Paris local time, milliseconds, no offset."""
    local = value.astimezone(ZONE)
    return local.strftime("%Y-%m-%dT%H:%M:%S.") + f"{local.microsecond // 1000:03d}"


def parse_time(text: str, name: str) -> datetime:
    """An xs:dateTime from a request (no offset means Paris time); a fault if unreadable."""
    raw = text.strip().replace("Z", "+00:00")
    raw = _FRACTION.sub(lambda m: "." + (m.group(1) + "000000")[:6], raw, count=1)
    try:
        value = datetime.fromisoformat(raw)
    except ValueError:
        raise deserialization_fault(name, f"The value '{text[:40]}' cannot be parsed as the "
                                          "type 'DateTime'.") from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=ZONE)
    return value.astimezone(UTC)


def parse_bool(text: str, name: str) -> bool:
    value = text.strip().lower()
    if value in ("true", "1"):
        return True
    if value in ("false", "0"):
        return False
    raise deserialization_fault(name, f"The value '{text[:40]}' cannot be parsed as the type "
                                      "'Boolean'.")


def deserialization_fault(name: str, detail: str) -> SoapFault:
    return SoapFault(
        "a:DeserializationFailed",
        "The formatter threw an exception while trying to deserialize the message: There was "
        f"an error while trying to deserialize parameter http://www.cdiscount.com:{name}. "
        f"{detail}",
    )


# -- requests -------------------------------------------------------------------------------
def read_request(body: bytes, soap_action: str,
                 known: Iterable[str]) -> tuple[str, etree._Element]:
    """The operation name and its body element, or a fault saying what is wrong."""
    try:
        root = etree.fromstring(body, parser=_PARSER)
    except etree.XMLSyntaxError:
        raise SoapFault("a:InvalidMessage", "The message is not well-formed XML.") from None
    if root.tag != f"{{{SOAP_ENV}}}Envelope":
        raise SoapFault("s:VersionMismatch", "The root element is not a SOAP 1.1 Envelope.")
    soap_body = root.find(f"{{{SOAP_ENV}}}Body")
    element = next((c for c in soap_body if isinstance(c.tag, str)), None) \
        if soap_body is not None else None
    if element is None:
        raise SoapFault("a:InvalidMessage", "The SOAP Body is missing or empty.")
    action = soap_action.strip().strip('"')
    operation = action[len(ACTION_PREFIX):] if action.startswith(ACTION_PREFIX) else ""
    if operation not in set(known):
        raise SoapFault(
            "a:ActionNotSupported",
            f"The message with Action '{action}' cannot be processed at the receiver, due to a "
            "ContractFilter mismatch at the EndpointDispatcher.",
        )
    if element.tag != f"{{{CDS}}}{operation}":
        raise SoapFault("a:DeserializationFailed",
                        f"Expecting element '{operation}' from namespace '{CDS}', found "
                        f"'{etree.QName(element).localname}'.")
    return operation, element


def child(element: etree._Element | None, name: str, ns: str = CDS) -> etree._Element | None:
    """A child element, None when absent or nil (WCF reads both as null)."""
    if element is None:
        return None
    found = element.find(f"{{{ns}}}{name}")
    if found is None or found.get(f"{{{XSI}}}nil") == "true":
        return None
    return found


def text_of(element: etree._Element | None, name: str, ns: str = CDS) -> str | None:
    found = child(element, name, ns)
    return None if found is None else (found.text or "")


def token_of(operation_element: etree._Element) -> str | None:
    header = child(operation_element, "headerMessage")
    security = child(header, "Security", MSG)
    token = text_of(security, "TokenId", MSG)
    return token.strip() if token else None


def header_problem(operation_element: etree._Element) -> str | None:
    """What the service refuses in a headerMessage (Context.SiteID and Version are required)."""
    header = child(operation_element, "headerMessage")
    if header is None:
        return "headerMessage is required"
    if text_of(child(header, "Context", MSG), "SiteID", MSG) is None:
        return "headerMessage.Context.SiteID is required"
    if not text_of(header, "Version", MSG):
        return "headerMessage.Version is required"
    return None


# -- answers --------------------------------------------------------------------------------
def add(parent: etree._Element, name: str, value: Any, ns: str = CDS) -> etree._Element:
    """Write a value: a dict's keys in order, a list as repeated elements, None as nil."""
    element = etree.SubElement(parent, f"{{{ns}}}{name}")
    if value is None:
        element.set(f"{{{XSI}}}nil", "true")
    elif isinstance(value, Mapping):
        for key, item in value.items():
            for one in item if isinstance(item, list) else [item]:
                add(element, key, one, ns)
    elif isinstance(value, bool):
        element.text = "true" if value else "false"
    else:
        element.text = str(value)
    return element


def result_response(operation: str, fields: Mapping[str, Any], *, success: bool = True,
                    error_message: str | None = None,
                    errors: Iterable[tuple[str, str]] = (), login: str | None = None,
                    token: str | None = None) -> Response:
    """``<OpResponse><OpResult>`` with the ServiceBaseAPIMessage fields, then `fields`."""
    envelope = etree.Element(f"{{{SOAP_ENV}}}Envelope", nsmap={"s": SOAP_ENV})
    body = etree.SubElement(envelope, f"{{{SOAP_ENV}}}Body")
    response = etree.SubElement(body, f"{{{CDS}}}{operation}Response", nsmap={None: CDS})
    result = etree.SubElement(response, f"{{{CDS}}}{operation}Result", nsmap={"i": XSI})
    add(result, "ErrorMessage", error_message, MSG)
    add(result, "OperationSuccess", success, MSG)
    add(result, "ErrorList", {"Error": [{"ErrorType": kind, "Message": message}
                                        for kind, message in errors]})
    add(result, "SellerLogin", login)
    add(result, "TokenId", token)
    for key, value in fields.items():
        add(result, key, value)
    return _xml(envelope, 200)


def business_error(operation: str, kind: str | None, message: str, **base: Any) -> Response:
    """HTTP 200, OperationSuccess false: how the service reports what it refuses."""
    errors = [(kind, message)] if kind else []
    return result_response(operation, {}, success=False, error_message=message, errors=errors,
                           **base)


def fault_response(fault: SoapFault) -> Response:
    envelope = etree.Element(f"{{{SOAP_ENV}}}Envelope", nsmap={"s": SOAP_ENV})
    body = etree.SubElement(envelope, f"{{{SOAP_ENV}}}Body")
    element = etree.SubElement(body, f"{{{SOAP_ENV}}}Fault")
    code = etree.SubElement(element, "faultcode", nsmap={"a": DISPATCHER})
    code.text = fault.code
    reason = etree.SubElement(element, "faultstring")
    reason.set("{http://www.w3.org/XML/1998/namespace}lang", "en-US")
    reason.text = fault.reason
    return _xml(envelope, 500)


def token_response(token: str) -> Response:
    """What the STS answers: the token in a serialized .NET string, as text/plain."""
    element = etree.Element(f"{{{SERIALIZATION}}}string", nsmap={None: SERIALIZATION})
    element.text = token
    return Response(etree.tostring(element), status=200, mimetype="text/plain")


def _xml(envelope: etree._Element, status: int) -> Response:
    return Response(etree.tostring(envelope, xml_declaration=False), status=status,
                    content_type=XML_TYPE)
