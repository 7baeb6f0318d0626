"""What the check phase loads of a run, and how little of it stays in memory.

A page's visible text lives in its own column and is read from the store when a
check reads it: text is the largest part of a loaded page (``_StoredPage``). A
streamed load (large runs) leaves links and the facts blob's bulk there too.
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

from govcrawl.model import (
    A11yNode,
    DocInfo,
    LinkFacts,
    LinkOutcome,
    LinkState,
    ListItem,
    MessageFact,
    PageFacts,
    PrivacyHit,
    Region,
    RunInfo,
)
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


def _rich_page(n: int) -> PageFacts:
    """A document page with every kind of bulk a streamed load leaves in the store."""
    return PageFacts(
        url=f"http://x.cn/zfxxgk/p{n}.html", status=200, content_type="text/html", title=f"关于第{n}号文件的通知",
        meta={"ArticleTitle": f"第{n}号文件", "ColumnName": "政策文件", "viewport": "width=device-width"},
        breadcrumb=["首页", "政务公开", "政策文件"], heading=f"第{n}号文件", redirects=[f"http://x.cn/old{n}.html"],
        doc=DocInfo(index_no=f"640104/2023-{n:05d}", publisher="区政府办", written_on=date(2023, 3, n % 28 + 1),
                    validity="有效", raw={"索引号": f"640104/2023-{n:05d}"}),
        anchors={"top"} if n % 2 else set(),
        list_items=[ListItem(f"http://x.cn/a{n}.html", "条目", date(2023, 5, 1))],
        pagination=[f"http://x.cn/list_{n}.html"], referer="http://x.cn/",
        a11y=[A11yNode("image-alt", "img.logo", "<img class=logo>", Region.HEADER)],
        privacy=[PrivacyHit("mobile", "138****5678", f"d{n}")] if n == 3 else [],
        messages=[MessageFact(f"http://x.cn/m{n}.html", "留言", date(2023, 4, 1))] if n == 4 else [],
        text=f"正文{n}" * 50,
        links=[LinkFacts("http://x.cn/", "a", "href", "首页", Region.NAV)]
        + [LinkFacts(f"http://x.cn/f{n}-{k}.pdf", "a", "href", f"附件{k}", Region.BODY, None, k == 3) for k in range(6)]
        + [LinkFacts(f"http://x.cn/p{n + 1}.html", "a", "href", "下一篇", Region.BODY, "sec2")],
    )


def test_a_streamed_load_gives_the_same_pages(store_at):
    pages = [_rich_page(n) for n in range(1, 9)]
    with Store(store_at) as store:
        store.begin_run(RUN)
        store.add_pages(RUN.id, pages)
        held = list(store.pages(RUN.id))
        streamed = list(store.pages(RUN.id, stream=True))
        assert streamed == pages and held == pages
        assert [p.links for p in streamed] == [p.links for p in pages]  # read again after the cache: still equal
        assert streamed[2].privacy == pages[2].privacy and streamed[3].messages == pages[3].messages
        assert all(type(p) is PageFacts and p == q for p, q in zip(map(pickle.loads, map(pickle.dumps, streamed)),
                                                                   pages, strict=True))


def test_a_streamed_page_holds_only_its_small_fields(tmp_path):
    pages = [_rich_page(n) for n in range(300)]
    with Store(tmp_path / "s.sqlite") as store:
        store.begin_run(RUN)
        store.add_pages(RUN.id, pages)
        held = {}
        for stream in (False, True):
            tracemalloc.start()
            try:
                loaded = list(store.pages(RUN.id, stream=stream))
                held[stream], _ = tracemalloc.get_traced_memory()
            finally:
                tracemalloc.stop()
            del loaded
        assert held[True] * 2 < held[False]  # links, meta, doc header … are most of a loaded page
        streamed = list(store.pages(RUN.id, stream=True))
        assert streamed[5].doc.index_no == "640104/2023-00005" and len(streamed[5].links) == 8


def test_a_streamed_page_reads_back_whole_when_assigned_or_when_the_store_closes(store_at):
    pages = [_rich_page(n) for n in range(1, 4)]
    with Store(store_at) as store:
        store.begin_run(RUN)
        store.add_pages(RUN.id, pages)
        first, second, third = store.pages(RUN.id, stream=True)
        first.links = []  # assigning one field reads the others first: they keep their stored values
        assert first.links == [] and first.doc == pages[0].doc and first.meta == pages[0].meta
        assert first.text == pages[0].text
        del third  # a page no longer alive is not read at close
    assert second == pages[1]  # read at close, not lost with the connection
    assert second.links == pages[1].links and second.text == pages[1].text


def test_page_count_counts_a_runs_stored_pages(store_at):
    with Store(store_at) as store:
        store.begin_run(RUN)
        store.add_pages(RUN.id, [_rich_page(n) for n in range(1, 6)])
        assert store.page_count(RUN.id) == 5
        assert store.page_count("s.other") == 0
