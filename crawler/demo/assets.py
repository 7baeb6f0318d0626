"""Small binary files for the demo portal: PDF, DOCX, XLS, PNG, GIF, MP4, ICO.

Real portals link attachments and images, and a link checker must see the
right content type and plausible bytes (some servers are judged by magic
numbers, and a report may show the size). Every file here is built from
constants, with fixed timestamps, so the portal's bytes never change between
builds.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLS = "application/vnd.ms-excel"
PNG = "image/png"
GIF = "image/gif"
MP4 = "video/mp4"
ICO = "image/x-icon"


def pdf_bytes(title: str) -> bytes:
    """A one-page PDF 1.4 with a correct xref table.

    The visible text is ASCII only (a real font for Chinese would make the file
    large); the Chinese title goes into the document info as UTF-16BE, which
    is how PDF stores non-Latin metadata.
    """
    info_title = "<FEFF" + title.encode("utf-16-be").hex().upper() + ">"
    stream = b"BT /F1 12 Tf 72 720 Td (Xingqing demo attachment) Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Title " + info_title.encode("ascii") + b" /Producer (govcrawl demo) >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n".encode() + body + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n".encode())
    out.write(b"0000000000 65535 f \n")
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R /Info 6 0 R >>\n".encode())
    out.write(f"startxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()


_DOCX_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    "</Types>"
)
_DOCX_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="word/document.xml"/></Relationships>'
)


def docx_bytes(text: str) -> bytes:
    """A minimal but valid Word document (opens in Word and LibreOffice).

    Zip entries carry a fixed date so two builds give identical bytes.
    """
    document = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        f"<w:body><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:body></w:document>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in (
            ("[Content_Types].xml", _DOCX_TYPES),
            ("_rels/.rels", _DOCX_RELS),
            ("word/document.xml", document),
        ):
            info = zipfile.ZipInfo(name, date_time=(2023, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data.encode("utf-8"))
    return out.getvalue()


def xls_bytes() -> bytes:
    """Valid-looking legacy Excel bytes: the OLE2 compound-file header, padded.

    Enough for magic-number sniffing and content-type checks; the demo never
    needs a spreadsheet to open.
    """
    header = bytes.fromhex("D0CF11E0A1B11AE1") + b"\x00" * 16 + struct.pack("<HHH", 0x3E, 0x3, 0xFFFE)
    return header + b"\x00" * (1536 - len(header))


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return (
        struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    )


def png_bytes(width: int, height: int, rgb: tuple[int, int, int]) -> bytes:
    """A valid single-colour RGB PNG (for logos, banners and 一图读懂 images)."""
    row = b"\x00" + bytes(rgb) * width
    raw = row * height
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
        + _png_chunk(b"IDAT", zlib.compress(raw, 9))
        + _png_chunk(b"IEND", b"")
    )


def gif_bytes() -> bytes:
    """The classic 1x1 transparent GIF (spacer images of old templates)."""
    return bytes.fromhex(
        "47494638396101000100800000000000ffffff21f90401000000002c00000000010001000002024401003b"
    )


def mp4_bytes() -> bytes:
    """Valid-looking MP4: an ``ftyp`` box and a ``free`` box (video interpretations)."""
    ftyp = struct.pack(">I", 24) + b"ftypisom" + struct.pack(">I", 512) + b"isomiso2"
    free = struct.pack(">I", 40) + b"free" + b"govcrawl demo video placeholder.".ljust(32, b" ")
    return ftyp + free


def ico_bytes() -> bytes:
    """A favicon: an ICO directory with one embedded 16x16 PNG (valid since Windows Vista)."""
    image = png_bytes(16, 16, (200, 30, 30))
    directory = struct.pack("<HHH", 0, 1, 1) + struct.pack("<BBBBHHII", 16, 16, 0, 0, 1, 32, len(image), 22)
    return directory + image
