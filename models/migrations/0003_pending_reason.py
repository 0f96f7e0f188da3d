"""Why an order is set aside: awaiting payment, or a mapping the OMS still lacks."""
from peewee import *


def up(migrator, db):
    migrator.migrate(
        migrator.add_column('pending_order', 'reason',
                            CharField(max_length=40, default='awaiting_payment')))


def down(migrator, db):
    migrator.migrate(migrator.drop_column('pending_order', 'reason'))
