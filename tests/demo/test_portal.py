"""The portal is deterministic, date-independent and shaped like a real district portal."""

from __future__ import annotations

from crawler.demo.portal import REFERENCE_DATE, build_portal, build_site
from tests.demo.helpers import EXT, MAIN, REFUSED, html_pages


def test_build_is_deterministic():
    first = build_portal(MAIN, EXT, REFUSED)
    second = build_portal(MAIN, EXT, REFUSED)
    assert first.keys() == second.keys()
    for url, resource in first.items():
        assert resource == second[url], url


def test_ports_only_change_the_bases():
    other = build_portal("http://127.0.0.1:9999", "http://127.0.0.2:9998", "http://127.0.0.2:9997")
    ours = build_portal(MAIN, EXT, REFUSED)
    swap = {"http://127.0.0.1:9999": MAIN, "http://127.0.0.2:9998": EXT}
    renamed = set()
    for url in other:
        for a, b in swap.items():
            if url.startswith(a):
                renamed.add(b + url[len(a) :])
    assert renamed == set(ours)


def test_size_and_shape():
    site = build_site(MAIN, EXT, REFUSED)
    pages = html_pages(site.resources)
    distinct = {u.removesuffix("index.html") for u in pages}
    assert 250 <= len(distinct) <= 400
    assert len(site.documents()) >= 40 and len(site.interpretations()) >= 30
    kinds = {i.interp_kind for i in site.interpretations()}
    assert kinds == {"text", "graphic", "video"}
    # every article date is before the reference date (but the one planted future date); nothing
    # comes from the clock
    future = [a.path for a in site.articles if a.day > REFERENCE_DATE]
    assert future == ["/xwzx/bmdt/202311/t20231120_2014.html"]


def test_templates_carry_the_real_portal_conventions():
    pages = html_pages(build_site(MAIN, EXT, REFUSED).resources)
    home = pages[MAIN + "/"]
    for marker in (
        '<div id="header"',
        '<div class="nav">',
        '<div class="footer">',
        "网站标识码",
        "ICP备",
        "公网安备",
        'alt="党政机关"',
        "关怀版",
        "友情链接",
    ):
        assert marker in home, marker
    tzgg = pages[MAIN + "/zwgk/tzgg/"]
    assert 'createPageHTML(4, 0, "index", "html");' in tzgg
    crumb = '当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a> &gt; <a href="/zwgk/tzgg/">通知公告</a>'
    assert crumb in tzgg
    zcwj = pages[MAIN + "/zwgk/zcwj/"]
    assert "<th" in zcwj and "索引号" in zcwj and "var countPage=" in zcwj
    doc = pages[MAIN + "/zwgk/zcwj/202309/t20230927_1201.html"]
    for meta in (
        "SiteName",
        "SiteDomain",
        "SiteIDCode",
        "ColumnName",
        "ColumnType",
        "ArticleTitle",
        "PubDate",
        "ContentSource",
        "Keywords",
        "Description",
    ):
        assert f'<meta name="{meta}"' in doc, meta
    layouts = {
        "table": "<b>索 引 号：</b>",
        "p": "<p><strong>索引号</strong>：",
        "dl": "<dt>索引号：</dt>",
        "span": '<span class="label">索引号：</span>',
    }
    for name, marker in layouts.items():
        assert any(marker in text for text in pages.values()), name


def test_nights_differ_only_in_the_backdated_plants():
    night1 = build_portal(MAIN, EXT, REFUSED, night=1)
    night2 = build_portal(MAIN, EXT, REFUSED, night=2)
    added = set(night2) - set(night1)
    assert added == {
        MAIN + "/zwgk/tzgg/202309/t20230915_1010.html",
        MAIN + "/zwgk/tzgg/202311/t20231101_1013.html",
    }
    assert set(night1) - set(night2) == set()
    changed = {u for u in night1 if night1[u] != night2[u]}
    allowed_prefixes = (MAIN + "/zwgk/tzgg/", MAIN + "/index.html", MAIN + "/zwgk/index.html")
    assert all(u.startswith(allowed_prefixes) or u == MAIN + "/" for u in changed), changed
    assert MAIN + "/zwgk/tzgg/202310/t20231020_1004.html" in changed


def test_synthetic_numbers_use_the_real_check_algorithms():
    from crawler.demo.content import id_check_digit, luhn_complete, luhn_valid, resident_id, with_wrong_check
    from crawler.demo.portal import BAD_CHECK_ID, PLANTED_CARD, PLANTED_ID

    assert id_check_digit("11010519491231002") == "X"  # the sample number printed in GB 11643-1999
    assert luhn_valid("79927398713") and luhn_complete("7992739871") == "79927398713"
    assert PLANTED_ID.startswith("64010419850312") and PLANTED_ID == resident_id("640104", "19850312", "123")
    good = resident_id("640104", "19900101", "345")
    assert BAD_CHECK_ID[:-1] == good[:-1] and BAD_CHECK_ID[-1] != good[-1]
    assert with_wrong_check(good) == BAD_CHECK_ID
    assert len(PLANTED_CARD) == 19 and luhn_valid(PLANTED_CARD)
