"""Country codes: channels speak alpha-3 or alpha-2; the OMS stores alpha-2."""

from __future__ import annotations

import pycountry


def alpha2(code: object) -> str:
    """ISO 3166-1 alpha-2 for an alpha-2 or alpha-3 code ('' when unknown)."""
    if not code or not isinstance(code, str):
        return ""
    text = code.strip().upper()
    if text == "UK":
        return "GB"
    country = pycountry.countries.get(alpha_2=text) if len(text) == 2 else None
    if country is None and len(text) == 3:
        country = pycountry.countries.get(alpha_3=text)
    return country.alpha_2 if country else ""
