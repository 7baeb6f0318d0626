"""The demo's public-message boards: pages, links, and the arithmetic behind every plant.

Two boards: 区长信箱 (/hdjl/ldxx/, table list, field-table detail pages, the board states
5 个工作日) and 咨询投诉 (/hdjl/zxts/, ul/li rows with labelled spans, question/answer detail
pages, 10 working days from the config). The verdicts below are recomputed from the portal's
model with chinese-calendar (never by hand) and must be exactly what expected.yaml says.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

import chinese_calendar
import lxml.html
import pytest

from checks.messages import add_months
from crawler.demo import files
from crawler.demo.portal import build_site
from crawler.urls import normalise
from govcrawl.config import parse_config
from tests.demo.helpers import EXT, MAIN, REFUSED, crawl, html_pages, links_of

TODAY = date(2023, 11, 1)
ZXTS = MAIN + "/hdjl/zxts/"
LDXX = MAIN + "/hdjl/ldxx/"
MESSAGE_CHECKS = ("unanswered-message", "late-reply")


@pytest.fixture(scope="module")
def site():
    return build_site(MAIN, EXT, REFUSED)


@pytest.fixture(scope="module")
def pages(site):
    return html_pages(site.resources)


@pytest.fixture(scope="module")
def expected():
    return files.expected_data(MAIN, EXT, REFUSED)


@pytest.fixture(scope="module")
def site_config():
    return parse_config(files.config_data(MAIN, EXT, REFUSED)).sites["demo"]


@pytest.fixture(scope="module")
def verdicts(site, site_config, pages):
    return _verdicts(site, site_config, pages)


def working_days(after: date, until: date) -> int:
    """Working days d with after < d <= until (contract §4), from chinese-calendar."""
    days, day = 0, after + timedelta(days=1)
    while day <= until:
        days += chinese_calendar.is_workday(day)
        day += timedelta(days=1)
    return days


def _messages(site, board: str):
    return [m for m in site.messages() if m.column.path == board]


def _url(message) -> str:
    """Where a finding about the message points: its detail page, else the list page (normalised)."""
    return normalise(MAIN + message.path if message.has_page else MAIN + message.column.path)[0]


# --- pages and links ------------------------------------------------------------------------------


def test_the_new_board_is_linked_from_homepage_and_section(pages, site):
    for page in (MAIN + "/", MAIN + "/hdjl/"):
        assert ZXTS in links_of(page, pages[page]), page
    reached = crawl(site.resources)
    assert ZXTS in reached
    for message in _messages(site, "/hdjl/zxts/"):
        if message.has_page:
            assert MAIN + message.path in reached, message.path


def test_board_pages_exist_in_their_layouts(site, pages):
    board = _messages(site, "/hdjl/zxts/")
    assert len(board) >= 6 and all(m.kind == "message" for m in board)
    listing = lxml.html.fromstring(pages[ZXTS])
    rows = listing.xpath('//ul[@class="msg-list"]/li')
    assert len(rows) == len(board)
    for row in rows:
        text = row.text_content()
        assert "承办单位：" in text and "留言时间：" in text
        assert row.xpath('./span[@class="state"]/text()')[0] in ("已回复", "未回复", "已办结")
    for message in board:
        url = MAIN + message.path
        if not message.has_page:
            assert url not in site.resources
            assert message.path.rsplit("/", 1)[-1] not in pages[ZXTS]  # no link to a page that is not there
            continue
        assert site.resources[url].status == 200 and message.path.endswith(".html")
        doc = lxml.html.fromstring(pages[url])
        ask = doc.xpath('//div[@class="msg-ask"]')[0].text_content()
        reply = doc.xpath('//div[@class="msg-reply"]')[0].text_content()
        assert "留言人：网友" in ask and f"留言时间：{message.day:%Y-%m-%d}" in ask
        assert f"承办单位：{message.unit}" in ask
        if message.replied is None:
            assert "暂无回复" in reply and "回复时间" not in reply
        else:
            assert f"回复单位：{message.unit}" in reply and f"回复时间：{message.replied:%Y-%m-%d}" in reply
        meta = {m.get("name"): m.get("content") for m in doc.xpath("//meta[@name]")}
        for tag in ("SiteName", "SiteIDCode", "ColumnName", "ArticleTitle", "PubDate", "ContentSource"):
            assert meta.get(tag), (url, tag)
        assert meta["PubDate"].startswith(f"{message.day:%Y-%m-%d}")


def test_exactly_one_row_without_a_link(site, pages):
    linkless = [m for m in _messages(site, "/hdjl/zxts/") if not m.has_page]
    assert [(m.state, m.unit) for m in linkless] == [("未回复", "兴庆区民政局")]
    row = next(
        li
        for li in lxml.html.fromstring(pages[ZXTS]).xpath('//ul[@class="msg-list"]/li')
        if linkless[0].title in li.text_content()
    )
    assert row.xpath(".//a") == []


def test_message_titles_are_not_interpretations(site):
    """Contract §4: a title with 解读/图解/一图读懂/问答 makes a page an interpretation."""
    for message in site.messages():
        assert not any(word in message.title for word in ("解读", "图解", "一图读懂", "问答")), message.title


# --- the arithmetic -------------------------------------------------------------------------------


def test_the_2023_holidays_the_plants_rely_on():
    assert not any(chinese_calendar.is_workday(date(2023, 9, 29) + timedelta(days=i)) for i in range(8))
    assert chinese_calendar.is_workday(date(2023, 10, 7)) and chinese_calendar.is_workday(date(2023, 10, 8))
    # the National-Day look-alike 1724: on time with the calendar, "late" when holidays are ignored
    asked, replied = date(2023, 9, 26), date(2023, 10, 16)
    weekdays = sum((asked + timedelta(days=i)).weekday() < 5 for i in range(1, (replied - asked).days + 1))
    assert working_days(asked, replied) == 10 and weekdays == 14 and (replied - asked).days == 20


def _limits(site, site_config, pages) -> dict[str, tuple[int, str]]:
    """Each board's limit by the rule's order: config channel, else the board's own words, else 3 months."""
    out = {}
    for board in ("/hdjl/ldxx/", "/hdjl/zxts/"):
        channel = next(
            (c for c in site_config.messages.channels if c.path_prefix and board.startswith(c.path_prefix)),
            None,
        )
        if channel is not None and channel.limit_days:
            out[board] = (channel.limit_days, "workdays")
            continue
        stated = re.search(r"(\d+)个工作日", lxml.html.fromstring(pages[MAIN + board]).text_content())
        out[board] = (int(stated[1]), "workdays") if stated else (3, "months")
    return out


