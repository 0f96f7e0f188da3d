"""PrestaShop webservice simulator: shops under ``/<shop>/api/...`` plus a control API.

``create_blueprint(store)`` returns one blueprint for the channel, to be registered under a
prefix such as ``/prestashop``; its ``_sandbox/`` sub-tree is the control API (see README.md).
"""

from __future__ import annotations

from flask import Blueprint

from .api import create_api_blueprint
from .control import create_control_blueprint
from .merchant import create_merchant_blueprint
from .store import PrestaShopStore

__all__ = ["PrestaShopStore", "create_blueprint"]


def create_blueprint(store: PrestaShopStore) -> Blueprint:
    """The channel's blueprint: shops at the root, control API under ``/_sandbox``."""
    bp = Blueprint("prestashop", __name__)
    bp.register_blueprint(create_control_blueprint(store), url_prefix="/_sandbox")
    bp.register_blueprint(create_merchant_blueprint(store), url_prefix="/_sandbox")
    bp.register_blueprint(create_api_blueprint(store))
    return bp
