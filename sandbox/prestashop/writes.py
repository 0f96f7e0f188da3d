"""Writes, XML only, as ``WebserviceRequest::saveEntityFromXml`` takes them.

The body is ``<prestashop><entity>...</entity></prestashop>``. POST must not carry an ``id``
(code 91); PUT and PATCH must (90) and it must exist (92). PUT replaces the object: a
required field that is missing is refused (41) and an optional one that is missing is reset to
its empty value, which is why clients send every field back. PATCH (PrestaShop 8+) changes
only the fields sent. A body that is not XML is a 500 with code 127, as PrestaShop answers.

Implemented: ``order_histories`` POST (changes the order's state), ``order_carriers`` PUT/PATCH
(tracking number), ``stock_availables`` PUT/PATCH (quantity), ``orders`` PUT/PATCH
(``current_state`` and ``shipping_number`` through their setters).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET  # noqa: S405  (bodies come from local test clients)
from datetime import datetime
from typing import Any

from . import orders
from .output import I18n
from .query import PsError
from .resources import RESOURCES, Resource
from .store import Shop

TRACKING_NUMBER = re.compile(r"^[~:#,%&_=()\[\].? +\-@/a-zA-Z0-9]+$")
INTEGER = re.compile(r"^-?\d+$")


def parse_body(raw: bytes) -> list[dict[str, Any]]:
    """The entities of an XML write body, field name -> text (i18n fields as ``I18n``)."""
    text = raw.decode("utf-8", errors="replace")
    if "<!DOCTYPE" in text or "<!ENTITY" in text:
        raise PsError(500, "XML error : DTDs are not accepted", 127)
    try:
        root = ET.fromstring(text)  # noqa: S314
    except ET.ParseError as exc:
        raise PsError(500, f"XML error : String could not be parsed as XML ({exc})\n"
                           f"XML length : {len(raw)}", 127) from None
    entities = []
    for node in root:
        fields: dict[str, Any] = {}
        for child in node:
            if child.tag == "associations":
                continue
            languages = child.findall("language")
            if languages:
                fields[child.tag] = I18n({int(lang.get("id", "0")): lang.text or ""
                                          for lang in languages})
            else:
                fields[child.tag] = (child.text or "").strip()
        entities.append(fields)
    if not entities:
        raise PsError(500, "XML error : the body has no entity", 127)
    return entities


def apply_write(shop: Shop, resource_name: str, method: str, url_id: int | None,
                raw: bytes, now: datetime, args: dict[str, str]) -> tuple[int, dict[str, Any]]:
    """Apply a write; returns (HTTP status, the stored row) or raises ``PsError``."""
    resource = RESOURCES[resource_name]
    (fields,) = parse_body(raw)[:1]
    if method == "POST":
        if fields.get("id"):
            raise PsError(400, "id is forbidden when adding a new resource", 91)
        _required(resource, fields)
        return 201, _create(shop, resource, fields, now, args)
    if not fields.get("id"):
        raise PsError(400, "id is required when modifying a resource", 90)
    row_id = _int(fields["id"], resource, "id")
    table = shop.data.tables[resource_name]
    if table.get(row_id) is None or (url_id is not None and url_id != row_id):
        raise PsError(404, "Invalid ID", 92)
    if method == "PUT":
        _required(resource, fields)
        fields = {**resource.defaults, **fields}
    return 200, _update(shop, resource, row_id, fields, now, args)


def _required(resource: Resource, fields: dict[str, Any]) -> None:
    for name in resource.required:
        if name not in fields:
            raise PsError(400, f'parameter "{name}" required', 41)


def _invalid(resource: Resource, name: str) -> PsError:
    cls = "".join(part.capitalize() for part in resource.singular.split("_"))
    return PsError(400, f'Validation error: "Property {cls}->{name} is not valid"', 85)


def _int(value: Any, resource: Resource, name: str) -> int:
    if not isinstance(value, str) or not INTEGER.match(value):
        raise _invalid(resource, name)
    return int(value)


def _create(shop: Shop, resource: Resource, fields: dict[str, Any], now: datetime,
            args: dict[str, str]) -> dict[str, Any]:
    if resource.name != "order_histories":
        raise PsError(405, f"Method POST is not allowed for the resource {resource.name}", 101)
    data = shop.data
    order_id = _int(fields["id_order"], resource, "id_order")
    state_id = _int(fields["id_order_state"], resource, "id_order_state")
    if data.tables["orders"].get(order_id) is None:
        raise _invalid(resource, "id_order")
    if data.tables["order_states"].get(state_id) is None:
        raise _invalid(resource, "id_order_state")
    employee = _int(fields.get("id_employee") or "0", resource, "id_employee")
    history = orders.change_state(data, order_id, state_id, now, employee)
    shop.counters[f"state_changes:{order_id}"] += 1
    if args.get("sendemail") == "1":
        shop.counters["emails_sent"] += 1
    return history


def _update(shop: Shop, resource: Resource, row_id: int, fields: dict[str, Any],
            now: datetime, args: dict[str, str]) -> dict[str, Any]:
    data = shop.data
    if resource.name == "order_carriers":
        row = data.tables["order_carriers"].rows[row_id]
        tracking = fields.get("tracking_number", row["tracking_number"])
        if tracking and (len(tracking) > 64 or not TRACKING_NUMBER.match(tracking)):
            raise _invalid(resource, "tracking_number")
        for name in ("id_order", "id_carrier", "id_order_invoice"):
            if name in fields:
                row[name] = _int(fields[name], resource, name)
        for name in ("weight", "shipping_cost_tax_excl", "shipping_cost_tax_incl",
                     "tracking_number"):
            if name in fields:
                row[name] = fields[name]
        shop.counters[f"tracking_updates:{row['id_order']}"] += 1
        if args.get("sendemail") == "1":
            shop.counters["emails_sent"] += 1
        return row
    if resource.name == "stock_availables":
        row = data.stock.rows[row_id]
        if "quantity" in fields:
            data.set_quantity(row_id, _int(fields["quantity"], resource, "quantity"))
        if "out_of_stock" in fields:
            row.out_of_stock = _int(fields["out_of_stock"], resource, "out_of_stock")
        if "depends_on_stock" in fields:
            row.depends_on_stock = fields["depends_on_stock"] == "1"
        if "location" in fields:
            row.location = fields["location"]
        shop.counters["stock_updates"] += 1
        return data.stock.row(row_id)
    return _update_order(shop, resource, row_id, fields, now)


def _update_order(shop: Shop, resource: Resource, row_id: int, fields: dict[str, Any],
                  now: datetime) -> dict[str, Any]:
    data = shop.data
    order = data.tables["orders"].rows[row_id]
    if "current_state" in fields:
        state_id = _int(fields["current_state"], resource, "current_state")
        if data.tables["order_states"].get(state_id) is None:
            raise _invalid(resource, "current_state")
        if state_id != order["current_state"]:
            orders.change_state(data, row_id, state_id, now)
            shop.counters[f"state_changes:{row_id}"] += 1
    if fields.get("shipping_number"):
        carrier_id = data.carriers_of_order[row_id][-1]
        data.tables["order_carriers"].rows[carrier_id]["tracking_number"] = (
            fields["shipping_number"])
        shop.counters[f"tracking_updates:{row_id}"] += 1
    return data.tables["orders"].row(row_id)
