"""``extract_html`` on the eight real portal pages (see fixtures/real-gov-pages/SOURCES.md)."""

from __future__ import annotations

from datetime import date

import pytest

from govcrawl.model import Region
from tests.crawler.extract_helpers import FIXTURES, extract, fixture, links_by_text

GOVCN_URL = "http://www.gov.cn/zhengce/content/2018-12/20/content_5350427.htm"
DETAIL_URL = "http://hdzfxxgk.hd.gov.cn/gszbm/auto23716/202008/t20200802_1352104.html"
LIST_URL = "http://hdzfxxgk.hd.gov.cn/zfwj/jinqixxgk/"
GKZN_URL = "http://hdzfxxgk.hd.gov.cn/zfxxgkzn/"

# file, index number, publisher, written, published, doc number, topic, heading
GOVCN = [
    (
        "govcn-2018-guobanfa-115-normative-review.fragment.html",
        "000014349/2018-00216",
        "国务院办公厅",
        date(2018, 12, 4),
        date(2018, 12, 20),
        "国办发〔2018〕115号",
        "公安、安全、司法\\司法",
        "国务院办公厅关于全面推行行政规范性文件合法性审核机制的指导意见",
    ),
    (
        "govcn-2018-guofa-41-zanxing-banfa.fragment.html",
        "000014349/2018-00219",
        "国务院",
        date(2018, 12, 13),
        date(2018, 12, 22),
        "国发〔2018〕41号",
        "财政、金融、审计\\税务",
        "国务院关于印发个人所得税专项附加扣除暂行办法的通知",
    ),
    (
        "govcn-2018-holidays-2019-notice.fragment.html",
        "000014349/2018-00213",
        "国务院办公厅",
        date(2018, 12, 4),
        date(2018, 12, 6),
        "国办发明电〔2018〕15号",
        "综合政务\\其他",
        "国务院办公厅关于2019年部分节假日安排的通知",
    ),
    (
        "govcn-2018-guobanhan-71-jiyuehua.fragment.html",
        "000014349/2018-00204",
        "国务院办公厅",
        date(2018, 10, 27),
        date(2018, 11, 9),
        "国办函〔2018〕71号",
        "综合政务\\政务公开",
        "国务院办公厅关于印发《政府网站集约化试点工作方案》的通知",
    ),
    (
        "govcn-2019-guobanfa-6-zhidao-yijian.fragment.html",
        "000014349/2019-00006",
        "国务院办公厅",
        date(2019, 1, 22),
        date(2019, 2, 14),
        "国办发〔2019〕6号",
        "财政、金融、审计\\银行",
        "国务院办公厅关于有效发挥政府性融资担保基金作用切实支持小微企业和“三农”发展的指导意见",
    ),
]


@pytest.mark.parametrize(
    ("name", "index_no", "publisher", "written", "published", "number", "topic", "heading"), GOVCN
)
def test_govcn_header_table(name, index_no, publisher, written, published, number, topic, heading):
    page = fixture(name, GOVCN_URL)
    assert page.error is None
    doc = page.doc
    assert doc is not None
    assert doc.index_no == index_no
    assert doc.publisher == publisher
    assert doc.written_on == written
    assert doc.published_on == published
    assert doc.doc_number == number
    assert doc.topic == topic
    assert doc.raw["标题"] == heading  # "标　　题：" read with its full-width spaces removed
    assert doc.raw["主题词"] == ""  # an empty value cell stays empty, it does not steal the next text
    assert page.published_on == published
    assert page.heading == heading  # no h1 on these pages: the 标题 field is the heading


def test_govcn_body_and_links():
    page = fixture("govcn-2018-guobanfa-115-normative-review.fragment.html", GOVCN_URL)
    assert "对规范性文件进行合法性审核是确保行政机关出台的规范性文件合法有效的重要措施" in page.text
    assert page.text.startswith("索 引 号：")
    assert "UCAP-CONTENT" in page.anchors
    urls = {(link.tag, link.url) for link in page.links}
    assert ("iframe", "http://www.gov.cn/zhengce/2018-12/20/content_5350470.htm") in urls
    assert ("img", "http://www.gov.cn/govweb/xhtml/2016gov/images/public/de_bannerS_sjh.jpg") in urls
    # <img style="display:none"> is hidden; the opacity:0 click areas over the banner are not
    sendmail = next(link for link in page.links if link.url.endswith("sendmail.gif"))
    assert sendmail.hidden
    banner = next(link for link in page.links if link.url == "http://www.gov.cn/public/yidongkehuduan.htm")
    assert not banner.hidden
    # the commented-out banner block is not read
    assert sum(link.url == "http://www.gov.cn/public/yidongkehuduan.htm" for link in page.links) == 1
    # the print/favourite links point at the page itself with an empty fragment
    own = [
        link
        for link in page.links
        if link.url == "http://www.gov.cn/zhengce/content/2018-12/20/content_5350427.htm"
    ]
    assert own and all(link.fragment is None for link in own)


