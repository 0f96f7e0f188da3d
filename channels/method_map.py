"""The "Shipping method map" setting: which OMS shipping method a shop's own method stands for.

Magento, Shopify and PrestaShop orders name their shipping by the shop's own terms (a method
code, a rate title, a carrier), which the OMS does not know; the operator maps them as
``shop method=OMS method`` pairs separated by commas, semicolons or new lines. The format, its
checks and the setting are declared here once. A channel says only what really differs: what
the shop side is called in messages, how shop methods compare (as written, or without case),
whether it must look like a code, and whether the map may be empty.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from channels.settings_spec import Setting

NAME = "shipping_method_map"
LABEL = "Shipping method map"
SEPARATORS = re.compile(r"[,;\n]")


def _as_written(shop_method: str) -> str:
    return shop_method


@dataclass(frozen=True)
class MethodMap:
    """One channel's flavour of the map; ``parse`` gives {shop method (folded): OMS method}.

    ``malformed`` is the message for an entry that is not a pair (``{entry}`` is the entry),
    ``twice`` the one for a shop method mapped to two OMS methods (``{shop}``), ``empty`` the
    one for a map without entries when at least one is needed ("" allows an empty map).
    """

    malformed: str
    twice: str = "'{shop}' is mapped twice"
    fold: Callable[[str], str] = _as_written
    check_shop: Callable[[str], str | None] | None = None
    empty: str = ""

    def parse(self, text: str | None) -> dict[str, str]:
        """The map; raises ValueError naming the first entry it cannot read.

        An entry is split at its last ``=``: OMS methods are codes, while the shop side may be
        a title the merchant typed.
        """
        methods: dict[str, str] = {}
        for raw in SEPARATORS.split(text or ""):
            entry = raw.strip()
            if not entry:
                continue
            shop, sep, oms = (part.strip() for part in entry.rpartition("="))
            if not sep or not shop or not oms:
                raise ValueError(self.malformed.format(entry=entry))
            problem = self.check_shop(shop) if self.check_shop else None
            if problem:
                raise ValueError(problem)
            key = self.fold(shop)
            if methods.get(key, oms) != oms:
                raise ValueError(self.twice.format(shop=shop))
            methods[key] = oms
        if not methods and self.empty:
            raise ValueError(self.empty)
        return methods

    def validate(self, value: str) -> str | None:
        """The setting's validator: the parse error, if any."""
        try:
            self.parse(value)
        except ValueError as exc:
            return str(exc)
        return None

    def setting(self, *, help: str, required: bool = False) -> Setting:
        return Setting(NAME, LABEL, required=required, validator=self.validate, help=help)
