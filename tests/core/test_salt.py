"""The per-site privacy secret: created once, never invented by a fleet worker, compared by fingerprint."""

from __future__ import annotations

import stat

import pytest

from govcrawl.salt import MissingSalt, salt_fingerprint, site_salt


def test_created_once_private_and_stable(tmp_path):
    first = site_salt(tmp_path, "demo")
    assert site_salt(tmp_path, "demo") == first and len(first) == 32
    assert stat.S_IMODE((tmp_path / "demo.salt").stat().st_mode) == 0o600
    assert site_salt(tmp_path, "other") != first


def test_a_worker_never_makes_up_its_own(tmp_path):
    with pytest.raises(MissingSalt):
        site_salt(tmp_path, "demo", create=False)
    assert not (tmp_path / "demo.salt").exists()
    made = site_salt(tmp_path, "demo")
    assert site_salt(tmp_path, "demo", create=False) == made


def test_fingerprint_tells_secrets_apart_without_showing_them():
    a, b = b"a" * 32, b"b" * 32
    assert salt_fingerprint(a) == salt_fingerprint(a) != salt_fingerprint(b)
    assert len(salt_fingerprint(a)) == 16 and a.hex()[:16] not in salt_fingerprint(a)
