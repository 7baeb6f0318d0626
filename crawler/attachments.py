"""The text of downloaded attachments (PDF, DOCX, XLSX), for the privacy-leak check.

Why this exists: portals publish 公示 lists (names, 身份证号, phone numbers) as
attachments far more often than in page text, so privacy-leak must read them.
This module is pure: bytes in, text out. It never touches the network or the
store, and never raises for a bad file: a broken, encrypted or hostile
attachment becomes an :class:`AttachmentText` with a short Chinese ``error``,
because one bad file must not stop a nightly crawl.

Scope: PDF (pypdf), DOCX (python-docx) and XLSX (openpyxl). The old binary
Office formats (.doc, .xls, WPS .wps/.et) are OLE2 compound files that none of
these libraries read; they are out of scope and :func:`sniff_kind` returns
``None`` for them (:func:`attachment_text` says so in ``error``). Password-protected
DOCX/XLSX are OLE2 containers too and get the same answer.

Caps, because attachments come from the internet and the crawl runs unattended:

* ``max_chars`` (2,000,000): text beyond it is not kept (``truncated``).
* ``max_pages`` (500): PDF pages beyond it are not read.
* ``max_seconds`` (20): checked between PDF pages, DOCX paragraphs/table rows and
  XLSX rows. It cannot interrupt one slow step (opening the file, one PDF page,
  openpyxl loading the shared-strings table); a hard wall-clock bound needs a
  separate process, which the caller may add.
* DOCX/XLSX are ZIP files: before any parsing the central directory's declared
  sizes are checked (``max_unzipped_bytes``, 200 MB in total; ``max_ratio``,
  100:1 for any entry, or the whole archive, that unpacks to more than 1 MiB;
  at most 10,000 entries). Declared sizes can lie, but Python's ``zipfile`` never
  inflates an entry beyond its declared size (it stops and fails the CRC check),
  so the check also bounds what python-docx and openpyxl can unpack.
* PDF streams are bounded by pypdf's own limits (75 MB per decoded stream).
* XML bombs: python-docx parses with ``resolve_entities=False``; openpyxl uses
  the standard library's expat, which refuses billion-laughs expansion
  (expat >= 2.4).

Hidden content is read on purpose: hidden sheets, rows and columns, hidden
(``w:vanish``) and tracked-deleted (``w:delText``) Word text are all inside the
published file and anyone who downloads it can see them.
"""

from __future__ import annotations

import io
import logging
import re
import struct
import time
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from datetime import time as clock
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

__all__ = [
    "KINDS",
    "AttachmentText",
    "attachment_kind",
    "attachment_text",
    "sniff_kind",
]

KINDS = ("pdf", "docx", "xlsx")

MAX_CHARS = 2_000_000
MAX_PAGES = 500
MAX_SECONDS = 20.0
MAX_UNZIPPED_BYTES = 200_000_000
MAX_RATIO = 100.0
# Entries (or archives) smaller than this are never refused for their ratio: a
# small part that compresses well (an empty sheet, a styles part) is harmless.
RATIO_FLOOR_BYTES = 1 << 20
# A real DOCX/XLSX has tens to hundreds of parts; millions of tiny entries are an attack on the parser.
MAX_ZIP_ENTRIES = 10_000

_CONTENT_TYPES = {
    "application/pdf": "pdf",
    "application/x-pdf": "pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
}
_EXTENSION = re.compile(r"\.(pdf|docx|xlsx)$", re.IGNORECASE)
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = b"PK\x03\x04"
_PDF_MAGIC = b"%PDF-"
_BOM_AND_SPACE = b"\xef\xbb\xbf \t\r\n"
# Acrobat accepts the header anywhere in the first 1024 bytes; servers sometimes prepend junk.
_PDF_HEADER_WINDOW = 1024
# Control characters pypdf emits for glyphs it cannot map (NUL for .notdef) or as layout noise.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x0c\x0e-\x1f\x7f]")
# Excel keeps 15 significant digits; a longer number (an 18-digit 身份证号 typed as a number) is already rounded.
_EXCEL_DIGITS = 15

