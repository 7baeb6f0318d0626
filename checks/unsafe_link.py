"""``unsafe-link``: external links whose target now serves gambling, pornography or the like.

The usual story: a friendly link (友情链接) to an association or a project site
whose domain expired and was re-registered by a casino for its search ranking.
The link checker reads the title and visible text of every external page it
GETs and records the unsafe terms it found (``LinkOutcome.terms``, decided by
``crawler.unsafe_terms`` with its threshold and its guards against 打击赌博
notices and state lotteries); this check only reports them.

One finding per link target and responsible department, as for ``broken-link``:
the fix is to remove one link, wherever it appears, and a friendly link in the
shared footer is the site owner's to remove once, not every department's on
every page. ``url`` is a linking page (the homepage when it is one), the other
linking pages are the occurrences.
"""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlsplit

from checks.linkgroups import group_links, link_evidence
from checks.registry import Check, CheckContext
from govcrawl.facts import SiteFacts
from govcrawl.model import Finding, Severity

CHECK = Check(
    id="unsafe-link",
    title="链接指向赌博、色情等不良内容",
    severity=Severity.CRITICAL,
    basis="国办秘函〔2019〕19号 检查指标“安全、泄密事故等严重问题”（链接反动、暴力、色情等内容）",
    fix="立即删除该链接，核查外部网站域名是否已过期被抢注。",
    summary="外部链接的目标页面标题或正文含赌博、色情等不良内容词语（标题含明确词语，或正文出现至少 2 个不同词语、"
    "同一词语至少 3 次；“打击赌博”类通告、福利彩票和体育彩票不算），多为域名过期后被抢注。",
    evidence_labels={"terms": "命中词语", "target_title": "目标页面标题"},
)

_SCHEMES = ("http://", "https://")


@CHECK.rule
def run(site: SiteFacts, ctx: CheckContext) -> Iterator[Finding]:
    own_hosts = {h.lower() for h in ctx.settings.get("hosts", ())}

    def unsafe(url: str) -> bool:
        if not url.lower().startswith(_SCHEMES):
            return False
        outcome = site.outcomes.rich(url)  # an answer with terms is never a plain one
        if outcome is None or not outcome.terms or outcome.internal:
            return False
        parts = urlsplit(url)
        return parts.netloc.lower() not in own_hosts and (parts.hostname or "") not in own_hosts

    for group in group_links(site, ctx.departments, url_matches=unsafe):
        outcome = site.outcome(group.target)
        terms = list(outcome.terms)
        where = "网站公共模板（页头/页脚/导航）中的" if group.template else ""
        yield ctx.finding(
            url=group.first_page(site.homepage),
            target=group.target,
            department=group.department,
            identity=(group.department, group.target),
            message=(
                f"{where}外部链接指向的网站现含赌博、色情等不良内容（{'、'.join(terms[:5])}），"
                "疑似域名过期后被抢注，请立即删除该链接。"
            ),
            evidence=link_evidence(
                group,
                terms=terms,
                target_title=outcome.title,
                final_url=outcome.final_url or group.target,
                host=urlsplit(group.target).hostname,
                http_status=outcome.http_status,
            ),
            occurrences=group.pages,
            site=site,
        )
