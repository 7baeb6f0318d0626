"""``late-reply``: a public message answered after its channel's handling limit.

Why: plan item 20 (严格落实各渠道办理时限，确保回复质量) holds each channel to its
limit; a reply that came, but late, is the commonest way a board fails it. The
limit and the counting are the ones ``unanswered-message`` uses
(``checks.messages``): working days d with asked < d <= replied greater than the
limit in working days, or calendar days/months for limits written so.

Severity major: the public has an answer, later than promised; an unanswered
message is worse and is the other check.
"""

from __future__ import annotations

from collections.abc import Iterator

from checks.messages import MESSAGE_LABELS, message_evidence, site_messages
from checks.registry import Check, CheckContext
from checks.workdays import WorkdayCalendar
from govcrawl.facts import SiteFacts
from govcrawl.model import Finding, Severity

CHECK = Check(
    id="late-reply",
    title="网民留言超期回复",
    severity=Severity.MAJOR,
    basis="2023年政务公开工作要点 第20条（严格落实各渠道办理时限，确保回复质量）",
    fix="核查该留言的办理流程在哪个环节超时（转办、承办、审核），按渠道办理时限建立提醒和督办；今后无法按期办结的，先在时限内公开阶段性答复。",
    summary="已回复的留言，回复时间晚于该渠道的办理时限（配置的工作日数，否则页面公布的时限，否则3个月），工作日按法定节假日与调休计算。",
    evidence_labels=MESSAGE_LABELS,
)


@CHECK.rule
def run(site: SiteFacts, ctx: CheckContext) -> Iterator[Finding]:
    calendar = WorkdayCalendar.from_settings(ctx.settings, key_path=f"sites.{ctx.site_id}.calendar")
    for message in site_messages(site, ctx.settings, ctx.departments):
        asked, replied = message.asked, message.fact.replied_on
        if asked is None or replied is None or replied < asked or replied > ctx.today:
            continue
        if not message.limit.passed(asked, replied, calendar):
            continue
        elapsed = message.limit.elapsed(asked, replied, calendar)
        yield ctx.finding(
            url=message.url,
            message=f"“{message.fact.title}”于{asked.year}年{asked.month}月{asked.day}日留言，"
                    f"{replied.year}年{replied.month}月{replied.day}日才回复（用时{elapsed}），"
                    f"超过办理时限（{message.limit.label}）。",
            evidence=message_evidence(message, calendar, replied),
            department=message.department,
            identity=message.identity,
            title=message.fact.title or None,
            site=site,
        )
