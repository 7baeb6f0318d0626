"""Hidden links (暗链): which served HTML hides a link from readers (``LinkFacts.hidden``)."""

from __future__ import annotations

import pytest

from crawler.extract.links import (
    HIDDEN_CACHE,
    hidden_by_attributes,
    hidden_by_selectors,
    hidden_by_style,
    hidden_selectors,
)
from tests.crawler.extract_helpers import extract

EXT = "http://seo.example.com"


def hidden_of(body: str) -> dict[str, bool]:
    """link text -> hidden, for a page whose body is ``body``."""
    page = extract(f"<html><head><title>t</title></head><body>{body}</body></html>")
    return {link.text or link.url: link.hidden for link in page.links}


@pytest.mark.parametrize(
    "body",
    [
        f'<a href="{EXT}/1" style="display:none">x</a>',
        f'<div style="DISPLAY: none !important"><p><span><a href="{EXT}/1">x</a></span></p></div>',
        f'<p style="visibility:hidden"><a href="{EXT}/1">x</a></p>',
        f'<div style="width:0;height:0;overflow:hidden"><a href="{EXT}/1">x</a></div>',
        f'<div style="height:1px; overflow:hidden"><a href="{EXT}/1">x</a></div>',
        f'<div style="max-height:0;overflow:hidden"><a href="{EXT}/1">x</a></div>',
        # the demo portal's planted case: the link has no style, its parent is off-screen
        f'<div style="position:absolute;left:-9999px;top:-9999px;"><a href="{EXT}/1">x</a></div>',
        f'<div style="position:fixed; top:-999px"><a href="{EXT}/1">x</a></div>',
        f'<div style="margin:-3000px 0 0 0"><a href="{EXT}/1">x</a></div>',
        f'<span style="position:absolute;left:-100em"><a href="{EXT}/1">x</a></span>',
        f'<a href="{EXT}/1" style="position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0,0,0,0)">x</a>',
        f'<div style="transform:scale(0)"><a href="{EXT}/1">x</a></div>',
        f'<div style="font-size:0;line-height:0"><a href="{EXT}/1">x</a></div>',
        f'<table><tr><td style="display:none"><a href="{EXT}/1"><img src="/s.gif" alt="x"></a></td></tr></table>',
    ],
)
def test_hidden_links(body):
    assert hidden_of(body)["x"] is True


@pytest.mark.parametrize(
    "body",
    [
        # image-replacement logo: the text is pushed out, the link box stays visible
        '<a href="/" style="display:block;text-indent:-9999px;background:url(/logo.png)">x</a>',
        # a transparent click area over a banner is still clickable
        f'<a href="{EXT}/1" style="position:absolute;opacity:0;width:100%;height:100%">x</a>',
        # the inline-block whitespace trick: the items set their own font size
        f'<ul style="font-size:0"><li><a href="{EXT}/1">x</a></li></ul>',
        # a responsive video box has height 0 and its size from padding
        f'<div style="position:relative;padding-bottom:56.25%;height:0"><a href="{EXT}/1">x</a></div>',
        # near misses
        f'<div style="position:relative;left:-20px;margin-top:-900px"><a href="{EXT}/1">x</a></div>',
        f'<div style="max-width:0"><a href="{EXT}/1">x</a></div>',
        f'<div style="width:0.5em;line-height:0;min-height:0"><a href="{EXT}/1">x</a></div>',
        f'<div style="display:block;visibility:visible"><a href="{EXT}/1">x</a></div>',
        f'<div style="transform:scale(0.9)"><a href="{EXT}/1">x</a></div>',
        f'<div style="background:url(data:image/png;base64,AAAA);height:30px"><a href="{EXT}/1">x</a></div>',
    ],
)
def test_visible_links(body):
    assert hidden_of(body)["x"] is False


def test_hidden_ends_with_the_hidden_element():
    links = hidden_of(
        f'<div style="display:none"><a href="{EXT}/1">in</a></div><a href="{EXT}/2">after</a>'
        f'<div><div style="left:-9999px;position:absolute"></div><a href="{EXT}/3">sibling</a></div>'
    )
    assert links == {"in": True, "after": False, "sibling": False}


