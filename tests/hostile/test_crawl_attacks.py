"""The hostile portal, crawled once by the real CLI: each attack and what the run must make of it.

Common to all: the run completes (exit 0) in bounded time, the whole process
tree stays under a memory bound while a 50 MB page and a 1 GiB gzip bomb are
served, and every URL the homepage links to ends up accounted for: a stored
page (with its status or error) or a link outcome with a reason, counted in
``findings.json``'s run stats, and, where it is a problem of the site, a
finding. The gaps these tests found (libxml2's depth limit and </html>, a stray
NUL taken for binary, Scrapy's new timeout/size exceptions, endless path
pagers) were fixed; a new gap would be marked ``xfail(strict=True)`` with its reason.
"""

from __future__ import annotations

import re

import pytest

from tests.hostile.conftest import MEMORY_LIMIT, RUN_TIMEOUT_S, HostileRun
from tests.hostile.server import (
    CHARSET_TITLE,
    MALFORMED_TITLE,
    MANY_LINKS,
    UNCLOSED_ITEMS,
    XSS_ATTR,
    XSS_LINK_TEXT,
    XSS_TITLE,
)

TOO_LARGE = "页面过大"  # the reason the crawler gives for a body over limits.max_page_bytes
TIMED_OUT = "请求超时"


def _one_broken_link(hostile: HostileRun, path: str) -> dict:
    """The single broken-link finding about ``path`` (an affected page is reported once, not per retry)."""
    found = hostile.run.findings_for("broken-link", target=hostile.url(path))
    assert len(found) == 1, found
    return found[0]


# -- the run as a whole -------------------------------------------------------------------------
def test_run_completes_in_bounded_time_and_memory(hostile: HostileRun) -> None:
    cli = hostile.run.cli
    stats = hostile.run.findings["run"]["stats"]
    assert stats["finish_reason"] == "正常完成"
    assert hostile.run.findings["run"]["status"] == "completed"
    assert cli.seconds < RUN_TIMEOUT_S / 2, f"took {cli.seconds:.0f} s"
    assert cli.samples > 5, "memory was not sampled"
    assert 0 < cli.peak_rss < MEMORY_LIMIT, f"peak RSS of the process tree {cli.peak_rss / 2**20:.0f} MiB"
    assert (hostile.run.out / "report.html").exists()


def test_run_summary_accounts_for_every_page(hostile: HostileRun) -> None:
    """Counts in run.stats agree with the store, and every link of the homepage has an answer."""
    stats = hostile.run.findings["run"]["stats"]
    with hostile.run.db() as db:
        pages = db.execute("SELECT count(*) FROM pages").fetchone()[0]
        errors = db.execute("SELECT count(*) FROM pages WHERE error IS NOT NULL").fetchone()[0]
        excluded = db.execute(
            "SELECT count(*) FROM link_status WHERE state IN ('excluded', 'unchecked')").fetchone()[0]
    home_links = [link.url for link in hostile.run.links(hostile.url("/"))]
    assert hostile.run.findings["run"]["pages_crawled"] == stats["pages"] == pages
    assert stats["page_errors"] == errors >= 8  # huge ×2, bomb, slow, redirects, binary ×2, NUL head
    assert stats["excluded"] == excluded
    assert len(home_links) >= 21
    for url in home_links:
        assert hostile.run.page(url) or hostile.run.outcome(url), f"{url} is not accounted for"


def test_no_nul_or_control_character_reaches_the_store(hostile: HostileRun) -> None:
    with hostile.run.db() as db:
        texts = [value for row in db.execute("SELECT url, final_url, title, error FROM pages") for value in row
                 if isinstance(value, str)]
        texts += [row[0] for row in db.execute("SELECT url FROM link_status")]
    texts += [value for link in hostile.run.links() for value in (link.url, link.text)]
    assert texts and not [t for t in texts if re.search(r"[\x00-\x08\x0b\x0e-\x1f]", t)]


# -- markup -----------------------------------------------------------------------------------------
def test_deep_nesting_is_stored_not_fatal(hostile: HostileRun) -> None:
    page = hostile.run.page(hostile.url("/deep.html"))
    assert page and page["status"] == 200 and page["title"] == "嵌套两万层"


def test_deep_nesting_truncation_is_reported(hostile: HostileRun) -> None:
    page = hostile.run.page(hostile.url("/deep.html"))
    assert page["error"] or hostile.run.page(hostile.url("/deep-tail.html"))


