"""Rotating the key that encrypts stored credentials, without downtime.

1. Generate a key; configure `CHANNELHUB_ENCRYPTION_KEY=NEW,OLD` on every process
   (each can then read both, and writes with NEW);
2. run `channelhub keys rotate`: every stored secret is re-encrypted with NEW, in
   small transactions, while feeds keep running;
3. drop OLD from the configuration.
"""

from __future__ import annotations

from cryptography.fernet import Fernet

from models import Integration, database
from models.crypto import CredentialsUnreadable, reset_keys, rotate

BATCH = 100


def generate_key() -> str:
    return Fernet.generate_key().decode()


def rotate_all() -> tuple[int, list[int]]:
    """Re-encrypt every integration's credentials; returns (rotated, ids that failed)."""
    reset_keys()
    rotated, failed = 0, []
    last_id = 0
    while True:
        batch = list(
            Integration.select(Integration.id, Integration.credentials)
            .where((Integration.id > last_id) & Integration.credentials.is_null(False))
            .order_by(Integration.id)
            .limit(BATCH)
        )
        if not batch:
            return rotated, failed
        with database.atomic():
            for integration in batch:
                last_id = integration.id
                try:
                    token = rotate(integration.credentials)
                except CredentialsUnreadable:
                    failed.append(integration.id)
                    continue
                Integration.update(credentials=token).where(
                    Integration.id == integration.id
                ).execute()
                rotated += 1
