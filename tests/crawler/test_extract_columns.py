"""Breadcrumbs, column names, list rows and pagination."""

from __future__ import annotations

from datetime import date

import pytest

from crawler.extract.columns import site_domain, split_crumb
from crawler.extract.pagination import script_pages
from tests.crawler.extract_helpers import extract

LIST_URL = "http://www.xq.gov.cn/zwgk/tzgg/"


@pytest.mark.parametrize(
    ("text", "items"),
    [
        ("当前位置：首页 > 政务公开 > 通知公告", ["首页", "政务公开", "通知公告"]),
        ("您的位置: 首页 >> 政务公开 >> 通知公告", ["首页", "政务公开", "通知公告"]),
        ("首页->政府文件->近期信息公开", ["首页", "政府文件", "近期信息公开"]),
        ("首页 › 政务公开 › 规划计划", ["首页", "政务公开", "规划计划"]),
        ("首页＞机构概况＞领导信息", ["首页", "机构概况", "领导信息"]),
        ("首页 / 新闻中心 / 工作动态", ["首页", "新闻中心", "工作动态"]),
    ],
)
def test_split_crumb(text, items):
    assert split_crumb(text) == items


def test_breadcrumb_in_position_container_with_image_separators():
    html = """<div class="location"><a href="/">首页</a><img src="/i/arr.gif"><a href="/zwgk/">政务公开</a>
    <img src="/i/arr.gif"><a href="/zwgk/tzgg/">通知公告</a></div><h1>关于开展安全检查的通知</h1>"""
    page = extract(html)
    assert page.breadcrumb == ["首页", "政务公开", "通知公告"]
    assert page.column == "通知公告"


def test_article_breadcrumb_ending_with_the_title_or_zhengwen():
    html = """<div class="dqwz">当前位置：首页 > 政务公开 > 工作动态 > 兴庆区召开安全生产…</div>
    <h1>兴庆区召开安全生产工作会议</h1><div class="time">2023-10-09</div>"""
    assert extract(html).column == "工作动态"
    html = "<p>当前位置：首页 > 政务公开 > 工作动态 > 正文</p><h1>兴庆区召开会议</h1>"
    assert extract(html).column == "工作动态"


def test_column_meta_wins():
    html = """<html><head><meta name="ColumnName" content="通知公告"></head><body>
    <p>当前位置：首页 > 政务公开 > 其他</p></body></html>"""
    assert extract(html).column == "通知公告"


LIST_PAGE = """<html><body>
<div class="header"><ul><li><a href="/">首页</a></li><li><a href="/zwgk/">政务公开</a></li></ul></div>
<div class="position">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a> &gt; <a href="/zwgk/tzgg/">通知公告</a></div>
<div class="list-box"><h2>通知公告</h2>
<ul class="list">
  <li><a href="./202310/t20231009_3.html" title="关于2023年国庆节放假安排的通知">关于2023年国庆节放假安…</a><span class="date">2023-10-09</span></li>
  <li><span>[2023-09-28]</span><a href="./202309/t20230928_2.html">关于开展消防检查的通知</a></li>
  <li><a href="/bm/sfj/">[司法局]</a> <a href="./202309/t20230901_1.html">关于法律援助的公告</a> 2023年09月01日</li>
  <li><a href="./202308/t20230801_1.html"><span class="time">2023-08-01</span>关于八月份工作安排的通知</a></li>
  <li><a href="http://www.other-site.com/a.html">外站文章</a><span>2023-08-02</span></li>
  <li><a href="./more.html">更多</a></li>
</ul>
<table class="list-table"><tr><td><a href="http://xxgk.xq.gov.cn/a/1.html">信息公开平台的文件</a></td><td>2023-07-01</td></tr></table>
</div>
<div class="page"><a href="index.html">首页</a><a href="index_1.html">2</a><a href="index_2.html">3</a><a href="index_1.html">下一页</a></div>
<div class="footer"><p>版权所有：兴庆区人民政府 2023-01-01 更新</p></div>
</body></html>"""


