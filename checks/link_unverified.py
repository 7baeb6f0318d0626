"""``link-unverified``: external links answered 401/403/429 — probably a bot block."""

from __future__ import annotations

from collections.abc import Iterator

from checks.linkgroups import group_links, link_evidence
from checks.registry import Check, CheckContext
from govcrawl.facts import SiteFacts
from govcrawl.model import Finding, LinkState, Severity

CHECK = Check(
    id="link-unverified",
    title="外部链接无法自动核验",
    severity=Severity.MINOR,
    basis="2023年政务公开工作要点 第26条；国办秘函〔2019〕19号 检查指标“链接不可用”",
    fix="人工在浏览器中打开该链接确认可用；如对方网站要求登录或已停用，请删除链接或改为公开地址。",
    summary="外部网站对检查请求返回401/403/429（多为访问拦截），不算失效，请人工确认。",
)


@CHECK.rule
def run(site: SiteFacts, ctx: CheckContext) -> Iterator[Finding]:
    def unverified(url: str) -> bool:
        return site.link_state(url) is LinkState.UNVERIFIED

    for group in group_links(site, ctx.departments, url_matches=unverified):
        outcome = site.outcome(group.target)
        yield ctx.finding(
            url=group.first_page(site.homepage),
            target=group.target,
            department=group.department,
            identity=(group.department, group.target),
            message=f"外部网站拒绝了自动检查（{outcome.reason}，多为访问拦截），请人工确认链接能否打开。",
            evidence=link_evidence(group, http_status=outcome.http_status, reason=outcome.reason),
            occurrences=group.pages,
            site=site,
        )
