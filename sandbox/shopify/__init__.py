"""Shopify Admin REST API simulator (orders, products, inventory, fulfillment) plus a control
API; see README.md.

``create_blueprint(store)`` returns one blueprint for the channel, registered under a prefix
such as ``/shopify``: shops answer under ``/<shop>/admin/api/<version>/``, their product
images under ``/<shop>/cdn/``, and the control API under ``/_sandbox/``.
"""

from __future__ import annotations

from flask import Blueprint

from .api import create_api_blueprint, create_cdn_blueprint
from .control import create_control_blueprint
from .store import ShopifyStore

__all__ = ["ShopifyStore", "create_blueprint"]


def create_blueprint(store: ShopifyStore) -> Blueprint:
    bp = Blueprint("shopify", __name__)
    bp.register_blueprint(create_control_blueprint(store))
    bp.register_blueprint(create_api_blueprint(store))
    bp.register_blueprint(create_cdn_blueprint(store))
    return bp
