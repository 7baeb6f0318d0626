"""``intranet-link``: public pages linking to intranet addresses (never fetched)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import urlsplit

from checks.linkgroups import group_links, link_evidence
from checks.registry import Check, CheckContext
from govcrawl.facts import SiteFacts
from govcrawl.model import Finding, Severity
from govcrawl.netclass import intranet_reason

CHECK = Check(
    id="intranet-link",
    title="链接指向内网地址",
    severity=Severity.MAJOR,
    basis="2023年政务公开工作要点 第25条（防止泄密）",
    fix="删除指向内网（内部办公系统、私有地址）的链接；确需公开的内容请迁移到互联网门户后再链接。",
    summary="链接指向私有网段、链路本地地址、单标签主机名、.local/.lan/.internal 等内网域名或配置列明的内网主机；不会访问这些地址。",
)


@CHECK.rule
def run(site: SiteFacts, ctx: CheckContext) -> Iterator[Finding]:
    allow_loopback = bool(ctx.settings.get("external_links", {}).get("allow_private", False))
    intranet_hosts = ctx.settings.get("intranet_hosts", ())
    own_hosts = {h.lower() for h in ctx.settings.get("hosts", ())}
    reasons: dict[str, str | None] = {}  # by origin (see _origin): a portal links to few hosts
    # Most links stay on the site: those are told apart by their start, without working out their origin.
    own = _own_starts(own_hosts, site.homepage)

    def reason_for(url: str) -> str | None:
        if url.startswith(own):
            return None
        origin = _origin(url)
        if origin not in reasons:
            parts = urlsplit(origin)
            if parts.netloc in own_hosts or (parts.hostname or "") in own_hosts:
                reasons[origin] = None
            else:
                reasons[origin] = intranet_reason(
                    parts.hostname, allow_loopback=allow_loopback, intranet_hosts=intranet_hosts
                )
        return reasons[origin]

    for group in group_links(site, ctx.departments, url_matches=lambda url: reason_for(url) is not None):
        reason = reason_for(group.target)
        yield ctx.finding(
            url=group.first_page(site.homepage),
            target=group.target,
            department=group.department,
            identity=(group.department, group.target),
            message=f"公开页面链接了内网地址（{reason}），外部公众无法访问，且可能暴露内部系统。",
            evidence=link_evidence(group, host=urlsplit(group.target).hostname, reason=reason),
            occurrences=group.pages,
            site=site,
        )


def _own_starts(own_hosts: set[str], homepage: str | None) -> tuple[str, ...]:
    """How links to the site itself begin: each host by http and https, and the homepage's origin (with its port)."""
    starts = {f"{scheme}://{host}/" for scheme in ("http", "https") for host in own_hosts}
    if homepage:
        parts = urlsplit(homepage)
        if parts.netloc in own_hosts or (parts.hostname or "") in own_hosts:
            starts.add(f"{parts.scheme}://{parts.netloc}/")
    return tuple(sorted(starts))


_ORIGIN = re.compile(r"[^:/?#]*:?(?://[^/?#]*)?")


def _origin(url: str) -> str:
    """The start of ``url`` that decides its host for ``urlsplit``: the scheme and ``//netloc`` if any.

    Two URLs with the same origin have the same host, so the reason is worked out once per
    origin. Kept per URL instead, the memo held every link target of the site: 86 MiB at
    100,000 pages, beside every other check.
    """
    return _ORIGIN.match(url).group()  # type: ignore[union-attr]  # every string matches (all parts optional)
