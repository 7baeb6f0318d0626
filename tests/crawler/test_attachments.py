"""Attachment text for privacy-leak: real DOCX/XLSX/PDF files built here, hostile ones too.

Every file is made in the test: DOCX with python-docx, XLSX with openpyxl, a
real Chinese PDF printed by headless Chromium (``crawler.pdf.print_pdf``, the
same Debian chromium the evidence pack uses; missing it fails the test, as in
test_pdf.py), and small PDFs written byte by byte where a case needs exact
control (no text layer, predefined Chinese CMaps, glyphs without Unicode).
"""

from __future__ import annotations

import io
import re
import struct
import time
import tracemalloc
import zipfile
from datetime import date, datetime
from pathlib import Path

import docx
import openpyxl
import pytest
from docx.oxml.parser import parse_xml
from pypdf import PdfWriter

import crawler.attachments
from crawler.attachments import (
    KINDS,
    MAX_ZIP_ENTRIES,
    AttachmentText,
    _cell_str,
    attachment_kind,
    attachment_text,
    sniff_kind,
)

PEOPLE = [
    ("王小明", "640104199203150019", "13995001234"),
    ("李秀英", "64010219850712025X", "13895102345"),
    ("马建国", "640121197811230036", "0951-6012345"),
]
DOCX_CT = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)


def squeeze(text: str) -> str:
    """Text without whitespace: pypdf puts spaces where the font changes (between "2023" and "年")."""
    return re.sub(r"\s+", "", text)


# --------------------------------------------------------------------------- builders


def make_docx(extra=None) -> bytes:
    """A 公示 as offices write it: a title paragraph, the list as a table, contact details in the header."""
    document = docx.Document()
    section = document.sections[0]
    section.header.paragraphs[0].text = "兴庆区民政局 监督电话：0951-6019999"
    section.footer.paragraphs[0].text = "公示期：2023年10月9日至10月16日"
    document.add_paragraph("关于2023年第三季度城乡低保对象的公示")
    table = document.add_table(rows=1 + len(PEOPLE), cols=3)
    for col, title in enumerate(("姓名", "身份证号", "联系电话")):
        table.cell(0, col).text = title
    for row, person in enumerate(PEOPLE, start=1):
        for col, value in enumerate(person):
            table.cell(row, col).text = value
    if extra is not None:
        extra(document)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def make_xlsx(build) -> bytes:
    workbook = openpyxl.Workbook()
    build(workbook)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def rewrite_zip(body: bytes, name: str, edit) -> bytes:
    """The same ZIP with one entry's bytes passed through ``edit``."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(body)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            dst.writestr(info.filename, edit(data) if info.filename == name else data)
    return out.getvalue()


def zip_of(entries: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return out.getvalue()


def zeros_zip(part: str, megabytes: int) -> bytes:
    """A zip bomb shaped like an Office file: ``part`` is ``megabytes`` MB of zeros (about 1000:1), written in chunks."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open(part, "w") as entry:
            chunk = bytes(1_000_000)
            for _ in range(megabytes):
                entry.write(chunk)
    return out.getvalue()


def build_pdf(contents: list[bytes], font: bytes = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
              extra: list[bytes] = ()) -> bytes:
    """A minimal valid PDF, one page per content stream, font ``F1`` (``extra`` objects are numbered 3, 4, …)."""
    objects: list[bytes] = [b"", b""]  # catalog and page tree, filled in below
    objects += extra
    objects.append(font)
    font_id = len(objects)
    kids = []
    for content in contents:
        objects.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content))
        objects.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents %d 0 R"
                       b" /Resources << /Font << /F1 %d 0 R >> >> >>" % (len(objects), font_id))
        kids.append(len(objects))
    objects[0] = b"<< /Type /Catalog /Pages 2 0 R >>"
    objects[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(b"%d 0 R" % k for k in kids), len(kids))
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def text_page(text: str) -> bytes:
    return b"BT /F1 12 Tf 72 720 Td (%s) Tj ET" % text.encode("latin-1")


