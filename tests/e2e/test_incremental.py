"""Incremental nights against the demo portal: conditional requests and 304 reuse.

The demo server sends ETag / Last-Modified on static URLs and answers 304 when
the client's copy is current, as nginx in front of a TRS site does. The second
run of an unchanged portal must download no page body it downloaded the night
before (the server's request log says so), end with the same findings, and say
in its summary how many pages were fetched and how many were unchanged. A page
changed in between is downloaded again and its new problem is found.
"""

from __future__ import annotations

import dataclasses
import json
import subprocess

import pytest

from crawler.demo.server import DemoServer, _static
from tests.e2e.conftest import GOVCRAWL, write_demo_config

TODAY = "2023-11-01"


def _run(config, out, *extra):
    result = subprocess.run(
        [str(GOVCRAWL), "run", "demo", "-c", str(config), "--out", str(out), "--today", TODAY, "--no-browser",
         "--progress", "off", *extra],
        capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads((out / "findings.json").read_text(encoding="utf-8"))


def as_served(kept: bytes, served: bytes) -> bool:
    """Byte for byte as served, except personal numbers, which are kept masked (privacy-leak)."""
    return len(kept) == len(served) and all(a == b or a in b"*" for a, b in zip(kept, served, strict=True))


def _page_gets(server, start: int, end: int | None = None) -> list:
    """GETs of the portal between two marks of the request log (the crawler's; no browser runs here).

    robots.txt is left out: Scrapy asks for it once per run (a few hundred bytes), unconditionally.
    """
    return [r for r in list(server.requests)[start:end]
            if r.host == "main" and r.method == "GET" and r.target != "/robots.txt"]


@pytest.fixture(scope="module")
def nights(tmp_path_factory):
    base = tmp_path_factory.mktemp("incremental")
    with DemoServer() as server:
        config = write_demo_config(server, base / "sites.yaml", base / "data")
        mark0 = len(server.requests)
        first = _run(config, base / "n1")
        mark1 = len(server.requests)
        second = _run(config, base / "n2")
        mark2 = len(server.requests)
        yield server, config, base, (first, second), (mark0, mark1, mark2)


def test_unchanged_portal_downloads_no_page_body_twice(nights):
    server, _, _, (first, second), (m0, m1, m2) = nights
    first_bodies = {r.target for r in _page_gets(server, m0, m1) if r.status == 200}
    second_gets = _page_gets(server, m1, m2)
    # Pages only: attachments are read by the link checker, and re-read only when they change.
    static_first = {t for t in first_bodies if _static(t) and not t.endswith((".docx", ".pdf", ".xlsx", ".xls"))}
    assert len(static_first) > 50  # the demo portal is mostly static pages, as TRS publishes them
    downloaded_again = {r.target for r in second_gets if r.status == 200} & static_first
    assert downloaded_again == set()
    not_modified = [r for r in second_gets if r.status == 304]
    stats = second["run"]["stats"]
    assert stats["pages_unchanged"] == len(not_modified) >= len(static_first) - 5
    assert stats["pages_fetched"] == stats["pages"] - stats["pages_unchanged"]
    assert first["run"]["stats"]["pages_unchanged"] == 0
    assert second["run"]["stats"]["reused_from"] == first["run"]["id"]


def test_unchanged_portal_keeps_every_finding(nights):
    _, _, _, (first, second), _ = nights

    def shape(doc):
        return sorted((f["id"], f["check"], f["url"], f["target"], f["department"], json.dumps(f["evidence"],
                       sort_keys=True, ensure_ascii=False)) for f in doc["findings"])

    assert shape(second) == shape(first)
    assert {f["status"] for f in second["findings"]} == {"open"}
    assert second["fixed"] == []
    assert second["summary"]["by_check"] == first["summary"]["by_check"]


def test_evidence_captures_are_carried_over_for_unchanged_pages(nights):
    from govcrawl.store import Store

    server, _, base, (first, second), _ = nights
    with Store(base / "data" / "demo.sqlite", create=False) as store:
        usage = store.raw_usage()
        pages = {p.url for p in store.pages(second["run"]["id"])
                 if p.status == 200 and p.is_html and not p.error}
        kept = {row[0] for row in store.db.execute("SELECT url FROM raw_responses WHERE run_id=?",
                                                   (second["run"]["id"],))}
        # The newest run holds a capture of every readable page, though it downloaded almost none of them.
        assert kept == pages and second["run"]["stats"]["pages_unchanged"] > 0.9 * len(pages)
        flagged = sorted({f["url"] for f in second["findings"]} & kept)
        for url in flagged:
            raw = store.raw(second["run"]["id"], url)
            served = server.resources[raw.url]
            assert raw.status == 200 and as_served(raw.body, served.body)
        assert any(name.lower() == "etag" for name, _ in store.raw(second["run"]["id"], flagged[0]).response_headers)
    # The first night of the same quarter gave its captures up to the newest run.
    assert set(usage) == {second["run"]["id"]}

def test_changed_page_is_downloaded_again_and_full_asks_everything(nights):
    server, config, base, (_, second), _ = nights
    # A webmaster edits one department page tonight: it gains a link to a missing attachment.
    url = next(u for u, r in server.resources.items()
               if u.startswith(server.main) and r.status == 200 and u.endswith("/index.html")
               and b"</body>" in r.body and "/zwgk/" in u)
    resource = server.resources[url]
    server.resources[url] = dataclasses.replace(
        resource, body=resource.body.replace(b"</body>", '<a href="/uploads/新增附件-不存在.pdf">新增附件</a></body>'
                                             .encode()))
    mark = len(server.requests)
    third = _run(config, base / "n3")
    target = url.removeprefix(server.main)
    gets = _page_gets(server, mark)
    assert [r.status for r in gets if r.target == target] == [200]
    new = [f for f in third["findings"] if f["status"] == "new"]
    assert [(f["check"], f["url"]) for f in new] == [("broken-link", url)]
    assert third["run"]["stats"]["pages_unchanged"] == second["run"]["stats"]["pages_unchanged"] - 1

    mark = len(server.requests)
    full = _run(config, base / "n4", "--full")
    gets = _page_gets(server, mark)
    assert not [r for r in gets if r.status == 304]
    assert full["run"]["stats"]["pages_unchanged"] == 0
    assert sorted(f["id"] for f in full["findings"]) == sorted(f["id"] for f in third["findings"])

