"""Store.join_crawl: a crawl writer's connection waits long for the write lock and holds a small page cache."""

from __future__ import annotations

from govcrawl.store import CRAWL_CACHE_KIB, Store


def _pragma(store: Store, name: str) -> int:
    return store.db.execute(f"PRAGMA {name}").fetchone()[0]


def test_a_crawl_writer_waits_for_the_lock_and_caches_little(tmp_path):
    path = tmp_path / "s.sqlite"
    with Store(path) as checker, Store(path).join_crawl() as writer:
        assert (_pragma(writer, "busy_timeout"), _pragma(writer, "cache_size")) == (60000, -CRAWL_CACHE_KIB)
        # The check phase's connection keeps SQLite's default page cache (2,000 KiB): it reads the whole run.
        assert _pragma(checker, "cache_size") == -2000
        assert _pragma(checker, "busy_timeout") < 60000
