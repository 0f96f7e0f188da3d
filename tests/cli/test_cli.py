"""The `channelhub` command as other tools drive it: real processes, JSON on stdout."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from support import ROOT, service_env

from models import Order
from workers.lifecycle import execute


def cli(env, *args, stdin: str | None = None, check: bool = True):
    result = subprocess.run(
        [sys.executable, "-m", "channelhub.cli", *args],
        cwd=ROOT,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
    )
    if check and result.returncode != 0:
        pytest.fail(f"channelhub {' '.join(args)} failed: {result.stderr}")
    return result


@pytest.fixture
def env(pg_url, rabbitmq_url, pg_db, rabbit_broker):
    return service_env(pg_url, rabbitmq_url)


@pytest.mark.e2e
def test_integration_feeds_run_executions_orders_dispatch(env, mirakl_shop):
    shop = mirakl_shop()
    created = shop.add_orders(count=4, with_messages=1, seed=2)["created"]
    shop.advance(created)
    assert cli(env, "db", "upgrade").returncode == 0
    settings = shop.settings()
    integration_id = int(
        cli(
            env,
            "integrations",
            "add",
            "--channel",
            "mirakl",
            "--name",
            "CLI shop",
            "--mode",
            "production",
            *[arg for key, value in settings.items() for arg in ("--set", f"{key}={value}")],
        ).stdout
    )

    feeds = json.loads(
        cli(env, "feeds", "list", "--integration", str(integration_id), "--json").stdout
    )
    kinds = {f["kind"]: f for f in feeds}
    assert set(kinds) == {
        "accept_orders",
        "import_new_orders",
        "update_orders",
        "confirm_shipments",
    }
    assert kinds["import_new_orders"]["schedule"] == "every 300 s"

    execution_id = int(cli(env, "feeds", "run", str(kinds["import_new_orders"]["id"])).stdout)
    assert execute(execution_id) == "succeeded"  # what a worker does with the message

    runs = json.loads(
        cli(
            env, "executions", "list", "--feed", str(kinds["import_new_orders"]["id"]), "--json"
        ).stdout
    )
    assert runs[0]["id"] == execution_id
    assert runs[0]["status"] == "succeeded" and runs[0]["attempt"] == 1
    assert runs[0]["counters"]["created"] == 4 and runs[0]["summary"].startswith("seen 4")

    orders = json.loads(
        cli(env, "orders", "list", "--integration", str(integration_id), "--json").stdout
    )
    assert len(orders) == 4
    first = orders[0]
    assert first["lines"] and first["lines"][0]["type"] == "textual"
    assert first["shipping_address"]["city"]
    assert sum(":MiraklOrderMessage" in o["attributes"] for o in orders) == 1

    cli(env, "orders", "dispatch", str(first["id"]), "--carrier", "DPD", "--tracking", "T-1")
    assert Order.get_by_id(first["id"]).status == "dispatched"
    again = cli(env, "orders", "dispatch", str(first["id"]), check=False)
    assert again.returncode != 0 and "dispatched and cannot be dispatched" in again.stderr

    dumped = (
        cli(env, "orders", "list", "--json").stdout + cli(env, "feeds", "list", "--json").stdout
    )
    assert shop.api_key not in dumped


@pytest.mark.e2e
def test_users_and_bad_input(env):
    assert (
        cli(
            env, "users", "add", "alice", "--role", "ops", stdin="correct horse battery\n"
        ).returncode
        == 0
    )
    short = cli(env, "users", "add", "bob", "--role", "ops", stdin="short\n", check=False)
    assert short.returncode != 0 and "at least 8 characters" in short.stderr
    bad = cli(
        env,
        "integrations",
        "add",
        "--channel",
        "mirakl",
        "--name",
        "X",
        "--set",
        "hostname=shop example",
        "--set",
        "shop_id=abc",
        check=False,
    )
    assert bad.returncode != 0
    assert "hostname" in bad.stderr and "shop_id: must be a whole number" in bad.stderr
    assert "api_key: is required" in bad.stderr
    unknown = cli(env, "integrations", "add", "--channel", "ebay", "--name", "X", check=False)
    assert unknown.returncode != 0 and "unknown channel 'ebay'" in unknown.stderr
    missing = cli(env, "feeds", "run", "999999", check=False)
    assert missing.returncode != 0 and "no feed with id 999999" in missing.stderr
    status = cli(env, "executions", "list", "--status", "bogus", check=False)
    assert status.returncode != 0 and "unknown status" in status.stderr
    assert cli(env, "db", "upgrade").returncode == 0  # safe twice


def test_worker_refuses_the_in_process_broker(tmp_path):
    import os

    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path}/x.db",
        "BROKER_URL": "memory://",
        "PYTHONPATH": str(ROOT),
    }
    result = cli(env, "worker", check=False)
    assert result.returncode != 0 and "BROKER_URL=amqp://" in result.stderr


def test_commands_say_when_the_schema_is_missing(tmp_path):
    import os

    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path}/fresh.db", "PYTHONPATH": str(ROOT)}
    result = cli(env, "feeds", "list", check=False)
    assert result.returncode != 0 and "channelhub db upgrade" in result.stderr
