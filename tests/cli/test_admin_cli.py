"""Every admin/ops command on PostgreSQL, including its bad-input paths and the audit log."""

from __future__ import annotations

import getpass
import json
import subprocess
import sys

import pytest
from support import ROOT, service_env

from models import (
    AuditLog,
    Company,
    ExecutionEvent,
    FeedExecution,
    Integration,
    Product,
    SkuMapping,
)

pytestmark = pytest.mark.e2e

MIRAKL_SETS = ["--set", "hostname=http://127.0.0.1:9/mirakl", "--set", "shop_id=7"]


@pytest.fixture
def env(pg_url, rabbitmq_url, pg_db, rabbit_broker):
    return service_env(pg_url, rabbitmq_url)


def run(env, *args, stdin=None):
    return subprocess.run(
        [sys.executable, "-m", "channelhub.cli", *args],
        cwd=ROOT,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
    )


def ok(env, *args, stdin=None) -> str:
    result = run(env, *args, stdin=stdin)
    assert result.returncode == 0, f"channelhub {' '.join(args)}: {result.stderr}"
    return result.stdout


def refused(env, *args, stdin=None) -> str:
    result = run(env, *args, stdin=stdin)
    assert result.returncode != 0, f"channelhub {' '.join(args)} should have failed"
    assert result.stderr.strip().count("\n") == 0, "one line on stderr"
    return result.stderr


def add_mirakl(env, name="Shop", secret="s3cret-key-value") -> int:
    return int(
        ok(
            env,
            "integrations",
            "add",
            "--channel",
            "mirakl",
            "--name",
            name,
            *MIRAKL_SETS,
            "--secret",
            "api_key",
            stdin=secret + "\n",
        )
    )


def test_integrations_commands(env):
    integration_id = add_mirakl(env)
    listed = json.loads(ok(env, "integrations", "list", "--json"))
    assert listed[0]["secrets_set"] == ["api_key"]
    shown = json.loads(ok(env, "integrations", "show", str(integration_id), "--json"))
    assert {f["kind"] for f in shown["feeds"]} >= {"import_new_orders", "confirm_shipments"}
    assert "s3cret-key-value" not in json.dumps(listed) + json.dumps(shown)

    assert "shop_id" in ok(env, "integrations", "set", str(integration_id), "--set", "shop_id=8")
    assert Integration.get_by_id(integration_id).settings["shop_id"] == 8
    assert "whole number" in refused(
        env, "integrations", "set", str(integration_id), "--set", "shop_id=x"
    )
    assert "unknown setting" in refused(
        env, "integrations", "set", str(integration_id), "--set", "bogus=1"
    )
    assert "nothing to change" in refused(env, "integrations", "set", str(integration_id))

    ok(
        env,
        "integrations",
        "set",
        str(integration_id),
        "--secret",
        "api_key",
        stdin="new-secret-value\n",
    )
    assert Integration.get_by_id(integration_id).get_secrets()["api_key"] == "new-secret-value"

    ok(env, "integrations", "mode", str(integration_id), "production")
    assert Integration.get_by_id(integration_id).mode == "production"
    assert refused(env, "integrations", "mode", str(integration_id), "live")
    ok(env, "integrations", "disable", str(integration_id))
    assert not Integration.get_by_id(integration_id).enabled
    ok(env, "integrations", "enable", str(integration_id))
    assert "no integration with id 999" in refused(env, "integrations", "show", "999")

    unreachable = refused(env, "integrations", "check", str(integration_id))
    assert "cannot reach Mirakl" in unreachable

    actor = f"cli:{getpass.getuser()}"
    actions = {a.action for a in AuditLog.select().where(AuditLog.actor == actor)}
    assert {"create", "update", "mode", "enable", "disable"} <= actions
    assert "new-secret-value" not in json.dumps([a.changes for a in AuditLog.select()])


