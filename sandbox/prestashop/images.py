"""Product images as ``/api/images/products/{id_product}/{id_image}`` serves them: small,
valid PNG files whose colour follows the image id, so the bytes are deterministic."""

from __future__ import annotations

import struct
import zlib

SIZE = 16


def _chunk(kind: bytes, payload: bytes) -> bytes:
    crc = zlib.crc32(kind + payload) & 0xFFFFFFFF
    return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", crc)


def png(image_id: int) -> bytes:
    """A 16x16 RGB PNG, one colour per image id."""
    red, green, blue = (image_id * 73) % 256, (image_id * 151) % 256, (image_id * 199) % 256
    row = b"\x00" + bytes((red, green, blue)) * SIZE
    header = struct.pack(">IIBBBBB", SIZE, SIZE, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header)
            + _chunk(b"IDAT", zlib.compress(row * SIZE)) + _chunk(b"IEND", b""))
