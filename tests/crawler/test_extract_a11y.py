"""Static accessibility pass (axe-core rule ids) and template fingerprint: rules and look-alikes,
regions, selectors that find exactly their element (lxml cssselect and a real Chromium), GBK pages."""

from __future__ import annotations

import json

import pytest
from lxml import etree
from lxml.cssselect import CSSSelector

from crawler.extract.a11y import MAX_NODES_PER_RULE, contrast_ratio, css_escape, parse_color, static_a11y
from crawler.extract.encoding import decode_html
from crawler.extract.page import _parse
from crawler.extract.scan import scan_tree
from crawler.extract.template import skeleton, template_fingerprint
from govcrawl.model import Region
from tests.crawler.extract_helpers import FIXTURES, extract

HEAD = '<html lang="zh-CN"><head><meta charset="utf-8"><title>测试页</title></head>'


def page_nodes(body: str, head: str = HEAD) -> list:
    return extract(head + "<body>" + body + "</body></html>").a11y


def rules(body: str, head: str = HEAD) -> list[str]:
    return [node.rule for node in page_nodes(body, head)]


def by_rule(body: str, rule: str, head: str = HEAD) -> list:
    return [node for node in page_nodes(body, head) if node.rule == rule]


# --------------------------------------------------------------------------- rules


def test_clean_page_has_no_nodes():
    body = """<div class="header"><a href="/"><img src="logo.png" alt="某某市人民政府"></a></div>
    <p>正文 <img src="line.png" alt=""> <a href="/a.html">链接</a></p>"""
    assert rules(body) == []


@pytest.mark.parametrize(
    ("html", "fails"),
    [
        ('<img src="a.png">', True),
        ('<img src="a.png" alt="">', False),  # decorative
        ('<img src="a.png" alt=" ">', True),  # alt-space-value
        ('<img src="a.png" aria-label="市徽">', False),
        ('<img src="a.png" title="市徽">', False),
        ('<img src="a.png" title=" ">', True),
        ('<img src="a.png" role="presentation">', False),
        ('<img src="a.png" role="none">', False),
        ('<span id="cap">市徽</span><img src="a.png" aria-labelledby="cap">', False),
        ('<img src="a.png" aria-labelledby="nothing">', True),
        ('<img src="a.png" style="display:none">', False),  # hidden: axe skips it
        ('<div hidden><img src="a.png"></div>', False),
    ],
)
def test_image_alt(html, fails):
    assert ("image-alt" in rules(html)) is fails


@pytest.mark.parametrize(
    ("html", "fails"),
    [
        ('<input type="image" src="go.png">', True),
        ('<input type="IMAGE" src="go.png" alt="">', True),
        ('<input type="image" src="go.png" alt="搜索">', False),
        ('<input type="image" src="go.png" title="搜索">', False),
        ('<label>搜索<input type="image" src="go.png"></label>', False),
    ],
)
def test_input_image_alt(html, fails):
    assert ("input-image-alt" in rules(html)) is fails


def test_html_lang_and_title():
    assert "html-has-lang" in rules("<p>x</p>", head="<html><head><title>t</title></head>")
    assert "html-has-lang" in rules("<p>x</p>", head='<html lang=" "><head><title>t</title></head>')
    only_xml = by_rule("<p>x</p>", "html-has-lang", head='<html xml:lang="zh"><head><title>t</title></head>')
    assert only_xml and "xml:lang" in only_xml[0].detail
    for lang, fails in [("zh-CN", False), ("zh", False), ("en", False), ("zh-cmn-Hans", False),
                        ("zh_CN", True), ("cn", True), ("utf8", True), ("chinese", True)]:
        found = rules("<p>x</p>", head=f'<html lang="{lang}"><head><title>t</title></head>')
        assert ("html-lang-valid" in found) is fails, lang
        assert "html-has-lang" not in found
    assert "document-title" in rules("<p>x</p>", head='<html lang="zh"><head></head>')
    empty = by_rule("<p>x</p>", "document-title", head='<html lang="zh"><head><title> \u3000</title></head>')
    assert empty and empty[0].selector == "html" and empty[0].region is Region.HEADER


