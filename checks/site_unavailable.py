"""``site-unavailable``: the homepage failed to load on 5% or more of a week's probes.

Why: the national inspection indicators (国办秘函〔2019〕19号) fail a site outright
for 站点无法访问 — over one week of visits, at least 20 a day, the share not
loaded within 15 seconds is 5% or more. ``govcrawl probe`` (cron, every 15
minutes) records each visit; a visit that loads an error page, a 网站维护中
placeholder or a blank page failed too, because the public could not use the
site. This check only counts them (``govcrawl.availability``) over the 7 days
ending on ``--today``; a week with fewer than 20 probes is not judged.

One finding for the site, on the homepage, owned by the site owner (the
department that runs the servers and the template).
"""

from __future__ import annotations

from collections.abc import Iterator

from checks.registry import Check, CheckContext
from govcrawl.availability import WINDOW_DAYS, summary
from govcrawl.facts import SiteFacts
from govcrawl.model import Finding, Severity

KIND_LABELS = {
    "timeout": "超时未加载完成", "network": "网络或连接错误", "http-error": "HTTP 错误状态",
    "error-page": "错误页面", "maintenance": "维护/建设中页面", "blank": "空白页面",
}

CHECK = Check(
    id="site-unavailable",
    title="站点无法访问",
    severity=Severity.CRITICAL,
    basis="国办秘函〔2019〕19号 检查指标（站点无法访问：1周内多次监测，超过15秒无法访问的比例达到5%，单项否决）",
    fix="排查服务器、网络出口、CDN 与域名解析，按失败时间段核对运维日志；改版或维护应在不影响访问的时段进行并提前公告，"
        "首页不能以“网站维护中”页面替代；建立宕机告警，确保15秒内可打开首页。",
    summary="近7天（截至检查日期）首页探测（govcrawl probe，每15分钟一次）中，15秒内未打开、返回错误状态、错误页、维护页或空白页的"
            "次数占全部探测的5%及以上（探测少于20次不判定）。",
    evidence_labels={
        "window": "统计区间",
        "probes": "探测次数",
        "failures": "失败次数",
        "rate": "失败率",
        "threshold": "否决线",
        "failure_kinds": "失败类型",
        "longest_outage": "最长连续失败",
        "undersampled_days": "探测不足20次的日期",
        "summary": "结论",
    },
)


@CHECK.rule
def run(site: SiteFacts, ctx: CheckContext) -> Iterator[Finding]:
    if not site.probes or site.homepage is None:
        return
    threshold = float((ctx.settings.get("availability") or {}).get("threshold", 0.05))
    week = summary(site.probes, ctx.today, days=WINDOW_DAYS, threshold=threshold)
    if not week.crossed:
        return
    outage = week.longest_outage
    evidence = {
        "window": f"{week.start.isoformat()} 至 {week.end.isoformat()}",
        "probes": week.probes,
        "failures": week.failures,
        "rate": f"{week.rate:.2%}",
        "threshold": f"{threshold:.0%}",
        "failure_kinds": {KIND_LABELS.get(k, k): n for k, n in week.failure_kinds.items()},
        "longest_outage": (f"{outage.start} 起连续 {outage.failed_probes} 次失败"
                           + ("，至今未恢复" if outage.ongoing else f"，{outage.end} 恢复")) if outage else None,
        "undersampled_days": [d.isoformat() for d in week.undersampled_days] or None,
        "summary": week.describe(),
    }
    yield ctx.finding(
        url=site.homepage,
        message=f"{week.describe()}：站点在检查期内无法稳定访问。",
        evidence={k: v for k, v in evidence.items() if v is not None},
        department=ctx.departments.owner,
        identity=("site",),
        site=site,
    )
