"""Hostile page content reaches the report as text, never as markup or script."""

from __future__ import annotations

import pytest
from selenium.common.exceptions import NoAlertPresentException

from tests.browser import chromium
from tests.sites import crawl, serve, static_handler

HOSTILE_TITLE = "<script>alert(1)</script>关于<img src=x onerror=window.__xss=1>的通知"
PAGES = {
    "/": (200, '<html><head><title>首页</title></head><body><a href="/news/1.html">新闻</a><a href="/bad.html">坏页</a></body></html>'),
    "/news/1.html": (
        200,
        "<html><head><title>&lt;script&gt;alert(1)&lt;/script&gt;关于&lt;img src=x onerror=window.__xss=1&gt;的通知"
        '</title></head><body><h1>通知</h1><a href="/files/&quot;&gt;&lt;img src=x onerror=window.__xss=2&gt;.pdf">'
        "&lt;b&gt;附件&lt;/b&gt;</a></body></html>",
    ),
    "/bad.html": (200, "\x00\x01\x02 garbage"),
}


def test_hostile_title_and_url_shown_as_text(tmp_path):
    with serve(static_handler(PAGES)) as base:
        findings, urls = crawl(base, tmp_path)
    # An undecodable page is recorded and the crawl goes on.
    assert base + "/bad.html" in urls and base + "/news/1.html" in urls
    broken = [f for f in findings["findings"] if f["check"] == "broken-link"]
    assert len(broken) == 1 and broken[0]["title"] == HOSTILE_TITLE
    with chromium() as driver:
        driver.get((tmp_path / "out" / "report.html").as_uri())
        body = driver.find_element("tag name", "body").text
        assert HOSTILE_TITLE in body
        with pytest.raises(NoAlertPresentException):
            _ = driver.switch_to.alert  # an alert here means page text was executed
        assert driver.execute_script("return window.__xss === undefined")