@pytest.mark.parametrize(
    ("html", "fails"),
    [
        ('<a href="/x"></a>', True),
        ('<a href="/x"> &nbsp; </a>', True),
        ('<a href="/x"><img src="i.png"></a>', True),
        ('<a href="/x"><img src="i.png" alt=""></a>', True),
        ('<a href="/x"><img src="i.png" alt="首页"></a>', False),
        ('<a href="/x"><span>首页</span></a>', False),
        ('<a href="/x" aria-label="首页"></a>', False),
        ('<a href="/x" title="首页"></a>', False),
        ('<a href="/x" style="display:none"></a>', False),  # hidden
        ('<div style="display: none"><a href="/x"></a></div>', False),
        ('<a name="top"></a>', False),  # no href: not a link
        ('<a href="/x"><i class="icon"></i></a>', True),
    ],
)
def test_link_name(html, fails):
    assert ("link-name" in rules(html)) is fails


@pytest.mark.parametrize(
    ("html", "rule", "fails"),
    [
        ("<button></button>", "button-name", True),
        ('<button><img src="s.png"></button>', "button-name", True),
        ('<button><img src="s.png" alt="搜索"></button>', "button-name", False),
        ("<button>搜索</button>", "button-name", False),
        ('<button title="搜索"></button>', "button-name", False),
        ('<input type="submit">', "input-button-name", False),  # the browser's default "提交"
        ('<input type="reset">', "input-button-name", False),
        ('<input type="submit" value="">', "input-button-name", True),
        ('<input type="button">', "input-button-name", True),
        ('<input type="button" value="搜索">', "input-button-name", False),
        ('<input type="button" aria-label="搜索">', "input-button-name", False),
    ],
)
def test_button_names(html, rule, fails):
    assert (rule in rules(html)) is fails


@pytest.mark.parametrize(
    ("html", "fails"),
    [
        ('<input type="text" name="q">', True),
        ('<input name="q">', True),  # no type: a text field
        ('<input type="text" value="请输入关键字" onfocus="this.value=\'\'">', True),  # value is no label
        ('<input type="text" placeholder="请输入关键字">', False),  # axe 4.10 counts a placeholder
        ('<input type="text" placeholder=" ">', True),
        ('<label>关键字 <input type="text"></label>', False),  # wrapping label
        ('<label><input type="text"></label>', True),  # a label with no text
        ('<label for="q">关键字</label><input id="q" type="text">', False),
        ('<input id="q" type="text"><label for="q">关键字</label>', False),  # label after the field
        ('<input type="text" title="关键字">', False),
        ('<input type="text" aria-label="关键字">', False),
        ('<input type="hidden" name="x">', False),
        ('<input type="checkbox">', True),
        ("<textarea></textarea>", True),
        ('<textarea placeholder="留言内容"></textarea>', False),
        ('<input type="text" style="display:none">', False),
    ],
)
def test_label(html, fails):
    assert ("label" in rules(html)) is fails


def test_select_name_ignores_placeholder():
    assert rules('<select placeholder="x"><option>a</option></select>') == ["select-name"]
    assert rules('<label>栏目<select><option>a</option></select></label>') == []
    assert rules('<select title="栏目"><option>a</option></select>') == []


@pytest.mark.parametrize(
    ("html", "fails"),
    [
        ('<iframe src="/a.html"></iframe>', True),
        ('<iframe src="/a.html" title=" "></iframe>', True),
        ('<iframe src="/a.html" title="天气"></iframe>', False),
        ('<iframe src="/a.html" aria-label="天气"></iframe>', False),
        ('<iframe src="/a.html" tabindex="-1"></iframe>', False),
        ('<iframe src="/a.html" role="presentation"></iframe>', False),
        ('<iframe src="/a.html" style="display:none"></iframe>', False),
    ],
)
def test_frame_title(html, fails):
    assert ("frame-title" in rules(html)) is fails


def test_duplicate_ids_report_later_elements():
    found = page_nodes('<div id="a">1</div><div id="a">2</div><p id="a">3</p><div id="b"></div>')
    dups = [node for node in found if node.rule == "duplicate-id"]
    assert [node.html for node in dups] == ['<div id="a">', '<p id="a">']
    assert all(not node.selector.startswith("#") for node in dups)  # #a is not unique
    aria = page_nodes('<label for="q">词</label><input id="q" placeholder="x"><span id="q"></span>')
    assert [node.rule for node in aria if node.rule.startswith("duplicate")] == ["duplicate-id-aria"]


@pytest.mark.parametrize(
    ("html", "fails"),
    [
        ("<h2></h2>", True),
        ('<h3><a href="/x"></a></h3>', True),
        ('<h1><img src="t.png" alt="通知公告"></h1>', False),
        ("<h1>通知公告</h1>", False),
        ('<h2 title="通知"></h2>', False),
        ('<h2 role="presentation"></h2>', False),
        ('<h2 style="display:none"></h2>', False),
    ],
)
def test_empty_heading(html, fails):
    assert ("empty-heading" in rules(html)) is fails


