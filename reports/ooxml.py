"""A small SpreadsheetML (.xlsx) writer: rows of text and numbers, a few cell styles, links, frozen
header, autofilter and print settings; nothing more than ``findings.xlsx`` uses.

Why not openpyxl: it builds a cell object and an XML element for every cell, about 20 µs a cell,
and the workbook is ten cells a finding: 1.1 s of the 5,000-page benchmark's 5,345 findings,
the longest step after the crawl (bench/RESULTS.md). Here a row is one string.

The package follows ECMA-376 (Office Open XML, part 1: SpreadsheetML; part 2: Open Packaging
Conventions). Strings are written inline (``t="inlineStr"``), so nothing about the whole workbook
is held in memory but its styles and sheet names: a sheet's rows go to a temporary file as they
are written, its hyperlinks and their relationships to two more, and each sheet enters the zip
once it is finished. Text must already be free of XML-illegal control characters
(``reports.tabular.clean_text``); U+FFFE and U+FFFF, which XML forbids too, are dropped here.
"""

from __future__ import annotations

import io
import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import IO

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_DOC_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_SHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
# The font every cell starts from (Excel's default for a new workbook; CJK text falls back to the system's).
_FONT_NAME = "Calibri"


@dataclass(frozen=True, slots=True)
class Style:
    """What a cell looks like; ``fill`` and ``color`` are RGB hex (``E8ECF2``). ``quote``: Excel's quote
    prefix, which keeps text that looks like a formula text when someone edits the cell."""

    bold: bool = False
    size: int = 11
    color: str | None = None
    underline: bool = False
    fill: str | None = None
    wrap: bool = False
    vertical: str | None = None
    horizontal: str | None = None
    quote: bool = False


PLAIN = Style()


def escape(text: str) -> str:
    """Text as XML character data (also fit for an attribute value in double quotes)."""
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    if '"' in text:
        text = text.replace('"', "&quot;")
    if "\r" in text:  # a parser would read a raw CR as a line feed
        text = text.replace("\r", "&#13;")
    if "\ufffe" in text or "\uffff" in text:
        text = text.replace("\ufffe", "").replace("\uffff", "")
    return text


def _attribute(text: str) -> str:
    return escape(text).replace("\n", "&#10;").replace("\t", "&#9;")


@cache
def column_letter(index: int) -> str:
    """The letters of a 1-based column number (1 → A, 27 → AA)."""
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def quote_sheet(name: str) -> str:
    """A sheet name as a formula or a link names it: always quoted, quotes doubled."""
    return "'" + name.replace("'", "''") + "'"


