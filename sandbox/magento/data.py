"""Vocabulary of the generated shop: product families, colours, buyers, cities, shipping methods.

A print-on-demand merchant's Magento: a few product families sold in colours, some as
configurable products with sizes. Buyers and addresses are French, with a few Belgian and Swiss.
"""

from __future__ import annotations

from typing import NamedTuple


class Family(NamedTuple):
    label: str
    code: str
    price: float
    weight_kg: float
    sizes: tuple[str, ...]  # sold as a configurable product when it has sizes


FAMILIES = (
    Family("T-shirt", "TSHIRT", 19.90, 0.20, ("S", "M", "L", "XL")),
    Family("Hoodie", "HOODIE", 49.90, 0.60, ("S", "M", "L")),
    Family("Mug", "MUG", 12.50, 0.35, ()),
    Family("Tote bag", "TOTE", 15.00, 0.15, ()),
    Family("Cap", "CAP", 18.00, 0.10, ()),
    Family("Poster", "POSTER", 9.90, 0.05, ()),
    Family("Notebook", "NOTEBOOK", 8.50, 0.25, ()),
    Family("Phone case", "CASE", 14.90, 0.05, ()),
)

COLOURS = (
    ("Red", "RED", (200, 40, 40)),
    ("Navy", "NAVY", (20, 30, 90)),
    ("White", "WHITE", (245, 245, 245)),
    ("Black", "BLACK", (15, 15, 15)),
    ("Grey", "GREY", (128, 128, 128)),
    ("Green", "GREEN", (40, 150, 60)),
    ("Yellow", "YELLOW", (240, 200, 30)),
)

MOTIFS = ("Sunset", "Mountain", "Wave", "Fox", "Cactus", "Rocket", "Lighthouse", "Bicycle")

FIRST_NAMES = (
    "Claire",
    "Léa",
    "Camille",
    "Manon",
    "Chloé",
    "Hugo",
    "Lucas",
    "Louis",
    "Jules",
    "Gabriel",
    "Inès",
    "Sarah",
    "Thomas",
    "Nathan",
    "Emma",
    "Zoé",
)
LAST_NAMES = (
    "Martin",
    "Bernard",
    "Dubois",
    "Thomas",
    "Robert",
    "Richard",
    "Petit",
    "Durand",
    "Leroy",
    "Moreau",
    "Simon",
    "Laurent",
    "Lefèvre",
    "Michel",
    "Garcia",
    "Fournier",
)
STREETS = (
    "rue de la Paix",
    "avenue Jean Jaurès",
    "boulevard Voltaire",
    "rue Victor Hugo",
    "place de la République",
    "rue du Moulin",
    "chemin des Vignes",
    "allée des Tilleuls",
)
STREET_2 = ("Bât. B", "Appartement 12", "2e étage", "Résidence Les Pins")


class City(NamedTuple):
    name: str
    postcode: str
    country_id: str
    region: str | None
    phone_prefix: str


CITIES = (
    City("Lyon", "69002", "FR", None, "+33"),
    City("Paris", "75011", "FR", None, "+33"),
    City("Marseille", "13001", "FR", None, "+33"),
    City("Nantes", "44000", "FR", None, "+33"),
    City("Toulouse", "31000", "FR", None, "+33"),
    City("Lille", "59000", "FR", None, "+33"),
    City("Bruxelles", "1000", "BE", "Bruxelles", "+32"),
    City("Genève", "1201", "CH", "Genève", "+41"),
)

# (method code carrier_method, description shown to the buyer, shipping price)
SHIPPING_METHODS = (
    ("flatrate_flatrate", "Flat Rate - Fixed", 4.90),
    ("tablerate_bestway", "Best Way - Table Rate", 6.50),
    ("freeshipping_freeshipping", "Free Shipping - Free", 0.0),
)
UNKNOWN_METHOD = ("dronedelivery_express", "Drone Delivery - Express", 12.0)

PERSONALISATIONS = (
    "Joyeux anniversaire Léa",
    "Pour Hugo, avec amour",
    "Team Rocket 2026",
    "Meilleure maman du monde",
)
PAYMENT_METHODS = ("checkmo", "banktransfer", "cashondelivery")
