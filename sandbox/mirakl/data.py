"""Plain data the order generator draws from: French buyers, addresses, a print-on-demand
catalogue, shipping methods, carriers and customer messages.

Kept as data so that a test can name a SKU or a city and so that the generator stays small.
"""

from __future__ import annotations

from typing import NamedTuple

FEMALE_FIRST_NAMES = (
    "Léa", "Chloé", "Camille", "Manon", "Inès", "Sarah", "Julie", "Claire", "Emma", "Louise",
    "Zoé", "Anaïs", "Élodie", "Margaux", "Céline", "Hélène", "Océane", "Noémie",
)
MALE_FIRST_NAMES = (
    "Hugo", "Lucas", "Thomas", "Nicolas", "Julien", "Antoine", "Maxime", "Théo", "Louis",
    "Mathieu", "Étienne", "Baptiste", "Quentin", "Raphaël", "Yanis", "Jérôme",
)
LAST_NAMES = (
    "Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy",
    "Moreau", "Simon", "Laurent", "Lefèvre", "Michel", "Garcia", "David", "Bertrand", "Roux",
    "Vincent", "Fournier", "Morel", "Girard", "André", "Mercier", "Dupont", "Lambert", "Bonnet",
    "François", "Martinez", "Legrand", "Garnier", "Faure", "Rousseau", "Blanc", "Guérin",
)
STREETS = (
    "rue de la République", "avenue Jean Jaurès", "rue Victor Hugo", "boulevard Voltaire",
    "rue du Faubourg Saint-Antoine", "place Bellecour", "rue Sainte-Catherine", "cours Mirabeau",
    "rue Nationale", "avenue de la Libération", "rue des Lilas", "impasse des Tilleuls",
    "chemin des Vignes", "rue Pasteur", "allée des Acacias", "quai de la Fosse",
)
STREET_2 = ("Bâtiment B", "Appartement 12", "3e étage", "Résidence Les Pins", "Porte gauche")
COMPANIES = ("Atelier Dubois", "SARL Petit Fils", "Boulangerie Moreau", "Studio Lambert")
DELIVERY_NOTES = ("Digicode 4512A", "Laisser chez le gardien", "Sonner deux fois")


class City(NamedTuple):
    name: str
    zip_code: str
    country: str
    country_iso_code: str  # ISO 3166-1 alpha-3, as Mirakl sends it
    phone_prefix: str


CITIES = (
    City("Paris", "75011", "France", "FRA", "+33"),
    City("Paris", "75015", "France", "FRA", "+33"),
    City("Lyon", "69003", "France", "FRA", "+33"),
    City("Marseille", "13006", "France", "FRA", "+33"),
    City("Toulouse", "31000", "France", "FRA", "+33"),
    City("Nantes", "44000", "France", "FRA", "+33"),
    City("Bordeaux", "33000", "France", "FRA", "+33"),
    City("Lille", "59000", "France", "FRA", "+33"),
    City("Strasbourg", "67000", "France", "FRA", "+33"),
    City("Rennes", "35000", "France", "FRA", "+33"),
    City("Montpellier", "34000", "France", "FRA", "+33"),
    City("Aix-en-Provence", "13100", "France", "FRA", "+33"),
    City("Bruxelles", "1000", "Belgique", "BEL", "+32"),
    City("Genève", "1204", "Suisse", "CHE", "+41"),
)


class Product(NamedTuple):
    offer_sku: str
    product_sku: str
    title: str
    category_code: str
    category_label: str
    price_unit: float


