"""Why a page could not be fetched, as the report says it: Scrapy's own exceptions and Twisted's alike."""

from __future__ import annotations

import errno
import ssl

import aiohttp
import pytest
from aiohttp.client_reqrep import ConnectionKey
from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadCancelledError,
    DownloadConnectionRefusedError,
    DownloadFailedError,
    DownloadTimeoutError,
    IgnoreRequest,
    ResponseDataLossError,
)
from twisted.internet import error as net
from twisted.python.failure import Failure
from twisted.web.client import ResponseFailed

from crawler.failures import failure_reason


@pytest.mark.parametrize(("exc", "reason"), [
    # Scrapy 2.13+ wraps what Twisted raises (scrapy.utils._download_handlers.wrap_twisted_exceptions).
    (DownloadConnectionRefusedError("Connection was refused by other side: 111"), "连接被拒绝"),
    (CannotResolveHostError("DNS lookup failed: no results for hostname lookup: x.invalid."), "域名无法解析"),
    (DownloadTimeoutError("Getting http://x/ took longer than 30.0 seconds."), "请求超时"),
    (DownloadCancelledError("Cancelling download of http://x/: expected response size (20000000) larger than "
                            "download max size (10000000)."), "页面过大，已放弃下载"),
    (ResponseDataLossError("Connection to the other side was lost in a non-clean fashion."),
     "响应不完整：服务器在页面传完之前断开了连接"),
    (DownloadFailedError("[<twisted.python.failure.Failure twisted.internet.error.ConnectionLost>]"),
     "服务器中断了连接或返回了无法识别的响应"),
    (DownloadFailedError("[<twisted.python.failure.Failure OpenSSL.SSL.Error: [('SSL routines', '', "
                         "'unsupported protocol')]>]"), "HTTPS 握手失败（证书或加密协议问题）"),
    # What a handler or middleware may still let through unwrapped.
    (net.ConnectionRefusedError(), "连接被拒绝"),
    (net.DNSLookupError(), "域名无法解析"),
    (net.TCPTimedOutError(), "请求超时"),
    (net.NoRouteError(), "网络不可达，无法连接服务器"),
    (net.ConnectError(), "无法连接服务器"),
    (ResponseFailed([]), "服务器中断了连接或返回了无法识别的响应"),
    (IgnoreRequest("max redirections reached"), "重定向循环或超过10次"),
])
def test_each_failure_has_its_reason_in_chinese(exc, reason):
    assert failure_reason(Failure(exc)) == reason


def _from_aiohttp(os_error: OSError, kind=aiohttp.ClientConnectorError) -> DownloadConnectionRefusedError:
    """What Scrapy's aiohttp handler raises for a failed connection: its own exception, aiohttp's as the cause.
    (The address is never contacted: the exception is only built.)"""
    key = ConnectionKey("192.0.2.1", 443, True, True, None, None, None, None)
    cause = kind(key, os_error)
    try:
        raise DownloadConnectionRefusedError(str(cause)) from cause
    except DownloadConnectionRefusedError as exc:
        return exc


@pytest.mark.parametrize(("exc", "reason"), [
    (_from_aiohttp(OSError(errno.EHOSTUNREACH, "No route to host")), "网络不可达，无法连接服务器"),
    (_from_aiohttp(OSError(errno.ENETUNREACH, "Network is unreachable")), "网络不可达，无法连接服务器"),
    (_from_aiohttp(ConnectionRefusedError(errno.ECONNREFUSED, "Connect call failed")), "连接被拒绝"),
    (_from_aiohttp(OSError(errno.ECONNRESET, "Connection reset by peer")), "无法连接服务器"),
    (_from_aiohttp(ssl.SSLError(1, "[SSL: UNSAFE_LEGACY_RENEGOTIATION_DISABLED]"), aiohttp.ClientConnectorSSLError),
     "HTTPS 握手失败（证书或加密协议问题）"),
    # Its message names the TLS context ("ssl:default") on every connection failure: a refused
    # connection is no handshake failure for that.
    (_from_aiohttp(ConnectionRefusedError(errno.ECONNREFUSED, "ssl:default")), "连接被拒绝"),
])
def test_the_cause_behind_scrapys_exception_names_the_failure(exc, reason):
    assert failure_reason(Failure(exc)) == reason
    assert failure_reason(exc) == reason  # robots.txt passes the exception itself


def test_a_failure_nobody_named_still_says_what_it_was():
    # Named by its class: an unknown failure is reported, never hidden behind a guess.
    assert failure_reason(Failure(ValueError("odd"))) == "请求失败（ValueError）"
    # An ignored request that is no redirect is not called one.
    assert failure_reason(Failure(IgnoreRequest("offsite"))) == "请求失败（IgnoreRequest）"
