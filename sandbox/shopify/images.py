"""Product images the simulated CDN serves: small valid PNGs, the same bytes for the same name."""

from __future__ import annotations

import hashlib
import struct
import zlib
from functools import lru_cache

SIDE_PIXELS = 16


def _chunk(kind: bytes, data: bytes) -> bytes:
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)


@lru_cache(maxsize=4096)
def png_for(name: str) -> bytes:
    """A 16x16 RGB PNG whose colour is derived from ``name`` (deterministic, ~80 bytes)."""
    red, green, blue = hashlib.sha256(name.encode()).digest()[:3]
    row = b"\x00" + bytes((red, green, blue)) * SIDE_PIXELS  # filter byte 0, then pixels
    header = struct.pack(">IIBBBBB", SIDE_PIXELS, SIDE_PIXELS, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(row * SIDE_PIXELS, 9))
        + _chunk(b"IEND", b"")
    )
