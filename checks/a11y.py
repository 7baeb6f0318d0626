"""``a11y``: accessibility failures, one finding per page (or template) and rule (contract §4).

Why: plan item 26 sets the goal of an accessible portal (适老化与无障碍, 100%).
The facts come from two passes (see ``checks.a11y_groups``): static rules on the
served HTML of every page, and axe-core plus govcrawl's own rendered rules in
headless Chromium on every template's sample pages. Rule ids are axe-core's
where axe has the rule, so the passes never report one problem twice; target
is the rule id. Severity follows axe's impact (critical/serious → 重要,
moderate/minor → 一般) or, for govcrawl's own rules, the table in
``checks.a11y_rules``.
"""

from __future__ import annotations

from collections.abc import Iterator

from checks.a11y_groups import group_evidence, group_message, rule_groups
from checks.a11y_rules import A11Y, severity_of
from checks.registry import Check, CheckContext
from govcrawl.facts import SiteFacts
from govcrawl.model import Finding, Severity

EVIDENCE_LABELS = {
    "rule": "规则编号",
    "rule_title": "规则名称",
    "impact": "影响程度（axe）",
    "help": "规则说明（axe 原文）",
    "sources": "发现方式",
    "node_count": "问题元素数",
    "nodes": "问题元素",
    "selector": "CSS 选择器",
    "html": "HTML 片段",
    "detail": "说明",
    "region": "所在区域",
    "template_pages": "同模板页面数",
    "screenshot": "截图",
}

CHECK = Check(
    id="a11y",
    title="无障碍问题",
    severity=Severity.MINOR,
    basis="2023年政务公开工作要点 第26条（适老化与无障碍改造）；GB/T 37668-2019；WCAG 2.1 A/AA",
    fix="按每条问题的规则说明修改页面或模板：图片补 alt、表单补标签、框架补标题、提高文字对比度等；"
    "模板问题由网站主办单位改模板，一处修改所有页面生效。",
    summary="静态规则（所有页面）与 axe-core、自有浏览器规则（每个模板抽样页面，含首页和各栏目首页）发现的无障碍问题，"
    "每个页面每条规则一条；同一模板所有已检查页面相同位置都有的问题合并为一条模板问题，归主办单位。",
    evidence_labels=EVIDENCE_LABELS,
)


def findings_for(check_id: str, site: SiteFacts, ctx: CheckContext) -> Iterator[Finding]:
    """The findings of one of the two checks (a11y or elder-friendly) from the merged groups."""
    for group in rule_groups(site, check_id):
        severities = [severity_of(n.rule, n.impact) for n in group.nodes]
        severity = Severity.MAJOR if Severity.MAJOR in severities else Severity.MINOR
        if Severity.CRITICAL in severities:
            severity = Severity.CRITICAL
        yield ctx.finding(
            url=group.page.url,
            target=group.rule,
            message=group_message(group),
            evidence=group_evidence(group, site),
            occurrences=group.template_pages,
            department=ctx.departments.owner if group.owner else None,
            severity=severity,
            site=site,
        )


@CHECK.rule
def run(site: SiteFacts, ctx: CheckContext) -> Iterator[Finding]:
    yield from findings_for(A11Y, site, ctx)