def test_check_says_what_is_wrong_with_the_credentials(env, mirakl_shop):
    shop = mirakl_shop()
    good = int(
        ok(
            env,
            "integrations",
            "add",
            "--channel",
            "mirakl",
            "--name",
            "Good",
            "--set",
            f"hostname={shop.base}",
            "--set",
            f"shop_id={shop.shop_id}",
            "--secret",
            "api_key",
            stdin=shop.api_key + "\n",
        )
    )
    assert ok(env, "integrations", "check", str(good)).startswith("ok: connected")
    bad = int(
        ok(
            env,
            "integrations",
            "add",
            "--channel",
            "mirakl",
            "--name",
            "Bad",
            "--set",
            f"hostname={shop.base}",
            "--secret",
            "api_key",
            stdin="wrong\n",
        )
    )
    assert "refused the credentials" in refused(env, "integrations", "check", str(bad))


def test_feeds_commands(env):
    integration_id = add_mirakl(env)
    feed = json.loads(ok(env, "feeds", "list", "--integration", str(integration_id), "--json"))[0]
    ok(env, "feeds", "set", str(feed["id"]), "--schedule", "0 2 * * *")
    times = json.loads(ok(env, "feeds", "next", str(feed["id"]), "--json"))
    assert len(times) == 3 and all(t.endswith("02:00:00+00:00") for t in times)
    ok(env, "feeds", "set", str(feed["id"]), "--interval", "900")
    assert "at least 10 seconds" in refused(env, "feeds", "set", str(feed["id"]), "--interval", "5")
    assert "not a cron expression" in refused(
        env, "feeds", "set", str(feed["id"]), "--schedule", "daily"
    )
    assert "either a cron" in refused(env, "feeds", "set", str(feed["id"]))
    ok(env, "feeds", "disable", str(feed["id"]))
    assert "no scheduled runs" in ok(env, "feeds", "next", str(feed["id"]))
    ok(env, "feeds", "enable", str(feed["id"]))
    assert "no feed with id 0" in refused(env, "feeds", "next", "0")


def test_executions_and_events_commands(env):
    integration_id = add_mirakl(env)
    feed = json.loads(ok(env, "feeds", "list", "--integration", str(integration_id), "--json"))[0]
    execution_id = int(ok(env, "feeds", "run", str(feed["id"])))
    execution = FeedExecution.get_by_id(execution_id)
    execution.status = "failed"
    execution.save()
    event = ExecutionEvent.create(
        execution=execution_id,
        integration=integration_id,
        severity="error",
        code="boom",
        message="it broke",
        fingerprint="x",
    )
    shown = json.loads(ok(env, "executions", "show", str(execution_id), "--json"))
    assert shown["events"][0]["code"] == "boom" and "attempts" in shown
    unresolved = json.loads(ok(env, "events", "list", "--unresolved", "--json"))
    assert [e["id"] for e in unresolved] == [event.id]
    assert "1 event(s) resolved" in ok(env, "events", "resolve", str(event.id))
    assert json.loads(ok(env, "events", "list", "--unresolved", "--json")) == []
    assert "no event with id 424242" in refused(env, "events", "resolve", "424242")

    retried = int(ok(env, "executions", "retry", str(execution_id)))
    assert FeedExecution.get_by_id(retried).trigger == "retry"
    assert "already has execution" in refused(env, "executions", "retry", str(execution_id))
    assert "only failed, lost" in refused(env, "executions", "retry", str(retried))
    ok(env, "executions", "give-up", str(retried))
    assert FeedExecution.get_by_id(retried).status == "failed"


