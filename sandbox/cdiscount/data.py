"""Static data of the CDiscount simulator: the service's enumerations and a small catalogue.

The enumerations are copied from the service's XSD (``MarketplaceAPIService.xsd0.xsd``); the
simulator refuses a value outside them the way the service does (a deserialization fault).
"""

from __future__ import annotations

from dataclasses import dataclass

ORDER_STATES = (
    "CancelledByCustomer", "WaitingForSellerAcceptation", "AcceptedBySeller", "PaymentInProgress",
    "WaitingForShipmentAcceptation", "Shipped", "RefusedBySeller", "AutomaticCancellation",
    "PaymentRefused", "ShipmentRefusedBySeller", "None", "ValidatedFianet", "RefusedNoShipment",
    "AvailableOnStore", "NonPickedUpByCustomer", "PickedUp", "ServiceCanceled",
    "PendingShipmentForAssociatedProduct", "BlockedWaitingForTreatment", "BlockedWaitingForProof",
    "BlockedRepeatedLitigationSuspicion", "BlockedFraudSuspicion", "BlockedConfirmed",
    "FinishedGenerixUpdate", "BlockedRepeatedLitigationSuspicionConfirmation",
    "BlockedFraudSuspicionConfirmation", "CegidDown", "BlockedAutomaticCds", "BeingCancelled",
    "BeingModified", "RequestGoingToGnx", "PartialInGnx", "BeingValidatedFianet",
    "BlockedMarketplaceService",
)
ACCEPTATION_STATES = (
    "None", "AcceptedBySeller", "RefusedBySeller", "ShippedBySeller", "RefundedAfterShipping",
    "ShipmentRefusedBySeller", "RefundedAfterShipmentRefused",
    "CancelledBeforeNotificationByCustomer", "CancelledBeforePaymentByCustomer",
    "CancellationRequestPending", "CancelledAfterPaymentByCustomer",
    "RefundedAfterCustomerCancellation", "PaymentRefused",
)
PRODUCT_CONDITIONS = ("None", "LikeNew", "VeryGoodState", "GoodState", "AverageState",
                      "Refurbished", "New")
# States a seeded order may start in, with its lines' AcceptationState and its Status.
INITIAL_STATES = {
    "WaitingForSellerAcceptation": ("None", "Waiting"),
    "AcceptedBySeller": ("AcceptedBySeller", "Waiting"),
    "PaymentInProgress": ("AcceptedBySeller", "Waiting"),
    "WaitingForShipmentAcceptation": ("AcceptedBySeller", "Validated"),
    "Shipped": ("ShippedBySeller", "Validated"),
    "CancelledByCustomer": ("CancelledAfterPaymentByCustomer", "Cancelled"),
}
CANCEL_STATES = ("CancelledByCustomer", "AutomaticCancellation", "PaymentRefused",
                 "RefusedBySeller", "ShipmentRefusedBySeller")


@dataclass(frozen=True)
class Product:
    seller_product_id: str
    ean: str
    name: str
    category_code: str
    price: str  # unit price, euros

    @property
    def product_id(self) -> str:
        return f"AUC{self.ean}"


CATALOGUE = (
    Product("SKU-TSHIRT-RED-M", "3700000000017", "T-shirt rouge M", "13380D0501", "19.90"),
    Product("SKU-TSHIRT-BLACK-L", "3700000000024", "T-shirt noir L", "13380D0501", "19.90"),
    Product("SKU-MUG-WHITE-330", "3700000000031", "Mug blanc 330 ml personnalise", "0J0F050101",
            "12.90"),
    Product("SKU-HOODIE-GREY-L", "3700000000048", "Sweat a capuche gris L", "13380D0502",
            "39.90"),
    Product("SKU-CAP-NAVY", "3700000000055", "Casquette marine brodee", "13380D0703", "16.50"),
    Product("SKU-POSTER-A3", "3700000000062", "Affiche A3 papier mat", "0S0A0101", "14.00"),
    Product("SKU-TOTE-NATURAL", "3700000000079", "Tote bag naturel", "13380D0801", "11.90"),
)
FEE_LINE = Product("FRAISTRAITEMENT", "", "Frais de traitement", "", "1.99")

FIRST_NAMES = ("Claire", "Lea", "Camille", "Manon", "Chloe", "Julie", "Thomas", "Lucas",
               "Hugo", "Nicolas", "Antoine", "Maxime", "Sophie", "Emma", "Louis", "Paul")
LAST_NAMES = ("Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand",
              "Leroy", "Moreau", "Simon", "Laurent", "Lefebvre", "Michel", "Garcia", "Roux")
STREETS = ("rue de la Paix", "avenue Jean Jaures", "boulevard Voltaire", "rue Victor Hugo",
           "place de la Republique", "rue du Moulin", "chemin des Vignes", "allee des Tilleuls")
CITIES = (
    ("Lyon", "69002", "FR"), ("Paris", "75011", "FR"), ("Marseille", "13006", "FR"),
    ("Toulouse", "31000", "FR"), ("Nantes", "44000", "FR"), ("Lille", "59000", "FR"),
    ("Bordeaux", "33000", "FR"), ("Strasbourg", "67000", "FR"), ("Bruxelles", "1000", "BE"),
)
BUILDINGS = ("Batiment B", "Residence Les Pins", "Escalier 3")
SHIPPING_CODES = ("STD", "STD", "TRK", "EXP", "REL")
