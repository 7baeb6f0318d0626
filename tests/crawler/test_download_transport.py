"""Pages are downloaded with Scrapy's aiohttp handler (crawler.download): failures keep their words, TLS its reach.

Real crawls of servers on 127.0.0.1: a page linked over https from a server that speaks
plain HTTP (the TLS handshake fails) and one on a port nobody listens on (refused) are each
reported with the reason a webmaster can act on, not one catch-all.
"""

from __future__ import annotations

import asyncio
import socket
import sqlite3
import ssl

from scrapy.utils.test import get_crawler

from crawler.download import PoliteDownloadHandler
from crawler.tls import client_context
from tests.sites import crawl, serve, static_handler


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _reasons(findings: dict) -> dict[str, str]:
    return {f["target"]: f["evidence"].get("reason") for f in findings["findings"] if f["check"] == "broken-link"}


def _site(closed: int, plain: str) -> tuple[dict, str, str, str]:
    """A start page linking over https to a plain-HTTP server, to a closed port, and to a page that works."""
    tls_url = plain.replace("http://", "https://") + "/tls.html"
    refused_url = f"http://127.0.0.1:{closed}/gone.html"
    ok_url = plain + "/fine.html"
    pages = {
        "/": (200, f'<html><head><title>首页</title></head><body><a href="{tls_url}">加密页</a>'
                   f'<a href="{refused_url}">旧页</a><a href="/ok.html">正常页</a></body></html>'),
        "/ok.html": (200, f'<html><head><title>正常</title></head><body><a href="{ok_url}">同站</a></body></html>'),
    }
    return pages, tls_url, refused_url, ok_url


NO_ROBOTS = {"concurrency": 4, "delay": 0, "autothrottle": False, "obey_robots": False}
FINE = {"/fine.html": (200, "<html><head><title>好</title></head><body>好</body></html>")}


def test_a_failed_handshake_and_a_refused_connection_each_say_why(tmp_path):
    closed = _closed_port()
    with serve(static_handler(FINE)) as plain:
        pages, tls_url, refused_url, ok_url = _site(closed, plain)
        with serve(static_handler(pages)) as base:
            findings, urls = crawl(base, tmp_path, crawl=NO_ROBOTS)
    reasons = _reasons(findings)
    assert reasons.get(tls_url) == "HTTPS 握手失败（证书或加密协议问题）", reasons
    assert reasons.get(refused_url) == "连接被拒绝", reasons
    # The look-alike: a page of the other server, fetched over plain HTTP, is no failure.
    assert ok_url not in reasons and ok_url in urls


def test_an_unreachable_robots_txt_says_why_in_chinese(tmp_path):
    """robots.txt obeyed (the default): a host whose robots.txt cannot be fetched is skipped, and the
    reason names the failure as the report does (not the HTTP client's message)."""
    closed = _closed_port()
    with serve(static_handler(FINE)) as plain:
        pages, tls_url, refused_url, _ = _site(closed, plain)
        with serve(static_handler(pages)) as base:
            crawl(base, tmp_path)
    db = sqlite3.connect(tmp_path / "data" / "t.sqlite")
    excluded = dict(db.execute("SELECT url, reason FROM link_status WHERE state = 'excluded'").fetchall())
    db.close()
    assert excluded[refused_url] == "robots.txt 无法获取（连接被拒绝），按 RFC 9309 视为全部禁止"
    assert excluded[tls_url] == "robots.txt 无法获取（HTTPS 握手失败（证书或加密协议问题）），按 RFC 9309 视为全部禁止"


def test_page_downloads_and_the_lane_reach_servers_without_secure_renegotiation():
    """OpenSSL 3 refuses old servers unless the client allows legacy renegotiation; Twisted's handler did."""
    assert client_context().options & ssl.OP_LEGACY_SERVER_CONNECT
    assert client_context().verify_mode == ssl.CERT_NONE  # an expired certificate is a finding, not a wall

    async def handler_context() -> ssl.SSLContext:
        handler = PoliteDownloadHandler(get_crawler(settings_dict={"CONCURRENT_REQUESTS_PER_DOMAIN": 2}))
        try:
            return handler._ssl_context
        finally:
            await handler.close()

    context = asyncio.run(handler_context())
    assert context.options & ssl.OP_LEGACY_SERVER_CONNECT
    assert context.verify_mode == ssl.CERT_NONE