def test_list_items_in_every_row_layout():
    page = extract(LIST_PAGE, url=LIST_URL)
    items = {item.url.rsplit("/", 1)[-1]: item for item in page.list_items}
    base = "http://www.xq.gov.cn/zwgk/tzgg/"
    first = items["t20231009_3.html"]
    assert first.url == base + "202310/t20231009_3.html"
    assert first.title == "关于2023年国庆节放假安排的通知"  # the title attribute, not the cut text
    assert first.published_on == date(2023, 10, 9)
    assert items["t20230928_2.html"].published_on == date(2023, 9, 28)  # date before the link
    legal = items["t20230901_1.html"]  # [部门] link + title link: the title link wins
    assert (legal.title, legal.published_on) == ("关于法律援助的公告", date(2023, 9, 1))
    august = items["t20230801_1.html"]  # date inside the link text
    assert (august.title, august.published_on) == ("关于八月份工作安排的通知", date(2023, 8, 1))
    assert "a.html" not in items  # another site
    assert "more.html" not in items  # no date
    # a subdomain of the same site (信息公开 platform) counts as internal
    assert items["1.html"].url == "http://xxgk.xq.gov.cn/a/1.html"
    assert [item.url for item in page.list_items][0] == first.url  # document order
    assert page.column == "通知公告"
    assert page.breadcrumb == ["首页", "政务公开", "通知公告"]


def test_pager_links_are_pagination_not_list_items():
    page = extract(LIST_PAGE, url=LIST_URL)
    assert page.pagination == [
        LIST_URL + "index_1.html",
        LIST_URL + "index_2.html",
    ]  # index.html is this page
    assert not any("index_" in item.url for item in page.list_items)


def test_create_page_html_classic():
    html = """<ul><li><a href="./a.html">通知一</a><span>2023-10-09</span></li></ul>
    <div class="page"><script>
    //createPageHTML(9, 0, "old", "html");
    createPageHTML(5, 0, "index", "shtml");</script></div>"""
    page = extract(html, url=LIST_URL)
    assert page.pagination == [f"{LIST_URL}index_{i}.shtml" for i in range(1, 5)]


def test_create_page_html_container_first_form_counts_from_one():
    html = "<script>createPageHTML('page_div',4, 3,'index','html',39);</script>"
    page = extract(html, url=LIST_URL + "index_3.html")
    assert page.pagination == [LIST_URL + "index.html", LIST_URL + "index_2.html", LIST_URL + "index_4.html"]
    html = "<script>createPageHTML('paging',3,1,'index','html',30);</script>"
    assert extract(html, url=LIST_URL + "index.html").pagination == [
        LIST_URL + "index_2.html",
        LIST_URL + "index_3.html",
    ]


def test_create_page_html_with_variables_and_single_page():
    html = '<script>var countPage = 3; var currentPage = 0; createPageHTML(countPage, currentPage, "index", "htm");</script>'
    assert extract(html, url=LIST_URL + "index.htm").pagination == [
        LIST_URL + "index_1.htm",
        LIST_URL + "index_2.htm",
    ]
    assert extract('<script>createPageHTML(1, 0, "index", "html");</script>', url=LIST_URL).pagination == []


def test_trs_count_page_script_of_a_long_article():
    script = """var currentPage = 1;//所在页从0开始
    var countPage = 3//共多少页
    document.write("<a href=\\"t20201201_6116434"+"_" + prevPage + "."+"html\\" target='_self'>上一页</a>");"""
    url = "http://www.xq.gov.cn/zwgk/202012/t20201201_6116434_1.html"
    assert script_pages([script], url) == [
        "t20201201_6116434.html",
        "t20201201_6116434_1.html",
        "t20201201_6116434_2.html",
    ]
    page = extract(f"<div class='page'><script>{script}</script></div>", url=url)
    assert page.pagination == [
        "http://www.xq.gov.cn/zwgk/202012/t20201201_6116434.html",
        "http://www.xq.gov.cn/zwgk/202012/t20201201_6116434_2.html",
    ]


