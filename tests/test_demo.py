"""The README's first command: `channelhub demo` runs every channel's feeds, no services needed."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from contextlib import closing, contextmanager
from pathlib import Path

import pytest
import requests
from support import ROOT, free_port, wait_for

MARKETPLACES = {"mirakl", "amazon", "cdiscount", "marks_spencer"}
SHOPS = {"magento", "shopify", "prestashop"}
CHANNELS = MARKETPLACES | SHOPS
TEST_MODE_CHANNEL = "prestashop"

RAN = """
    SELECT DISTINCT i.channel FROM feed_execution e JOIN integration i ON i.id = e.integration_id
    WHERE e.status IN ('succeeded', 'partial') AND e.id > {after}
"""
WITH_ORDERS = (
    'SELECT DISTINCT i.channel FROM "order" o JOIN integration i ON i.id = o.integration_id'
)
SKIPPED_IN_TEST_MODE = """
    SELECT DISTINCT i.channel FROM execution_event v JOIN integration i ON i.id = v.integration_id
    WHERE v.code = 'test_mode'
"""


class DemoData:
    """Reads the demo's SQLite file while it runs (nothing there yet reads as empty)."""

    def __init__(self, data_dir: Path) -> None:
        self.path = data_dir / "channelhub.db"

    def rows(self, sql: str) -> list[tuple]:
        if not self.path.exists():
            return []
        try:
            with closing(sqlite3.connect(self.path, timeout=5)) as conn:
                return conn.execute(sql).fetchall()
        except sqlite3.OperationalError:  # no tables yet, or busy for a moment
            return []

    def channels(self, sql: str) -> set[str]:
        return {channel for (channel,) in self.rows(sql)}

    def wait_for_channels(self, sql: str, wanted: set[str], what: str, timeout: float = 100):
        try:
            wait_for(lambda: wanted <= self.channels(sql), timeout=timeout, interval=1)
        except pytest.fail.Exception:
            gap = sorted(wanted - self.channels(sql))
            pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}; none for {gap}")

    def last_execution_id(self) -> int:
        return (self.rows("SELECT MAX(id) FROM feed_execution") or [(0,)])[0][0] or 0


@contextmanager
def demo(tmp_path: Path, log_name: str, orders: int = 20):
    """`channelhub demo` as a subprocess on `tmp_path/.channelhub`; yields (port, log path)."""
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
        "CHANNELHUB_MEDIA_DIR",
    ):
        env.pop(name, None)
    log_path = tmp_path / log_name
    command = ["demo", "--port", str(port), "--orders", str(orders)]
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "channelhub.cli", *command],
            cwd=tmp_path,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            yield port, log_path
        finally:
            proc.terminate()
            proc.wait(timeout=30)


def test_demo_runs_every_channel_on_the_embedded_default_and_restarts(tmp_path):
    data = DemoData(tmp_path / ".channelhub")
    with demo(tmp_path, "demo.log") as (port, log_path):
        data.wait_for_channels("SELECT channel FROM integration", CHANNELS, "the integrations")
        data.wait_for_channels(RAN.format(after=0), CHANNELS, "a succeeded run of each")
        data.wait_for_channels(WITH_ORDERS, MARKETPLACES | SHOPS, "orders of every channel")
        health = requests.get(f"http://127.0.0.1:{port}/healthz", timeout=10)
        assert health.status_code == 200 and health.json()["database"] == "ok"
        login = requests.get(f"http://127.0.0.1:{port}/admin/", timeout=10)
        assert login.url.endswith("/login?next=%2Fadmin%2F") or "/login" in login.url
        wait_for(
            lambda: data.rows("SELECT 1 FROM \"order\" WHERE status = 'shipped' LIMIT 1"),
            timeout=90,
            interval=1,
            message="a shipment confirmed",
        )
        data.wait_for_channels(SKIPPED_IN_TEST_MODE, {TEST_MODE_CHANNEL}, "a test-mode skip", 60)
    output = log_path.read_text()
    assert "log in as admin / " in output
    modes = dict(data.rows("SELECT channel, mode FROM integration"))
    assert modes == {channel: "production" for channel in CHANNELS} | {TEST_MODE_CHANNEL: "test"}
    for channel, mode in modes.items():  # the banner lists every integration with its mode
        assert any(channel in line and f"{mode} mode" in line for line in output.splitlines())
    assert data.channels(SKIPPED_IN_TEST_MODE) == {TEST_MODE_CHANNEL}  # only there
    assert "Traceback" not in output
    assert (tmp_path / ".channelhub" / "encryption.key").stat().st_mode & 0o777 == 0o600

    # A restart keeps the integrations, points them at the new sandbox port and recreates
    # the simulator accounts with the stored credentials: every channel runs again.
    before = data.last_execution_id()
    with demo(tmp_path, "restart.log") as (_, restart_log):
        data.wait_for_channels(RAN.format(after=before), CHANNELS, "a run of each after restart")
    restarted = restart_log.read_text()
    assert data.rows("SELECT COUNT(*) FROM integration") == [(len(CHANNELS),)]
    assert not data.rows("SELECT id FROM integration WHERE paused_reason IS NOT NULL")
    assert "log in as admin / " not in restarted
    assert "Traceback" not in restarted