_ERR_EMPTY = "文件为空"
_ERR_OLE2 = "旧版 Office 格式（.doc/.xls）或加密的 Office 文件，不支持"
_ERR_HTML = "内容是网页，不是附件文件"
_ERR_PDF_BROKEN = "PDF 文件损坏，无法读取"
_ERR_PDF_PASSWORD = "PDF 已加密，需要密码才能打开"
_ERR_PDF_CRYPTO = "PDF 加密方式不受支持"
_ERR_SCANNED = "扫描件，无文字层"
_ERR_NO_UNICODE = "PDF 字体无 Unicode 映射，文字无法提取"
_ERR_ZIP_BROKEN = "不是有效的 ZIP 文件（DOCX/XLSX 已损坏）"
_ERR_DOCX_BROKEN = "Word 文档损坏或格式不符，无法读取"
_ERR_XLSX_BROKEN = "Excel 表格损坏或格式不符，无法读取"


@dataclass(frozen=True, slots=True)
class AttachmentText:
    """What could be read from one attachment.

    ``text`` is searchable even when ``error`` is set (pages read before a broken
    one). ``pages`` is the PDF's page count (``None`` for DOCX/XLSX, which have
    no fixed pages, and when the PDF could not be opened). ``truncated`` means
    more content existed than was read; ``stopped_by`` says which cap stopped
    reading: ``"max_chars"``, ``"max_pages"`` or ``"max_seconds"``.
    """

    text: str
    kind: str
    pages: int | None
    truncated: bool
    error: str | None
    stopped_by: str | None = None


# --------------------------------------------------------------------------- kind detection


def sniff_kind(body: bytes) -> str | None:
    """The kind the bytes themselves prove: ``"pdf"``, ``"docx"``, ``"xlsx"`` or ``None``.

    Bytes beat names: portals serve HTML error pages and login walls under
    ``.pdf`` URLs, and real files as ``application/octet-stream``. A ZIP counts
    only with ``word/`` (DOCX) or ``xl/`` (XLSX) entries, so PPTX, ODF and plain
    ZIP archives are ``None``; so are OLE2 files (.doc/.xls, encrypted Office).
    """
    if not body:
        return None
    if _looks_like_pdf(body):
        return "pdf"
    if body.startswith(_ZIP_MAGIC):
        return _zip_kind(body)
    return None


def attachment_kind(url: str, content_type: str | None, body: bytes | None = None) -> str | None:
    """The attachment kind to read, or ``None`` when it is not a PDF/DOCX/XLSX.

    With a (non-empty) ``body`` the sniffed bytes decide alone: an HTML page at
    ``x.pdf`` served as ``text/html`` is ``None``, a PDF served as ``text/html``
    is ``"pdf"``. Without a body the answer is a hint for whether to download:
    a Content-Type naming one of the three kinds wins, otherwise the URL's
    extension (of the path, else of a query value such as
    ``downfile.jsp?filename=名单.xlsx``, common on Chinese CMSs). Old .doc/.xls
    are out of scope and give ``None``.
    """
    if body:
        return sniff_kind(body)
    return _content_type_kind(content_type) or _url_kind(url)


def _looks_like_pdf(body: bytes) -> bool:
    at = body.find(_PDF_MAGIC, 0, _PDF_HEADER_WINDOW)
    # Junk before the header is tolerated, markup is not (an HTML page quoting "%PDF-").
    return at == 0 or (at > 0 and b"<" not in body[:at])


def _zip_kind(body: bytes) -> str | None:
    names = _zip_names(body)
    if any(name.startswith("word/") for name in names):
        return "docx"
    if any(name.startswith("xl/") for name in names):
        return "xlsx"
    return None


def _zip_names(body: bytes) -> list[str]:
    """Entry names from the central directory, or from the local headers when the file is cut short."""
    try:
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            return archive.namelist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError, struct.error):
        return _local_header_names(body)


