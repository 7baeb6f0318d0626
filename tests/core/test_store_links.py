"""A page's links are stored in its row (schema 6); pages an older version stored keep theirs in ``links``.

Why a blob: ~85 links a page were as many rows, the largest part of storing a page and of
loading a run for its checks (bench/RESULTS.md). What a check reads must not change with it:
every field round-trips, whatever the text holds, through every way a page is read back.
"""

from __future__ import annotations

import sqlite3
from datetime import date

from govcrawl.model import LinkFacts, PageFacts, Region, RunInfo
from govcrawl.store import SCHEMA_VERSION, Store

RUN = RunInfo(id="s.1", site="s", started="2023-11-01T02:00:00+08:00", today=date(2023, 11, 1), status="completed")

# Every field in its variants: no fragment, an empty one (``x.html#``), a named one; hidden; each region;
# Chinese text, quotes, backslashes, a text that looks like JSON.
LINKS = [
    LinkFacts("http://x.cn/", "a", "href", "首页", Region.NAV),
    LinkFacts("http://x.cn/a.html", "a", "href", "", Region.BODY, "", False),
    LinkFacts("http://x.cn/a.html", "a", "href", "第二章", Region.BODY, "第二章", True),
    LinkFacts("http://x.cn/f.pdf", "a", "href", '附件 "1" \\ [2]', Region.FOOTER, None, True),
    LinkFacts("http://x.cn/logo.png", "img", "src", "#1", Region.HEADER),
    LinkFacts("http://x.cn/s.css", "link", "href", "", Region.HEADER),
]
# What libxml2 would never hand over, but a page read by some other parser might: stored all the same.
ODD = [LinkFacts("http://x.cn/b", "a", "href", "一\x1f二\x1e三", Region.BODY, "x\x1fy", False)]


def _page(url: str, links: list[LinkFacts]) -> PageFacts:
    return PageFacts(url=url, status=200, content_type="text/html", title=url, text="正文", links=list(links))


def test_links_round_trip_through_every_read(store_at):
    pages = [_page("http://x.cn/1", LINKS), _page("http://x.cn/2", ODD), _page("http://x.cn/3", []),
             _page("http://x.cn/4", LINKS[::-1])]
    with Store(store_at) as store:
        store.begin_run(RUN)
        store.add_pages(RUN.id, pages)
        assert [p.links for p in store.pages(RUN.id)] == [p.links for p in pages]
        assert [p.links for p in store.pages(RUN.id, stream=True)] == [p.links for p in pages]
        assert [store.page(RUN.id, p.url).links for p in pages] == [p.links for p in pages]
        store.begin_run(RunInfo(id="s.2", site="s", started="2023-11-02T02:00:00+08:00", today=date(2023, 11, 2),
                                status="completed", base_run=RUN.id))
        store.copy_own(RUN.id, "s.2")
        assert [p.links for p in store.pages("s.2")] == [p.links for p in pages]
        assert store.db.execute("SELECT COUNT(*) FROM links").fetchone()[0] == 0  # nothing in the old table


def test_a_load_shares_each_repeated_link(store_at):
    with Store(store_at) as store:
        store.begin_run(RUN)
        store.add_pages(RUN.id, [_page("http://x.cn/1", LINKS), _page("http://x.cn/2", LINKS[:2])])
        first, second = store.pages(RUN.id)
        assert first.links[:2] == second.links
        assert all(a is b for a, b in zip(first.links, second.links, strict=False))  # one object per template link
        assert first.links[0].url is second.links[0].url


def _schema_5(path) -> None:
    """Make a store look as schema 5 left it: its pages' links as rows of ``links``, no column for them."""
    db = sqlite3.connect(path)
    for page_id, url in db.execute("SELECT id, url FROM pages").fetchall():
        stored = Store(path)
        links = stored.page(RUN.id, url).links
        stored.close()
        db.executemany("INSERT INTO links (page_id, url, tag, attr, text, region, fragment, hidden)"
                       " VALUES (?,?,?,?,?,?,?,?)",
                       [(page_id, ln.url, ln.tag, ln.attr, ln.text, str(ln.region), ln.fragment, int(ln.hidden))
                        for ln in links])
    db.execute("ALTER TABLE pages DROP COLUMN links")
    db.execute("UPDATE meta SET value='5' WHERE key='schema'")
    db.commit()
    db.close()


def test_an_older_stores_link_rows_keep_being_read_replaced_and_deleted(tmp_path):
    path = tmp_path / "old.sqlite"
    pages = [_page("http://x.cn/1", LINKS), _page("http://x.cn/2", LINKS[1:3])]
    with Store(path) as store:
        store.begin_run(RUN)
        store.add_pages(RUN.id, pages)
    _schema_5(path)
    with Store(path) as store:
        assert store.db.execute("SELECT value FROM meta WHERE key='schema'").fetchone()[0] == str(SCHEMA_VERSION)
        assert store.db.execute("SELECT COUNT(*) FROM links").fetchone()[0] == len(LINKS) + 2
        assert [p.links for p in store.pages(RUN.id)] == [p.links for p in pages]
        assert [p.links for p in store.pages(RUN.id, stream=True)] == [p.links for p in pages]
        assert store.page(RUN.id, "http://x.cn/2").links == pages[1].links
        # a page stored again (a resumed crawl) leaves no old rows behind; the other keeps its rows
        store.add_pages(RUN.id, [_page("http://x.cn/1", LINKS[4:])])
        assert store.db.execute("SELECT COUNT(*) FROM links").fetchone()[0] == 2
        assert [p.links for p in store.pages(RUN.id)] == [pages[1].links, LINKS[4:]]
        # a re-check copies the old rows with their page, and deleting a run deletes its rows
        store.begin_run(RunInfo(id="s.2", site="s", started="2023-11-02T02:00:00+08:00", today=date(2023, 11, 2),
                                status="completed", base_run=RUN.id))
        store.copy_own(RUN.id, "s.2")
        assert [p.links for p in store.pages("s.2")] == [pages[1].links, LINKS[4:]]
        assert store.db.execute("SELECT COUNT(*) FROM links").fetchone()[0] == 4
        store.delete_run("s.2")
        assert store.db.execute("SELECT COUNT(*) FROM links").fetchone()[0] == 2
