"""The 信息公开 header in every layout seen on portals, and the look-alikes it must ignore."""

from __future__ import annotations

from datetime import date

from tests.crawler.extract_helpers import extract

TH_TD_TABLE = """
<div class="xxgk_table"><table>
<tr><th>索引号：</th><td>11640100/2023-00012</td><th>发布机构：</th><td>兴庆区司法局</td></tr>
<tr><th>有效性：</th><td>有效</td><th>是否规范性文件：</th><td>是</td></tr>
<tr><th>文号：</th><td>银兴政规发〔2023〕1号</td><th>有效期至：</th><td>2028年10月9日</td></tr>
<tr><th>成文日期：</th><td>2023-10-08</td><th>发布日期：</th><td>2023-10-09</td></tr>
</table></div>
<div class="TRS_Editor"><p>发布日期：2020年1月1日</p><p>本规定自2023年11月1日起施行，有效期5年。</p></div>
"""


def test_th_td_table_all_fields():
    doc = extract(TH_TD_TABLE).doc
    assert doc is not None
    assert doc.index_no == "11640100/2023-00012"
    assert doc.publisher == "兴庆区司法局"
    assert doc.validity == "有效"
    assert doc.normative_field == "是"
    assert doc.doc_number == "银兴政规发〔2023〕1号"
    assert doc.valid_until == date(2028, 10, 9)
    assert doc.written_on == date(2023, 10, 8)
    assert doc.published_on == date(2023, 10, 9)


def test_prose_in_the_article_does_not_override_the_header():
    page = extract(TH_TD_TABLE)
    assert page.doc.published_on == date(2023, 10, 9)
    assert page.published_on == date(2023, 10, 9)
    assert page.doc.raw["发布日期"] == "2023-10-09"


def test_prose_after_the_header_outside_the_article_does_not_override_it():
    html = """<div class="content"><p><strong>发布日期</strong>：2023-10-09</p>
    <p>说明：发布日期：2019-01-01 的旧版同时作废，来源：旧系统。</p></div>"""
    page = extract(html)
    assert page.published_on == date(2023, 10, 9)
    assert page.doc.source is None  # "来源：" in the middle of a sentence is not a field


def test_empty_validity_cell_stays_empty():
    html = """<table><tr><td>时效性：</td><td></td><td>发布机构：</td><td>市教育局</td></tr></table>"""
    doc = extract(html).doc
    assert doc.validity is None
    assert doc.raw["时效性"] == ""
    assert doc.publisher == "市教育局"


def test_definition_list_with_spaced_labels_and_chinese_numerals():
    html = """<dl class="info"><dt>索 引 号：</dt><dd>000014349/2023-00001</dd>
    <dt>成文日期：</dt><dd>二〇二三年十月九日</dd><dt>时　效　性：</dt><dd>失效</dd>
    <dt>发布日期：</dt><dd>2023年10月10日</dd></dl>"""
    doc = extract(html).doc
    assert doc.index_no == "000014349/2023-00001"
    assert doc.written_on == date(2023, 10, 9)
    assert doc.validity == "失效"
    assert doc.published_on == date(2023, 10, 10)


def test_label_value_spans_without_colon():
    html = """<ul class="xxgk-info">
    <li><span class="label">索引号</span><span class="value">11640100/2023-00012</span></li>
    <li><span class="label">发文字号</span><span class="value">银兴政发〔2023〕5号</span></li>
    <li><div class="l">发布日期</div><div class="v">2023-10-10</div></li></ul>"""
    doc = extract(html).doc
    assert doc.index_no == "11640100/2023-00012"
    assert doc.doc_number == "银兴政发〔2023〕5号"
    assert doc.published_on == date(2023, 10, 10)


def test_strong_label_paragraphs_trs_layout():
    html = """<div class="container content"><div class="top cf">
    <p><strong>索引号</strong>：000014348/2020-35147</p><p><strong>发布机构</strong>：邯郸市教育局</p>
    <p><strong>文号</strong>：无</p><p><strong>有效期</strong>：</p><p style="height: 40px;"></p>
    </div></div>"""
    doc = extract(html).doc
    assert doc.index_no == "000014348/2020-35147"
    assert doc.publisher == "邯郸市教育局"
    assert doc.doc_number is None
    assert doc.raw["有效期"] == ""
    assert doc.valid_until is None


def test_one_line_news_bar_splits_fields():
    html = """<h1>关于开展安全检查的通知</h1>
    <div class="article-info">发布时间：2023-10-09 10:30 信息来源：兴庆区应急管理局 作者：张三 【字体：大 中 小】</div>"""
    page = extract(html)
    assert page.doc.source == "兴庆区应急管理局"
    assert page.doc.raw["作者"] == "张三"
    assert page.doc.published_on == date(2023, 10, 9)  # 发布时间 stands in when there is no 发布日期
    assert page.published_on == date(2023, 10, 9)


