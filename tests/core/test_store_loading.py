"""Loading a run for the checks: shared values compare equal to what was stored; the previous night's view.

The check phase holds a whole run in memory, so ``Store.pages`` keeps one copy
of what pages repeat (template links, meta, labels, a11y nodes) and
``Store.history_pages`` loads of the previous night only what the history
checks read. Neither may change what a check sees.
"""

from __future__ import annotations

from datetime import date

import pytest

from checks.backdated_post import CHECK as BACKDATED
from checks.registry import run_checks
from govcrawl.facts import SiteFacts
from govcrawl.model import (
    A11yNode,
    DocInfo,
    LinkFacts,
    ListItem,
    MessageFact,
    PageFacts,
    PrivacyHit,
    Region,
    RunInfo,
)
from govcrawl.store import Store
from tests.checks.conftest import RULES

H = "http://x.gov.cn"
NAV = [LinkFacts(H + "/", "a", "href", "首页", Region.NAV), LinkFacts(H + "/zwgk/", "a", "href", "政务公开", Region.NAV),
       LinkFacts(H + "/logo.png", "img", "src", "", Region.HEADER, hidden=True)]
SKIP = A11yNode("image-alt", "#logo", "<img id=logo>", Region.HEADER, "critical", "缺少 alt")


def _run(n: int, base: str | None = None) -> RunInfo:
    return RunInfo(id=f"s.{n}", site="s", started=f"2023-11-0{n}T02:00:00+08:00", today=date(2023, 11, n),
                   status="completed", base_run=base)


def _doc_page(path: str, published: date, **kw) -> PageFacts:
    """A document page as the crawler makes it: template links and nodes, meta, a 信息公开 header, text."""
    return PageFacts(
        url=H + path, status=200, content_type="text/html; charset=utf-8", title=f"文件{path}", encoding="utf-8",
        lang="zh-CN", meta={"SiteName": "兴庆区", "ColumnName": "通知公告", "ArticleTitle": f"文件{path}"},
        breadcrumb=["首页", "政务公开", "通知公告"], column="通知公告", heading=f"文件{path}",
        doc=DocInfo(index_no=f"000-{path}", publisher="区司法局", published_on=published,
                    raw={"索引号": f"000-{path}", "发布机构": "区司法局"}),
        published_on=published, text=f"正文 {path}", anchors={"top", "main"},
        links=[*NAV, LinkFacts(H + path + "#p2", "a", "href", "第二段", fragment="p2")],
        referer=H + "/tzgg/", template="t1", a11y=[SKIP], etag=f'"{path}"', last_modified="Wed, 01 Nov 2023",
        privacy=[PrivacyHit("mobile", "138****5678", "ab12")],
        messages=[MessageFact(H + "/m/1", "留言", date(2023, 10, 1), status="未回复", replied=False)], **kw,
    )


def _list_page(path: str, *items: tuple[str, date | None], status: int = 200) -> PageFacts:
    return PageFacts(url=H + path, status=status, content_type="text/html", title="通知公告", column="通知公告",
                     links=list(NAV), pagination=[H + path + "index_1.html"],
                     list_items=[ListItem(H + u, "标题", d) for u, d in items])


def test_loaded_pages_equal_the_stored_ones_and_share_what_repeats(store_at):
    stored = [_doc_page("/tzgg/a.html", date(2023, 10, 9)), _doc_page("/tzgg/b.html", date(2023, 10, 10)),
              _list_page("/tzgg/", ("/tzgg/a.html", date(2023, 10, 9)), ("/tzgg/b.html", None)),
              PageFacts(url=H + "/gone.html", status=None, error="连接被拒绝")]
    with Store(store_at) as store:
        store.begin_run(_run(1))
        store.add_pages("s.1", stored)
        loaded = list(store.pages("s.1"))
        one_by_one = [store.page("s.1", p.url) for p in stored]

    assert loaded == stored == one_by_one
    a, b, listing, _ = loaded
    # One object per distinct link / node / value across the run, not one per page.
    assert all(x is y for x, y in zip(a.links[:3], b.links[:3], strict=True))
    assert all(x is y for x, y in zip(a.links[:3], listing.links, strict=True))
    assert a.links[3] is not b.links[3] and a.links[3] != b.links[3]
    assert a.a11y[0] is b.a11y[0]
    assert a.breadcrumb[2] is b.breadcrumb[2] and a.meta["SiteName"] is b.meta["SiteName"]
    assert a.doc.publisher is b.doc.publisher and a.doc.published_on is listing.list_items[0].published_on
    assert a.doc is not b.doc and a.links is not b.links  # containers stay the page's own
    # Pages loaded one by one (the crawler's carry-over of an unchanged page) share nothing.
    assert one_by_one[0].links[0] is not one_by_one[1].links[0]


