"""Dates as Chinese government pages write them, read into ``datetime.date``.

Every date rule of the contract (staleness, expiry, interpretation delay) runs on
``datetime.date``; this module is the one place that turns page text into one, so
that a format learnt once (二〇二三年十月九日, ２０２３年１０月９日, 2023.10.09) is
learnt everywhere. Only complete dates count: "2023年10月" or "10-09" carry no day
or no year, and guessing them would invent staleness.
"""

from __future__ import annotations

import re
from datetime import date

__all__ = ["find_date_spans", "find_dates", "parse_date"]

_CN_DIGIT = {
    "〇": 0,
    "○": 0,
    "零": 0,
    "Ｏ": 0,
    "一": 1,
    "二": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}

# One pass finds every form, so ``find_dates`` returns dates in reading order.
# ``\d`` also matches full-width digits (２０２３, common in text pasted from Word) and
# ``int`` reads them, so no translation pass is needed; full-width separators are listed.
# - numeric with one separator used twice: 2023-10-09, 2023/10/9, 2023.10.09
# - 2023年10月9日 (also 号, spaces allowed around the units, e.g. "2018年 12 月04日")
# - 二〇二三年十月九日 (Chinese numerals, as on the signature line of a 公文)
# The year is limited to 19xx/20xx and digits must not continue on either side, so
# index numbers such as 000014348/2020-35428 or version strings are not read as dates.
_DATE_RE = re.compile(
    r"(?<![\d.．])([12１２][9０0９]\d\d)([-/.－／．])(\d{1,2})\2(\d{1,2})(?!\d)"
    r"|(?<!\d)([12１２][9０0９]\d\d)\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]"
    r"|([〇○零Ｏ一二三四五六七八九]{4})\s*年\s*([一二三四五六七八九十]{1,2})\s*月\s*([一二三四五六七八九十]{1,3})\s*日"
)


def _cn_number(text: str) -> int | None:
    """十 = 10, 十一 = 11, 二十 = 20, 三十一 = 31, 九 = 9 (month and day only)."""
    if "十" not in text:
        return _CN_DIGIT.get(text) if len(text) == 1 else None
    left, _, right = text.partition("十")
    if len(left) > 1 or len(right) > 1:
        return None
    tens = _CN_DIGIT.get(left, -1) if left else 1
    units = _CN_DIGIT.get(right, -1) if right else 0
    if tens < 0 or units < 0:
        return None
    return tens * 10 + units


def _to_date(match: re.Match[str]) -> date | None:
    """Build the date of one match; None for impossible ones (2023-02-30, month 13)."""
    try:
        if match.group(1):
            # the year class admits 1000-2999 shapes (full-width forms): keep 1900-2099
            if not 1900 <= int(match.group(1)) <= 2099:
                return None
            return date(int(match.group(1)), int(match.group(3)), int(match.group(4)))
        if match.group(5):
            if not 1900 <= int(match.group(5)) <= 2099:
                return None
            return date(int(match.group(5)), int(match.group(6)), int(match.group(7)))
        year = 0
        for char in match.group(8):
            year = year * 10 + _CN_DIGIT[char]
        month = _cn_number(match.group(9))
        day = _cn_number(match.group(10))
        if month is None or day is None or year < 1900:
            return None
        return date(year, month, day)
    except ValueError:
        return None


def find_date_spans(text: str) -> list[tuple[int, int, date]]:
    """Every complete, possible date in ``text`` with its (start, end) position."""
    if not text:
        return []
    out = []
    for match in _DATE_RE.finditer(text):
        found = _to_date(match)
        if found is not None:
            out.append((match.start(), match.end(), found))
    return out


def find_dates(text: str) -> list[date]:
    """Every complete, possible date in ``text``, in reading order."""
    return [found for _, _, found in find_date_spans(text)]


def parse_date(text: str | None) -> date | None:
    """The first complete date in ``text`` (a field value such as "2024-07-12 17:33"), or None."""
    if not text:
        return None
    for match in _DATE_RE.finditer(text):
        found = _to_date(match)
        if found is not None:
            return found
    return None
