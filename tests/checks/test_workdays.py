"""Working days: the 3-working-day rule for interpretations depends on holidays and 调休 being right."""

from datetime import date, datetime, timedelta

import chinese_calendar
import pytest

from checks.workdays import UnknownCalendarYear, WorkdayCalendar, package_years
from govcrawl.config import ConfigError

CAL = WorkdayCalendar.from_settings(None)
D = date

FAKE_2027 = {
    "calendar": {
        "2027": {
            # New Year (Fri) and a made-up Spring Festival Thu 02-04 .. Wed 02-10, made up on Sat 02-13.
            "holidays": ["2027-01-01", "2027-02-04", "2027-02-05", "2027-02-08", "2027-02-09", "2027-02-10"],
            "workdays": ["2027-02-13"],
        }
    }
}


def test_package_range_is_read_from_the_data():
    first, last = package_years()
    assert first == 2004 and last >= 2026
    assert CAL.knows(first) and CAL.knows(last)
    assert not CAL.knows(first - 1) and not CAL.knows(last + 1)


def test_national_day_and_mid_autumn_2023():
    # 09-29 .. 10-06 off; Saturday 10-07 and Sunday 10-08 are make-up working days.
    assert [CAL.is_workday(D(2023, 9, 28) + timedelta(days=i)) for i in range(12)] == [
        True, False, False, False, False, False, False, False, False, True, True, True,
    ]
    assert CAL.working_days_after(D(2023, 9, 28), D(2023, 10, 9)) == 3
    assert CAL.working_days_after(D(2023, 10, 6), D(2023, 10, 9)) == 3  # 10-07, 10-08, 10-09
    assert CAL.working_days_after(D(2023, 9, 27), D(2023, 10, 9)) == 4  # plus 09-28: late
    assert not CAL.more_than(D(2023, 9, 28), D(2023, 10, 9), 3)
    assert CAL.more_than(D(2023, 9, 27), D(2023, 10, 9), 3)


def test_spring_festival_2023():
    # 01-21 .. 01-27 off; Saturday 01-28 and Sunday 01-29 worked.
    assert not any(CAL.is_workday(D(2023, 1, d)) for d in range(21, 28))
    assert CAL.is_workday(D(2023, 1, 28)) and CAL.is_workday(D(2023, 1, 29))
    assert CAL.working_days_after(D(2023, 1, 20), D(2023, 1, 27)) == 0
    assert CAL.working_days_after(D(2023, 1, 20), D(2023, 1, 30)) == 3  # 01-28, 01-29, 01-30
    assert CAL.working_days_after(D(2023, 1, 19), D(2023, 1, 31)) == 5  # 01-20 too


def test_labour_day_2023():
    # 04-29 .. 05-03 off; Sunday 04-23 and Saturday 05-06 worked.
    assert CAL.is_workday(D(2023, 4, 23)) and CAL.is_workday(D(2023, 5, 6))
    assert not any(CAL.is_workday(D(2023, 4, 29) + timedelta(days=i)) for i in range(5))
    assert CAL.working_days_after(D(2023, 4, 21), D(2023, 4, 24)) == 2  # Sun 04-23 and Mon 04-24
    assert CAL.working_days_after(D(2023, 4, 28), D(2023, 5, 6)) == 3  # 05-04, 05-05, Sat 05-06
    assert CAL.working_days_after(D(2023, 4, 28), D(2023, 5, 7)) == 3  # Sunday 05-07 is off


def test_plain_weekend_gaps():
    friday = D(2023, 3, 3)
    assert CAL.working_days_after(friday, D(2023, 3, 8)) == 3  # Wednesday: on time
    assert CAL.working_days_after(friday, D(2023, 3, 9)) == 4  # Thursday: late
    assert CAL.working_days_after(friday, D(2023, 3, 5)) == 0  # the weekend itself
    assert CAL.working_days_after(D(2023, 3, 6), D(2023, 3, 7)) == 1


def test_year_boundary():
    # 2022-12-30 Fri; 12-31 and 01-01 weekend; 2023-01-02 New Year holiday (Mon).
    assert not CAL.is_workday(D(2023, 1, 2))
    assert CAL.working_days_after(D(2022, 12, 30), D(2023, 1, 4)) == 2  # 01-03, 01-04
    assert CAL.working_days_after(D(2022, 12, 29), D(2023, 1, 4)) == 3
    assert CAL.working_days_after(D(2022, 12, 31), D(2023, 1, 3)) == 1


