"""One page's bytes -> its ``PageFacts``: decode, parse once, walk once, then each module reads the walk.

The modules are listed in this package's docstring (``crawler.extract``).
"""

from __future__ import annotations

import os
import re
import threading
from datetime import date
from urllib.parse import urljoin

from lxml import etree

from crawler.extract import MAX_TEXT_CHARS
from crawler.extract.a11y import static_a11y
from crawler.extract.columns import choose_column, choose_heading, find_breadcrumb, list_items
from crawler.extract.dates import find_dates, parse_date
from crawler.extract.docinfo import clean_cells, date_near_title, read_docinfo, title_above_info_bar
from crawler.extract.encoding import decode_html, looks_binary
from crawler.extract.links import build_links
from crawler.extract.messages import read_messages
from crawler.extract.pagination import pagination
from crawler.extract.privacy import mask_strings, scan_html
from crawler.extract.scan import RawLink, Scan, scan_tree
from crawler.extract.statements import apply_statements
from crawler.extract.template import template_fingerprint
from crawler.urls import normalise
from govcrawl.model import PageFacts, Region

__all__ = ["extract_html", "find_dates", "parse_date"]

_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
_RECORD = re.compile(r"<record>\s*<!\[CDATA\[(.*?)\]\]>\s*</record>", re.S)
_local = threading.local()


def _parser() -> etree.HTMLParser:
    """One lxml parser per thread (parsers are not thread-safe, and cheap to keep)."""
    parser = getattr(_local, "parser", None)
    if parser is None:
        # huge_tree: libxml2 otherwise stops at nesting depth 256 and silently drops the rest
        # of the page (a list template that never closes <span> nests one level per item).
        parser = etree.HTMLParser(recover=True, no_network=True, collect_ids=False, default_doctype=False,
                                  huge_tree=True)
        _local.parser = parser
    return parser


# libxml2 (2.14) ends the document at the first </html>; browsers carry on into <body>, and
# so must we: footers appended after a duplicated </html> are what a reader sees.
_END_TAGS = re.compile(r"</(?:html|body)\s*>", re.I)


MAX_DEPTH = 2048  # libxml2's nesting limit with huge_tree


def _too_deep() -> bool:
    """Did the last parse stop at libxml2's nesting limit (the rest of the page is lost)?"""
    return any(entry.type_name == "ERR_RESOURCE_LIMIT" for entry in _parser().error_log)


def _parse(text: str) -> etree._Element | None:
    """Parse decoded HTML; lxml refuses str input that still declares an encoding."""
    if text.lstrip().startswith("<?xml"):
        text = _XML_DECLARATION.sub("", text, count=1)
    if not text.strip():
        return None
    if "</" in text:
        text = _END_TAGS.sub("", text)
    return etree.fromstring(text, _parser())


def _meta_value(meta: dict[str, str], *names: str) -> str | None:
    """A meta tag's content by name, case-insensitive (ColumnName, columnname …)."""
    for name in names:
        value = meta.get(name)
        if value:
            return value
    wanted = {name.lower() for name in names}
    for key, value in meta.items():
        if key.lower() in wanted and value:
            return value
    return None


def _base_url(page: PageFacts, base_href: str | None) -> str:
    """The URL relative links resolve against: <base href> if usable, else the final URL."""
    base = page.final_url or page.url
    if base_href:
        candidate = urljoin(base, base_href)
        if candidate.lower().startswith(("http://", "https://")):
            return candidate
    return base


def _datastore_links(scan: Scan) -> list[RawLink]:
    """Links of Hanweb (大汉) JCMS lists, which ship their rows as CDATA records inside a
    ``<script type="text/xml"><datastore>`` and draw them with JavaScript."""
    records = [record for script in scan.datastores for record in _RECORD.findall(script)]
    if not records:
        return []
    fragment = _parse("<html><body>" + "".join(records) + "</body></html>")
    if fragment is None:
        return []
    links = scan_tree(fragment).links
    for link in links:
        link.region = Region.BODY
    return links


# Digests need a secret; a crawl passes the site's (govcrawl.salt). Callers that do not
# (tests, tools) get one per process: digests then differ between processes, never reveal.
_PROCESS_SALT = os.urandom(32)