def test_spans_inside_one_line():
    html = """<div class="info"><span>发布时间：2023-10-09</span><span>来源：市司法局</span><span>浏览次数：</span></div>"""
    doc = extract(html).doc
    assert doc.source == "市司法局"
    assert doc.raw["浏览次数"] == ""


def test_colon_less_dated_label():
    doc = extract("<p>有效期至2025年12月31日</p>").doc
    assert doc.valid_until == date(2025, 12, 31)


def test_navigation_item_named_like_a_label_is_not_a_field():
    html = """<div class="nav"><ul><li><a href="/gfxwj/">规范性文件</a></li><li><a href="/zcjd/">政策解读</a></li>
    <li><a href="/wh/">文号</a></li><li><a href="/x/">其他</a></li></ul></div><p>正文</p>"""
    assert extract(html).doc is None


def test_list_table_header_row_is_not_a_header_block():
    html = """<table><tr><th>名称</th><th>索引号</th><th>发布机构</th><th>发布日期</th></tr>
    <tr><td><a href="/a/1.html">关于某事的通知</a></td><td>000014348/2020-35428</td><td>市教育局</td>
    <td>2020-08-05</td></tr></table>"""
    assert extract(html, url="http://www.xq.gov.cn/a/").doc is None


def test_list_table_with_status_column_after_a_label():
    html = """<table><tr><th>序号</th><th>标题</th><th>状态</th><th>发布日期</th></tr>
    <tr><td>1</td><td><a href="/a/1.html">关于某事的通知</a></td><td>有效</td><td>2020-08-05</td></tr></table>"""
    page = extract(html, url="http://www.xq.gov.cn/a/")
    # "发布日期" then a title is no date: the pair is dropped instead of stored wrong
    assert page.doc is None


def test_date_next_to_the_title_when_there_is_no_field():
    html = """<h1>兴庆区召开安全生产工作会议</h1><div class="time">2023-10-09 16:20</div>
    <div class="TRS_Editor"><p>2019年5月1日，……</p></div>"""
    page = extract(html)
    assert page.doc is None
    assert page.published_on == date(2023, 10, 9)


def test_date_inside_the_article_is_not_the_page_date():
    html = """<h1>兴庆区召开安全生产工作会议</h1><div class="TRS_Editor"><p>2019年5月1日，……</p></div>"""
    assert extract(html).published_on is None


def test_pubdate_meta_when_there_is_no_field():
    html = """<html><head><meta name="PubDate" content="2024-07-12 17:33"></head>
    <body><h1>标题</h1><p>2020-01-01</p></body></html>"""
    assert extract(html).published_on == date(2024, 7, 12)


def test_field_wins_over_pubdate_meta():
    html = """<html><head><meta name="PubDate" content="2024-07-12"></head>
    <body><p>发布日期：2024-07-10</p></body></html>"""
    assert extract(html).published_on == date(2024, 7, 10)


def test_old_template_title_in_font_bold_above_the_info_bar():
    html = """<table><tr><td>您现在的位置：<a href="/">首页</a> &gt;&gt; <a href="/zwgk/zdly/">重点领域信息公开</a></td></tr></table>
    <table><tr><td align="center"><font size="4"><b>兴庆区2023年保障性住房分配情况公开</b></font></td></tr>
    <tr><td align="center">发布日期：2023-06-20　信息来源：兴庆区人民政府办公室</td></tr>
    <tr><td><p>现将2023年保障性住房分配情况公开如下。</p></td></tr></table>"""
    page = extract(html)
    assert page.heading == "兴庆区2023年保障性住房分配情况公开"
    assert page.published_on == date(2023, 6, 20)
    assert page.doc.source == "兴庆区人民政府办公室"
    assert page.breadcrumb == ["首页", "重点领域信息公开"]
    assert page.column == "重点领域信息公开"


def test_header_showing_todays_date_is_not_the_page_date():
    html = """<div class="header"><h1 class="logo">兴庆区人民政府</h1><div class="today">2023年11月01日 星期三</div></div>
    <div class="main"><h1>兴庆区召开会议</h1><p>会议指出……</p></div>"""
    page = extract(html)
    assert page.published_on is None
    assert page.heading == "兴庆区召开会议"


def test_page_furniture_labels_alone_make_no_docinfo():
    assert extract("<div class='tools'>字体：大 中 小 浏览次数：12 作者：张三</div>").doc is None
