"""The 站点无法访问 arithmetic on hand-built probes: shares, the 20-probe floor, outages, Shanghai days."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from govcrawl.availability import MIN_DAILY_PROBES, daily, probe_day, summary
from govcrawl.model import ProbeResult

CST = timezone(timedelta(hours=8))
HOME = "https://www.example.gov.cn/"
TODAY = date(2023, 11, 1)
WEEK_START = date(2023, 10, 26)


def probe(at: datetime | str, ok: bool = True, *, homepage: bool = True, url: str = HOME, kind: str | None = None):
    stamp = at if isinstance(at, str) else at.isoformat()
    return ProbeResult(url=url, at=stamp, ok=ok, kind=kind or ("ok" if ok else "timeout"), homepage=homepage)


def week(per_day: int, failed_total: int, *, first: date = WEEK_START) -> list[ProbeResult]:
    """per_day probes a day for 7 days from ``first``, the first ``failed_total`` of them (in time order) failed."""
    probes = []
    for day in range(7):
        for n in range(per_day):
            moment = datetime(first.year, first.month, first.day, tzinfo=CST) + timedelta(days=day, minutes=15 * n)
            probes.append(probe(moment, ok=len(probes) >= failed_total))
    return probes


def test_exactly_five_percent_crosses():
    result = summary(week(20, 7), TODAY)  # 7 / 140 = 5%
    assert (result.probes, result.failures, result.crossed) == (140, 7, True)
    assert result.rate == pytest.approx(0.05)
    assert result.undersampled_days == []
    assert "达到 5% 否决线" in result.describe()


def test_just_under_five_percent_does_not_cross():
    result = summary(week(30, 10), TODAY)  # 10 / 210 = 4.76%
    assert not result.crossed
    start = datetime(2023, 10, 26, tzinfo=CST)
    spread = [probe(start + timedelta(minutes=10 * n), ok=n >= 49) for n in range(1000)]  # ends 10-31 22:30
    assert summary(spread, TODAY).probes == 1000
    assert summary(spread, TODAY).crossed is False  # 49 / 1000 = 4.9%
    assert summary([*spread, probe(start, ok=False)], TODAY).crossed is False  # 50 / 1001 = 4.995%
    spread[500] = probe(spread[500].at, ok=False)
    assert summary(spread, TODAY).crossed is True  # 50 / 1000 = 5%
    assert "未达 5% 否决线" in result.describe()


def test_fewer_than_twenty_probes_never_cross():
    probes = [probe(datetime(2023, 10, 30, 9, n, tzinfo=CST), ok=False) for n in range(MIN_DAILY_PROBES - 1)]
    result = summary(probes, TODAY)
    assert (result.probes, result.failures, result.crossed) == (19, 19, False)
    assert len(result.undersampled_days) == 7
    assert "无法按 5% 否决线判定" in result.describe()
    # the twentieth probe makes the week judgeable
    more = summary([*probes, probe(datetime(2023, 10, 30, 10, 0, tzinfo=CST))], TODAY)
    assert more.crossed


def test_no_probes_at_all():
    result = summary([], TODAY)
    assert (result.probes, result.failures, result.rate, result.crossed) == (0, 0, None, False)
    assert result.longest_outage is None and result.failure_kinds == {} and result.key_pages == []
    assert [day.rate for day in result.days] == [None] * 7
    assert result.as_json()["days"][0] == {"day": "2023-10-26", "probes": 0, "failures": 0, "rate": None,
                                           "sampled": False}


def test_shanghai_day_boundaries():
    assert probe_day(probe("2023-10-31T23:50:00+08:00")) == date(2023, 10, 31)
    assert probe_day(probe("2023-10-31T16:10:00Z")) == date(2023, 11, 1)
    assert probe_day(probe("2023-10-31T16:10:00+00:00")) == date(2023, 11, 1)
    assert probe_day(probe("2023-10-31T23:50:00")) == date(2023, 10, 31)  # no offset: Shanghai time
    days = daily([probe("2023-10-31T23:50:00+08:00"), probe("2023-10-31T16:10:00Z", ok=False)],
                 date(2023, 10, 31), date(2023, 11, 1))
    assert [(d.day.isoformat(), d.probes, d.failures) for d in days] == [("2023-10-31", 1, 0), ("2023-11-01", 1, 1)]


def test_probes_outside_the_window_are_ignored():
    inside = week(20, 0)
    outside = [
        probe("2023-10-25T23:59:59+08:00", ok=False),  # the day before the window
        probe("2023-10-25T15:59:59Z", ok=False),  # 23:59:59 in Shanghai, still the day before
        probe("2023-11-02T00:00:00+08:00", ok=False),  # after today
        probe("2023-11-01T16:00:00Z", ok=False),  # 11-02 00:00 in Shanghai
    ]
    result = summary([*outside, *inside], TODAY)
    assert (result.start, result.end, result.probes, result.failures) == (WEEK_START, TODAY, 140, 0)
    edge = summary([probe("2023-10-25T16:00:00Z", ok=False)], TODAY)  # 10-26 00:00 Shanghai: first instant
    assert edge.failures == 1


def test_a_day_without_probes_in_the_middle():
    probes = [p for p in week(20, 0) if probe_day(p) != date(2023, 10, 29)]
    result = summary(probes, TODAY)
    empty = next(day for day in result.days if day.day == date(2023, 10, 29))
    assert (empty.probes, empty.rate, empty.sampled) == (0, None, False)
    assert result.undersampled_days == [date(2023, 10, 29)]
    assert result.probes == 120


def test_longest_outage_closed_by_the_next_ok_probe():
    at = [datetime(2023, 10, 30, 8, 0, tzinfo=CST) + timedelta(minutes=15 * n) for n in range(8)]
    oks = [True, False, True, False, False, False, True, False]
    probes = [probe(moment, ok) for moment, ok in zip(at, oks, strict=True)]
    outage = summary(list(reversed(probes)), TODAY).longest_outage  # unsorted input
    assert outage is not None
    assert (outage.start, outage.end, outage.failed_probes, outage.ongoing) == (
        at[3].isoformat(), at[6].isoformat(), 3, False,
    )


def test_longest_outage_still_going_and_ties_prefer_the_latest():
    at = [datetime(2023, 10, 31, 20, 0, tzinfo=CST) + timedelta(minutes=15 * n) for n in range(6)]
    oks = [False, False, True, True, False, False]
    outage = summary([probe(m, ok) for m, ok in zip(at, oks, strict=True)], TODAY).longest_outage
    assert outage is not None
    assert (outage.start, outage.end, outage.failed_probes, outage.ongoing) == (
        at[4].isoformat(), at[5].isoformat(), 2, True,
    )


def test_outage_across_midnight_in_mixed_offsets():
    probes = [
        probe("2023-10-31T23:45:00+08:00", ok=False),
        probe("2023-10-31T16:00:00Z", ok=False),  # 11-01 00:00 Shanghai
        probe("2023-10-31T16:15:00Z", ok=True),
    ]
    outage = summary(probes, TODAY).longest_outage
    assert outage is not None
    assert (outage.start, outage.end, outage.failed_probes) == (
        "2023-10-31T23:45:00+08:00", "2023-10-31T16:15:00Z", 2,
    )


def test_key_pages_are_reported_apart_and_never_counted():
    probes = week(20, 0)
    column = "https://www.example.gov.cn/zwgk/"
    probes += [probe(datetime(2023, 10, 30, 9, n, tzinfo=CST), ok=False, homepage=False, url=column,
                     kind="http-error") for n in range(30)]
    probes += [probe(datetime(2023, 10, 30, 9, n, tzinfo=CST), homepage=False, url=column) for n in range(30, 40)]
    result = summary(probes, TODAY)
    assert (result.probes, result.failures, result.crossed) == (140, 0, False)
    assert [(p.url, p.probes, p.failures, p.kinds) for p in result.key_pages] == [(column, 40, 30, {"http-error": 30})]
    assert result.key_pages[0].rate == 0.75


def test_failure_kinds_and_json():
    probes = week(20, 0)
    probes += [probe(datetime(2023, 10, 27, 3, n, tzinfo=CST), ok=False, kind=kind)
               for n, kind in enumerate(["timeout", "timeout", "maintenance", "network", "blank", "error-page",
                                         "http-error", "timeout"])]
    result = summary(probes, TODAY)
    assert result.failure_kinds == {"timeout": 3, "maintenance": 1, "network": 1, "blank": 1, "error-page": 1,
                                    "http-error": 1}
    assert (result.probes, result.failures, result.crossed) == (148, 8, True)  # 5.4%
    data = result.as_json()
    assert data["crossed"] is True and data["start"] == "2023-10-26" and data["end"] == "2023-11-01"
    assert data["longest_outage"]["failed_probes"] == 8
    assert data["description"] == "近 7 天首页探测 148 次，失败 8 次（5.41%），达到 5% 否决线"


def test_other_window_and_threshold():
    probes = week(20, 3)  # 3 failures, all on 10-26
    three = summary(probes, TODAY, days=3)  # 10-30..11-01: none of them
    assert (three.start, three.probes, three.failures) == (date(2023, 10, 30), 60, 0)
    assert summary(probes, TODAY, threshold=0.02).crossed  # 3 / 140 = 2.1%
    assert not summary(probes, TODAY, threshold=0.03).crossed
