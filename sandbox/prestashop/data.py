"""Reference data of a fresh PrestaShop install, as the generators and the API serve it.

Order states, countries and currencies keep the ids and flags of the default install
(``install-dev/data/xml/order_state.xml`` and its English/French names), so a connector tested
here meets the same ids a real shop starts with, and has to resolve them by flags anyway.
"""

from __future__ import annotations

from typing import NamedTuple

LANGUAGES = ((1, "en", "English (English)"), (2, "fr", "Français (French)"))


class OrderState(NamedTuple):
    id: int
    name_en: str
    name_fr: str
    template: str
    module_name: str
    color: str
    invoice: bool
    send_email: bool
    logable: bool
    delivery: bool
    shipped: bool
    paid: bool


ORDER_STATES = (
    OrderState(1, "Awaiting check payment", "En attente du paiement par chèque", "cheque",
               "ps_checkpayment", "#34209E", False, True, False, False, False, False),
    OrderState(2, "Payment accepted", "Paiement accepté", "payment", "", "#3498D8",
               True, True, True, False, False, True),
    OrderState(3, "Processing in progress", "En cours de préparation", "preparation", "",
               "#3498D8", True, True, True, True, False, True),
    OrderState(4, "Shipped", "Expédié", "shipped", "", "#01B887", True, True, True, True, True,
               True),
    OrderState(5, "Delivered", "Livré", "", "", "#01B887", True, False, True, True, True, True),
    OrderState(6, "Canceled", "Annulé", "order_canceled", "", "#2C3E50", False, True, False,
               False, False, False),
    OrderState(7, "Refunded", "Remboursé", "refund", "", "#01B887", True, True, False, False,
               False, False),
    OrderState(8, "Payment error", "Erreur de paiement", "payment_error", "", "#E74C3C",
               False, True, False, False, False, False),
    OrderState(9, "On backorder (paid)", "En attente de réapprovisionnement (payé)",
               "outofstock", "", "#3498D8", True, True, False, False, False, True),
    OrderState(10, "Awaiting bank wire payment", "En attente de virement bancaire", "bankwire",
               "ps_wirepayment", "#34209E", False, True, False, False, False, False),
    OrderState(11, "Remote payment accepted", "Paiement à distance accepté", "payment", "",
               "#3498D8", True, True, True, False, False, True),
    OrderState(12, "On backorder (not paid)", "En attente de réapprovisionnement (non payé)",
               "outofstock", "", "#34209E", False, True, False, False, False, False),
    OrderState(13, "Awaiting Cash On Delivery validation",
               "En attente de validation du paiement à la livraison", "cashondelivery",
               "ps_cashondelivery", "#34209E", False, False, False, False, False, False),
)

# Names the control API accepts for a state, besides its numeric id.
STATE_ALIASES = {
    "none": 0, "cheque": 1, "paid": 2, "preparation": 3, "shipped": 4, "delivered": 5,
    "canceled": 6, "cancelled": 6, "refunded": 7, "error": 8, "backorder_paid": 9,
    "bankwire": 10, "remote": 11, "backorder_unpaid": 12, "cod": 13,
}
UNPAID_STATES = (1, 10, 13)


class Country(NamedTuple):
    id: int
    iso_code: str
    name: str
    call_prefix: int
    zone: int


COUNTRIES = (
    Country(1, "DE", "Germany", 49, 1), Country(3, "BE", "Belgium", 32, 1),
    Country(6, "ES", "Spain", 34, 1), Country(8, "FR", "France", 33, 1),
    Country(10, "IT", "Italy", 39, 1), Country(17, "GB", "United Kingdom", 44, 7),
    Country(19, "CH", "Switzerland", 41, 7), Country(21, "US", "United States", 1, 2),
)


class State(NamedTuple):
    id: int
    id_country: int
    iso_code: str
    name: str


STATES = (
    State(4, 21, "CA", "California"), State(32, 21, "NY", "New York"),
    State(43, 21, "TX", "Texas"),
)


class Currency(NamedTuple):
    id: int
    iso_code: str
    numeric_iso_code: str
    name: str
    symbol: str
    conversion_rate: str


CURRENCIES = (
    Currency(1, "EUR", "978", "Euro", "€", "1.000000"),
    Currency(2, "GBP", "826", "British Pound", "£", "0.860000"),
    Currency(3, "USD", "840", "US Dollar", "$", "1.080000"),
)


class Carrier(NamedTuple):
    id: int
    name: str
    url: str
    delay: str


