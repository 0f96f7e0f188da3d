"""The ops dashboard: a Flask app factory with Flask-Admin views behind a login.

Everything here only reads the tables the workers write, or goes through the
same entry points as the command line (`workers.provisioning`, `workers.dispatch`),
so a button in the dashboard does exactly what the scheduler or an admin would do.
"""

from dashboard.app import create_app

__all__ = ["create_app"]
