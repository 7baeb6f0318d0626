"""unanswered-message and late-reply over hand-built message facts (today: 2023-11-01)."""

from datetime import date

import chinese_calendar
import pytest

from checks import late_reply, unanswered_message
from checks.messages import NATIONAL, add_months, parse_limit, reply_stats, site_messages
from checks.workdays import WorkdayCalendar
from govcrawl.departments import DepartmentRule, DepartmentRules
from govcrawl.facts import SiteFacts
from govcrawl.model import MessageFact, Severity
from tests.checks.conftest import H, page

TODAY = date(2023, 11, 1)
RULES = DepartmentRules("政府办", [
    DepartmentRule("司法局", path_prefix="/sfj/"),
    DepartmentRule("卫健局", path_prefix="/wjj/", aliases=("兴庆区卫生健康局",)),
    DepartmentRule("财政局", sources=("兴庆区财政局",)),
])


def msg(path, title="咨询", asked=None, replied_on=None, *, replied=None, status=None, unit=None, limit=None,
        where="detail", number=None) -> MessageFact:
    return MessageFact(H + path if path else "", title, asked, replied_on, status, replied, unit, limit, number, where)


def board(path, *messages, column="区长信箱"):
    return page(path, column=column, messages=list(messages))


def workdays(start, end):
    """Working days d with start < d <= end, straight from chinese_calendar."""
    return len([d for d in chinese_calendar.get_dates(start, end) if d != start and chinese_calendar.is_workday(d)])


def run(check, pages, settings=None):
    from checks.registry import run_checks

    facts = SiteFacts.build(pages, homepage=H + "/")
    return list(run_checks([check], facts, site_id="t", today=TODAY, departments=RULES, settings=settings or {}))


def test_limit_phrases():
    assert parse_limit("5个工作日") .label == "5 个工作日"
    assert parse_limit("来信一般在十五个工作日内答复").value == 15
    assert parse_limit("二十个工作日").value == 20
    assert parse_limit("7日内予以答复").unit == "days"
    assert parse_limit("1个月").unit == "months"
    assert parse_limit("请勿重复提交") is None and parse_limit(None) is None and parse_limit("0个工作日") is None
    assert add_months(date(2023, 1, 31), 1) == date(2023, 2, 28)
    assert add_months(date(2023, 11, 30), 3) == date(2024, 2, 29)


def test_unanswered_past_three_months_is_critical_and_past_limit_is_major():
    pages = [
        board("/hdjl/ldxx/1.html", msg("/hdjl/ldxx/1.html", "道路破损", date(2023, 6, 20), replied=False,
                                       status="办理中", limit="5个工作日")),
        # past 5 working days, under 3 months
        board("/hdjl/ldxx/2.html", msg("/hdjl/ldxx/2.html", "路灯不亮", date(2023, 10, 16), replied=False,
                                       status="未回复", limit="5个工作日", unit="兴庆区司法局")),
    ]
    found = {f.url.removeprefix(H): f for f in run(unanswered_message.CHECK, pages)}
    assert set(found) == {"/hdjl/ldxx/1.html", "/hdjl/ldxx/2.html"}
    first, second = found["/hdjl/ldxx/1.html"], found["/hdjl/ldxx/2.html"]
    assert first.severity is Severity.CRITICAL and "互动回应差" in first.message
    assert first.department == "政府办" and first.target is None
    assert second.severity is Severity.MAJOR and second.department == "司法局"
    assert second.evidence["elapsed"] == f"{workdays(date(2023, 10, 16), TODAY)} 个工作日"
    assert second.evidence["limit_source"].startswith("页面写明")


def test_unanswered_look_alikes():
    pages = [
        # under 3 months, no stated limit: the national rule is the limit
        board("/a.html", msg("/a.html", "优待证", date(2023, 8, 15), replied=False, status="办理中")),
        # the board shows no status and no reply: cannot be read as unanswered
        board("/b.html", msg("/b.html", "建议", date(2023, 1, 5))),
        # replied (status only)
        board("/c.html", msg("/c.html", "咨询", date(2023, 1, 5), replied=True, status="已办结")),
        # within 5 working days across a weekend
        board("/d.html", msg("/d.html", "咨询", date(2023, 10, 27), replied=False, limit="5个工作日")),
        # asked after today (a wrong clock on the board)
        board("/e.html", msg("/e.html", "咨询", date(2023, 12, 1), replied=False)),
        # a page that could not be read
        page("/f.html", status=500, messages=[msg("/f.html", "咨询", date(2023, 1, 1), replied=False)]),
    ]
    assert run(unanswered_message.CHECK, pages) == []


