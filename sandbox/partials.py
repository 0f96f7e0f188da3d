"""Records a test describes in part, merged onto generated ones.

A test names only what it cares about (``{"customer": {"shipping_address": {"city": "Lyon"}}}``)
and gets an otherwise complete, realistic record. The merge rule is the same for every
simulator that offers it: dicts merge key by key, anything else replaces.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sandbox.timeutil import parse_iso


def deep_merge(base: dict[str, Any], override: dict[str, Any]) -> None:
    """Merge ``override`` into ``base`` in place, key by key at every depth."""
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            deep_merge(base[key], value)
        else:
            base[key] = value


def date_or(value: Any, default: datetime) -> datetime:
    """A date the partial gives (ISO-8601), else ``default``: a deliberately broken date stays
    in the payload, while the record still sorts and filters by ``default``."""
    try:
        return parse_iso(value) if isinstance(value, str) else default
    except ValueError:
        return default
