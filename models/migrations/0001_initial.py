"""The initial schema: frozen copies of the models as they were at version 1.

Later schema changes are new numbered files; this one never changes."""
from peewee import *


def up(migrator, db):
    class AuditLog(Model):
        created_at = DateTimeField()
        updated_at = DateTimeField()
        at = DateTimeField(index=True)
        actor = CharField(max_length=120)
        action = CharField(max_length=40)
        model = CharField(max_length=60)
        object_id = CharField(null=True, max_length=60)
        changes = JSONField(default=dict)
        class Meta:
            database = db
            table_name = 'audit_log'
    db.create_tables([AuditLog])

    class Company(Model):
        created_at = DateTimeField()
        updated_at = DateTimeField()
        name = CharField(unique=True, max_length=200)
        type = CharField(max_length=20, default='retailer')
        class Meta:
            database = db
            table_name = 'company'
    db.create_tables([Company])

    class CompanyMapping(Model):
        created_at = DateTimeField()
        updated_at = DateTimeField()
        retailer = ForeignKeyField(Company, on_delete='CASCADE')
        supplier = ForeignKeyField(Company, on_delete='CASCADE')
        class Meta:
            database = db
            table_name = 'company_mapping'
            indexes = ((('retailer', 'supplier'), True),)
    db.create_tables([CompanyMapping])

    class Integration(Model):
        created_at = DateTimeField()
        updated_at = DateTimeField()
        channel = CharField(index=True, max_length=40)
        name = CharField(max_length=200)
        company = ForeignKeyField(Company, null=True, on_delete='SET NULL')
        enabled = BooleanField(default=True)
        mode = CharField(max_length=20, default='test')
        settings = JSONField(default=dict)
        credentials = TextField(null=True)
        secrets_set_at = JSONField(default=dict)
        email_errors_to = CharField(max_length=1000, default='')
        paused_reason = TextField(null=True)
        paused_at = DateTimeField(null=True)
        class Meta:
            database = db
            table_name = 'integration'
            indexes = ((('channel', 'name'), True),)
    db.create_tables([Integration])

    class Feed(Model):
        created_at = DateTimeField()
        updated_at = DateTimeField()
        integration = ForeignKeyField(Integration, on_delete='CASCADE')
        kind = CharField(max_length=40)
        direction = CharField(max_length=20, default='inbound')
        schedule_cron = CharField(null=True, max_length=120)
        interval_seconds = IntegerField(null=True)
        peak_schedule_cron = CharField(null=True, max_length=120)
        next_run_at = DateTimeField(null=True)
        enabled = BooleanField(default=True)
        cursor = JSONField(default=dict)
        class Meta:
            database = db
            table_name = 'feed'
            indexes = ((('integration', 'kind'), True), (('enabled', 'next_run_at'), False))
    db.create_tables([Feed])

    class ErrorFingerprint(Model):
        created_at = DateTimeField()
        updated_at = DateTimeField()
        integration = ForeignKeyField(Integration, on_delete='CASCADE')
        feed = ForeignKeyField(Feed, null=True, on_delete='CASCADE')
        fingerprint = CharField(max_length=64)
        code = CharField(max_length=80)
        message = TextField()
        first_seen_at = DateTimeField()
        last_seen_at = DateTimeField()
        occurrences = IntegerField(default=0)
        last_mailed_at = DateTimeField(null=True)
        mailed_occurrences = IntegerField(default=0)
        resolved_at = DateTimeField(null=True)
        class Meta:
            database = db
            table_name = 'error_fingerprint'
            indexes = ((('integration', 'fingerprint'), True),)
    db.create_tables([ErrorFingerprint])

    class FeedExecution(Model):
        created_at = DateTimeField()
        updated_at = DateTimeField()
        feed = ForeignKeyField(Feed, on_delete='CASCADE')
        integration = ForeignKeyField(Integration, on_delete='CASCADE')
        kind = CharField(max_length=40)
        trigger = CharField(max_length=20, default='schedule')
        status = CharField(max_length=20, default='queued')
        due_at = DateTimeField(null=True)
        attempt = IntegerField(default=0)
        max_attempts = IntegerField(default=8)
        next_attempt_at = DateTimeField(null=True)
        retry_after_seconds = IntegerField(null=True)
        redeliver_at = DateTimeField(null=True)
        lease_expires_at = DateTimeField(null=True)
        worker = CharField(null=True, max_length=120)
        settings_version = CharField(null=True, max_length=20)
        force = BooleanField(default=False)
        queued_at = DateTimeField()
        started_at = DateTimeField(null=True)
        finished_at = DateTimeField(null=True)
        seen = IntegerField(default=0)
        created = IntegerField(default=0)
        updated = IntegerField(default=0)
        skipped = IntegerField(default=0)
        info_events = IntegerField(default=0)
        retry_events = IntegerField(default=0)
        error_events = IntegerField(default=0)
        summary = TextField(default='')
        class Meta:
            database = db
            table_name = 'feed_execution'
            indexes = ((('status', 'redeliver_at'), False), (('status', 'lease_expires_at'), False), (('feed', 'status'), False), (('feed', 'queued_at'), False), (('integration', 'queued_at'), False), (('kind', 'queued_at'), False), (('queued_at',), False))
    db.create_tables([FeedExecution])
    # At most one running execution per feed, enforced by the database.
    db.execute_sql(
        'CREATE UNIQUE INDEX IF NOT EXISTS "feed_execution_one_running" '
        'ON "feed_execution" ("feed_id") WHERE "status" = \'running\''
    )

    class ExecutionAttempt(Model):
        created_at = DateTimeField()
        updated_at = DateTimeField()
        execution = ForeignKeyField(FeedExecution, on_delete='CASCADE')
        number = IntegerField()
        worker = CharField(null=True, max_length=120)
        started_at = DateTimeField()
        finished_at = DateTimeField(null=True)
        outcome = CharField(null=True, max_length=20)
        message = TextField(default='')
        class Meta:
            database = db
            table_name = 'execution_attempt'
            indexes = ((('execution', 'number'), True),)
    db.create_tables([ExecutionAttempt])

    class ExecutionEvent(Model):
        created_at = DateTimeField()
        updated_at = DateTimeField()
        execution = ForeignKeyField(FeedExecution, on_delete='CASCADE')
        integration = ForeignKeyField(Integration, on_delete='CASCADE')
        severity = CharField(max_length=10, default='info')
        code = CharField(max_length=80)
        message = TextField()
        record_ref = CharField(null=True, max_length=200)
        details = JSONField(default=dict)
        fingerprint = CharField(index=True, max_length=64)
        resolved_at = DateTimeField(null=True)
        resolved_by = CharField(null=True, max_length=120)
        mailed_at = DateTimeField(null=True)
        class Meta:
            database = db
            table_name = 'execution_event'
            indexes = ((('execution', 'id'), False), (('severity', 'resolved_at', 'id'), False), (('integration', 'severity', 'mailed_at'), False), (('record_ref',), False))
    db.create_tables([ExecutionEvent])

    class Order(Model):
        created_at = DateTimeField()
        updated_at = DateTimeField()
        integration = ForeignKeyField(Integration, on_delete='CASCADE')
        channel_order_id = CharField(max_length=120)
        status = CharField(max_length=20, default='new')
        channel_status = CharField(null=True, max_length=60)
        supplier = ForeignKeyField(Company, null=True, on_delete='SET NULL')
        placed_at = DateTimeField(null=True)
        imported_at = DateTimeField()
        channel_updated_at = DateTimeField(null=True)
        currency = CharField(null=True, max_length=3)
        total = DecimalField(null=True, max_digits=14, decimal_places=2)
        shipping_method = CharField(null=True, max_length=120)
        buyer = JSONField(default=dict)
        shipping_address = JSONField(default=dict)
        billing_address = JSONField(default=dict)
        attributes = JSONField(default=dict)
        carrier = CharField(null=True, max_length=120)
        tracking_number = CharField(null=True, max_length=120)
        dispatched_at = DateTimeField(null=True)
        shipped_at = DateTimeField(null=True)
        cancelled_at = DateTimeField(null=True)
        confirmation = JSONField(default=dict)
        class Meta:
            database = db
            table_name = 'order'
            indexes = ((('integration', 'channel_order_id'), True), (('integration', 'status'), False), (('status', 'dispatched_at'), False), (('imported_at',), False), (('channel_order_id',), False))
    db.create_tables([Order])

    class OrderExecution(Model):
        created_at = DateTimeField()
        updated_at = DateTimeField()
        order = ForeignKeyField(Order, on_delete='CASCADE')
        execution = ForeignKeyField(FeedExecution, on_delete='CASCADE')
        action = CharField(max_length=40)
        class Meta:
            database = db
            table_name = 'order_execution'
            indexes = ((('order', 'execution', 'action'), True), (('execution',), False))
    db.create_tables([OrderExecution])

    class OrderLine(Model):
        created_at = DateTimeField()
        updated_at = DateTimeField()
        order = ForeignKeyField(Order, on_delete='CASCADE')
        line_number = IntegerField()
        channel_line_id = CharField(null=True, max_length=120)
        channel_sku = CharField(max_length=120)
        sku = CharField(max_length=120)
        name = CharField(max_length=500, default='')
        quantity = IntegerField()
        unit_price = DecimalField(null=True, max_digits=14, decimal_places=2)
        line_type = CharField(max_length=20, default='textual')
        personalisation = JSONField(default=dict)
        class Meta:
            database = db
            table_name = 'order_line'
            indexes = ((('order', 'line_number'), True),)
    db.create_tables([OrderLine])

    class Product(Model):
        created_at = DateTimeField()
        updated_at = DateTimeField()
        sku = CharField(unique=True, max_length=120)
        name = CharField(max_length=500, default='')
        barcode = CharField(null=True, max_length=64)
        weight = DecimalField(null=True, max_digits=12, decimal_places=3)
        price = DecimalField(null=True, max_digits=14, decimal_places=2)
        active = BooleanField(default=True)
        attributes = JSONField(default=dict)
        integration = ForeignKeyField(Integration, null=True, on_delete='SET NULL')
        channel_product_id = CharField(null=True, max_length=120)
        channel_updated_at = DateTimeField(null=True)
        class Meta:
            database = db
            table_name = 'product'
    db.create_tables([Product])

    class ProductImage(Model):
        created_at = DateTimeField()
        updated_at = DateTimeField()
        product = ForeignKeyField(Product, on_delete='CASCADE')
        url = CharField(max_length=1000)
        position = IntegerField(default=0)
        path = CharField(null=True, max_length=1000)
        checksum = CharField(null=True, max_length=64)
        downloaded_at = DateTimeField(null=True)
        class Meta:
            database = db
            table_name = 'product_image'
            indexes = ((('product', 'url'), True),)
    db.create_tables([ProductImage])

    class Supplier(Model):
        created_at = DateTimeField()
        updated_at = DateTimeField()
        name = CharField(max_length=200)
        integration = ForeignKeyField(Integration, null=True, on_delete='SET NULL')
        channel_supplier_id = CharField(null=True, max_length=120)
        active = BooleanField(default=True)
        class Meta:
            database = db
            table_name = 'supplier'
            indexes = ((('integration', 'channel_supplier_id'), True),)
    db.create_tables([Supplier])

    class ProductSupplier(Model):
        created_at = DateTimeField()
        updated_at = DateTimeField()
        product = ForeignKeyField(Product, on_delete='CASCADE')
        supplier = ForeignKeyField(Supplier, on_delete='CASCADE')
        reference = CharField(null=True, max_length=120)
        price = DecimalField(null=True, max_digits=14, decimal_places=4)
        class Meta:
            database = db
            table_name = 'product_supplier'
            indexes = ((('product', 'supplier'), True),)
    db.create_tables([ProductSupplier])

    class SkuMapping(Model):
        created_at = DateTimeField()
        updated_at = DateTimeField()
        integration = ForeignKeyField(Integration, on_delete='CASCADE')
        channel_sku = CharField(max_length=120)
        sku = CharField(max_length=120)
        class Meta:
            database = db
            table_name = 'sku_mapping'
            indexes = ((('integration', 'channel_sku'), True),)
    db.create_tables([SkuMapping])

    class Warehouse(Model):
        created_at = DateTimeField()
        updated_at = DateTimeField()
        code = CharField(unique=True, max_length=40)
        name = CharField(max_length=200)
        class Meta:
            database = db
            table_name = 'warehouse'
    db.create_tables([Warehouse])

    class StockLevel(Model):
        created_at = DateTimeField()
        updated_at = DateTimeField()
        product = ForeignKeyField(Product, on_delete='CASCADE')
        warehouse = ForeignKeyField(Warehouse, on_delete='CASCADE')
        quantity = IntegerField(default=0)
        reserved = IntegerField(default=0)
        class Meta:
            database = db
            table_name = 'stock_level'
            indexes = ((('product', 'warehouse'), True),)
    db.create_tables([StockLevel])

    class User(Model):
        created_at = DateTimeField()
        updated_at = DateTimeField()
        username = CharField(unique=True, max_length=80)
        password_hash = CharField(max_length=300)
        role = CharField(max_length=10, default='ops')
        active = BooleanField(default=True)
        last_login_at = DateTimeField(null=True)
        class Meta:
            database = db
            table_name = 'user_account'
    db.create_tables([User])


def down(migrator, db):
    migrator.migrate(migrator.drop_table('user_account'))
    migrator.migrate(migrator.drop_table('stock_level'))
    migrator.migrate(migrator.drop_table('warehouse'))
    migrator.migrate(migrator.drop_table('sku_mapping'))
    migrator.migrate(migrator.drop_table('product_supplier'))
    migrator.migrate(migrator.drop_table('supplier'))
    migrator.migrate(migrator.drop_table('product_image'))
    migrator.migrate(migrator.drop_table('product'))
    migrator.migrate(migrator.drop_table('order_line'))
    migrator.migrate(migrator.drop_table('order_execution'))
    migrator.migrate(migrator.drop_table('order'))
    migrator.migrate(migrator.drop_table('execution_event'))
    migrator.migrate(migrator.drop_table('execution_attempt'))
    migrator.migrate(migrator.drop_table('feed_execution'))
    migrator.migrate(migrator.drop_table('error_fingerprint'))
    migrator.migrate(migrator.drop_table('feed'))
    migrator.migrate(migrator.drop_table('integration'))
    migrator.migrate(migrator.drop_table('company_mapping'))
    migrator.migrate(migrator.drop_table('company'))
    migrator.migrate(migrator.drop_table('audit_log'))
