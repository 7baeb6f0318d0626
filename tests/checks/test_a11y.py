"""a11y and elder-friendly: static/browser merging, template lifting, departments, the care entry."""

from checks import a11y, elder_friendly
from govcrawl.model import A11yNode, PageAudit, PageFacts, Region, Severity
from tests.checks.conftest import H, link, page


def node(rule, selector, html="", region=Region.BODY, source="static", impact=None, detail=""):
    return A11yNode(rule, selector, html, region, impact, detail, source, "help" if source == "axe" else "")


SEARCH = node("label", "#kw", '<input id="kw" name="kw" type="text">', Region.HEADER)


def art(path, *nodes, template="T1", **kw):
    return page(path, template=template, a11y=list(nodes), **kw)


def by_key(findings):
    return {(f.url.removeprefix(H), f.target): f for f in findings}


def test_template_problem_is_one_owner_finding_and_page_problems_stay_with_departments(run_check):
    pages = [
        art("/sfj/a.html", SEARCH, node("image-alt", "div.content > p:nth-child(2) > img", '<img src="x.png">')),
        art("/sfj/b.html", SEARCH),
        art("/zwgk/c.html", SEARCH),
    ]
    found = by_key(run_check(a11y.CHECK, pages))
    assert set(found) == {("/sfj/a.html", "label"), ("/sfj/a.html", "image-alt")}
    template = found[("/sfj/a.html", "label")]
    assert template.department == "政府办"  # the owner fixes the template once
    assert template.occurrences == [H + "/sfj/b.html", H + "/zwgk/c.html"]
    assert template.evidence["template_pages"] == 3 and "模板问题" in template.message
    assert found[("/sfj/a.html", "image-alt")].department == "司法局"
    assert found[("/sfj/a.html", "image-alt")].severity == Severity.MAJOR  # axe impact critical


def test_not_on_every_page_of_the_template_is_per_page(run_check):
    img = node("image-alt", "div.content > img", '<img src="a.png">')
    pages = [art("/sfj/a.html", img), art("/sfj/b.html", img), art("/sfj/c.html")]
    found = by_key(run_check(a11y.CHECK, pages))
    assert set(found) == {("/sfj/a.html", "image-alt"), ("/sfj/b.html", "image-alt")}
    assert all(f.department == "司法局" and not f.occurrences for f in found.values())


def test_static_and_axe_nodes_of_one_element_merge(run_check):
    static = node("image-alt", "body > div:nth-child(3) > img", '<img src="/logo.png" width="20">')
    axe = node("image-alt", ".logo > img", '<img src="/logo.png"  width="20">', source="axe", impact="critical")
    other = node("link-name", "#more", '<a id="more" href="/m"></a>', source="axe", impact="serious")
    p = art("/sfj/a.html", static, template=None)
    audit = PageAudit(p.url, "ok", [axe, other])
    found = run_check(a11y.CHECK, [p], audits=[audit])
    assert sorted(f.target for f in found) == ["image-alt", "link-name"]
    img = next(f for f in found if f.target == "image-alt")
    assert img.evidence["node_count"] == 1 and img.evidence["sources"] == ["axe"] and img.evidence["help"] == "help"


def test_browser_nodes_lift_over_the_audited_pages_only(run_check):
    contrast = node("color-contrast", "#footer > p", '<p style="color:#aaa">', Region.FOOTER, "axe", "serious")
    pages = [art(f"/zwgk/{i}.html") for i in range(5)]
    audits = [PageAudit(pages[0].url, "ok", [contrast]), PageAudit(pages[1].url, "ok", [contrast]),
              PageAudit(pages[2].url, "timeout", [], error="页面超时")]
    found = run_check(a11y.CHECK, pages, audits=audits)
    assert len(found) == 1
    assert found[0].evidence["template_pages"] == 2 and found[0].department == "政府办"


def test_header_node_on_a_single_page_is_the_owners(run_check):
    found = run_check(a11y.CHECK, [art("/sfj/only.html", SEARCH, template="T9")])
    assert [(f.target, f.department) for f in found] == [("label", "政府办")]
    assert "页头" in found[0].message and found[0].message.startswith("页面公共部分")


def test_template_node_and_page_nodes_of_the_same_rule_on_the_representative_page_fold(run_check):
    logo = node("image-alt", "#logo", '<img id="logo" src="l.png">', Region.HEADER)
    body = node("image-alt", "div.content > img", '<img src="chart.png">')
    pages = [art("/", logo, body), art("/b.html", logo)]
    found = run_check(a11y.CHECK, pages)
    assert len(found) == 1 and found[0].url == H + "/"
    assert found[0].evidence["node_count"] == 2


