"""``missing-validity``: a normative document page with no validity marking (contract §4).

Why: the 2023 work plan (第9条) requires every 行政规范性文件 to show whether it is
still in force, so that readers do not apply a repealed rule. A page counts as
marked when it has a 有效性/时效性 value, states its period (有效期至…, or
有效期N年 with the date it takes effect) or shows a status label by the title.
"""

from __future__ import annotations

from collections.abc import Iterator

from checks.documents import document_evidence, is_document, normative_reason, validity_marking
from checks.registry import Check, CheckContext
from govcrawl.facts import SiteFacts
from govcrawl.model import Finding, Severity

CHECK = Check(
    id="missing-validity",
    title="规范性文件未标注有效性",
    severity=Severity.MAJOR,
    basis="2023年政务公开工作要点 第9条（规范性文件标注有效性）",
    fix="在信息公开表中增加“有效性”字段（有效/失效/废止/已修改），或在标题旁、正文中写明有效期（如“自某日起施行，有效期5年”）。",
    subject="document",
    summary="行政规范性文件页面既无有效性/时效性字段，也无有效期表述，标题旁也无状态标签（有效、失效、废止等）。",
    evidence_labels={
        "normative_reason": "认定为规范性文件的依据",
        "column": "所在栏目",
    },
)


@CHECK.rule
def run(site: SiteFacts, ctx: CheckContext) -> Iterator[Finding]:
    for page in site.html_pages():
        if not is_document(page):
            continue
        reason = normative_reason(page)
        if reason is None or validity_marking(page) is not None:
            continue
        yield ctx.finding(
            url=page.url,
            message="行政规范性文件未标注有效性：既无“有效性”字段，也未写明有效期或状态标签。",
            evidence={
                **document_evidence(page),
                "normative_reason": reason,
                "column": page.column,
            },
            site=site,
        )
