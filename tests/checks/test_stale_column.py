"""``stale-column`` on facts built in a few lines: planted stale columns and their look-alikes."""

from datetime import date

from checks.columns import classify, find_columns
from checks.stale_column import CHECK, early_warnings
from govcrawl.facts import SiteFacts
from govcrawl.model import ListItem, Severity
from tests.checks.conftest import H, page


def items(*days: str | None, prefix: str = "/a/") -> list[ListItem]:
    """List rows dated as given (None: an undated row)."""
    return [ListItem(f"{H}{prefix}{i}.html", f"条目{i}", date.fromisoformat(d) if d else None)
            for i, d in enumerate(days)]


def col(path: str, name: str, *days: str | None, pagination=(), **kw):
    """A column list page named ``name`` with rows dated ``days``."""
    return page(path, column=name, list_items=items(*days, prefix=path), pagination=[H + p for p in pagination], **kw)


HOME = page("/", list_items=items("2023-10-30"))


def urls(findings) -> set[str]:
    return {f.url.removeprefix(H) for f in findings}


def test_news_column_older_than_14_days_is_flagged(run_check):
    found = run_check(CHECK, [HOME, col("/zwgk/gzdt/", "工作动态", "2023-10-10", "2023-09-01")])
    assert urls(found) == {"/zwgk/gzdt/"}
    f = found[0]
    assert f.target is None and f.severity is Severity.MAJOR and f.department == "政府办"
    assert f.evidence["limit_days"] == 14 and f.evidence["age_days"] == 22
    assert f.evidence["newest_date"] == "2023-10-10" and f.evidence["column_class"] == "动态类"
    assert set(f.evidence) <= set(CHECK.labels)


def test_exactly_limit_days_old_is_not_stale(run_check):
    found = run_check(CHECK, [HOME, col("/sfj/gzdt/", "工作动态", "2023-10-18"),
                              col("/sfj/gzdt2/", "工作动态", "2023-10-17")])
    assert urls(found) == {"/sfj/gzdt2/"}
    assert found[0].department == "司法局"


def test_class_limits_first_match_wins(run_check):
    assert classify("政策解读").days == 183
    assert classify("人事动态").days == 14  # 动态 comes before 人事
    assert classify("区情概况").days is None and classify("法治宣传") is None
    found = run_check(CHECK, [
        HOME,
        col("/ghjh/", "规划计划", "2023-03-01"),  # 245 days < 365
        col("/rsxx/", "人事信息", "2022-09-20"),  # 407 days > 365
        col("/tzgg/", "通知公告", "2023-03-15"),  # 231 days > 183
        col("/qxgk/", "区情概况", "2020-01-01"),  # static
        col("/fzxc/", "法治宣传", "2020-01-01"),  # no class: no limit
    ])
    assert urls(found) == {"/rsxx/", "/tzgg/"}


def test_stale_homepage_is_critical_and_undated_items_do_not_count(run_check):
    home = page("/", list_items=items(None, "2023-10-01", None))
    found = run_check(CHECK, [home])
    assert urls(found) == {"/"}
    assert found[0].severity is Severity.CRITICAL and found[0].evidence["column_class"] == "首页"


def test_homepage_with_only_undated_items_is_not_judged(run_check):
    assert run_check(CHECK, [page("/", list_items=items(None, None))]) == []


def test_pagination_pages_are_one_column(run_check):
    pages = [
        HOME,
        col("/xw/index_1.html", "要闻动态", "2023-08-01", pagination=["/xw/index.html", "/xw/index_2.html"]),
        col("/xw/", "要闻动态", "2023-10-31", pagination=["/xw/index_1.html"]),
        col("/xw/index_2.html", "要闻动态", "2023-07-01"),  # reached only via createPageHTML
        col("/xw/index.html", "要闻动态", "2023-10-31", pagination=["/xw/index_1.html"]),
    ]
    columns = find_columns(SiteFacts.build(pages, homepage=H + "/"))
    assert len(columns) == 1 and columns[0].url == H + "/xw/" and len(columns[0].pages) == 4
    assert run_check(CHECK, pages) == []
    stale = [col("/dt/index_1.html", "工作动态", "2023-01-01", pagination=["/dt/index.html"]),
             col("/dt/index.html", "工作动态", "2023-02-01", pagination=["/dt/index_1.html"])]
    found = run_check(CHECK, [HOME, *stale])
    assert urls(found) == {"/dt/index.html"} and found[0].evidence["list_pages"] == 2


def test_article_pages_are_not_columns(run_check):
    article = page("/gzdt/202301/t1.html", column="工作动态", published_on=date(2023, 1, 1),
                   list_items=items("2023-01-01"), meta={"ArticleTitle": "某文章"})
    assert run_check(CHECK, [HOME, article]) == []


def test_override_by_path_prefix(run_check):
    pages = [HOME, col("/zt/gzdt/", "工作动态", "2023-09-01"), col("/x/", "法治宣传", "2023-09-01"),
             col("/zwgk/gzdt/", "工作动态", "2023-09-01")]
    settings = {"column_limits": [{"path_prefix": "/zt/", "days": None}, {"path_prefix": "/x/", "days": 30},
                                  {"path_prefix": "/zwgk/", "days": 90}]}
    found = run_check(CHECK, pages, settings=settings)
    assert urls(found) == {"/x/"} and found[0].evidence["limit_days"] == 30


def test_site_wide_prefix_does_not_change_the_homepage(run_check):
    home = page("/", list_items=items("2023-10-01"))
    found = run_check(CHECK, [home], settings={"column_limits": [{"path_prefix": "/", "days": None}]})
    assert urls(found) == {"/"}


def test_empty_column_is_not_stale(run_check):
    empty = page("/zdxm/", column="工作动态", text="重大建设项目 暂无信息")
    assert run_check(CHECK, [HOME, empty]) == []


def test_early_warnings_are_columns_due_soon_not_findings():
    pages = [HOME, col("/a/", "工作动态", "2023-10-18"), col("/b/", "工作动态", "2023-10-20"),
             col("/c/", "工作动态", "2023-10-10"), col("/d/", "区情概况", "2020-01-01")]
    warned = early_warnings(SiteFacts.build(pages, homepage=H + "/"), date(2023, 11, 1), {}, warning_days=3)
    assert [(w.column.url.removeprefix(H), w.days_left) for w in warned] == [("/a/", 0), ("/b/", 2)]
