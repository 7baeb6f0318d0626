"""Validity statements (有效期至…, 自…起施行 + 有效期N年, 试行期, status labels) and 文号,
read from raw text and through ``extract_html`` in each header layout."""

from __future__ import annotations

from datetime import date

import pytest

from crawler.extract.statements import (
    DocNumber,
    end_of_period,
    is_normative_number,
    parse_doc_number,
    read_statements,
)
from govcrawl.model import DocInfo
from tests.crawler.extract_helpers import extract, fixture


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("银兴政规发〔2023〕1号", DocNumber("银兴政规发", 2023, 1)),
        ("兴司规发[2021]12号", DocNumber("兴司规发", 2021, 12)),
        ("宁政办规发（2020）3号", DocNumber("宁政办规发", 2020, 3)),
        ("京政发(2019) 第5号", DocNumber("京政发", 2019, 5)),
        ("兴教规发【2023】2号", DocNumber("兴教规发", 2023, 2)),
        ("国发〔2018〕41号", DocNumber("国发", 2018, 41)),
    ],
)
def test_doc_number_in_every_bracket(text, expected):
    assert parse_doc_number(text) == expected


def test_normative_number_needs_gui_before_the_year():
    assert is_normative_number("银兴政规发〔2023〕1号")
    assert is_normative_number("银兴财规〔2023〕2号")
    assert not is_normative_number("兴司发〔2023〕5号")
    assert not is_normative_number("规划局发〔2023〕5号")  # 规 is not right before the bracket
    assert not is_normative_number("无")
    assert parse_doc_number(None) is None and parse_doc_number("第5号") is None


def test_valid_until_with_and_without_zhi():
    found = read_statements("本办法自2021年7月1日起施行，有效期至2023年6月30日止。")
    assert found.valid_until == date(2023, 6, 30) and found.effective_from == date(2021, 7, 1)
    assert "有效期至" in found.statement
    assert read_statements("有效期至 2025-12-31").valid_until == date(2025, 12, 31)


def test_range_form_gives_both_ends():
    found = read_statements("本规定有效期为2021年1月1日至2025年12月31日。")
    assert found.effective_from == date(2021, 1, 1) and found.valid_until == date(2025, 12, 31)


@pytest.mark.parametrize(
    ("text", "start", "years"),
    [
        ("本办法自2021年9月1日起施行，有效期2年。", date(2021, 9, 1), 2),
        ("本意见自2022年3月1日起实施，有效期为五年。", date(2022, 3, 1), 5),
        ("本细则自二〇二〇年一月一日起执行，有效期限3年。", date(2020, 1, 1), 3),
        ("本办法自2021年7月1日起试行，试行期2年。", date(2021, 7, 1), 2),
        ("本办法自2021年7月1日起施行，暂行两年。", date(2021, 7, 1), 2),
    ],
)
def test_effective_date_and_period(text, start, years):
    found = read_statements(text)
    assert (found.effective_from, found.validity_years, found.valid_until) == (start, years, None)


def test_from_the_day_of_issue_uses_the_header_dates():
    doc = DocInfo(written_on=date(2023, 3, 10), published_on=date(2023, 3, 15))
    assert read_statements("本办法自印发之日起施行，有效期5年。", doc=doc).effective_from == date(2023, 3, 10)
    assert read_statements("自发布之日起施行。", doc=doc).effective_from == date(2023, 3, 15)


def test_status_label_and_provisional_title():
    found = read_statements("", titles=("兴庆区农贸市场管理暂行办法 【已废止】", None))
    assert found.status_label == "已废止" and found.provisional
    assert read_statements("", titles=("关于X的通知【现行有效】",)).status_label == "现行有效"
    assert read_statements("", titles=("关于X的通知",)).status_label is None


def test_no_statement_look_alikes():
    found = read_statements("有效期内的证照可继续使用。2023年10月9日印发。")
    assert (found.valid_until, found.effective_from, found.validity_years) == (None, None, None)


def test_end_of_period_is_the_day_before_the_anniversary():
    assert end_of_period(date(2019, 1, 1), 5) == date(2023, 12, 31)
    assert end_of_period(date(2021, 9, 1), 2) == date(2023, 8, 31)
    assert end_of_period(date(2020, 2, 29), 1) == date(2021, 2, 28)


def _doc_page(header: str, body: str, title: str = "兴庆区停车场建设管理办法") -> str:
    return (f"<html><head><title>{title}</title></head><body>"
            '<div class="crumb">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a> &gt; '
            f'<a href="/zwgk/gfxwj/">行政规范性文件</a></div>{header}<h1>{title}</h1>'
            f'<div class="TRS_Editor"><p>{body}</p></div></body></html>')


