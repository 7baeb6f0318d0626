"""Decoding: BOM, header, meta, sniffing, and the misdeclarations real portals ship."""

from __future__ import annotations

from crawler.extract.encoding import charset_from_content_type, decode_html, looks_binary, normalise_charset
from tests.crawler.extract_helpers import extract

GBK_PAGE = (
    '<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">'
    "<title>兴庆区人民政府 政务公开</title></head>"
    '<body><a href="/search?q=政务公开">搜索</a><p>来源：兴庆区司法局</p></body></html>'
)


def test_gbk_bytes_with_meta_charset():
    page = extract(GBK_PAGE.encode("gbk"), content_type="text/html")
    assert page.encoding == "gb2312"  # the declared name, although decoded as GB18030
    assert page.title == "兴庆区人民政府 政务公开"
    assert page.doc is not None and page.doc.source == "兴庆区司法局"
    # the query is percent-encoded in the page's encoding, as a browser does
    assert page.links[0].url == "http://www.xq.gov.cn/search?q=%D5%FE%CE%F1%B9%AB%BF%AA"


def test_gbk_without_any_declaration_is_sniffed():
    body = GBK_PAGE.replace("; charset=gb2312", "").encode("gbk")
    page = extract(body, content_type="text/html")
    assert page.encoding == "gb18030"
    assert page.title == "兴庆区人民政府 政务公开"


def test_gbk_character_outside_gb2312_decodes():
    # 镕 is in GBK/GB18030 but not in GB2312: a gb2312 label must still decode it
    body = GBK_PAGE.replace("兴庆区人民政府", "朱镕基").encode("gb18030")
    assert extract(body, content_type="text/html").title == "朱镕基 政务公开"


def test_utf8_bom_wins_over_declarations():
    body = b"\xef\xbb\xbf" + GBK_PAGE.encode("utf-8")
    page = extract(body, content_type="text/html; charset=gbk")
    assert page.encoding == "utf-8"
    assert page.title == "兴庆区人民政府 政务公开"


def test_header_charset_before_meta():
    decoded = decode_html(GBK_PAGE.encode("gbk"), "text/html; charset=GBK")
    assert (decoded.encoding, decoded.codec, decoded.source) == ("gbk", "gb18030", "header")


def test_server_default_header_yields_to_meta():
    # Tomcat's default ISO-8859-1 is not a statement about the page
    decoded = decode_html(GBK_PAGE.encode("gbk"), "text/html;charset=ISO-8859-1")
    assert decoded.encoding == "gb2312"
    assert "兴庆区" in decoded.text


def test_utf8_page_that_still_declares_gb2312():
    decoded = decode_html(GBK_PAGE.encode("utf-8"), None)
    assert decoded.encoding == "utf-8"
    assert "兴庆区人民政府" in decoded.text


def test_truncated_utf8_is_still_utf8():
    body = GBK_PAGE.replace("charset=gb2312", "").encode("utf-8") + "政".encode()[:2]
    decoded = decode_html(body, None)
    assert decoded.encoding == "utf-8"
    assert decoded.text.endswith("</html>")


def test_undecodable_bytes_are_replaced_not_lost():
    body = b"<p>\xe4\xb8\xad\xff\xfe\xe6\x96\x87</p>" * 3
    decoded = decode_html(body, "text/html; charset=utf-8")
    assert decoded.text.count("中") == 3 and decoded.text.count("文") == 3


def test_helpers():
    assert charset_from_content_type('text/html; charset="GB2312"') == "GB2312"
    assert charset_from_content_type("text/html") is None
    assert normalise_charset("x-gbk") == ("gbk", "gb18030")
    assert normalise_charset("UTF8") == ("utf-8", "utf-8")
    assert normalise_charset("no-such-charset") is None
    assert normalise_charset("utf-16") is None  # a meta tag cannot truthfully say so
    assert looks_binary(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    assert not looks_binary(GBK_PAGE.encode("gbk"))
