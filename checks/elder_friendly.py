"""``elder-friendly``: 适老化 failures, one finding per page (or template) and rule (contract §4).

Why: plan item 26 asks for elder-friendly (适老化) portals; the national
reference is 工业和信息化部《互联网网站适老化通用设计规范》(2021) together with
GB/T 37668-2019. Rules (ids are govcrawl's, documented in ``checks.a11y_rules``):

* ``zoom-disabled`` — the viewport meta forbids zooming (user-scalable=no, or
  maximum-scale < 2): older readers enlarge pages; from the static pass.
* ``small-font`` — rendered body text under 14px; ``line-height`` — line height
  under 1.3 × the font size (GB/T 37668-2019 asks for readable spacing);
  ``focus-visible`` — no visible keyboard focus; ``floating-window`` — floating
  or pop-up layers over the content (the 规范 forbids advertising plug-ins and
  pop-ups on elder-friendly pages): from the browser pass.
* ``no-care-entry`` — the homepage offers no entry to an elder or accessible
  mode: no link, image or button whose text, alt or title names 长者模式,
  适老模式, 关怀版, 老年人模式, 无障碍浏览 or 无障碍 (the names portals use), and
  the configured ``accessibility.care_selector`` (if any) found nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from checks.a11y import EVIDENCE_LABELS, findings_for
from checks.a11y_rules import ELDER, RULES
from checks.registry import Check, CheckContext
from govcrawl.facts import SiteFacts
from govcrawl.model import Finding, Severity

CHECK = Check(
    id="elder-friendly",
    title="适老化问题",
    severity=Severity.MINOR,
    basis="2023年政务公开工作要点 第26条；工业和信息化部《互联网网站适老化通用设计规范》（2021）；GB/T 37668-2019",
    fix="正文字号不小于 14px、行高不小于 1.3 倍，允许页面缩放，保留醒目的键盘焦点，去掉漂浮广告和弹窗，"
    "并在首页提供“长者模式/关怀版/无障碍浏览”入口。",
    summary="首页没有长者模式、关怀版或无障碍入口；页面禁止缩放；浏览器渲染后正文字号小于 14px、行高小于 1.3 倍、"
    "键盘焦点不可见、有浮动窗口或弹窗遮挡内容。同一模板所有已检查页面都有的问题合并为一条模板问题。",
    evidence_labels={**EVIDENCE_LABELS, "care_words": "查找的入口文字", "care_selector": "配置的入口选择器"},
)

CARE_WORDS = ("长者模式", "适老模式", "适老化", "关怀版", "关怀模式", "老年人模式", "长者版", "无障碍浏览", "无障碍")
_CARE = re.compile("|".join(CARE_WORDS))


def has_care_entry(site: SiteFacts, settings: dict) -> bool:
    """Does the homepage link an elder/accessible mode (by its words, or by the configured selector)?"""
    home = site.read_homepage()
    if home is None:
        return True  # no homepage read: nothing to judge (the run's start-page warning says why)
    if any(_CARE.search(link.text or "") for link in home.links):
        return True
    audit = site.audits.get(home.url)
    selector = (settings.get("accessibility") or {}).get("care_selector")
    return bool(selector and audit is not None and audit.metrics.get("care_entry"))


@CHECK.rule
def run(site: SiteFacts, ctx: CheckContext) -> Iterator[Finding]:
    yield from findings_for(ELDER, site, ctx)
    if site.read_homepage() is not None and not has_care_entry(site, ctx.settings):
        rule = RULES["no-care-entry"]
        yield ctx.finding(
            url=site.homepage,
            target="no-care-entry",
            message=f"{rule.title}：首页找不到“长者模式”“关怀版”“无障碍浏览”等入口。",
            evidence={
                "rule": "no-care-entry",
                "rule_title": rule.title,
                "care_words": list(CARE_WORDS),
                "care_selector": (ctx.settings.get("accessibility") or {}).get("care_selector"),
            },
            department=ctx.departments.owner,
            severity=rule.severity,
            site=site,
        )
