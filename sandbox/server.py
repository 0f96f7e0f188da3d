"""Run the sandbox over real HTTP: in a background thread for tests, or blocking for the demo.

The server is werkzeug's threaded WSGI server: one thread per request, so several worker
processes can poll, accept and ship against the same shop at once while an injected timeout
holds one request. Request lines go to this module's logger at DEBUG, not to stderr.
"""

from __future__ import annotations

import logging
import threading
from types import TracebackType
from typing import Any

from flask import Flask
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from sandbox.app import create_app, stores_of

logger = logging.getLogger(__name__)


class _RequestHandler(WSGIRequestHandler):
    """Send werkzeug's per-request lines to our logger instead of its own stderr handler."""

    def log(self, type: str, message: str, *args: Any) -> None:
        level = logging.WARNING if type == "error" else logging.DEBUG
        logger.log(level, "%s " + message, self.address_string(), *args)


class SandboxServer:
    """A sandbox app served on a local port in a daemon thread.

    ``port=0`` picks a free port; ``start()`` returns the base URL, e.g.
    ``http://127.0.0.1:54321``, under which ``/mirakl/api/orders`` etc. answer.
    """

    def __init__(self, host: str = "127.0.0.1", port: int = 0, app: Flask | None = None) -> None:
        self.host = host
        self.port = port
        self.app = app or create_app()
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError("the sandbox server is not started")
        return f"http://{self.host}:{self._server.server_port}"

    def start(self) -> str:
        if self._server is not None:
            return self.url
        self._server = make_server(self.host, self.port, self.app, threaded=True,
                                   request_handler=_RequestHandler)
        # A short poll interval makes stop() quick (shutdown waits for one poll).
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        kwargs={"poll_interval": 0.05},
                                        name="sandbox-server", daemon=True)
        self._thread.start()
        logger.info("Sandbox listening on %s", self.url)
        return self.url

    def stop(self) -> None:
        """Stop accepting requests; calls held by an injected timeout are woken up."""
        if self._server is None:
            return
        for store in stores_of(self.app).values():
            store.wake_sleepers()
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = None
        self._thread = None

    def __enter__(self) -> SandboxServer:
        self.start()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()


def serve(port: int, host: str = "127.0.0.1") -> None:
    """Serve the sandbox until interrupted (``channelhub sandbox --port P``)."""
    server = make_server(host, port, create_app(), threaded=True, request_handler=_RequestHandler)
    logger.info("Sandbox listening on http://%s:%s (Mirakl under /mirakl)", host,
                server.server_port)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        logger.info("Sandbox stopped")
    finally:
        server.server_close()