def _local_header_names(body: bytes, limit: int = 64) -> list[str]:
    """Walk local file headers from the start; stops where sizes are unknown (data descriptor)."""
    names: list[str] = []
    pos = 0
    while len(names) < limit and body.startswith(_ZIP_MAGIC, pos) and pos + 30 <= len(body):
        flags, = struct.unpack_from("<H", body, pos + 6)
        compressed, = struct.unpack_from("<I", body, pos + 18)
        name_len, extra_len = struct.unpack_from("<HH", body, pos + 26)
        names.append(body[pos + 30:pos + 30 + name_len].decode("utf-8", "replace"))
        if flags & 0x08:
            break
        pos += 30 + name_len + extra_len + compressed
    return names


def _content_type_kind(content_type: str | None) -> str | None:
    if not content_type:
        return None
    media_type = content_type.split(";", 1)[0].strip().lower()
    return _CONTENT_TYPES.get(media_type)


def _url_kind(url: str) -> str | None:
    parts = urlsplit(url)
    found = _EXTENSION.search(unquote(parts.path).rstrip("/"))
    if found:
        return found.group(1).lower()
    for _, value in parse_qsl(parts.query):
        found = _EXTENSION.search(value.strip())
        if found:
            return found.group(1).lower()
    return None


# --------------------------------------------------------------------------- text


class _Sink:
    """Collects text up to ``max_chars`` and watches the time budget; remembers why it stopped."""

    def __init__(self, max_chars: int, max_seconds: float) -> None:
        self._parts: list[str] = []
        self._left = max(0, max_chars)
        self._deadline = time.monotonic() + max_seconds
        self.stopped_by: str | None = None

    def line(self, text: str) -> bool:
        """Add one line; False once the text is full (the caller stops reading)."""
        return self._add(text + "\n") if text else self.stopped_by is None

    def gap(self) -> None:
        """An empty line between sheets or Word parts: it ends a "stretch" for privacy-leak's context
        rules (a 身份证号 column header in one sheet must not vouch for numbers in the next)."""
        if self._left and self._parts and not self._parts[-1].endswith("\n\n"):
            self._add("\n")

    def _add(self, text: str) -> bool:
        if self.stopped_by is not None:
            return False
        if len(text) > self._left:
            self._parts.append(text[:self._left])
            self._left = 0
            self.stopped_by = "max_chars"
            return False
        self._parts.append(text)
        self._left -= len(text)
        return True

    def more(self) -> bool:
        """True while reading may go on (text not full, time left)."""
        if self.stopped_by is None and time.monotonic() > self._deadline:
            self.stopped_by = "max_seconds"
        return self.stopped_by is None

    def stop(self, reason: str) -> None:
        if self.stopped_by is None:
            self.stopped_by = reason

    def text(self) -> str:
        return "".join(self._parts).rstrip("\n")


def attachment_text(
    body: bytes,
    kind: str,
    *,
    max_chars: int = MAX_CHARS,
    max_pages: int = MAX_PAGES,
    max_seconds: float = MAX_SECONDS,
    max_unzipped_bytes: int = MAX_UNZIPPED_BYTES,
    max_ratio: float = MAX_RATIO,
) -> AttachmentText:
    """The text of an attachment ``body`` of ``kind`` ("pdf" | "docx" | "xlsx"); never raises.

    When the bytes sniff as another of the three kinds, the bytes win (a server
    that names a DOCX ``.pdf``); the result's ``kind`` is what was read.

    Layout, chosen for privacy-leak's context rules: one line per paragraph,
    PDF text line or table/sheet row, table cells and sheet cells separated by
    tabs (a name and its numbers stay on one line, the column header is the
    line above). An empty line separates sheets and the parts of a Word file
    (body, headers, footers, notes, comments); PDF pages are not separated,
    because a table continues across pages.
    """
    kind = (sniff_kind(body) or kind or "").lower().lstrip(".")
    refused = _refuse_early(body, kind)
    if refused is not None:
        return AttachmentText("", kind, None, False, refused)
    sink = _Sink(max_chars, max_seconds)
    try:
        if kind == "pdf":
            pages, error = _pdf_text(body, sink, max_pages)
        else:
            pages = None
            error = _zip_guard(body, max_unzipped_bytes, max_ratio)
            if error is None:
                error = _docx_text(body, sink) if kind == "docx" else _xlsx_text(body, sink)
    except Exception as exc:  # noqa: BLE001 - parsers of hostile files raise anything; never the crawl's problem
        pages, error = None, _broken(kind, exc)
    return AttachmentText(sink.text(), kind, pages, sink.stopped_by is not None, error, sink.stopped_by)


