"""The README's first command: `channelhub demo` shows feeds running within a minute, no services."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys

import requests
from support import ROOT, free_port, wait_for


def test_demo_imports_and_confirms_orders_on_the_embedded_default(tmp_path):
    port = free_port()
    env = {
        **os.environ,
        "CHANNELHUB_DATA_DIR": str(tmp_path / ".channelhub"),
        "PYTHONPATH": str(ROOT),
    }
    for name in (
        "DATABASE_URL",
        "BROKER_URL",
        "CHANNELHUB_ENCRYPTION_KEY",
        "CHANNELHUB_QUEUE_PREFIX",
    ):
        env.pop(name, None)
    log = open(tmp_path / "demo.log", "wb")  # noqa: SIM115
    proc = subprocess.Popen(
        [sys.executable, "-m", "channelhub.cli", "demo", "--port", str(port), "--orders", "30"],
        cwd=tmp_path,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    database = tmp_path / ".channelhub" / "channelhub.db"

    def orders_by_status() -> dict[str, int]:
        if not database.exists():
            return {}
        with sqlite3.connect(database) as conn:
            try:
                return dict(conn.execute('SELECT status, COUNT(*) FROM "order" GROUP BY status'))
            except sqlite3.OperationalError:
                return {}

    try:
        wait_for(
            lambda: sum(orders_by_status().values()) >= 30,
            timeout=90,
            message="demo orders imported",
        )
        health = requests.get(f"http://127.0.0.1:{port}/healthz", timeout=10)
        assert health.status_code == 200 and health.json()["database"] == "ok"
        login = requests.get(f"http://127.0.0.1:{port}/admin/", timeout=10)
        assert login.url.endswith("/login?next=%2Fadmin%2F") or "/login" in login.url
        wait_for(
            lambda: orders_by_status().get("shipped", 0) > 0,
            timeout=90,
            message="a shipment confirmed",
        )
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        log.close()
    output = (tmp_path / "demo.log").read_text()
    assert "log in as admin / " in output
    assert "Traceback" not in output
    assert (tmp_path / ".channelhub" / "encryption.key").stat().st_mode & 0o777 == 0o600