def cjk_pdf(text: str, encoding: str) -> bytes:
    """Chinese in a non-embedded Adobe-GB1 font with a predefined CMap, as iText/Java report tools write it."""
    codec = "gbk" if "GBK" in encoding else "utf-16-be"
    descendant = (b"<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light"
                  b" /CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 4 >> >>")
    font = (b"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /%s"
            b" /DescendantFonts [3 0 R] >>" % encoding.encode())
    content = b"BT /F1 12 Tf 72 720 Td <%s> Tj ET" % text.encode(codec).hex().encode()
    return build_pdf([content], font, [descendant])


def encrypted(pdf: bytes, user_password: str, algorithm: str) -> bytes:
    writer = PdfWriter(clone_from=io.BytesIO(pdf))
    writer.encrypt(user_password=user_password, owner_password="owner-secret", algorithm=algorithm)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


# --------------------------------------------------------------------------- DOCX


def test_docx_paragraph_table_header_and_footer() -> None:
    result = attachment_text(make_docx(), "docx")
    assert result == AttachmentText(result.text, "docx", None, False, None)
    lines = result.text.splitlines()
    assert lines[0] == "关于2023年第三季度城乡低保对象的公示"
    assert "姓名\t身份证号\t联系电话" in lines
    for person in PEOPLE:  # one table row per line, cells tab-separated: name and number stay together
        assert "\t".join(person) in lines
    # Header and footer are parts of their own, each after an empty line (a new "stretch" for privacy-leak).
    assert "\n\n兴庆区民政局 监督电话：0951-6019999" in result.text
    assert "\n\n公示期：2023年10月9日至10月16日" in result.text


def test_docx_nested_tables_merged_cells_and_text_boxes_once() -> None:
    """A text box is stored twice (DrawingML and a VML fallback); it must be read once."""
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    mc = "http://schemas.openxmlformats.org/markup-compatibility/2006"
    box = "<w:txbxContent><w:p><w:r><w:t>文本框：张三 13700001111</w:t></w:r></w:p></w:txbxContent>"
    run = (f'<w:r xmlns:w="{w}" xmlns:mc="{mc}"><mc:AlternateContent>'
           f'<mc:Choice Requires="wps"><w:drawing>{box}</w:drawing></mc:Choice>'
           f"<mc:Fallback><w:pict>{box}</w:pict></mc:Fallback></mc:AlternateContent></w:r>")

    def extra(document: docx.document.Document) -> None:
        document.add_paragraph("正文段落")._p.append(parse_xml(run))
        table = document.add_table(rows=2, cols=2)
        merged = table.cell(0, 0).merge(table.cell(1, 0))
        merged.text = "合并单元格"
        table.cell(0, 1).add_table(rows=1, cols=2).rows[0].cells[1].text = "嵌套表 640104199203150019"

    text = attachment_text(make_docx(extra), "docx").text
    assert text.count("文本框：张三 13700001111") == 1
    assert "正文段落\n文本框：张三 13700001111" in text
    assert text.count("合并单元格") == 1
    assert "合并单元格\t嵌套表 640104199203150019" in text.splitlines()


def with_footnotes(body: bytes, text: str) -> bytes:
    """The DOCX with a footnotes part (python-docx cannot write one): the part, its relationship, its type."""
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    part = (f'<w:footnotes xmlns:w="{w}"><w:footnote w:id="1"><w:p><w:r><w:t>{text}</w:t></w:r></w:p>'
            "</w:footnote></w:footnotes>").encode()
    rel = (b'<Relationship Id="rIdFootnotes" Target="footnotes.xml" Type="http://schemas.openxmlformats.org/'
           b'officeDocument/2006/relationships/footnotes"/></Relationships>')
    override = (b'<Override PartName="/word/footnotes.xml" ContentType="application/vnd.openxmlformats-'
                b'officedocument.wordprocessingml.footnotes+xml"/></Types>')
    body = rewrite_zip(body, "word/_rels/document.xml.rels", lambda xml: xml.replace(b"</Relationships>", rel))
    body = rewrite_zip(body, "[Content_Types].xml", lambda xml: xml.replace(b"</Types>", override))
    out = io.BytesIO(body)
    with zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/footnotes.xml", part)
    return out.getvalue()


