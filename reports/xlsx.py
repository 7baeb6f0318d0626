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
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import date
from pathlib import Path
from urllib.parse import quote

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.cell_range import CellRange

from govcrawl.model import Finding

from .data import METRIC_LABELS, SEVERITY_LABELS, SEVERITY_ORDER, CheckMeta, ReportInput, Summary, summarise
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
_HEADER_ALIGNMENT = Alignment(wrap_text=True, vertical="center")
_LEFT = Alignment(horizontal="left")
_TITLE_FONT = Font(bold=True, size=14)
_NO_FILL = PatternFill()


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
    """Write-only cells of one workbook: text always a string cell, styles registered once.

    Text is cleaned and typed as string, never a formula (openpyxl would turn
    text starting with ``=`` into one); formula-like text also gets Excel's
    quote prefix (the stored form of a typed leading apostrophe) so it stays
    text when someone edits the cell.

    Setting ``cell.font`` (or fill, alignment) makes openpyxl hash the style
    object to find its index, which was most of the workbook's CPU time at ten
    cells per finding. Each combination used here is registered once, on a
    template cell, and every cell starts from a copy of that template's style
    array instead (``Cell(style_array=...)``). Keys are the ids of the style
    objects, which the cache keeps alive so an id can never be reused.
    """

    def __init__(self, ws: WriteOnlyWorksheet) -> None:
        self._ws = ws
        self._styles: dict[tuple[int, int, int, bool], tuple[StyleArray | None, tuple[object, ...]]] = {}

    def __call__(
        self,
        value: str | int | float | None,
        font: Font | None = None,
        fill: PatternFill | None = None,
        alignment: Alignment | None = None,
        hyperlink: str | None = None,
    ) -> Cell:
        if isinstance(value, str):
            value = clean_text(value)
        quote = isinstance(value, str) and is_formula_like(value)
        key = (id(font), id(fill), id(alignment), quote)
        if key not in self._styles:
            template = Cell(self._ws, row=1, column=1)
            if font is not None:
                template.font = font
            if fill is not None:
                template.fill = fill
            if alignment is not None:
                template.alignment = alignment
            if quote:
                template.quotePrefix = True
            self._styles[key] = (template._style, (font, fill, alignment))
        # Row and column are placeholders: the sheet sets them as it writes the row.
        cell = Cell(self._ws, row=1, column=1, value=value, style_array=self._styles[key][0])
        if isinstance(value, str):
            cell.data_type = "s"
        if hyperlink is not None:
            cell.hyperlink = hyperlink
        return cell


def _column_widths(titles: Sequence[str], rows: Iterable[Sequence[object]]) -> list[float]:
    """Each column as wide as its widest text (CJK counted double), capped, plus a margin.

    A write-only sheet needs its widths before its first row, so the rows are
    measured in a pass of their own; a column stops being measured once it
    reaches its cap (its width can grow no further).
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


def _set_widths(ws: WriteOnlyWorksheet, widths: Iterable[float]) -> None:
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width


def _header(cells: _Cells, titles: Sequence[str]) -> list[Cell]:
    return [cells(title, _BOLD, _HEADER_FILL, _HEADER_ALIGNMENT) for title in titles]


def _department_sheet(ws: WriteOnlyWorksheet, findings: list[Finding], checks: Mapping[str, CheckMeta]) -> None:
    """One department's findings, a row each; rows are made twice (measured, then written), never kept."""

    def rows() -> Iterator[list[str | int]]:
        return (finding_row(f, checks[f.check]) for f in findings)

    _set_widths(ws, _column_widths(COLUMNS, rows()))
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(COLUMNS))}{len(findings) + 1}"
    ws.print_title_rows = "1:1"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    cells = _Cells(ws)
    ws.append(_header(cells, COLUMNS))
    alignments = [_WRAP_TOP if title in _WRAPPED else _TOP for title in COLUMNS]
    for finding, values in zip(findings, rows(), strict=True):
        row = [cells(value, alignment=alignment) for value, alignment in zip(values, alignments, strict=True)]
        row[0] = cells(values[0], fill=_SEVERITY_FILLS.get(str(values[0]), _NO_FILL), alignment=alignments[0])
        href = hyperlink_target(finding.url)
        if href is not None:
            row[URL_COLUMN] = cells(values[URL_COLUMN], _LINK_FONT, alignment=alignments[URL_COLUMN], hyperlink=href)
        ws.append(row)
    _close(ws)


