"""A shop's catalogue: products, combinations, stock, suppliers; generated deterministically.

Rows are compact objects rendered on demand, so a shop holds 50,000 products (and their
combinations, stock rows and supplier links) in little memory. A product with combinations
sells only through them: each combination has its own reference (the SKU), ean13, price and
weight impacts and stock row; the product-level stock row (``id_product_attribute`` 0) is the
sum of its combinations', as PrestaShop keeps it.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from . import data
from .output import I18n

if TYPE_CHECKING:
    from .store import ShopData

FRENCH_FAMILIES = {
    "TSHIRT": "T-shirt", "HOODIE": "Sweat à capuche", "MUG": "Mug", "POSTER": "Affiche",
    "CAP": "Casquette", "TOTE": "Sac cabas", "NOTEBOOK": "Carnet", "SOCKS": "Chaussettes",
}
APPAREL = ("TSHIRT", "HOODIE", "SOCKS")
SIZES = (1, 2, 3, 4)
COLORS = (10, 11, 12, 13)


@dataclass(slots=True)
class Product:
    id: int
    reference: str
    ean13: str
    family: str
    theme: str
    price: Decimal
    weight: Decimal
    active: bool
    date_add: datetime
    date_upd: datetime
    id_supplier: int
    image_ids: tuple[int, ...] = ()
    combination_ids: list[int] = field(default_factory=list)
    stock_ids: list[int] = field(default_factory=list)
    suffix: str = ""

    def names(self) -> I18n:
        family = next(f for f in data.FAMILIES if f[0] == self.family)[1]
        return I18n({1: f"{family} {self.theme}{self.suffix}",
                     2: f"{FRENCH_FAMILIES[self.family]} {self.theme}{self.suffix}"})


@dataclass(slots=True)
class Combination:
    id: int
    id_product: int
    reference: str
    ean13: str
    price_impact: Decimal
    weight_impact: Decimal
    option_values: tuple[int, ...]
    image_ids: tuple[int, ...] = ()
    default_on: bool = False


@dataclass(slots=True)
class StockAvailable:
    id: int
    id_product: int
    id_product_attribute: int
    quantity: int
    depends_on_stock: bool = False
    out_of_stock: int = 2
    location: str = ""
    id_shop: int = 1
    id_shop_group: int = 0


@dataclass(slots=True)
class ProductSupplier:
    id: int
    id_product: int
    id_product_attribute: int
    id_supplier: int
    reference: str
    price: Decimal


def ean13(number: int) -> str:
    body = f"{376000000000 + number % 1_000_000_000:012d}"
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(body))
    return body + str((10 - total % 10) % 10)


# -- rendering ------------------------------------------------------------------------------
def render_product(shop: ShopData, p: Product) -> dict[str, Any]:
    names = p.names()
    quantity = sum(shop.stock.rows[s].quantity for s in p.stock_ids
                   if shop.stock.rows[s].id_product_attribute == 0)
    return {
        "id": p.id, "id_manufacturer": 0, "id_supplier": p.id_supplier, "id_category_default": 2,
        "new": None, "id_default_image": p.image_ids[0] if p.image_ids else "",
        "id_default_combination": p.combination_ids[0] if p.combination_ids else 0,
        "id_tax_rules_group": 1, "type": "simple", "id_shop_default": 1,
        "reference": p.reference, "supplier_reference": "", "location": "",
        "width": Decimal(0), "height": Decimal(0), "depth": Decimal(0), "weight": p.weight,
        "quantity_discount": False, "ean13": p.ean13, "isbn": "", "upc": "", "mpn": "",
        "cache_is_pack": False, "cache_has_attachments": False, "is_virtual": False, "state": 1,
        "product_type": "combinations" if p.combination_ids else "standard",
        "on_sale": False, "online_only": False, "ecotax": Decimal(0), "minimal_quantity": 1,
        "price": p.price, "wholesale_price": (p.price * Decimal("0.4")).quantize(Decimal("0.01")),
        "unity": "", "customizable": 0, "active": p.active, "available_for_order": True,
        "condition": "new", "show_price": True, "visibility": "both",
        "advanced_stock_management": False, "date_add": p.date_add, "date_upd": p.date_upd,
        "meta_title": I18n({1: "", 2: ""}),
        "link_rewrite": I18n({k: v.lower().replace(" ", "-") for k, v in names.items()}),
        "name": names, "description_short": I18n({1: "", 2: ""}), "quantity": quantity,
        "associations": {
            "categories": [{"id": 2}],
            "images": [{"id": i} for i in p.image_ids],
            "combinations": [{"id": c} for c in p.combination_ids],
            "stock_availables": [
                {"id": s, "id_product_attribute": shop.stock.rows[s].id_product_attribute}
                for s in p.stock_ids
            ],
        },
    }


def render_combination(shop: ShopData, c: Combination) -> dict[str, Any]:
    stock_id = shop.stock_index.get((c.id_product, c.id))
    quantity = shop.stock.rows[stock_id].quantity if stock_id else 0
    return {
        "id": c.id, "id_product": c.id_product, "location": "", "ean13": c.ean13, "isbn": "",
        "upc": "", "mpn": "", "quantity": quantity, "reference": c.reference,
        "supplier_reference": "", "wholesale_price": Decimal(0), "price": c.price_impact,
        "ecotax": Decimal(0), "weight": c.weight_impact, "unit_price_impact": Decimal(0),
        "minimal_quantity": 1, "default_on": c.default_on or None,
        "available_date": "0000-00-00",
        "associations": {
            "product_option_values": [{"id": v} for v in c.option_values],
            "images": [{"id": i} for i in c.image_ids],
        },
    }


def render_stock(s: StockAvailable) -> dict[str, Any]:
    return {
        "id": s.id, "id_product": s.id_product, "id_product_attribute": s.id_product_attribute,
        "id_shop": s.id_shop, "id_shop_group": s.id_shop_group, "quantity": s.quantity,
        "depends_on_stock": s.depends_on_stock, "out_of_stock": s.out_of_stock,
        "location": s.location,
    }


def render_product_supplier(ps: ProductSupplier) -> dict[str, Any]:
    return {
        "id": ps.id, "id_product": ps.id_product, "id_product_attribute": ps.id_product_attribute,
        "id_supplier": ps.id_supplier, "id_currency": 1,
        "product_supplier_reference": ps.reference, "product_supplier_price_te": ps.price,
    }


# -- generation -----------------------------------------------------------------------------
def ensure_suppliers(shop: ShopData, count: int, now: datetime) -> list[int]:
    table = shop.tables["suppliers"]
    for name in data.SUPPLIER_NAMES[len(table):count]:
        table.add({
            "link_rewrite": name.lower().replace(" ", "-"), "name": name, "active": True,
            "date_add": now, "date_upd": now, "description": I18n({1: "", 2: ""}),
            "meta_title": I18n({1: "", 2: ""}),
        })
    return list(table.ids[:max(1, count)])


def generate_products(shop: ShopData, *, count: int, seed: int | None, now: datetime,
                      combinations_ratio: float = 0.25, images_per_product: int = 2,
                      missing_reference: int = 0, suppliers: int = 4,
                      start: datetime | None = None) -> dict[str, Any]:
    """Add ``count`` products (the last ``missing_reference`` without a reference).

    Returns the id range and ``skus``: how many sellable references (products without
    combinations, and combinations) were added.
    """
    rng = random.Random(seed)
    supplier_ids = ensure_suppliers(shop, suppliers, now)
    first = shop.products.next_id
    base = start or now - timedelta(seconds=count)
    skus = 0
    for index in range(count):
        family = data.FAMILIES[rng.randrange(len(data.FAMILIES))]
        theme = data.THEMES[rng.randrange(len(data.THEMES))]
        when = base + timedelta(seconds=index)
        pid = shop.products.next_id
        product = Product(
            id=pid, reference=f"PS-{family[0]}-{pid:06d}", ean13=ean13(pid * 10),
            family=family[0], theme=theme, price=Decimal(family[2]), weight=Decimal(family[3]),
            active=rng.random() > 0.03, date_add=when, date_upd=when,
            id_supplier=supplier_ids[rng.randrange(len(supplier_ids))],
        )
        if index >= count - missing_reference:
            product.reference = ""
        product.image_ids = shop.new_image_ids(pid, images_per_product)
        shop.products.add(product, pid)
        variants = _variants(rng, family[0], combinations_ratio)
        if not product.reference:
            variants = []  # a product left without a reference is a plain one: no SKU at all
        for option_values in variants:
            _add_combination(shop, product, option_values)
        # A combinations product's own row holds the sum of its combinations' stock.
        shop.add_stock(product, 0, None if variants else rng.randint(0, 60))
        _link_supplier(shop, product)
        skus += len(variants) or int(bool(product.reference))
    return {"created": count, "first_id": first, "last_id": shop.products.next_id - 1,
            "skus": skus}


def _variants(rng: random.Random, family: str, ratio: float) -> list[tuple[int, ...]]:
    if family not in APPAREL or rng.random() >= ratio:
        return []
    colors = rng.sample(COLORS, rng.choice((1, 2)))
    sizes = SIZES[:3] if rng.random() < 0.5 else SIZES
    return [(size, color) for color in colors for size in sizes]


def _add_combination(shop: ShopData, product: Product, option_values: tuple[int, ...]) -> None:
    table = shop.tables["combinations"]
    cid = table.next_id
    codes = [next(v.code for v in data.OPTION_VALUES if v.id == o) for o in option_values]
    combination = Combination(
        id=cid, id_product=product.id,
        reference=f"{product.reference}-{codes[1]}-{codes[0]}" if product.reference else "",
        ean13=ean13(product.id * 10 + len(product.combination_ids) + 1),
        price_impact=Decimal("2.000000") if codes[0] == "XL" else Decimal(0),
        weight_impact=Decimal("0.050000") if codes[0] in ("L", "XL") else Decimal(0),
        option_values=option_values, image_ids=product.image_ids[:1],
        default_on=not product.combination_ids,
    )
    table.add(combination, cid)
    product.combination_ids.append(cid)
    shop.add_stock(product, cid, random.Random(cid).randint(0, 25))


def _link_supplier(shop: ShopData, product: Product) -> None:
    table = shop.tables["product_suppliers"]
    price = (product.price * Decimal("0.4")).quantize(Decimal("0.000001"))
    for attribute in (0, *product.combination_ids):
        table.add(ProductSupplier(
            id=0, id_product=product.id, id_product_attribute=attribute,
            id_supplier=product.id_supplier, reference=f"SUP-{product.id}-{attribute}",
            price=price,
        ))


def touch_products(shop: ShopData, ids: list[int] | None, suffix: str, now: datetime) -> int:
    """Rename products (the name gets ``suffix``) as a merchant editing them would."""
    touched = 0
    for pid in ids if ids is not None else list(shop.products.ids):
        product = shop.products.get(pid)
        if product is None:
            continue
        product.suffix = suffix
        product.date_upd = now
        touched += 1
    return touched


def sku_index(shop: ShopData) -> dict[str, tuple[int, int]]:
    """Reference (lower case) -> (id_product, id_product_attribute) of sellable items."""
    index: dict[str, tuple[int, int]] = {}
    for product in shop.products.values():
        if product.combination_ids:
            for cid in product.combination_ids:
                combination = shop.tables["combinations"].rows[cid]
                if combination.reference:
                    index[combination.reference.lower()] = (product.id, cid)
        elif product.reference:
            index[product.reference.lower()] = (product.id, 0)
    return index
