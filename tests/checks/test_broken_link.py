from checks.broken_link import CHECK
from govcrawl.model import LinkState, Region
from tests.checks.conftest import H, link, outcome, page

OK, BROKEN, UNVERIFIED, EXCLUDED = LinkState.OK, LinkState.BROKEN, LinkState.UNVERIFIED, LinkState.EXCLUDED


def test_flags_broken_attachment_image_and_page_per_department(run_check):
    pages = [
        page("/", link("/zwgk/index.html")),
        page("/sfj/a.html", link("/files/gone.pdf", text="附件1"), link("/img/x.png", tag="img")),
        page("/sfj/b.html", link("/files/gone.pdf")),
        page("/zwgk/c.html", link("/files/gone.pdf"), link("/missing.html")),
    ]
    outcomes = [
        outcome("/files/gone.pdf", BROKEN, 404),
        outcome("/img/x.png", BROKEN, 500),
        outcome("/missing.html", BROKEN, 404),
        outcome("/zwgk/index.html", OK, 200),
    ]
    found = {(f.department, f.target): f for f in run_check(CHECK, pages, outcomes)}
    assert set(found) == {
        ("司法局", H + "/files/gone.pdf"),
        ("司法局", H + "/img/x.png"),
        ("政府办", H + "/files/gone.pdf"),
        ("政府办", H + "/missing.html"),
    }
    sfj_pdf = found[("司法局", H + "/files/gone.pdf")]
    assert sfj_pdf.url == H + "/sfj/a.html" and sfj_pdf.occurrences == [H + "/sfj/b.html"]
    assert "附件" in sfj_pdf.message and sfj_pdf.evidence["http_status"] == 404
    assert "图片" in found[("司法局", H + "/img/x.png")].message


def test_template_link_is_one_owner_finding(run_check):
    footer = link("/old/sitemap.html", region=Region.FOOTER)
    pages = [page("/", footer), page("/sfj/a.html", footer), page("/jyj/b.html", footer)]
    findings = run_check(CHECK, pages, [outcome("/old/sitemap.html", BROKEN, 404)])
    assert len(findings) == 1
    f = findings[0]
    assert f.department == "政府办" and f.url == H + "/" and f.severity == "critical"
    assert f.occurrences == [H + "/jyj/b.html", H + "/sfj/a.html"]
    assert f.evidence["in_template"] is True


def test_stable_id_does_not_depend_on_linking_page(run_check):
    a = run_check(CHECK, [page("/sfj/a.html", link("/x.pdf"))], [outcome("/x.pdf", BROKEN, 404)])
    b = run_check(CHECK, [page("/sfj/z.html", link("/x.pdf"))], [outcome("/x.pdf", BROKEN, 404)])
    assert a[0].id == b[0].id and a[0].url != b[0].url


def test_look_alikes_not_flagged(run_check):
    pages = [
        page("/", link("/ok.pdf"), link("http://ext.example.com/x", text="外链"), link("http://ext.example.com/y"),
             link("/robots-blocked.html"), link("/not-crawled.html")),
        page("/gone.html", status=404),  # a broken page that nobody links: not a broken *link*
    ]
    outcomes = [
        outcome("/ok.pdf", OK, 200),
        outcome("http://ext.example.com/x", UNVERIFIED, 403),
        outcome("http://ext.example.com/y", OK, 200),
        outcome("/robots-blocked.html", EXCLUDED, reason="robots.txt 禁止抓取"),
        outcome("/not-crawled.html", LinkState.UNCHECKED, reason="达到页面数上限"),
    ]
    assert run_check(CHECK, pages, outcomes) == []


def test_the_evidence_does_not_depend_on_the_order_pages_were_stored_in(run_check):
    """The page worker and the crawl process store pages in batches of their own: the order varies."""
    pages = [page("/sfj/b.html", link("/files/gone.pdf", text="附件二")),
             page("/sfj/a.html", link("/files/gone.pdf", text="附件一"))]
    outcomes = [outcome("/files/gone.pdf", BROKEN, 404)]
    first = run_check(CHECK, pages, outcomes)
    again = run_check(CHECK, list(reversed(pages)), outcomes)
    assert [f.as_json() for f in first] == [f.as_json() for f in again]
    assert first[0].evidence["link_text"] == "附件一"  # the link on the page with the smallest URL
