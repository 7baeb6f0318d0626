"""What the check phase loads of a run, and how little of it stays in memory.

A page's visible text lives in its own column and is read from the store when a
check reads it: text is the largest part of a loaded page (``_StoredPage``).
Answers (link outcomes) share their repeated strings and empty lists.
"""

import copy
import json
import pickle
import sqlite3
import tracemalloc
import zlib
from datetime import date

import pytest

from govcrawl.model import LinkFacts, LinkOutcome, LinkState, PageFacts, PrivacyHit, Region, RunInfo
from govcrawl.store import SCHEMA_VERSION, Store

RUN = RunInfo(id="s.1", site="s", started="2023-11-01T02:00:00+08:00", today=date(2023, 11, 1))


def _page(n: int, text: str) -> PageFacts:
    return PageFacts(url=f"http://x.cn/p{n}.html", status=200, content_type="text/html", title=f"第{n}页",
                     text=text, links=[LinkFacts("http://x.cn/", "a", "href", "首页", Region.NAV)])


def test_text_round_trips_and_is_read_on_demand(store_at):
    pages = [_page(1, "关于印发兴庆区政务公开工作要点的通知。" * 20), _page(2, ""), _page(3, "正文 only ASCII too")]
    with Store(store_at) as store:
        store.begin_run(RUN)
        store.add_pages(RUN.id, pages)
    with Store(store_at, create=False) as store:
        loaded = list(store.pages(RUN.id))
        assert loaded == pages and pages == loaded  # equal both ways to the pages that were stored
        assert [p.text for p in loaded] == [p.text for p in pages]
        # the text is in its own column, not in the facts blob
        row = store.db.execute("SELECT text, facts FROM pages WHERE url=?", (pages[0].url,)).fetchone()
        assert zlib.decompress(row[0]).decode() == pages[0].text
        assert "text" not in json.loads(zlib.decompress(row[1]))
        # one page read alone (the page worker's carry-over) holds its text like a plain page
        assert store.page(RUN.id, pages[0].url) == pages[0]


def test_a_loaded_page_does_not_hold_its_text(tmp_path):
    text = "区人民政府办公室关于做好二〇二三年度政务公开工作的通知全文。" * 100  # 3,300 characters, 6.6 KB as str
    with Store(tmp_path / "s.sqlite") as store:
        store.begin_run(RUN)
        store.add_pages(RUN.id, [_page(n, text + str(n)) for n in range(300)])
        tracemalloc.start()
        try:
            loaded = list(store.pages(RUN.id))
            held, _ = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        assert held < 300 * len(text)  # the 300 texts alone would be about 2 MB
        assert loaded[7].text == text + "7"


def test_pages_outlive_the_store_whole(store_at):
    pages = [_page(1, "政策解读：一图读懂。"), _page(2, "第二页正文")]
    with Store(store_at) as store:
        store.begin_run(RUN)
        store.add_pages(RUN.id, pages)
        loaded = list(store.pages(RUN.id))
    assert [p.text for p in loaded] == ["政策解读：一图读懂。", "第二页正文"]  # read at close, not lost


def test_loaded_pages_copy_and_pickle_as_plain_pages(store_at):
    page = _page(1, "正文")
    with Store(store_at) as store:
        store.begin_run(RUN)
        store.add_pages(RUN.id, [page])
        loaded = next(iter(store.pages(RUN.id)))
        for other in (pickle.loads(pickle.dumps(loaded)), copy.deepcopy(loaded)):
            assert type(other) is PageFacts and other == page
        loaded.text = "改过的正文"  # assigning holds the value, as on a plain page
        assert loaded.text == "改过的正文"


def test_a_schema_4_store_keeps_reading_text_from_the_blob(tmp_path):
    """Rows written before the text column keep their text in the facts blob; it is read from there."""
    path = tmp_path / "old.sqlite"
    page = _page(1, "旧版本存下的正文")
    with Store(path) as store:
        store.begin_run(RUN)
        store.add_pages(RUN.id, [page])
    db = sqlite3.connect(path)
    facts = json.loads(zlib.decompress(db.execute("SELECT facts FROM pages").fetchone()[0]))
    facts["text"] = page.text  # the blob as schema 4 wrote it
    db.execute("UPDATE pages SET facts=?", (zlib.compress(json.dumps(facts, ensure_ascii=False).encode()),))
    db.execute("ALTER TABLE pages DROP COLUMN text")
    db.execute("UPDATE meta SET value='4' WHERE key='schema'")
    db.commit()
    db.close()
    with Store(path) as store:
        assert store.db.execute("SELECT value FROM meta WHERE key='schema'").fetchone()[0] == str(SCHEMA_VERSION)
        assert [p.text for p in store.pages(RUN.id)] == [page.text]
        assert store.page(RUN.id, page.url).text == page.text
        # a re-stored page moves its text into the column
        store.add_pages(RUN.id, [page])
        row = store.db.execute("SELECT text FROM pages").fetchone()
        assert zlib.decompress(row[0]).decode() == page.text


def test_loaded_answers_share_what_repeats(store_at):
    hit = PrivacyHit("mobile", "138****5678", "d1", "attachment")
    answers = [
        LinkOutcome("http://x.cn/a.pdf", LinkState.OK, 200, "HTTP 200", None, True, "HEAD"),
        LinkOutcome("http://x.cn/b.pdf", LinkState.OK, 200, "HTTP 200", None, True, "HEAD"),
        LinkOutcome("http://x.cn/c.doc", LinkState.OK, 200, "HTTP 200", None, True, "GET", privacy=[hit]),
        LinkOutcome("http://y.cn/", LinkState.OK, 200, "HTTP 200", None, False, "GET", title="外站", terms=["博彩"]),
        LinkOutcome("http://x.cn/d.pdf", LinkState.BROKEN, 404, "HTTP 404", None, True, "HEAD"),
    ]
    with Store(store_at) as store:
        store.begin_run(RUN)
        store.add_outcomes(RUN.id, answers)
        loaded = store.outcomes(RUN.id)
    a, b, c, y = (loaded[u] for u in ("http://x.cn/a.pdf", "http://x.cn/b.pdf", "http://x.cn/c.doc", "http://y.cn/"))
    assert a.reason is b.reason and a.method is b.method  # one copy of "HTTP 200" and "HEAD"
    assert list(c.privacy) == [hit] and list(y.terms) == ["博彩"] and y.title == "外站"
    assert loaded["http://x.cn/d.pdf"].state is LinkState.BROKEN and loaded["http://x.cn/d.pdf"].http_status == 404
    assert not a.terms and not a.privacy and a.terms is b.privacy  # one shared empty value
    with pytest.raises(AttributeError):  # read-only: adding to a shared empty value fails loudly
        a.terms.append("x")  # type: ignore[attr-defined]


def test_pages_without_anchors_share_one_empty_set(store_at):
    pages = [_page(1, "甲"), _page(2, "乙"), PageFacts(url="http://x.cn/t.html", status=200, content_type="text/html",
                                                      anchors={"top", "sec2"})]
    with Store(store_at) as store:
        store.begin_run(RUN)
        store.add_pages(RUN.id, pages)
        first, second, third = store.pages(RUN.id)
    assert first.anchors is second.anchors and not first.anchors
    assert third.anchors == {"top", "sec2"}
