"""Rendering entities as the webservice does: XML by default, JSON on request.

Values come out as strings (``"64.700000"``, ``"1"`` for true), dates in the shop's local time
without a zone (``2025-03-04 09:12:31``), only the top-level ``id`` as a number. A multilingual
field is a plain string when one language is asked for (``language=1``) and a list of
``{"id", "value"}`` otherwise, as ``WebserviceOutputJSON::renderField`` does. An empty list is
the JSON text ``[]``.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from flask import Response

from .resources import ASSOCIATION_NODES, Resource

XML_HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n<prestashop xmlns:xlink="http://www.w3.org/1999/xlink">\n'  # noqa: E501
XML_TAIL = "</prestashop>\n"


class I18n(dict):
    """A multilingual value: language id -> text."""


def local_text(value: dt.datetime, tz: ZoneInfo) -> str:
    return value.astimezone(tz).strftime("%Y-%m-%d %H:%M:%S")


def scalar(value: Any, tz: ZoneInfo) -> str:
    """One stored value as the webservice prints it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, Decimal | float):
        return f"{value:.6f}"
    if isinstance(value, dt.datetime):
        return local_text(value, tz)
    return str(value)


def field_texts(value: Any, tz: ZoneInfo) -> list[str]:
    """What a filter compares: every language of an i18n field, else the one text."""
    if isinstance(value, I18n):
        return [str(v) for v in value.values()]
    return [scalar(value, tz)]


class Renderer:
    """Turns stored rows into the JSON or XML answer of one request."""

    def __init__(self, tz: ZoneInfo | None, languages: Sequence[int], as_json: bool,
                 base_url: str) -> None:
        self.tz = tz or ZoneInfo("UTC")  # no shop (an unknown URL): errors only
        self.languages = list(languages)
        self.as_json = as_json
        self.base_url = base_url

    # -- values -------------------------------------------------------------------------------
    def _i18n_json(self, value: I18n) -> Any:
        entries = [{"id": str(lang), "value": str(value.get(lang, ""))}
                   for lang in self.languages]
        return entries[0]["value"] if len(entries) == 1 else entries

    def entity(self, resource: Resource, row: Mapping[str, Any],
               display: str | tuple[str, ...] | None) -> dict[str, Any]:
        names = resource.fields if display in (None, "full") else display
        result: dict[str, Any] = {}
        for name in names:
            if name == "associations":
                continue
            value = row.get(name)
            if name == "id":
                result["id"] = int(value)
            elif isinstance(value, I18n):
                result[name] = self._i18n_json(value)
            else:
                result[name] = scalar(value, self.tz)
        if (display in (None, "full") or "associations" in names) and row.get("associations"):
            result["associations"] = {
                key: [{k: scalar(v, self.tz) for k, v in item.items()} for item in items]
                for key, items in row["associations"].items()
                if items
            }
        return result

    # -- documents ----------------------------------------------------------------------------
    def listing(self, resource: Resource, rows: Iterable[Mapping[str, Any]],
                display: str | tuple[str, ...] | None, status: int = 200) -> Response:
        if display is None:
            entities = [{"id": int(row["id"])} for row in rows]
        else:
            entities = [self.entity(resource, row, display) for row in rows]
        if self.as_json:
            body = json.dumps({resource.name: entities} if entities else [], ensure_ascii=False)
            return Response(body, status=status, mimetype="application/json")
        if display is None:
            inner = "".join(
                f'<{resource.singular} id="{e["id"]}" xlink:href="{self.base_url}/'
                f'{resource.name}/{e["id"]}"/>\n' for e in entities)
        else:
            inner = "".join(self._xml_entity(resource, e) for e in entities)
        return self.xml_document(f"<{resource.name}>\n{inner}</{resource.name}>\n", status)

    def single(self, resource: Resource, row: Mapping[str, Any], status: int = 200) -> Response:
        entity = self.entity(resource, row, "full")
        if self.as_json:
            body = json.dumps({resource.singular: entity}, ensure_ascii=False)
            return Response(body, status=status, mimetype="application/json")
        return self.xml_document(self._xml_entity(resource, entity), status)

    def errors(self, status: int, errors: Sequence[tuple[int, str]],
               headers: Mapping[str, str] | None = None) -> Response:
        if self.as_json:
            body = json.dumps({"errors": [{"code": c, "message": m} for c, m in errors]},
                              ensure_ascii=False)
            response = Response(body, status=status, mimetype="application/json")
        else:
            inner = "".join(f"<error>\n<code>{_cdata(str(c))}</code>\n<message>{_cdata(m)}"
                            "</message>\n</error>\n" for c, m in errors)
            response = self.xml_document(f"<errors>\n{inner}</errors>\n", status)
        for name, value in (headers or {}).items():
            response.headers[name] = value
        return response

    def xml_document(self, inner: str, status: int) -> Response:
        return Response(XML_HEAD + inner + XML_TAIL, status=status, mimetype="text/xml")

    def _xml_entity(self, resource: Resource, entity: Mapping[str, Any]) -> str:
        parts = [f"<{resource.singular}>\n"]
        for name, value in entity.items():
            if name == "associations":
                parts.append(self._xml_associations(value))
            elif isinstance(value, list):
                langs = "".join(f'<language id="{e["id"]}">{_cdata(e["value"])}</language>'
                                for e in value)
                parts.append(f"\t<{name}>{langs}</{name}>\n")
            elif len(self.languages) == 1 and name in resource.i18n:
                lang = self.languages[0]
                parts.append(f'\t<{name}><language id="{lang}">{_cdata(str(value))}</language>'
                             f"</{name}>\n")
            else:
                parts.append(f"\t<{name}>{_cdata(str(value))}</{name}>\n")
        parts.append(f"</{resource.singular}>\n")
        return "".join(parts)

    def _xml_associations(self, associations: Mapping[str, list[dict]]) -> str:
        parts = ["\t<associations>\n"]
        for key, items in associations.items():
            node = ASSOCIATION_NODES.get(key, key.rstrip("s"))
            parts.append(f'\t\t<{key} nodeType="{node}" api="{key}">\n')
            for item in items:
                fields = "".join(f"<{k}>{_cdata(str(v))}</{k}>" for k, v in item.items())
                parts.append(f"\t\t\t<{node}>{fields}</{node}>\n")
            parts.append(f"\t\t</{key}>\n")
        parts.append("\t</associations>\n")
        return "".join(parts)


def _cdata(text: str) -> str:
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"
