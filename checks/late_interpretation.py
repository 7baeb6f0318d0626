"""``late-interpretation``: an interpretation published more than 3 working days after
its document (contract §4).

Why: the 2023 work plan (第10条) asks that the interpretation go online within
3 working days of the document, counted in mainland-China working days (weekends
and public holidays out, 调休 make-up days in): late when the number of working
days d with doc_date < d <= interpretation_date is greater than 3. The earliest
dated interpretation decides; one published before or with its document is on
time. The finding's target is that interpretation.

Severity minor: the public does have the interpretation, only later than the
plan asks; a document with none at all (``missing-interpretation``) is major.
Keeping the two apart lets the report rank the gap in coverage above a delay
that can no longer be undone.
"""

from __future__ import annotations

from collections.abc import Iterator

from checks.interpretations import LATE, assess
from checks.registry import Check, CheckContext
from checks.workdays import WorkdayCalendar
from govcrawl.facts import SiteFacts
from govcrawl.model import Finding, Severity

CHECK = Check(
    id="late-interpretation",
    title="政策解读未在3个工作日内发布",
    severity=Severity.MINOR,
    basis="2023年政务公开工作要点 第10条（文件公开后3个工作日内发布解读）",
    fix="今后政策文件与解读材料同步起草、同步审签、同步发布，最迟在文件公开后3个工作日内上线解读，并在文件与解读页面互加链接。",
    subject="document",
    summary="与文件关联的最早一篇政策解读，发布日期比文件发布日期晚3个工作日以上（按法定节假日与调休计算）。",
    evidence_labels={
        "doc_number": "文号",
        "published_on": "文件发布日期",
        "interpretation_published_on": "解读发布日期",
        "working_days": "相隔工作日数",
        "interpretation_url": "解读地址",
        "via": "关联方式",
        "kind": "解读形式",
    },
)


@CHECK.rule
def run(site: SiteFacts, ctx: CheckContext) -> Iterator[Finding]:
    calendar = WorkdayCalendar.from_settings(ctx.settings, key_path=f"sites.{ctx.site_id}.calendar")
    for need in assess(site, ctx.settings, ctx.today, calendar):
        first = need.earliest
        if need.status != LATE or first is None:
            continue
        day, shown = need.published_on, first.published_on
        gap = f"{need.working_days}个工作日" if need.working_days is not None else "3个工作日以上"
        yield ctx.finding(
            url=need.url,
            target=first.url,
            message=(f"该文件于{day.year}年{day.month}月{day.day}日发布，政策解读于{shown.year}年{shown.month}月"
                     f"{shown.day}日才发布，相隔{gap}，超过3个工作日。"),
            evidence={
                "doc_number": need.doc_number,
                "published_on": day.isoformat(),
                "interpretation_published_on": shown.isoformat(),
                "working_days": need.working_days,
                "interpretation_url": first.url,
                "via": first.via,
                "kind": first.kind,
            },
            site=site,
        )
