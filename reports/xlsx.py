"""``findings.xlsx``: a summary sheet, then one sheet per department.

Departments forward their own sheet to whoever maintains their pages, so each
sheet stands alone: frozen header, autofilter, the fix hint on every row, and
print settings that fit the columns on a landscape page. Cell text is typed
as string so that nothing a crawled page says is ever evaluated as a formula
(see ``reports.tabular``). The file itself is written by ``reports.ooxml``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import replace
from datetime import date
from pathlib import Path
from urllib.parse import quote

from govcrawl.model import Finding

from .data import (
    METRIC_LABELS,
    SEVERITY_LABELS,
    SEVERITY_ORDER,
    CheckMeta,
    ReportInput,
    Summary,
    incomplete_run_warning,
    summarise,
)
from .evidence import web_href
from .files import write_atomic
from .ooxml import PLAIN, Cell, Style, Workbook, quote_sheet
from .tabular import COLUMNS, URL_COLUMN, clean_text, finding_row, is_formula_like

SUMMARY_SHEET = "汇总"
CATALOGUE_SHEET = "检查项说明"
SHEET_NAME_MAX = 31  # Excel's limit, in UTF-16 code units
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_RESERVED_SHEET_NAMES = ("history",)  # Excel reserves "History" in any case

WIDTH_CAP = 80
# Columns whose text is prose or lists: wrapped, and capped narrower so a row
# stays readable on screen instead of one 80-character line.
_WRAPPED = {"问题说明": 50, "页面标题": 36, "页面地址": 50, "问题对象": 40, "证据": 56, "修改建议": 44}
HYPERLINK_MAX = 2000  # Excel refuses longer hyperlink targets (its limit is 2079)
# Characters a URI may carry as they are; anything else (spaces, quotes, <, >,
# non-ASCII) is percent-encoded in the hyperlink target only, so a crawled URL
# can never make Excel reject the file. The cell text stays as crawled.
_URI_SAFE = ":/?#[]@!$&'()*+,;=%~"

# Cell styles (reports.ooxml.Style); formula-like text also gets Excel's quote prefix (``_Cells``).
_BOLD = Style(bold=True)
_HEADER = Style(bold=True, fill="E8ECF2", wrap=True, vertical="center")
_LINK = dict(color="1F4E8C", underline=True)
_SEVERITY_FILLS = {
    SEVERITY_LABELS[sev]: color for sev, color in zip(SEVERITY_ORDER, ("F8D7D3", "FCE8C8", "E9EDF2"), strict=True)
}
_WRAP_TOP = Style(wrap=True, vertical="top")
_TOP = Style(vertical="top")
_LEFT = Style(horizontal="left")
_TITLE = Style(bold=True, size=14)
_ALERT_LABEL = Style(bold=True, color="8C1D18", fill="FDF0EF", vertical="top")
_ALERT = Style(color="8C1D18", fill="FDF0EF", wrap=True, vertical="top")


def display_width(text: str) -> int:
    """Width of the widest line, counting a CJK (wide or full-width) character as 2."""
    if text.isascii():  # no ASCII character is wide: skip the per-character lookup (ids, most URLs)
        return max(len(line) for line in text.split("\n"))
    return max(
        (
            sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line)
            for line in text.split("\n")
        ),
        default=0,
    )


def _utf16_cut(text: str, limit: int) -> str:
    """Cut to at most ``limit`` UTF-16 code units (Excel counts those, not code points)."""
    out = ""
    for ch in text:
        if len((out + ch).encode("utf-16-le")) // 2 > limit:
            break
        out += ch
    return out


def sheet_names(
    departments: Iterable[str], reserved: Iterable[str] = (SUMMARY_SHEET, CATALOGUE_SHEET)
) -> list[str]:
    """A valid, unique (case-insensitively, as Excel compares) sheet name per department."""
    used = {name.casefold() for name in (*reserved, *_RESERVED_SHEET_NAMES)}
    names = []
    for department in departments:
        base = _SHEET_FORBIDDEN.sub("_", clean_text(department)).strip().strip("'") or "未命名部门"
        candidate = _utf16_cut(base, SHEET_NAME_MAX).rstrip("'")
        counter = 2
        while candidate.casefold() in used:
            suffix = f"({counter})"
            candidate = _utf16_cut(base, SHEET_NAME_MAX - len(suffix)).rstrip("'") + suffix
            counter += 1
        used.add(candidate.casefold())
        names.append(candidate)
    return names


def hyperlink_target(url: str) -> str | None:
    """The URL as a valid URI for a cell hyperlink, or None when it should not be a link."""
    href = web_href(url)
    if href is None:
        return None
    href = quote(clean_text(href), safe=_URI_SAFE)
    return href if len(href) <= HYPERLINK_MAX else None


class _Cells:
    """Cells of one workbook: text cleaned and typed as string, never a formula.

    A cell whose text looks like a formula also gets Excel's quote prefix (the stored form of a
    typed leading apostrophe), so that it stays text when someone edits it. Each style is
    registered with the workbook once and then named by its index.
    """

    def __init__(self, book: Workbook) -> None:
        self._book = book
        self._index: dict[tuple[Style, bool], int] = {}

    def style(self, style: Style, quote: bool = False) -> int:
        key = (style, quote)
        index = self._index.get(key)
        if index is None:
            index = self._index[key] = self._book.style(replace(style, quote=True) if quote else style)
        return index

    def __call__(self, value: str | int | float | None, style: Style = PLAIN, hyperlink: str | None = None) -> Cell:
        if isinstance(value, str):
            value = clean_text(value)
            return value, self.style(style, is_formula_like(value)), hyperlink
        return value, self.style(style), hyperlink


def _column_widths(titles: Sequence[str], rows: Iterable[Sequence[object]]) -> list[float]:
    """Each column as wide as its widest text (CJK counted double), capped, plus a margin.

    A sheet's widths come before its first row, so the rows are measured in a pass of their
    own; a column stops being measured once it reaches its cap (its width can grow no further).
    """
    caps = [_WRAPPED.get(title, WIDTH_CAP) for title in titles]
    widths = [display_width(t) for t in titles]
    open_columns = [i for i in range(len(titles)) if widths[i] < caps[i]]
    for row in rows:
        for i in open_columns:
            widths[i] = max(widths[i], display_width(str(row[i])))
        if any(widths[i] >= caps[i] for i in open_columns):
            open_columns = [i for i in open_columns if widths[i] < caps[i]]
    return [min(width, cap) + 2 for width, cap in zip(widths, caps, strict=True)]


def _header(cells: _Cells, titles: Sequence[str]) -> list[Cell]:
    return [cells(title, _HEADER) for title in titles]


def _department_sheet(book: Workbook, name: str, findings: list[Finding], checks: Mapping[str, CheckMeta]) -> None:
    """One department's findings, a row each; rows are made twice (measured, then written), never kept."""

    def rows() -> Iterator[list[str | int]]:
        return (finding_row(f, checks[f.check]) for f in findings)

    ws = book.sheet(name, _column_widths(COLUMNS, rows()), freeze_header=True, print_header=True, landscape=True)
    cells = _Cells(book)
    ws.append(_header(cells, COLUMNS))
    styles = [_WRAP_TOP if title in _WRAPPED else _TOP for title in COLUMNS]
    link_style = replace(styles[URL_COLUMN], **_LINK)
    severity = {label: replace(styles[0], fill=fill) for label, fill in _SEVERITY_FILLS.items()}
    for finding, values in zip(findings, rows(), strict=True):
        row = [cells(value, style) for value, style in zip(values, styles, strict=True)]
        row[0] = cells(values[0], severity.get(str(values[0]), styles[0]))
        href = hyperlink_target(finding.url)
        if href is not None:
            row[URL_COLUMN] = cells(values[URL_COLUMN], link_style, hyperlink=href)
        ws.append(row)
    ws.autofilter(len(COLUMNS))
    ws.close()


