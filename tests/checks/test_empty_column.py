"""``empty-column`` on facts built in a few lines: blank list pages and pages that only look blank."""

from datetime import date

from checks.empty_column import CHECK
from govcrawl.model import ListItem
from tests.checks.conftest import H, page

HOME = page("/", list_items=[ListItem(H + "/a.html", "条目", date(2023, 10, 30))])


def urls(findings) -> set[str]:
    return {f.url.removeprefix(H) for f in findings}


def test_list_page_saying_no_data_is_flagged(run_check):
    found = run_check(CHECK, [HOME, page("/zdxm/", column="重大建设项目", text="当前位置：首页 > 重大建设项目 暂无信息"),
                              page("/sfj/fzxc/index.html", column="法治宣传", text="暂无数据")])
    assert urls(found) == {"/zdxm/", "/sfj/fzxc/index.html"}
    by_url = {f.url.removeprefix(H): f for f in found}
    assert by_url["/sfj/fzxc/index.html"].department == "司法局"
    assert all(f.target is None and set(f.evidence) <= set(CHECK.labels) for f in found)


def test_pages_without_rows_that_are_not_lists_are_not_flagged(run_check):
    pages = [
        HOME,
        page("/zjxq/", column="走进兴庆", text="区情概况 历史沿革"),  # landing page
        page("/lxwm/", column="联系我们", text="通信地址：…"),
        page("/zjxq/qxgk/", column="区情概况", text="兴庆区位于…"),  # static single-article column
        page("/ldxx/1.html", column="区长信箱", text="答复内容：暂无答复"),
    ]
    assert run_check(CHECK, pages) == []


def test_undated_rows_are_not_empty(run_check):
    hanweb = page("/wjj/col/col2101/", column="工作动态", text="暂无信息",
                  list_items=[ListItem(H + "/wjj/art/1.html", "条目", None)])
    assert run_check(CHECK, [HOME, hanweb]) == []


def test_a_column_with_items_on_another_page_is_not_empty(run_check):
    first = page("/tz/", column="通知公告", text="暂无信息", pagination=[H + "/tz/index_1.html"])
    second = page("/tz/index_1.html", column="通知公告",
                  list_items=[ListItem(H + "/tz/1.html", "通知", date(2023, 10, 1))])
    assert run_check(CHECK, [HOME, first, second]) == []


def test_blank_pages_of_one_column_give_one_finding(run_check):
    pages = [HOME, page("/kb/", column="空栏目", text="暂无信息"), page("/kb/index.html", column="空栏目", text="暂无信息")]
    assert urls(run_check(CHECK, pages)) == {"/kb/"}


def test_error_pages_and_articles_are_not_list_pages(run_check):
    pages = [HOME, page("/gone/", column="通知公告", text="暂无信息", status=404),
             page("/a/t1.html", column="通知公告", text="暂无信息", published_on=date(2023, 1, 1))]
    assert run_check(CHECK, pages) == []
