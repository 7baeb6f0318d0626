from datetime import date

from checks.short_consultation import CHECK, parse_date, stated_period
from govcrawl.model import DocInfo, ListItem
from tests.checks.conftest import H, page

TITLE = "关于《兴庆区老旧小区改造实施方案（征求意见稿）》公开征求意见的公告"


def consult(path, text, title=TITLE, column="征求意见", published_on=date(2023, 9, 1), **kw):
    return page(path, heading=title, column=column, text=text, published_on=published_on, **kw)


def test_flags_short_periods_in_every_written_form(run_check):
    pages = [
        consult("/a.html", "征求意见时间：2023年9月1日至2023年9月15日。"),
        consult("/b.html", "请于2023年10月20日前将意见反馈至区政府办。", published_on=date(2023, 10, 10)),
        consult("/c.html", "起止日期：2023-10-16 至 2023-10-27"),
        consult("/d.html", "征集部门 区政府办 开始时间 2023-10-09 结束时间 2023-10-20"),
        consult("/e.html", "征集时间为2023年9月1日—9月20日", column="互动交流", title="意见征集：停车收费办法"),
        consult("/f.html", "截止日期：2023-09-10", published_on=None,
                doc=DocInfo(published_on=date(2023, 9, 1))),
        consult("/g.html", "公开征求意见，时间自2023年9月1日起至2023年9月29日止。"),
    ]
    found = {f.url.removeprefix(H): f for f in run_check(CHECK, pages)}
    assert {k: f.evidence["days"] for k, f in found.items()} == {
        "/a.html": 15, "/b.html": 11, "/c.html": 12, "/d.html": 12, "/e.html": 20, "/f.html": 10, "/g.html": 29,
    }
    a = found["/a.html"]
    assert a.target is None and a.evidence["start"] == "2023-09-01" and a.evidence["end"] == "2023-09-15"
    assert "征求意见时间" in a.evidence["where"]
    assert "截止日期" in found["/b.html"].evidence["where"]


def test_look_alikes_not_flagged(run_check):
    pages = [
        # 31 days counting both ends: the demo's look-alikes
        consult("/a.html", "公开征求意见时间为：2023年8月1日至2023年8月31日。"),
        consult("/b.html", "开始时间 2023-10-09 结束时间 2023-11-08"),
        consult("/c.html", "起止日期：2023-07-03 至 2023-08-02"),
        # exactly 30 days is enough
        consult("/d.html", "征集时间：2023年9月1日至2023年9月30日"),
        # not a consultation page, although the text has a short range
        page("/e.html", heading="关于开展安全检查的通知", column="通知公告", text="检查时间：2023年9月1日至2023年9月5日"),
        # the consultation column's list page
        page("/yjzj/", heading="征求意见", column="征求意见", text="征求意见时间：2023年9月1日至9月5日",
             list_items=[ListItem(H + "/a.html", TITLE, date(2023, 9, 1))]),
        # a consultation that states no period cannot be judged
        consult("/f.html", "现将草案全文公布，公开征求社会各界意见。"),
        # 公开征集 of proposals (not 征求意见) is not a consultation on a draft
        page("/g.html", heading="关于公开征集2024年民生实事项目建议的公告", column="通知公告",
             text="征集时间：2023年9月1日至2023年9月10日"),
        consult("/h.html", "征求意见时间：2023年9月1日至2023年9月15日。", status=404),
    ]
    assert run_check(CHECK, pages) == []


def test_date_forms():
    assert parse_date("2023年10月9日") == date(2023, 10, 9)
    assert parse_date("2023-10-09 08:30") == date(2023, 10, 9)
    assert parse_date("2023/9/1") == date(2023, 9, 1)
    assert parse_date("2023.9.1") == date(2023, 9, 1)
    assert parse_date("2023年13月1日") is None
    period = stated_period(page("/x.html", text="征集时间：2023年12月20日至2024年1月18日"))
    assert period is not None and period.days == 30