GOVCN_INFO_TABLE = """<table width="860" border="0" cellpadding="0" cellspacing="0" class="bd1"><tbody>
<tr><td><b>索 引 号：</b></td><td>000014349/2018-00216</td><td><b>主题分类：</b></td><td>司法</td></tr>
<tr><td><b>发文机关：</b></td><td>国务院办公厅</td><td><b>成文日期：</b></td><td>2018年12月04日</td></tr>
<tr><td><b>标　　题：</b></td><td colspan="3">关于全面推行行政规范性文件合法性审核机制的指导意见</td></tr>
<tr><td><b>发文字号：</b></td><td>国办发〔2018〕115号</td><td><b>发布日期：</b></td><td>2018年12月20日</td></tr>
</tbody></table>"""


def _grid(rows: int, cols: int, attrs: str = "", header: bool = False) -> str:
    head = "<tr>" + "".join(f"<th>列{c}</th>" for c in range(cols)) + "</tr>" if header else ""
    body = "".join("<tr>" + "".join(f"<td>格{r}{c}</td>" for c in range(cols)) + "</tr>" for r in range(rows))
    return f"<table {attrs}>{head}{body}</table>"


@pytest.mark.parametrize(
    ("html", "fails"),
    [
        (GOVCN_INFO_TABLE, True),  # label/value cells in td: a data table without headers
        (GOVCN_INFO_TABLE.replace("<td><b>", '<th scope="row"><b>').replace("</b></td>", "</b></th>"), False),
        (_grid(3, 3, 'border="1"'), True),
        (_grid(3, 3, 'border="1"', header=True), False),
        (_grid(3, 3, 'border="0"'), False),  # no sign of data: layout
        (_grid(2, 2, 'border="1"'), False),  # below axe's 3 x 3 gate
        (_grid(4, 6), True),  # >= 5 columns
        (_grid(25, 3), True),  # >= 20 rows
        (_grid(3, 3, 'border="1" role="presentation"'), False),
        (_grid(3, 3, 'border="1" datatable="0"'), False),
        ("<table summary='统计'>" + _grid(3, 3)[7:], True),
        (_grid(4, 6).replace("<td>格00</td>", "<td><table><tr><td>x</td></tr></table></td>"), False),  # nested
        (_grid(4, 6).replace("<td>格00</td>", '<td><input name="q"></td>'), False),  # a form layout
        (_grid(3, 3, 'border="1"').replace("<table", '<table style="display:none"'), False),
    ],
)
def test_td_has_header(html, fails):
    assert ("td-has-header" in rules(html)) is fails


def test_one_node_per_table():
    assert rules(_grid(30, 8, 'border="1"')).count("td-has-header") == 1


@pytest.mark.parametrize(
    ("html", "fails"),
    [
        ('<p style="color:#999;background:#fff">说明文字</p>', True),  # 2.84:1
        ('<p style="color:#767676;background-color:#ffffff">说明</p>', False),  # 4.54:1
        ('<p style="color:#777777;background:#fff">说明</p>', True),  # 4.48:1
        ('<div style="background:#ffffff"><p style="color:rgb(153,153,153)">文字</p></div>', True),
        ('<div style="background:#fff url(bg.png) no-repeat"><p style="color:#999">文字</p></div>', False),
        ('<div style="background:#fff"><p style="color:rgba(0,0,0,.3)">文字</p></div>', False),  # alpha
        ('<p style="color:#999">没有背景</p>', False),
        ('<div style="color:#999;background:#fff"><p>继承的颜色</p></div>', True),
        ('<div style="color:#999;background:#fff"><p class="date">样式表可能改色</p></div>', False),
        ('<div style="color:#999;background:#fff"><a href="/x">链接是蓝色</a></div>', False),
        ('<div style="color:#999;background:#fff"></div>', False),  # no text
        ('<table><tr><td bgcolor="#ffffff"><font color="#cccccc">旧式</font></td></tr></table>', True),
        ('<table><tr><td bgcolor="#ffffff" class="c"><font color="#cccccc">旧式</font></td></tr></table>', False),
        ('<p style="COLOR: #AAAAAA; BACKGROUND-COLOR: WHITE">大写样式</p>', True),
        # large text: 3:1 is enough (#949494 on white is 3.03:1)
        ('<p style="color:#949494;background:#fff;font-size:24px">大字</p>', False),
        ('<p style="color:#949494;background:#fff;font-size:18pt">大字</p>', False),
        ('<p style="color:#949494;background:#fff;font-size:19px;font-weight:bold">粗体</p>', False),
        ('<p style="color:#949494;background:#fff;font-size:19px">不够大</p>', True),
        ('<p style="color:#949494;background:#fff;font-size:23px">不够大</p>', True),
        ('<h1 style="color:#949494;background:#fff">标题</h1>', False),
        ('<p style="color:#ccc;background:#fff;font-size:30px">太浅</p>', True),  # 1.6:1 < 3
        ('<p style="color:#999;background:#fff;display:none">隐藏</p>', False),
    ],
)
def test_color_contrast(html, fails):
    assert ("color-contrast" in rules(html)) is fails


