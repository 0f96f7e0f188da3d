"""Failed logins, so the login rate limit is shared by every web process (gunicorn runs several).

A frozen copy of `models.users.LoginAttempt`. Lookups are "the latest attempts for
this username" and "for this address" within a window, so each has a (column, at)
index; `at` alone serves the pruning of attempts older than the window.
"""
from peewee import *


def up(migrator, db):
    class LoginAttempt(Model):
        created_at = DateTimeField()
        updated_at = DateTimeField()
        username = CharField(max_length=80)
        client_ip = CharField(max_length=45)
        at = DateTimeField(index=True)
        class Meta:
            database = db
            table_name = 'login_attempt'
            indexes = ((('username', 'at'), False), (('client_ip', 'at'), False))
    db.create_tables([LoginAttempt])


def down(migrator, db):
    migrator.migrate(migrator.drop_table('login_attempt'))
