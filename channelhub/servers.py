"""Serving the dashboard under gunicorn, the production WSGI server."""

from __future__ import annotations

from gunicorn.app.base import BaseApplication


class DashboardServer(BaseApplication):
    def __init__(self, options: dict) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        from dashboard.app import create_app

        return create_app()


def serve_dashboard(port: int, workers: int = 2, host: str = "0.0.0.0") -> None:  # noqa: S104
    DashboardServer(
        {
            "bind": f"{host}:{port}",
            "workers": workers,
            "threads": 4,
            "worker_class": "gthread",
            "timeout": 60,
            "accesslog": "-",
            "errorlog": "-",
        }
    ).run()
