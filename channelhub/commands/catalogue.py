"""Companies, retailer -> supplier mappings, SKU mappings, products and stock."""

from __future__ import annotations

from pathlib import Path

import click

from channelhub.commands.common import emit, get_or_fail, setup, system_user


def _refused(exc: Exception) -> click.ClickException:
    return click.ClickException(str(exc))


@click.group()
def companies() -> None:
    """Retailer and supplier companies."""


@companies.command("add")
@click.argument("name")
@click.option("--type", "company_type", type=click.Choice(["retailer", "supplier"]), required=True)
def companies_add(name: str, company_type: str) -> None:
    """Add a company; prints its id.

    \b
    Example: channelhub companies add "Acme Retail" --type retailer
    """
    from workers.configuration import add_company
    from workers.provisioning import ProvisioningError

    setup()
    try:
        click.echo(add_company(name, company_type, actor=system_user()).id)
    except ProvisioningError as exc:
        raise _refused(exc) from None


@companies.command("list")
@click.option("--json", "as_json", is_flag=True)
def companies_list(as_json: bool) -> None:
    """List companies.

    \b
    Example: channelhub companies list --json
    """
    from models import Company

    setup()
    rows = [
        {"id": c.id, "name": c.name, "type": c.type}
        for c in Company.select().order_by(Company.name)
    ]
    if as_json:
        emit(rows)
        return
    for row in rows:
        click.echo(f"{row['id']:>4}  {row['type']:<9} {row['name']}")


@click.group()
def mappings() -> None:
    """Retailer -> supplier mappings (an order needs one before it can be saved)."""


@mappings.command("add")
@click.option("--retailer", "retailer_id", type=int, required=True)
@click.option("--supplier", "supplier_id", type=int, required=True)
def mappings_add(retailer_id: int, supplier_id: int) -> None:
    """Map a retailer to the supplier its orders are saved for.

    \b
    Example: channelhub mappings add --retailer 1 --supplier 2
    """
    from workers.configuration import add_company_mapping
    from workers.provisioning import ProvisioningError

    setup()
    try:
        mapping = add_company_mapping(retailer_id, supplier_id, actor=system_user())
    except ProvisioningError as exc:
        raise _refused(exc) from None
    click.echo(mapping.id)


@mappings.command("list")
@click.option("--json", "as_json", is_flag=True)
def mappings_list(as_json: bool) -> None:
    """List retailer -> supplier mappings.

    \b
    Example: channelhub mappings list
    """
    from models import Company, CompanyMapping

    setup()
    names = {c.id: c.name for c in Company.select()}
    rows = [
        {
            "id": m.id,
            "retailer_id": m.retailer_id,
            "retailer": names[m.retailer_id],
            "supplier_id": m.supplier_id,
            "supplier": names[m.supplier_id],
        }
        for m in CompanyMapping.select().order_by(CompanyMapping.id)
    ]
    if as_json:
        emit(rows)
        return
    for row in rows:
        click.echo(f"{row['id']:>4}  {row['retailer']} -> {row['supplier']}")


@click.group()
def skus() -> None:
    """SKU mappings: channel SKU -> OMS SKU, per integration."""


@skus.command("map")
@click.option("--integration", "integration_id", type=int, required=True)
@click.argument("channel_sku")
@click.argument("oms_sku")
def skus_map(integration_id: int, channel_sku: str, oms_sku: str) -> None:
    """Map one channel SKU to an OMS SKU (replaces an earlier mapping of that channel SKU).

    \b
    Example: channelhub skus map --integration 3 AMZ-TSHIRT-RED-M SKU-TSHIRT-RED-M
    """
    from models import Integration
    from workers.configuration import map_sku
    from workers.provisioning import ProvisioningError

    setup()
    integration = get_or_fail(Integration, integration_id, "integration")
    try:
        map_sku(integration, channel_sku, oms_sku, actor=system_user())
    except ProvisioningError as exc:
        raise _refused(exc) from None
    click.echo(f"{channel_sku} -> {oms_sku}")


