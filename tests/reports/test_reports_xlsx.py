"""findings.xlsx read back with openpyxl: layout, safety against formulas, hostile text kept."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.workbook.workbook import Workbook

from reports.tabular import COLUMNS
from reports.xlsx import CATALOGUE_SHEET, SUMMARY_SHEET, display_width, sheet_names
from tests.reports.sample_run import (
    DEPARTMENTS,
    EMPTY_DEPARTMENT,
    FORMULA_MESSAGE,
    FORMULA_TARGET,
    HOSTILE_URL,
    OWNER,
    SCRIPT_TITLE,
)

DEPARTMENT_SHEETS = {
    OWNER: "政府办",
    "司法局/法律援助中心": "司法局_法律援助中心",
    EMPTY_DEPARTMENT: "财政局",
}
ROWS_PER_SHEET = {"政府办": 3, "司法局_法律援助中心": 1, "财政局": 0}


@pytest.fixture(scope="module")
def workbook(written: dict[str, Path]) -> Workbook:
    return load_workbook(written["xlsx"])


def _texts(workbook: Workbook) -> list[str]:
    return [
        str(c.value)
        for ws in workbook.worksheets
        for row in ws.iter_rows()
        for c in row
        if c.value is not None
    ]


def test_sheet_order_and_names(workbook: Workbook) -> None:
    assert workbook.sheetnames == [SUMMARY_SHEET, *DEPARTMENT_SHEETS.values(), CATALOGUE_SHEET]
    assert [DEPARTMENT_SHEETS[d] for d in DEPARTMENTS] == workbook.sheetnames[1:-1]


@pytest.mark.parametrize("sheet", list(ROWS_PER_SHEET))
def test_department_sheet_layout(workbook: Workbook, sheet: str) -> None:
    ws = workbook[sheet]
    header = [c.value for c in ws[1]]
    assert header == list(COLUMNS)
    assert all(c.font.bold for c in ws[1])
    assert ws.freeze_panes == "A2"
    rows = ROWS_PER_SHEET[sheet]
    assert ws.max_row == rows + 1
    assert ws.auto_filter.ref == f"A1:J{rows + 1}"
    assert ws.column_dimensions["C"].width >= display_width("问题说明")


def test_rows_carry_the_finding(workbook: Workbook) -> None:
    ws = workbook["政府办"]
    first = {h: c.value for h, c in zip(COLUMNS, ws[2], strict=True)}
    assert first["严重程度"] == "严重"
    assert first["检查项"] == "链接不可用"
    assert first["页面标题"] == SCRIPT_TITLE
    assert first["另见页面数"] == 8
    assert first["编号"] == "broken-link:0000000000000000000a"
    assert "http_status: 404" in first["证据"]
    assert ws.cell(row=2, column=COLUMNS.index("页面地址") + 1).hyperlink.target == first["页面地址"]
    assert ws.cell(row=2, column=COLUMNS.index("证据") + 1).alignment.wrap_text


def test_hostile_strings_are_plain_text_never_formulas(workbook: Workbook, written: dict[str, Path]) -> None:
    texts = _texts(workbook)
    for hostile in (FORMULA_MESSAGE, FORMULA_TARGET, HOSTILE_URL, SCRIPT_TITLE):
        assert hostile in texts  # unchanged: the workbook needs no apostrophe, its cells are typed
    cells = [c for ws in workbook.worksheets for row in ws.iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    formula_cell = next(c for c in cells if c.value == FORMULA_MESSAGE)
    assert formula_cell.data_type == "s" and formula_cell.quotePrefix
    # And in the file itself: no <f> (formula) element anywhere.
    with zipfile.ZipFile(written["xlsx"]) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/sheet")]
        assert sheets and not any(b"<f>" in archive.read(n) or b"<f " in archive.read(n) for n in sheets)


def test_hyperlink_targets_are_valid_uris(workbook: Workbook) -> None:
    ws = workbook["政府办"]
    column = COLUMNS.index("页面地址") + 1
    targets = [ws.cell(row=r, column=column).hyperlink.target for r in range(2, ws.max_row + 1)]
    hostile = targets[1]
    assert ws.cell(row=3, column=column).value == HOSTILE_URL  # the text stays as crawled
    assert hostile.startswith("https://www.example.gov.cn/search?q=%22%3E%3Cimg%20src=x")
    assert not set('"<> ') & set("".join(targets))


def test_control_characters_dropped(workbook: Workbook) -> None:
    assert "响铃标题" in _texts(workbook)


def test_summary_sheet_counts(workbook: Workbook) -> None:
    ws = workbook[SUMMARY_SHEET]
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    header_at = next(i for i, row in enumerate(rows) if row[0] == "部门")
    header = rows[header_at]
    assert header[1:5] == ["链接不可用", "规范性文件未标注有效性", "无障碍问题", "空白栏目"]
    assert header[5] == "合计"
    body = {row[0]: row[1:6] for row in rows[header_at + 1 : header_at + 5]}
    assert body[OWNER] == [2, None, 1, None, 3]
    assert body[EMPTY_DEPARTMENT] == [None, None, None, None, 0]
    assert body["合计"] == [2, 1, 1, 0, 4]
    labels = {row[0]: row[1] for row in rows[:header_at]}
    assert labels["检查日期"] == "2023-11-01"
    assert labels["抓取页面数"] == 42


def test_sheet_names_are_valid_and_unique() -> None:
    names = sheet_names(["汇总", "a" * 40, "a" * 40, "History", "x[1]:*?/\\", "'引号'", "", "AB", "ab"])
    assert len(names) == len({n.casefold() for n in names}) == 9
    for name in names:
        assert 0 < len(name) <= 31
        assert not set(name) & set("[]:*?/\\")
        assert not name.startswith("'") and not name.endswith("'")
    assert names[0] != "汇总" and names[3].casefold() != "history"
    assert names[4] == "x_1______"


def test_display_width_counts_cjk_double() -> None:
    assert display_width("abc") == 3
    assert display_width("问题说明") == 8
    assert display_width("短\n很长的一行") == 10
