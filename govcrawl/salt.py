"""The per-site secret that privacy digests are keyed with.

``privacy-leak`` must recognise the same leaked number on later nights
without ever storing it. A plain hash would not do: an 18-digit ID number
has little entropy once its region and birth date are guessed, so anyone
with the store could brute-force it back. Keyed with a random secret that
lives only beside the store (``data/SITE.salt``, mode 0600, never written
into any report or log), the digest identifies without revealing.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from pathlib import Path

SALT_BYTES = 32


class MissingSalt(FileNotFoundError):
    """A fleet worker has no copy of the site's secret (it must not make up its own)."""


def site_salt(root: Path, site_id: str, *, create: bool = True) -> bytes:
    """Read the site's secret, creating it on first use (atomically: two processes get the same one).

    ``create=False`` (a fleet worker): a missing secret is an error. A worker on
    another machine that made its own would key the digests of the pages it
    crawls differently from everyone else's, and the same leaked number would be
    a new finding or a fixed one depending on which machine read the page.
    """
    path = Path(root) / f"{site_id}.salt"
    if not path.exists() and not create:
        raise MissingSalt(path)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        temp = path.with_name(f".{path.name}.{os.getpid()}")
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as out:
            out.write(os.urandom(SALT_BYTES))
            out.flush()
            os.fsync(out.fileno())
        try:
            os.link(temp, path)  # appears whole or not at all; a concurrent creator's secret wins
        except FileExistsError:
            pass
        finally:
            temp.unlink()
    data = path.read_bytes()
    if len(data) < 16:
        raise ValueError(f"{path}: the privacy secret is damaged (remove it to start a new one)")
    return data


def salt_fingerprint(salt: bytes) -> str:
    """A short public name of ``salt``, to tell whether two machines hold the same secret without sending it.

    An HMAC of a fixed label under the secret: it reveals nothing about the
    secret, and it is no key to any digest (those are HMACs of numbers).
    """
    return hmac.new(salt, b"govcrawl salt fingerprint", hashlib.sha256).hexdigest()[:16]
