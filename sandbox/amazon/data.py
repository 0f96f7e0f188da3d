"""Plain data the Amazon simulator draws from: marketplaces, usage plans, a print-on-demand
catalogue with Amazon Custom products, buyers and addresses.

Kept as data so a test can name a SKU, a marketplace or a city, and the generator stays small.
"""

from __future__ import annotations

from typing import NamedTuple


class Marketplace(NamedTuple):
    code: str
    marketplace_id: str
    region: str
    currency: str
    sales_channel: str


MARKETPLACES = {
    m.code: m
    for m in (
        Marketplace("CA", "A2EUQ1WTGCTBG2", "NA", "CAD", "Amazon.ca"),
        Marketplace("US", "ATVPDKIKX0DER", "NA", "USD", "Amazon.com"),
        Marketplace("MX", "A1AM78C64UM0Y8", "NA", "MXN", "Amazon.com.mx"),
        Marketplace("BR", "A2Q3Y263D00KWC", "NA", "BRL", "Amazon.com.br"),
        Marketplace("ES", "A1RKKUPIHCS9HS", "EU", "EUR", "Amazon.es"),
        Marketplace("UK", "A1F83G8C2ARO7P", "EU", "GBP", "Amazon.co.uk"),
        Marketplace("FR", "A13V1IB3VIYZZH", "EU", "EUR", "Amazon.fr"),
        Marketplace("BE", "AMEN7PMS3EDWL", "EU", "EUR", "Amazon.com.be"),
        Marketplace("NL", "A1805IZSGTT6HS", "EU", "EUR", "Amazon.nl"),
        Marketplace("DE", "A1PA6795UKMFR9", "EU", "EUR", "Amazon.de"),
        Marketplace("IT", "APJ6JRA9NG5V4", "EU", "EUR", "Amazon.it"),
        Marketplace("SE", "A2NODRKZP88ZB9", "EU", "SEK", "Amazon.se"),
        Marketplace("PL", "A1C3SOZRARQ6R3", "EU", "PLN", "Amazon.pl"),
        Marketplace("EG", "ARBP9OOSHTCHU", "EU", "EGP", "Amazon.eg"),
        Marketplace("TR", "A33AVAJ2PDY3EV", "EU", "TRY", "Amazon.com.tr"),
        Marketplace("SA", "A17E79C6D8DWNP", "EU", "SAR", "Amazon.sa"),
        Marketplace("AE", "A2VIGQ35RCS4UG", "EU", "AED", "Amazon.ae"),
        Marketplace("IN", "A21TJRUUN4KGV", "EU", "INR", "Amazon.in"),
        Marketplace("SG", "A19VAU5U5O7RUS", "FE", "SGD", "Amazon.sg"),
        Marketplace("AU", "A39IBJ37TRP1C6", "FE", "AUD", "Amazon.com.au"),
        Marketplace("JP", "A1VC38T7YXB528", "FE", "JPY", "Amazon.co.jp"),
    )
}
BY_ID = {m.marketplace_id: m for m in MARKETPLACES.values()}
ORDER_ID_PREFIX = {"NA": "112", "EU": "202", "FE": "503"}

# operationId -> (rate per second, burst): the default usage plans of the Orders v0 and Tokens
# models. A seller created through the control API may be given other values.
USAGE_PLANS: dict[str, tuple[float, int]] = {
    "getOrders": (0.0167, 20),
    "getOrder": (0.5, 30),
    "getOrderBuyerInfo": (0.5, 30),
    "getOrderAddress": (0.5, 30),
    "getOrderItems": (0.5, 30),
    "getOrderItemsBuyerInfo": (0.5, 30),
    "confirmShipment": (2.0, 10),
    "createRestrictedDataToken": (1.0, 10),
}


class Product(NamedTuple):
    sku: str
    asin: str
    title: str
    price: float
    custom: bool  # an Amazon Custom product: the buyer personalises it


CATALOGUE = (
    Product("AMZ-MUG-PERSO-11OZ", "B0C1MUG001", "Personalised Mug 11oz", 14.99, True),
    Product("AMZ-TSHIRT-PERSO", "B0C1TSH002", "Personalised T-Shirt", 19.99, True),
    Product("AMZ-CUSHION-PERSO", "B0C1CUS003", "Personalised Cushion 40x40", 24.50, True),
    Product("AMZ-POSTER-A3", "B0C1POS004", "Art Poster A3", 12.00, False),
    Product("AMZ-TOTE-NATURAL", "B0C1TOT005", "Cotton Tote Bag", 9.90, False),
    Product("AMZ-HOODIE-GREY-L", "B0C1HOO006", "Grey Hoodie L", 34.90, False),
)
CUSTOM_TEXTS = (
    "Happy Birthday Emma",
    "Best Dad Ever",
    "Joyeux anniversaire Léa",
    "Team Smith 2026",
    "Für Oma, in Liebe",
    "World's okayest runner",
    "Merry Christmas Noah",
    "Mr & Mrs Jones",
)
FONTS = ("Arial", "Pacifico", "Roboto Slab", "Great Vibes", "Lobster")
COLOURS = (("Black", "#000000"), ("Navy", "#1F2A44"), ("Red", "#C8102E"), ("Gold", "#D4AF37"))
SIZES = ("S", "M", "L", "XL")
GIFT_MESSAGES = ("Happy birthday!", "With love from all of us", "Et toi!", "Congratulations")


class City(NamedTuple):
    name: str
    postcode: str
    state: str
    country_code: str
    phone_prefix: str


CITIES = {
    "UK": (
        City("London", "SW1A 1AA", "Greater London", "GB", "+44"),
        City("Manchester", "M1 1AE", "Greater Manchester", "GB", "+44"),
        City("Leeds", "LS1 4DY", "West Yorkshire", "GB", "+44"),
    ),
    "DE": (
        City("Berlin", "10115", "Berlin", "DE", "+49"),
        City("München", "80331", "Bayern", "DE", "+49"),
    ),
    "FR": (
        City("Paris", "75011", "Île-de-France", "FR", "+33"),
        City("Lyon", "69003", "Auvergne-Rhône-Alpes", "FR", "+33"),
    ),
    "US": (
        City("Seattle", "98121-2778", "WA", "US", "+1"),
        City("Austin", "78701", "TX", "US", "+1"),
    ),
}
FIRST_NAMES = (
    "Olivia",
    "Amelia",
    "Jack",
    "Harry",
    "Sophie",
    "Lukas",
    "Léa",
    "Noah",
    "Mia",
    "Ethan",
    "Chloé",
    "Jonas",
    "Grace",
    "Oscar",
)
LAST_NAMES = (
    "Smith",
    "Jones",
    "Taylor",
    "Brown",
    "Müller",
    "Schmidt",
    "Martin",
    "Bernard",
    "Wilson",
    "Davies",
    "Evans",
    "Weber",
)
STREETS = (
    "High Street",
    "Station Road",
    "Church Lane",
    "Hauptstraße 12",
    "rue Victor Hugo",
    "Westlake Ave",
    "Mill Lane",
    "Bahnhofstraße 5",
)
SHIP_LEVELS = (
    ("Std UK Dom_1", "Standard"),
    ("Exp UK Dom_1", "Expedited"),
    ("Std DE Dom_2", "Standard"),
    ("Std US D2D Dom", "Standard"),
)