YESTERDAY = [
    _list_page("/tzgg/", ("/tzgg/old.html", date(2023, 10, 12)), ("/tzgg/changed.html", date(2023, 10, 20))),
    _doc_page("/tzgg/a.html", date(2023, 10, 9)),
    _doc_page("/tzgg/redirected.html", date(2023, 10, 9), final_url=H + "/tzgg/moved.html"),
    _list_page("/down/", ("/down/x.html", date(2023, 10, 1)), status=503),
]
TONIGHT = [
    _list_page("/tzgg/", ("/tzgg/old.html", date(2023, 10, 12)), ("/tzgg/changed.html", date(2023, 10, 25)),
               ("/tzgg/late.html", date(2023, 9, 15))),
    _doc_page("/tzgg/a.html", date(2023, 10, 30)),
    _doc_page("/tzgg/moved.html", date(2023, 10, 9)),
    _list_page("/down/", ("/down/x.html", date(2023, 10, 2))),
]
HISTORY_FIELDS = ("url", "status", "final_url", "content_type", "published_on", "list_items", "is_html")


def _as_read(value):
    """A sequence field as a check reads it (a history page's empty list is a shared empty tuple)."""
    return list(value) if isinstance(value, tuple) else value


def _backdated(previous: list[PageFacts]) -> list:
    site = SiteFacts.build(TONIGHT, homepage=H + "/")
    site.previous = SiteFacts.build(previous, homepage=H + "/")
    return list(run_checks([BACKDATED], site, site_id="s", today=date(2023, 11, 1), departments=RULES,
                           settings={"backdated_days": 7}))


def test_history_pages_carry_what_the_history_checks_read(store_at):
    with Store(store_at) as store:
        store.begin_run(_run(1))
        store.add_pages("s.1", YESTERDAY)
        full = list(store.pages("s.1"))
        history = list(store.history_pages("s.1"))

    assert [p.url for p in history] == [p.url for p in full]
    for light, page in zip(history, full, strict=True):
        assert all(_as_read(getattr(light, name)) == _as_read(getattr(page, name)) for name in HISTORY_FIELDS), page.url
        assert (light.doc is None) == (page.doc is None)
        assert light.doc is None or light.doc.published_on == page.doc.published_on
        assert not light.links and light.text == "" and not light.meta and not light.a11y
    # What a history page leaves empty is one shared read-only value, not a new list per page.
    assert history[0].links is history[1].links and isinstance(history[0].links, tuple)
    with pytest.raises(TypeError):
        history[0].meta["x"] = "y"  # type: ignore[index]
    # The history check finds the same problems on the light view as on the full pages.
    found = _backdated(history)
    assert sorted((f.id, f.url, f.target, f.evidence["kind"]) for f in found) == sorted(
        (f.id, f.url, f.target, f.evidence["kind"]) for f in _backdated(full))
    assert {(f.url.removeprefix(H), f.target and f.target.removeprefix(H)) for f in found} == {
        ("/tzgg/", "/tzgg/late.html"), ("/tzgg/", "/tzgg/changed.html"), ("/tzgg/a.html", None)}


def test_history_pages_of_a_recheck_run_overlay_its_base(store_at):
    with Store(store_at) as store:
        store.begin_run(_run(1))
        store.add_pages("s.1", YESTERDAY)
        store.begin_run(_run(2, base="s.1"))
        store.add_pages("s.2", [TONIGHT[1], _list_page("/new/")])
        history = list(store.history_pages("s.2"))
        assert [p.url for p in history] == [p.url for p in store.pages("s.2")]
    assert [p.url.removeprefix(H) for p in history] == [
        "/tzgg/", "/tzgg/a.html", "/tzgg/redirected.html", "/down/", "/new/"]
    assert history[1].doc.published_on == date(2023, 10, 30)  # the re-check's newer copy
