"""The store on a shared PostgreSQL: what SQLite's file-per-site and write lock gave for free.

Sites share one database, so they must not see each other; many crawl workers
write one run at once, so no write may be lost or doubled; workers start
together on a fresh database, so creating the schema must happen once.
"""

from __future__ import annotations

import multiprocessing
from datetime import date

import psycopg
import pytest

from govcrawl.model import LinkFacts, PageFacts, Region, RunInfo
from govcrawl.store import SCHEMA_VERSION, Store, StoreError
from tests.services import fresh_database

SPAWN = multiprocessing.get_context("spawn")  # a fresh interpreter per worker, like crawl workers


def _run(site: str, n: int = 1) -> RunInfo:
    return RunInfo(id=f"{site}.{n}", site=site, started=f"2023-11-0{n}T02:00:00+08:00", today=date(2023, 11, n))


def _page(url: str, *links: str) -> PageFacts:
    return PageFacts(url=url, status=200, content_type="text/html", title=url,
                     links=[LinkFacts(u, "a", "href", "x", Region.BODY) for u in links])


def test_two_sites_in_one_database_do_not_see_each_other(postgres_url):
    with Store(f"{postgres_url}?site=east") as east, Store(postgres_url, site="west") as west:
        east.begin_run(_run("east"))
        east.add_pages("east.1", [_page("http://e/", "http://e/a")])
        west.begin_run(_run("west"))
        west.add_pages("west.1", [_page("http://w/")])
        assert [r.id for r in east.runs()] == ["east.1"]
        assert [r.id for r in west.runs()] == ["west.1"]
        assert list(west.pages("east.1")) == []
        assert west.db.execute("SELECT url FROM pages").fetchall() == [("http://w/",)]
    with pytest.raises(StoreError, match="no store here"):
        Store(f"{postgres_url}?site=north", create=False)
    with pytest.raises(StoreError, match="needs the site"):
        Store(postgres_url)


def _write_pages(url: str, worker: int, batches: int, barrier: multiprocessing.synchronize.Barrier) -> None:
    with Store(url) as store:
        store.join_crawl()  # what crawl workers do: a lock wait on PostgreSQL, no SQLite cache pragma
        barrier.wait()
        for batch in range(batches):
            own = [_page(f"http://x/{worker}/{batch}/{i}", f"http://x/l/{worker}/{batch}/{i}", "http://x/")
                   for i in range(10)]
            # Every worker also stores the same shared pages (a resumed crawl, two workers on one URL).
            shared = [_page(f"http://x/shared/{i}", f"http://x/by/{worker}") for i in range(batch % 3)]
            store.add_pages("c.1", own + shared)


def test_processes_writing_one_run_at_once_lose_nothing(postgres_url):
    url = f"{postgres_url}?site=concurrent"
    with Store(url) as store:
        store.begin_run(_run("c"))
    workers, batches = 4, 12
    barrier = SPAWN.Barrier(workers)
    processes = [SPAWN.Process(target=_write_pages, args=(url, w, batches, barrier)) for w in range(workers)]
    for process in processes:
        process.start()
    for process in processes:
        process.join(120)
    assert [p.exitcode for p in processes] == [0] * workers
    with Store(url, create=False) as store:
        pages = {p.url: p for p in store.pages("c.1")}
        own = {f"http://x/{w}/{b}/{i}" for w in range(workers) for b in range(batches) for i in range(10)}
        assert set(pages) == own | {"http://x/shared/0", "http://x/shared/1"}
        assert all(len(pages[u].links) == 2 for u in own)
        # A page stored by several workers keeps exactly one writer's links, never a mix or a double.
        assert all(len(pages[f"http://x/shared/{i}"].links) == 1 for i in range(2))
        assert store.db.execute("SELECT COUNT(*) FROM pages").fetchone()[0] == len(own) + 2


def test_a_newer_schema_is_refused_with_the_same_message(postgres_url):
    url = f"{postgres_url}?site=future"
    with Store(url) as store:
        store.db.execute("UPDATE meta SET value=? WHERE key='schema'", (str(SCHEMA_VERSION + 1),))
    with pytest.raises(StoreError, match=f"store schema {SCHEMA_VERSION + 1} is newer than this version of govcrawl"
                                         rf" reads \({SCHEMA_VERSION}\); upgrade govcrawl"):
        Store(url)


def test_an_older_schema_gains_its_columns(postgres_url):
    url = f"{postgres_url}?site=older"
    with Store(url) as store:
        store.db.execute("ALTER TABLE link_status DROP COLUMN extra")
        store.db.execute("DROP TABLE probes")
        store.db.execute("UPDATE meta SET value='2' WHERE key='schema'")
    with Store(url) as store:
        columns = {row[0] for row in store.db.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_schema=current_schema()"
            " AND table_name='link_status'")}
        assert "extra" in columns
        assert store.db.execute("SELECT value FROM meta WHERE key='schema'").fetchone()[0] == str(SCHEMA_VERSION)
        assert store.probes(date(2023, 1, 1), date(2023, 12, 31)) == []


def _open(url: str, barrier: multiprocessing.synchronize.Barrier) -> None:
    barrier.wait()
    with Store(url) as store:
        store.runs()


def test_workers_opening_a_fresh_database_at_once_create_it_once(postgres_url):
    url = f"{fresh_database(postgres_url)}?site=fresh"
    workers = 6
    barrier = SPAWN.Barrier(workers)
    processes = [SPAWN.Process(target=_open, args=(url, barrier)) for _ in range(workers)]
    for process in processes:
        process.start()
    for process in processes:
        process.join(60)
    assert [p.exitcode for p in processes] == [0] * workers
    with psycopg.connect(url.split("?")[0]) as conn:
        assert conn.execute("SELECT key, value FROM site_fresh.meta").fetchall() == [("schema", str(SCHEMA_VERSION))]


def test_tables_and_columns_are_the_same_as_sqlite(postgres_url, tmp_path):
    with Store(tmp_path / "s.sqlite") as lite, Store(f"{postgres_url}?site=same") as pg:
        tables = [r[0] for r in lite.db.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")]
        for table in tables:
            sqlite_columns = [r[1] for r in lite.db.execute(f"PRAGMA table_info({table})")]
            pg_columns = [r[0] for r in pg.db.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_schema=current_schema()"
                " AND table_name=? ORDER BY ordinal_position", (table,))]
            # SQLite's implicit rowid is explicit in PostgreSQL where the store reads insertion order.
            assert [c for c in pg_columns if c != "rowid"] == sqlite_columns, table
        pg_tables = [r[0] for r in pg.db.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema=current_schema() ORDER BY 1")]
        assert pg_tables == tables
