"""Where downloaded product images are kept: content-addressed files under a media root.

The root comes from `CHANNELHUB_MEDIA_DIR` (a local path, or a mounted object-store
path); the database keeps the URL, the relative path and the SHA-256.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path, PurePosixPath
from urllib.parse import urlparse

from models.db import DEFAULT_DATA_DIR

KNOWN_SUFFIXES = {".jpg", ".jpeg", ".png", ".gif", ".webp"}


def media_root() -> Path:
    return Path(os.environ.get("CHANNELHUB_MEDIA_DIR") or DEFAULT_DATA_DIR / "media")


def store_image(url: str, content: bytes) -> tuple[str, str]:
    """Write the bytes once (same content, same file); returns (relative path, sha256)."""
    digest = hashlib.sha256(content).hexdigest()
    suffix = PurePosixPath(urlparse(url).path).suffix.lower()
    if suffix not in KNOWN_SUFFIXES:
        suffix = _sniff(content)
    relative = f"products/{digest[:2]}/{digest}{suffix}"
    target = media_root() / relative
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_suffix(target.suffix + ".part")
        partial.write_bytes(content)
        partial.replace(target)  # atomic: a crash never leaves half an image under the real name
    return relative, digest


def _sniff(content: bytes) -> str:
    if content.startswith(b"\xff\xd8"):
        return ".jpg"
    if content.startswith(b"\x89PNG"):
        return ".png"
    if content[:4] == b"RIFF" and content[8:12] == b"WEBP":
        return ".webp"
    if content.startswith(b"GIF8"):
        return ".gif"
    return ".bin"
