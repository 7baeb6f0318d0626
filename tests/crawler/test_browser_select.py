from datetime import date

from crawler.browser_select import choose_pages
from govcrawl.model import ListItem, PageFacts

H = "http://www.xq.gov.cn"


def p(path, template, depth=1, items=False, status=200, ctype="text/html"):
    rows = [ListItem(H + "/x.html", "x", date(2023, 10, 1))] if items else []
    return PageFacts(H + path, status, content_type=ctype, template=template, depth=depth, list_items=rows)


PAGES = [
    p("/", "home", 0),
    p("/zwgk/tzgg/", "list", items=True),
    p("/zwgk/tzgg/index_1.html", "list", 2, items=True),
    p("/xwzx/ywdt/", "list", items=True),
    *[p(f"/zwgk/tzgg/a{i}.html", "article", 2) for i in range(6)],
    p("/old/a.html", "old", 3),
    p("/broken.html", "article", 2, status=404),
    p("/file.pdf", None, 2, ctype="application/pdf"),
]


def test_homepage_templates_and_column_first_pages():
    chosen = choose_pages(PAGES, H + "/", per_template=2)
    assert chosen[0] == H + "/"
    assert H + "/zwgk/tzgg/" in chosen and H + "/xwzx/ywdt/" in chosen
    assert H + "/zwgk/tzgg/index_1.html" not in chosen  # a later list page is neither first nor needed
    assert [u for u in chosen if "/a" in u and "tzgg/a" in u] == [H + "/zwgk/tzgg/a0.html", H + "/zwgk/tzgg/a1.html"]
    assert H + "/old/a.html" in chosen
    assert H + "/broken.html" not in chosen and H + "/file.pdf" not in chosen


def test_cap_keeps_one_page_of_every_template_first():
    chosen = choose_pages(PAGES, H + "/", per_template=3, max_pages=4)
    assert chosen == [H + "/", H + "/zwgk/tzgg/", H + "/zwgk/tzgg/a0.html", H + "/old/a.html"]


def test_all_pages():
    assert len(choose_pages(PAGES, H + "/", all_pages=True)) == 11
