"""Why a download failed, in the words a webmaster reads in the report.

One place for pages (``crawler.spiders.portal``) and robots.txt (``crawler.robots``):
Scrapy hands over its own exceptions, the download handler's (aiohttp) as their cause,
and a middleware may still let a Twisted one through; each is named here.
"""

from __future__ import annotations

import errno
import ssl

from scrapy.exceptions import IgnoreRequest
from twisted.python.failure import Failure

__all__ = ["failure_reason"]


def failure_reason(failure: Failure | BaseException) -> str:
    """Why a page (or robots.txt) could not be fetched, in the words the report shows a webmaster.

    Scrapy (2.13 on) hands over its own exceptions where Twisted's used to arrive
    (``scrapy.utils._download_handlers.wrap_twisted_exceptions``); both are named here,
    since a download handler or middleware may still let a Twisted one through.
    """
    if not isinstance(failure, Failure):
        failure = Failure(failure)
    from scrapy.exceptions import (
        CannotResolveHostError,
        DownloadCancelledError,
        DownloadConnectionRefusedError,
        DownloadFailedError,
        DownloadTimeoutError,
        ResponseDataLossError,
    )
    from twisted.internet import error as net
    from twisted.web.client import ResponseFailed

    text = str(failure.value)
    lowered = text.lower()
    if failure.check(IgnoreRequest) and "redirect" in lowered:
        return "重定向循环或超过10次"
    # The download handler (aiohttp) raises Scrapy's exceptions from its own: the cause tells a
    # failed TLS handshake or an unreachable network from a refused connection, which Scrapy files alike.
    named = _cause_reason(failure.value.__cause__)
    if named:
        return named
    if failure.check(DownloadTimeoutError, net.TimeoutError, net.TCPTimedOutError):
        return "请求超时"
    if failure.check(DownloadCancelledError) or "max size" in lowered or "maxsize" in lowered:
        return "页面过大，已放弃下载"
    if failure.check(CannotResolveHostError, net.DNSLookupError):
        return "域名无法解析"
    if failure.check(DownloadConnectionRefusedError, net.ConnectionRefusedError):
        return "连接被拒绝"
    if failure.check(net.NoRouteError):
        return "网络不可达，无法连接服务器"
    if failure.check(ResponseDataLossError):
        return "响应不完整：服务器在页面传完之前断开了连接"
    if failure.check(DownloadFailedError, ResponseFailed, net.ConnectionLost, net.ConnectionDone):
        if "ssl" in lowered or "tls" in lowered or "handshake" in lowered:
            return "HTTPS 握手失败（证书或加密协议问题）"
        return "服务器中断了连接或返回了无法识别的响应"
    if failure.check(net.ConnectError):
        return "无法连接服务器"
    if "cancel" in lowered:
        return "页面过大，已放弃下载"
    return f"请求失败（{failure.type.__name__}）"


def _cause_reason(cause: BaseException | None) -> str | None:
    """What an aiohttp connection failure behind a Scrapy exception says that the exception does not."""
    import aiohttp

    if isinstance(cause, aiohttp.ClientSSLError | ssl.SSLError):
        return "HTTPS 握手失败（证书或加密协议问题）"
    if isinstance(cause, aiohttp.ClientConnectorDNSError):
        return None  # CannotResolveHostError already says it
    if isinstance(cause, aiohttp.ClientConnectorError):
        code = getattr(cause.os_error, "errno", None)
        if code in (errno.EHOSTUNREACH, errno.ENETUNREACH):
            return "网络不可达，无法连接服务器"
        if code == errno.ECONNREFUSED or isinstance(cause.os_error, ConnectionRefusedError):
            return "连接被拒绝"
        return "无法连接服务器"
    return None