def test_unclosed_tags_do_not_hide_the_rest_of_the_page(hostile: HostileRun) -> None:
    crawled = hostile.run.page_urls(hostile.url("/unclosed/%"))
    assert len(crawled) == UNCLOSED_ITEMS
    assert hostile.run.page(hostile.url("/unclosed-tail.html"))


def test_malformed_html_keeps_its_links(hostile: HostileRun) -> None:
    page = hostile.run.page(hostile.url("/malformed.html"))
    assert page["status"] == 200 and page["error"] is None and page["title"] == MALFORMED_TITLE
    for path in ("/malformed-ok.html", "/malformed-unquoted.html"):
        assert hostile.run.page(hostile.url(path))["status"] == 200
    assert not hostile.run.page(hostile.url("/never.html"))  # inside an unterminated comment: not a link


def test_content_after_html_end_tag_is_read(hostile: HostileRun) -> None:
    assert hostile.run.page(hostile.url("/malformed-after.html"))


# -- size caps ------------------------------------------------------------------------------------
@pytest.mark.parametrize("path", ["/huge.html", "/huge-chunked.html", "/bomb.html"])
def test_oversized_page_is_one_broken_link_not_a_crash(hostile: HostileRun, path: str) -> None:
    """50 MB (declared or streamed) and a gzip bomb: cut at max_page_bytes, asked once, reported once."""
    page = hostile.run.page(hostile.url(path))
    assert page["status"] is None and page["error"]
    outcome = hostile.run.outcome(hostile.url(path))
    assert outcome["state"] == "broken" and outcome["reason"] == page["error"]
    assert _one_broken_link(hostile, path)["evidence"]["reason"] == page["error"]
    assert hostile.site.hits[path] == 1  # a size cap is not retried


@pytest.mark.parametrize("path", [
    pytest.param("/bomb.html"),
    pytest.param("/huge.html"),
    pytest.param("/huge-chunked.html"),
])
def test_oversized_page_reason_says_too_large(hostile: HostileRun, path: str) -> None:
    assert TOO_LARGE in hostile.run.page(hostile.url(path))["error"]


# -- bytes that are not HTML, or not what they say ----------------------------------------------------
@pytest.mark.parametrize("path", ["/binary.html", "/archive.html"])
def test_binary_served_as_html_is_a_page_error(hostile: HostileRun, path: str) -> None:
    page = hostile.run.page(hostile.url(path))
    assert page["status"] == 200 and "二进制" in page["error"] and page["title"] is None
    assert hostile.run.links(hostile.url(path)) == []


@pytest.mark.parametrize("path", ["/charset-conflict.html", "/charset-unknown.html"])
def test_wrong_and_conflicting_charsets_decode_the_title(hostile: HostileRun, path: str) -> None:
    """Header gbk + meta utf-8 + UTF-8 bytes; header naming an unknown charset + meta gb2312 + GBK bytes."""
    page = hostile.run.page(hostile.url(path))
    assert page["error"] is None and page["title"] == CHARSET_TITLE


def test_nul_bytes_deep_in_a_page_are_dropped(hostile: HostileRun) -> None:
    page = hostile.run.page(hostile.url("/nul-body.html"))
    assert page["error"] is None and page["title"] == "空字符正文"
    assert hostile.run.page(hostile.url("/nul-target.html"))["status"] == 200  # href "/nul-\0target.html"


def test_nul_byte_in_the_title_does_not_discard_the_page(hostile: HostileRun) -> None:
    page = hostile.run.page(hostile.url("/nul-head.html"))
    assert page["error"] is None and page["title"] == "通知公告"
    assert hostile.run.page(hostile.url("/nul-head-target.html"))


def test_script_payloads_are_stored_as_text(hostile: HostileRun) -> None:
    """What the page says is kept verbatim (the report escapes it; see test_report_xss)."""
    assert hostile.run.page(hostile.url("/xss.html"))["title"] == XSS_TITLE
    broken = [f for f in hostile.run.findings_for("broken-link") if f["url"] == hostile.url("/xss.html")]
    texts = {f["evidence"].get("link_text") for f in broken}
    assert XSS_ATTR in texts and XSS_LINK_TEXT + "失效" in texts
    assert all(f["title"] == XSS_TITLE for f in broken)
    # javascript: links are never fetched nor reported as broken (contract §4).
    assert not [f for f in broken if f["target"].lower().startswith("javascript:")]