@skus.command("list")
@click.option("--integration", "integration_id", type=int, required=True)
@click.option("--json", "as_json", is_flag=True)
def skus_list(integration_id: int, as_json: bool) -> None:
    """List the SKU mappings of an integration.

    \b
    Example: channelhub skus list --integration 3 --json
    """
    from models import Integration, SkuMapping

    setup()
    get_or_fail(Integration, integration_id, "integration")
    rows = [
        {"channel_sku": m.channel_sku, "sku": m.sku}
        for m in SkuMapping.select()
        .where(SkuMapping.integration == integration_id)
        .order_by(SkuMapping.channel_sku)
    ]
    if as_json:
        emit(rows)
        return
    for row in rows:
        click.echo(f"{row['channel_sku']} -> {row['sku']}")


@skus.command("import")
@click.option("--integration", "integration_id", type=int, required=True)
@click.argument("csv_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def skus_import(integration_id: int, csv_file: Path) -> None:
    """Bulk SKU mappings from a CSV with a `channel_sku,sku` header; rejected rows are reported.

    \b
    Example: channelhub skus import --integration 3 mappings.csv
    """
    from models import Integration
    from workers.configuration import import_sku_csv
    from workers.provisioning import ProvisioningError

    setup()
    integration = get_or_fail(Integration, integration_id, "integration")
    try:
        report = import_sku_csv(
            integration, csv_file.read_text(encoding="utf-8-sig"), actor=system_user()
        )
    except (ProvisioningError, UnicodeDecodeError) as exc:
        raise _refused(exc) from None
    click.echo(f"{report.accepted} mapping(s) applied, {len(report.rejected)} rejected")
    for line, row, reason in report.rejected:
        click.echo(f"  line {line} ({row}): {reason}", err=True)
    if report.rejected:
        raise SystemExit(1)


@click.group("products")
def products_group() -> None:
    """Products of the catalogue."""


@products_group.command("list")
@click.option("--sku")
@click.option("--limit", type=int, default=200, show_default=True)
@click.option("--json", "as_json", is_flag=True)
def products_list(sku: str | None, limit: int, as_json: bool) -> None:
    """List products.

    \b
    Example: channelhub products list --sku SKU-TSHIRT-RED-M --json
    """
    from models import Product

    setup()
    query = Product.select().order_by(Product.sku).limit(limit)
    if sku:
        query = query.where(Product.sku == sku)
    rows = [
        {
            "id": p.id,
            "sku": p.sku,
            "name": p.name,
            "barcode": p.barcode,
            "weight": str(p.weight) if p.weight is not None else None,
            "price": str(p.price) if p.price is not None else None,
            "active": p.active,
            "integration_id": p.integration_id,
            "channel_product_id": p.channel_product_id,
        }
        for p in query
    ]
    if as_json:
        emit(rows)
        return
    for row in rows:
        click.echo(f"{row['sku']:<30} {row['name'][:50]}")


@click.group("stock")
def stock_group() -> None:
    """Stock levels."""


@stock_group.command("list")
@click.option("--sku")
@click.option("--limit", type=int, default=500, show_default=True)
@click.option("--json", "as_json", is_flag=True)
def stock_list(sku: str | None, limit: int, as_json: bool) -> None:
    """Stock per SKU and warehouse (on hand, reserved, available).

    \b
    Example: channelhub stock list --sku SKU-TSHIRT-RED-M --json
    """
    from models import Product, StockLevel, Warehouse

    setup()
    query = (
        StockLevel.select(StockLevel, Product.sku, Warehouse.code)
        .join(Product)
        .switch(StockLevel)
        .join(Warehouse)
        .order_by(Product.sku, Warehouse.code)
        .limit(limit)
    )
    if sku:
        query = query.where(Product.sku == sku)
    rows = [
        {
            "sku": s.product.sku,
            "warehouse": s.warehouse.code,
            "quantity": s.quantity,
            "reserved": s.reserved,
            "available": s.available,
        }
        for s in query
    ]
    if as_json:
        emit(rows)
        return
    for row in rows:
        click.echo(f"{row['sku']:<30} {row['warehouse']:<10} {row['available']:>6} available")


COMMANDS = [companies, mappings, skus, products_group, stock_group]
