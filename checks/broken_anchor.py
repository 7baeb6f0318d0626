"""``broken-anchor``: a link's ``#fragment`` names no element on the target page.

Only internal HTML pages are judged (their element ids and ``a[name]`` values
are facts of the crawl). Fragments a browser resolves without an element are
not flagged: empty, ``#top`` (HTML "scroll to the fragment": top of the page),
hash-bang and route fragments (``#!/x``, ``#/x``), and directives such as
``#page=2`` or ``#:~:text=``.
"""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import unquote

from checks.linkgroups import group_links, link_evidence
from checks.registry import Check, CheckContext
from govcrawl.facts import SiteFacts
from govcrawl.model import Finding, LinkFacts, PageFacts, Severity

CHECK = Check(
    id="broken-anchor",
    title="页内锚点失效",
    severity=Severity.MINOR,
    basis="2023年政务公开工作要点 第26条；国办秘函〔2019〕19号 检查指标“链接不可用”",
    fix="把链接中“#”后的锚点名改为目标页面上实际存在的 id，或在目标位置补上该 id。",
    summary="链接的 #锚点 在目标页面上找不到对应的 id 或 name（#top、#、#!/… 等浏览器自行处理的写法除外）。",
)


def resolvable_without_element(fragment: str) -> bool:
    lowered = fragment.lower()
    return (
        not fragment
        or lowered == "top"
        or fragment.startswith(("!", "/", ":~:"))
        or "=" in fragment
    )


def _with_fragment(link: LinkFacts) -> str:
    return f"{link.url}#{link.fragment}"


@CHECK.rule
def run(site: SiteFacts, ctx: CheckContext) -> Iterator[Finding]:
    def target_page(page: PageFacts, link: LinkFacts) -> PageFacts | None:
        if link.url in (page.url, page.final_url):
            return page
        target = site.page(link.url)
        if target is None or not target.is_html or target.status is None or not 200 <= target.status < 300:
            return None
        return target

    def missing(page: PageFacts, link: LinkFacts) -> bool:
        fragment = link.fragment
        if fragment is None or resolvable_without_element(fragment) or link.tag not in ("a", "area"):
            return False
        target = target_page(page, link)
        if target is None:
            return False
        return fragment not in target.anchors and unquote(fragment) not in target.anchors

    for group in group_links(site, ctx.departments, missing, key=_with_fragment):
        target = target_page(*group.places[0])
        yield ctx.finding(
            url=group.first_page(site.homepage),
            target=group.target,
            department=group.department,
            identity=(group.department, group.target),
            message=f"链接指向的锚点“#{group.link.fragment}”在目标页面上不存在，点击后不会跳到预期位置。",
            evidence=link_evidence(
                group,
                fragment=group.link.fragment,
                target_page=group.link.url,
                target_ids_sample=sorted(target.anchors)[:20] if target else None,
            ),
            occurrences=group.pages,
            site=site,
        )