def _refuse_early(body: bytes, kind: str) -> str | None:
    """Errors that need no parser: unknown kind, empty body, OLE2, an HTML page."""
    if kind not in KINDS:
        return f"不支持的附件类型：{kind or '未知'}"
    if not body:
        return _ERR_EMPTY
    if body.startswith(_OLE2_MAGIC):
        return _ERR_OLE2
    if body[:_PDF_HEADER_WINDOW].lstrip(_BOM_AND_SPACE)[:1] == b"<" and sniff_kind(body) is None:
        return _ERR_HTML
    return None


def _broken(kind: str, exc: BaseException) -> str:
    message = {"pdf": _ERR_PDF_BROKEN, "docx": _ERR_DOCX_BROKEN}.get(kind, _ERR_XLSX_BROKEN)
    return f"{message}（{type(exc).__name__}）"


# --------------------------------------------------------------------------- PDF


def _pdf_text(body: bytes, sink: _Sink, max_pages: int) -> tuple[int | None, str | None]:
    """Page by page with pypdf; returns (page count, error).

    The parsers are imported on first use so that the crawler process, which
    only sniffs kinds, does not pay for them.
    """
    from pypdf import PasswordType, PdfReader
    from pypdf.errors import DependencyError

    # pypdf logs every repair of a damaged file ("EOF marker not found") as a warning; what
    # matters to the webmaster is already in the attachment's error, and a crawl of a portal
    # with hundreds of such files would bury its own log under them.
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(io.BytesIO(body), strict=False)
        if reader.is_encrypted and reader.decrypt("") == PasswordType.NOT_DECRYPTED:
            return None, _ERR_PDF_PASSWORD
        count = len(reader.pages)
    except (DependencyError, NotImplementedError):
        return None, _ERR_PDF_CRYPTO  # AES without `cryptography`, or a certificate (/PubSec) handler
    except Exception as exc:  # noqa: BLE001 - see attachment_text
        return None, _broken("pdf", exc)
    failed = mapped = read = 0
    unmapped = False
    for number in range(count):
        if number >= max_pages:
            sink.stop("max_pages")
            break
        if not sink.more():
            break
        read += 1
        try:
            raw = reader.pages[number].extract_text() or ""
        except Exception:  # noqa: BLE001 - one broken page must not hide the others
            failed += 1
            continue
        clean = _CONTROL.sub("", raw)
        unmapped = unmapped or ("\x00" in raw and not clean.strip())
        mapped += bool(clean.strip())
        if not sink.line(clean.strip("\n")):
            break
    return count, _pdf_error(read, failed, mapped, unmapped)


def _pdf_error(read: int, failed: int, mapped: int, unmapped: bool) -> str | None:
    """Why a PDF gave no (or partial) text: broken pages, glyphs without Unicode, or no text layer at all."""
    if read and failed == read:
        return _ERR_PDF_BROKEN
    if read and not mapped:
        return _ERR_NO_UNICODE if unmapped else _ERR_SCANNED
    if failed:
        return f"{failed} 页无法读取"
    return None


# --------------------------------------------------------------------------- ZIP guard


