"""``stale-column``: a column (or the homepage) not updated within its limit.

Why: the national inspection indicators (国办秘函〔2019〕19号) fail a site whose
homepage is not updated for two weeks (首页不更新) and mark columns whose newest
item is older than their class allows (栏目不更新). The grouping of list pages
into columns and the limits live in ``checks.columns`` so that ``empty-column``
shares them. "Older than its limit" is strict: a column whose newest item is
exactly ``limit`` days old is still in time.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date

from checks.columns import Column, all_columns, limit_for
from checks.registry import Check, CheckContext
from govcrawl.facts import SiteFacts
from govcrawl.model import Finding, Severity

CHECK = Check(
    id="stale-column",
    title="栏目长期未更新",
    severity=Severity.MAJOR,
    basis="国办秘函〔2019〕19号 政府网站与政务新媒体检查指标“首页不更新”“栏目不更新”",
    fix="及时在该栏目发布新信息；栏目确已停止使用的，应整合或下线并撤除入口；静态栏目可在配置 column_limits 中标注为不考核。",
    summary=(
        "首页或栏目最新一条信息早于期限：首页及动态、要闻、新闻类栏目 14 天，通知公告、政策文件、解读类 183 天，"
        "人事、规划计划类 365 天（恰好满期限不算超期）；概况、机构职能、指南、年报、专题等静态栏目不考核；首页超期为严重问题。"
    ),
    evidence_labels={
        "column": "栏目名称",
        "column_class": "栏目类别",
        "limit_days": "更新期限（天）",
        "newest_date": "最新信息日期",
        "newest_item_url": "最新信息地址",
        "age_days": "距今天数",
        "list_pages": "列表页数",
    },
)


@dataclass(frozen=True, slots=True)
class ColumnWarning:
    """A column still in time but due soon: the report can warn before an inspection fails it."""

    column: Column
    limit_days: int
    age_days: int

    @property
    def days_left(self) -> int:
        return self.limit_days - self.age_days


def early_warnings(site: SiteFacts, today: date, settings: Mapping, warning_days: int = 3) -> list[ColumnWarning]:
    """Columns (homepage included) not stale yet that will be within ``warning_days`` days.

    Pure and separate from the check: warnings are no findings (nothing is wrong
    yet), so they must not enter findings.json or the per-department counts.
    """
    out = []
    for column in all_columns(site):
        _, limit = limit_for(column.name, column.url, settings, homepage=column.homepage)
        newest = column.newest(today)
        if limit is None or newest is None or newest.published_on is None:
            continue
        age = (today - newest.published_on).days
        if limit - warning_days < age <= limit:
            out.append(ColumnWarning(column, limit, age))
    return out


@CHECK.rule
def run(site: SiteFacts, ctx: CheckContext) -> Iterator[Finding]:
    """One finding per column whose newest dated item is more than ``limit`` days old.

    Columns with no limit (static or unclassified) are skipped, and so are columns
    with no dated item at all: an empty column is ``empty-column``'s finding, and a
    column whose rows carry no dates cannot be judged from its list.
    """
    for column in all_columns(site):
        klass, limit = limit_for(column.name, column.url, ctx.settings, homepage=column.homepage)
        if limit is None:
            continue
        newest = column.newest(ctx.today)
        if newest is None or newest.published_on is None:
            continue
        age = (ctx.today - newest.published_on).days
        if age <= limit:
            continue
        where = "首页" if column.homepage else f"栏目“{column.name}”"
        yield ctx.finding(
            url=column.url,
            message=f"{where}最新信息发布于 {newest.published_on:%Y-%m-%d}，已 {age} 天未更新，超过 {limit} 天的期限。",
            evidence={
                "column": column.name,
                "column_class": klass,
                "limit_days": limit,
                "newest_date": newest.published_on.isoformat(),
                "newest_item_url": newest.url,
                "age_days": age,
                "list_pages": len(column.pages),
            },
            severity=Severity.CRITICAL if column.homepage else None,
            site=site,
        )