def test_late_reply_counts_working_days_across_national_day():
    pages = [
        # 2023-09-27 -> 2023-10-09: 12 calendar days, 4 working days (limit 5): on time
        board("/a.html", msg("/a.html", "供暖", date(2023, 9, 27), date(2023, 10, 9), replied=True, limit="5个工作日")),
        # 2023-08-01 -> 2023-09-20: far past 5 working days
        board("/b.html", msg("/b.html", "入园", date(2023, 8, 1), date(2023, 9, 20), replied=True,
                             limit="5个工作日", unit="兴庆区卫生健康局")),
        # default limit 3 months: 2023-05-02 -> 2023-08-03 is late, 2023-05-02 -> 2023-08-02 is not
        board("/c.html", msg("/c.html", "咨询", date(2023, 5, 2), date(2023, 8, 3), replied=True)),
        board("/d.html", msg("/d.html", "咨询", date(2023, 5, 2), date(2023, 8, 2), replied=True)),
    ]
    assert workdays(date(2023, 9, 27), date(2023, 10, 9)) == 4
    found = {f.url.removeprefix(H): f for f in run(late_reply.CHECK, pages)}
    assert set(found) == {"/b.html", "/c.html"}
    assert found["/b.html"].department == "卫健局"
    assert found["/b.html"].evidence["elapsed"] == f"{workdays(date(2023, 8, 1), date(2023, 9, 20))} 个工作日"
    assert found["/c.html"].evidence["limit"] == NATIONAL.label


def test_config_channel_limit_wins_over_the_page():
    facts = [msg("/hdjl/zxts/1.html", "咨询", date(2023, 10, 9), date(2023, 10, 20), replied=True, limit="15个工作日")]
    pages = [board("/hdjl/zxts/1.html", *facts, column="咨询投诉")]
    assert run(late_reply.CHECK, pages) == []  # 9 working days < 15 stated on the page
    settings = {"messages": {"channels": [{"name": "咨询投诉", "path_prefix": "/hdjl/zxts/", "limit_days": 5}]}}
    (finding,) = run(late_reply.CHECK, pages, settings)
    assert finding.evidence["limit_source"] == "配置（咨询投诉）" and finding.evidence["channel"] == "咨询投诉"
    by_column = {"messages": {"channels": [{"name": "信箱", "column": "咨询投诉", "limit_days": 5}]}}
    assert len(run(late_reply.CHECK, pages, by_column)) == 1
    other_column = {"messages": {"channels": [{"name": "信箱", "column": "区长信箱", "limit_days": 5}]}}
    assert run(late_reply.CHECK, pages, other_column) == []


def test_list_and_detail_sightings_merge_and_rows_without_links_stand_alone():
    detail = msg("/hdjl/1.html", "噪音扰民", date(2023, 7, 3), where="detail")
    row = msg("/hdjl/1.html", "噪音扰民", date(2023, 7, 3), replied=False, status="未回复", unit="兴庆区财政局",
              where="list")
    linkless = [msg("", "无链接的留言", date(2023, 7, 10), replied=False, status="未回复", where="list", number="A1"),
                msg("", "无链接的留言", date(2023, 7, 11), replied=False, status="未回复", where="list", number="A2")]
    pages = [board("/hdjl/1.html", detail), board("/hdjl/", row, *linkless)]
    facts = SiteFacts.build(pages, homepage=H + "/")
    messages = site_messages(facts, {}, RULES)
    assert len(messages) == 3
    found = run(unanswered_message.CHECK, pages)
    assert sorted(f.url.removeprefix(H) for f in found) == ["/hdjl/", "/hdjl/", "/hdjl/1.html"]
    merged = next(f for f in found if f.url.endswith("1.html"))
    assert merged.department == "财政局" and merged.evidence["status"] == "未回复"
    assert merged.evidence["read_on"] == "详情页"
    assert len({f.id for f in found}) == 3  # two rows on one list page keep apart ids


def test_reply_stats_per_department():
    messages_page = board("/a.html",
                          msg("/1.html", "a", date(2023, 9, 1), date(2023, 9, 4), replied=True, limit="5个工作日"),
                          msg("/2.html", "b", date(2023, 9, 1), date(2023, 9, 21), replied=True, limit="5个工作日"),
                          msg("/3.html", "c", date(2023, 9, 1), replied=False, limit="5个工作日"),
                          msg("/sfj/4.html", "d", date(2023, 9, 1), date(2023, 9, 8), replied=True,
                              limit="5个工作日"))
    facts = SiteFacts.build([messages_page], homepage=H + "/")
    stats = reply_stats(site_messages(facts, {}, RULES), TODAY, WorkdayCalendar())
    assert stats["政府办"] == {"messages": 3, "replied": 2, "unanswered_overdue": 1, "median_reply_days": 11.5,
                            "on_time_share": 0.5}
    assert stats["司法局"]["on_time_share"] == 1.0 and stats["司法局"]["median_reply_days"] == 7


@pytest.mark.parametrize("unit, expected", [
    ("兴庆区司法局", "司法局"), ("兴庆区卫生健康局", "卫健局"), ("兴庆区财政局", "财政局"), ("区政府办", "政府办"),
    ("银川市公安局", None), ("", None), (None, None),
])
def test_units_map_to_departments(unit, expected):
    assert RULES.for_unit(unit) == expected