def test_color_contrast_detail_and_target():
    node = by_rule('<div style="background:#fff"><span style="color:#999">浅灰</span></div>', "color-contrast")[0]
    assert node.detail == "对比度 2.84:1（#999999/#ffffff，需 ≥4.5:1）"
    assert node.html == '<span style="color:#999">'


def test_colour_helpers():
    assert parse_color("#FFF") == (255, 255, 255)
    assert parse_color("rgb(100%, 0%, 0%)") == (255, 0, 0)
    assert parse_color("transparent") == "transparent"
    assert parse_color("var(--x)") == "unknown"
    assert parse_color("inherit") is None
    assert round(contrast_ratio((0, 0, 0), (255, 255, 255)), 2) == 21.0
    assert round(contrast_ratio((153, 153, 153), (255, 255, 255)), 2) == 2.85


def test_marquee_blink_media():
    assert rules("<marquee>通知</marquee><blink>新</blink>") == ["marquee", "blink"]
    assert rules('<video src="a.mp4" autoplay></video>') == ["no-autoplay-audio", "video-caption"]  # no captions either
    assert rules('<audio autoplay><source src="a.mp3"></audio>') == ["no-autoplay-audio"]
    assert rules('<video src="a.mp4" autoplay muted></video>') == []
    assert rules('<video src="a.mp4" autoplay controls></video>') == ["video-caption"]
    assert rules('<video src="a.mp4"></video>') == ["video-caption"]
    assert rules("<video autoplay></video>") == []  # nothing to play


@pytest.mark.parametrize(
    ("meta", "rule"),
    [
        ('<meta http-equiv="refresh" content="5">', "meta-refresh"),
        ('<meta http-equiv="Refresh" content="300;url=/index.html">', "meta-refresh"),
        ('<meta http-equiv="refresh" content="0;url=/index.html">', None),  # an immediate redirect
        ('<meta http-equiv="refresh" content="72001">', None),  # over 20 hours
        ('<meta name="viewport" content="width=device-width, user-scalable=no">', "meta-viewport"),
        ('<meta name="viewport" content="width=device-width, user-scalable=0">', "meta-viewport"),
        ('<meta name="viewport" content="width=device-width, maximum-scale=1.0">', "meta-viewport"),
        ('<meta name="viewport" content="width=device-width; maximum-scale=yes">', "meta-viewport"),
        ('<meta name="viewport" content="width=device-width, initial-scale=1, maximum-scale=5">', None),
        ('<meta name="viewport" content="width=device-width, user-scalable=yes">', None),
    ],
)
def test_meta_rules(meta, rule):
    found = rules("<p>x</p>", head=f'<html lang="zh"><head><title>t</title>{meta}</head>')
    assert found == ([rule] if rule else [])
    if rule:
        node = by_rule("<p>x</p>", rule, head=f'<html lang="zh"><head><title>t</title>{meta}</head>')[0]
        assert node.region is Region.HEADER and node.selector.startswith("head >")


def test_noscript_and_svg_contents_are_skipped():
    assert rules('<noscript><img src="t.gif"></noscript><svg><a href="/x"></a></svg>') == []


# --------------------------------------------------------------------------- regions, shape, caps


def test_regions_of_template_parts():
    body = """<div class="header"><form><input type="text" name="q"><button></button></form></div>
    <div id="mainNav"><a href="/zwgk/"><img src="n.png"></a></div>
    <div class="content"><div class="TRS_Editor"><div class="footer"><img src="in-article.png"></div></div></div>
    <div class="footer"><a href="http://bszs.conac.cn/"><img src="red.png"></a></div>"""
    found = {(node.rule, node.html.split()[0], node.region) for node in page_nodes(body)}
    assert ("label", "<input", Region.HEADER) in found  # the unlabelled header search box
    assert ("button-name", "<button>", Region.HEADER) in found
    assert ("link-name", "<a", Region.NAV) in found
    assert ("image-alt", "<img", Region.BODY) in found  # inside the article text: body
    assert ("link-name", "<a", Region.FOOTER) in found


