"""CDiscount marketplace simulator: the STS token service and the SOAP MarketplaceAPIService
(GetOrderList, ValidateOrderList, GetSellerInformation) plus a control API (see README.md).

``create_blueprint(store)`` returns one blueprint for the channel, to be registered under a
prefix such as ``/cdiscount``; its ``_sandbox/`` sub-tree is the control API.
"""

from __future__ import annotations

from flask import Blueprint

from .api import create_api_blueprint
from .control import create_control_blueprint
from .store import CdiscountStore

__all__ = ["CdiscountStore", "create_blueprint"]


def create_blueprint(store: CdiscountStore) -> Blueprint:
    """The channel's blueprint: real endpoints at the root, control API under ``/_sandbox``."""
    bp = Blueprint("cdiscount", __name__)
    bp.register_blueprint(create_api_blueprint(store))
    bp.register_blueprint(create_control_blueprint(store), url_prefix="/_sandbox")
    return bp
