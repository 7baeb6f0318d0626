"""``backdated-post``: items that appear tonight with a date well in the past, or whose date changed.

Why: the national inspection indicators treat a forged publication date
(伪造发稿日期) as a single-veto offence — an office that posts on 1 November an
item dated 15 September makes a stale column look updated. Only nightly history
reveals it: govcrawl knows which items a list page showed last night.

Flagged (contract §4, target = the item URL, url = the list page showing it):

* an item that was on **no** list page last night, whose page was not crawled
  last night either, shown tonight on a list page that **was** crawled last night,
  with a stated date more than ``backdated_days`` (config, default 7) days before
  tonight's date;
* an item whose stated date on the lists changed between the two nights.

And (url = the page, target null) a page crawled both nights whose own stated
date (发布日期 / PubDate / date by the title) changed, unless its list item
already reports it. Nothing on a site's first run, nothing for list pages that
were unreachable last night (their items were not seen, so they are not new).
One finding per item, on the column list page rather than the homepage; the
other list pages showing it are occurrences.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

from checks.registry import Check, CheckContext
from govcrawl.facts import SiteFacts
from govcrawl.model import Finding, PageFacts, Severity

CHECK = Check(
    id="backdated-post",
    title="疑似倒填发布日期",
    severity=Severity.CRITICAL,
    basis="国办秘函〔2019〕19号 政府网站与政务新媒体检查指标（伪造发稿日期，单项否决）",
    fix="核实该信息的真实发布时间：如实填写发布日期，不得为应付栏目更新考核而倒填日期；确属更正的，在正文注明更正情况。",
    summary="对比前一晚的抓取：今晚新出现在栏目列表中、但标注的发布日期早于今晚超过设定天数（默认 7 天）的条目，"
    "或前后两晚标注的发布日期不一致的条目/页面。首次运行不检查。",
    evidence_labels={
        "stated_date": "标注的发布日期",
        "first_seen": "首次被发现的日期",
        "days_before": "早于首次发现（天）",
        "previous_date": "前一晚的日期",
        "kind": "类型",
        "limit_days": "允许的天数",
    },
)

DEFAULT_DAYS = 7


def _ok(page: PageFacts) -> bool:
    return page.is_html and page.status is not None and 200 <= page.status < 300


def _stated(page: PageFacts) -> date | None:
    return (page.doc.published_on if page.doc is not None else None) or page.published_on


_LATER_PAGE = re.compile(r"index_\d+\.s?html?$", re.I)


def _column_first(site: SiteFacts, url: str) -> str:
    """The column's first list page for a later page of its list (…/index_3.html → …/), when crawled."""
    first = _LATER_PAGE.sub("", url)
    return first if first != url and site.page(first) is not None else url


def _rank(page: PageFacts, homepage: str | None) -> tuple:
    """Which list page names the finding: a column page before the homepage, then the shortest URL."""
    return (page.url == homepage, len(page.url), page.url)


@CHECK.rule
def run(site: SiteFacts, ctx: CheckContext) -> Iterator[Finding]:
    before = site.previous
    if before is None:
        return
    limit = int(ctx.settings.get("backdated_days") or DEFAULT_DAYS)
    night = ctx.today
    crawled_before = {u for p in before.pages if _ok(p) for u in (p.url, p.final_url) if u}
    listed_before: dict[str, date | None] = {}
    for page in before.html_pages():
        for item in page.list_items:
            if item.published_on is not None or item.url not in listed_before:
                listed_before[item.url] = item.published_on

    # item url -> (kind, stated, previous, list pages showing it)
    hits: dict[str, tuple[str, date, date | None, list[PageFacts]]] = {}
    for page in site.html_pages():
        if page.url not in crawled_before or not page.list_items:
            continue
        for item in page.list_items:
            stated = item.published_on
            if stated is None:
                continue
            if item.url in listed_before:
                old = listed_before[item.url]
                if old is None or old == stated:
                    continue
                kind = "changed"
            elif item.url in crawled_before or (night - stated).days <= limit:
                continue
            else:
                kind = "new"
            hit = hits.setdefault(item.url, (kind, stated, listed_before.get(item.url), []))
            hit[3].append(page)

    for item_url, (kind, stated, old, pages) in sorted(hits.items()):
        pages.sort(key=lambda p: _rank(p, site.homepage))
        shown = [p.url for p in pages]
        url = _column_first(site, shown[0])  # a later list page (index_1.html) names its column's first page
        if kind == "new":
            message = (f"该条目今晚（{night.isoformat()}）首次出现，标注的发布日期却是 {stated.isoformat()}，"
                       f"早了 {(night - stated).days} 天，疑似倒填日期。")
        else:
            message = f"该条目的发布日期由前一晚的 {old.isoformat()} 改为 {stated.isoformat()}。"
        yield ctx.finding(
            url=url,
            target=item_url,
            message=message,
            evidence={
                "kind": "新出现的旧日期条目" if kind == "new" else "日期被修改",
                "stated_date": stated.isoformat(),
                "first_seen": night.isoformat() if kind == "new" else None,
                "days_before": (night - stated).days if kind == "new" else None,
                "previous_date": old.isoformat() if old else None,
                "limit_days": limit if kind == "new" else None,
            },
            occurrences=[u for u in shown if u != url],
            identity=(item_url,),
            department=ctx.departments.for_page(item_url, site.page(item_url)),
            site=site,
        )

    for page in site.html_pages():
        if page.url in hits:
            continue
        old_page = before.page(page.url)
        if old_page is None or not _ok(old_page):
            continue
        stated, old = _stated(page), _stated(old_page)
        if stated is None or old is None or stated == old:
            continue
        yield ctx.finding(
            url=page.url,
            message=f"页面标注的发布日期由前一晚的 {old.isoformat()} 改为 {stated.isoformat()}。",
            evidence={"kind": "日期被修改", "stated_date": stated.isoformat(), "previous_date": old.isoformat()},
            site=site,
        )
