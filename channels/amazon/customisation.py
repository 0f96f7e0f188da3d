"""Amazon Custom personalisation: the ZIP behind `BuyerCustomizedInfo.CustomizedURL`. Pure.

The ZIP holds one JSON document (plus SVG/PNG renderings). Amazon's current layout is
``version3.0.customizationInfo.surfaces[].areas[]`` with ``customizationType`` ``TextPrinting``
(``text``, ``fontFamily``, ``colorName``, ``fill``), ``Options`` (``optionValue``) and
``ImagePrinting``; older documents carry a ``customizationData`` tree of
``TextCustomization`` / ``OptionCustomization`` nodes. Both are read into one shape.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

JSON_MAX_BYTES = 5 * 1024 * 1024


class CustomisationUnreadable(ValueError):
    """The ZIP or its JSON cannot be read; the message says what is wrong with it."""


@dataclass(frozen=True)
class TextArea:
    label: str
    text: str
    font: str = ""
    colour: str = ""


@dataclass(frozen=True)
class Customisation:
    texts: tuple[TextArea, ...] = ()
    options: dict[str, str] = field(default_factory=dict)  # label -> chosen value
    images: int = 0


def read_zip(content: bytes) -> dict[str, Any]:
    """The customisation JSON document inside a ZIP."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except zipfile.BadZipFile:
        raise CustomisationUnreadable("the customisation file is not a ZIP archive") from None
    with archive:
        members = [m for m in archive.infolist() if m.filename.lower().endswith(".json")]
        if not members:
            raise CustomisationUnreadable("the customisation ZIP holds no JSON document")
        member = members[0]
        if member.file_size > JSON_MAX_BYTES:
            raise CustomisationUnreadable(
                f"the customisation JSON is {member.file_size} bytes, more than expected"
            )
        try:
            document = json.loads(archive.read(member).decode("utf-8"))
        except (UnicodeDecodeError, ValueError, zipfile.BadZipFile):
            raise CustomisationUnreadable("the customisation JSON cannot be parsed") from None
    if not isinstance(document, dict):
        raise CustomisationUnreadable("the customisation JSON is not an object")
    return document


def parse(document: Mapping[str, Any]) -> Customisation:
    """Texts, options and image count from either document layout."""
    areas = list(_v3_areas(document))
    if areas:
        return _from_v3(areas)
    tree = document.get("customizationData")
    if isinstance(tree, Mapping):
        return _from_tree(tree)
    raise CustomisationUnreadable(
        "the customisation JSON has neither version3.0 surfaces nor customizationData"
    )


def _v3_areas(document: Mapping[str, Any]) -> Iterator[Mapping[str, Any]]:
    info = document.get("version3.0", document)
    info = info.get("customizationInfo") if isinstance(info, Mapping) else None
    surfaces = info.get("surfaces") if isinstance(info, Mapping) else None
    for surface in surfaces if isinstance(surfaces, list) else []:
        areas = surface.get("areas") if isinstance(surface, Mapping) else None
        for area in areas if isinstance(areas, list) else []:
            if isinstance(area, Mapping):
                yield area


def _label(node: Mapping[str, Any]) -> str:
    return str(node.get("label") or node.get("name") or "").strip()


def _from_v3(areas: list[Mapping[str, Any]]) -> Customisation:
    texts: list[TextArea] = []
    options: dict[str, str] = {}
    images = 0
    for area in areas:
        kind = str(area.get("customizationType") or "").lower()
        if kind in ("textprinting", "text"):
            text = str(area.get("text") or "").strip()
            if text:
                texts.append(
                    TextArea(
                        label=_label(area) or f"Text {len(texts) + 1}",
                        text=text,
                        font=str(area.get("fontFamily") or ""),
                        colour=str(area.get("colorName") or area.get("fill") or ""),
                    )
                )
        elif kind in ("options", "option"):
            value = str(area.get("optionValue") or "").strip()
            if value:
                options[_label(area) or f"Option {len(options) + 1}"] = value
        elif kind in ("imageprinting", "image"):
            images += 1
    return Customisation(texts=tuple(texts), options=options, images=images)


def _from_tree(tree: Mapping[str, Any]) -> Customisation:
    texts: list[TextArea] = []
    options: dict[str, str] = {}
    images = 0
    for node in _walk(tree):
        kind = node.get("type")
        if kind == "TextCustomization":
            text = str(node.get("inputValue") or "").strip()
            if text:
                font = node.get("fontSelection") or {}
                colour = node.get("colorSelection") or {}
                texts.append(
                    TextArea(
                        label=_label(node) or f"Text {len(texts) + 1}",
                        text=text,
                        font=str(font.get("family") or "") if isinstance(font, Mapping) else "",
                        colour=str(colour.get("name") or "") if isinstance(colour, Mapping) else "",
                    )
                )
        elif kind == "OptionCustomization":
            chosen = node.get("optionSelection") or {}
            value = (
                str(chosen.get("label") or chosen.get("name") or "").strip()
                if isinstance(chosen, Mapping)
                else ""
            )
            if value:
                options[_label(node) or f"Option {len(options) + 1}"] = value
        elif kind == "ImageCustomization":
            images += 1
    return Customisation(texts=tuple(texts), options=options, images=images)


def _walk(node: Mapping[str, Any]) -> Iterator[Mapping[str, Any]]:
    yield node
    for child in node.get("children") or []:
        if isinstance(child, Mapping):
            yield from _walk(child)
