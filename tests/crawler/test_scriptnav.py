"""Script stubs (``<script>location.href="/index.shtml"</script>`` at the site root) are followed like a
meta refresh; a page with something to read, or a stub that names several places, is not."""

from __future__ import annotations

from pathlib import Path

import pytest
from scrapy import Request, Spider
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler

from crawler.metarefresh import STUB_MAX_BYTES, MetaRefreshMiddleware, forward_target, may_forward
from crawler.scriptnav import script_location
from tests.sites import crawl, serve, static_handler

ARTICLE = "<p>兴庆区人民政府关于印发2023年政务公开工作要点的通知，各乡镇人民政府、街道办事处。</p>"

STUBS = [  # (name, body, where it sends the reader)
    ("href", '<html><head><script>window.location.href="/index.shtml";</script></head><body></body></html>',
     "/index.shtml"),
    ("bare location", "<script type='text/javascript'>location = 'col/col1/index.html'</script>", "col/col1/index.html"),
    ("replace", '<html><body><script>location.replace("http://www.xq.gov.cn/");</script></body></html>',
     "http://www.xq.gov.cn/"),
    ("assign", "<script>document.location.assign('/zwgk/')</script>", "/zwgk/"),
    ("top", '<script>top.location.href = "/main.html"</script><noscript>请开启JavaScript</noscript>', "/main.html"),
    ("mobile switch", '<script>if (/Android|iPhone|Mobile/i.test(navigator.userAgent)) {window.location.href='
                      '"/m/index.html";} else {window.location.href="/pc/index.html";}</script>', "/pc/index.html"),
    ("mobile host", '<script>if(isMobile()) location.href="http://m.xq.gov.cn/"; else location.href="/web/";</script>',
     "/web/"),
    ("the same target twice", '<script>location.href="/a/"; setTimeout(function(){location.href="/a/"},9)</script>',
     "/a/"),
]
NOT_STUBS = [  # pages that must be read as they are
    ("a page with text", f'<html><body><h1>通知公告</h1>{ARTICLE}<script>function search(){{location.href='
                         '"/search/";}</script></body></html>'),
    ("two places, neither mobile", '<script>if (old) location.href="/a/"; else location.href="/b/";</script>'),
    ("a fragment", '<script>location.href="#top"</script>'),
    ("javascript:", "<script>location.href='javascript:void(0)'</script>"),
    ("an external script", '<script src="/js/go.js"></script>'),
    ("a variable, no literal", "<script>location.href = base + '/index.html';</script>"),
    ("only the word", "<p>location</p>"),
]


@pytest.mark.parametrize(("name", "body", "target"), STUBS, ids=[s[0] for s in STUBS])
def test_a_stub_names_where_it_goes(name, body, target):
    assert may_forward(body.encode())
    assert forward_target(body) == target


@pytest.mark.parametrize(("name", "body"), NOT_STUBS, ids=[s[0] for s in NOT_STUBS])
def test_other_pages_go_nowhere(name, body):
    assert forward_target(body) is None


def test_the_desktop_site_over_the_mobile_one_and_no_guess_between_two_others():
    assert script_location(['location.href="/wap/"', 'location.href="/"']) == "/"
    assert script_location(['location.href="/sj/"', 'location.href="/h5/"']) is None  # both mobile: no desktop
    assert script_location(['location.href="/a/"', 'location.href="/b/"']) is None


@pytest.fixture(scope="module")
def middleware():
    return MetaRefreshMiddleware.from_crawler(get_crawler(Spider))


def _response(body: str, charset: str = "utf-8") -> HtmlResponse:
    return HtmlResponse("http://127.0.0.1/", body=body.encode(charset),
                        headers={"Content-Type": f"text/html; charset={charset}"})


def test_the_middleware_redirects_a_stub_as_a_meta_refresh(middleware):
    stub = '<html><head><script>window.location.href="/index.shtml";</script></head><body></body></html>'
    answer = middleware.process_response(Request("http://127.0.0.1/"), _response(stub, "gbk"))
    assert isinstance(answer, Request) and answer.url == "http://127.0.0.1/index.shtml"
    assert answer.meta["redirect_times"] == 1 and answer.meta["redirect_urls"] == ["http://127.0.0.1/"]
    assert answer.meta["redirect_reasons"] == ["script location"]
    # Not for a HEAD, nor where redirects are off.
    for request in (Request("http://127.0.0.1/", method="HEAD"), Request("http://127.0.0.1/", meta={"dont_redirect": 1})):
        response = _response(stub)
        assert middleware.process_response(request, response) is response


def test_a_page_with_content_is_neither_forwarded_nor_decoded(middleware):
    page = _response(f"<html><body>{ARTICLE * 80}<script>function go(){{location.href='/s/'}}</script></body></html>")
    assert len(page.body) > STUB_MAX_BYTES
    assert middleware.process_response(Request("http://127.0.0.1/"), page) is page
    assert page._cached_ubody is None  # the crawl process never decodes an ordinary page
    small = _response(f"<html><body>{ARTICLE}<script>function go(){{location.href='/s/'}}</script></body></html>")
    assert middleware.process_response(Request("http://127.0.0.1/"), small) is small


# A portal whose root only forwards to the CMS's homepage with a script.
SCRIPT_ROOT_PORTAL = {
    "/": (200, '<html><head><meta charset="utf-8"><script language="javascript">'
               'window.location.href="/index.shtml";</script></head><body></body></html>'),
    "/index.shtml": (200, f'<html><head><meta charset="utf-8"><title>首页</title></head><body>{ARTICLE}'
                          '<a href="/zwgk/art_1.html">通知</a><a href="/ghb/">长者模式</a></body></html>'),
    "/zwgk/art_1.html": (200, f'<html><head><meta charset="utf-8"><title>通知</title></head><body>{ARTICLE}</body></html>'),
    "/ghb/": (200, '<html><head><meta charset="utf-8"><title>长者模式</title></head><body>长者</body></html>'),
}


def test_a_crawl_goes_past_a_script_root(tmp_path: Path):
    with serve(static_handler(SCRIPT_ROOT_PORTAL)) as base:
        findings, urls = crawl(base, tmp_path)
    assert base + "/zwgk/art_1.html" in urls and base + "/ghb/" in urls
    # The homepage is judged as a reader sees it: the page the stub forwards to, which has the entry.
    assert not [f for f in findings["findings"] if f["check"] == "elder-friendly" and f["target"] == "no-care-entry"]
    assert findings["run"]["stats"]["start_pages_unread"] == []
