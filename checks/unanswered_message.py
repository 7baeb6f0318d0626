"""``unanswered-message``: a public message still without reply past its channel's limit.

Why: the national inspection indicators (国办秘函〔2019〕19号) fail a site outright
for 互动回应差 — a valid message left unanswered for more than 3 months — and plan
item 20 asks every channel (热线、领导信箱、网络征集 …) to keep its own handling
limit. Only a message the board itself shows as unanswered is judged (a status
such as 未回复/办理中/待回复, or an empty reply block): a board that shows no status
at all cannot be read as unanswered.

Severity critical past 3 months (the veto line, whatever the channel's limit),
major when only the channel's shorter limit has passed. The department is the
unit the message was assigned to (承办单位/回复单位) where the page names one.
"""

from __future__ import annotations

from collections.abc import Iterator

from checks.messages import MESSAGE_LABELS, NATIONAL_MONTHS, message_evidence, over_national, site_messages
from checks.registry import Check, CheckContext
from checks.workdays import WorkdayCalendar
from govcrawl.facts import SiteFacts
from govcrawl.model import Finding, Severity

CHECK = Check(
    id="unanswered-message",
    title="网民留言超期未回复",
    severity=Severity.CRITICAL,
    basis="国办秘函〔2019〕19号 检查指标（互动回应差：留言超过3个月未回应，单项否决）；2023年政务公开工作要点 第20条（严格落实各渠道办理时限）",
    fix="立即办理并在原留言下公开答复，注明答复单位和答复时间；对无法办理的留言也应说明理由予以回应。今后按渠道办理时限跟踪每条留言，临近时限提前督办。",
    summary="留言板/信箱页面显示“未回复、办理中、待回复”或答复为空的留言，自留言之日起已超过该渠道的办理时限（配置的工作日数，"
            "否则页面公布的时限，否则3个月）；超过3个月为严重问题（单项否决）。",
    evidence_labels=MESSAGE_LABELS,
)


@CHECK.rule
def run(site: SiteFacts, ctx: CheckContext) -> Iterator[Finding]:
    calendar = WorkdayCalendar.from_settings(ctx.settings, key_path=f"sites.{ctx.site_id}.calendar")
    for message in site_messages(site, ctx.settings, ctx.departments):
        asked = message.asked
        if asked is None or asked > ctx.today or not message.unanswered:
            continue
        national = over_national(asked, ctx.today)
        if not national and not message.limit.passed(asked, ctx.today, calendar):
            continue
        elapsed = message.limit.elapsed(asked, ctx.today, calendar)
        line = (f"超过{NATIONAL_MONTHS}个月未回复，属于“互动回应差”单项否决情形" if national
                else f"超过该渠道办理时限（{message.limit.label}）")
        yield ctx.finding(
            url=message.url,
            message=f"“{message.fact.title}”于{asked.year}年{asked.month}月{asked.day}日留言，至今未回复"
                    f"（已{elapsed}），{line}。",
            evidence=message_evidence(message, calendar, ctx.today),
            department=message.department,
            identity=message.identity,
            severity=Severity.CRITICAL if national else Severity.MAJOR,
            title=message.fact.title or None,
            site=site,
        )