def test_handan_detail_meta_and_doc():
    page = fixture("handan-xxgk-details.html", DETAIL_URL)
    assert page.error is None
    assert page.encoding == "utf-8"
    assert page.lang == "en"
    assert page.title == "邯郸市教育局关于印发《全市教育系统安全专项整治三年行动实施方案》的通知"
    assert page.meta["SiteName"] == "邯郸市人民政府"
    assert page.meta["SiteDomain"] == "www.hd.gov.cn"
    assert page.meta["SiteIDCode"] == "1304000009"
    assert page.meta["ColumnName"] == "部门信息公开"
    assert page.meta["ColumnType"] == "政策文件，信息公开"
    assert page.meta["PubDate"] == "2020年08月02日"
    assert page.meta["ContentSource"] == "邯郸市教育局"
    assert page.column == "部门信息公开"
    assert page.published_on == date(2020, 8, 2)
    assert page.heading == page.meta["ArticleTitle"]
    doc = page.doc
    assert doc is not None
    assert doc.index_no == "000014348/2020-35147"
    assert doc.publisher == "邯郸市教育局"
    assert doc.topic == "教育"
    assert doc.published_on == date(2020, 8, 2)
    assert doc.raw["文号"] == "无" and doc.doc_number is None  # 无 is "no number", not a number
    assert doc.written_on is None and doc.valid_until is None  # those rows are commented out
    assert "名称" in doc.raw


def test_handan_detail_regions():
    page = fixture("handan-xxgk-details.html", DETAIL_URL)
    by_text = links_by_text(page)
    assert by_text["中国政府网站"].region is Region.HEADER
    assert by_text["信息公开"].region is Region.NAV  # the sx-navs bar
    assert by_text["邯郸概况"].region is Region.NAV  # the dhlm site map above the footer
    for text in ("网站声明", "联系我们", "网站地图", "冀ICP备05029117号-1", "冀公网安备 13042002000523号"):
        assert by_text[text].region is Region.FOOTER, text
    # the 党政机关 (conac) badge and the 找错 (jiucuo) script sit in the footer too
    conac = next(link for link in page.links if link.url.startswith("http://bszs.conac.cn/"))
    assert conac.region is Region.FOOTER
    jiucuo = next(link for link in page.links if link.tag == "script" and "jiucuo" in link.url)
    assert jiucuo.region is Region.FOOTER
    assert jiucuo.url == "http://hdzfxxgk.hd.gov.cn/gszbm/auto23716/images/jiucuo.js.%E4%B8%8B%E8%BD%BD"
    # stylesheets and the favicon are template, even the ones written inside <body>
    assert all(link.region is Region.HEADER for link in page.links if link.tag == "link")
    assert {"_ideConac", "imgConac", "_jiucuo_"} <= page.anchors
    # the "#" links of the site map point at the page itself, with no fragment
    self_links = [link for link in page.links if link.url == DETAIL_URL]
    assert self_links and self_links[0].fragment is None


def test_handan_list_page():
    page = fixture("handan-xxgk-list.html", LIST_URL)
    assert page.error is None
    assert page.breadcrumb == ["首页", "政府文件", "近期信息公开"]
    assert page.heading == "近期信息公开"
    assert page.column == "邯郸市政府信息公开"  # the ColumnName meta wins (contract)
    assert page.doc is None  # the 名称/索引号/发布机构/发布日期 header row is not a 信息公开 header
    assert len(page.list_items) == 1
    item = page.list_items[0]
    assert item.url == "http://hdzfxxgk.hd.gov.cn/gszbm/auto23716/202008/t20200805_1353179.html"
    assert item.title == "邯郸市教育局关于印发《邯郸市学校安全工作目标管理考核办法》的通知"
    assert item.published_on == date(2020, 8, 5)
    # var countPage=56; var currentPage=0 -> index_1.html … index_55.html (index.html is this page)
    expected = [f"{LIST_URL}index_{i}.html" for i in range(1, 56)]
    assert page.pagination == expected
    by_text = links_by_text(page)
    assert by_text["邯郸市教育局关于印发《邯郸市学校安全工作目标管理考核办法》的通知"].region is Region.BODY
    assert by_text["尾页"].region is Region.BODY
    assert by_text["网站声明"].region is Region.FOOTER
    assert by_text["中国政府网站"].region is Region.HEADER


def test_handan_list_without_column_meta_uses_breadcrumb():
    body = (FIXTURES / "handan-xxgk-list.html").read_text(encoding="utf-8")
    body = body.replace('<meta name="ColumnName" content="邯郸市政府信息公开">', "")
    page = extract(body, url=LIST_URL)
    assert "ColumnName" not in page.meta
    assert page.column == "近期信息公开"  # the breadcrumb's last item on a list page


def test_handan_gkzn_page():
    page = fixture("handan-xxgk-gkzn.html", GKZN_URL)
    assert page.error is None
    assert page.title == "邯郸市人民政府-政府信息公开指南"
    assert page.column == "政府信息公开指南"
    assert page.meta["ColumnType"] == "信息公开指南"
    assert page.doc is None
    assert page.list_items == []
    by_text = links_by_text(page)
    assert by_text["机构职责"].region is Region.NAV  # the sideMenu of the 信息公开 platform
    assert by_text["市教育局"].region is Region.BODY  # the department directory
    assert by_text["网站声明"].region is Region.FOOTER
    logo = next(link for link in page.links if link.url.endswith("2019_top_img01.png"))
    assert logo.region is Region.HEADER  # zwxxgk_top
    assert "政府信息 公开指南" in page.text
