"""Which hosts are intranet-only: the one place that knows address ranges.

Used twice: the crawler never fetches such a host, and the ``intranet-link``
check reports links to it. Names come from RFC 1918 (private IPv4), RFC 6598
(shared/CGNAT), RFC 3927 and RFC 4291 (link-local), RFC 4193 (unique local
IPv6), RFC 6762 (``.local``) and the ``.internal`` / ``.lan`` / ``.home.arpa``
names that intranets use (RFC 8375; ICANN's 2024 reservation of ``.internal``).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

INTRANET_SUFFIXES = (".local", ".lan", ".internal", ".intranet", ".corp", ".home.arpa", ".localdomain")

_SHARED = ipaddress.ip_network("100.64.0.0/10")


def _address(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    host = host.strip("[]")
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return None


def address_kind(addr: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str | None:
    """A Chinese description of a non-public address, or None for a public one."""
    if addr.is_loopback:
        return "本机回环地址"
    if addr.is_link_local:
        return "链路本地地址"
    if isinstance(addr, ipaddress.IPv4Address) and addr in _SHARED:
        return "运营商共享地址"
    if addr.is_private or addr.is_reserved or addr.is_unspecified:
        return "内网私有地址"
    return None


def intranet_reason(host: str | None, *, allow_loopback: bool = False, intranet_hosts: Iterable[str] = ()) -> str | None:
    """Why ``host`` is intranet-only (Chinese, for the report), or None.

    ``allow_loopback`` exists for tests and local demos, whose "outside world"
    is a loopback address: loopback is then treated as an ordinary host.
    """
    if not host:
        return None
    host = host.lower().rstrip(".")
    if host in {h.lower() for h in intranet_hosts}:
        return "配置中列明的内网主机"
    addr = _address(host)
    if addr is not None:
        if addr.is_loopback and allow_loopback:
            return None
        return address_kind(addr)
    if host == "localhost" or host.endswith(".localhost"):
        return None if allow_loopback else "本机回环地址"
    if "." not in host:
        return "单标签主机名（仅内网可解析）"
    for suffix in INTRANET_SUFFIXES:
        if host.endswith(suffix):
            return f"内网专用域名后缀 {suffix}"
    return None