def test_elder_rules_zoom_fonts_and_care_entry(run_check):
    viewport = node("meta-viewport", "meta[name=viewport]", '<meta name="viewport" content="user-scalable=no">')
    small = node("small-font", "div.content p", "<p>", source="browser", detail="12px")
    home = page("/", link("/ghb/", text="关怀版"), template="H")
    old = art("/zdly/a.html", viewport, template="OLD")
    audits = [PageAudit(old.url, "ok", [small])]
    found = by_key(run_check(elder_friendly.CHECK, [home, old], audits=audits))
    assert set(found) == {("/zdly/a.html", "zoom-disabled"), ("/zdly/a.html", "small-font")}
    assert found[("/zdly/a.html", "small-font")].evidence["nodes"][0]["detail"] == "12px"
    # meta-viewport is also the a11y check's (WCAG 1.4.4): each check reports its own rule.
    assert [f.target for f in run_check(a11y.CHECK, [home, old])] == ["meta-viewport"]


def test_care_entry_by_text_alt_or_title_and_its_absence(run_check):
    for entry in (link("/ghb/", text="长者模式"), link("/img/c.png", tag="img", text="无障碍浏览")):
        assert run_check(elder_friendly.CHECK, [page("/", entry)]) == []
    found = run_check(elder_friendly.CHECK, [page("/", link("/zwgk/", text="政务公开"))])
    assert [(f.target, f.department, f.url) for f in found] == [("no-care-entry", "政府办", H + "/")]
    # The configured selector counts when the browser found it on the homepage.
    home = page("/", link("/zwgk/", text="政务公开"))
    audit = PageAudit(home.url, "ok", [], metrics={"care_entry": True})
    assert run_check(elder_friendly.CHECK, [home], audits=[audit],
                     settings={"accessibility": {"care_selector": "#care"}}) == []


def test_care_entry_is_not_judged_on_a_homepage_that_was_not_read(run_check):
    # A homepage that answered 404, never answered, or is no HTML page shows nothing to judge:
    # "no elder-mode entry" there would be a finding about a page nobody saw.
    for unread in (page("/", status=404), page("/", status=None, error="连接被拒绝"),
                   page("/", status=503), PageFacts(url=H + "/", status=200, content_type="application/pdf")):
        assert run_check(elder_friendly.CHECK, [unread]) == []
    # The same page read (2xx HTML) without an entry is flagged, a redirect's 200 included.
    assert [f.target for f in run_check(elder_friendly.CHECK, [page("/", status=200)])] == ["no-care-entry"]
    assert [f.target for f in run_check(elder_friendly.CHECK, [page("/", status=203)])] == ["no-care-entry"]


def test_reflow_only_on_pages_that_declare_a_responsive_viewport(run_check):
    overflow = node("reflow", "#content", '<div id="content" class="w1200">', source="browser",
                    detail="extends to 1208px at a 320px viewport")
    responsive = art("/r.html", template=None, meta={"viewport": "width=device-width, initial-scale=1"})
    desktop = art("/d.html", template=None)
    audits = [PageAudit(responsive.url, "ok", [overflow]), PageAudit(desktop.url, "ok", [overflow])]
    found = run_check(a11y.CHECK, [responsive, desktop], audits=audits)
    assert [(f.url.removeprefix(H), f.target) for f in found] == [("/r.html", "reflow")]


def test_same_header_element_on_pages_of_different_fingerprints_is_one_template_problem(run_check):
    search = node("label", "form.search > input", '<input type="text" name="q" value="请输入关键字">', Region.HEADER)
    footer = node("color-contrast", "div.footer > p:nth-of-type(3)", '<p style="color:#b5b5b5">', Region.FOOTER)
    pages = [art(f"/wjj/art/{i}.html", search, footer, template=f"T{i}") for i in range(4)]
    pages.append(art("/wjj/col/", search, footer, template="LIST"))
    found = run_check(a11y.CHECK, pages)
    assert sorted(f.target for f in found) == ["color-contrast", "label"]
    assert all(f.department == "政府办" and len(f.occurrences) == 4 for f in found)


def test_a_template_findings_evidence_does_not_depend_on_crawl_order(run_check):
    """The same body element on every page of a template quotes each page's own text: the evidence
    quotes the named page's element whatever order the pages were crawled in (two nights, two orders)."""
    def article(n):
        lead = node("small-font", "body > table:nth-of-type(3) > tbody > tr > td > p", f"<p>现将第{n}号信息公开如下。</p>",
                    detail="12px")
        header = node("label", "form.search > input", f'<input type="text" name="q" data-n="{n}">', Region.HEADER)
        return art(f"/zwgk/zdly/t2023_{n}.html", lead, header, template="ART")

    pages = [article(n) for n in range(1800, 1806)]
    runs = []
    for order in (pages, pages[::-1], pages[2:] + pages[:2]):
        found = run_check(elder_friendly.CHECK, order) + run_check(a11y.CHECK, order)
        runs.append(sorted((f.id, f.url, repr(f.evidence)) for f in found))
    assert runs[0] == runs[1] == runs[2]
    small = next(f for f in run_check(elder_friendly.CHECK, pages[::-1]) if f.target == "small-font")
    assert small.url == H + "/zwgk/zdly/t2023_1800.html" and "第1800号" in small.evidence["nodes"][0]["html"]
