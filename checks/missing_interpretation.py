"""``missing-interpretation``: a document that needs an interpretation (政策解读) and has
none once more than 3 working days have passed (contract §4).

Why: the 2023 work plan asks that the interpretation of a new normative or
important policy document go online within 3 working days (第10条) and that
every such document be interpreted (第12条, 应解尽解). A document needs one when
it is a 行政规范性文件 or its 文号 matches ``interpretation.required_doc_numbers``.
Which pages interpret which document, and how the days are counted, is decided
once in ``checks.interpretations`` so that this check and ``late-interpretation``
never disagree. A document still within its 3 working days is "pending" and not
flagged; an undated one cannot be judged and is not flagged either.
"""

from __future__ import annotations

from collections.abc import Iterator

from checks.interpretations import MISSING, assess
from checks.registry import Check, CheckContext
from checks.workdays import WorkdayCalendar
from govcrawl.facts import SiteFacts
from govcrawl.model import Finding, Severity

CHECK = Check(
    id="missing-interpretation",
    title="需解读的文件未发布政策解读",
    severity=Severity.MAJOR,
    basis="2023年政务公开工作要点 第10条（3个工作日内发布解读）、第12条（应解尽解）",
    fix="为该文件编写政策解读（文字、图解或视频），在政策解读栏目发布，并在文件页面加“相关解读”链接、在解读页面加“原文”链接互相关联。",
    subject="document",
    summary="行政规范性文件（或文号属于须解读范围的文件）发布后已超过3个工作日，网站上仍找不到与之关联的政策解读。",
    evidence_labels={
        "doc_number": "文号",
        "published_on": "文件发布日期",
        "working_days": "已过工作日数",
        "deadline": "解读截止日期",
        "reason": "需解读的原因",
    },
)


@CHECK.rule
def run(site: SiteFacts, ctx: CheckContext) -> Iterator[Finding]:
    calendar = WorkdayCalendar.from_settings(ctx.settings, key_path=f"sites.{ctx.site_id}.calendar")
    for need in assess(site, ctx.settings, ctx.today, calendar):
        if need.status != MISSING:
            continue
        day = need.published_on
        passed = f"已过{need.working_days}个工作日" if need.working_days is not None else "已超过3个工作日"
        yield ctx.finding(
            url=need.url,
            message=f"该文件于{day.year}年{day.month}月{day.day}日发布，{passed}，仍未发布政策解读。",
            evidence={
                "doc_number": need.doc_number,
                "published_on": day.isoformat(),
                "working_days": need.working_days,
                "deadline": need.deadline.isoformat() if need.deadline else None,
                "reason": need.reason,
            },
            site=site,
        )