def test_node_fields():
    node = by_rule('<div class="x"><img src="/a.png" data-x="' + "y" * 400 + '"></div>', "image-alt")[0]
    assert node.source == "static" and node.impact is None and node.help == ""
    assert node.html.startswith('<img src="/a.png"') and len(node.html) <= 300
    assert node.detail == "缺少 alt 属性"
    assert node.selector == "body > div.x > img"


def test_cap_per_rule():
    found = page_nodes('<img src="a.png">' * (MAX_NODES_PER_RULE + 30) + '<a href="/x"></a>')
    assert [node.rule for node in found].count("image-alt") == MAX_NODES_PER_RULE
    assert "link-name" in [node.rule for node in found]


def test_css_escape():
    assert css_escape("2021") == "\\32 021"
    assert css_escape("a:b.c") == "a\\:b\\.c"
    assert css_escape("-") == "\\-"
    assert css_escape("-1x") == "-\\31 x"
    assert css_escape("搜索框") == "搜索框"


def test_selectors_unique_on_awkward_ids_and_bare_table_rows():
    body = """<div id="2021"><img src="a"></div><div id="a:b c"><img src="b"></div>
    <table><tr><td><img src="c"></td></tr><tr><td><img src="d"></td></tr></table>
    <ul><li><a href="/1"></a></li><li><a href="/2"></a></li></ul>"""
    html = HEAD + "<body>" + body + "</body></html>"
    root = _parse(html)
    nodes = static_a11y(root)
    assert any(" > tbody > tr:nth-child(2) > td > img" in node.selector for node in nodes)
    _assert_unique(root, nodes)


def _browser_tables(root) -> None:
    """Wrap bare ``tr`` runs of tables in a ``tbody``, as a browser's parser does (lxml does not)."""
    for table in list(root.iter("table")):
        run = None
        for child in list(table):
            if child.tag == "tr":
                if run is None:
                    run = etree.Element("tbody")
                    child.addprevious(run)
                run.append(child)
            elif isinstance(child.tag, str):
                run = None


def _assert_unique(root, nodes) -> None:
    _browser_tables(root)
    for node in nodes:
        matched = CSSSelector(node.selector)(root)
        assert len(matched) == 1, node.selector
        assert node.html.startswith("<" + matched[0].tag), (node.selector, node.html)


# --------------------------------------------------------------------------- real pages


FIXTURE_NAMES = sorted(path.name for path in FIXTURES.glob("*.html"))


def _fixture_root(name: str):
    return _parse(decode_html((FIXTURES / name).read_bytes(), "text/html").text)


@pytest.mark.parametrize("name", FIXTURE_NAMES)
def test_fixture_selectors_match_exactly_one_element(name):
    root = _fixture_root(name)
    nodes = static_a11y(root)
    assert nodes
    _assert_unique(root, nodes)


def test_fixture_findings():
    page = extract((FIXTURES / "handan-xxgk-gkzn.html").read_bytes(), content_type="text/html")
    found = {(node.rule, node.selector) for node in page.a11y}
    assert ("label", "#keyword") in found  # placeholder="" does not count
    assert ("button-name", "#schform > button.inp1ss") in found
    assert ("image-alt", "#imgConac") in found  # the 党政机关 badge in the footer
    assert any(rule == "duplicate-id" for rule, _ in found)
    listing = extract((FIXTURES / "handan-xxgk-list.html").read_bytes(), content_type="text/html")
    assert ("select-name", "#select") in {(node.rule, node.selector) for node in listing.a11y}
    govcn = extract(
        (FIXTURES / "govcn-2018-guobanfa-115-normative-review.fragment.html").read_bytes(), content_type="text/html"
    )
    tables = [node for node in govcn.a11y if node.rule == "td-has-header"]
    assert len(tables) == 1 and "bd1" in tables[0].html  # only the 信息公开 header, not the layout
    assert ("frame-title", "#frame_content") in {(node.rule, node.selector) for node in govcn.a11y}


