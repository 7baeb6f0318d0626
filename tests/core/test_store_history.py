"""Store history: re-check overlays, pinned runs, retention, and migrating an older store file."""

from __future__ import annotations

import sqlite3
from datetime import date

import pytest

from govcrawl.cli import prune_runs
from govcrawl.model import LinkFacts, LinkOutcome, LinkState, PageFacts, Region, RunInfo
from govcrawl.store import SCHEMA_VERSION, Store, StoreError


def _run(n: int, status: str = "completed", base: str | None = None) -> RunInfo:
    return RunInfo(id=f"s.{n}", site="s", started=f"2023-11-0{n}T02:00:00+08:00", today=date(2023, 11, n),
                   status=status, base_run=base)


def _page(url: str, *links: str, etag: str | None = None) -> PageFacts:
    return PageFacts(url=url, status=200, content_type="text/html", title=url, etag=etag,
                     links=[LinkFacts(u, "a", "href", "x", Region.BODY) for u in links])


def test_recheck_run_overlays_its_base(store_at):
    with Store(store_at) as store:
        base, over = _run(1), _run(2, base="s.1")
        store.begin_run(base)
        store.add_pages(base.id, [_page("http://x/", "http://x/a"), _page("http://x/a", "http://x/old.pdf",
                                                                          etag='"1"')])
        store.add_outcomes(base.id, [LinkOutcome("http://x/old.pdf", LinkState.BROKEN, 404, "HTTP 404")])
        store.begin_run(over)
        store.add_pages(over.id, [_page("http://x/a", "http://x/new.pdf", etag='"2"'), _page("http://x/b")])
        store.add_outcomes(over.id, [LinkOutcome("http://x/old.pdf", LinkState.OK, 200, "HTTP 200")])

        pages = list(store.pages(over.id))
        assert [p.url for p in pages] == ["http://x/", "http://x/a", "http://x/b"]  # base order, newer copy, extra
        assert [ln.url for ln in pages[1].links] == ["http://x/new.pdf"]
        assert store.page(over.id, "http://x/").title == "http://x/"  # falls back to the base
        assert store.outcomes(over.id)["http://x/old.pdf"].state is LinkState.OK
        assert store.validators(over.id) == {"http://x/a": ('"2"', None)}
        assert store.validators(base.id) == {"http://x/a": ('"1"', None)}
        assert [p.url for p in store.pages(base.id)] == ["http://x/", "http://x/a"]  # the base is untouched

        store.begin_run(_run(3, base="s.1"))
        store.copy_own(over.id, "s.3")  # a re-check of the re-check starts from its pages
        assert [ln.url for ln in store.page("s.3", "http://x/a").links] == ["http://x/new.pdf"]
        assert store.outcomes("s.3")["http://x/old.pdf"].state is LinkState.OK
        with pytest.raises(StoreError, match="base"):
            store.delete_run(base.id)


def test_storing_a_page_again_replaces_its_links(store_at):
    with Store(store_at) as store:
        store.begin_run(_run(1))
        store.add_pages("s.1", [_page("http://x/a", "http://x/1", "http://x/2")])
        store.add_pages("s.1", [_page("http://x/a", "http://x/3")])  # a resumed crawl stores it again
        assert [ln.url for ln in store.page("s.1", "http://x/a").links] == ["http://x/3"]
        assert [p.url for p in store.pages("s.1")] == ["http://x/a"]


def test_keep_runs_never_prunes_pinned_runs_or_bases(store_at):
    with Store(store_at) as store:
        for n in range(1, 7):
            store.begin_run(_run(n, base="s.4" if n == 5 else None))
        store.pin(["s.2"], "quarterly:2023Q4", "2024-01-05T09:00:00+08:00")
        assert store.pinned() == {"s.2": ["quarterly:2023Q4"]}
        with pytest.raises(StoreError, match="pinned"):
            store.delete_run("s.2")
        # keep 2: s.5 (a re-check on s.4) and s.6 stay, so s.4 stays; s.2 is pinned; s.1 and s.3 go.
        gone = prune_runs(store, 2, store.get_run("s.6"))
        assert sorted(gone) == ["s.1", "s.3"]
        assert [r.id for r in store.runs()] == ["s.2", "s.4", "s.5", "s.6"]


def test_an_older_store_is_migrated_and_a_newer_one_refused(tmp_path):
    path = tmp_path / "old.sqlite"
    db = sqlite3.connect(path)
    db.executescript("""
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        INSERT INTO meta VALUES ('schema', '1');
        CREATE TABLE runs (id TEXT PRIMARY KEY, site TEXT NOT NULL, started TEXT NOT NULL, finished TEXT,
            today TEXT NOT NULL, pages_crawled INTEGER NOT NULL DEFAULT 0, tool_version TEXT NOT NULL DEFAULT '',
            status TEXT NOT NULL, stats TEXT NOT NULL DEFAULT '{}');
        INSERT INTO runs (id, site, started, today, status) VALUES ('s.1', 's', '2023-11-01T02:00:00+08:00',
            '2023-11-01', 'completed');
        CREATE TABLE pages (id INTEGER PRIMARY KEY, run_id TEXT NOT NULL, url TEXT NOT NULL, status INTEGER,
            final_url TEXT, content_type TEXT, title TEXT, column_name TEXT, published_on TEXT,
            depth INTEGER NOT NULL DEFAULT 0, error TEXT, facts BLOB NOT NULL, UNIQUE (run_id, url));
    """)
    db.close()
    with Store(path) as store:
        assert store.get_run("s.1").base_run is None
        store.add_pages("s.1", [_page("http://x/a", etag='"e"')])
        assert store.validators("s.1") == {"http://x/a": ('"e"', None)}
        store.db.execute("UPDATE meta SET value=? WHERE key='schema'", (str(SCHEMA_VERSION + 1),))
    with pytest.raises(StoreError, match="newer"):
        Store(path)


def test_kept_responses_are_carried_pruned_and_deleted(store_at):
    from govcrawl.model import RawResponse

    def raw(url: str, body: bytes) -> RawResponse:
        return RawResponse(url=url, fetched_at="2023-11-01T02:00:00+08:00", status=200,
                           response_headers=[("ETag", '"1"')], body=body)

    with Store(store_at) as store:
        store.begin_run(_run(1))
        store.add_pages("s.1", [_page("http://x/a"), _page("http://x/b")],
                        [("http://x/a", raw("http://x/a", b"A")), ("http://x/b", raw("http://x/b", b"B"))])
        store.add_pages("s.1", [], [("http://x/a", raw("http://x/a", b"A2"))])  # stored again: replaced
        store.begin_run(_run(2))
        store.add_pages("s.2", [_page("http://x/a"), _page("http://x/b")], carried=[("s.1", "http://x/a"),
                                                                                    ("s.1", "http://x/b")])
        assert store.raw("s.2", "http://x/a").body == b"A2"
        assert store.raw("s.2", "http://x/b").response_headers == [("ETag", '"1"')]
        assert set(store.raw_usage()) == {"s.1", "s.2"}
        assert store.prune_raw("s.2", {"http://x/a"}) > 0
        assert store.raw("s.2", "http://x/b") is None and store.raw("s.2", "http://x/a") is not None
        assert store.delete_raw("s.1") > 0
        assert set(store.raw_usage()) == {"s.2"}
        store.compact()
