from datetime import date

from checks.missing_metadata import CHECK, page_kind, valid_site_id_code
from govcrawl.model import DocInfo, ListItem, PageFacts, Region
from tests.checks.conftest import H, link, page

SITE = {"SiteName": "兴庆区人民政府", "SiteDomain": "www.xq.gov.cn", "SiteIDCode": "6401040001"}
COLUMN = {"ColumnName": "通知公告", "ColumnType": "通知公告"}
ARTICLE = {"ArticleTitle": "关于开展检查的通知", "PubDate": "2023-10-09 08:30", "ContentSource": "兴庆区人民政府办公室"}
FOOTER = link("/wzdt/", region=Region.FOOTER)
ITEMS = [ListItem(H + "/zwgk/tzgg/a.html", "通知", date(2023, 10, 9))]


def article(path="/zwgk/tzgg/202310/a.html", meta=None, **kw):
    meta = {**SITE, **COLUMN, **ARTICLE} if meta is None else meta
    kw.setdefault("published_on", date(2023, 10, 9))
    kw.setdefault("text", "正文 网站标识码：6401040001")
    return page(path, FOOTER, meta=meta, column="通知公告", **kw)


def by_target(findings):
    return {(f.url.removeprefix(H), f.target): f for f in findings}


def test_missing_tags_one_finding_per_page_listing_them(run_check):
    pages = [
        page("/", FOOTER, meta={"SiteName": "兴庆区人民政府"}, list_items=ITEMS),
        page("/zwgk/tzgg/", FOOTER, meta=SITE, list_items=ITEMS, column="通知公告"),
        article(meta={**SITE, **COLUMN, "ArticleTitle": "x"}),
        article("/zwgk/zdly/b.html", meta={"viewport": "width=device-width"}, doc=DocInfo(index_no="1")),
    ]
    found = by_target(run_check(CHECK, pages))
    assert set(found) == {("/", None), ("/zwgk/tzgg/", None), ("/zwgk/tzgg/202310/a.html", None),
                          ("/zwgk/zdly/b.html", None)}
    assert found[("/", None)].evidence["missing"] == ["SiteDomain", "SiteIDCode"]
    assert found[("/zwgk/tzgg/", None)].evidence == {"missing": ["ColumnName", "ColumnType"], "page_kind": "栏目页"}
    assert found[("/zwgk/tzgg/202310/a.html", None)].evidence["missing"] == ["PubDate", "ContentSource"]
    assert len(found[("/zwgk/zdly/b.html", None)].evidence["missing"]) == 8
    assert all(f.severity == "minor" for f in found.values())


def test_look_alikes_not_flagged(run_check):
    pages = [
        page("/", FOOTER, meta=SITE, list_items=ITEMS),  # the homepage needs no column/article tags
        page("/zwgk/tzgg/", FOOTER, meta={**SITE, **COLUMN}, list_items=ITEMS, column="通知公告"),
        article(),
        article("/zwgk/tzgg/b.html", meta={k.lower(): v for k, v in {**SITE, **COLUMN, **ARTICLE}.items()}),
        page("/soft404.html", meta={}, text="页面不存在"),  # no template at all: not a site page
        page("/gone.html", status=404),  # not 2xx
        PageFacts(H + "/files/a.pdf", 200, content_type="application/pdf"),
        article(meta={**SITE, **COLUMN, **ARTICLE, "PubDate": "2023-10-09"}, path="/c.html"),
        article(meta={**SITE, **COLUMN, **ARTICLE, "PubDate": "2023-10-09 08:30:15"}, path="/d.html",
                doc=DocInfo(written_on=date(2023, 10, 9), published_on=date(2023, 10, 9))),
        article(meta={**SITE, **COLUMN, **ARTICLE}, path="/e.html", published_on=date(2023, 11, 1)),
    ]
    assert run_check(CHECK, pages) == []


def test_malformed_or_mismatched_site_id_code(run_check):
    pages = [
        article("/a.html", meta={**SITE, **COLUMN, **ARTICLE, "SiteIDCode": "640104001"}),
        article("/b.html", meta={**SITE, **COLUMN, **ARTICLE, "SiteIDCode": "6401040002"}),
        article("/c.html", meta={**SITE, **COLUMN, **ARTICLE, "SiteIDCode": "bm12345678"},
                text="网站标识码：bm12345678"),
    ]
    found = by_target(run_check(CHECK, pages))
    assert set(found) == {("/a.html", "SiteIDCode"), ("/b.html", "SiteIDCode")}
    assert "格式" in found[("/a.html", "SiteIDCode")].message
    assert found[("/b.html", "SiteIDCode")].evidence["footer_code"] == "6401040001"