def test_companies_mappings_and_skus(env, tmp_path):
    integration_id = add_mirakl(env)
    retailer = int(ok(env, "companies", "add", "Acme Retail", "--type", "retailer"))
    supplier = int(ok(env, "companies", "add", "Print Co", "--type", "supplier"))
    assert "already exists" in refused(env, "companies", "add", "Acme Retail", "--type", "retailer")
    assert [c["name"] for c in json.loads(ok(env, "companies", "list", "--json"))] == [
        "Acme Retail",
        "Print Co",
    ]
    ok(env, "mappings", "add", "--retailer", str(retailer), "--supplier", str(supplier))
    assert "is not a retailer" in refused(
        env, "mappings", "add", "--retailer", str(supplier), "--supplier", str(supplier)
    )
    assert json.loads(ok(env, "mappings", "list", "--json"))[0]["supplier"] == "Print Co"

    Product.create(sku="SKU-1", name="One")
    Product.create(sku="SKU-2", name="Two")
    ok(env, "skus", "map", "--integration", str(integration_id), "CH-1", "SKU-1")
    assert "no product with SKU 'NOPE'" in refused(
        env, "skus", "map", "--integration", str(integration_id), "CH-9", "NOPE"
    )
    csv_file = tmp_path / "skus.csv"
    csv_file.write_text("channel_sku,sku\nCH-2,SKU-2\nCH-3,MISSING\nCH-2,SKU-1\n,SKU-1\n")
    result = run(env, "skus", "import", "--integration", str(integration_id), str(csv_file))
    assert result.returncode == 1
    assert "1 mapping(s) applied, 3 rejected" in result.stdout
    assert "line 3" in result.stderr and "no product with SKU 'MISSING'" in result.stderr
    assert "appears twice" in result.stderr
    listed = json.loads(ok(env, "skus", "list", "--integration", str(integration_id), "--json"))
    assert listed == [
        {"channel_sku": "CH-1", "sku": "SKU-1"},
        {"channel_sku": "CH-2", "sku": "SKU-2"},
    ]
    bad_header = tmp_path / "bad.csv"
    bad_header.write_text("a,b\n1,2\n")
    assert "needs a header" in refused(
        env, "skus", "import", "--integration", str(integration_id), str(bad_header)
    )
    assert SkuMapping.select().count() == 2


def test_products_and_stock_lists(env):
    from models import StockLevel, Warehouse

    product = Product.create(sku="SKU-1", name="One")
    StockLevel.create(
        product=product,
        warehouse=Warehouse.create(code="default", name="Main"),
        quantity=7,
        reserved=2,
    )
    assert json.loads(ok(env, "products", "list", "--sku", "SKU-1", "--json"))[0]["name"] == "One"
    stock = json.loads(ok(env, "stock", "list", "--json"))
    assert stock == [
        {"sku": "SKU-1", "warehouse": "default", "quantity": 7, "reserved": 2, "available": 5}
    ]


def test_config_export_import_round_trip(env, tmp_path):
    integration_id = add_mirakl(env, name="Exported")
    retailer = int(ok(env, "companies", "add", "Acme", "--type", "retailer"))
    supplier = int(ok(env, "companies", "add", "Maker", "--type", "supplier"))
    ok(env, "mappings", "add", "--retailer", str(retailer), "--supplier", str(supplier))
    Product.create(sku="SKU-1")
    ok(env, "skus", "map", "--integration", str(integration_id), "CH-1", "SKU-1")
    exported = ok(env, "config", "export")
    assert "s3cret-key-value" not in exported
    config = json.loads(exported)
    path = tmp_path / "config.json"
    path.write_text(exported)
    assert ok(env, "config", "import", str(path)).strip() == "nothing changed"

    config["integrations"][0]["name"] = "Imported"
    config["integrations"][0]["feeds"][0]["interval_seconds"] = 1200
    config["integrations"][0]["feeds"][0]["schedule_cron"] = None
    config["sku_mappings"].append(
        {"integration": "mirakl/Imported", "channel_sku": "CH-1", "sku": "SKU-1"}
    )
    path.write_text(json.dumps(config))
    report = ok(env, "config", "import", str(path))
    assert "created integration mirakl/Imported" in report
    imported = Integration.get(Integration.name == "Imported")
    assert imported.paused_reason and "api_key" in imported.paused_reason
    assert ok(env, "config", "import", str(path)).strip() == "nothing changed"

    broken = tmp_path / "broken.json"
    broken.write_text('{"version": 1, "integrations": [{"channel": "ebay", "name": "x"}]}')
    assert "unknown channel" in refused(env, "config", "import", str(broken))
    assert not Integration.select().where(Integration.channel == "ebay").exists()
    not_json = tmp_path / "notes.txt"
    not_json.write_text("nope")
    assert "not JSON" in refused(env, "config", "import", str(not_json))
    assert Company.select().count() == 2


def test_every_command_has_help_with_an_example(env):
    from click.testing import CliRunner

    from channelhub.cli import main

    def walk(group, path):
        for name, command in group.commands.items():
            if hasattr(command, "commands"):
                yield from walk(command, path + [name])
            else:
                yield path + [name]

    runner = CliRunner()
    for path in walk(main, []):
        result = runner.invoke(main, [*path, "--help"])
        assert result.exit_code == 0, path
        assert "Example" in result.output, f"channelhub {' '.join(path)} --help has no example"
