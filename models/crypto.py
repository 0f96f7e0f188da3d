"""Encryption of channel credentials at rest.

Fernet (AES-128-CBC + HMAC) from `cryptography`. `CHANNELHUB_ENCRYPTION_KEY` may hold
several comma-separated keys: the first encrypts, all decrypt, which is how a key
is rotated without downtime. The embedded default keeps a generated key in a file
readable only by its owner, so a first start needs no configuration.
"""

from __future__ import annotations

import json
import os
from functools import lru_cache
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from models.db import DEFAULT_DATA_DIR

KEY_ENV = "CHANNELHUB_ENCRYPTION_KEY"


class CredentialsUnreadable(Exception):
    """The stored credentials cannot be decrypted with the configured key(s)."""


def _key_file() -> Path:
    return DEFAULT_DATA_DIR / "encryption.key"


def _load_keys() -> list[str]:
    configured = os.environ.get(KEY_ENV, "").strip()
    if configured:
        return [k.strip() for k in configured.split(",") if k.strip()]
    path = _key_file()
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(Fernet.generate_key().decode())
    return [path.read_text().strip()]


@lru_cache(maxsize=1)
def _fernet() -> MultiFernet:
    return MultiFernet([Fernet(k.encode()) for k in _load_keys()])


def reset_keys() -> None:
    """Forget the cached keys (after the environment changed, e.g. in a rotation)."""
    _fernet.cache_clear()


def encrypt_secrets(secrets: dict[str, str]) -> str:
    return _fernet().encrypt(json.dumps(secrets, sort_keys=True).encode()).decode()


def decrypt_secrets(token: str | None) -> dict[str, str]:
    if not token:
        return {}
    try:
        return json.loads(_fernet().decrypt(token.encode()))
    except InvalidToken as exc:
        raise CredentialsUnreadable(
            "stored credentials cannot be decrypted: CHANNELHUB_ENCRYPTION_KEY does not "
            "match the key they were written with"
        ) from exc


def rotate(token: str) -> str:
    """Re-encrypt `token` under the primary key."""
    try:
        return _fernet().rotate(token.encode()).decode()
    except InvalidToken as exc:
        raise CredentialsUnreadable(
            "stored credentials cannot be decrypted with any configured key"
        ) from exc