def _department(site_config, unit: str) -> str:
    for dept in site_config.departments:
        if unit and (dept.name in unit or unit in dept.source or unit in dept.aliases):
            return dept.name
    return site_config.owner  # the boards' pages are the owner's (no path or source rule matches /hdjl/)


def _verdicts(site, site_config, pages):
    limits = _limits(site, site_config, pages)
    out = {}
    for message in site.messages():
        limit, unit = limits[message.column.path]
        end = message.replied or TODAY
        national = end > add_months(message.day, 3)
        past = working_days(message.day, end) > limit if unit == "workdays" else national
        if message.replied is None:
            check = "unanswered-message" if past or national else None
            recent = message.day > TODAY - timedelta(days=365)
            severity = "critical" if national and recent else "major"
        else:
            check = "late-reply" if past else None
            severity = "major"
        out[_url(message)] = (check, _department(site_config, message.unit), severity, message)
    return out


def test_limits_come_from_config_then_the_board(site, site_config, pages):
    assert _limits(site, site_config, pages) == {
        "/hdjl/ldxx/": (5, "workdays"),
        "/hdjl/zxts/": (10, "workdays"),
    }
    # 兴庆区卫生健康局 does not contain 卫健局: only the config's aliases map it
    assert "卫健局" not in "兴庆区卫生健康局"
    assert _department(site_config, "兴庆区卫生健康局") == "卫健局"
    assert _department(site_config, "兴庆区民政局") == "民政局"
    assert _department(site_config, "兴庆区财政局") == "财政局"
    assert _department(site_config, "兴庆区住房城乡建设和交通局") == "政府办"