def test_plain_next_links_with_query_pages():
    html = """<ul><li><a href="a1.html">条目一</a> (2023-10-09)</li></ul>
    <div class="pagination"><a href="list.jsp?page=1">首页</a><a href="list.jsp?page=2">2</a>
    <a href="list.jsp?page=2">下一页</a><a href="http://other.gov.cn/list?page=3">3</a></div>
    <p><a href="/zwgk/">首页</a> <a href="/zt/">2</a></p>"""
    page = extract(html, url="http://www.xq.gov.cn/zwgk/list.jsp?page=1")
    assert page.pagination == ["http://www.xq.gov.cn/zwgk/list.jsp?page=2"]


def test_hanweb_datastore_records_are_links_and_items():
    html = """<div id="289"><script type="text/xml"><datastore><nextgroup><![CDATA[<a href="/module/web/jpage/dataproxy.jsp?page=1"></a>]]></nextgroup>
    <recordset><record><![CDATA[<li><a href="/art/2023/10/9/art_289_1.html" title="关于国庆节放假的通知">关于国庆节放假的通知</a><span>2023-10-09</span></li>]]></record>
    <record><![CDATA[<li><a href="/art/2023/9/1/art_289_2.html">九月通知</a><span>2023-09-01</span></li>]]></record></recordset></datastore></script></div>"""
    page = extract(html, url="http://www.xq.gov.cn/col/col289/index.html")
    assert [(item.title, item.published_on) for item in page.list_items] == [
        ("关于国庆节放假的通知", date(2023, 10, 9)),
        ("九月通知", date(2023, 9, 1)),
    ]
    assert "http://www.xq.gov.cn/art/2023/10/9/art_289_1.html" in {link.url for link in page.links}


def test_site_domain():
    assert site_domain("hdzfxxgk.hd.gov.cn") == "hd.gov.cn"
    assert site_domain("www.hd.gov.cn") == "hd.gov.cn"
    assert site_domain("www.example.com") == "example.com"
    assert site_domain("127.0.0.1") == "127.0.0.1"
    assert site_domain("[::1]") == "[::1]"


def test_article_with_a_related_list_still_drops_its_title_from_the_breadcrumb():
    related = "".join(
        f'<li><a href="/zwgk/gzdt/2023{m:02d}/t{m}.html">相关新闻{m}</a><span>2023-{m:02d}-01</span></li>'
        for m in range(1, 5)
    )
    html = f"""<div class="position">首页 > 政务公开 > 工作动态 > 兴庆区召开2023年第三季度安全生产工作会议</div>
    <h1>兴庆区召开2023年第三季度安全生产工作会议</h1><div class="related"><ul>{related}</ul></div>"""
    page = extract(html)
    assert len(page.list_items) == 4
    assert page.column == "工作动态"


def test_list_page_whose_heading_is_the_column():
    items = "".join(
        f'<li><a href="/zwgk/tzgg/2023{m:02d}/t{m}.html">通知{m}</a><span>2023-{m:02d}-01</span></li>'
        for m in range(1, 5)
    )
    html = f"""<div class="crumb">首页 > 政务公开 > 通知公告</div><h2>通知公告</h2><ul>{items}</ul>"""
    assert extract(html, url=LIST_URL).column == "通知公告"


def test_links_listed_without_row_elements():
    html = """<div class="list"><a href="/a/1.html">通知一</a><span>2023-10-09</span><br>
    <a href="/a/2.html">通知二</a> 2023-10-08<br><a href="/a/3.html">通知三</a><br></div>"""
    page = extract(html, url="http://www.xq.gov.cn/a/")
    assert [(item.title, item.published_on) for item in page.list_items] == [
        ("通知一", date(2023, 10, 9)),
        ("通知二", date(2023, 10, 8)),
    ]


def test_dated_citation_in_the_article_text_is_not_a_list_item():
    html = """<h1>关于转发某通知的通知</h1><div class="TRS_Editor">
    <p>请按照<a href="/zwgk/tzgg/201901/t1.html">《某办法》</a>（2019年1月1日印发）执行。</p></div>"""
    assert extract(html).list_items == []
