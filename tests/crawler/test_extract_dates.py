"""``crawler.extract.dates``: every date form real pages print, and what is not a date."""

from __future__ import annotations

from datetime import date

import pytest

from crawler.extract.dates import find_date_spans, find_dates, parse_date


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2023年10月9日", date(2023, 10, 9)),
        ("2023-10-09", date(2023, 10, 9)),
        ("2023/10/9", date(2023, 10, 9)),
        ("2023.10.09", date(2023, 10, 9)),
        ("2023年08月02日", date(2023, 8, 2)),
        ("2020年08月02日", date(2020, 8, 2)),  # 邯郸 PubDate meta
        ("2024-07-12 17:33", date(2024, 7, 12)),  # nfra.gov.cn PubDate meta
        ("二〇二三年十月九日", date(2023, 10, 9)),
        ("二〇一八年十二月三十一日", date(2018, 12, 31)),
        ("二○一九年一月二十二日", date(2019, 1, 22)),  # ○ (white circle) typed for 〇
        ("２０２３年１０月９日", date(2023, 10, 9)),  # full-width digits pasted from Word
        ("2018年 12 月04日", date(2018, 12, 4)),  # spaces from <span> boundaries
        ("发布时间：2023-10-09 10:30:00", date(2023, 10, 9)),
        ("本办法自2019年1月1日起施行。", date(2019, 1, 1)),
    ],
)
def test_parse_date_reads_real_forms(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "2023-02-30",  # impossible day
        "2023-13-01",  # impossible month
        "2023年10月",  # no day
        "10-09",  # no year
        "000014348/2020-35428",  # 索引号, not a date
        "2023-10/09",  # mixed separators
        "1899-12-31",  # outside 1900-2099
        "二〇二三年十三月一日",
        "",
        None,
    ],
)
def test_parse_date_rejects(text):
    assert parse_date(text) is None


def test_find_dates_in_reading_order_with_spans():
    text = "成文日期：2018年12月04日 发布日期：2018-12-20 索引号：000014349/2018-00216"
    assert find_dates(text) == [date(2018, 12, 4), date(2018, 12, 20)]
    spans = find_date_spans(text)
    assert [text[start:end] for start, end, _ in spans] == ["2018年12月04日", "2018-12-20"]