def test_docx_text_outside_the_main_flow_is_read() -> None:
    """Hidden (w:vanish) and tracked-deleted text are in the published file, as are comments and footnotes:
    anyone who opens it with 修订 or 批注 shown sees them."""
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    hidden = f'<w:r xmlns:w="{w}"><w:rPr><w:vanish/></w:rPr><w:t>隐藏 13612345678</w:t></w:r>'
    deleted = f'<w:del xmlns:w="{w}" w:id="1" w:author="a"><w:r><w:delText>已删 13512345678</w:delText></w:r></w:del>'

    def extra(document: docx.document.Document) -> None:
        document.add_paragraph()._p.append(parse_xml(hidden))
        document.add_paragraph()._p.append(parse_xml(deleted))
        commented = document.add_paragraph("有批注的段落")
        document.add_comment(commented.runs, text="批注：联系人 13812345678", author="审核")

    result = attachment_text(with_footnotes(make_docx(extra), "脚注：身份证 640104199203150019"), "docx")
    assert result.error is None
    for text in ("隐藏 13612345678", "已删 13512345678", "批注：联系人 13812345678", "脚注：身份证 640104199203150019"):
        assert text in result.text.splitlines()


def test_docx_max_chars() -> None:
    body = make_docx(lambda d: [d.add_paragraph(f"第{i}段 " + "政务公开" * 20) for i in range(200)])
    result = attachment_text(body, "docx", max_chars=1000)
    assert len(result.text) <= 1000 and result.text.startswith("关于2023年")
    assert result.truncated and result.stopped_by == "max_chars" and result.error is None


# --------------------------------------------------------------------------- XLSX


def test_xlsx_every_sheet_text_ids_survive_numeric_ids_lose_digits() -> None:
    """IDs typed as text survive; IDs typed as numbers were rounded to 15 digits by Excel already.

    openpyxl writes and reads such a number as a float (``1.101011990010112e+17``,
    ``1.10101199001011E+17`` from Excel). Its ``int()`` would be 110101199001011200
    or 110101199001011008, digits nobody saw; the text has what Excel shows with
    the "0" format: 15 significant digits, then zeros.
    """
    def build(workbook: openpyxl.Workbook) -> None:
        sheet = workbook.active
        sheet.title = "低保名单"
        sheet.append(["姓名", "身份证号", "联系电话", "金额", "日期"])
        for name, id_number, phone in PEOPLE:
            sheet.append([name, id_number, int(phone) if phone.isdigit() else phone, 580.5, date(2023, 10, 9)])
        numeric = workbook.create_sheet("数字格式")
        numeric.append(["张三", 110101199001011237, 1.10101199001011e17, 13912345678.0])
        numeric.append([None, None, None])  # an empty row is skipped
        numeric.append(["备注\n换行", True, datetime(2023, 10, 9, 8, 30)])
        hidden = workbook.create_sheet("隐藏")
        hidden.sheet_state = "hidden"
        hidden["C5"] = "隐藏表 640104199203150019"

    result = attachment_text(make_xlsx(build), "xlsx")
    assert result.error is None and not result.truncated and result.pages is None
    lines = result.text.splitlines()
    assert lines[:2] == ["低保名单", "姓名\t身份证号\t联系电话\t金额\t日期"]
    assert "王小明\t640104199203150019\t13995001234\t580.5\t2023-10-09" in lines
    assert "李秀英\t64010219850712025X\t13895102345\t580.5\t2023-10-09" in lines
    assert "马建国\t640121197811230036\t0951-6012345\t580.5\t2023-10-09" in lines
    assert "\n\n数字格式\n" in result.text  # sheets are separated by an empty line
    assert lines[lines.index("数字格式") + 1] == "张三\t110101199001011000\t110101199001011000\t13912345678"
    assert "备注 换行\tTRUE\t2023-10-09 08:30:00" in lines
    assert "\n\n隐藏\n\t\t隐藏表 640104199203150019" in result.text  # hidden sheets are published too
    assert "110101199001011237" not in result.text and "e+17" not in result.text