def test_site_id_code_region(run_check):
    # Footers agree with the meta tag on every page here, so only the region decides.
    def coded(path, code):
        return article(path, meta={**SITE, **COLUMN, **ARTICLE, "SiteIDCode": code}, text=f"网站标识码：{code}")

    pages = [coded("/a.html", "6401060001"), coded("/b.html", "6401040009"), coded("/c.html", "bm64000001")]
    found = by_target(run_check(CHECK, pages, settings={"region_code": "640104"}))
    assert set(found) == {("/a.html", "SiteIDCode")}
    assert "640104" in found[("/a.html", "SiteIDCode")].message
    assert found[("/a.html", "SiteIDCode")].evidence["expected_region"] == "640104"
    # Without a configured region only the province part is judged: 99 is no province, 64 is.
    pages = [coded("/a.html", "9901040001"), coded("/b.html", "6401060001")]
    assert set(by_target(run_check(CHECK, pages))) == {("/a.html", "SiteIDCode")}


def test_site_domain_must_name_the_site(run_check):
    def domain(path, value):
        return article(path, meta={**SITE, **COLUMN, **ARTICLE, "SiteDomain": value})

    pages = [
        domain("/a.html", "www.yinchuan.gov.cn"),  # the city portal's template
        domain("/b.html", "http://WWW.XQ.GOV.CN/"),  # scheme, case and slash are no problem
        domain("/c.html", "www.xq.gov.cn:8080"),  # a port neither
        domain("/d.html", "xq.gov.cn"),  # but a different host name is
    ]
    found = by_target(run_check(CHECK, pages))
    assert set(found) == {("/a.html", "SiteDomain"), ("/d.html", "SiteDomain")}
    assert found[("/a.html", "SiteDomain")].evidence["site_hosts"] == ["www.xq.gov.cn"]


def test_pub_date_format_and_impossible_dates(run_check):
    pages = [
        article("/a.html", meta={**SITE, **COLUMN, **ARTICLE, "PubDate": "2020年08月02日"}),
        article("/b.html", published_on=date(2023, 11, 5)),
        article("/c.html", doc=DocInfo(written_on=date(2023, 10, 9), published_on=date(2023, 9, 30))),
    ]
    found = by_target(run_check(CHECK, pages))
    assert set(found) == {("/a.html", "PubDate"), ("/b.html", "future-date"), ("/c.html", "date-order")}
    assert found[("/a.html", "PubDate")].evidence["pub_date"] == "2020年08月02日"
    assert found[("/b.html", "future-date")].severity == "major"
    assert found[("/c.html", "date-order")].evidence == {"published_on": "2023-09-30", "written_on": "2023-10-09"}


def test_page_kinds_and_code_format():
    assert page_kind(page("/x/", list_items=ITEMS), H + "/") == "column"
    assert page_kind(page("/x/", pagination=[H + "/x/index_1.html"]), H + "/") == "column"
    assert page_kind(page("/x/a.html", meta={"ArticleTitle": "t"}), H + "/") == "article"
    assert page_kind(page("/jgzn/", column="机构职能"), H + "/") == "column"
    assert page_kind(page("/search.html"), H + "/") == "page"
    assert page_kind(page("/", list_items=ITEMS), H + "/") == "home"
    assert valid_site_id_code("6401040001") and valid_site_id_code("bm12345678")
    assert not valid_site_id_code("BM1234567") and not valid_site_id_code("64010400011")


def test_real_handan_pages_only_the_non_iso_pub_date(run_check):
    """The real 邯郸 pages carry the full tag set; their PubDate 2020年08月02日 is not the required form."""
    from pathlib import Path

    from crawler.extract.page import extract_html

    pages = []
    for name in ("handan-xxgk-details.html", "handan-xxgk-gkzn.html", "handan-xxgk-list.html"):
        body = (Path(__file__).parents[1] / "fixtures" / "real-gov-pages" / name).read_bytes()
        facts = PageFacts(H + "/" + name, 200, content_type="text/html")
        extract_html(facts, body, "text/html")
        pages.append(facts)
    found = by_target(run_check(CHECK, pages, settings={"hosts": ["www.hd.gov.cn"], "region_code": "130400"}))
    assert set(found) == {("/handan-xxgk-details.html", "PubDate")}
    assert found[("/handan-xxgk-details.html", "PubDate")].evidence["pub_date"] == "2020年08月02日"
