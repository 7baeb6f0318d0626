"""Fuzzing ``extract_html``: whatever the bytes, it returns, with facts of sane types and bounded size.

The crawler trusts ``extract_html`` never to raise (one broken page must not
stop a 100k-page crawl) and the store and checks trust its output types. Two
generators feed it:

- random bytes, under random Content-Type headers (charsets real, bogus, UTF-16);
- HTML-ish documents from a small grammar of what Chinese government pages
  actually contain, and what breaks parsers: nested and unclosed tags,
  attributes with URLs of every scheme, entities (valid, out of range,
  unterminated), charset declarations that contradict the header, GBK and
  UTF-16 encodings, BOMs, XML declarations, NULs and control characters,
  信息公开 fields, dates, 文号, pager scripts with absurd counts.

Every run also checks determinism: the same bytes give the same facts.

Bounded for CI (a few hundred examples, about 10–20 s on a 2-core machine);
``GOVCRAWL_FUZZ_EXAMPLES=20000`` fuzzes longer locally. No example database is
written (``database=None``): nothing lands in the working tree, and a failure
prints the example and the seed to reproduce it.
"""

from __future__ import annotations

import dataclasses
import os
from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crawler.extract import MAX_TEXT_CHARS
from crawler.extract.page import extract_html
from crawler.extract.pagination import MAX_PAGES
from govcrawl.model import LinkFacts, PageFacts

URL = "http://www.xq.gov.cn/zwgk/tzgg/202310/t20231009_1.html"
EXAMPLES = int(os.environ.get("GOVCRAWL_FUZZ_EXAMPLES", "0")) or None

