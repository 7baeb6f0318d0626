"""Meta refresh redirects: followed like Scrapy follows them, without decoding pages that have none."""

from __future__ import annotations

from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest
from scrapy import Request, Spider
from scrapy.downloadermiddlewares.redirect import MetaRefreshMiddleware as ScrapyMetaRefresh
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler

from crawler.metarefresh import WINDOW, MetaRefreshMiddleware, may_refresh
from tests.sites import crawl, serve

ARTICLE = "<p>兴庆区人民政府关于印发2023年政务公开工作要点的通知，各乡镇人民政府、街道办事处。</p>"

# (name, body, charset of the Content-Type header)
BODIES = [
    ("utf-8 stub", '<html><head><meta http-equiv="refresh" content="0;url=/main/"></head></html>', "utf-8"),
    ("gbk stub after text", f'<html><head><title>首页</title>{ARTICLE}'
                            '<META HTTP-EQUIV="Refresh" CONTENT="0; URL=/col/col123/index.html"></head></html>', "gbk"),
    ("content first", '<meta content="1; url=http://127.0.0.1/x.html" http-equiv="REFRESH">', "utf-8"),
    ("no refresh", f"<html><body>{ARTICLE * 400}</body></html>", "utf-8"),
    ("no refresh, gbk", f"<html><body>{ARTICLE * 400}</body></html>", "gbk"),
    ("only in a script", '<script>var s="<meta http-equiv=refresh content=\'0;url=/js/\'>";</script>', "utf-8"),
    ("only in the text", f"<p>refresh 刷新 {ARTICLE}</p>", "utf-8"),
    ("too late to count", f"<html><body>{ARTICLE * 120}"
                          '<meta http-equiv="refresh" content="0;url=/late/"></body></html>', "utf-8"),
    ("reload timer", '<meta http-equiv="refresh" content="300;url=/later/">', "utf-8"),
    ("utf-16", '<meta http-equiv="refresh" content="0;url=/wide/">', "utf-16"),
]


def _response(body: str, charset: str) -> HtmlResponse:
    return HtmlResponse("http://127.0.0.1/", body=body.encode(charset),
                        headers={"Content-Type": f"text/html; charset={charset}"})


def _outcome(result) -> str | None:
    """The redirect target, or None when the response went on as it was."""
    return result.url if isinstance(result, Request) else None


@pytest.fixture(scope="module")
def middlewares():
    crawler = get_crawler(Spider)
    return MetaRefreshMiddleware.from_crawler(crawler), ScrapyMetaRefresh.from_crawler(crawler)


@pytest.mark.parametrize(("name", "body", "charset"), BODIES, ids=[b[0] for b in BODIES])
def test_same_decision_as_scrapy(middlewares, name, body, charset):
    ours, scrapy = middlewares
    request = Request("http://127.0.0.1/")
    expected = _outcome(scrapy.process_response(request, _response(body, charset)))
    assert _outcome(ours.process_response(request, _response(body, charset))) == expected


def test_the_cases_cover_both_outcomes(middlewares):
    """The comparison above is only worth something if Scrapy redirects on some cases and not on others."""
    _, scrapy = middlewares
    outcomes = {name: _outcome(scrapy.process_response(Request("http://127.0.0.1/"), _response(body, charset)))
                for name, body, charset in BODIES}
    assert outcomes["gbk stub after text"] == "http://127.0.0.1/col/col123/index.html"
    assert outcomes["utf-16"] == "http://127.0.0.1/wide/"
    assert outcomes["too late to count"] is None and outcomes["reload timer"] is None
    assert len(ARTICLE * 120) > 4096 and len((ARTICLE * 120).encode()) < WINDOW  # "too late" is read by Scrapy


def test_a_page_without_refresh_is_not_decoded(middlewares):
    ours, scrapy = middlewares
    plain = _response(f"<html><body>{ARTICLE * 400}</body></html>", "gbk")
    assert ours.process_response(Request("http://127.0.0.1/"), plain) is plain
    assert plain._cached_ubody is None  # Scrapy's cache of response.text: never filled
    scrapy.process_response(Request("http://127.0.0.1/"), plain)
    assert plain._cached_ubody is not None  # what Scrapy's own middleware does to every page


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (b'<meta http-equiv="Refresh" content="0;url=/a/">', True),
        ("刷新".encode("gbk") * 100 + b"REFRESH", True),
        ("<p>x</p>".encode("utf-16"), True),  # NUL bytes: left to Scrapy
        (b"<html><body>" + "政务公开".encode() * 2000 + b"</body></html>", False),
        (b"x" * WINDOW + b"refresh", False),  # past the bytes 4,096 characters can take
    ],
)
def test_may_refresh(body, expected):
    assert may_refresh(body) is expected


class _RedirectingPortal(BaseHTTPRequestHandler):
    """A GBK portal whose root is a meta refresh stub, as many district sites' are."""

    protocol_version = "HTTP/1.1"
    PAGES = {
        "/": f'<html><head><title>首页</title><meta http-equiv="refresh" content="0;url=/col/col1/index.html">'
             f"</head><body>{ARTICLE}</body></html>",
        "/col/col1/index.html": f'<html><head><title>政务公开</title></head><body>{ARTICLE}'
                                '<a href="/col/col1/art/2023/art_1.html">通知</a></body></html>',
        "/col/col1/art/2023/art_1.html": f"<html><head><title>通知</title></head><body>{ARTICLE}</body></html>",
    }

    def log_message(self, *args):
        pass

    def do_GET(self):
        page = self.PAGES.get(self.path)
        data = (page or "<html><title>404</title></html>").encode("gbk")
        self.send_response(200 if page else 404)
        self.send_header("Content-Type", "text/html; charset=gbk")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


def test_a_crawl_follows_a_meta_refresh_root(tmp_path: Path):
    with serve(_RedirectingPortal) as base:
        _, urls = crawl(base, tmp_path)
    assert base + "/col/col1/art/2023/art_1.html" in urls
