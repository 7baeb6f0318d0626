"""``findings.xlsx``: a summary sheet, then one sheet per department.

Departments forward their own sheet to whoever maintains their pages, so each
sheet stands alone: frozen header, autofilter, the fix hint on every row, and
print settings that fit the columns on a landscape page. Cell text is typed
as string so that nothing a crawled page says is ever evaluated as a formula
(see ``reports.tabular``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from datetime import date
from pathlib import Path
from urllib.parse import quote

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from .data import METRIC_LABELS, SEVERITY_LABELS, SEVERITY_ORDER, ReportInput, Summary, summarise
from .evidence import web_href
from .files import write_atomic
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

_BOLD = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="E8ECF2")
_LINK_FONT = Font(color="1F4E8C", underline="single")
_SEVERITY_FILLS = {
    SEVERITY_LABELS[sev]: PatternFill("solid", fgColor=color)
    for sev, color in zip(SEVERITY_ORDER, ("F8D7D3", "FCE8C8", "E9EDF2"), strict=True)
}
_WRAP_TOP = Alignment(wrap_text=True, vertical="top")
_TOP = Alignment(vertical="top")


def display_width(text: str) -> int:
    """Width of the widest line, counting a CJK (wide or full-width) character as 2."""
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


def put(ws: Worksheet, row: int, column: int, value: str | int | float | None) -> Cell:
    """Write one cell; text is always a string cell, never a formula.

    openpyxl turns any text starting with ``=`` into a formula; the type is
    reset to string, and formula-like text also gets Excel's quote prefix
    (the stored form of a typed leading apostrophe) so it stays text when
    someone edits the cell.
    """
    cell = ws.cell(row=row, column=column)
    if isinstance(value, str):
        value = clean_text(value)
        cell.value = value
        cell.data_type = "s"
        if is_formula_like(value):
            cell.quotePrefix = True
    else:
        cell.value = value
    return cell


def _header(ws: Worksheet, row: int, titles: Sequence[str]) -> None:
    for column, title in enumerate(titles, start=1):
        cell = put(ws, row, column, title)
        cell.font = _BOLD
        cell.fill = _HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")


def _fit_columns(ws: Worksheet, titles: Sequence[str], rows: Iterable[Sequence[object]]) -> None:
    widths = [display_width(t) for t in titles]
    for row in rows:
        for i, value in enumerate(row):
            widths[i] = max(widths[i], display_width(str(value)))
    for i, title in enumerate(titles):
        cap = _WRAPPED.get(title, WIDTH_CAP)
        ws.column_dimensions[get_column_letter(i + 1)].width = min(widths[i], cap) + 2


def _department_sheet(ws: Worksheet, findings_rows: list[list[str | int]], hrefs: list[str | None]) -> None:
    _header(ws, 1, COLUMNS)
    for r, (values, href) in enumerate(zip(findings_rows, hrefs, strict=True), start=2):
        for c, value in enumerate(values, start=1):
            cell = put(ws, r, c, value)
            cell.alignment = _WRAP_TOP if COLUMNS[c - 1] in _WRAPPED else _TOP
        severity_cell = ws.cell(row=r, column=1)
        severity_cell.fill = _SEVERITY_FILLS.get(str(severity_cell.value), PatternFill())
        if href is not None:
            url_cell = ws.cell(row=r, column=URL_COLUMN + 1)
            url_cell.hyperlink = href
            url_cell.font = _LINK_FONT
    last = get_column_letter(len(COLUMNS))
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{last}{len(findings_rows) + 1}"
    ws.print_title_rows = "1:1"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    _fit_columns(ws, COLUMNS, findings_rows)


def _format_metric(key: str, value: float | None) -> str:
    if value is None:
        return "无可计算数据"
    if key in METRIC_LABELS:  # the contract's metrics are ratios
        return f"{value:.1%}"
    return f"{value:g}"


def _summary_sheet(ws: Worksheet, data: ReportInput, summary: Summary, names: list[str]) -> None:
    """Run facts on top, then the department x check counts, each department linked to its sheet."""
    run = data.run
    title = put(ws, 1, 1, f"{data.site_name} 网站检查汇总")
    title.font = Font(bold=True, size=14)
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
    titles = ["部门", *(check.title for check in summary.checks), "合计"]
    # Values span several narrow count columns instead of widening column B.
    span_end = max(2, min(len(titles), 6))
    row = 2
    for label, value in info:
        put(ws, row, 1, label).font = _BOLD
        put(ws, row, 2, value).alignment = Alignment(horizontal="left")
        if span_end > 2:
            ws.merge_cells(start_row=row, start_column=2, end_row=row, end_column=span_end)
        row += 1

    row += 1
    header_row = row
    _header(ws, header_row, titles)
    ws.row_dimensions[header_row].height = 48
    for section, sheet in zip(summary.sections, names, strict=True):
        row += 1
        cell = put(ws, row, 1, section.name)
        quoted = sheet.replace("'", "''")
        cell.hyperlink = f"#'{quoted}'!A1"  # jump to the department's sheet
        cell.font = _LINK_FONT
        for c, check in enumerate(summary.checks, start=2):
            count = section.count(check.id)
            put(ws, row, c, count or None)
        put(ws, row, len(titles), section.total).font = _BOLD
    row += 1
    put(ws, row, 1, "合计").font = _BOLD
    for c, check in enumerate(summary.checks, start=2):
        put(ws, row, c, summary.by_check[check.id]).font = _BOLD
    put(ws, row, len(titles), summary.total).font = _BOLD

    first = max(display_width(label) for label in ["抓取页面数", *(s.name for s in summary.sections)])
    ws.column_dimensions["A"].width = min(WIDTH_CAP, first + 2)
    for c in range(2, len(titles) + 1):
        ws.column_dimensions[get_column_letter(c)].width = 12


def _catalogue_sheet(ws: Worksheet, summary: Summary) -> None:
    """The checks that ran, so the workbook explains itself without the HTML page."""
    titles = ("编号", "检查项", "严重程度", "依据", "说明", "修改建议")
    _header(ws, 1, titles)
    rows = [(c.id, c.title, SEVERITY_LABELS[c.severity], c.basis, c.summary, c.fix) for c in summary.checks]
    for r, values in enumerate(rows, start=2):
        for c, value in enumerate(values, start=1):
            put(ws, r, c, value).alignment = _WRAP_TOP
    ws.freeze_panes = "A2"
    for i, width in enumerate((22, 24, 10, 40, 48, 48), start=1):
        ws.column_dimensions[get_column_letter(i)].width = width


def build_workbook(data: ReportInput) -> Workbook:
    """The whole workbook in memory (tests read it back without a file)."""
    summary = summarise(data)
    names = sheet_names(section.name for section in summary.sections)
    order = {id(f): i for i, f in enumerate(data.findings)}
    checks = {check.id: check for check in summary.checks}
    wb = Workbook()
    wb.properties.creator = "govcrawl"
    wb.properties.title = f"{data.site_name} 网站检查结果"
    ws = wb.active
    ws.title = SUMMARY_SHEET
    _summary_sheet(ws, data, summary, names)
    for section, name in zip(summary.sections, names, strict=True):
        # The caller's order, not the check grouping: keep what they sorted.
        findings = [f for group in section.groups for f in group.findings]
        findings.sort(key=lambda f: order[id(f)])
        rows = [finding_row(f, checks[f.check]) for f in findings]
        hrefs = [hyperlink_target(f.url) for f in findings]
        _department_sheet(wb.create_sheet(name), rows, hrefs)
    _catalogue_sheet(wb.create_sheet(CATALOGUE_SHEET), summary)
    return wb


def write(data: ReportInput, path: Path) -> Path:
    """Write ``findings.xlsx`` atomically."""
    wb = build_workbook(data)
    return write_atomic(path, lambda tmp: wb.save(tmp))
