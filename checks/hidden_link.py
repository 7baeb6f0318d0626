"""``hidden-link``: links to external hosts hidden from readers (暗链) — a sign of tampering.

An attacker who gets write access to a portal's pages or templates plants links
to gambling, porn or "SEO" sites that readers never see but search engines
follow: ``display:none``, ``visibility:hidden``, a zero or 1px box, or a block
pushed to ``left:-9999px``. The crawler records for every link whether the
served HTML hides it (``LinkFacts.hidden``: the element's or an ancestor's
inline style, see ``crawler.extract.links``); this check decides which hidden
links are suspicious.

Severity critical: a hidden outbound link in served HTML means the page or its
template was altered by someone who wanted it unseen, which the national
indicators count among the 安全 incidents (篡改, 挂马) that fail a site outright;
waiting a quarter to fix it is not an option, and the next step (find how the
attacker got in) is urgent.

Not reported, because they are ordinary web design rather than tampering:

- links to the site's own hosts, and to other hosts of the same registrable
  domain (skip links for screen readers, mobile menus, dropdown navigation and
  tabs hide internal links all the time);
- links to government hosts (``.gov.cn``, ``.gov``, ``.政务``): collapsed
  "政府网站群 / 友情链接" dropdowns hide those, and no attacker plants them;
- intranet addresses (``intranet-link`` reports those), ``mailto:``, ``tel:``,
  ``javascript:`` (never links of the facts anyway);
- images, scripts and stylesheets: hidden statistics pixels and counters are
  common and harmless; only what a reader or a crawler would follow counts
  (``a``, ``area``, and ``iframe``/``frame``, the classic hidden 挂马 frame).

One finding per page and hidden link (a tampered page is cleaned page by page),
except links in the shared template (header, footer, navigation, or a target on
at least half of all pages): those are one finding for the site owner, with the
other pages as occurrences, so a tampered template does not flood the report.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator
from urllib.parse import urlsplit

from checks.linkgroups import group_links, link_evidence
from checks.registry import Check, CheckContext
from govcrawl.facts import SiteFacts
from govcrawl.model import Finding, LinkFacts, PageFacts, Severity
from govcrawl.netclass import intranet_reason

CHECK = Check(
    id="hidden-link",
    title="隐藏的外部链接（疑似暗链）",
    severity=Severity.CRITICAL,
    basis="国办秘函〔2019〕19号 检查指标“安全、泄密事故等严重问题”（网页被篡改、挂马）",
    fix="检查页面模板和网站是否被篡改，删除隐藏链接并排查安全漏洞。",
    summary="指向外部网站的链接或内嵌框架在页面源码中被隐藏（display:none、visibility:hidden、零尺寸或 1 像素、"
    "移出屏幕，作用于链接本身或其上级元素），读者看不到而搜索引擎可以收录；站内链接（跳转链接、下拉菜单）"
    "和政府网站（.gov.cn）链接不算。",
    evidence_labels={"region": "页面位置"},
)

FOLLOWED_TAGS = frozenset({"a", "area", "iframe", "frame"})
GOVERNMENT_SUFFIXES = (".gov.cn", ".gov", ".政务", ".xn--zfr164b")
# Second-level labels under which the registrable domain has three labels (xq.gov.cn, a.com.cn).
_CN_SECOND_LEVEL = frozenset({"gov", "com", "org", "net", "edu", "ac", "mil"})
_REGION_NAMES = {"body": "正文", "header": "页头", "nav": "导航", "footer": "页脚"}


def _site_domain(host: str) -> str | None:
    """The registrable domain of one of the site's hosts (www.xq.gov.cn -> xq.gov.cn), or None."""
    host = host.lower().split(":", 1)[0].strip("[]").rstrip(".")
    try:
        ipaddress.ip_address(host)
        return None
    except ValueError:
        pass
    labels = host.split(".")
    if len(labels) < 2:
        return None
    keep = 3 if len(labels) >= 3 and labels[-1] == "cn" and labels[-2] in _CN_SECOND_LEVEL else 2
    return ".".join(labels[-keep:])


def is_government_host(host: str) -> bool:
    host = host.lower().rstrip(".")
    return host == "gov.cn" or host.endswith(GOVERNMENT_SUFFIXES)


@CHECK.rule
def run(site: SiteFacts, ctx: CheckContext) -> Iterator[Finding]:
    own_hosts = {h.lower() for h in ctx.settings.get("hosts", ())}
    own_domains = {d for d in map(_site_domain, own_hosts) if d}
    allow_loopback = bool(ctx.settings.get("external_links", {}).get("allow_private", False))
    intranet_hosts = ctx.settings.get("intranet_hosts", ())
    verdicts: dict[str, bool] = {}

    def external(url: str, page: PageFacts) -> bool:
        """An outside host that is neither the site's, a sibling of it, government nor intranet."""
        if url not in verdicts:
            parts = urlsplit(url)
            host = (parts.hostname or "").lower()
            netloc = parts.netloc.lower()
            if parts.scheme not in ("http", "https") or not host:
                verdicts[url] = False
            elif netloc in own_hosts or host in own_hosts or (not own_hosts and netloc == urlsplit(page.url).netloc):
                verdicts[url] = False
            elif any(host == d or host.endswith("." + d) for d in own_domains) or is_government_host(host):
                verdicts[url] = False
            else:
                verdicts[url] = intranet_reason(host, allow_loopback=allow_loopback,
                                                intranet_hosts=intranet_hosts) is None
        return verdicts[url]

    def suspicious(page: PageFacts, link: LinkFacts) -> bool:
        return link.hidden and link.tag in FOLLOWED_TAGS and external(link.url, page)

    for group in group_links(site, ctx.departments, suspicious):
        host = urlsplit(group.target).hostname
        if group.template:
            link = group.link
            yield ctx.finding(
                url=group.first_page(site.homepage),
                target=group.target,
                department=group.department,
                identity=(group.department, group.target),
                message=f"网站公共模板中有读者看不到的外部链接（“{link.text or group.target}”，指向 {host}），"
                "疑似网页模板被篡改植入暗链。",
                evidence=link_evidence(group, host=host, region=_REGION_NAMES.get(str(link.region))),
                occurrences=group.pages,
                site=site,
            )
            continue
        seen: set[str] = set()
        for page, link in group.places:
            if page.url in seen:
                continue
            seen.add(page.url)
            yield ctx.finding(
                url=page.url,
                target=group.target,
                department=group.department,
                message=f"页面中有读者看不到的外部链接（“{link.text or group.target}”，指向 {host}），"
                "疑似网页被篡改植入暗链。",
                evidence={
                    "link_text": link.text,
                    "tag": link.tag,
                    "in_template": False,
                    "host": host,
                    "region": _REGION_NAMES.get(str(link.region)),
                },
                site=site,
            )