def _format_metric(key: str, value: float | None) -> str:
    if value is None:
        return "无可计算数据"
    if key in METRIC_LABELS:  # the contract's metrics are ratios
        return f"{value:.1%}"
    return f"{value:g}"


def _summary_sheet(book: Workbook, data: ReportInput, summary: Summary, names: list[str]) -> None:
    """Run facts on top, then the department x check counts, each department linked to its sheet."""
    run = data.run
    cells = _Cells(book)
    today = run.today.isoformat() if isinstance(run.today, date) else str(run.today)
    info: list[tuple[str, str | int]] = [
        ("站点", f"{data.site_name}（{data.site_id}）"),
        ("检查日期", today),
        ("运行编号", run.id),
        ("开始时间", run.started),
        ("结束时间", run.finished or ""),
        ("抓取页面数", run.pages_crawled),
        ("工具版本", run.tool_version),
        ("问题总数", summary.total),
        *((f"其中{SEVERITY_LABELS[s]}", summary.by_severity[s]) for s in SEVERITY_ORDER),
        *((METRIC_LABELS.get(k, k), _format_metric(k, v)) for k, v in data.metrics.items()),
    ]
    warning = incomplete_run_warning(run)
    titles = ["部门", *(check.title for check in summary.checks), "合计"]
    first = max(display_width(label) for label in ["抓取页面数", *(s.name for s in summary.sections)])
    ws = book.sheet(SUMMARY_SHEET, [min(WIDTH_CAP, first + 2), *(12 for _ in titles[1:])])
    # Values span several narrow count columns instead of widening column B.
    span_end = max(2, min(len(titles), 6))
    ws.append([cells(f"{data.site_name} 网站检查汇总", _TITLE)])
    if warning:  # a run that checked next to nothing says so above everything else, in red, wrapped
        ws.append([cells("检查不完整", _ALERT_LABEL), cells(warning, _ALERT)], height=15 * 4)
        if span_end > 2:
            ws.merge(2, span_end)
    for label, value in info:
        ws.append([cells(label, _BOLD), cells(value, _LEFT)])
        if span_end > 2:
            ws.merge(2, span_end)
    ws.append([])
    ws.append(_header(cells, titles), height=48)
    link = Style(**_LINK)
    for section, sheet in zip(summary.sections, names, strict=True):
        counts = [cells(section.count(check.id) or None) for check in summary.checks]
        # the department's name jumps to its sheet
        ws.append([cells(section.name, link, hyperlink=f"#{quote_sheet(sheet)}!A1"), *counts,
                   cells(section.total, _BOLD)])
    totals = [cells(summary.by_check[check.id], _BOLD) for check in summary.checks]
    ws.append([cells("合计", _BOLD), *totals, cells(summary.total, _BOLD)])
    ws.close()