@pytest.mark.parametrize(("value", "shown"), [
    (110101199001011237, "110101199001011237"),  # an int (openpyxl never reads one this long, but exact)
    (1.101011990010112e17, "110101199001011000"),
    (123456789012345.0, "123456789012345"),  # 15 digits: exact (old 15-digit 身份证号 survive)
    (13912345678.0, "13912345678"),
    (0.1 + 0.2, "0.3"),
    (-2.5, "-2.5"),
    (1e-20, "1e-20"),
    (float("nan"), ""),
    (None, ""),
    ("  a \t b ", "a b"),
])
def test_cell_values_as_excel_shows_them(value: object, shown: str) -> None:
    assert _cell_str(value) == shown


def test_xlsx_wrong_declared_dimension_still_reads_all_rows() -> None:
    """Some exporters write <dimension ref="A1"/> for a full sheet; openpyxl's read-only mode would trust it."""
    body = make_xlsx(lambda wb: [wb.active.append([name, number]) for name, number, _ in PEOPLE])
    body = rewrite_zip(body, "xl/worksheets/sheet1.xml", lambda xml: re.sub(rb'<dimension ref="[^"]*"/>',
                                                                            b'<dimension ref="A1"/>', xml))
    assert "马建国\t640121197811230036" in attachment_text(body, "xlsx").text


def test_xlsx_huge_sheet_stops_at_max_chars_quickly() -> None:
    body = make_xlsx(lambda wb: [wb.active.append([f"姓名{i}", f"6401041992031{i:05d}"]) for i in range(10_000)])
    started = time.monotonic()
    result = attachment_text(body, "xlsx", max_chars=5000)
    assert time.monotonic() - started < 3
    assert len(result.text) <= 5000 and result.truncated and result.stopped_by == "max_chars"
    assert result.text.splitlines()[1] == "姓名0\t640104199203100000"


# --------------------------------------------------------------------------- PDF


