"""``broken-link``: links and resources that fail to load (contract §4 "Broken")."""

from __future__ import annotations

from collections.abc import Iterator

from checks.linkgroups import group_links, link_evidence
from checks.registry import Check, CheckContext
from govcrawl.facts import SiteFacts
from govcrawl.model import Finding, LinkState, Severity

CHECK = Check(
    id="broken-link",
    title="链接或附件失效",
    severity=Severity.MAJOR,
    basis="2023年政务公开工作要点 第26条；国办秘函〔2019〕19号 检查指标“链接不可用”",
    fix="修正或删除失效链接；附件丢失的请重新上传，外部网站已下线的请删除链接或改为有效地址。",
    summary="链接、图片或附件返回404/410/5xx、无法连接、超时、重定向循环；页头页脚导航中的失效链接合并为一条，归网站主办单位。",
)

_KIND = {"img": "图片", "script": "脚本", "link": "样式/图标", "iframe": "内嵌页面", "video": "视频",
         "audio": "音频", "source": "媒体", "embed": "嵌入对象", "object": "嵌入对象"}
_ATTACHMENT = (".pdf", ".doc", ".docx", ".xls", ".xlsx", ".wps", ".et", ".ppt", ".pptx", ".zip", ".rar", ".7z",
               ".txt", ".ofd", ".csv")


def describe(tag: str, url: str) -> str:
    """What the webmaster will recognise the broken thing as."""
    if tag in _KIND:
        return _KIND[tag]
    path = url.split("?", 1)[0].lower()
    return "附件" if path.endswith(_ATTACHMENT) else "链接"


@CHECK.rule
def run(site: SiteFacts, ctx: CheckContext) -> Iterator[Finding]:
    def broken(url: str) -> bool:
        return site.link_state(url) is LinkState.BROKEN

    for group in group_links(site, ctx.departments, url_matches=broken):
        outcome = site.outcome(group.target)
        url = group.first_page(site.homepage)
        kind = describe(group.link.tag, group.target)
        where = "网站公共模板（页头/页脚/导航）中的" if group.template else ""
        severity = Severity.CRITICAL if url == site.homepage else None
        yield ctx.finding(
            url=url,
            target=group.target,
            department=group.department,
            identity=(group.department, group.target),
            message=f"{where}{kind}已失效：{outcome.reason}。",
            evidence=link_evidence(
                group,
                kind=kind,
                http_status=outcome.http_status,
                reason=outcome.reason,
                final_url=outcome.final_url,
                checked_with=outcome.method,
            ),
            occurrences=group.pages,
            severity=severity,
            site=site,
        )
