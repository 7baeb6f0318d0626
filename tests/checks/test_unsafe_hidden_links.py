"""``unsafe-link`` and ``hidden-link``: cases they must flag, look-alikes they must not."""

from __future__ import annotations

from checks import hidden_link, unsafe_link
from govcrawl.model import LinkFacts, LinkOutcome, LinkState, Region
from tests.checks.conftest import H, link, outcome, page

CASINO = "http://www.nxlnty.org.cn/"  # an association's expired domain, now a casino


def read(url: str, title: str | None, terms: list[str], final_url: str | None = None) -> LinkOutcome:
    """An external page the link checker GET and read."""
    found = outcome(url, LinkState.OK, 200)
    found.method, found.title, found.terms, found.final_url = "GET", title, terms, final_url
    return found


def hidden(path_or_url: str, tag: str = "a", region: Region = Region.BODY, text: str = "在线娱乐") -> LinkFacts:
    found = link(path_or_url, tag=tag, region=region, text=text)
    found.hidden = True
    return found


# -- unsafe-link ------------------------------------------------------------------------------


def test_unsafe_link_flags_external_pages_with_terms(run_check):
    pages = [page("/", link(CASINO, text="宁夏老年人体育协会")), page("/sfj/a.html", link("https://bet.example.com/x"))]
    outcomes = [
        read(CASINO, "澳门新葡京娱乐城", ["新葡京", "娱乐城", "百家乐"], final_url="https://www.xpj-casino.example/"),
        read("https://bet.example.com/x", "Online Casino", ["casino", "baccarat"]),
    ]
    found = {f.target: f for f in run_check(unsafe_link.CHECK, pages, outcomes)}
    assert set(found) == {CASINO, "https://bet.example.com/x"}
    home = found[CASINO]
    assert home.url == H + "/" and home.department == "政府办" and home.severity == "critical"
    assert home.evidence["terms"] == ["新葡京", "娱乐城", "百家乐"]
    assert home.evidence["target_title"] == "澳门新葡京娱乐城"
    assert home.evidence["final_url"] == "https://www.xpj-casino.example/"
    assert home.evidence["link_text"] == "宁夏老年人体育协会"
    assert "新葡京" in home.message
    assert found["https://bet.example.com/x"].department == "司法局"


def test_unsafe_link_one_finding_per_target_and_department(run_check):
    pages = [page(f"/sfj/{n}.html", link(CASINO)) for n in range(3)] + [page("/zwgk/x.html", link(CASINO))]
    found = run_check(unsafe_link.CHECK, pages, [read(CASINO, "娱乐城", ["娱乐城"])])
    assert sorted(f.department for f in found) == ["司法局", "政府办"]
    sfj = next(f for f in found if f.department == "司法局")
    assert sfj.url == H + "/sfj/0.html" and sfj.occurrences == [H + "/sfj/1.html", H + "/sfj/2.html"]


def test_unsafe_link_look_alikes(run_check):
    pages = [page("/a.html", link("http://news.example.com/dbgz.html"), link("http://www.cwl.gov.cn/"),
                  link("http://gone.example.com/"), link("/zwgk/bocai.html"), link("http://unread.example.com/"))]
    outcomes = [
        read("http://news.example.com/dbgz.html", "关于严厉打击跨境赌博违法犯罪活动的通告", []),  # guarded upstream
        read("http://www.cwl.gov.cn/", "中国福利彩票", []),
        outcome("http://gone.example.com/", LinkState.BROKEN, 404),  # never read: no terms
        read(H + "/zwgk/bocai.html", "内部页面", ["博彩"]),  # terms on an internal page: not this check's
    ]
    assert run_check(unsafe_link.CHECK, pages, outcomes) == []


# -- hidden-link ------------------------------------------------------------------------------


def test_hidden_external_links_flagged_per_page(run_check):
    pages = [
        page("/zwgk/t1.html", hidden("http://seo.example.com/link1.html"), link("http://www.gov.cn/")),
        page("/sfj/t2.html", hidden("http://seo.example.com/link1.html"), hidden("https://spam.example.net/", "iframe")),
        page("/sfj/t3.html", hidden("http://seo.example.com/link1.html", "area")),
    ]
    found = run_check(hidden_link.CHECK, pages)
    assert sorted((f.url, f.target) for f in found) == [
        (H + "/sfj/t2.html", "http://seo.example.com/link1.html"),
        (H + "/sfj/t2.html", "https://spam.example.net/"),
        (H + "/sfj/t3.html", "http://seo.example.com/link1.html"),
        (H + "/zwgk/t1.html", "http://seo.example.com/link1.html"),
    ]
    assert all(f.severity == "critical" and f.occurrences == [] for f in found)
    first = next(f for f in found if f.url.endswith("t1.html"))
    assert first.department == "政府办" and first.evidence["host"] == "seo.example.com"
    assert first.evidence["link_text"] == "在线娱乐" and first.evidence["region"] == "正文"
    assert len({f.id for f in found}) == 4


def test_hidden_link_in_template_is_one_finding_for_the_owner(run_check):
    pages = [page(f"/sfj/{n}.html", hidden("http://spam.example.com/", region=Region.FOOTER)) for n in range(4)]
    found = run_check(hidden_link.CHECK, pages)
    assert len(found) == 1
    assert found[0].department == "政府办" and found[0].evidence["in_template"] is True
    assert len(found[0].occurrences) == 3 and found[0].evidence["region"] == "页脚"


def test_hidden_link_look_alikes(run_check):
    pages = [page(
        "/a.html",
        hidden("/zwgk/", text="政务公开"),  # mobile menu
        hidden(H + "/a.html#content", text="跳到主要内容"),  # skip link for screen readers
        hidden("http://xxgk.xq.gov.cn/", text="信息公开"),  # a sibling host of the site
        hidden("http://www.nx.gov.cn/", text="宁夏回族自治区人民政府"),  # 政府网站群 dropdown
        hidden("http://zwfw.yinchuan.gov.cn/", text="银川市政务服务网"),
        hidden("http://10.1.1.1/oa", text="内网"),  # intranet-link's, not a hidden link
        hidden("https://hm.baidu.com/hm.gif", "img", text=""),  # hidden statistics pixel
        hidden("https://s4.cnzz.com/z_stat.php", "script", text=""),
        link("http://seo.example.com/visible.html"),  # external but visible
    )]
    assert run_check(hidden_link.CHECK, pages) == []


def test_hidden_link_port_and_scheme(run_check):
    # A site on a port: the same address on that port is the site, another address is the
    # outside world (the demo's, on loopback); only http(s) links count.
    ftp = LinkFacts("ftp://files.example.com/x", "a", "href", "文件", Region.BODY, None, True)
    pages = [page("/a.html", hidden("http://127.0.0.1:8480/zwgk/"), hidden("http://127.0.0.2:8480/seo/link2.html"),
                  ftp)]
    settings = {"hosts": ["www.xq.gov.cn", "127.0.0.1:8480"], "external_links": {"allow_private": True}}
    found = run_check(hidden_link.CHECK, pages, settings=settings)
    assert [f.target for f in found] == ["http://127.0.0.2:8480/seo/link2.html"]


def test_metadata():
    assert unsafe_link.CHECK.id == "unsafe-link" and unsafe_link.CHECK.severity == "critical"
    assert hidden_link.CHECK.id == "hidden-link" and hidden_link.CHECK.severity == "critical"
    for check in (unsafe_link.CHECK, hidden_link.CHECK):
        assert check.title and check.basis and check.fix and check.summary and check.func is not None