def extract_html(
    page: PageFacts, body: bytes, header_content_type: str | None, *, salt: bytes = b"", today: date | None = None,
) -> dict[str, str]:
    """Fill page's HTML-derived fields in place: encoding, title, lang, meta, breadcrumb, column,
    heading, doc, published_on, text, links, anchors, list_items, pagination, messages, privacy.

    ``page.url``/``final_url``/``status``/``content_type`` are set by the caller.
    Never raises: on bytes that are not HTML or a parser failure ``page.error`` says
    why and the fields stay empty. An empty body is not an error; it has no facts.

    Personal numbers (privacy-leak) are recorded masked in ``page.privacy`` and
    masked in every stored string; the returned map (as written -> masked) lets
    the caller mask the raw response too. It is the only place the full numbers
    exist, and it must not be stored or logged.
    """
    try:
        return _extract(page, body or b"", header_content_type, salt or _PROCESS_SALT, today)
    except Exception as exc:  # noqa: BLE001 - garbage input must never stop the crawl
        page.error = f"解析失败：{exc.__class__.__name__}: {exc}"[:300]
        return {}


def _extract(page: PageFacts, body: bytes, header_content_type: str | None, salt: bytes,
             today: date | None) -> dict[str, str]:
    if not body.strip():
        return {}
    if looks_binary(body):
        page.error = "解析失败：内容是二进制数据，不是 HTML"
        return {}
    decoded = decode_html(body, header_content_type)
    page.encoding = decoded.encoding
    root = _parse(decoded.text)
    if root is None:
        return {}
    if _too_deep():
        # The facts read so far are kept; the page says why the rest is missing.
        page.error = f"解析不完整：页面元素嵌套超过 {MAX_DEPTH} 层，其后的内容未能读取"
    scan = scan_tree(root)

    page.title = scan.title
    page.lang = scan.lang
    page.meta = scan.meta
    page.anchors = scan.anchors

    base = _base_url(page, scan.base_href)
    own = normalise(page.final_url or page.url, decoded.codec)
    own_url = own[0] if own else (page.final_url or page.url)
    raw_links = scan.links + _datastore_links(scan)
    page.links, anchors = build_links(raw_links, base, decoded.codec)

    raw_cells = scan.cells()
    cells = clean_cells(raw_cells, scan.cell_flags)
    doc = read_docinfo(cells)
    page.doc = doc
    doc_title = (doc.raw.get("标题") or doc.raw.get("名称") or doc.raw.get("文件名称")) if doc else None
    article_title = _meta_value(scan.meta, "ArticleTitle")
    page.heading = choose_heading(scan.h1s, doc_title, article_title) or title_above_info_bar(cells)

    published = doc.published_on if doc else None
    if published is None:
        published = parse_date(_meta_value(scan.meta, "PubDate", "publishdate"))
    if published is None:
        published = date_near_title(cells, page.heading)
    page.published_on = published

    page.text = scan.text(MAX_TEXT_CHARS)
    page.breadcrumb = find_breadcrumb(raw_cells, scan.cell_flags)
    page.list_items = list_items(anchors, own_url)
    page.pagination = pagination(scan.scripts, anchors, own_url, base, decoded.codec)
    # An article page: its breadcrumb may end with its own title, which is no column.
    is_article = (
        bool(article_title)
        or (doc is not None and bool(doc.index_no or doc.doc_number or doc.written_on))
        or not page.list_items
    )
    page.column = choose_column(
        _meta_value(scan.meta, "ColumnName"), page.breadcrumb, page.heading, is_article
    )
    # Validity statements (有效期至…, 自…起施行 + 有效期N年, 【已废止】): pages with a header only.
    apply_statements(page)
    # Public messages (留言/来信/诉求) of message boards, for unanswered-message and late-reply.
    page.messages = read_messages(page, raw_cells, scan.cell_flags, raw_links, base, decoded.codec)
    # Accessibility (a11y): the static pass and the template the page is made from.
    page.template = template_fingerprint(root)
    page.a11y = static_a11y(root, text=page.text, scan=scan)
    # Personal numbers: found on the decoded page, then masked in every fact before it is stored.
    found = scan_html(decoded.text, page.text, salt, today=today)
    page.privacy = found.hits
    if found.replacements:
        mask_strings(page, found.replacements)
    return found.replacements
