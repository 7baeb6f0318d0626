"""SHA-256, HMAC-SHA256 and BLAKE2b for extraction, from CPython's own implementations.

Why not ``hashlib`` and ``hmac``: importing either loads OpenSSL's libcrypto
(``_hashlib``), and initialising it makes 3.3 MiB of it resident in a page worker
that needs no TLS and hashes only a template skeleton per page and the rare
personal number it finds (measured: ``import crawler.pageworker`` 27.3 MiB with
``_hashlib``, 24.0 without). CPython ships SHA-2 and BLAKE2 built in (``_sha2``,
``_blake2``: what ``hashlib`` itself falls back to, and ``random`` imports), and
they give the same digests. An interpreter without them gets ``hashlib``'s.

HMAC is RFC 2104 over SHA-256 (64-byte blocks); ``tests/crawler/test_digests.py``
compares it with ``hmac.new`` on keys shorter than, as long as and longer than a block.
"""

from __future__ import annotations

try:
    from _blake2 import blake2b
    from _sha2 import sha256
except ImportError:  # not CPython, or built without them
    from hashlib import blake2b, sha256

__all__ = ["blake2b", "hmac_sha256", "sha256"]

_BLOCK = 64  # SHA-256's block size, bytes
_INNER = bytes(byte ^ 0x36 for byte in range(256))
_OUTER = bytes(byte ^ 0x5C for byte in range(256))


def hmac_sha256(key: bytes, message: bytes) -> str:
    """HMAC-SHA256 of ``message`` under ``key``, as hex."""
    if len(key) > _BLOCK:
        key = sha256(key).digest()
    key = key.ljust(_BLOCK, b"\0")
    inner = sha256(key.translate(_INNER) + message).digest()
    return sha256(key.translate(_OUTER) + inner).hexdigest()
