"""Magento 2 REST simulator: products, orders, shipments, MSI stock, media, plus a control API.

``create_blueprint(store)`` returns one blueprint for the channel, registered under
``/magento``: each simulated installation answers under ``/magento/<shop>/rest/...`` and
``/magento/<shop>/pub/media/...``; the control API is under ``/magento/_sandbox`` (README.md).
"""

from __future__ import annotations

from flask import Blueprint

from .api import create_api_blueprint
from .control import create_control_blueprint
from .store import MagentoStore

__all__ = ["MagentoStore", "create_blueprint"]


def create_blueprint(store: MagentoStore) -> Blueprint:
    """The channel's blueprint: shops at the root, control API under ``/_sandbox``."""
    bp = Blueprint("magento", __name__)
    bp.register_blueprint(create_control_blueprint(store), url_prefix="/_sandbox")
    bp.register_blueprint(create_api_blueprint(store))
    return bp