class Workbook:
    """An .xlsx file being written: ``sheet()`` one after another, then ``close()``.

    Sheet names must be valid and unique (``reports.xlsx.sheet_names``); the workbook trusts them.
    """

    def __init__(self, path: Path, *, title: str = "", creator: str = "") -> None:
        self._zip = zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED)
        self._title, self._creator = title, creator
        self._sheets: list[str] = []
        self._names: list[tuple[str, int, str, bool]] = []  # defined names: (name, sheet index, value, hidden)
        self._fonts: dict[tuple, int] = {}
        self._fills: dict[str | None, int] = {None: 0, "gray125": 1}  # the two fills every workbook starts with
        self._xfs: dict[Style, int] = {}
        self.style(PLAIN)

    def style(self, style: Style) -> int:
        """The index cells of this style carry (``s=``), registered on first use."""
        index = self._xfs.get(style)
        if index is None:
            font = (style.bold, style.size, style.color, style.underline)
            self._fonts.setdefault(font, len(self._fonts))
            self._fills.setdefault(style.fill, len(self._fills))
            index = self._xfs[style] = len(self._xfs)
        return index

    def sheet(self, name: str, widths: list[float], *, freeze_header: bool = False,
              print_header: bool = False, landscape: bool = False) -> Sheet:
        """Start the next sheet; ``widths``: of its columns from A, in characters.

        ``freeze_header``: row 1 stays in view; ``print_header``: row 1 repeats on every printed
        page; ``landscape``: printed across, its columns fitted to the page's width.
        """
        self._sheets.append(name)
        index = len(self._sheets) - 1
        if print_header:
            self._names.append(("_xlnm.Print_Titles", index, f"{quote_sheet(name)}!$1:$1", False))
        return Sheet(self, index, widths, freeze_header=freeze_header, landscape=landscape)

    def _finish_sheet(self, sheet: Sheet) -> None:
        number = sheet.index + 1
        _copy_into(self._zip, f"xl/worksheets/sheet{number}.xml", sheet.body, sheet._head())
        if sheet.rels is not None:
            _copy_into(self._zip, f"xl/worksheets/_rels/sheet{number}.xml.rels", sheet.rels)
        if sheet.filter_ref is not None:
            first, last = sheet.filter_ref.split(":")
            absolute = "$" + "$".join(_split_ref(first)) + ":$" + "$".join(_split_ref(last))
            self._names.append(("_xlnm._FilterDatabase", sheet.index, f"{quote_sheet(self._sheets[sheet.index])}!"
                                f"{absolute}", True))

    def close(self) -> None:
        """Write the parts that list the sheets and styles, and close the file."""
        count = len(self._sheets)
        parts = {
            "[Content_Types].xml": self._content_types(),
            "_rels/.rels": _HEAD + f'<Relationships xmlns="{_PKG_RELS}">'
            f'<Relationship Id="rId1" Type="{_DOC_RELS}/officeDocument" Target="xl/workbook.xml"/>'
            f'<Relationship Id="rId2" Type="{_PKG_RELS}/metadata/core-properties" Target="docProps/core.xml"/>'
            f'<Relationship Id="rId3" Type="{_DOC_RELS}/extended-properties" Target="docProps/app.xml"/>'
            "</Relationships>",
            "docProps/core.xml": _HEAD + '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/'
            'metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/">'
            f"<dc:title>{escape(self._title)}</dc:title><dc:creator>{escape(self._creator)}</dc:creator>"
            "</cp:coreProperties>",
            "docProps/app.xml": _HEAD + '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
            f'extended-properties"><Application>{escape(self._creator)}</Application></Properties>',
            "xl/workbook.xml": self._workbook(),
            "xl/_rels/workbook.xml.rels": _HEAD + f'<Relationships xmlns="{_PKG_RELS}">' + "".join(
                f'<Relationship Id="rId{i}" Type="{_DOC_RELS}/worksheet" Target="worksheets/sheet{i}.xml"/>'
                for i in range(1, count + 1))
            + f'<Relationship Id="rId{count + 1}" Type="{_DOC_RELS}/styles" Target="styles.xml"/></Relationships>',
            "xl/styles.xml": self._styles(),
        }
        for name, text in parts.items():
            self._zip.writestr(_entry(name), text.encode("utf-8"))
        self._zip.close()

    def abandon(self) -> None:
        self._zip.close()

    def _content_types(self) -> str:
        sheets = "".join(f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="{_SHEET_TYPE}"/>'
                         for i in range(1, len(self._sheets) + 1))
        office = "application/vnd.openxmlformats-officedocument"
        return (_HEAD + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                '<Default Extension="xml" ContentType="application/xml"/>'
                f'<Override PartName="/xl/workbook.xml" ContentType="{office}.spreadsheetml.sheet.main+xml"/>'
                f'<Override PartName="/xl/styles.xml" ContentType="{office}.spreadsheetml.styles+xml"/>'
                f"{sheets}"
                '<Override PartName="/docProps/core.xml" '
                'ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
                f'<Override PartName="/docProps/app.xml" ContentType="{office}.extended-properties+xml"/>'
                "</Types>")

    def _workbook(self) -> str:
        sheets = "".join(f'<sheet name="{_attribute(name)}" sheetId="{i}" r:id="rId{i}"/>'
                         for i, name in enumerate(self._sheets, start=1))
        names = "".join(
            f'<definedName name="{name}" localSheetId="{index}"' + (' hidden="1">' if hidden else ">")
            + f"{escape(value)}</definedName>"
            for name, index, value, hidden in sorted(self._names, key=lambda n: (n[0], n[1])))
        return (_HEAD + f'<workbook xmlns="{_MAIN}" xmlns:r="{_DOC_RELS}"><bookViews><workbookView activeTab="0"/>'
                f"</bookViews><sheets>{sheets}</sheets>"
                + (f"<definedNames>{names}</definedNames>" if names else "")
                + '<calcPr calcId="124519" fullCalcOnLoad="1"/></workbook>')

    def _styles(self) -> str:
        fonts = "".join(
            "<font>" + ("<b/>" if bold else "") + ('<u val="single"/>' if underline else "")
            + f'<sz val="{size}"/>' + (f'<color rgb="FF{color}"/>' if color else "")
            + f'<name val="{_FONT_NAME}"/><family val="2"/></font>'
            for bold, size, color, underline in self._fonts)
        fills = "".join(
            '<fill><patternFill patternType="none"/></fill>' if fill is None
            else '<fill><patternFill patternType="gray125"/></fill>' if fill == "gray125"
            else f'<fill><patternFill patternType="solid"><fgColor rgb="FF{fill}"/><bgColor indexed="64"/>'
                 "</patternFill></fill>"
            for fill in self._fills)
        xfs = []
        for style in self._xfs:
            font = self._fonts[(style.bold, style.size, style.color, style.underline)]
            fill = self._fills[style.fill]
            align = "".join(
                f' {name}="{value}"' for name, value in (("horizontal", style.horizontal), ("vertical", style.vertical),
                                                        ("wrapText", "1" if style.wrap else None)) if value)
            xfs.append(f'<xf numFmtId="0" fontId="{font}" fillId="{fill}" borderId="0" xfId="0"'
                       + (' applyFont="1"' if font else "") + (' applyFill="1"' if fill else "")
                       + (' applyAlignment="1"' if align else "") + (' quotePrefix="1"' if style.quote else "")
                       + (f"><alignment{align}/></xf>" if align else "/>"))
        return (_HEAD + f'<styleSheet xmlns="{_MAIN}"><fonts count="{len(self._fonts)}">{fonts}</fonts>'
                f'<fills count="{len(self._fills)}">{fills}</fills>'
                '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
                '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
                f'<cellXfs count="{len(xfs)}">{"".join(xfs)}</cellXfs>'
                '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
                "</styleSheet>")