def _catalogue() -> tuple[Product, ...]:
    colours = (("RED", "rouge"), ("BLUE", "bleu"), ("BLACK", "noir"), ("WHITE", "blanc"))
    products: list[Product] = []

    def add(sku: str, title: str, code: str, label: str, price: float) -> None:
        number = f"MKP{100000 + len(products) * 7:09d}"
        products.append(Product(sku, number, title, code, label, price))

    for colour, colour_fr in colours:
        for size in ("S", "M", "L", "XL"):
            add(f"SKU-TSHIRT-{colour}-{size}", f"T-shirt {colour_fr} {size}", "T-SHIRTS",
                "T-shirts", 29.90 if size == "XL" else 24.90)
    for colour, colour_fr in (("GREY", "gris"), ("NAVY", "marine"), ("BLACK", "noir")):
        for size in ("M", "L"):
            add(f"SKU-HOODIE-{colour}-{size}", f"Sweat à capuche {colour_fr} {size}", "HOODIES",
                "Sweats", 49.90)
    add("SKU-MUG-WHITE-330", "Mug blanc 330 ml", "MUGS", "Mugs", 12.90)
    add("SKU-MUG-BLACK-330", "Mug noir 330 ml", "MUGS", "Mugs", 14.90)
    add("SKU-TOTE-NATURAL", "Tote bag coton naturel", "BAGS", "Sacs", 14.90)
    add("SKU-CAP-NAVY", "Casquette brodée marine", "CAPS", "Casquettes", 22.00)
    add("SKU-POSTER-A3", "Affiche personnalisée A3", "POSTERS", "Affiches", 17.50)
    add("SKU-POSTER-A2", "Affiche personnalisée A2", "POSTERS", "Affiches", 24.90)
    add("SKU-CASE-IP15", "Coque iPhone 15 personnalisée", "PHONE-CASES", "Coques", 24.90)
    add("SKU-CUSHION-40", "Coussin personnalisé 40x40", "HOME", "Maison", 29.90)
    return tuple(products)


CATALOGUE = _catalogue()


class ShippingMethod(NamedTuple):
    code: str
    label: str
    price: float
    leadtime_to_ship: int


SHIPPING_METHODS = (
    ShippingMethod("STD", "Standard", 4.90, 3),
    ShippingMethod("STD", "Standard", 4.90, 3),
    ShippingMethod("STD", "Standard", 4.90, 3),
    ShippingMethod("EXP", "Express", 9.90, 1),
)
SHIPPING_ZONES = {
    "FRA": ("FR-METRO", "France métropolitaine"),
    "BEL": ("EU-1", "Europe zone 1"),
    "CHE": ("INT-1", "International 1"),
}

# Carriers registered on the simulated marketplace (SH21): code -> (label, tracking URL template).
CARRIERS = {
    "COLISSIMO": ("Colissimo", "https://www.laposte.fr/outils/suivre-vos-envois?code={number}"),
    "CHRONOPOST": ("Chronopost", "https://www.chronopost.fr/tracking-no-cms/suivi-page?listeNumerosLT={number}"),
    "UPS": ("UPS", "https://www.ups.com/track?tracknum={number}"),
    "DPD": ("DPD", "https://trace.dpd.fr/fr/trace/{number}"),
    "DHL": ("DHL Express", "https://www.dhl.com/fr-fr/home/tracking.html?tracking-id={number}"),
}

PERSONALISATION_TEXTS = (
    "Happy birthday {name}",
    "Joyeux anniversaire {name} !",
    "Pour Mamie, avec tout notre amour",
    "Merci Maîtresse {name}",
    "Bon voyage {name}",
    "Team {lastname} 2026",
    "Je t'aime {name}",
    "Promo 2026 – Lycée Victor Hugo",
)
MESSAGE_TOPICS = ("Personnalisation de ma commande", "Texte à imprimer", "Question sur ma commande")
FIRST_MESSAGES = (
    "Bonjour, pouvez-vous imprimer le texte « {text} » sur l'article ? Merci !",
    "Bonjour, c'est pour un cadeau : merci d'écrire « {text} ». Cordialement, {firstname}",
    "Bonsoir, j'ai oublié de préciser le texte : « {text} ». Bonne soirée.",
)
FOLLOW_UP_MESSAGES = (
    "Est-il possible de livrer avant vendredi ?",
    "Pouvez-vous faire un paquet cadeau ? Merci beaucoup.",
    "Merci de bien respecter les accents, c'est important pour nous.",
)