def _zip_guard(
    body: bytes, max_unzipped_bytes: int = MAX_UNZIPPED_BYTES, max_ratio: float = MAX_RATIO
) -> str | None:
    """Refuse zip bombs from the central directory alone, before any parser inflates anything."""
    try:
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError, struct.error):
        return _ERR_ZIP_BROKEN
    if len(entries) > MAX_ZIP_ENTRIES:
        return f"压缩包条目过多（{len(entries)} 个，上限 {MAX_ZIP_ENTRIES} 个），疑为压缩炸弹，未读取"
    total = sum(entry.file_size for entry in entries)
    if total > max_unzipped_bytes:
        return (f"解压后过大（{_mb(total)} MB，上限 {_mb(max_unzipped_bytes)} MB），"
                "疑为压缩炸弹，未读取")
    packed = sum(entry.compress_size for entry in entries)
    for size, compressed in [(total, packed), *((e.file_size, e.compress_size) for e in entries)]:
        ratio = _ratio(size, compressed)
        if size > RATIO_FLOOR_BYTES and ratio > max_ratio:
            return f"压缩比异常（{ratio:.0f} 倍，上限 {max_ratio:.0f} 倍），疑为压缩炸弹，未读取"
    return None


def _ratio(size: int, compressed: int) -> float:
    return size / max(compressed, 1)


def _mb(size: int) -> str:
    return f"{size / 1_000_000:g}" if size < 10_000_000 else f"{size / 1_000_000:.0f}"


# --------------------------------------------------------------------------- DOCX

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_W_P, _W_TBL, _W_TR, _W_TC = f"{_W}p", f"{_W}tbl", f"{_W}tr", f"{_W}tc"
_W_TXBX = f"{_W}txbxContent"
# Wrappers that may hold table rows or cells (content controls, custom XML).
_W_WRAPPERS = frozenset({f"{_W}sdt", f"{_W}sdtContent", f"{_W}customXml"})
# Property subtrees hold tab-stop definitions (w:tab) that are not text; Fallback repeats mc:Choice.
_W_SKIP = frozenset({_MC_FALLBACK, f"{_W}pPr", f"{_W}rPr", f"{_W}sectPr", f"{_W}tblPr", f"{_W}trPr",
                     f"{_W}tcPr"})
_W_TEXT = frozenset({f"{_W}t", f"{_W}delText"})
_W_CHARS = {f"{_W}tab": "\t", f"{_W}br": "\n", f"{_W}cr": "\n", f"{_W}noBreakHyphen": "-"}


def _docx_text(body: bytes, sink: _Sink) -> str | None:
    """Body (paragraphs, tables, text boxes), then headers, footers, footnotes, endnotes and comments.

    Each part after the body starts after an empty line. Table rows are lines
    with tab-separated cells, so a name and its number stay on one line.
    """
    import docx
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.oxml.parser import parse_xml

    document = docx.Document(io.BytesIO(body))
    if not _docx_blocks(document.element.body, sink):
        return None
    wanted = {RT.HEADER, RT.FOOTER, RT.FOOTNOTES, RT.ENDNOTES, RT.COMMENTS}
    for rel in list(document.part.rels.values()):
        if rel.is_external or rel.reltype not in wanted:
            continue
        sink.gap()
        part = rel.target_part
        element = getattr(part, "element", None)
        if element is None:
            element = parse_xml(part.blob)
        if not _docx_blocks(element, sink):
            break
    return None


def _docx_blocks(container: Any, sink: _Sink) -> bool:
    """Paragraphs and tables in document order, a table row per line (cells tab-separated); False to stop."""
    for child in container:
        tag = child.tag
        if tag in _W_SKIP:
            continue
        if not sink.more():
            return False
        if tag == _W_P:
            text, boxes = _paragraph(child)
            if not sink.line(text) or not all(_docx_blocks(box, sink) for box in boxes):
                return False
        elif tag == _W_TBL:
            for row in _children(child, _W_TR):
                if not sink.more() or not sink.line("\t".join(_cell_text(c) for c in _children(row, _W_TC))):
                    return False
        elif not _docx_blocks(child, sink):
            return False
    return True