# A cell: (value, style index, link). Value: text, a number, or None (no cell). Link: an http(s) URL, or
# "#" and a place in this workbook ("#'Sheet'!A1").
Cell = tuple[str | int | float | None, int, str | None]


class Sheet:
    """One sheet being written, row after row (``Workbook.sheet``); ``close`` ends it."""

    def __init__(self, book: Workbook, index: int, widths: list[float], *, freeze_header: bool,
                 landscape: bool) -> None:
        self.book, self.index = book, index
        self.filter_ref: str | None = None
        self.rels: IO[bytes] | None = None
        self._landscape = landscape
        self._links: IO[str] | None = None
        self._link_count = 0
        self._merged: list[str] = []
        self._row = 0
        self.body: IO[bytes] = tempfile.TemporaryFile()
        self._out = io.TextIOWrapper(self.body, encoding="utf-8", errors="replace", newline="")
        view = '<sheetView workbookViewId="0"' + (' tabSelected="1"' if index == 0 else "") + ">"
        if freeze_header:
            view += ('<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
                     '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/>')
        cols = "".join(f'<col min="{i}" max="{i}" width="{width:g}" customWidth="1"/>'
                       for i, width in enumerate(widths, start=1))
        self._columns = 0  # the widest row written, for <dimension>
        # What precedes the rows, put in front of them when the sheet is closed: it names the sheet's
        # extent (<dimension>, which readers such as openpyxl's read-only mode take as the row count).
        self._before = (('<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>' if landscape else ""),
                        f"<sheetViews>{view}</sheetView></sheetViews><sheetFormatPr defaultRowHeight=\"15\"/>"
                        + (f"<cols>{cols}</cols>" if cols else "") + "<sheetData>")

    def _head(self) -> bytes:
        """The sheet's start, up to its first row, with the extent of the rows written."""
        extent = f"A1:{column_letter(self._columns)}{self._row}" if self._columns and self._row else "A1"
        properties, rest = self._before
        return (_HEAD + f'<worksheet xmlns="{_MAIN}" xmlns:r="{_DOC_RELS}">' + properties
                + f'<dimension ref="{extent}"/>' + rest).encode("utf-8")

    def append(self, cells: list[Cell], height: float | None = None) -> None:
        """Write the next row (an empty list: a blank row); ``height`` in points."""
        self._row += 1
        row = self._row
        self._columns = max(self._columns, len(cells))
        parts = [f'<row r="{row}"' + (f' ht="{height:g}" customHeight="1">' if height else ">")]
        for column, (value, style, link) in enumerate(cells, start=1):
            if value is None:
                continue
            if style.__class__ is not int:  # a Style passed where its index belongs would write a broken file
                raise TypeError(f"cell style must be the index Workbook.style() returned, not {style!r}")
            ref = f"{column_letter(column)}{row}"
            s = f' s="{style}"' if style else ""
            if isinstance(value, str):
                space = ' xml:space="preserve"' if value[:1].isspace() or value[-1:].isspace() else ""
                parts.append(f'<c r="{ref}"{s} t="inlineStr"><is><t{space}>{escape(value)}</t></is></c>')
            else:
                parts.append(f'<c r="{ref}"{s}><v>{value!r}</v></c>')
            if link:
                self._link(ref, link)
        parts.append("</row>")
        self._out.write("".join(parts))

    def merge(self, first_column: int, last_column: int, row: int | None = None) -> None:
        """Merge columns ``first_column``..``last_column`` of ``row`` (default: the last row written)."""
        row = row or self._row
        self._merged.append(f"{column_letter(first_column)}{row}:{column_letter(last_column)}{row}")

    def autofilter(self, columns: int) -> None:
        """A filter on row 1 over ``columns`` columns and every row written."""
        self.filter_ref = f"A1:{column_letter(columns)}{max(self._row, 1)}"

    def _link(self, ref: str, target: str) -> None:
        if self._links is None:
            self._links = tempfile.TemporaryFile("w+", encoding="utf-8", errors="replace", newline="")
        if target.startswith("#"):
            self._links.write(f'<hyperlink ref="{ref}" location="{_attribute(target[1:])}"/>')
            return
        if self.rels is None:
            self.rels = tempfile.TemporaryFile()
            self._rels_out = io.TextIOWrapper(self.rels, encoding="utf-8", errors="replace", newline="")
            self._rels_out.write(_HEAD + f'<Relationships xmlns="{_PKG_RELS}">')
        self._link_count += 1
        rid = f"rId{self._link_count}"
        self._links.write(f'<hyperlink ref="{ref}" r:id="{rid}"/>')
        self._rels_out.write(f'<Relationship Id="{rid}" Type="{_DOC_RELS}/hyperlink" Target="{_attribute(target)}"'
                             ' TargetMode="External"/>')

    def close(self) -> None:
        """End the sheet and put it into the workbook."""
        out = self._out
        out.write("</sheetData>")
        if self.filter_ref is not None:
            out.write(f'<autoFilter ref="{self.filter_ref}"/>')
        if self._merged:
            out.write(f'<mergeCells count="{len(self._merged)}">'
                      + "".join(f'<mergeCell ref="{ref}"/>' for ref in self._merged) + "</mergeCells>")
        if self._links is not None:
            out.write("<hyperlinks>")
            self._links.seek(0)
            shutil.copyfileobj(self._links, out)
            self._links.close()
            out.write("</hyperlinks>")
        out.write('<pageMargins left="0.75" right="0.75" top="1" bottom="1" header="0.5" footer="0.5"/>')
        if self._landscape:
            out.write('<pageSetup orientation="landscape" fitToWidth="1" fitToHeight="0"/>')
        out.write("</worksheet>")
        out.flush()
        if self.rels is not None:
            self._rels_out.write("</Relationships>")
            self._rels_out.flush()
        try:
            self.book._finish_sheet(self)
        finally:
            out.close()
            if self.rels is not None:
                self._rels_out.close()


def _split_ref(ref: str) -> tuple[str, str]:
    """"J12" → ("J", "12")."""
    cut = next(i for i, ch in enumerate(ref) if ch.isdigit())
    return ref[:cut], ref[cut:]


def _entry(name: str) -> zipfile.ZipInfo:
    """A compressed zip entry with a fixed date: the same findings make the same bytes."""
    info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    return info


def _copy_into(archive: zipfile.ZipFile, name: str, source: IO[bytes], head: bytes = b"") -> None:
    """Copy ``head`` and then a finished temporary file into the zip as ``name`` (the size known, so no ZIP64
    unless needed)."""
    size = source.seek(0, io.SEEK_END)
    source.seek(0)
    info = _entry(name)
    info.file_size = len(head) + size
    with archive.open(info, "w") as target:
        target.write(head)
        shutil.copyfileobj(source, target, 1 << 20)