def test_zero_and_negative_spans():
    assert CAL.working_days_after(D(2023, 3, 6), D(2023, 3, 6)) == 0
    assert CAL.working_days_after(D(2023, 3, 9), D(2023, 3, 6)) == 0
    assert not CAL.more_than(D(2023, 3, 9), D(2023, 3, 6), 0)
    assert CAL.more_than(D(2023, 3, 9), D(2023, 3, 6), -1)  # 0 > -1, as the definition says
    # Even in an unknown year nothing is needed for an empty span.
    assert CAL.working_days_after(D(2030, 5, 5), D(2030, 5, 1)) == 0


def test_datetimes_count_as_their_date():
    assert CAL.is_workday(datetime(2023, 10, 7, 9, 30))
    assert CAL.working_days_after(datetime(2023, 10, 6, 23, 0), datetime(2023, 10, 9, 8, 0)) == 3


def test_configured_year_is_used():
    cal = WorkdayCalendar.from_settings(FAKE_2027)
    assert cal.configured_years == {2027}
    assert not cal.is_workday(D(2027, 1, 1))  # a Friday holiday
    assert cal.is_workday(D(2027, 1, 4))  # an ordinary Monday
    assert cal.is_workday(D(2027, 2, 13))  # a Saturday make-up day
    assert not cal.is_workday(D(2027, 2, 14))  # an ordinary Sunday
    assert cal.working_days_after(D(2027, 2, 3), D(2027, 2, 15)) == 4  # 02-11, 02-12, Sat 02-13, Mon 02-15
    assert cal.working_days_after(D(2026, 12, 31), D(2027, 1, 5)) == 2  # across package -> config
    assert cal.nth_workday_after(D(2027, 2, 3), 3) == D(2027, 2, 13)


def test_int_keys_and_date_objects_are_accepted():
    cal = WorkdayCalendar.from_settings({"calendar": {2027: {"holidays": [D(2027, 1, 1)], "workdays": []}}})
    assert not cal.is_workday(D(2027, 1, 1)) and cal.is_workday(D(2027, 1, 4))
    assert WorkdayCalendar.from_settings({"calendar": None}).configured_years == frozenset()
    assert WorkdayCalendar.from_settings({}).configured_years == frozenset()


def test_configured_year_overrides_the_package():
    # An office correcting 2023: Monday 03-06 off, and no make-up days at all.
    cal = WorkdayCalendar.from_settings({"calendar": {"2023": {"holidays": ["2023-03-06"], "workdays": []}}})
    assert not cal.is_workday(D(2023, 3, 6))
    assert not cal.is_workday(D(2023, 10, 7))  # the package's make-up day is gone
    assert cal.is_workday(D(2023, 10, 2))  # and its holiday too: the config replaces the whole year
    assert cal.working_days_after(D(2023, 3, 3), D(2023, 3, 8)) == 2
    assert CAL.working_days_after(D(2023, 3, 3), D(2023, 3, 8)) == 3  # other calendars unaffected
    assert cal.is_workday(D(2022, 12, 30)) and not cal.is_workday(D(2022, 10, 3))  # 2022 still the package's


def test_unknown_year_error():
    with pytest.raises(UnknownCalendarYear) as caught:
        CAL.is_workday(D(2031, 3, 3))
    err = caught.value
    assert isinstance(err, ConfigError)
    assert err.year == 2031
    message = str(err)
    assert "\n" not in message
    assert "2031" in message and 'calendar."2031"' in message and "holidays" in message and "workdays" in message
    first, last = package_years()
    assert f"{first}–{last}" in message

    cal = WorkdayCalendar.from_settings({}, key_path="sites.demo.calendar")
    with pytest.raises(ConfigError, match=r'sites\.demo\.calendar\."2031"'):
        cal.working_days_after(D(2031, 3, 1), D(2031, 3, 3))


def test_unknown_year_raised_only_when_a_day_of_it_is_needed():
    first, last = package_years()
    # The start day itself is never counted, so 12-31 of an unknown year is not needed.
    assert CAL.working_days_after(D(first - 1, 12, 31), D(first, 1, 1)) == CAL.is_workday(D(first, 1, 1))
    with pytest.raises(UnknownCalendarYear) as caught:
        CAL.working_days_after(D(last, 12, 30), D(last + 1, 1, 1))
    assert caught.value.year == last + 1
    with pytest.raises(UnknownCalendarYear) as caught:
        CAL.working_days_after(D(first - 1, 12, 30), D(first, 1, 5))
    assert caught.value.year == first - 1