def test_message_findings_are_exactly_the_expected(site, verdicts, expected):
    found = {(check, url, dept, sev) for url, (check, dept, sev, _m) in verdicts.items() if check}
    want = {
        (e["check"], e["url"], e["department"], e["severity"])
        for e in expected["expected"]
        if e["check"] in MESSAGE_CHECKS
    }
    assert found == want
    # the list-page finding also accepts the list's index.html
    row = next(e for e in expected["expected"] if e["check"] == "unanswered-message" and e["url"] == ZXTS)
    assert row["url_aliases"] == [ZXTS + "index.html"] and ZXTS + "index.html" in site.resources
    for entry in expected["expected"]:
        if entry["check"] in MESSAGE_CHECKS:
            assert entry["target"] is None


def test_look_alikes_are_not_findings(verdicts, expected):
    look_alikes = [e for e in expected["not_expected"] if e["check"] in MESSAGE_CHECKS]
    assert len(look_alikes) >= 10
    for entry in look_alikes:
        assert entry["url"] in verdicts, entry["url"]
        assert verdicts[entry["url"]][0] != entry["check"], entry


def test_notes_state_the_computed_day_counts(verdicts, expected):
    checked = 0
    for entry in expected["expected"] + expected["not_expected"]:
        if entry["check"] not in MESSAGE_CHECKS or "个工作日" not in entry["note"]:
            continue
        message = verdicts[entry["url"]][3]
        end = message.replied or TODAY
        days = working_days(message.day, end)
        limit = 10 if message.column.path == "/hdjl/zxts/" else 5
        counts = [int(n) for n in re.findall(r"(\d+) 个工作日", entry["note"]) if int(n) != limit] or [limit]
        assert days in counts, (entry["url"], days, entry["note"])
        assert (
            message.day.isoformat() in entry["note"]
            or f"{message.day.month}/{message.day.day}" in entry["note"]
        )
        checked += 1
    assert checked >= 10


@pytest.mark.parametrize(
    ("path", "asked", "end", "days", "verdict"),
    [
        ("/hdjl/zxts/202310/t20231017_1721.html", date(2023, 10, 17), TODAY, 11, "unanswered-message"),
        ("/hdjl/zxts/202310/t20231018_1722.html", date(2023, 10, 18), TODAY, 10, None),
        ("/hdjl/zxts/202308/t20230821_1723.html", date(2023, 8, 21), date(2023, 9, 12), 16, "late-reply"),
        ("/hdjl/zxts/202309/t20230926_1724.html", date(2023, 9, 26), date(2023, 10, 16), 10, None),
        ("/hdjl/zxts/202310/t20231009_1725.html", date(2023, 10, 9), date(2023, 10, 13), 4, None),
        ("/hdjl/zxts/", date(2023, 7, 10), TODAY, 78, "unanswered-message"),
        ("/hdjl/ldxx/detail.jsp?id=1701&type=1", date(2023, 6, 20), TODAY, 91, "unanswered-message"),
        ("/hdjl/ldxx/detail.jsp?id=1702&type=1", date(2023, 10, 25), TODAY, 5, None),
        ("/hdjl/ldxx/detail.jsp?id=1703&type=1", date(2023, 8, 1), date(2023, 9, 20), 36, "late-reply"),
        ("/hdjl/ldxx/detail.jsp?id=1704&type=1", date(2023, 9, 27), date(2023, 10, 9), 4, None),
    ],
)
def test_each_plant(verdicts, path, asked, end, days, verdict):
    check, _dept, _sev, message = verdicts[MAIN + path]
    assert (message.day, message.replied or TODAY) == (asked, end)
    assert working_days(asked, end) == days
    assert check == verdict
