from datetime import date

from govcrawl.departments import DepartmentRule, DepartmentRules
from govcrawl.model import (
    DocInfo,
    Finding,
    LinkFacts,
    LinkOutcome,
    LinkState,
    ListItem,
    PageFacts,
    Region,
    RunInfo,
    Severity,
)
from govcrawl.store import Store, StoreError

RULES = DepartmentRules(
    "政府办",
    [
        DepartmentRule("司法局", path_prefix="/sfj/"),
        DepartmentRule("财政局", sources=("财政局", "兴庆区财政局")),
        DepartmentRule("教育局", path_prefix="/jyj/", sources=("兴庆区教育局",)),
    ],
)


def _page(url, publisher=None, meta=None):
    return PageFacts(url=url, status=200, doc=DocInfo(publisher=publisher) if publisher else None, meta=meta or {})


def test_path_prefix_source_both_and_owner():
    assert RULES.for_page("http://x.cn/sfj/a.html") == "司法局"
    assert RULES.for_page("http://x.cn/zwgk/a.html", _page("u", publisher="兴庆区 财政局")) == "财政局"
    assert RULES.for_page("http://x.cn/zwgk/a.html", _page("u", meta={"ContentSource": "财政局"})) == "财政局"
    # both must match when a rule has both
    assert RULES.for_page("http://x.cn/jyj/a.html", _page("u", publisher="兴庆区教育局")) == "教育局"
    assert RULES.for_page("http://x.cn/jyj/a.html") == "政府办"
    # look-alikes: a prefix that only shares letters, a body that only contains the name
    assert RULES.for_page("http://x.cn/sfjx/a.html") == "政府办"
    assert RULES.for_page("http://x.cn/a.html", _page("u", publisher="自治区财政厅")) == "政府办"
    assert RULES.names() == ["政府办", "司法局", "财政局", "教育局"]


def test_store_round_trip(store_at):
    run = RunInfo(id="s.1", site="s", started="2023-11-01T02:00:00+08:00", today=date(2023, 11, 1))
    page = PageFacts(
        url="http://x.cn/a.html", status=200, content_type="text/html", title="<b>标题</b>",
        doc=DocInfo(doc_number="银兴政规发〔2023〕1号", published_on=date(2023, 10, 9), raw={"文号": "x"}),
        published_on=date(2023, 10, 9), text="正文", anchors={"sec1", "top"},
        links=[LinkFacts("http://x.cn/b.pdf", "a", "href", "附件", Region.FOOTER, "p2", True)],
        list_items=[ListItem("http://x.cn/c.html", "条目", date(2023, 1, 2))],
    )
    with Store(store_at) as store:
        store.begin_run(run)
        store.add_pages(run.id, [page, PageFacts(url="http://x.cn/404", status=404)])
        store.add_outcomes(run.id, [LinkOutcome("http://x.cn/b.pdf", LinkState.BROKEN, 404, "HTTP 404", None, True, "GET")])
        finding = Finding("broken-link:1", "broken-link", Severity.MAJOR, "政府办", page.url, "http://x.cn/b.pdf",
                          None, "失效", {"n": [1, 2]}, ["http://x.cn/z"])
        store.replace_findings(run.id, [finding])
        run.status = "completed"
        store.update_run(run)
    with Store(store_at, create=False) as store:
        pages = list(store.pages(run.id))
        assert pages[0] == page
        assert pages[1].status == 404 and pages[1].links == []
        assert store.outcomes(run.id)["http://x.cn/b.pdf"].state is LinkState.BROKEN
        assert store.findings(run.id) == [finding]
        assert store.get_run(run.id).status == "completed"


def test_missing_store_is_a_clear_error(store_at):
    import pytest

    with pytest.raises(StoreError, match="no store here"):
        Store(store_at, create=False)