def test_demo_tampered_notice_with_internal_menu():
    links = hidden_of(
        "<p>各街道办事处：请做好冬季清雪除冰工作。</p>"
        f'<a href="{EXT}/seo/link1.html" style="display:none">在线娱乐平台</a>'
        '<div class="m-menu"><a href="/zwgk/" style="display:none">政务公开</a></div>'
        '<a href="#content" class="skip" style="position:absolute;left:-9999px">跳到主要内容</a>'
        '<a href="/zwgk/tzgg/">通知公告</a>'
    )
    # Both external and internal hidden links are facts; the hidden-link check keeps the external one.
    assert links == {"在线娱乐平台": True, "政务公开": True, "跳到主要内容": True, "通知公告": False}


def test_hidden_by_style_is_cached_and_bounded():
    HIDDEN_CACHE.clear()
    assert hidden_by_style("display:none") is True
    assert HIDDEN_CACHE["display:none"] is True
    for n in range(5000):
        hidden_by_style(f"width:{n}px")
    assert len(HIDDEN_CACHE) <= 4097
    assert hidden_by_style("display:none") is True


# -- helpers for the scanner: <style> rules and attributes ---------------------------------------


def test_hidden_selectors_from_a_style_block():
    css = """
    /* link spam */ .seo-links { display: none }
    #friend { position:absolute; top:-9999px }
    div.tiny, .gone { height:0; overflow:hidden }
    @media print { .noprint { display:none } }
    @media (max-width: 768px) { .pc-only { display:none } }
    .dropdown { display:none } .nav li:hover .dropdown { display:block }
    .tab-panel { display:none } .tab-panel.active { display:block }
    .later { display:none } .later { display:block }
    a.x:hover { display:none }
    @import url(other.css);
    """
    assert hidden_selectors(css) == frozenset({".seo-links", "#friend", ".tiny", ".gone"})
    assert hidden_selectors("") == frozenset()
    assert hidden_selectors("}{ garbage { display:none") == frozenset()


def test_hidden_by_selectors():
    rules = hidden_selectors(".seo-links{display:none} #friend{visibility:hidden}")
    assert hidden_by_selectors("box seo-links", None, rules)
    assert hidden_by_selectors(None, "friend", rules)
    assert not hidden_by_selectors("seo-links-title", "friends", rules)
    assert not hidden_by_selectors("seo-links", None, frozenset())


@pytest.mark.parametrize(
    ("tag", "attrib", "hidden"),
    [
        ("div", {"hidden": ""}, True),
        ("a", {"hidden": "hidden"}, True),
        ("iframe", {"src": "http://x.example/", "width": "0", "height": "0"}, True),
        ("marquee", {"height": "1", "width": "5"}, True),
        ("iframe", {"width": "100%", "height": "400"}, False),
        ("table", {"width": "0"}, False),  # a table grows to its content
        ("div", {"aria-hidden": "true"}, False),  # hidden from screen readers only
    ],
)
def test_hidden_by_attributes(tag, attrib, hidden):
    assert hidden_by_attributes(tag, attrib) is hidden


def test_style_block_class_and_id_rules_hide_links():
    hidden = hidden_of(
        "<style>.gg{display:none} #x1 {position:absolute;left:-5000px} .menu:hover .sub{display:block}"
        " .sub{display:none}</style>"
        f'<div class="gg"><a href="{EXT}/a">a</a></div><p id="x1"><a href="{EXT}/b">b</a></p>'
        f'<ul class="sub"><li><a href="{EXT}/c">c</a></li></ul><p class="ggx"><a href="{EXT}/d">d</a></p>'
    )
    assert hidden == {"a": True, "b": True, "c": False, "d": False}  # .sub is shown again on hover


def test_hidden_attribute_and_one_pixel_iframe():
    page = extract(
        f'<html><body><p hidden><a href="{EXT}/a">a</a></p><iframe src="{EXT}/f" width="1" height="0"></iframe>'
        f'<iframe src="{EXT}/g" width="600" height="400"></iframe></body></html>'
    )
    by_url = {link.url.rsplit("/", 1)[-1]: link.hidden for link in page.links}
    assert by_url == {"a": True, "f": True, "g": False}


def test_a_link_also_shown_openly_is_not_hidden():
    hidden = hidden_of(f'<div style="display:none"><a href="{EXT}/m">菜单</a></div><a href="{EXT}/m">页脚</a>'
                       f'<div style="display:none"><a href="{EXT}/only">藏</a></div>')
    assert hidden == {"菜单": False, "藏": True}
