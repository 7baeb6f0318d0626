"""Veto risks (单项否决): the site-level counts that fail a whole portal outright.

国办秘函〔2019〕19号《政府网站与政务新媒体检查指标》 makes a site fail the
inspection at once when: its homepage is not updated for 2 weeks; 5 or more
news, notice or policy columns are not updated within their limits; 10 or more
columns are left without updates for a long time (here: over a year); 5 or more
columns are empty. These counts are derived from the findings of
``stale-column`` and ``empty-column`` so that the report's first screen can
show each one against its threshold — the one thing the office must never miss.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass

from checks.columns import CLASSES, HOMEPAGE_CLASS
from govcrawl.model import Finding

BASIS = "国办秘函〔2019〕19号 政府网站与政务新媒体检查指标（单项否决）"
LONG_STALE_DAYS = 365
_UPDATE_CLASSES = {CLASSES[0].name, CLASSES[1].name}  # news; notices and policy files


@dataclass(frozen=True, slots=True)
class VetoRisk:
    id: str
    title: str  # Chinese, as the report shows it
    count: int
    threshold: int  # the indicator is crossed when count >= threshold
    detail: str  # Chinese, e.g. "3 个栏目（阈值 5 个）"
    departments: tuple[str, ...] = ()  # whose findings make the count (the quarterly exposure calendar names them)

    @property
    def crossed(self) -> bool:
        return self.count >= self.threshold

    def as_json(self) -> dict:
        return {**asdict(self), "departments": list(self.departments), "crossed": self.crossed, "basis": BASIS}


def veto_risks(findings: Iterable[Finding], *, probed: bool = True) -> list[VetoRisk]:
    """The veto indicators govcrawl can count over one run's findings: four about columns, one about
    wording, one about public messages and one about availability (from the probes).

    ``probed=False`` (no probe in the week before the run) leaves availability out: "not crossed"
    would claim a week of good visits nobody measured, and evidence must not claim that.
    """
    findings = list(findings)
    stale = [f for f in findings if f.check == "stale-column"]
    empty = [f for f in findings if f.check == "empty-column"]
    # 严重表述错误: the rule book's critical rules (leaders' names and titles, their order).
    wording = [f for f in findings if f.check == "wording" and str(f.severity) == "critical"]
    # 互动回应差: a message left without reply for more than 3 months (critical unanswered-message).
    unanswered = [f for f in findings if f.check == "unanswered-message" and str(f.severity) == "critical"]
    # 站点无法访问: the probes of the last 7 days failed 5% or more (site-unavailable).
    unavailable = [f for f in findings if f.check == "site-unavailable"]
    homepage = [f for f in stale if f.evidence.get("column_class") == HOMEPAGE_CLASS]
    update_list = [f for f in stale if f.evidence.get("column_class") in _UPDATE_CLASSES]
    long_list = [f for f in stale if int(f.evidence.get("age_days", 0)) > LONG_STALE_DAYS]
    updates, long_stale = len(update_list), len(long_list)
    if homepage:
        age = max(int(f.evidence.get("age_days", 0)) for f in homepage)
        home_detail = f"首页最新信息距今 {age} 天（期限 14 天）"
    else:
        home_detail = "首页在 14 天内有更新"
    risks = [
        VetoRisk("homepage-not-updated", "首页超过2周未更新", len(homepage[:1]), 1, home_detail, _owners(homepage)),
        VetoRisk("columns-not-updated", "动态、通知公告、政策文件类栏目未按期更新", updates, 5,
                 f"{updates} 个栏目（达到 5 个即否决）", _owners(update_list)),
        VetoRisk("columns-long-stale", "栏目超过1年未更新", long_stale, 10, f"{long_stale} 个栏目（达到 10 个即否决）",
                 _owners(long_list)),
        VetoRisk("empty-columns", "空白栏目", len(empty), 5, f"{len(empty)} 个栏目（达到 5 个即否决）", _owners(empty)),
        VetoRisk("wording-errors", "严重表述错误", len(wording), 1,
                 f"{len(wording)} 处领导姓名、职务或排序错误（出现即否决）", _owners(wording)),
        VetoRisk("messages-unanswered", "互动回应差", len(unanswered), 1,
                 f"{len(unanswered)} 条留言超过3个月未回复（出现即否决）", _owners(unanswered)),
        VetoRisk("site-unavailable", "站点无法访问", len(unavailable), 1,
                 unavailable[0].evidence.get("summary", "") if unavailable else "近 7 天首页探测未达 5% 否决线",
                 _owners(unavailable)),
    ]
    return risks if probed or unavailable else risks[:-1]


def _owners(findings: list[Finding]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(f.department for f in findings))
