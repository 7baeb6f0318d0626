"""Garbage in: ``extract_html`` never raises, and says why when it read nothing."""

from __future__ import annotations

import random

import pytest

from tests.crawler.extract_helpers import extract


def test_script_in_title_is_kept_as_text():
    page = extract(
        "<html><head><title><script>alert(1)</script></title></head><body><p>正文</p></body></html>"
    )
    assert page.title == "<script>alert(1)</script>"
    assert page.links == []
    assert page.text == "正文"


def test_entities_in_title_are_decoded():
    assert extract("<title>通知 &amp; 公告 &lt;2023&gt;</title>").title == "通知 & 公告 <2023>"


@pytest.mark.parametrize("body", [b"", b"   \r\n\t "])
def test_empty_body_has_no_facts_and_no_error(body):
    page = extract(body)
    assert page.error is None
    assert (page.text, page.links, page.title, page.doc) == ("", [], None, None)


def test_binary_body_is_an_error():
    rng = random.Random(7)
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(rng.randrange(256) for _ in range(4000))
    page = extract(png, content_type="text/html")
    assert page.error and "HTML" in page.error
    assert page.links == []


def test_random_bytes_never_raise():
    rng = random.Random(11)
    for size in (1, 7, 100, 5000):
        for _ in range(5):
            body = bytes(rng.randrange(256) for _ in range(size))
            page = extract(body, content_type="text/html")
            assert page.error is None or page.error.startswith(("解析失败", "解析不完整"))


@pytest.mark.parametrize(
    "body",
    [
        b"<" * 5000,
        b"<html><body>" + b"<div>" * 20000 + b"deep" + b"</div>" * 20000,
        b"<html><body>" + b"<a href='/x'>" * 3000 + b"</body></html>",
        b"<?xml version='1.0' encoding='gb2312'?><html><body><a href='x.html'>x</a></body></html>",
        b"<p>\x00\x01\x02 control characters \x1f</p>",
        b"<table><tr><td>\xff\xfe\xfd</td></tr></table>",
        "<p>中文</p>".encode("utf-16"),
        b"<a href='http://[::1'>bad ipv6</a><a href='http://exa mple.gov.cn/'>space</a><img src='http://:80/'>",
        b"<script>createPageHTML(999999999, 0, 'index', 'html');</script>",
    ],
)
def test_hostile_markup_never_raises(body):
    page = extract(body, content_type="text/html")
    assert page.error is None or page.error.startswith(("解析失败", "解析不完整"))


def test_huge_page_count_is_capped():
    page = extract(
        b"<script>createPageHTML(999999999, 0, 'index', 'html');</script>", url="http://www.xq.gov.cn/l/"
    )
    assert 0 < len(page.pagination) <= 2000


def test_xml_declaration_with_encoding_is_parsed():
    page = extract(b"<?xml version='1.0' encoding='gb2312'?><html><body><a href='x.html'>x</a></body></html>")
    assert [link.url for link in page.links] == ["http://www.xq.gov.cn/zwgk/tzgg/202310/x.html"]


def test_text_excludes_script_style_and_collapses_whitespace():
    html = """<html><head><title>t</title><style>p{color:red}</style></head><body>
    <script>var secret = "13800000000";</script><noscript>请启用脚本</noscript>
    <p>第一段
       文字</p><p>第二段</p><!-- 注释 -->尾巴</body></html>"""
    assert extract(html).text == "第一段 文字 第二段 尾巴"


def test_text_is_capped():
    page = extract("<p>" + "字" * 300_000 + "</p>")
    assert len(page.text) == 200_000
