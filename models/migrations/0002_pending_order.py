"""Orders set aside until they are paid; products found by their channel id."""
from peewee import *


def up(migrator, db):
    class Integration(Model):
        class Meta:
            database = db
            table_name = 'integration'

    class PendingOrder(Model):
        created_at = DateTimeField()
        updated_at = DateTimeField()
        integration = ForeignKeyField(Integration, on_delete='CASCADE')
        channel_order_id = CharField(max_length=120)
        channel_status = CharField(null=True, max_length=60)
        first_seen_at = DateTimeField()
        last_checked_at = DateTimeField()
        next_check_at = DateTimeField()
        checks = IntegerField(default=1)
        class Meta:
            database = db
            table_name = 'pending_order'
            indexes = ((('integration', 'channel_order_id'), True), (('integration', 'next_check_at'), False))
    db.create_tables([PendingOrder])
    migrator.migrate(
        migrator.add_index('product', ('integration_id', 'channel_product_id'), False))


def down(migrator, db):
    migrator.migrate(
        migrator.drop_index('product', 'product_integration_id_channel_product_id'))
    migrator.migrate(migrator.drop_table('pending_order'))
