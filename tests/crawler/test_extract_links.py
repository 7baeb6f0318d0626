"""Links: which tags count, normalisation, duplicates, regions, hidden links, fragments."""

from __future__ import annotations

import pytest

from crawler.extract.links import hidden_by_style
from crawler.extract.regions import classify, split_tokens
from govcrawl.model import Region
from tests.crawler.extract_helpers import extract, links_by_text

PORTAL = """<html><head><link rel="stylesheet" href="/css/main.css"><link rel="shortcut icon" href="/favicon.ico">
<link rel="alternate" href="/rss.xml"><link rel="preload" href="/font.woff2"><script src="/js/jquery.js"></script></head>
<body>
<div class="header"><div class="logo"><a href="/"><img src="/images/logo.png" alt="兴庆区人民政府"></a></div></div>
<div id="mainNav"><ul><li><a href="/zwgk/">政务公开</a></li><li><a href="/zwfw/">政务服务</a></li></ul></div>
<div class="bt-position">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a> &gt; <a href="/zwgk/tzgg/">通知公告</a></div>
<div class="content">
  <div class="heading-box"><a href="/zwgk/heading.html">Heading link</a></div>
  <div class="topic"><a href="/zt/topic1/">专题一</a></div>
  <ul class="news-top"><li><a href="/zwgk/tzgg/202309/t1.html">置顶通知</a></li></ul>
  <div class="top"><a href="/zwgk/xxgk.html">信息公开目录</a></div>
  <div class="TRS_Editor"><div class="header"><a href="/in/article.html">正文内链接</a></div>
    <p><a href="#sec2">见第二节</a><a name="sec2"></a><span id="note1">注</span>
    <a href="http://Evil.Example.com:80/x?b=2&amp;a=1#frag" style="position:absolute; left:-9999px">隐藏</a>
    <a href="javascript:void(0)">打印</a><a href="mailto:a@xq.gov.cn">邮件</a><a href="tel:0951123">电话</a></p>
    <video src="/v/a.mp4" poster="/v/a.jpg"></video><iframe src="https://www.gov.cn/"></iframe>
    <object data="/f/a.swf"></object><embed src="/f/b.swf"><audio><source src="/a/1.mp3"></audio>
  </div>
  <div class="footer-share"><a href="/share/">分享</a></div>
</div>
<div class="bottom"><div class="copyright"><a href="https://beian.miit.gov.cn/">宁ICP备12345678号</a></div>
<a href="/">首页</a></div>
</body></html>"""


@pytest.fixture(scope="module")
def page():
    return extract(PORTAL)


def test_links_checked_by_the_contract(page):
    tags = {(link.tag, link.attr, link.url) for link in page.links}
    base = "http://www.xq.gov.cn"
    for expected in [
        ("link", "href", f"{base}/css/main.css"),
        ("link", "href", f"{base}/favicon.ico"),
        ("script", "src", f"{base}/js/jquery.js"),
        ("img", "src", f"{base}/images/logo.png"),
        ("video", "src", f"{base}/v/a.mp4"),
        ("video", "poster", f"{base}/v/a.jpg"),
        ("iframe", "src", "https://www.gov.cn/"),
        ("object", "data", f"{base}/f/a.swf"),
        ("embed", "src", f"{base}/f/b.swf"),
        ("source", "src", f"{base}/a/1.mp3"),
    ]:
        assert expected in tags, expected
    urls = {link.url for link in page.links}
    assert f"{base}/rss.xml" not in urls and f"{base}/font.woff2" not in urls  # not stylesheet/icon
    assert not any(link.url.startswith(("javascript", "mailto", "tel")) for link in page.links)


def test_normalised_with_fragment_apart(page):
    hidden = next(link for link in page.links if link.text == "隐藏")
    assert hidden.url == "http://evil.example.com/x?a=1&b=2"
    assert hidden.fragment == "frag"
    own = next(link for link in page.links if link.text == "见第二节")
    assert own.url == "http://www.xq.gov.cn/zwgk/tzgg/202310/t20231009_1.html" and own.fragment == "sec2"
    assert {"sec2", "note1", "mainNav"} <= page.anchors


