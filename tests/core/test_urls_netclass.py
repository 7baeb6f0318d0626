import pytest

from crawler.urls import absolute, normalise
from govcrawl.netclass import intranet_reason


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("HTTP://WWW.Example.gov.CN:80/a/b.html", ("http://www.example.gov.cn/a/b.html", None)),
        ("https://x.cn:443/?b=2&a=1#sec", ("https://x.cn/?a=1&b=2", "sec")),
        ("http://x.cn/a;jsessionid=ABC123?id=3&PHPSESSID=zz", ("http://x.cn/a?id=3", None)),
        ("http://x.cn:8080/p q", ("http://x.cn:8080/p%20q", None)),
        ("http://x.cn/公开/文件.html", ("http://x.cn/%E5%85%AC%E5%BC%80/%E6%96%87%E4%BB%B6.html", None)),
        ("http://x.cn", ("http://x.cn/", None)),
    ],
)
def test_normalise(raw, expected):
    assert normalise(raw) == expected


@pytest.mark.parametrize("raw", ["http://exa mple.gov.cn/", "http://a%20b.gov.cn/", "http://a|b.gov.cn/",
                                 "http://a<b>.gov.cn/", "http://a^b.gov.cn/", "http://a\x7fb.gov.cn/"])
def test_a_host_no_server_could_have_is_no_url(raw):
    """Found by tests/crawler/test_fuzz_extract.py: <video src="http://exa mple.gov.cn/"> gave a link with a space."""
    assert normalise(raw) is None
    assert absolute("http://www.xq.gov.cn/a.html", raw) is None


@pytest.mark.parametrize("raw", ["http://[::1]:8080/x", "http://中文.gov.cn/", "http://a-b.gov.cn/a b",
                                 "http://user@a.gov.cn/"])
def test_look_alike_hosts_that_are_fine(raw):
    assert normalise(raw) is not None


def test_absolute_resolves_and_skips_pseudo_schemes():
    base = "http://x.cn/zwgk/index.html"
    assert absolute(base, "../a.html") == ("http://x.cn/a.html", None)
    assert absolute(base, "#top") == ("http://x.cn/zwgk/index.html", "top")
    assert absolute(base, "?q=公开", "gbk") == ("http://x.cn/zwgk/index.html?q=%B9%AB%BF%AA", None)
    for pseudo in ("javascript:void(0)", "mailto:a@x.cn", "tel:12345", "JavaScript:;", ""):
        assert absolute(base, pseudo) is None


@pytest.mark.parametrize(
    "host",
    ["10.1.2.3", "192.168.0.10", "172.16.5.4", "169.254.1.1", "100.64.0.1", "oa", "xxgk.xqgov.local",
     "portal.internal", "fd00::1", "fe80::1", "127.0.0.1", "localhost"],
)
def test_intranet_hosts(host):
    assert intranet_reason(host) is not None


@pytest.mark.parametrize("host", ["www.gov.cn", "8.8.8.8", "172.32.0.1", "www.localnews.cn", "internal.example.com"])
def test_public_hosts(host):
    assert intranet_reason(host) is None


def test_loopback_allowed_for_tests_and_configured_hosts():
    assert intranet_reason("127.0.0.2", allow_loopback=True) is None
    assert intranet_reason("10.0.0.1", allow_loopback=True) is not None
    assert intranet_reason("oa.example.gov.cn", intranet_hosts=["OA.example.gov.cn"]) is not None
