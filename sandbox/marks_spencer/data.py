"""Plain data the M&S order generator draws from: UK customers and addresses, a catalogue of
personalised products, delivery methods and personalisation texts.

Kept as data so that a test can name a SKU or a town, and so the generator stays small.
"""

from __future__ import annotations

from typing import NamedTuple

FIRST_NAMES = (
    "Olivia", "Amelia", "Isla", "Ava", "Emily", "Sophie", "Grace", "Charlotte", "Harriet",
    "Eleanor", "Niamh", "Siobhan", "Oliver", "George", "Harry", "Jack", "Noah", "Thomas",
    "William", "James", "Rhys", "Callum", "Hamish", "Alfie",
)
LAST_NAMES = (
    "Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Evans",
    "Thomas", "Roberts", "Walker", "Wright", "Thompson", "Hughes", "Edwards", "Green", "Hall",
    "Wood", "Clarke", "Patel", "O'Brien", "MacDonald", "Ó Súilleabháin", "Fitzgerald-Hope",
)
TITLES = ("Mrs", "Ms", "Miss", "Mr", "Dr", "Mx")
STREETS = (
    "High Street", "Station Road", "Church Lane", "Victoria Road", "Manor Way", "The Crescent",
    "Mill Lane", "Queen's Road", "Kingsway", "Park Avenue", "Orchard Close", "St John's Terrace",
)
FLATS = ("Flat 2", "Flat 14B", "Apartment 3", "The Old Rectory", "Unit 7")
COMPANIES = ("Hope & Co Ltd", "Thistle Design Studio", "Riverside Surgery")


class Town(NamedTuple):
    name: str
    county: str
    postcode: str
    country_code: str  # ISO 3166-1 alpha-2, as M&S sends it


TOWNS = (
    Town("London", "Greater London", "SW1A 1AA", "GB"),
    Town("London", "Greater London", "N1 9GU", "GB"),
    Town("Manchester", "Greater Manchester", "M1 1AE", "GB"),
    Town("Leeds", "West Yorkshire", "LS1 4DY", "GB"),
    Town("Bristol", "City of Bristol", "BS1 5TR", "GB"),
    Town("Chester", "Cheshire", "CH1 2HU", "GB"),
    Town("York", "North Yorkshire", "YO1 7HH", "GB"),
    Town("Edinburgh", "Midlothian", "EH1 1YZ", "GB"),
    Town("Glasgow", "Lanarkshire", "G1 2FF", "GB"),
    Town("Cardiff", "South Glamorgan", "CF10 1EP", "GB"),
    Town("Belfast", "County Antrim", "BT1 5GS", "GB"),
    Town("Dublin", "County Dublin", "D02 X285", "IE"),
)


class Product(NamedTuple):
    sku: str  # the M&S SKU the supplier receives
    product_code: str  # M&S's own product (stroke) number
    description: str
    unit_price: float
    personalised: bool


CATALOGUE = (
    Product("MS-MUG-WHT-330", "T61/4821", "Personalised White Mug 330ml", 12.00, True),
    Product("MS-MUG-BLK-330", "T61/4822", "Personalised Black Mug 330ml", 14.00, True),
    Product("MS-CUSH-NAT-45", "T62/1190", "Personalised Linen Cushion 45cm", 29.50, True),
    Product("MS-TOTE-NAT", "T09/3340", "Personalised Cotton Tote Bag", 15.00, True),
    Product("MS-PJ-NAVY-M", "T37/5507", "Personalised Navy Pyjama Set M", 35.00, True),
    Product("MS-PJ-NAVY-L", "T37/5508", "Personalised Navy Pyjama Set L", 35.00, True),
    Product("MS-ROBE-WHT-ONE", "T37/6612", "Personalised Waffle Dressing Gown", 45.00, True),
    Product("MS-PRINT-A3", "T64/0093", "Personalised Family Print A3", 25.00, True),
    Product("MS-CARD-BDAY", "T66/2210", "Personalised Birthday Card", 4.50, True),
    Product("MS-BAG-GIFT", "T66/2299", "Gift Bag", 3.00, False),
)


class DeliveryMethod(NamedTuple):
    code: str
    name: str
    charge: float


DELIVERY_METHODS = (
    DeliveryMethod("STD", "Standard Delivery", 4.99),
    DeliveryMethod("STD", "Standard Delivery", 4.99),
    DeliveryMethod("NDD", "Next Day Delivery", 6.99),
    DeliveryMethod("CNC", "Collect from Store", 0.0),
)

PERSONALISATION_TEXTS = (
    "Happy Birthday {name}",
    "Mum, love you always x",
    "{name} & {other} 2026",
    "World's Best Grandad",
    "Merry Christmas {name}!",
    "Mr & Mrs {lastname}",
    "Llongyfarchiadau {name}",
    "Sláinte, {name}",
)
FONTS = ("Script", "Serif", "Sans")
COLOURS = ("Gold", "Silver", "Navy", "Rose Gold")
GIFT_MESSAGES = (
    "Happy birthday, with love from all of us",
    "Congratulations on the new house!",
    "Thinking of you",
)