TABLE = ('<table><tr><td><b>索 引 号：</b></td><td>11640104/2021-00002</td><td><b>发文字号：</b></td>'
         '<td>银兴政规发〔2021〕3号</td></tr><tr><td><b>成文日期：</b></td><td>2021年08月16日</td>'
         '<td><b>发布日期：</b></td><td>2021年08月20日</td></tr></table>')
DL = ('<dl><dt>索引号：</dt><dd>11640104/2021-00002</dd><dt>文号：</dt><dd>银兴政规发〔2021〕3号</dd>'
      '<dt>成文日期：</dt><dd>2021-08-16</dd></dl>')
P = ('<div><p><strong>索引号</strong>：11640104/2021-00002</p><p><strong>文号</strong>：银兴政规发〔2021〕3号</p>'
     '<p><strong>成文日期</strong>：2021-08-16</p></div>')
SPAN = ('<ul><li><span>索引号：</span><span>11640104/2021-00002</span></li>'
        '<li><span>文号：</span><span>银兴政规发〔2021〕3号</span></li></ul>')


@pytest.mark.parametrize("header", [TABLE, DL, P, SPAN], ids=["table", "dl", "p", "span"])
def test_period_through_extract_html_in_every_layout(header):
    page = extract(_doc_page(header, "本办法自2021年9月1日起施行，有效期2年。"))
    doc = page.doc
    assert doc is not None and doc.doc_number == "银兴政规发〔2021〕3号"
    assert (doc.effective_from, doc.validity_years) == (date(2021, 9, 1), 2)
    assert (doc.valid_until, doc.validity_source) == (date(2023, 8, 31), "施行日期+有效期")


def test_header_field_wins_and_keeps_its_source():
    header = ('<table><tr><th>索引号：</th><td>1/2023-1</td><th>有效期至：</th><td>2028年10月9日</td></tr></table>')
    doc = extract(_doc_page(header, "本规定自2023年11月1日起施行，有效期至2025年1月1日。")).doc
    assert (doc.valid_until, doc.validity_source) == (date(2028, 10, 9), "有效性字段")


def test_gbk_page_with_status_label_in_heading():
    html = _doc_page(DL, "本办法自2020年7月1日起施行，有效期至2022年6月30日。",
                     title="兴庆区农贸市场管理暂行办法")
    html = html.replace("暂行办法</h1>", '暂行办法 <span class="yxx-label">【已废止】</span></h1>')
    html = html.replace("<head>", '<head><meta http-equiv="Content-Type" content="text/html; charset=gbk">')
    page = extract(html.encode("gbk"), content_type="text/html", encoding="gbk")
    doc = page.doc
    assert page.encoding and page.encoding.lower() in ("gbk", "gb18030", "gb2312")
    assert doc.status_label == "已废止" and doc.provisional
    assert (doc.valid_until, doc.validity_source) == (date(2022, 6, 30), "有效期至")


def test_page_without_header_gets_no_statements():
    page = extract("<html><body><h1>要闻</h1><p>本办法自2021年9月1日起施行，有效期2年。</p></body></html>")
    assert page.doc is None


def test_real_provisional_measure_has_a_start_but_no_end():
    page = fixture("govcn-2018-guofa-41-zanxing-banfa.fragment.html",
                   "http://www.gov.cn/zhengce/content/2018-12/22/content_5351181.htm")
    doc = page.doc
    assert doc.doc_number == "国发〔2018〕41号" and doc.provisional
    assert doc.effective_from == date(2019, 1, 1)
    assert doc.validity_years is None and doc.valid_until is None and doc.validity_source is None


def test_own_clause_wins_over_quoted_acts_and_licences():
    text = ("根据《宁夏回族自治区物业管理条例》（自2018年1月1日起施行），制定本办法。"
            "取得的许可证有效期至2020年12月31日。"
            "本办法自2022年3月1日起施行，有效期5年。")
    found = read_statements(text)
    assert (found.effective_from, found.validity_years, found.valid_until) == (date(2022, 3, 1), 5, None)
    assert found.statement.startswith("本办法")


def test_licence_period_alone_is_not_the_documents():
    found = read_statements("经营许可证有效期至2020年12月31日，有效期3年。")
    assert (found.valid_until, found.validity_years) == (None, None)


def test_period_in_a_header_field():
    doc = DocInfo(raw={"有效期": "5年"})
    found = read_statements("自2019年1月1日起施行。", doc=doc)
    assert (found.effective_from, found.validity_years) == (date(2019, 1, 1), 5)