def test_duplicates_kept_once_first_wins(page):
    home = [link for link in page.links if link.url == "http://www.xq.gov.cn/" and link.tag == "a"]
    assert len(home) == 1
    assert home[0].region is Region.HEADER  # the logo link comes first
    assert home[0].text == "兴庆区人民政府"  # an image link takes the img alt


def test_regions(page):
    by_text = links_by_text(page)
    assert by_text["政务服务"].region is Region.NAV  # id="mainNav" (camelCase split)
    assert by_text["通知公告"].region is Region.NAV  # breadcrumb container
    assert by_text["宁ICP备12345678号"].region is Region.FOOTER
    # look-alikes inside the content: whole tokens only, weak tokens stop at the content
    assert by_text["Heading link"].region is Region.BODY
    assert by_text["专题一"].region is Region.BODY
    assert by_text["置顶通知"].region is Region.BODY
    assert by_text["信息公开目录"].region is Region.BODY
    assert by_text["正文内链接"].region is Region.BODY  # a "header" div inside TRS_Editor
    assert by_text["分享"].region is Region.FOOTER  # strong token: footer-share is template
    assert all(link.region is Region.HEADER for link in page.links if link.tag in ("link",))


def test_hidden_by_inline_style_on_element_or_ancestor(page):
    by_text = links_by_text(page)
    assert by_text["隐藏"].hidden
    assert not by_text["见第二节"].hidden
    html = """<div style="display: none"><p><a href="http://casino.example/">x</a></p></div>
    <a href="/ok.html" style="width:100px;line-height:0">ok</a>"""
    links = {link.text: link for link in extract(html).links}
    assert links["x"].hidden and not links["ok"].hidden


@pytest.mark.parametrize(
    ("style", "hidden"),
    [
        ("display:none", True),
        ("DISPLAY : NONE;", True),
        ("visibility:hidden", True),
        ("width:0;height:0;overflow:hidden", True),
        ("height: 0px", True),
        ("position:absolute;left:-9999px", True),
        ("margin-top:-1000px", True),
        ("text-indent:-9999px", False),  # image replacement: the link stays visible
        ("line-height:0", False),
        ("min-width:0", False),
        ("width:0.5em", False),
        ("margin-right:12px", False),
        ("opacity:0", False),  # gov.cn's click areas over banners use it
    ],
)
def test_hidden_styles(style, hidden):
    assert hidden_by_style(style) is hidden


def test_frames_and_image_maps_are_links():
    html = """<frameset><frame src="top.html"><frame src="/main.html"></frameset>"""
    assert [(link.tag, link.url) for link in extract(html, url="http://www.xq.gov.cn/").links] == [
        ("frame", "http://www.xq.gov.cn/top.html"),
        ("frame", "http://www.xq.gov.cn/main.html"),
    ]
    html = """<img src="/map.png" usemap="#m"><map name="m"><area href="/xq/yc.html" alt="银川"></map>"""
    area = extract(html).links[-1]
    assert (area.tag, area.url, area.text) == ("area", "http://www.xq.gov.cn/xq/yc.html", "银川")


def test_base_href_is_honoured():
    html = '<html><head><base href="http://www.xq.gov.cn/other/dir/"></head><body><a href="a.html">a</a></body></html>'
    assert extract(html).links[0].url == "http://www.xq.gov.cn/other/dir/a.html"


def test_anchor_text_is_collapsed_and_capped():
    html = (
        '<a href="/x.html">  关于\n\n  印发<span>《办法》</span>的通知  </a>'
        + f'<a href="/y.html">{"长" * 500}</a>'
    )
    links = extract(html).links
    assert links[0].text == "关于 印发《办法》的通知"
    assert len(links[1].text) == 200


def test_token_split_and_classification():
    assert split_tokens("header_szf") == ["header", "szf"]
    assert split_tokens("sideMenu") == ["side", "menu"]
    assert split_tokens("top1") == ["top"]
    assert classify("div", None, "news-top-list").strong is None
    assert classify("div", None, "news-top-list").weak is None
    assert classify("div", None, "zwxxgk_top").weak is Region.HEADER
    assert classify("div", None, "dhlm clearfix").strong is Region.NAV
    assert classify("td", "UCAP-CONTENT", "b12c").content == 2
    assert classify("footer", None, None).strong is Region.FOOTER