def _catalogue_sheet(book: Workbook, summary: Summary) -> None:
    """The checks that ran, so the workbook explains itself without the HTML page."""
    titles = ("编号", "检查项", "严重程度", "依据", "说明", "修改建议")
    ws = book.sheet(CATALOGUE_SHEET, [22, 24, 10, 40, 48, 48], freeze_header=True)
    cells = _Cells(book)
    ws.append(_header(cells, titles))
    for c in summary.checks:
        values = (c.id, c.title, SEVERITY_LABELS[c.severity], c.basis, c.summary, c.fix)
        ws.append([cells(value, _WRAP_TOP) for value in values])
    ws.close()


def write_workbook(data: ReportInput, path: Path) -> None:
    """The workbook at ``path``: the summary, a sheet per department, the catalogue.

    Rows go to the file as they are made (``reports.ooxml``): memory holds one row at a time,
    whatever the number of findings.
    """
    summary = summarise(data)
    names = sheet_names(section.name for section in summary.sections)
    order = {id(f): i for i, f in enumerate(data.findings)}
    checks = {check.id: check for check in summary.checks}
    book = Workbook(path, title=f"{data.site_name} 网站检查结果", creator="govcrawl")
    try:
        _summary_sheet(book, data, summary, names)
        for section, name in zip(summary.sections, names, strict=True):
            # The caller's order, not the check grouping: keep what they sorted.
            findings = [f for group in section.groups for f in group.findings]
            findings.sort(key=lambda f: order[id(f)])
            _department_sheet(book, name, findings, checks)
        _catalogue_sheet(book, summary)
    except BaseException:
        book.abandon()
        raise
    book.close()


def write(data: ReportInput, path: Path) -> Path:
    """Write ``findings.xlsx`` atomically."""
    return write_atomic(path, lambda tmp: write_workbook(data, tmp))