def test_selectors_in_chromium():
    """The served HTML in a real browser parser (implied tbody, head/body fix-ups): every
    selector finds exactly one element, of the recorded tag."""
    from tests.browser import chromium

    pages = []
    for name in FIXTURE_NAMES:
        text = decode_html((FIXTURES / name).read_bytes(), "text/html").text
        pages.append((name, text, [(node.selector, node.html) for node in static_a11y(_parse(text))]))
    script = """
    const out = [];
    for (const [html, selectors] of arguments[0]) {
      const doc = new DOMParser().parseFromString(html, 'text/html');
      out.push(selectors.map(s => {
        const all = doc.querySelectorAll(s);
        return [all.length, all.length ? all[0].tagName.toLowerCase() : ''];
      }));
    }
    return JSON.stringify(out);"""
    with chromium() as driver:
        driver.get("about:blank")
        payload = [[text, [sel for sel, _ in nodes]] for _, text, nodes in pages]
        results = json.loads(driver.execute_script(script, payload))
    for (name, _, nodes), result in zip(pages, results, strict=True):
        for (selector, html), (count, tag) in zip(nodes, result, strict=True):
            assert count == 1, (name, selector, count)
            assert html.startswith("<" + tag), (name, selector, tag)


def test_gbk_page():
    html = (
        '<html lang="zh-CN"><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">'
        "<title>政府信息公开</title></head><body><div class=\"top\"><img src=\"/logo.gif\"></div>"
        '<div class="search"><input type="text" name="q" value="请输入关键字"></div>'
        '<p style="color:#999999;background:#ffffff">发布日期：2023年10月09日</p></body></html>'
    )
    page = extract(html.encode("gbk"), content_type="text/html")
    assert page.encoding and page.encoding.lower() in ("gbk", "gb2312", "gb18030")
    found = {(node.rule, node.region) for node in page.a11y}
    assert found == {("image-alt", Region.HEADER), ("label", Region.BODY), ("color-contrast", Region.BODY)}
    contrast = next(node for node in page.a11y if node.rule == "color-contrast")
    assert contrast.html == '<p style="color:#999999;background:#ffffff">'
    assert page.template


def test_extract_sets_both_fields_and_survives_garbage():
    page = extract('<html><body><img src="a"></body></html>')
    assert page.template and len(page.template) == 16
    assert [node.rule for node in page.a11y] == ["html-has-lang", "image-alt", "document-title"]
    assert extract(b"\x00\x01\x02binary").a11y == []


# --------------------------------------------------------------------------- template fingerprint


ARTICLE = """<html><head><title>{title}</title><script>var x={n};</script></head><body>
<div class="header"><div class="logo"><img src="/logo.png" alt="某市"></div>
  <div class="search"><form><input name="q"></form></div></div>
<div id="nav"><ul>{menu}</ul></div>
<div class="container content"><div class="position">当前位置：<a href="/">首页</a></div>
  <div class="art_{n}"><h1>{title}</h1><div class="info">发布日期：2023-10-0{n}</div>
    <div class="TRS_Editor">{body}</div></div></div>
<div class="footer"><p>主办单位</p></div></body></html>"""

LISTING = """<html><head><title>通知公告</title></head><body>
<div class="header"><div class="logo"><img src="/logo.png" alt="某市"></div>
  <div class="search"><form><input name="q"></form></div></div>
<div id="nav"><ul><li><a href="/1">一</a></li><li><a href="/2">二</a></li></ul></div>
<div class="container content"><div class="position">当前位置：<a href="/">首页</a></div>
  <div class="list-{n}"><ul>{rows}</ul><div class="page">共 5 页</div></div></div>
<div class="footer"><p>主办单位</p></div></body></html>"""

OLD_TABLE = """<html><body><table width="1000"><tr><td><img src="/banner.gif"></td></tr></table>
<table width="1000"><tr><td width="200"><table><tr><td>导航</td></tr></table></td>
<td><table><tr><td class="title">标题</td></tr><tr><td class="zoom">{body}</td></tr></table></td></tr></table>
</body></html>"""

HANWEB = """<html><body><div id="barrierfree_container"><div class="top_box"><div class="w1200"></div></div>
<div class="main"><div class="bt-article"><div id="zoom">{body}</div></div></div>
<div class="bottom"></div></div></body></html>"""


def _fp(html: str) -> str:
    return template_fingerprint(_parse(html))


def _article(n: int, paragraphs: int, menu: int = 8) -> str:
    body = "".join(f"<p>第{i}段<img src='/{i}.jpg'></p>" for i in range(paragraphs))
    if paragraphs > 10:
        body += "<table><tr><td>附表</td></tr></table><div><div>嵌套</div></div>"
    items = "".join(f'<li class="nav_{i}{" on" if i == n % menu else ""}"><a href="/{i}">栏目{i}</a></li>'
                    for i in range(menu))
    return ARTICLE.format(title=f"标题{n}", n=n, body=body, menu=items)


def test_fingerprint_same_template_different_bodies():
    assert _fp(_article(1, 3)) == _fp(_article(2, 40)) == _fp(_article(3, 1, menu=9))


