"""TLS for talking to government servers as they are, not as they should be.

The crawl inspects a portal; it does not vouch for it. A server whose certificate has
expired or names another host still serves pages that webmasters must fix, so neither the
page downloads nor the resource lane verify certificates (Scrapy's default too:
``DOWNLOAD_VERIFY_CERTIFICATES = False``).

Old servers (IIS 6/7, load balancers from before 2010) do not support secure
renegotiation (RFC 5746). OpenSSL 3 then refuses the handshake ("unsafe legacy
renegotiation disabled") unless the client allows legacy renegotiation. Scrapy's Twisted
handler always set that option for this reason (``_ScrapyCertificateOptions``); the
stdlib contexts that aiohttp and Scrapy's aiohttp handler make do not.
"""

from __future__ import annotations

import ssl

__all__ = ["allow_legacy_servers", "client_context"]


def allow_legacy_servers(context: ssl.SSLContext) -> ssl.SSLContext:
    """``context`` with legacy renegotiation allowed (``OP_LEGACY_SERVER_CONNECT``); returned for chaining."""
    context.options |= ssl.OP_LEGACY_SERVER_CONNECT
    return context


def client_context() -> ssl.SSLContext:
    """A client context that reads any server: certificates unverified, legacy renegotiation allowed."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    context.options |= ssl.OP_NO_COMPRESSION
    context.set_alpn_protocols(["http/1.1"])
    return allow_legacy_servers(context)
