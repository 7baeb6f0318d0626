"""``empty-column``: a column list page with no items (national indicator 空白栏目).

Why: an inspector who opens a column and finds nothing in it counts a blank
column. What counts as one here: a column's list pages (grouped as in
``checks.columns``) together show no list item at all, and its list page says so
(暂无信息, 暂无数据, 没有相关记录 …). That note is required because landing pages,
contact pages and single-article columns (区情概况, 机构职能, 历史沿革) show no rows
either and are not blank. Static columns are not exempt: a 政府信息公开指南 page that
says 暂无信息 is as blank as any other. A column with rows but no dated row is
not empty (the demo's Hanweb datastore columns are the look-alike).
"""

from __future__ import annotations

from collections.abc import Iterator

from checks.columns import classify, find_columns, is_empty_marker
from checks.registry import Check, CheckContext
from govcrawl.facts import SiteFacts
from govcrawl.model import Finding, Severity

CHECK = Check(
    id="empty-column",
    title="空白栏目",
    severity=Severity.MAJOR,
    basis="国办秘函〔2019〕19号 政府网站与政务新媒体检查指标“空白栏目”",
    fix="在该栏目发布应公开的信息；确无内容可发布的栏目应撤除或与相近栏目整合，并删除导航和其他页面上的入口。",
    summary="栏目列表页（含其全部分页）没有任何信息条目且页面显示“暂无信息”等字样的，每个栏目报告一次。",
    evidence_labels={
        "column": "栏目名称",
        "column_class": "栏目类别",
        "list_pages": "列表页数",
    },
)


@CHECK.rule
def run(site: SiteFacts, ctx: CheckContext) -> Iterator[Finding]:
    """One finding per column none of whose list pages lists an item; url = its first list page."""
    for column in find_columns(site):
        if column.items or not any(is_empty_marker(page.text) for page in column.pages):
            continue
        klass = classify(column.name)
        yield ctx.finding(
            url=column.url,
            message=f"栏目“{column.name}”列表页没有任何信息条目（页面显示为空）。",
            evidence={
                "column": column.name,
                "column_class": klass.name if klass else "未分类",
                "list_pages": len(column.pages),
            },
            site=site,
        )