FUZZ = settings(
    deadline=None,
    database=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

CONTENT_TYPES = st.sampled_from([
    None, "text/html", "text/html; charset=utf-8", "text/html; charset=gbk", "text/html; charset=GB2312",
    "text/html; charset=ISO-8859-1", "text/html; charset=utf-16", "text/html; charset=x-bogus-42",
    "text/html; charset=", "application/xhtml+xml; charset=big5", "text/html;charset=\"utf-8\"",
])

# Raw bytes; most random bytes hold a NUL early and are refused as binary at once, so two thirds
# of the examples get past that door: NUL-free, or behind a plausible HTML start.
RANDOM_BYTES = st.one_of(
    st.binary(max_size=3000),
    st.binary(max_size=3000).map(lambda b: b.replace(b"\x00", b"<")),
    st.tuples(st.sampled_from([b"<html><body>", b"<title>", b"<a href='", b"<meta charset=gbk><p>"]),
              st.binary(max_size=3000)).map(lambda pair: pair[0] + pair[1].replace(b"\x00", b" ")),
)

# -- the grammar ------------------------------------------------------------------------------------
TAGS = ["html", "head", "body", "title", "meta", "base", "div", "p", "span", "font", "a", "img", "table",
        "tr", "td", "th", "ul", "li", "h1", "h2", "script", "style", "noscript", "iframe", "frame", "form",
        "input", "label", "select", "option", "textarea", "marquee", "video", "source", "object", "embed",
        "link", "br", "svg", "math", "template", "xmp", "plaintext", "!--", "![CDATA["]
ATTRS = ["href", "src", "data", "charset", "content", "http-equiv", "name", "id", "class", "style", "alt",
         "title", "lang", "onclick", "role", "aria-label", "type", "rel", "width", "tabindex", "for", "value"]
TEXTS = st.sampled_from([
    "政务公开", "发布日期：2023年10月9日", "成文日期：2023-10-08", "索引号：640104/2023-00012",
    "文号：银兴政规发〔2023〕1号", "有效期至2025年12月31日", "有效性：有效", "当前位置：首页 > 政务公开 > 通知公告",
    "下一页", "上一页", "尾页", "暂无信息", "2023-13-45", "9999年99月99日", "640102199001011234",
    "13800138000", "&amp;", "&#0;", "&#x110000;", "&#xD800;", "&nbsp;", "&lt;script&gt;", "&unterminated",
    "&#99999999999;", "<", ">", "\x00", "\x01\x02\x1f", "\ufeff", "\ufffd", "\u202e", "🀄", "\r\n\t", " ",
    "createPageHTML(999999999, 0, 'index', 'html');", "createPageHTML('page_div', 2147483648, 1, 'index', 'shtml', 20);",
    "var countPage = 99999;var currentPage = 0;", "<![CDATA[", "]]>", "-->", "<?xml version='1.0'?>",
])
URLS = st.sampled_from([
    "/", "x.html", "../../../../etc/passwd", "//evil.example/a", "http://[::1", "http://exa mple.gov.cn/",
    "javascript:alert(1)", "JaVaScRiPt:alert(1)", "mailto:a@b", "tel:123", "data:text/html,<script>", "#top",
    "#", "?page=2", "index_1.html", "http://www.xq.gov.cn:99999/", "http://:80/", "http://%zz/",
    "https://www.gov.cn/zhengce/content/2023-10/09/content_1.htm", "/公开/目录.html?q=通知", "\x00/a",
    "http://127.0.0.1:0/", "http://192.168.1.1/admin", "ftp://x/", "   ", "http://www.xq.gov.cn/" + "a/" * 400,
])
ATTR_VALUES = st.one_of(URLS, TEXTS, st.sampled_from([
    "text/html; charset=gbk", "utf-8", "gb2312", "utf-16", "x-unknown", "Content-Type", "ArticleTitle",
    "ColumnName", "PubDate", "SiteIDCode", "display:none", "color:#fff;background:#fff", "zh-CN", "",
]))


QUOTES = st.sampled_from(['"', "'", "", '"'])
CLOSERS = st.sampled_from(["</{}>", "</{}>", "", "</{}", "</p>", "</html>"])


def _attribute(parts: tuple[str, str, str]) -> str:
    name, value, quote = parts
    if quote == '"':
        value = value.replace('"', "&quot;")
    return f" {name}={quote}{value}{quote}"


ATTRIBUTES = st.lists(st.tuples(st.sampled_from(ATTRS), ATTR_VALUES, QUOTES).map(_attribute), max_size=3).map("".join)


def _render(parts: tuple[str, str, list[str], str]) -> str:
    """One element; comments and CDATA sections have their own (possibly missing) ends."""
    tag, attrs, children, closer = parts
    inner = "".join(children)
    if tag == "!--":
        return f"<!--{inner}" + ("-->" if closer else "")
    if tag == "![CDATA[":
        return f"<![CDATA[{inner}]]>"
    return f"<{tag}{attrs}>{inner}{closer.format(tag)}"


def _element(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    # Built from tuples and map rather than @composite: generation, not extraction, dominates the cost.
    return st.tuples(st.sampled_from(TAGS), ATTRIBUTES, st.lists(children, max_size=4), CLOSERS).map(_render)


NODES = st.recursive(TEXTS | st.text(max_size=12), _element, max_leaves=30)


@st.composite
def documents(draw: st.DrawFn) -> tuple[bytes, str | None]:
    """A document, its declared and actual encodings possibly disagreeing, and a header."""
    body = "".join(draw(st.lists(NODES, min_size=1, max_size=8)))
    head = draw(st.sampled_from([
        "", '<meta charset="utf-8">', '<meta charset="gbk">', "<meta charset=gb2312>",
        '<meta http-equiv="Content-Type" content="text/html; charset=GB18030">', '<meta charset="utf-16">',
        '<meta charset="x-nonsense">', "<meta charset=>",
    ]))
    prefix = draw(st.sampled_from(["", "<!DOCTYPE html>", "<?xml version='1.0' encoding='gb2312'?>", " \n"]))
    text = f"{prefix}<html><head>{head}<title>{draw(TEXTS)}</title></head><body>{body}</body></html>"
    if draw(st.booleans()):
        text = text.replace("</html>", "", 1)  # unterminated documents are common
    encoding = draw(st.sampled_from(["utf-8", "utf-8", "gbk", "gb18030", "utf-16", "latin-1", "big5"]))
    data = text.encode(encoding, errors="replace")
    if draw(st.integers(0, 9)) == 0:
        data = draw(st.sampled_from([b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"\x00"])) + data
    if draw(st.integers(0, 4)) == 0:  # a download cut mid-character
        data = data[: draw(st.integers(0, len(data)))]
    return data, draw(CONTENT_TYPES)


# -- the properties ---------------------------------------------------------------------------------
def _extract(body: bytes, content_type: str | None) -> PageFacts:
    page = PageFacts(url=URL, status=200, final_url=URL, content_type="text/html")
    extract_html(page, body, content_type)
    return page


def _no_controls(value: str) -> bool:
    return not any(ord(c) < 32 and c not in "\t\n\r\f" for c in value)


def _check_facts(page: PageFacts) -> None:
    """Types the store and checks rely on, and sizes that stay bounded whatever the input."""
    assert page.error is None or (isinstance(page.error, str) and page.error.startswith(("解析失败", "解析不完整"))
                                  and len(page.error) <= 300)
    assert isinstance(page.text, str) and len(page.text) <= MAX_TEXT_CHARS and _no_controls(page.text)
    assert page.title is None or (isinstance(page.title, str) and "\x00" not in page.title)
    assert page.encoding is None or isinstance(page.encoding, str)
    assert page.lang is None or isinstance(page.lang, str)
    assert page.published_on is None or isinstance(page.published_on, date)
    assert isinstance(page.meta, dict) and all(isinstance(k, str) and isinstance(v, str)
                                                for k, v in page.meta.items())
    assert all(isinstance(a, str) for a in page.anchors)
    assert all(isinstance(b, str) for b in page.breadcrumb)
    assert page.column is None or isinstance(page.column, str)
    assert page.heading is None or isinstance(page.heading, str)
    for link in page.links:
        assert isinstance(link, LinkFacts)
        assert link.url.startswith(("http://", "https://")) and _no_controls(link.url) and " " not in link.url
        assert "#" not in link.url  # the fragment travels apart
        assert isinstance(link.text, str) and isinstance(link.tag, str) and isinstance(link.attr, str)
    assert len(page.pagination) <= MAX_PAGES
    assert all(p.startswith(("http://", "https://")) for p in page.pagination)
    assert page.template is None or isinstance(page.template, str)
    assert isinstance(page.a11y, list) and isinstance(page.list_items, list)


def _same(body: bytes, content_type: str | None, first: PageFacts) -> None:
    """Determinism: a 304 carries stored facts over only because extraction is a function of the bytes."""
    again = _extract(body, content_type)
    assert dataclasses.asdict(again) == dataclasses.asdict(first)


@settings(FUZZ, max_examples=EXAMPLES or 400)
@given(body=RANDOM_BYTES, content_type=CONTENT_TYPES)
def test_random_bytes_never_raise(body: bytes, content_type: str | None) -> None:
    page = _extract(body, content_type)
    _check_facts(page)
    _same(body, content_type, page)


@settings(FUZZ, max_examples=EXAMPLES or 300)
@given(document=documents())
def test_html_ish_documents_never_raise(document: tuple[bytes, str | None]) -> None:
    body, content_type = document
    page = _extract(body, content_type)
    _check_facts(page)
    _same(body, content_type, page)
    # Extraction costs far less than generating a document: read the same bytes under other headers too.
    for other in (None, "text/html; charset=gbk", "text/html; charset=utf-16"):
        _check_facts(_extract(body, other))


@settings(FUZZ, max_examples=EXAMPLES or 15)
@given(repeat=st.integers(1, 40), unit=st.sampled_from([
    "<div>", "<span>", "<table><tr><td>", "<a href='/x'>", "<font>", "<!--", "<b><i>", "&", "<p>字",
]))
def test_large_repetitive_documents_stay_bounded(repeat: int, unit: str) -> None:
    """Pathological sizes: up to ~40k repetitions of one unit (deep nesting, huge text, many links)."""
    body = (unit * (repeat * 1000) + "正文" * 60_000).encode()
    page = _extract(body, "text/html; charset=utf-8")
    _check_facts(page)
    assert len(page.links) <= repeat * 1000