def test_from_settings_rejects_bad_values():
    cases = [
        ({"2027": {"holidays": ["2027-01-01", "2027-02-30"]}}, r'calendar\."2027"\.holidays\[1\]'),
        ({"2027": {"workdays": ["next monday"]}}, r'calendar\."2027"\.workdays\[0\]'),
        ({"2027": {"holidays": [20270101]}}, r'calendar\."2027"\.holidays\[0\]'),
        ({"2027": {"holidays": ["2028-01-01"]}}, r'calendar\."2027"\.holidays\[0\].*2027'),
        ({"2027": {"holidays": "2027-01-01"}}, r'calendar\."2027"\.holidays'),
        ({"2027": {"holidays": ["2027-01-01"], "workdays": ["2027-01-01"]}}, r'calendar\."2027".*2027-01-01'),
        ({"next": {"holidays": []}}, r"calendar"),
        ({"2027": {}, 2027: {}}, r'calendar\."2027"'),
        (["2027-01-01"], r"calendar"),
    ]
    for raw, pattern in cases:
        with pytest.raises(ConfigError, match=pattern):
            WorkdayCalendar.from_settings({"calendar": raw})
    with pytest.raises(ConfigError, match=r'sites\.demo\.calendar\."2027"\.holidays\[0\]'):
        WorkdayCalendar.from_settings({"calendar": {"2027": {"holidays": ["1/1/2027"]}}},
                                      key_path="sites.demo.calendar")


def test_more_than_decides_long_spans_without_the_calendar():
    first, last = package_years()
    assert CAL.more_than(D(first - 1, 6, 1), D(last, 6, 30), 3)  # a 2003 document checked in 2026
    assert CAL.more_than(D(2031, 1, 1), D(2031, 1, 31), 10)  # 30 days, all of an unknown year
    with pytest.raises(UnknownCalendarYear):
        CAL.more_than(D(2031, 3, 2), D(2031, 3, 9), 3)  # a week inside an unknown year is counted
    with pytest.raises(UnknownCalendarYear):
        CAL.more_than(D(2031, 1, 1), D(2031, 3, 9), 20)  # the bound only covers limit <= 10
    assert CAL.more_than(D(2023, 9, 1), D(2023, 10, 31), 37)  # counted exactly: 19 + 19 working days
    assert not CAL.more_than(D(2023, 9, 1), D(2023, 10, 31), 38)


def test_nth_workday_after_over_national_day_2023():
    assert CAL.nth_workday_after(D(2023, 9, 27), 1) == D(2023, 9, 28)
    assert CAL.nth_workday_after(D(2023, 9, 27), 2) == D(2023, 10, 7)
    assert CAL.nth_workday_after(D(2023, 9, 27), 3) == D(2023, 10, 8)
    assert CAL.nth_workday_after(D(2023, 9, 28), 3) == D(2023, 10, 9)
    assert CAL.nth_workday_after(D(2023, 10, 6), 3) == D(2023, 10, 9)
    for start in (D(2023, 9, 27), D(2023, 9, 30), D(2022, 12, 30)):
        for n in (1, 3, 10):
            assert CAL.working_days_after(start, CAL.nth_workday_after(start, n)) == n
    with pytest.raises(ValueError):
        CAL.nth_workday_after(D(2023, 9, 27), 0)


def test_agrees_with_chinese_calendar_day_by_day():
    first, last = package_years()
    day, end = D(first, 1, 1), D(last, 12, 31)
    naive = [0]  # naive[i]: working days among the first i days from D(first, 1, 1)
    while day <= end:
        assert CAL.is_workday(day) == chinese_calendar.is_workday(day), day
        naive.append(naive[-1] + chinese_calendar.is_workday(day))
        day += timedelta(days=1)

    def reference(start: date, stop: date) -> int:
        origin = D(first, 1, 1)
        return naive[(stop - origin).days + 1] - naive[(start - origin).days + 1]

    assert CAL.working_days_after(D(2005, 1, 1), D(2026, 6, 30)) == reference(D(2005, 1, 1), D(2026, 6, 30))
    step = timedelta(days=97)
    start = D(first, 1, 1)
    while start < end:
        for length in (0, 1, 3, 6, 12, 45, 400, 3000):
            stop = min(start + timedelta(days=length), end)
            assert CAL.working_days_after(start, stop) == reference(start, stop), (start, stop)
        start += step