def _children(element: Any, tag: str) -> Iterator[Any]:
    """Children with ``tag``, looking through content-control and custom-XML wrappers."""
    for child in element:
        if child.tag == tag:
            yield child
        elif child.tag in _W_WRAPPERS:
            yield from _children(child, tag)


def _paragraph(p: Any) -> tuple[str, list[Any]]:
    """A paragraph's text, and the text boxes anchored in it (read after it, as their own blocks)."""
    parts: list[str] = []
    boxes: list[Any] = []
    stack = [p]
    while stack:
        node = stack.pop()
        tag = node.tag
        if tag in _W_TEXT:
            parts.append(node.text or "")
        elif tag in _W_CHARS:
            parts.append(_W_CHARS[tag])
        elif tag == _W_TXBX:
            boxes.append(node)
        elif tag not in _W_SKIP:
            stack.extend(reversed(node))
    return "".join(parts).strip(), boxes


def _cell_text(cell: Any) -> str:
    """All text in a cell on one line: its paragraphs, nested tables and text boxes, space-separated."""
    texts: list[str] = []
    stack = [cell]
    while stack:
        node = stack.pop()
        if node.tag in _W_SKIP:
            continue
        if node.tag == _W_P:
            text, _ = _paragraph(node)  # its text boxes are reached by the walk below
            if text:
                texts.append(" ".join(text.split()))
        stack.extend(reversed(node))
    return " ".join(texts)


# --------------------------------------------------------------------------- XLSX


def _xlsx_text(body: bytes, sink: _Sink) -> str | None:
    """Every sheet (hidden ones too): its name on a line, then one line per non-empty row, cells tab-separated.

    Sheets are separated by an empty line.
    """
    import openpyxl

    workbook = openpyxl.load_workbook(io.BytesIO(body), read_only=True, data_only=True, keep_links=False)
    try:
        for sheet in workbook.worksheets:
            sink.gap()
            if not sink.more() or not sink.line(sheet.title):
                break
            # The <dimension> a file declares is often wrong (too small: rows lost; too big: millions of
            # empty rows); without it openpyxl reads exactly the cells that are there.
            sheet.reset_dimensions()
            if not _sheet_rows(sheet.iter_rows(values_only=True), sink):
                break
    finally:
        workbook.close()
    return None


def _sheet_rows(rows: Iterable[tuple[Any, ...]], sink: _Sink) -> bool:
    for row in rows:
        if not sink.more():
            return False
        cells = [_cell_str(value) for value in row]
        while cells and not cells[-1]:
            cells.pop()
        if cells and not sink.line("\t".join(cells)):
            return False
    return True


def _cell_str(value: Any) -> str:
    """A cell value as Excel would show it with the "0"/General formats, never as a float artefact.

    An 18-digit 身份证号 typed into Excel as a number keeps only 15 significant
    digits (110101199001011234 becomes 110101199001011000, stored as
    ``1.10101199001011E+17``); openpyxl returns that as a float whose ``int()``
    is 110101199001011008, digits nobody ever saw. Integral floats are therefore
    printed from their 15 significant digits. IDs stored as text (the usual
    '-prefixed or "@"-formatted cell) come back as ``str`` and survive intact.
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return _float_str(value)
    if isinstance(value, datetime):
        return value.isoformat(sep=" ") if value.time() != clock() else value.date().isoformat()
    if isinstance(value, (date, clock)):
        return value.isoformat()
    if isinstance(value, timedelta):
        return str(value)
    return " ".join(str(value).split()) if isinstance(value, str) else str(value)


def _float_str(value: float) -> str:
    if value != value or value in (float("inf"), float("-inf")):
        return ""
    rounded = format(value, f".{_EXCEL_DIGITS}g")
    if value.is_integer():
        return str(int(Decimal(rounded)))
    return rounded
