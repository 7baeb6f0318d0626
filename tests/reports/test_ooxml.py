"""reports.ooxml, the workbook writer, read back by openpyxl and checked part by part as XML.

What a crawled page says ends up in cells and link targets, so the writer is tried with
text that breaks naive XML (markup, entities, quotes, carriage returns, edge spaces) and
with what XML cannot carry at all (U+FFFE, U+FFFF).
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from lxml import etree
from openpyxl import load_workbook

from reports.ooxml import PLAIN, Style, Workbook, column_letter, escape, quote_sheet

HOSTILE = ['<b>粗体</b> & "引号" \'单\'', "  前后空格  ", "一行\r\n二行\n三行", "\t制表", "=SUM(A1)", "&amp;已转义"]


def _book(path: Path, links: list[str] | None = None) -> Path:
    book = Workbook(path, title="标题 <测试>", creator="govcrawl")
    bold = book.style(Style(bold=True, fill="E8ECF2", wrap=True, vertical="center"))
    link = book.style(Style(color="1F4E8C", underline=True))
    plain = book.style(PLAIN)
    sheet = book.sheet("第一页", [12, 30.5, 8], freeze_header=True, print_header=True, landscape=True)
    sheet.append([("编号", bold, None), ("文字", bold, None), ("数", bold, None)])
    for i, text in enumerate(HOSTILE, start=1):
        target = (links or [])[i - 1] if links and i <= len(links) else None
        sheet.append([(f"id:{i}", plain, None), (text, link if target else plain, target), (i * 1000, plain, None)])
    sheet.append([(None, plain, None), ("", plain, None), (2.5, plain, None)])
    sheet.autofilter(3)
    sheet.close()
    other = book.sheet("O'Brien 局", [10])
    other.append([("跳转", link, f"#{quote_sheet('第一页')}!A1")])
    other.append([])
    other.append([("合并", plain, None), ("x", plain, None)], height=48)
    other.merge(1, 3)
    other.close()
    book.close()
    return path


def test_every_part_is_well_formed_xml_and_listed(tmp_path: Path) -> None:
    path = _book(tmp_path / "a.xlsx", links=["http://x.cn/a?b=1&c=<2>"])
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        for name in names:
            etree.fromstring(archive.read(name))  # raises on anything not well-formed
        types = archive.read("[Content_Types].xml").decode()
    assert {"xl/worksheets/sheet1.xml", "xl/worksheets/sheet2.xml", "xl/styles.xml", "xl/workbook.xml",
            "xl/worksheets/_rels/sheet1.xml.rels"} <= set(names)
    assert "xl/worksheets/_rels/sheet2.xml.rels" not in names  # a place inside the workbook needs no relationship
    assert types.count("worksheet+xml") == 2


def test_text_numbers_and_layout_read_back(tmp_path: Path) -> None:
    wb = load_workbook(_book(tmp_path / "a.xlsx", links=["http://x.cn/a?b=1&c=%3C2%3E"]))
    assert wb.sheetnames == ["第一页", "O'Brien 局"]
    assert wb.properties.title == "标题 <测试>" and wb.properties.creator == "govcrawl"
    ws = wb["第一页"]
    assert [ws.cell(row=r, column=2).value for r in range(2, 2 + len(HOSTILE))] == HOSTILE
    assert all(ws.cell(row=r, column=2).data_type == "s" for r in range(2, 2 + len(HOSTILE)))
    assert [ws.cell(row=r, column=3).value for r in range(2, 2 + len(HOSTILE))] == [i * 1000 for i in
                                                                                    range(1, len(HOSTILE) + 1)]
    last = 2 + len(HOSTILE)
    assert ws.cell(row=last, column=1).value is None and ws.cell(row=last, column=3).value == 2.5
    assert ws["B2"].hyperlink.target == "http://x.cn/a?b=1&c=%3C2%3E" and ws["B3"].hyperlink is None
    assert ws["B2"].font.u == "single" and ws["B2"].font.color.rgb == "FF1F4E8C"
    assert ws["A1"].font.b and ws["A1"].fill.fgColor.rgb == "FFE8ECF2" and ws["A1"].alignment.wrap_text
    assert ws.freeze_panes == "A2" and ws.print_title_rows == "$1:$1" and ws.auto_filter.ref == f"A1:C{last}"
    assert ws.page_setup.orientation == "landscape" and ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.column_dimensions["A"].width == 12 and ws.column_dimensions["B"].width == 30.5
    other = wb["O'Brien 局"]
    assert other["A1"].hyperlink.location == "'第一页'!A1"
    assert other.row_dimensions[3].height == 48 and "A3:C3" in {str(r) for r in other.merged_cells.ranges}
    assert other.freeze_panes is None


def test_what_xml_cannot_carry_is_dropped_not_fatal(tmp_path: Path) -> None:
    book = Workbook(tmp_path / "b.xlsx")
    sheet = book.sheet("页", [10])
    sheet.append([("前\ufffe后\uffff", book.style(PLAIN), "http://x.cn/\ufffe")])
    sheet.close()
    book.close()
    ws = load_workbook(tmp_path / "b.xlsx")["页"]
    assert ws["A1"].value == "前后" and ws["A1"].hyperlink.target == "http://x.cn/"


def test_the_same_rows_make_the_same_bytes(tmp_path: Path) -> None:
    assert _book(tmp_path / "1.xlsx").read_bytes() == _book(tmp_path / "2.xlsx").read_bytes()


def test_a_style_is_registered_once() -> None:
    book = Workbook(Path("/dev/null"))
    first = book.style(Style(bold=True))
    assert book.style(Style(bold=True)) == first != book.style(PLAIN) == 0
    assert book.style(Style(bold=True, quote=True)) not in (first, 0)
    with pytest.raises(TypeError, match="index"):
        book.sheet("页", [10]).append([("x", Style(bold=True), None)])  # type: ignore[list-item]
    book.abandon()


@pytest.mark.parametrize(("number", "letters"), [(1, "A"), (10, "J"), (26, "Z"), (27, "AA"), (52, "AZ"),
                                                 (703, "AAA"), (16384, "XFD")])
def test_column_letters(number: int, letters: str) -> None:
    assert column_letter(number) == letters


def test_escape_and_sheet_quotes() -> None:
    assert escape('<a href="x">&</a>\r') == "&lt;a href=&quot;x&quot;&gt;&amp;&lt;/a&gt;&#13;"
    assert quote_sheet("O'Brien") == "'O''Brien'"


def test_each_sheet_names_its_extent(tmp_path: Path) -> None:
    """<dimension>: what readers that stream a sheet (openpyxl's read-only mode, pandas) take as its size."""
    book = load_workbook(_book(tmp_path / "a.xlsx"), read_only=True)
    first, other = book["第一页"], book["O'Brien 局"]
    assert (first.max_row, first.max_column) == (2 + len(HOSTILE), 3)
    assert (other.max_row, other.max_column) == (3, 2)
    empty = Workbook(tmp_path / "b.xlsx")
    empty.sheet("空", [10]).close()
    empty.close()
    assert load_workbook(tmp_path / "b.xlsx", read_only=True)["空"].calculate_dimension() == "A1:A1"
