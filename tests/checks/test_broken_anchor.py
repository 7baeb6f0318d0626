from checks.broken_anchor import CHECK
from tests.checks.conftest import H, link, page


def test_missing_fragment_flagged(run_check):
    pages = [
        page("/sfj/a.html", link("/sfj/b.html", fragment="sec3"), link("/sfj/a.html", fragment="nowhere")),
        page("/sfj/b.html", anchors={"sec1", "sec2"}),
    ]
    found = run_check(CHECK, pages)
    assert sorted(f.target for f in found) == [H + "/sfj/a.html#nowhere", H + "/sfj/b.html#sec3"]
    assert all(f.department == "司法局" for f in found)


def test_look_alikes(run_check):
    pages = [
        page(
            "/a.html",
            link("/b.html", fragment="sec2"),  # exists as id
            link("/b.html", fragment="%E7%AB%A0"),  # percent-encoded id 章
            link("/a.html", fragment="top"),
            link("/a.html", fragment="TOP"),
            link("/b.html", fragment="!/route"),
            link("/files/x.pdf", fragment="page=2"),
            link("/gone.html", fragment="x"),  # target not an HTML 2xx page: broken-link's business
            link("http://other.example.cn/p.html", fragment="zz"),  # external: body never read
            link("/b.html", tag="img", fragment="zz"),
        ),
        page("/b.html", anchors={"sec2", "章"}),
        page("/gone.html", status=404),
    ]
    assert run_check(CHECK, pages) == []
