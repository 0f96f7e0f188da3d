"""Configuration as a file: export (secrets left out) and an idempotent import that reports.

Admins keep integration configuration in version control and set up new merchants
with scripts; records are matched by natural keys (company name, channel + name,
feed kind), never by database ids, so a file moves between environments.
"""

from __future__ import annotations

from typing import Any

from channels.settings_spec import SettingsInvalid
from models import Company, CompanyMapping, Feed, Integration, SkuMapping, database
from workers.configuration import (
    add_company,
    add_company_mapping,
    set_feed_enabled,
    set_feed_schedule,
)
from workers.provisioning import ProvisioningError, create_integration, set_mode, update_integration

VERSION = 1


def export_config() -> dict[str, Any]:
    companies = {c.id: c for c in Company.select().order_by(Company.name)}
    integrations = list(Integration.select().order_by(Integration.channel, Integration.name))
    keys = {i.id: f"{i.channel}/{i.name}" for i in integrations}
    return {
        "version": VERSION,
        "companies": [{"name": c.name, "type": c.type} for c in companies.values()],
        "company_mappings": [
            {"retailer": companies[m.retailer_id].name, "supplier": companies[m.supplier_id].name}
            for m in CompanyMapping.select().order_by(CompanyMapping.id)
        ],
        "integrations": [
            {
                "channel": i.channel,
                "name": i.name,
                "mode": i.mode,
                "enabled": i.enabled,
                "company": companies[i.company_id].name if i.company_id else None,
                "settings": {**(i.settings or {}), "email_errors_to": i.email_errors_to},
                "feeds": [
                    {
                        "kind": f.kind,
                        "schedule_cron": f.schedule_cron,
                        "interval_seconds": f.interval_seconds,
                        "enabled": f.enabled,
                    }
                    for f in Feed.select().where(Feed.integration == i.id).order_by(Feed.kind)
                ],
            }
            for i in integrations
        ],
        "sku_mappings": [
            {"integration": keys[m.integration_id], "channel_sku": m.channel_sku, "sku": m.sku}
            for m in SkuMapping.select().order_by(SkuMapping.integration, SkuMapping.channel_sku)
        ],
    }


class ConfigInvalid(ValueError):
    pass


def import_config(data: Any, *, actor: str) -> list[str]:
    """Apply a configuration file; returns one line per change. All or nothing."""
    if not isinstance(data, dict) or data.get("version") != VERSION:
        raise ConfigInvalid(f"not a channelhub configuration file (expected version {VERSION})")
    changes: list[str] = []
    try:
        with database.atomic():
            names = _companies(data.get("companies") or [], actor, changes)
            _mappings(data.get("company_mappings") or [], names, actor, changes)
            keys = _integrations(data.get("integrations") or [], names, actor, changes)
            _skus(data.get("sku_mappings") or [], keys, changes)
    except (ProvisioningError, SettingsInvalid) as exc:
        raise ConfigInvalid(str(exc)) from None
    except (KeyError, TypeError, AttributeError) as exc:
        raise ConfigInvalid(f"malformed configuration file: missing or wrong field {exc}") from None
    return changes


def _companies(rows, actor, changes) -> dict[str, Company]:
    names = {c.name: c for c in Company.select()}
    for row in rows:
        if row["name"] not in names:
            names[row["name"]] = add_company(row["name"], row["type"], actor=actor)
            changes.append(f"created company {row['name']} ({row['type']})")
    return names


def _mappings(rows, names, actor, changes) -> None:
    for row in rows:
        retailer, supplier = names.get(row["retailer"]), names.get(row["supplier"])
        if retailer is None or supplier is None:
            raise ConfigInvalid(f"mapping {row['retailer']} -> {row['supplier']}: unknown company")
        exists = (
            CompanyMapping.select()
            .where(
                (CompanyMapping.retailer == retailer.id) & (CompanyMapping.supplier == supplier.id)
            )
            .exists()
        )
        if not exists:
            add_company_mapping(retailer.id, supplier.id, actor=actor)
            changes.append(f"mapped retailer {retailer.name} -> supplier {supplier.name}")


def _integrations(rows, names, actor, changes) -> dict[str, Integration]:
    keys = {}
    for row in rows:
        key = f"{row['channel']}/{row['name']}"
        company = names.get(row["company"]) if row.get("company") else None
        integration = Integration.get_or_none(
            (Integration.channel == row["channel"]) & (Integration.name == row["name"])
        )
        settings = {k: v for k, v in (row.get("settings") or {}).items() if v is not None}
        if integration is None:
            integration = create_integration(
                row["channel"],
                row["name"],
                settings,
                mode=row.get("mode", "test"),
                company=company,
                actor=actor,
                secrets_later=True,
            )
            changes.append(f"created integration {key} (set its credentials before it runs)")
        else:
            changed = update_integration(integration, settings, actor=actor)
            if changed:
                changes.append(f"updated integration {key}: {', '.join(changed)}")
            if row.get("mode") and set_mode(integration, row["mode"], actor=actor):
                changes.append(f"integration {key} mode -> {row['mode']}")
        _feeds(integration, row.get("feeds") or [], key, actor, changes)
        keys[key] = integration
    return keys


def _feeds(integration, rows, key, actor, changes) -> None:
    feeds = {f.kind: f for f in Feed.select().where(Feed.integration == integration.id)}
    for row in rows:
        feed = feeds.get(row["kind"])
        if feed is None:
            raise ConfigInvalid(f"{key}: the channel has no feed {row['kind']!r}")
        if (row.get("schedule_cron"), row.get("interval_seconds")) != (
            feed.schedule_cron,
            feed.interval_seconds,
        ) and (row.get("schedule_cron") or row.get("interval_seconds")):
            set_feed_schedule(
                feed,
                cron=row.get("schedule_cron"),
                interval_seconds=row.get("interval_seconds"),
                actor=actor,
            )
            changes.append(f"{key} feed {feed.kind} schedule -> {feed.schedule_text()}")
        if "enabled" in row and set_feed_enabled(feed, bool(row["enabled"]), actor=actor):
            changes.append(f"{key} feed {feed.kind} {'enabled' if row['enabled'] else 'disabled'}")


def _skus(rows, keys, changes) -> None:
    added = 0
    for row in rows:
        integration = keys.get(row["integration"]) or _integration_by_key(row["integration"])
        exists = SkuMapping.get_or_none(
            (SkuMapping.integration == integration.id)
            & (SkuMapping.channel_sku == row["channel_sku"])
        )
        if exists is None:
            SkuMapping.create(
                integration=integration.id, channel_sku=row["channel_sku"], sku=row["sku"]
            )
            added += 1
        elif exists.sku != row["sku"]:
            exists.sku = row["sku"]
            exists.save()
            added += 1
    if added:
        changes.append(f"applied {added} SKU mapping(s)")


def _integration_by_key(key: str) -> Integration:
    channel, _, name = key.partition("/")
    integration = Integration.get_or_none(
        (Integration.channel == channel) & (Integration.name == name)
    )
    if integration is None:
        raise ConfigInvalid(f"SKU mapping for unknown integration {key!r}")
    return integration