CARRIERS = (
    Carrier(1, "Click and collect", "", "Pick up in-store"),
    Carrier(2, "My carrier", "", "Delivery next day!"),
    Carrier(3, "Colissimo", "https://www.laposte.fr/outils/suivre-vos-envois?code=@",
            "48h"),
    Carrier(4, "DPD Predict", "https://tracking.dpd.de/status/fr_FR/parcel/@", "24h-48h"),
    Carrier(5, "Drone Express", "", "Within the hour"),
)
# Generated orders use these; Drone Express is what an 'unknown carrier' order gets.
USUAL_CARRIERS = (2, 3, 4)
UNUSUAL_CARRIER = 5


class City(NamedTuple):
    name: str
    postcode: str
    id_country: int
    phone_prefix: str
    id_state: int = 0


CITIES = (
    City("Paris", "75011", 8, "+33"), City("Lyon", "69003", 8, "+33"),
    City("Marseille", "13006", 8, "+33"), City("Nantes", "44000", 8, "+33"),
    City("Bordeaux", "33000", 8, "+33"), City("Lille", "59000", 8, "+33"),
    City("Strasbourg", "67000", 8, "+33"), City("Bruxelles", "1000", 3, "+32"),
    City("Genève", "1204", 19, "+41"), City("Berlin", "10115", 1, "+49"),
    City("San Francisco", "94103", 21, "+1", 4),
)
FIRST_NAMES = (
    "Léa", "Chloé", "Camille", "Manon", "Inès", "Hugo", "Lucas", "Thomas", "Julien", "Emma",
    "Louise", "Théo", "Maxime", "Sarah", "Noémie", "Baptiste", "Clara", "Raphaël",
)
LAST_NAMES = (
    "Martin", "Bernard", "Dubois", "Durand", "Leroy", "Moreau", "Simon", "Laurent", "Lefèvre",
    "Michel", "Garcia", "Fournier", "Girard", "Mercier", "Dupont", "Lambert", "Bonnet", "Roux",
)
STREETS = (
    "rue de la République", "avenue Jean Jaurès", "rue Victor Hugo", "boulevard Voltaire",
    "place Bellecour", "rue Pasteur", "allée des Acacias", "quai de la Fosse",
)
PAYMENTS = {
    2: ("ps_checkout", "PrestaShop Checkout"), 11: ("stripe_official", "Card via Stripe"),
    1: ("ps_checkpayment", "Payment by check"), 10: ("ps_wirepayment", "Bank transfer"),
    13: ("ps_cashondelivery", "Cash on delivery (COD)"),
}

# Catalogue vocabulary: product families, and attribute groups for the combinations.
FAMILIES = (
    ("TSHIRT", "T-shirt", "19.900000", "0.200000"),
    ("HOODIE", "Hoodie", "44.900000", "0.650000"),
    ("MUG", "Mug", "12.500000", "0.350000"),
    ("POSTER", "Poster", "15.000000", "0.150000"),
    ("CAP", "Cap", "17.500000", "0.120000"),
    ("TOTE", "Tote bag", "14.900000", "0.180000"),
    ("NOTEBOOK", "Notebook", "9.900000", "0.300000"),
    ("SOCKS", "Socks", "8.500000", "0.080000"),
)
THEMES = (
    "Mountain", "Ocean", "Forest", "City", "Retro", "Sunset", "Galaxy", "Botanical", "Vintage",
    "Minimal", "Tropical", "Nordic",
)


class OptionValue(NamedTuple):
    id: int
    group: int  # 1 = Size, 2 = Color
    code: str
    name_en: str
    name_fr: str
    color: str


OPTION_GROUPS = ((1, "Size", "Taille"), (2, "Color", "Couleur"))
OPTION_VALUES = (
    OptionValue(1, 1, "S", "S", "S", ""), OptionValue(2, 1, "M", "M", "M", ""),
    OptionValue(3, 1, "L", "L", "L", ""), OptionValue(4, 1, "XL", "XL", "XL", ""),
    OptionValue(10, 2, "RED", "Red", "Rouge", "#E84C3D"),
    OptionValue(11, 2, "BLUE", "Blue", "Bleu", "#5D9CEC"),
    OptionValue(12, 2, "BLACK", "Black", "Noir", "#434A54"),
    OptionValue(13, 2, "WHITE", "White", "Blanc", "#FFFFFF"),
)
SUPPLIER_NAMES = (
    "Atelier Textile Lyon", "Imprimerie du Nord", "Céramiques de Provence", "Papeterie Moderne",
    "Bonneterie de Troyes", "Print Factory Europe", "Stitch & Co", "Encres Bretonnes",
)
