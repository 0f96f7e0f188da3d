"""The sandbox WSGI app: every channel simulator mounted under its own prefix.

Each channel contributes a store (its in-memory state, with a ``reset()``) and a blueprint
factory bound to that store. Stores belong to the app instance, not to module globals, so two
apps in one process (two tests, or a test and the demo) never share state.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, Flask, Response, jsonify
from werkzeug.exceptions import HTTPException

from sandbox import amazon, cdiscount, magento, marks_spencer, mirakl, prestashop, shopify

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Simulator:
    """How to mount one channel: its URL prefix, a store factory and a blueprint factory."""

    name: str
    url_prefix: str
    make_store: Callable[[], Any]
    make_blueprint: Callable[[Any], Blueprint]


SIMULATORS: tuple[Simulator, ...] = (
    Simulator("amazon", "/amazon", amazon.AmazonStore, amazon.create_blueprint),
    Simulator("cdiscount", "/cdiscount", cdiscount.CdiscountStore, cdiscount.create_blueprint),
    Simulator("mirakl", "/mirakl", mirakl.MiraklStore, mirakl.create_blueprint),
    Simulator("shopify", "/shopify", shopify.ShopifyStore, shopify.create_blueprint),
    Simulator("magento", "/magento", magento.MagentoStore, magento.create_blueprint),
    Simulator("prestashop", "/prestashop", prestashop.PrestaShopStore,
              prestashop.create_blueprint),
    Simulator("marks_spencer", "/marks_spencer", marks_spencer.MarksSpencerStore,
              marks_spencer.create_blueprint),
)


def create_app() -> Flask:
    """Build the sandbox app with a fresh, empty state for every channel."""
    app = Flask("sandbox")
    app.json.sort_keys = False  # keep the field order of the real payloads
    stores: dict[str, Any] = {}
    for simulator in SIMULATORS:
        store = simulator.make_store()
        stores[simulator.name] = store
        app.register_blueprint(simulator.make_blueprint(store), url_prefix=simulator.url_prefix)
    app.extensions["sandbox_stores"] = stores

    @app.get("/healthz")
    def healthz() -> Response:
        return jsonify({"ok": True})

    @app.post("/_sandbox/reset")
    def reset_all() -> Response:
        for store in stores.values():
            store.reset()
        return jsonify({"reset": sorted(stores)})

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> tuple[Response, int]:
        # Channels answer JSON even for unknown paths; an HTML page would hide the real error.
        status = error.code or 500
        return jsonify({"status": status, "message": error.name}), status

    @app.errorhandler(Exception)
    def unexpected(error: Exception) -> tuple[Response, int]:
        # A simulator bug must look like a channel's 500 (JSON), and leave a traceback here.
        logger.exception("Sandbox request failed")
        return jsonify({"status": 500, "message": "Internal Server Error"}), 500

    return app


def stores_of(app: Flask) -> dict[str, Any]:
    """The per-channel stores of an app (for in-process assertions and server shutdown)."""
    return app.extensions["sandbox_stores"]
