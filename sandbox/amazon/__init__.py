"""Amazon SP-API simulator: LWA, Tokens (RDT), Orders v0 and Amazon Custom files, plus a control
API (see README.md).

``create_blueprint(store)`` returns one blueprint for the channel, to be registered under a
prefix such as ``/amazon``; its ``_sandbox/`` sub-tree is the control API.
"""

from __future__ import annotations

from flask import Blueprint

from .api import create_api_blueprint
from .auth import create_auth_blueprint
from .control import create_control_blueprint
from .store import AmazonStore

__all__ = ["AmazonStore", "create_blueprint"]


def create_blueprint(store: AmazonStore) -> Blueprint:
    """The channel's blueprint: real endpoints at the root, control API under ``/_sandbox``."""
    bp = Blueprint("amazon", __name__)
    bp.register_blueprint(create_auth_blueprint(store))
    bp.register_blueprint(create_api_blueprint(store))
    bp.register_blueprint(create_control_blueprint(store), url_prefix="/_sandbox")
    return bp
