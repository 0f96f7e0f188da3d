"""Entry module for the `dramatiq` worker CLI: database, broker, then actors."""

from __future__ import annotations

import logging

from models import init_database
from workers.broker import get_broker

logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
init_database()
broker = get_broker()

import workers.actors  # noqa: E402,F401  (declares the actors on the configured broker)