@pytest.fixture(scope="module")
def chromium_pdf(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """A 公示 table printed by headless Chromium: subset CID fonts with ToUnicode maps, as office PDF printers make."""
    from crawler.pdf import print_pdf

    rows = "".join(f"<tr><td>{n}</td><td>{i}</td><td>{p}</td></tr>" for n, i, p in PEOPLE * 40)
    html = ("<!DOCTYPE html><html lang='zh-CN'><head><meta charset='utf-8'><title>公示</title></head><body>"
            "<h1>2023年城乡低保对象公示名单</h1><table border='1'><tr><th>姓名</th><th>身份证号</th>"
            f"<th>联系电话</th></tr>{rows}</table></body></html>")
    folder = tmp_path_factory.mktemp("attachments")
    (folder / "公示.html").write_text(html, encoding="utf-8")
    print_pdf(folder / "公示.html", folder / "公示.pdf", timeout=60)
    return (folder / "公示.pdf").read_bytes()


def test_pdf_printed_by_chromium_chinese_table(chromium_pdf: bytes) -> None:
    result = attachment_text(chromium_pdf, "pdf")
    assert result.error is None and not result.truncated
    assert result.pages is not None and result.pages >= 2
    assert "\x00" not in result.text
    assert "2023年城乡低保对象公示名单" in squeeze(result.text)
    for name, id_number, phone in PEOPLE:
        assert f"{name} {id_number} {phone}" in result.text


def test_pdf_max_pages_on_the_chromium_pdf(chromium_pdf: bytes) -> None:
    result = attachment_text(chromium_pdf, "pdf", max_pages=1)
    assert result.truncated and result.stopped_by == "max_pages" and result.pages >= 2
    assert "2023年城乡低保对象公示名单" in squeeze(result.text)
    assert "第2页" not in squeeze(result.text)


@pytest.mark.parametrize("encoding", ["UniGB-UCS2-H", "UniGB-UTF16-H", "GBK-EUC-H"])
def test_pdf_predefined_chinese_cmaps(encoding: str) -> None:
    """Non-embedded STSong-Light with Adobe's predefined CMaps has no ToUnicode map; pypdf decodes the codes."""
    result = attachment_text(cjk_pdf("公示：王小明 640104199203150019", encoding), "pdf")
    assert result.text == "公示：王小明 640104199203150019" and result.error is None


def test_pdf_without_text_layer_is_reported_as_scanned() -> None:
    image_only = b"q 200 0 0 100 72 600 cm BI /W 2 /H 2 /CS /G /BPC 8 ID \x00\xff\xff\x00 EI Q"
    result = attachment_text(build_pdf([image_only, image_only]), "pdf")
    assert result == AttachmentText("", "pdf", 2, False, "扫描件，无文字层")


def test_pdf_glyphs_without_unicode_are_not_called_a_scan() -> None:
    """Text drawn in a font whose ToUnicode maps to NUL (what .notdef boxes extract as)."""
    cmap = (b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap 1 begincodespacerange <00> <FF>"
            b" endcodespacerange 2 beginbfchar <41> <0000> <42> <0000> endbfchar endcmap end end")
    stream = b"<< /Length %d >>\nstream\n%s\nendstream" % (len(cmap), cmap)
    font = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /ToUnicode 3 0 R >>"
    result = attachment_text(build_pdf([text_page("ABAB")], font, [stream]), "pdf")
    assert result.text == "" and result.error == "PDF 字体无 Unicode 映射，文字无法提取"


def test_pdf_max_pages_and_max_chars() -> None:
    pdf = build_pdf([text_page(f"Page {n} 13912345678") for n in range(1, 31)])
    limited = attachment_text(pdf, "pdf", max_pages=10)
    assert limited.pages == 30 and limited.truncated and limited.stopped_by == "max_pages"
    assert "Page 10 " in limited.text and "Page 11 " not in limited.text
    short = attachment_text(pdf, "pdf", max_chars=50)
    assert len(short.text) <= 50 and short.truncated and short.stopped_by == "max_chars"
    whole = attachment_text(pdf, "pdf")
    assert not whole.truncated and whole.text.count("13912345678") == 30


def test_time_budget_is_checked_between_pages(monkeypatch: pytest.MonkeyPatch) -> None:
    """A clock that moves a second per look: a 5-second budget ends after a few pages, not all 30."""
    ticks = iter(range(1000))
    monkeypatch.setattr(crawler.attachments.time, "monotonic", lambda: float(next(ticks)))
    result = attachment_text(build_pdf([text_page(f"Page {n}") for n in range(1, 31)]), "pdf", max_seconds=5)
    assert result.truncated and result.stopped_by == "max_seconds" and result.pages == 30
    assert "Page 1" in result.text and "Page 30" not in result.text


def test_pdf_encrypted_with_a_password_is_a_clear_error() -> None:
    pdf = build_pdf([text_page("13912345678")])
    for algorithm in ("RC4-128", "AES-128"):
        result = attachment_text(encrypted(pdf, "user-secret", algorithm), "pdf")
        assert result == AttachmentText("", "pdf", None, False, "PDF 已加密，需要密码才能打开")


def test_pdf_with_only_an_owner_password_is_read() -> None:
    """Many 公示 PDFs are "protected" against copying with an empty user password: the text is still there."""
    result = attachment_text(encrypted(build_pdf([text_page("13912345678")]), "", "AES-256"), "pdf")
    assert result.text == "13912345678" and result.error is None


@pytest.mark.parametrize("body", [
    b"%PDF-1.4\n" + bytes(range(256)) * 40,
    build_pdf([text_page("cut short")])[:300],
    build_pdf([text_page("cut short")])[:-60],
    b"%PDF-",
    b"\x00" * 100,
])
def test_pdf_garbage_is_an_error_not_an_exception(body: bytes) -> None:
    result = attachment_text(body, "pdf")
    assert result.kind == "pdf" and result.error and result.text == ""


# --------------------------------------------------------------------------- ZIP bombs


@pytest.mark.parametrize(("part", "kind"), [("word/document.xml", "docx"), ("xl/worksheets/sheet1.xml", "xlsx")])
def test_zip_bomb_refused_from_the_directory_quickly(part: str, kind: str) -> None:
    bomb = zeros_zip(part, 100)
    assert len(bomb) < 1_000_000 and sniff_kind(bomb) == kind
    tracemalloc.start()
    started = time.monotonic()
    try:
        result = attachment_text(bomb, kind)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert time.monotonic() - started < 1 and peak < 5_000_000
    assert result.text == "" and "压缩比异常" in result.error and "疑为压缩炸弹" in result.error


def test_zip_declaring_a_huge_size_is_refused() -> None:
    """A central directory that declares 3 GB for document.xml: refused before python-docx opens anything."""
    body = bytearray(make_docx())
    name = b"word/document.xml"
    header = body.rfind(b"PK\x01\x02", 0, body.rfind(name))  # its central-directory record
    struct.pack_into("<I", body, header + 24, 3_000_000_000)  # uncompressed size
    result = attachment_text(bytes(body), "docx")
    assert re.fullmatch(r"解压后过大（300\d MB，上限 200 MB），疑为压缩炸弹，未读取", result.error)


def test_zip_declaring_a_small_size_cannot_inflate_more() -> None:
    """The other lie: 50 MB of zeros declared as 1 KB. zipfile stops at the declared size (CRC error)."""
    body = bytearray(zeros_zip("word/document.xml", 50))
    name = b"word/document.xml"
    header = body.rfind(b"PK\x01\x02", 0, body.rfind(name))
    struct.pack_into("<I", body, header + 24, 1000)
    tracemalloc.start()
    try:
        result = attachment_text(bytes(body), "docx")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert result.error and result.text == "" and peak < 10_000_000


def test_zip_caps_are_parameters_and_entry_count_is_capped() -> None:
    body = make_docx()
    assert "上限 0.01 MB" in attachment_text(body, "docx", max_unzipped_bytes=10_000).error
    crowd = zip_of({"word/document.xml": b"<w/>"} | {f"word/media/{i}.png": b"" for i in range(MAX_ZIP_ENTRIES)})
    assert "条目过多" in attachment_text(crowd, "docx").error


def test_legitimate_office_files_pass_the_guard() -> None:
    """Real sheets compress 5–40:1; a sheet of 5,000 identical rows (4 MB of XML) is still far below 100:1."""
    body = make_xlsx(lambda wb: [wb.active.append(["同一个值"] * 10) for _ in range(5_000)])
    assert crawler.attachments._zip_guard(body) is None


# --------------------------------------------------------------------------- bad input of every kind


@pytest.mark.parametrize(("body", "kind", "error"), [
    (b"", "pdf", "文件为空"),
    (OLE2, "docx", "旧版 Office 格式（.doc/.xls）或加密的 Office 文件，不支持"),
    (OLE2, "xlsx", "旧版 Office 格式（.doc/.xls）或加密的 Office 文件，不支持"),
    ("<!DOCTYPE html><html><body>404 页面不存在</body></html>".encode(), "pdf", "内容是网页，不是附件文件"),
    ("\ufeff<html>登录</html>".encode(), "xlsx", "内容是网页，不是附件文件"),
    (b"PK\x03\x04 truncated", "docx", "不是有效的 ZIP 文件（DOCX/XLSX 已损坏）"),
    (b"plain text", "doc", "不支持的附件类型：doc"),
])
def test_bad_input_gives_an_error(body: bytes, kind: str, error: str) -> None:
    assert attachment_text(body, kind) == AttachmentText("", kind, None, False, error)


def test_zip_of_the_wrong_kind_is_an_error() -> None:
    result = attachment_text(zip_of({"ppt/presentation.xml": b"<p/>"}), "docx")
    assert result.text == "" and result.error.startswith("Word 文档损坏或格式不符")
    result = attachment_text(zip_of({"xl/workbook.xml": b"not xml"}), "xlsx")
    assert result.text == "" and result.error.startswith("Excel 表格损坏或格式不符")


def test_the_bytes_win_over_the_declared_kind() -> None:
    result = attachment_text(make_docx(), "pdf")  # a server that names a DOCX .pdf
    assert result.kind == "docx" and "640104199203150019" in result.text


# --------------------------------------------------------------------------- kinds


@pytest.fixture(scope="module")
def samples() -> dict[str, bytes]:
    return {"pdf": build_pdf([text_page("x")]), "docx": make_docx(), "xlsx": make_xlsx(lambda wb: None)}


def test_sniff_kind_real_files_and_look_alikes(samples: dict[str, bytes]) -> None:
    assert {kind: sniff_kind(body) for kind, body in samples.items()} == {k: k for k in KINDS}
    assert sniff_kind(b"\r\n" + samples["pdf"]) == "pdf"  # junk before the header, as Acrobat allows
    assert sniff_kind(b"<html><body>%PDF-1.4 is a format</body></html>") is None
    assert sniff_kind(zip_of({"[Content_Types].xml": b"<Types/>", "ppt/presentation.xml": b"<p/>"})) is None
    assert sniff_kind(zip_of({"mimetype": b"application/vnd.oasis.opendocument.text"})) is None  # ODT
    assert sniff_kind(zip_of({"readme.txt": b"a plain zip"})) is None
    assert sniff_kind(OLE2) is None  # .doc/.xls: out of scope
    assert sniff_kind(b"") is None and sniff_kind(b"PK\x03\x04") is None
    # A download cut short has no central directory; the local headers still name the parts.
    assert sniff_kind(samples["docx"][:4000]) == "docx"
    assert sniff_kind(samples["xlsx"][:3000]) == "xlsx"


@pytest.mark.parametrize(("url", "content_type", "kind"), [
    ("http://x.gov.cn/P020231009.pdf", None, "pdf"),
    ("http://x.gov.cn/P020231009.PDF?v=2#page=3", "application/octet-stream", "pdf"),
    ("http://x.gov.cn/%E5%90%8D%E5%8D%95.xlsx", "", "xlsx"),
    ("http://x.gov.cn/a/名单.docx", "application/x-download", "docx"),
    ("http://x.gov.cn/module/download/downfile.jsp?classid=0&filename=%E5%90%8D%E5%8D%95.docx", None, "docx"),
    ("http://x.gov.cn/download.do?id=42", "application/pdf; charset=binary", "pdf"),
    ("http://x.gov.cn/download.do?id=42", DOCX_CT, "docx"),
    ("http://x.gov.cn/download.do?id=42", XLSX_CT.upper(), "xlsx"),
    ("http://x.gov.cn/a.xls", "application/vnd.ms-excel", None),  # old binary formats: out of scope
    ("http://x.gov.cn/a.doc", "application/msword", None),
    ("http://x.gov.cn/a.wps", None, None),
    ("http://x.gov.cn/a.pdf.html", "text/html", None),
    ("http://x.gov.cn/pdf/index.html", None, None),
    ("http://x.gov.cn/a.pdf", "text/html", "pdf"),  # no body: a hint to download; the bytes decide later
])
def test_attachment_kind_without_body(url: str, content_type: str | None, kind: str | None) -> None:
    assert attachment_kind(url, content_type) == kind


def test_attachment_kind_trusts_the_sniffed_bytes(samples: dict[str, bytes]) -> None:
    html = b"<!DOCTYPE html><html><head><title>404</title></head></html>"
    assert attachment_kind("http://x.gov.cn/a.pdf", "text/html", html) is None  # an error page at a .pdf URL
    assert attachment_kind("http://x.gov.cn/a.pdf", "application/pdf", html) is None
    assert attachment_kind("http://x.gov.cn/a.pdf", "text/html", samples["pdf"]) == "pdf"
    assert attachment_kind("http://x.gov.cn/a.pdf.html", "text/html", samples["xlsx"]) == "xlsx"
    assert attachment_kind("http://x.gov.cn/a.docx", DOCX_CT, OLE2) is None  # a .doc renamed .docx
    assert attachment_kind("http://x.gov.cn/a.docx", DOCX_CT, b"") == "docx"  # no bytes yet: the names


def test_module_is_pure() -> None:
    """No network, no store: the module imports nothing of the crawler, Scrapy, sockets or the store."""
    source = Path(crawler.attachments.__file__).read_text(encoding="utf-8")
    imports = set(re.findall(r"^\s*(?:from|import) ([\w.]+)", source, re.MULTILINE))
    assert not {name for name in imports if name.split(".")[0] in
                {"crawler", "govcrawl", "scrapy", "socket", "urllib3", "aiohttp", "requests", "selenium"}}


def test_a_damaged_pdf_is_reported_once_not_logged_by_the_parser(caplog) -> None:
    """pypdf repairs a file without its %%EOF with a warning per file; a portal of such files would bury the log."""
    import logging

    damaged = build_pdf([text_page("x")]).rsplit(b"%%EOF", 1)[0]
    with caplog.at_level(logging.WARNING):
        result = attachment_text(damaged, "pdf")
    assert not [r for r in caplog.records if r.name.startswith("pypdf")]
    assert result.kind == "pdf"
