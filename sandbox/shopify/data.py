"""Word lists the Shopify generator draws from: a print-on-demand catalogue and its buyers.

Plain data, no logic. Names, streets and cities are invented or generic; phone numbers use
reserved fictional ranges.
"""

from __future__ import annotations

from typing import NamedTuple


class ProductType(NamedTuple):
    name: str
    handle: str  # SKU stem
    price: str
    grams: int
    option: str  # the option name, or "" for a product without variants
    values: tuple[str, ...]


PRODUCT_TYPES: tuple[ProductType, ...] = (
    ProductType("T-Shirt", "TSHIRT", "24.90", 180, "Size", ("S", "M", "L", "XL")),
    ProductType("Hoodie", "HOODIE", "49.00", 520, "Size", ("S", "M", "L", "XL")),
    ProductType("Mug", "MUG", "14.50", 350, "Color", ("White", "Black")),
    ProductType("Poster", "POSTER", "19.00", 120, "Format", ("A3", "A2", "50x70")),
    ProductType("Tote Bag", "TOTE", "17.90", 150, "", ()),
    ProductType("Cap", "CAP", "22.00", 110, "Color", ("Navy", "Black", "Sand")),
    ProductType("Sticker Pack", "STICKER", "6.50", 20, "", ()),
    ProductType("Notebook", "NOTEBOOK", "12.00", 260, "Paper", ("Lined", "Dotted", "Blank")),
    ProductType("Phone Case", "CASE", "21.00", 40, "Model", ("iPhone 15", "iPhone 16", "Pixel 9")),
    ProductType("Socks", "SOCKS", "11.00", 70, "Size", ("36-40", "41-46")),
)

ADJECTIVES = (
    "Vintage", "Retro", "Minimal", "Cosmic", "Wild", "Sleepy", "Golden", "Neon", "Tiny",
    "Brave", "Quiet", "Electric", "Lucky", "Misty", "Sunny", "Stormy",
)
MOTIFS = (
    "Fox", "Owl", "Mountain", "Wave", "Cactus", "Rocket", "Cat", "Whale", "Forest", "Moon",
    "Tiger", "Bicycle", "Lighthouse", "Octopus", "Fern", "Hedgehog",
)
VENDORS = ("Atelier Nord", "Studio Pixel", "Maison Bleue", "Print Works")
TAGS = ("bestseller", "new", "gift", "eco", "limited")

FIRST_NAMES = (
    "Emma", "Louis", "Alice", "Noah", "Olivia", "Jules", "Mia", "Liam", "Léa", "Hugo",
    "Sophie", "Lucas", "Anna", "Ben", "Clara", "Max",
)
LAST_NAMES = (
    "Martin", "Bernard", "Smith", "Müller", "Dubois", "Jones", "Schmidt", "Moreau", "Taylor",
    "Fischer", "Laurent", "Brown", "Weber", "Roux", "Wilson", "Becker",
)
STREETS = (
    "Chestnut Street", "Rue de la Paix", "Hauptstraße", "High Street", "Avenue Victor Hugo",
    "Baker Street", "Rue des Lilas", "Gartenweg", "Station Road", "Boulevard Voltaire",
)


class City(NamedTuple):
    name: str
    zip: str
    province: str | None
    province_code: str | None
    country: str
    country_code: str
    phone_prefix: str


CITIES: tuple[City, ...] = (
    City("Louisville", "40202", "Kentucky", "KY", "United States", "US", "+1 502-555"),
    City("Portland", "97205", "Oregon", "OR", "United States", "US", "+1 503-555"),
    City("Lyon", "69002", None, None, "France", "FR", "+33 4 55"),
    City("Paris", "75011", None, None, "France", "FR", "+33 1 55"),
    City("Berlin", "10115", None, None, "Germany", "DE", "+49 30 555"),
    City("Hamburg", "20095", None, None, "Germany", "DE", "+49 40 555"),
    City("Manchester", "M1 1AE", "England", "ENG", "United Kingdom", "GB", "+44 161 555"),
    City("Toronto", "M5V 2T6", "Ontario", "ON", "Canada", "CA", "+1 416-555"),
)

# (title, code): the shop's own shipping rates as they appear in `shipping_lines`.
SHIPPING_RATES: tuple[tuple[str, str], ...] = (
    ("Standard Shipping", "STANDARD"),
    ("Express", "EXPRESS"),
    ("Free Shipping", "Free Shipping"),
)
UNKNOWN_SHIPPING_RATE = ("Drone Delivery", "DRONE")

ENGRAVINGS = ("Happy Birthday", "For Léa, with love", "Team 2026", "Merci !", "Best Dad")
NOTES = ("Please gift wrap", "Leave at the door", None, None, None)
