"""Bytes -> text for Chinese government pages.

Why a module of its own: a wrong guess here turns every later fact (titles, 文号,
wording checks, privacy checks) into mojibake, and Chinese portals are a mix of
UTF-8 and the GB family, often undeclared or declared wrongly after a CMS move.

Order of evidence: byte-order mark, the HTTP ``Content-Type`` charset, a
``<meta charset>`` / ``<meta http-equiv=Content-Type>`` (or ``<?xml encoding?>``)
near the top, then sniffing (strict UTF-8, else GB18030). Two corrections to that
order, both for real misconfigurations:

- a header that only names a server default (ISO-8859-1, US-ASCII, windows-1252)
  yields to a different meta declaration (Tomcat and IIS send those by default);
- a declared non-UTF-8 encoding yields to UTF-8 when the bytes are valid UTF-8
  and not plain ASCII (a site moved to UTF-8 and kept ``charset=gb2312`` in its
  templates). GB18030 accepts almost any byte sequence, so "it decoded" proves
  nothing, while real GBK text is practically never valid UTF-8.

The GB family is always decoded as GB18030 (a superset of GB2312 and GBK, as
browsers do), but ``encoding`` records the declared name, normalised. Decoding
ends with ``errors="replace"`` so that no page is lost to one bad byte.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

__all__ = ["Decoded", "charset_from_content_type", "decode_html", "looks_binary", "normalise_charset"]

PRESCAN_BYTES = 8192  # meta declarations sit in <head>; a little slack for long comment headers

# (name recorded in PageFacts.encoding, Python codec used to decode) -> labels (WHATWG aliases)
_ALIASES = {
    ("utf-8", "utf-8"): "utf-8 utf8 utf_8 unicode-1-1-utf-8 x-unicode20utf8",
    (
        "gb2312",
        "gb18030",
    ): "gb2312 gb_2312 gb_2312-80 csgb2312 chinese iso-ir-58 euc-cn x-euc-cn csiso58gb231280",
    ("gbk", "gb18030"): "gbk x-gbk cp936 ms936 windows-936 936",
    ("gb18030", "gb18030"): "gb18030 gb-18030",
    ("big5", "big5hkscs"): "big5 big5-hkscs cn-big5 csbig5 x-x-big5",
    ("iso-8859-1", "cp1252"): "iso-8859-1 iso8859-1 latin1 latin-1 l1 iso_8859-1",
    ("us-ascii", "cp1252"): "us-ascii ascii ansi_x3.4-1968",
    ("windows-1252", "cp1252"): "windows-1252 cp1252 x-cp1252",
}
# label (lower case) -> (recorded name, codec)
_KNOWN: dict[str, tuple[str, str]] = {
    label: pair for pair, labels in _ALIASES.items() for label in labels.split()
}

# Declarations that say "whatever the server defaults to", not "what this page is".
_SERVER_DEFAULTS = frozenset({"iso-8859-1", "us-ascii", "windows-1252"})
# Codecs in which a byte below 0x20 is always that ASCII control character.
_ASCII_COMPATIBLE = frozenset({"utf-8", "gb18030", "big5hkscs", "cp1252"})
# A meta tag can never truthfully declare UTF-16 (it would not be readable as ASCII).
_UTF16 = frozenset({"utf-16", "utf-16le", "utf-16be", "utf16", "ucs-2", "utf-32"})

_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?\s*([A-Za-z0-9._:-]+)", re.I)
_META_CHARSET = re.compile(rb"<meta\b[^>]{0,512}?charset\s*=\s*[\"']?\s*([A-Za-z0-9._:-]{2,40})", re.I)
_XML_DECL = re.compile(rb"^\s*<\?xml[^>]{0,200}?encoding\s*=\s*[\"']([A-Za-z0-9._:-]{2,40})", re.I)
_BOMS = (
    (codecs.BOM_UTF8, "utf-8", "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16le", "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16be", "utf-16-be"),
)
# C0 controls (but tab, LF, CR, FF) never belong in HTML text; libxml2 chokes on NUL.
_CONTROL = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f]")
_BINARY_BYTES = re.compile(rb"[\x00-\x08\x0e-\x1a\x1c-\x1f]")


@dataclass(frozen=True, slots=True)
class Decoded:
    """The decoded document and why this encoding was chosen."""

    text: str
    encoding: str  # normalised name for PageFacts.encoding ("utf-8", "gbk", ...)
    codec: str  # Python codec used; also the one to percent-encode query strings with
    source: str  # "bom" | "header" | "meta" | "sniff" | "fallback"


def normalise_charset(label: str | None) -> tuple[str, str] | None:
    """(recorded name, decoding codec) for a charset label, or None if unknown."""
    if not label:
        return None
    key = label.strip().strip("\"'").lower()
    if not key:
        return None
    known = _KNOWN.get(key)
    if known:
        return known
    if key in _UTF16:
        return None
    try:
        name = codecs.lookup(key).name
    except LookupError:
        return None
    return _KNOWN.get(name, (name, name))


def charset_from_content_type(value: str | None) -> str | None:
    """The charset parameter of a Content-Type header value, as written."""
    if not value:
        return None
    match = _HEADER_CHARSET.search(value)
    return match.group(1) if match else None


def _meta_charset(body: bytes) -> str | None:
    head = body[:PRESCAN_BYTES]
    match = _XML_DECL.match(head) or _META_CHARSET.search(head)
    return match.group(1).decode("ascii") if match else None


# File signatures of what CMSs serve as text/html by mistake: images, PDF, archives, Office files.
_SIGNATURES = (b"\x89PNG", b"GIF8", b"\xff\xd8\xff", b"%PDF-", b"PK\x03\x04", b"\x1f\x8b",
               b"\xd0\xcf\x11\xe0", b"Rar!", b"7z\xbc\xaf", b"RIFF", b"\x00\x00\x01\x00")


def looks_binary(body: bytes) -> bool:
    """True for images, archives and other non-text served as HTML.

    Decided by a file signature, else by the share of control bytes: a stray NUL in a
    page's <title> (a CMS bug seen in the wild) must not throw the whole page away.
    """
    head = body[:1024]
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return False
    if head.startswith(_SIGNATURES) and not head.lstrip().startswith(b"<"):
        return True
    controls = len(_BINARY_BYTES.findall(head))
    # More than 5% control bytes, and either many of them or, in a tiny body, more than 10%.
    return controls > len(head) // 20 and (controls > 8 or controls * 10 > len(head))


def _strict(body: bytes, codec: str) -> str | None:
    """Decode strictly, tolerating a character cut at the end (a truncated download)."""
    try:
        decoder = codecs.getincrementaldecoder(codec)("strict")
        return decoder.decode(body, final=False)
    except (UnicodeDecodeError, LookupError):
        return None


_CONTROL_BYTES = bytes([*range(0x00, 0x09), 0x0B, *range(0x0E, 0x20), 0x7F])


def _clean(text: str, body: bytes | None = None) -> str:
    """Drop C0 controls. For ASCII-compatible encodings (UTF-8, the GB family: no control
    byte occurs inside a multi-byte character) the test runs on the bytes, which is far
    faster than a regex over the decoded str; the str is only rewritten when needed."""
    if body is not None and len(body.translate(None, _CONTROL_BYTES)) == len(body):
        return text
    if _CONTROL.search(text):
        text = _CONTROL.sub("", text)
    return text


def _sniff(body: bytes) -> Decoded:
    text = _strict(body, "utf-8")
    if text is not None:
        return Decoded(_clean(text, body), "utf-8", "utf-8", "sniff")
    text = _strict(body, "gb18030")
    if text is not None:
        return Decoded(_clean(text, body), "gb18030", "gb18030", "sniff")
    as_utf8 = body.decode("utf-8", "replace")
    as_gb = body.decode("gb18030", "replace")
    if as_utf8.count("\ufffd") <= as_gb.count("\ufffd"):
        return Decoded(_clean(as_utf8), "utf-8", "utf-8", "fallback")
    return Decoded(_clean(as_gb), "gb18030", "gb18030", "fallback")


def decode_html(body: bytes, header_content_type: str | None = None) -> Decoded:
    """Decode an HTML body following the order of evidence in the module docstring."""
    for bom, name, codec in _BOMS:
        if body.startswith(bom):
            return Decoded(_clean(body[len(bom) :].decode(codec, "replace")), name, codec, "bom")

    header = normalise_charset(charset_from_content_type(header_content_type))
    meta = normalise_charset(_meta_charset(body))
    if header and meta and header[0] in _SERVER_DEFAULTS and meta[0] != header[0]:
        header = None
    candidates = [(found, source) for found, source in ((header, "header"), (meta, "meta")) if found]
    if not candidates:
        return _sniff(body)

    (name, codec), source = candidates[0]
    if codec != "utf-8" and not body.isascii():
        text = _strict(body, "utf-8")
        if text is not None:
            return Decoded(_clean(text, body), "utf-8", "utf-8", "sniff")
    text = _strict(body, codec)
    if text is not None:
        return Decoded(_clean(text, body if codec in _ASCII_COMPATIBLE else None), name, codec, source)
    return Decoded(_clean(body.decode(codec, "replace")), name, codec, source)
