"""crawler.extract.digests: the same digests as hashlib/hmac, without loading OpenSSL in a page worker."""

from __future__ import annotations

import hashlib
import hmac
import subprocess
import sys

import pytest

from crawler.extract.digests import blake2b, hmac_sha256, sha256


@pytest.mark.parametrize("key", [b"k", b"s" * 32, b"x" * 64, b"y" * 65, bytes(range(200))])
@pytest.mark.parametrize("message", [b"", b"idcard:11010519491231002X", "手机:13800138000".encode()])
def test_hmac_matches_the_standard_library(key, message):
    assert hmac_sha256(key, message) == hmac.new(key, message, hashlib.sha256).hexdigest()


def test_hmac_depends_on_key_and_message():
    assert hmac_sha256(b"salt-a", b"m") != hmac_sha256(b"salt-b", b"m")
    assert hmac_sha256(b"salt-a", b"m") != hmac_sha256(b"salt-a", b"n")


def test_plain_digests_match_the_standard_library():
    data = b"body(div(ul(li*20)))"
    assert sha256(data).hexdigest() == hashlib.sha256(data).hexdigest()
    assert blake2b(data, digest_size=8).hexdigest() == hashlib.blake2b(data, digest_size=8).hexdigest()


def test_a_page_worker_does_not_load_openssl():
    """What the module is for: a worker that imports extraction never maps libcrypto (3.3 MiB)."""
    code = ("import sys, crawler.pageworker, crawler.extract.page; "
            "print(sorted(m for m in ('_hashlib', 'hashlib', 'hmac', '_ssl') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-P", "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