def _close(ws: WriteOnlyWorksheet) -> None:
    """Finish a sheet now rather than when the workbook is saved.

    A write-only sheet keeps every cell hyperlink until it is closed, because the
    sheet's XML lists them after the rows, and the workbook closes its sheets only
    when it is saved: every department's links at once (~110,000 for a
    100,000-page portal). Closed here, a sheet's links are written to its file
    and only their relationship ids (needed for the .rels part at save) are kept.
    """
    ws.close()
    ws._hyperlinks.clear()  # written by close(); the save never reads them again for a write-only sheet


def _format_metric(key: str, value: float | None) -> str:
    if value is None:
        return "无可计算数据"
    if key in METRIC_LABELS:  # the contract's metrics are ratios
        return f"{value:.1%}"
    return f"{value:g}"


def _summary_sheet(ws: WriteOnlyWorksheet, data: ReportInput, summary: Summary, names: list[str]) -> None:
    """Run facts on top, then the department x check counts, each department linked to its sheet."""
    run = data.run
    cells = _Cells(ws)
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
    first = max(display_width(label) for label in ["抓取页面数", *(s.name for s in summary.sections)])
    _set_widths(ws, [min(WIDTH_CAP, first + 2), *(12 for _ in titles[1:])])
    # Values span several narrow count columns instead of widening column B.
    span_end = max(2, min(len(titles), 6))
    header_row = len(info) + 3  # title, the info rows, one blank row
    ws.row_dimensions[header_row].height = 48
    ws.append([cells(f"{data.site_name} 网站检查汇总", _TITLE_FONT)])
    for row, (label, value) in enumerate(info, start=2):
        ws.append([cells(label, _BOLD), cells(value, alignment=_LEFT)])
        if span_end > 2:
            ws.merged_cells.add(CellRange(min_row=row, min_col=2, max_row=row, max_col=span_end))
    ws.append([])
    ws.append(_header(cells, titles))
    for section, sheet in zip(summary.sections, names, strict=True):
        quoted = sheet.replace("'", "''")
        link = cells(section.name, _LINK_FONT, hyperlink=f"#'{quoted}'!A1")  # jump to the department's sheet
        counts = [cells(section.count(check.id) or None) for check in summary.checks]
        ws.append([link, *counts, cells(section.total, _BOLD)])
    totals = [cells(summary.by_check[check.id], _BOLD) for check in summary.checks]
    ws.append([cells("合计", _BOLD), *totals, cells(summary.total, _BOLD)])


def _catalogue_sheet(ws: WriteOnlyWorksheet, summary: Summary) -> None:
    """The checks that ran, so the workbook explains itself without the HTML page."""
    titles = ("编号", "检查项", "严重程度", "依据", "说明", "修改建议")
    ws.freeze_panes = "A2"
    _set_widths(ws, (22, 24, 10, 40, 48, 48))
    cells = _Cells(ws)
    ws.append(_header(cells, titles))
    for c in summary.checks:
        values = (c.id, c.title, SEVERITY_LABELS[c.severity], c.basis, c.summary, c.fix)
        ws.append([cells(value, alignment=_WRAP_TOP) for value in values])


def build_workbook(data: ReportInput) -> Workbook:
    """The workbook in write-only mode: each sheet's rows go to a temporary file as they are made.

    An ordinary openpyxl workbook keeps a cell object per cell until it is
    saved (over 200 MB for 100,000 findings); this one holds a row at a time.
    It can only be saved, once.
    """
    summary = summarise(data)
    names = sheet_names(section.name for section in summary.sections)
    order = {id(f): i for i, f in enumerate(data.findings)}
    checks = {check.id: check for check in summary.checks}
    wb = Workbook(write_only=True)
    wb.properties.creator = "govcrawl"
    wb.properties.title = f"{data.site_name} 网站检查结果"
    _summary_sheet(wb.create_sheet(SUMMARY_SHEET), data, summary, names)
    for section, name in zip(summary.sections, names, strict=True):
        # The caller's order, not the check grouping: keep what they sorted.
        findings = [f for group in section.groups for f in group.findings]
        findings.sort(key=lambda f: order[id(f)])
        _department_sheet(wb.create_sheet(name), findings, checks)
    _catalogue_sheet(wb.create_sheet(CATALOGUE_SHEET), summary)
    return wb


def write(data: ReportInput, path: Path) -> Path:
    """Write ``findings.xlsx`` atomically."""
    wb = build_workbook(data)
    return write_atomic(path, lambda tmp: wb.save(tmp))
