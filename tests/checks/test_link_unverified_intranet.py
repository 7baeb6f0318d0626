from checks import intranet_link, link_unverified
from govcrawl.model import LinkState
from tests.checks.conftest import link, outcome, page


def test_unverified_flags_bot_blocks_only(run_check):
    pages = [page("/sfj/a.html", link("http://e.cn/403"), link("http://e.cn/429"), link("http://e.cn/404"),
                  link("http://e.cn/ok"))]
    outcomes = [
        outcome("http://e.cn/403", LinkState.UNVERIFIED, 403),
        outcome("http://e.cn/429", LinkState.UNVERIFIED, 429),
        outcome("http://e.cn/404", LinkState.BROKEN, 404),
        outcome("http://e.cn/ok", LinkState.OK, 200),
    ]
    found = run_check(link_unverified.CHECK, pages, outcomes)
    assert sorted(f.target for f in found) == ["http://e.cn/403", "http://e.cn/429"]
    assert all(f.department == "司法局" and f.severity == "minor" for f in found)


def test_intranet_links_flagged(run_check):
    targets = ["http://10.1.1.1/oa", "http://192.168.10.2/", "http://oa/login", "http://xxgk.xq.local/",
               "http://[fd00::5]/", "http://oa.xq.gov.cn/"]
    pages = [page("/sfj/a.html", *[link(t) for t in targets])]
    found = run_check(intranet_link.CHECK, pages, settings={"intranet_hosts": ["oa.xq.gov.cn"]})
    assert sorted(f.target for f in found) == sorted(targets)
    assert all(f.department == "司法局" for f in found)


def test_intranet_look_alikes(run_check):
    targets = ["http://www.xq.gov.cn/oa/", "http://www.gov.cn/", "http://172.32.1.1/", "http://local.example.cn/",
               "http://127.0.0.2:8081/ext.html"]
    pages = [page("/a.html", *[link(t) for t in targets])]
    assert run_check(intranet_link.CHECK, pages, settings={"external_links": {"allow_private": True}}) == []


def test_loopback_is_intranet_unless_allowed(run_check):
    pages = [page("/a.html", link("http://127.0.0.1:8080/admin"))]
    assert len(run_check(intranet_link.CHECK, pages)) == 1


def test_the_reason_is_worked_out_once_per_origin_and_the_same_as_per_url(run_check):
    """The memo is keyed by scheme and host (checks.intranet_link._origin): same host, same answer."""
    from urllib.parse import urlsplit

    odd = ["http://10.0.0.1/a?b#c", "https://Host.gov.cn:8080", "http://h?x//y", "mailto:a@b.c", "javascript:void(0)",
           "foo/bar", "http:x//y", "//oa/p", "http://u:p@[fd00::5]:80/x", "HTTP://OA/x", "ftp://a#frag/x", ""]
    for url in odd:
        whole, start = urlsplit(url), urlsplit(intranet_link._origin(url))
        assert (whole.netloc, whole.hostname) == (start.netloc, start.hostname), url
    targets = ["http://oa/login", "http://oa/news/1.html", "http://oa?x", "http://www.xq.gov.cn/oa/", "http://www.xq.gov.cn/"]
    found = run_check(intranet_link.CHECK, [page("/a.html", *[link(t) for t in targets])])
    assert sorted(f.target for f in found) == ["http://oa/login", "http://oa/news/1.html", "http://oa?x"]


def test_links_to_the_site_itself_are_never_intranet_whatever_their_start():
    """The fast path (links that begin like the site's own pages) answers as the full one would."""
    from checks.intranet_link import _own_starts

    starts = _own_starts({"127.0.0.1", "www.xq.gov.cn"}, "http://127.0.0.1:8080/")
    assert starts == ("http://127.0.0.1/", "http://127.0.0.1:8080/", "http://www.xq.gov.cn/",
                      "https://127.0.0.1/", "https://www.xq.gov.cn/")
    assert _own_starts({"www.xq.gov.cn"}, "http://10.0.0.5:8080/") == ("http://www.xq.gov.cn/", "https://www.xq.gov.cn/")


def test_own_host_on_a_port_is_not_intranet_but_another_private_host_is(run_check):
    targets = ["http://www.xq.gov.cn:8080/a.html", "http://www.xq.gov.cn/b.html", "https://WWW.xq.gov.cn/c.html",
               "http://10.0.0.5:8080/oa"]
    found = run_check(intranet_link.CHECK, [page("/a.html", *[link(t) for t in targets])])
    assert [f.target for f in found] == ["http://10.0.0.5:8080/oa"]
