"""Mainland-China working days, for deadlines written in 工作日 (working days).

Plan item 10 asks that a policy interpretation (政策解读) be published within 3
working days of the document it explains. The contract defines "late" as: the
number of working days d with ``doc_date < d <= interpretation_date`` is greater
than 3. A calendar-day count would be wrong around holidays in both directions:
the National Day week of 2023 (09-29..10-06 off) makes 11 calendar days only 3
working days, and the make-up working days (调休, e.g. Saturday 2023-10-07 and
Sunday 2023-10-08) *are* working days although they fall on a weekend.

The official calendar (the State Council's yearly 放假安排 notice) is taken from
the ``chinese-calendar`` package (https://github.com/LKI/chinese-calendar),
which records every public holiday and make-up working day it knows; the range
of years it knows is read from its data, not written here. For other years, and
to correct a year the package has wrong, a site's config supplies lists under
``calendar``::

    calendar:
      "2027": {holidays: ["2027-01-01", ...], workdays: ["2027-02-07", ...]}

A configured year replaces the package's data for that whole year. A date of a
year that neither knows is never guessed from weekends alone (that would call a
Spring Festival week "on time" or "late" at random): asking for it raises
``UnknownCalendarYear``, a ``ConfigError``, whose message says what to configure.

Counting is done from per-year prefix sums, built once per year and cached, so a
span of twenty years costs a few additions; this runs for thousands of documents.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta
from functools import cache
from itertools import accumulate

import chinese_calendar

from govcrawl.config import ConfigError

# ``more_than`` may answer without the calendar when the span is long enough that
# the answer cannot be "no". The longest run of consecutive non-working days in
# the package's data (2004-2026) is 10 days (Spring Festival 2020, extended to
# 2020-02-02 because of COVID-19); the fewest working days in any 30 consecutive
# calendar days of that data is 15. A 30-day span therefore has more than 10
# working days with a wide margin: it would take about 20 non-working days in a
# 30-day window, twice the longest break ever declared, for the bound to fail.
SAFE_SPAN_DAYS = 30
SAFE_LIMIT = 10

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class UnknownCalendarYear(ConfigError):
    """A working-day count needs a year neither chinese-calendar nor the config knows.

    A ``ConfigError`` so the CLI exits with status 2 and prints the message,
    which tells the operator which key to fill in.
    """

    def __init__(self, year: int, key_path: str = "calendar") -> None:
        self.year = year
        self.key_path = key_path
        first, last = package_years()
        super().__init__(
            f"工作日历不含 {year} 年：chinese-calendar 只收录 {first}–{last} 年的节假日和调休；"
            f'请在 {key_path}."{year}" 中配置 holidays（放假日期）与 workdays（调休上班日期）'
        )


@cache
def package_years() -> tuple[int, int]:
    """First and last year chinese-calendar has data for, read from its own tables.

    The package itself validates against ``min``/``max`` of its ``holidays``
    keys; we do the same (including ``workdays``) so we never ask it about a
    year it would reject with ``NotImplementedError``.
    """
    years = {d.year for d in chinese_calendar.holidays} | {d.year for d in chinese_calendar.workdays}
    return min(years), max(years)


class _Year:
    """One year's working-day flags and prefix counts.

    ``prefix[i]`` is the number of working days among the first ``i`` days of
    the year, so the count over day indexes ``a..b`` (inclusive) is
    ``prefix[b + 1] - prefix[a]``.
    """

    __slots__ = ("flags", "prefix")

    def __init__(self, year: int, holidays: Iterable[date], workdays: Iterable[date]) -> None:
        off, on = set(holidays), set(workdays)
        jan1 = date(year, 1, 1)
        length = (date(year + 1, 1, 1) - jan1).days
        flags = bytearray(length)
        for i in range(length):
            day = jan1 + timedelta(days=i)
            flags[i] = day in on or (day.weekday() < 5 and day not in off)
        self.flags = bytes(flags)
        self.prefix = tuple(accumulate(self.flags, initial=0))

    @property
    def total(self) -> int:
        return self.prefix[-1]


@cache
def _package_year(year: int) -> _Year:
    """A year from chinese-calendar, shared by every calendar (the data never changes)."""
    return _Year(
        year,
        (d for d in chinese_calendar.holidays if d.year == year),
        (d for d in chinese_calendar.workdays if d.year == year),
    )


def _day_index(day: date) -> int:
    return day.timetuple().tm_yday - 1


def _as_date(day: date) -> date:
    """A ``datetime`` compares unequal to the ``date`` of the same day; use the date."""
    return day.date() if isinstance(day, datetime) else day


class WorkdayCalendar:
    """Working days of mainland China: chinese-calendar, overridden per year by config."""

    def __init__(self, configured: Mapping[int, tuple[frozenset[date], frozenset[date]]] | None = None,
                 key_path: str = "calendar") -> None:
        """``configured`` maps a year to its (holidays, workdays); ``key_path`` is used in errors."""
        self.key_path = key_path
        self._configured = dict(configured or {})
        self._years: dict[int, _Year] = {}

    @classmethod
    def from_settings(cls, settings: Mapping | None, key_path: str = "calendar") -> WorkdayCalendar:
        """Build from a site's settings (plain data); reads ``settings["calendar"]``.

        Years may be given as ``int`` or ``str``; dates as ISO ``YYYY-MM-DD``
        strings or ``date`` objects. A value that is not a date, or a date
        outside its year, or a date listed both as holiday and workday, is a
        ``ConfigError`` naming the key (``calendar."2027".holidays[3]``),
        because a silently dropped date would shift every deadline near it.
        """
        raw = (settings or {}).get("calendar") or {}
        if not isinstance(raw, Mapping):
            raise ConfigError(f"{key_path} 应为按年份列出 holidays 与 workdays 的映射，而不是 {type(raw).__name__}")
        configured: dict[int, tuple[frozenset[date], frozenset[date]]] = {}
        for key, entry in raw.items():
            year = _parse_year(key, key_path)
            where = f'{key_path}."{year}"'
            if year in configured:
                raise ConfigError(f"{where} 重复配置（年份写成了不同形式）")
            if entry is None:
                entry = {}
            if not isinstance(entry, Mapping):
                raise ConfigError(f"{where} 应包含 holidays 与 workdays 两个日期列表")
            holidays = _parse_dates(entry.get("holidays"), year, f"{where}.holidays")
            workdays = _parse_dates(entry.get("workdays"), year, f"{where}.workdays")
            both = holidays & workdays
            if both:
                first = min(both).isoformat()
                raise ConfigError(f"{where}：{first} 同时列在 holidays 与 workdays 中")
            configured[year] = (holidays, workdays)
        return cls(configured, key_path)

    @property
    def configured_years(self) -> frozenset[int]:
        """Years whose data comes from the config (they override the package)."""
        return frozenset(self._configured)

    def knows(self, year: int) -> bool:
        """Whether working days of ``year`` can be answered (config or package)."""
        first, last = package_years()
        return year in self._configured or first <= year <= last

    def _year(self, year: int) -> _Year:
        table = self._years.get(year)
        if table is None:
            if year in self._configured:
                table = _Year(year, *self._configured[year])
            elif self.knows(year):
                table = _package_year(year)
            else:
                raise UnknownCalendarYear(year, self.key_path)
            self._years[year] = table
        return table

    def is_workday(self, day: date) -> bool:
        """Whether ``day`` is a working day (weekday not on holiday, or a make-up working day)."""
        day = _as_date(day)
        return bool(self._year(day.year).flags[_day_index(day)])

    def working_days_after(self, start: date, end: date) -> int:
        """Number of working days d with ``start < d <= end``; 0 when ``end <= start``.

        ``start`` itself is never counted (the contract counts from the day after
        the document), so only years holding a day of ``start+1 .. end`` are
        consulted; an unknown year among them raises ``UnknownCalendarYear``.
        """
        start, end = _as_date(start), _as_date(end)
        if end <= start:
            return 0
        first = start + timedelta(days=1)
        a, b = _day_index(first), _day_index(end)
        if first.year == end.year:
            table = self._year(end.year)
            return table.prefix[b + 1] - table.prefix[a]
        head = self._year(first.year)
        count = head.total - head.prefix[a]
        for year in range(first.year + 1, end.year):
            count += self._year(year).total
        return count + self._year(end.year).prefix[b + 1]

    def more_than(self, start: date, end: date, limit: int) -> bool:
        """``working_days_after(start, end) > limit``, without the calendar when it must be true.

        For ``limit <= SAFE_LIMIT`` (10) a span of ``SAFE_SPAN_DAYS`` (30) or
        more calendar days always has more than ``limit`` working days (see the
        note on the constants: the longest break ever declared is 10 days and
        every 30-day window of 2004-2026 has at least 15 working days). So a
        2003 document interpreted in 2026 is late without needing a 2003
        calendar; shorter spans are counted exactly and may raise.
        """
        start, end = _as_date(start), _as_date(end)
        if limit <= SAFE_LIMIT and (end - start).days >= SAFE_SPAN_DAYS:
            return True
        return self.working_days_after(start, end) > limit

    def nth_workday_after(self, start: date, n: int) -> date:
        """The ``n``-th working day after ``start`` (``n >= 1``): the last day of "within n working days".

        An act done on or before this date is on time, i.e.
        ``working_days_after(start, nth_workday_after(start, n)) == n``.
        """
        if n < 1:
            raise ValueError(f"n must be at least 1, not {n}")
        day = _as_date(start)
        while n:
            day += timedelta(days=1)
            if self.is_workday(day):
                n -= 1
        return day


def _parse_year(key: object, key_path: str) -> int:
    if isinstance(key, bool) or not isinstance(key, int | str) or not re.fullmatch(r"\d{4}", str(key).strip()):
        raise ConfigError(f"{key_path} 的键应为四位年份（如 \"2027\"），而不是 {key!r}")
    return int(str(key).strip())


def _parse_dates(values: object, year: int, where: str) -> frozenset[date]:
    if values is None:
        return frozenset()
    if isinstance(values, str | bytes) or not isinstance(values, Iterable):
        raise ConfigError(f"{where} 应为日期列表（YYYY-MM-DD），而不是 {values!r}")
    days = set()
    for i, value in enumerate(values):
        if isinstance(value, datetime):
            day = value.date()
        elif isinstance(value, date):
            day = value
        elif isinstance(value, str) and _ISO_DATE.fullmatch(value.strip()):
            try:
                day = date.fromisoformat(value.strip())
            except ValueError:
                raise ConfigError(f"{where}[{i}] 不是有效日期：{value!r}（应为 YYYY-MM-DD）") from None
        else:
            raise ConfigError(f"{where}[{i}] 不是有效日期：{value!r}（应为 YYYY-MM-DD）")
        if day.year != year:
            raise ConfigError(f"{where}[{i}] 的日期 {day.isoformat()} 不属于 {year} 年")
        days.add(day)
    return frozenset(days)
