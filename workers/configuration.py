"""Admin configuration beyond creating integrations: feeds' schedules, companies, mappings, SKUs.

Validation lives here so the command line and the dashboard refuse the same things
with the same words; every change is audited.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field

from models import (
    Company,
    CompanyMapping,
    CompanyType,
    Feed,
    Integration,
    Product,
    SkuMapping,
    database,
    utcnow,
)
from scheduler.schedules import next_after, validate_cron
from workers.provisioning import ProvisioningError, audit

MIN_INTERVAL_SECONDS = 10
SKU_CSV_COLUMNS = ("channel_sku", "sku")


def set_integration_enabled(integration: Integration, enabled: bool, *, actor: str) -> bool:
    if integration.enabled == enabled:
        return False
    with database.atomic():
        integration.enabled = enabled
        integration.save()
        audit(actor, "enable" if enabled else "disable", integration, {"enabled": {"new": enabled}})
    return True


def set_feed_schedule(
    feed: Feed,
    *,
    cron: str | None = None,
    interval_seconds: int | None = None,
    actor: str,
    now: dt.datetime | None = None,
) -> Feed:
    """Replace the feed's schedule (cron in UTC, or an interval); the next run follows it."""
    if (cron is None) == (interval_seconds is None):
        raise ProvisioningError("give either a cron expression or an interval in seconds")
    if cron is not None:
        try:
            cron = validate_cron(cron)
        except ValueError as exc:
            raise ProvisioningError(str(exc)) from None
    if interval_seconds is not None and interval_seconds < MIN_INTERVAL_SECONDS:
        raise ProvisioningError(f"the interval must be at least {MIN_INTERVAL_SECONDS} seconds")
    now = now or utcnow()
    old = feed.schedule_text()
    with database.atomic():
        feed.schedule_cron = cron
        feed.interval_seconds = interval_seconds
        feed.next_run_at = next_after(cron, interval_seconds, now) if feed.enabled else None
        feed.save()
        audit(actor, "schedule", feed, {"schedule": {"old": old, "new": feed.schedule_text()}})
    return feed


def set_feed_enabled(
    feed: Feed, enabled: bool, *, actor: str, now: dt.datetime | None = None
) -> bool:
    if feed.enabled == enabled:
        return False
    now = now or utcnow()
    with database.atomic():
        feed.enabled = enabled
        feed.next_run_at = (
            next_after(feed.schedule_cron, feed.interval_seconds, now) if enabled else None
        )
        feed.save()
        audit(actor, "enable" if enabled else "disable", feed, {"enabled": {"new": enabled}})
    return True


def add_company(name: str, company_type: str, *, actor: str) -> Company:
    name = name.strip()
    if not name:
        raise ProvisioningError("a company needs a name")
    if company_type not in {t.value for t in CompanyType}:
        raise ProvisioningError(f"type must be retailer or supplier, got {company_type!r}")
    if Company.select().where(Company.name == name).exists():
        raise ProvisioningError(f"a company named {name!r} already exists")
    with database.atomic():
        company = Company.create(name=name, type=company_type)
        audit(actor, "create", company, {"name": {"new": name}, "type": {"new": company_type}})
    return company


def add_company_mapping(retailer_id: int, supplier_id: int, *, actor: str) -> CompanyMapping:
    retailer = Company.get_or_none(Company.id == retailer_id)
    supplier = Company.get_or_none(Company.id == supplier_id)
    if retailer is None or retailer.type != CompanyType.RETAILER.value:
        raise ProvisioningError(f"company {retailer_id} is not a retailer")
    if supplier is None or supplier.type != CompanyType.SUPPLIER.value:
        raise ProvisioningError(f"company {supplier_id} is not a supplier")
    existing = CompanyMapping.get_or_none(
        (CompanyMapping.retailer == retailer_id) & (CompanyMapping.supplier == supplier_id)
    )
    if existing is not None:
        return existing
    with database.atomic():
        mapping = CompanyMapping.create(retailer=retailer_id, supplier=supplier_id)
        audit(
            actor,
            "create",
            mapping,
            {"retailer": {"new": retailer.name}, "supplier": {"new": supplier.name}},
        )
    return mapping


def _check_sku_pair(channel_sku: str, sku: str, known_skus: set[str]) -> str | None:
    if not channel_sku.strip() or not sku.strip():
        return "channel SKU and OMS SKU are both required"
    if len(channel_sku) > 120 or len(sku) > 120:
        return "SKUs are at most 120 characters"
    if sku.strip() not in known_skus:
        return f"no product with SKU {sku.strip()!r} in the OMS"
    return None


def map_sku(integration: Integration, channel_sku: str, sku: str, *, actor: str) -> SkuMapping:
    known = {s for (s,) in Product.select(Product.sku).where(Product.sku == sku.strip()).tuples()}
    problem = _check_sku_pair(channel_sku, sku, known)
    if problem:
        raise ProvisioningError(problem)
    with database.atomic():
        SkuMapping.insert(
            integration=integration.id, channel_sku=channel_sku.strip(), sku=sku.strip()
        ).on_conflict(
            conflict_target=[SkuMapping.integration, SkuMapping.channel_sku],
            preserve=[SkuMapping.sku],
            update={SkuMapping.updated_at: utcnow()},
        ).execute()
        mapping = SkuMapping.get(
            (SkuMapping.integration == integration.id)
            & (SkuMapping.channel_sku == channel_sku.strip())
        )
        audit(
            actor,
            "map_sku",
            mapping,
            {"channel_sku": channel_sku.strip(), "sku": {"new": sku.strip()}},
        )
    return mapping


@dataclass
class CsvReport:
    accepted: int = 0
    rejected: list[tuple[int, str, str]] = field(default_factory=list)  # (line, row, reason)


def import_sku_csv(integration: Integration, text: str, *, actor: str) -> CsvReport:
    """Bulk SKU mappings from CSV (`channel_sku,sku` header); bad rows are reported, not applied."""
    reader = csv.DictReader(io.StringIO(text))
    if reader.fieldnames is None or any(c not in reader.fieldnames for c in SKU_CSV_COLUMNS):
        raise ProvisioningError(
            f"the CSV needs a header with the columns {', '.join(SKU_CSV_COLUMNS)}; "
            f"found {', '.join(reader.fieldnames or []) or 'nothing'}"
        )
    rows = list(reader)
    known = {s for (s,) in Product.select(Product.sku).tuples()}
    report = CsvReport()
    seen: set[str] = set()
    good: list[dict] = []
    for line, row in enumerate(rows, start=2):
        channel_sku, sku = (row.get("channel_sku") or "").strip(), (row.get("sku") or "").strip()
        problem = _check_sku_pair(channel_sku, sku, known)
        if problem is None and channel_sku in seen:
            problem = f"channel SKU {channel_sku!r} appears twice in the file"
        if problem:
            report.rejected.append((line, f"{channel_sku},{sku}", problem))
            continue
        seen.add(channel_sku)
        good.append({"integration": integration.id, "channel_sku": channel_sku, "sku": sku})
    with database.atomic():
        for start in range(0, len(good), 500):
            SkuMapping.insert_many(good[start : start + 500]).on_conflict(
                conflict_target=[SkuMapping.integration, SkuMapping.channel_sku],
                preserve=[SkuMapping.sku],
                update={SkuMapping.updated_at: utcnow()},
            ).as_rowcount().execute()
        if good:
            audit(
                actor,
                "import_skus",
                integration,
                {"accepted": len(good), "rejected": len(report.rejected)},
            )
    report.accepted = len(good)
    return report
