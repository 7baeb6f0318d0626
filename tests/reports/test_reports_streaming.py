"""The streamed writers produce exactly what the one-piece forms did, and the workbook keeps its layout.

The reports are written piece by piece so that memory stays flat in the number of
findings (JSON and HTML as chunks, CSV row by row, the workbook's rows straight to its
sheet files, ``reports.ooxml``). These tests pin that the pieces add up to the same files.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from reports import ReportInput
from reports import csv as csv_report
from reports import html as html_report
from reports import json as json_report
from reports import xlsx as xlsx_report
from reports.json import _jsonable, dumps, findings_document, iter_dumps
from reports.tabular import COLUMNS
from reports.xlsx import SUMMARY_SHEET, _column_widths, display_width


def _with_lists(data: ReportInput) -> ReportInput:
    """The sample run with fixed and waived findings too (lists the streamed JSON encodes one by one)."""
    first, second = data.findings[0], data.findings[1]
    data.fixed = [replace(first, id="fixed:1", status="fixed", evidence={"when": date(2023, 10, 1), "n": [1, 2]})]
    data.waived = [replace(second, id="waived:1", waiver={"reason": "已确认", "accepted_by": "张三"})]
    return data


@pytest.mark.parametrize("lists", [False, True], ids=["empty-lists", "fixed-and-waived"])
def test_streamed_json_is_byte_identical_to_one_dump(report_input: ReportInput, lists: bool) -> None:
    data = _with_lists(report_input) if lists else report_input
    whole = json.dumps(findings_document(data), ensure_ascii=False, indent=2, default=_jsonable) + "\n"
    assert dumps(data) == whole
    assert "".join(iter_dumps(data)) == whole


def test_streamed_json_file(report_input: ReportInput, tmp_path: Path) -> None:
    data = _with_lists(report_input)
    path = json_report.write(data, tmp_path / "findings.json")
    assert path.read_text(encoding="utf-8") == dumps(data)
    assert json.loads(path.read_text(encoding="utf-8"))["fixed"][0]["evidence"]["when"] == "2023-10-01"


def test_streamed_csv_file_is_the_text_with_bom(report_input: ReportInput, tmp_path: Path) -> None:
    path = csv_report.write(report_input, tmp_path / "findings.csv")
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and raw.count(b"\xef\xbb\xbf") == 1
    assert raw.decode("utf-8-sig") == csv_report.dumps(report_input)
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    assert len(rows) == len(report_input.findings) + 1


def test_streamed_html_file_is_the_rendered_page(report_input: ReportInput, tmp_path: Path) -> None:
    data = _with_lists(report_input)
    path = html_report.write(data, tmp_path / "report.html")
    assert path.read_text(encoding="utf-8") == html_report.render(data)


def test_lazy_views_are_made_on_each_pass_and_counted_without_making() -> None:
    made: list[int] = []

    def make(n: int) -> str:
        made.append(n)
        return f"v{n}"

    views = html_report.LazyViews([1, 2, 3], make)
    assert len(views) == 3 and bool(views) and made == []
    assert list(views) == ["v1", "v2", "v3"] == list(views)
    assert made == [1, 2, 3, 1, 2, 3]
    assert not html_report.LazyViews([], make)


def _naive_widths(titles: list[str], rows: list[list[object]]) -> list[float]:
    """The widths as measured before the early exit: every cell, then capped."""
    widths = [display_width(t) for t in titles]
    for row in rows:
        for i, value in enumerate(row):
            widths[i] = max(widths[i], display_width(str(value)))
    return [min(w, xlsx_report._WRAPPED.get(t, xlsx_report.WIDTH_CAP)) + 2 for w, t in zip(widths, titles, strict=True)]


def test_column_widths_stop_measuring_at_the_cap_without_changing_them() -> None:
    titles = list(COLUMNS)
    rows = [
        ["严重", "链接不可用", "短", "", "https://a.example/", "", "x", "修", 0, "id:1"],
        ["一般", "检", "很长" * 40, "标题" * 30, "https://b.example/" + "p" * 90, "t" * 45, "证据\n" + "e" * 70, "", 12345, "id:2"],
        ["重要", "检", "又一行", "中", "u", "v", "w", "修改", 7, "id:" + "9" * 100],
    ]
    assert _column_widths(titles, iter(rows)) == _naive_widths(titles, rows)
    assert _column_widths(titles, iter([])) == _naive_widths(titles, [])


def test_write_only_workbook_keeps_the_summary_layout(written: dict[str, Path]) -> None:
    wb = load_workbook(written["xlsx"])
    ws = wb[SUMMARY_SHEET]
    assert ws["A1"].font.b and ws["A1"].font.sz == 14
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert "B2:F2" in merged
    header_row = next(r for r in range(1, ws.max_row + 1) if ws.cell(row=r, column=1).value == "部门")
    assert ws.row_dimensions[header_row].height == 48
    link = ws.cell(row=header_row + 1, column=1).hyperlink
    assert link is not None and link.location == f"'{wb.sheetnames[1]}'!A1" and link.target is None  # a place inside
    assert ws.column_dimensions["B"].width == 12
    department = wb[wb.sheetnames[1]]
    assert department.print_title_rows == "$1:$1"  # as openpyxl reads "1:1" back
    assert department.page_setup.orientation == "landscape" and department.sheet_properties.pageSetUpPr.fitToPage
    assert department["A2"].fill.fgColor.rgb.endswith("F8D7D3")  # 严重: the critical fill
    assert department["E2"].font.u == "single" and department["E2"].alignment.wrap_text