def test_fingerprint_list_article_and_other_templates_differ():
    rows = "".join(f'<li><a href="/{i}.html">标题{i}</a><span>2023-10-0{i % 9}</span></li>' for i in range(20))
    listing = _fp(LISTING.format(n=3, rows=rows))
    assert listing == _fp(LISTING.format(n=7, rows=rows[: len(rows) // 3]))  # other column, fewer rows
    values = {
        "article": _fp(_article(1, 3)),
        "list": listing,
        "old table layout": _fp(OLD_TABLE.format(body="<p>x</p>")),
        "hanweb": _fp(HANWEB.format(body="<p>x</p>")),
    }
    assert len(set(values.values())) == len(values), values
    assert _fp(OLD_TABLE.format(body="<p>a</p>" * 30)) == values["old table layout"]
    assert _fp(HANWEB.format(body="<table><tr><td>1</td></tr></table>")) == values["hanweb"]


def test_fingerprint_gbk_subsite_differs():
    gbk = '<html><head><meta charset="gbk"></head><body><div id="wrapper"><div class="banner"></div>' \
          '<div class="lmlist"><ul><li>x</li></ul></div></div></body></html>'
    page = extract(gbk.encode("gbk"), content_type="text/html")
    assert page.template != _fp(_article(1, 3))


def test_fingerprint_real_fixtures():
    prints = {name: template_fingerprint(_fixture_root(name)) for name in FIXTURE_NAMES}
    govcn = [value for name, value in prints.items() if name.startswith("govcn") and "guobanhan" not in name]
    assert len(set(govcn)) == 1  # four documents of one www.gov.cn template, bodies of 9-29 KB
    handan = {prints[name] for name in prints if name.startswith("handan")}
    assert len(handan) == 3  # document, list and guide page of the same site: three page types
    assert govcn[0] not in handan
    assert "{article}" in skeleton(_fixture_root(FIXTURE_NAMES[0]))


def test_fingerprint_bounded_on_hostile_pages():
    deep = "<div>" * 3000 + "x" + "</div>" * 3000
    wide = "<div>" + "".join(f'<div class="c{i}"><div id="x{i}"></div></div>' for i in range(20000)) + "</div>"
    for html in (deep, wide):
        root = etree.fromstring("<html><body>" + html + "</body></html>", etree.HTMLParser(huge_tree=True))
        assert len(template_fingerprint(root)) == 16


# --------------------------------------------------------------------------- govcrawl's own static rules

_EN_TEXT = "<p>" + "The office is open on weekdays and the staff will answer your questions about the service. " * 6 + "</p>"
_EN_HEAD = '<html lang="en"><head><meta charset="utf-8"><title>Opening hours</title></head>'
_FR_HEAD = '<html lang="fr"><head><meta charset="utf-8"><title>Opening hours</title></head>'

# rule -> (failing body, passing look-alike body, head of the failing page, head of the passing page)
OWN_RULES = {
    "document-title-placeholder": ("<p>正文</p>", "<p>正文</p>",
                                   '<html lang="zh-CN"><head><title>无标题文档</title></head>',
                                   '<html lang="zh-CN"><head><title>无标题文档下载说明</title></head>'),
    "html-lang-mismatch": ("<p>" + "政务公开正文内容，依法公开政府信息。" * 5 + "</p>", _EN_TEXT,
                           '<html lang="en"><head><title>页面</title></head>', _EN_HEAD),
    "lang-dir-mismatch": ('<p lang="ug">ئۇيغۇرچە خەۋەر</p>', '<p lang="ug" dir="rtl">ئۇيغۇرچە خەۋەر</p>', HEAD, HEAD),
    "link-text-generic": ('<p>办事指南请<a href="/g.html">点击这里</a></p><a href="/x.html">.</a>',
                          '<p>办事指南请见<a href="/g.html">社保办事指南</a></p>', HEAD, HEAD),
    "image-alt-meaningless": ('<img src="/u/20240101.jpg" alt="20240101.jpg"><input type="image" src="b.png" alt="按钮">',
                              '<img src="/u/20240101.jpg" alt="市长调研现场"><input type="image" src="b.png" alt="搜索">',
                              HEAD, HEAD),
    "image-alt-conflict": ('<img src="l.png" alt="" title="分隔线说明">', '<img src="l.png" alt="">', HEAD, HEAD),
    "fieldset-legend": ("<form><fieldset><legend> </legend><label>姓名 <input></label></fieldset></form>",
                        "<form><fieldset><legend>申请人</legend><label>姓名 <input></label></fieldset></form>",
                        HEAD, HEAD),
    "radio-group": ('<form><p>是否满意</p><label><input type="radio" name="s">是</label>'
                    '<label><input type="radio" name="s">否</label></form>',
                    '<form><fieldset><legend>是否满意</legend><label><input type="radio" name="s">是</label>'
                    '<label><input type="radio" name="s">否</label></fieldset></form>', HEAD, HEAD),
    "heading-order": ("<h1>标题</h1><h3>小节</h3>", "<h1>标题</h1><h2>小节</h2><h3>细目</h3><h2>另一节</h2>", HEAD, HEAD),
    "video-caption": ('<video src="/v.mp4" controls></video>',
                      '<video src="/v.mp4" controls><track kind="captions" src="/v.vtt"></video>', HEAD, HEAD),
    "ascii-art": ("<pre>  /\\_/\\   ( o.o )  > ^ <  ~~~~ ||| ***</pre>",
                  "<pre>第一条  本办法自发布之日起施行。\n第二条  由市政府办公室负责解释。</pre>", HEAD, HEAD),
}


@pytest.mark.parametrize("rule", sorted(OWN_RULES))
def test_own_static_rule_fails_and_its_look_alike_passes(rule):
    bad, good, bad_head, good_head = OWN_RULES[rule]
    assert rule in rules(bad, bad_head), rules(bad, bad_head)
    assert rule not in rules(good, good_head), [(n.rule, n.detail) for n in page_nodes(good, good_head)]


def test_lang_mismatch_reads_function_words_of_european_languages():
    assert "html-lang-mismatch" in rules(_EN_TEXT, _FR_HEAD)
    assert "html-lang-mismatch" not in rules("<p>" + "政务公开正文内容。" * 10 + "</p>")


def test_link_text_generic_ignores_hidden_text_but_not_visible_context():
    hidden = '<a href="/r.html">阅读全文<span style="display:none">关于养老保险</span></a>'
    shown = '<a href="/r.html">阅读全文<span>关于养老保险</span></a>'
    assert "link-text-generic" in rules(hidden)
    assert "link-text-generic" not in rules(shown)
    assert "link-text-generic" not in rules('<h2>通知公告</h2><a href="/tzgg/">更多</a>')


def test_scan_handover_judges_as_the_own_walk():
    """The extraction hands its walk's ids and styled elements to the pass (``scan=``); the nodes
    must be those the pass finds on its own, ids and styles inside the subtrees the walk skips
    (svg, select, template) included."""
    html = (
        HEAD + '<body><div id="a" style="color:#777777;background-color:#888888">灰色的字</div>'
        '<svg><g id="a" style="color:red"></g></svg>'
        '<select id="s" aria-label="选择"><option id="a" style="color:#fff">一</option></select>'
        '<template><p id="s">模板</p></template>'
        '<p lang="ar" dir="ltr">مرحبا</p><a href="/x" id="a">点击这里</a></body></html>'
    )
    root = _parse(html)
    with_scan = static_a11y(root, scan=scan_tree(root))
    assert with_scan == static_a11y(root)
    details = {node.detail for node in with_scan if node.rule == "duplicate-id"}
    # the svg and template copies count, though their own nodes are dropped (not in a browser's DOM)
    assert details == {"id「a」重复（共 4 个）"}
    assert {"color-contrast", "lang-dir-mismatch", "link-text-generic"} <= {node.rule for node in with_scan}


_AR = "<p>ساعات عمل المكتب</p>"


@pytest.mark.parametrize(("failing", "failing_head", "passing", "passing_head"), [
    ('<p dir="rtl">Opening hours of the office</p>', HEAD, '<p dir="rtl">ساعات عمل المكتب</p>', HEAD),
    (_AR, '<html lang="ar"><head><title>t</title></head>', _AR, '<html lang="ar" dir="rtl"><head><title>t</title></head>'),
    ('<div lang="he"><span>שעות פתיחה</span></div>', HEAD, '<div lang="zh-CN" dir="ltr"><span>办公时间</span></div>', HEAD),
])
def test_lang_dir_mismatch_in_both_directions(failing: str, failing_head: str, passing: str, passing_head: str) -> None:
    """Right-to-left text without dir=rtl, and dir=rtl on left-to-right text; the element's text is read
    only for those (a Chinese page's <html lang> would be the whole page's text)."""
    assert "lang-dir-mismatch" in rules(failing, failing_head)
    assert "lang-dir-mismatch" not in rules(passing, passing_head)
