"""Products, stock, suppliers and SKU mappings."""

from __future__ import annotations

import peewee

from models.base import BaseModel
from models.fields import DateTimeField
from models.integration import Integration


class Product(BaseModel):
    sku = peewee.CharField(max_length=120, unique=True)
    name = peewee.CharField(max_length=500, default="")
    barcode = peewee.CharField(max_length=64, null=True)
    weight = peewee.DecimalField(max_digits=12, decimal_places=3, null=True)
    price = peewee.DecimalField(max_digits=14, decimal_places=2, null=True)
    active = peewee.BooleanField(default=True)
    attributes = peewee.JSONField(default=dict)
    integration = peewee.ForeignKeyField(Integration, null=True, on_delete="SET NULL")
    channel_product_id = peewee.CharField(max_length=120, null=True)
    channel_updated_at = DateTimeField(null=True)

    class Meta:
        table_name = "product"
        indexes = ((("integration", "channel_product_id"), False),)

    def __str__(self) -> str:
        return self.sku


class ProductImage(BaseModel):
    product = peewee.ForeignKeyField(Product, backref="images", on_delete="CASCADE")
    url = peewee.CharField(max_length=1000)
    position = peewee.IntegerField(default=0)
    path = peewee.CharField(max_length=1000, null=True)
    checksum = peewee.CharField(max_length=64, null=True)
    downloaded_at = DateTimeField(null=True)

    class Meta:
        table_name = "product_image"
        indexes = ((("product", "url"), True),)


class Warehouse(BaseModel):
    code = peewee.CharField(max_length=40, unique=True)
    name = peewee.CharField(max_length=200)

    class Meta:
        table_name = "warehouse"

    def __str__(self) -> str:
        return self.name


class StockLevel(BaseModel):
    product = peewee.ForeignKeyField(Product, backref="stock", on_delete="CASCADE")
    warehouse = peewee.ForeignKeyField(Warehouse, backref="stock", on_delete="CASCADE")
    quantity = peewee.IntegerField(default=0)
    reserved = peewee.IntegerField(default=0)

    class Meta:
        table_name = "stock_level"
        indexes = ((("product", "warehouse"), True),)

    @property
    def available(self) -> int:
        return self.quantity - self.reserved


class Supplier(BaseModel):
    name = peewee.CharField(max_length=200)
    integration = peewee.ForeignKeyField(Integration, null=True, on_delete="SET NULL")
    channel_supplier_id = peewee.CharField(max_length=120, null=True)
    active = peewee.BooleanField(default=True)

    class Meta:
        table_name = "supplier"
        indexes = ((("integration", "channel_supplier_id"), True),)

    def __str__(self) -> str:
        return self.name


class ProductSupplier(BaseModel):
    product = peewee.ForeignKeyField(Product, backref="suppliers", on_delete="CASCADE")
    supplier = peewee.ForeignKeyField(Supplier, backref="products", on_delete="CASCADE")
    reference = peewee.CharField(max_length=120, null=True)
    price = peewee.DecimalField(max_digits=14, decimal_places=4, null=True)

    class Meta:
        table_name = "product_supplier"
        indexes = ((("product", "supplier"), True),)


class SkuMapping(BaseModel):
    """Channel SKU -> OMS SKU, per integration."""

    integration = peewee.ForeignKeyField(Integration, backref="sku_mappings", on_delete="CASCADE")
    channel_sku = peewee.CharField(max_length=120)
    sku = peewee.CharField(max_length=120)

    class Meta:
        table_name = "sku_mapping"
        indexes = ((("integration", "channel_sku"), True),)