# -- slow servers and redirects -------------------------------------------------------------------
def test_slow_drip_is_cut_by_the_timeout(hostile: HostileRun) -> None:
    """1 byte/s for 2 minutes: crawl.timeout (3 s) ends each attempt; retries are bounded."""
    page = hostile.run.page(hostile.url("/slow.html"))
    assert page["status"] is None and page["error"]
    _one_broken_link(hostile, "/slow.html")
    assert 1 <= hostile.site.hits["/slow.html"] <= 3  # RETRY_TIMES = 2


def test_slow_drip_reason_says_timeout(hostile: HostileRun) -> None:
    assert TIMED_OUT in hostile.run.page(hostile.url("/slow.html"))["error"]


def test_infinite_redirect_chain_stops_after_ten(hostile: HostileRun) -> None:
    page = hostile.run.page(hostile.url("/r/1"))
    assert page["error"] == "重定向循环或超过10次"
    assert _one_broken_link(hostile, "/r/1")["evidence"]["reason"] == page["error"]
    assert hostile.site.hits_under("/r/") <= 12


# -- URL spaces that never end ------------------------------------------------------------------------
def test_calendar_is_cut(hostile: HostileRun) -> None:
    """Forward: refused past one year after --today (2023); backward: stopped by max_depth (30)."""
    months = [re.search(r"month=(\d{4}-\d{2})", u).group(1) for u in hostile.run.page_urls("%/cal.jsp?%")]
    assert max(months) == "2024-12" and len(months) <= 1 + 14 + 30
    refused = hostile.run.outcome(hostile.url("/cal.jsp?month=2025-01"))
    assert refused["state"] == "unchecked" and "日历" in refused["reason"]
    assert hostile.site.hits["/cal.jsp"] <= len(months) + 2  # (+ a retry, should a loaded machine time out)


def test_session_ids_collapse_to_one_page(hostile: HostileRun) -> None:
    """;jsessionid=, ;JSESSIONID=, ?sid=, ?PHPSESSID= fresh on every visit: two distinct pages in all."""
    assert hostile.run.page_urls("%sess.jsp%") == [hostile.url("/sess.jsp"), hostile.url("/sess.jsp?id=1")]
    assert hostile.site.hits["/sess.jsp"] <= 3


def test_repeated_path_segments_are_cut(hostile: HostileRun) -> None:
    crawled = hostile.run.page_urls(hostile.url("/a/%"))
    assert 1 <= len(crawled) <= 10
    for url in crawled:
        segments = [s for s in url.split("/")[3:] if s]
        assert max(segments.count(s) for s in segments) <= 3
    cut = [o for o in hostile.run.outcomes_like(hostile.url("/a/%")) if o["state"] == "unchecked"]
    assert cut and all("路径重复" in o["reason"] for o in cut)


def test_ten_thousand_links_are_each_checked_once(hostile: HostileRun) -> None:
    outcomes = hostile.run.outcomes_like(hostile.url("/many/%"))
    assert len(outcomes) == MANY_LINKS and {o["state"] for o in outcomes} == {"ok"}
    assert MANY_LINKS <= hostile.site.hits_under("/many/") <= MANY_LINKS * 1.01  # HEAD once (retries aside)
    stored = {link.url for link in hostile.run.links(hostile.url("/many.html"))}
    assert len(stored) == MANY_LINKS
    assert hostile.run.findings["run"]["stats"]["resources_checked"] >= MANY_LINKS


# -- robots.txt -----------------------------------------------------------------------------------
def test_huge_robots_txt_is_obeyed(hostile: HostileRun) -> None:
    """5 MB of robots.txt: the rule at its top still keeps the crawler out of /private/."""
    outcome = hostile.run.outcome(hostile.url("/private/secret.html"))
    assert outcome["state"] == "excluded" and "robots" in outcome["reason"]
    assert hostile.site.hits_under("/private/") == 0
    assert hostile.site.hits["/robots.txt"] >= 1


def test_malformed_gbk_robots_txt_is_obeyed(hostile: HostileRun) -> None:
    """GBK comments, HTML, NULs and colon-less lines around a valid Disallow on the second host."""
    side = hostile.site.side
    outcome = hostile.run.outcome(side + "/secret/page.html")
    assert outcome["state"] == "excluded" and "robots" in outcome["reason"]
    assert hostile.run.page(side + "/open.html")["status"] == 200
