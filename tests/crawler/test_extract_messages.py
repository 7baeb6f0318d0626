"""Public messages (政民互动) read from message-board pages: the four layouts real boards use,
GBK and UTF-8, the look-alikes that must yield nothing, masking, and the demo board over HTTP.

The snippets are written here after the wording of real boards (领导信箱 / 区长信箱 detail
tables, 留言选登 question/answer blocks, 12345 工单 list tables, 网上咨询 li lists).
"""

from __future__ import annotations

import urllib.request
from datetime import date

import pytest

import crawler.extract.messages as messages_module
from crawler.extract.messages import limit_phrase, replied_from_status
from crawler.extract.privacy import scan_html
from govcrawl.model import MessageFact
from tests.crawler.extract_helpers import extract

BOARD = "http://www.xq.gov.cn/hdjl/ldxx/"


def page_html(body: str, *, title: str = "区长信箱_兴庆区人民政府", crumb: str = "互动交流 &gt; 区长信箱",
              charset: str = "utf-8", nav: str = "") -> str:
    """A portal page around ``body``: header with navigation, breadcrumb, footer with the
    site's 承办单位 (a template label that must never be read as a message's unit)."""
    return f"""<!DOCTYPE html><html><head><meta charset="{charset}"><title>{title}</title></head><body>
<div class="header"><ul class="nav"><li><a href="/">首页</a></li><li><a href="/xwzx/">新闻中心</a></li>
<li><a href="/hdjl/">互动交流</a></li>{nav}</ul></div>
<div class="position">当前位置：<a href="/">首页</a> &gt; {crumb}</div>
<div class="main">{body}</div>
<div class="footer"><p>主办单位：兴庆区人民政府办公室　承办单位：兴庆区政务公开办公室</p>
<p>联系电话：0951-5012345</p></div></body></html>"""


# ------------------------------------------------------------------ layout 1: detail, labelled table

HANWEB_DETAIL = page_html("""
<h1>关于老旧小区加装电梯补贴的咨询</h1>
<table class="xxgk" width="100%">
  <tr><td class="row-prompt">信件编号:</td><td>XQ2023-0620-01</td><td class="row-prompt">来信人:</td><td>张**</td></tr>
  <tr><td class="row-prompt">来信时间:</td><td>2023-06-20 10:01:33</td><td class="row-prompt">受理单位:</td><td>兴庆区住建局</td></tr>
  <tr><td class="row-prompt">信件类型:</td><td>咨询</td><td class="row-prompt">办理状态:</td><td>已办结</td></tr>
  <tr><td class="row-prompt">来信主题:</td><td colspan="3">关于老旧小区加装电梯补贴的咨询</td></tr>
  <tr><td class="row-prompt">来信内容:</td><td colspan="3">请问加装电梯有没有补贴？</td></tr>
</table>
<table class="xxgk">
  <tr><td class="row-prompt">答复单位:</td><td>兴庆区住房城乡建设和交通局</td><td class="row-prompt">答复时间:</td><td>2023年7月3日</td></tr>
  <tr><td class="row-prompt">答复内容:</td><td colspan="3">您好，按照我区实施方案，每台电梯补贴若干元。</td></tr>
</table>""", charset="gbk", title="关于老旧小区加装电梯补贴的咨询_区长信箱")


def test_detail_table_gbk_with_colon_labels() -> None:
    url = "http://www.xq.gov.cn/hdjl/ldxx/detail.jsp?type=1&id=88"
    page = extract(HANWEB_DETAIL.encode("gbk"), url=url, content_type="text/html", encoding="gbk")
    assert page.encoding == "gbk"
    assert page.messages == [
        MessageFact(
            url="http://www.xq.gov.cn/hdjl/ldxx/detail.jsp?id=88&type=1",
            title="关于老旧小区加装电梯补贴的咨询",
            asked_on=date(2023, 6, 20),
            replied_on=date(2023, 7, 3),
            status="已办结",
            replied=True,
            unit="兴庆区住房城乡建设和交通局",  # the replying unit (答复单位) wins over 受理单位
            limit=None,
            number="XQ2023-0620-01",
            where="detail",
        )
    ]


TRS_DETAIL_NO_REPLY = page_html("""
<h1>反映背街小巷路灯不亮</h1>
<table class="detail-fields">
  <tr><th>留言编号</th><td>LY20231012007</td></tr>
  <tr><th>留言时间</th><td>2023-10-12</td></tr>
  <tr><th>答复时限</th><td>10个工作日</td></tr>
  <tr><th>回复单位</th><td></td></tr>
  <tr><th>回复时间</th><td></td></tr>
</table>
<div class="TRS_Editor"><p>留言内容：晚上路灯不亮，出行不便。</p><p>回复内容：暂未回复</p></div>""")


def test_detail_table_th_labels_reply_placeholder_means_not_replied() -> None:
    page = extract(TRS_DETAIL_NO_REPLY, url="http://www.xq.gov.cn/hdjl/ldxx/202310/t20231012_7.html")
    assert page.messages == [
        MessageFact("http://www.xq.gov.cn/hdjl/ldxx/202310/t20231012_7.html", "反映背街小巷路灯不亮",
                    date(2023, 10, 12), None, None, False, None, "10个工作日", "LY20231012007", "detail")
    ]


# ------------------------------------------------------------------ layout 2: detail, question/answer blocks

QA_DETAIL = page_html("""
<div class="msg-ask"><h1>关于学校周边交通拥堵的建议</h1><h3>留言内容</h3>
  <p>留言人：网友　留言时间：2023-09-01 10:12　查询码：QX7731</p>
  <p>每天上下学时段学校门口拥堵严重，建议增设临时停车点。</p></div>
<div class="msg-reply"><h3>回复内容</h3>
  <p>回复单位：兴庆区教育局　回复时间：2023-09-05</p>
  <p>您好，我局已会同交警部门在上下学时段安排人员疏导。</p></div>""",
                      title="留言详情_网上咨询", crumb="互动交流 &gt; 网上咨询")


def test_detail_question_answer_blocks_values_end_at_next_label() -> None:
    page = extract(QA_DETAIL, url="http://www.xq.gov.cn/hdjl/wszx/detail.html?id=31")
    assert page.messages == [
        MessageFact("http://www.xq.gov.cn/hdjl/wszx/detail.html?id=31", "关于学校周边交通拥堵的建议",
                    date(2023, 9, 1), date(2023, 9, 5), None, True, "兴庆区教育局", None, "QX7731", "detail")
    ]


QA_DETAIL_OPEN = page_html("""
<h2 class="title">咨询社区养老服务补贴申请条件</h2>
<div class="wz">
  <p>咨询人：匿名　咨询时间：2023年10月20日　办理状态：办理中</p>
  <p>问：请问社区养老服务补贴需要什么条件？</p>
</div>
<div class="hf"><p>答复内容：</p><p>暂无答复</p></div>
<div class="notice">说明：咨询件原则上在5个工作日内予以答复，情况复杂的可延长。</div>""",
                           title="咨询社区养老服务补贴申请条件-网上咨询", crumb="互动交流 &gt; 网上咨询")


def test_detail_without_h1_status_and_board_notice() -> None:
    page = extract(QA_DETAIL_OPEN, url="http://www.xq.gov.cn/hdjl/wszx/c_1020.html")
    assert page.messages == [
        MessageFact("http://www.xq.gov.cn/hdjl/wszx/c_1020.html", "咨询社区养老服务补贴申请条件",
                    date(2023, 10, 20), None, "办理中", False, None, "5个工作日", None, "detail")
    ]


# ------------------------------------------------------------------ layout 3: list as a table

HOTLINE_TABLE = page_html("""
<h2>12345热线工单公开</h2>
<p class="tip">市民诉求一般应在15个工作日内予以答复办结。</p>
<table class="list">
  <thead><tr><th>工单编号</th><th>标题</th><th>承办单位</th><th>诉求时间</th><th>办结时间</th><th>状态</th></tr></thead>
  <tbody>
  <tr><td>GD202310001</td><td><a href="gd.jsp?id=1&amp;lm=公开" title="小区供暖不热问题">小区供暖不热问题</a></td>
      <td>兴庆区住建局</td><td>2023-10-08</td><td>2023-10-12</td><td>已办结</td></tr>
  <tr><td>GD202310002</td><td><a href="gd.jsp?id=2">道路井盖缺失</a></td>
      <td>兴庆区市政管理所</td><td>2023-10-09</td><td></td><td>处理中</td></tr>
  </tbody>
</table>""", charset="gbk", title="12345工单公开", crumb="互动交流 &gt; 12345热线")


def test_list_table_gbk_header_mapping_and_notice_limit() -> None:
    page = extract(HOTLINE_TABLE.encode("gbk"), url="http://www.xq.gov.cn/hdjl/12345/index.html",
                   content_type="text/html; charset=gbk", encoding="gbk")
    assert page.messages == [
        MessageFact("http://www.xq.gov.cn/hdjl/12345/gd.jsp?id=1&lm=%B9%AB%BF%AA", "小区供暖不热问题",
                    date(2023, 10, 8), date(2023, 10, 12), "已办结", True, "兴庆区住建局", "15个工作日",
                    "GD202310001", "list"),
        MessageFact("http://www.xq.gov.cn/hdjl/12345/gd.jsp?id=2", "道路井盖缺失", date(2023, 10, 9), None,
                    "处理中", False, "兴庆区市政管理所", "15个工作日", "GD202310002", "list"),
    ]


def test_list_table_with_generic_time_column_and_status() -> None:
    html = page_html("""<table><tr><th>来信主题</th><th>状态</th><th>时间</th><th>受理单位</th></tr>
<tr><td><a href="/mail?mailid=7">建议延长图书馆开放时间</a></td><td>已回复</td><td>2023-09-18</td><td>文旅局</td></tr>
</table>""", crumb="互动交流 &gt; 局长信箱")
    page = extract(html, url=BOARD)
    assert page.messages == [
        MessageFact("http://www.xq.gov.cn/mail?mailid=7", "建议延长图书馆开放时间", date(2023, 9, 18), None,
                    "已回复", True, "文旅局", None, None, "list")
    ]


# ------------------------------------------------------------------ layout 4: list as li / div rows

LI_LIST = page_html("""
<div class="xzxx">来信须知：来信一般在5个工作日内答复。</div>
<ul class="msg-list">
  <li><a href="./202309/t20230901_11.html" title="关于学校周边交通拥堵的建议，希望尽快解决">关于学校周边交通拥堵的建…</a>
      <span>承办单位：兴庆区教育局</span><span>留言时间：2023-09-01</span><span class="state">已回复</span></li>
  <li><a href="./202309/t20230903_12.html">咨询公租房申请材料</a>
      <span>承办单位：</span><span>兴庆区住建局</span><span>留言时间：2023-09-03</span><span class="state">[未回复]</span></li>
  <li><span class="title">反映夜市油烟扰民</span><span>留言时间：2023-08-28</span><span class="state">办理中</span></li>
</ul>""", crumb="互动交流 &gt; 留言选登")


def test_list_li_rows_labelled_spans_bare_status_and_linkless_row() -> None:
    page = extract(LI_LIST, url="http://www.xq.gov.cn/hdjl/lyxd/index.html")
    assert page.messages == [
        MessageFact("http://www.xq.gov.cn/hdjl/lyxd/202309/t20230901_11.html", "关于学校周边交通拥堵的建议，希望尽快解决",
                    date(2023, 9, 1), None, "已回复", True, "兴庆区教育局", "5个工作日", None, "list"),
        MessageFact("http://www.xq.gov.cn/hdjl/lyxd/202309/t20230903_12.html", "咨询公租房申请材料",
                    date(2023, 9, 3), None, "未回复", False, "兴庆区住建局", "5个工作日", None, "list"),
        MessageFact("", "反映夜市油烟扰民", date(2023, 8, 28), None, "办理中", False, None, "5个工作日", None, "list"),
    ]


def test_list_div_rows_with_bare_dates_and_status_words() -> None:
    html = page_html("""<div class="zxlist">
<div class="item"><a href="/hdjl/wszx/c_1.html">咨询残疾人两项补贴</a><span class="time">2023-10-10</span><em>已答复</em></div>
<div class="item"><a href="/hdjl/wszx/c_2.html">咨询居住证办理</a><span class="time">2023-10-11</span><em>待回复</em></div>
</div>""", title="网上咨询_兴庆区人民政府", crumb="互动交流 &gt; 网上咨询")
    page = extract(html, url="http://www.xq.gov.cn/hdjl/wszx/")
    assert [(m.url, m.title, m.asked_on, m.status, m.replied, m.where) for m in page.messages] == [
        ("http://www.xq.gov.cn/hdjl/wszx/c_1.html", "咨询残疾人两项补贴", date(2023, 10, 10), "已答复", True, "list"),
        ("http://www.xq.gov.cn/hdjl/wszx/c_2.html", "咨询居住证办理", date(2023, 10, 11), "待回复", False, "list"),
    ]


def test_list_of_ul_rows_with_li_cells() -> None:
    html = page_html("""<div class="box">
<ul class="head"><li>标题</li><li>留言时间</li><li>状态</li></ul>
<ul class="row"><li><a href="/hdjl/ly/1.html">建议增设公交站点</a></li><li>2023-10-02</li><li>已回复</li></ul>
<ul class="row"><li><a href="/hdjl/ly/2.html">咨询医保报销比例</a></li><li>2023-10-05</li><li>未回复</li></ul>
</div>""", crumb="互动交流 &gt; 在线留言")
    page = extract(html, url="http://www.xq.gov.cn/hdjl/ly/")
    assert [(m.url, m.asked_on, m.replied) for m in page.messages] == [
        ("http://www.xq.gov.cn/hdjl/ly/1.html", date(2023, 10, 2), True),
        ("http://www.xq.gov.cn/hdjl/ly/2.html", date(2023, 10, 5), False),
    ]


# ------------------------------------------------------------------ look-alikes: no messages

NEWS_LIST = page_html("""<ul class="list">
<li><a href="/xwzx/1.html">兴庆区召开信访工作推进会</a><span>2023-10-01</span></li>
<li><a href="/xwzx/2.html">全区12件民生实事已办结</a><span>2023-10-02</span></li>
<li><a href="/xwzx/3.html">区长信箱来信办理情况通报</a><span>2023-10-03</span></li>
</ul>""", title="工作动态_兴庆区人民政府", crumb="新闻中心 &gt; 工作动态",
                      nav='<li><a href="/hdjl/ldxx/">领导信箱</a></li>')

POLICY_DOC = page_html("""<table class="xxgk">
<tr><td>索引号：</td><td>000014349/2023-00021</td><td>发布机构：</td><td>兴庆区人民政府办公室</td></tr>
<tr><td>发布时间：</td><td>2023-10-09</td><td>文号：</td><td>银兴政办发〔2023〕21号</td></tr>
<tr><td>处理状态：</td><td>有效</td><td>受理单位：</td><td>兴庆区政务服务中心</td></tr></table>
<h1>关于进一步做好政务服务“好差评”工作的通知</h1>
<div class="TRS_Editor"><p>各部门对差评件应在15个工作日内完成整改并反馈，处理情况纳入考核。</p></div>""",
                       title="关于进一步做好政务服务好差评工作的通知", crumb="政务公开 &gt; 政策文件")

CONSULTATION = page_html("""<h1>关于《兴庆区停车管理办法（征求意见稿）》公开征求意见的公告</h1>
<div class="info">发布时间：2023-06-05　来源：兴庆区住建局</div>
<div class="TRS_Editor"><p>征求意见时间：2023年6月5日至2023年7月4日。</p>
<p>意见反馈时间：2023年7月4日前，我们将在10个工作日内反馈意见采纳情况。</p></div>""",
                         title="公开征求意见的公告", crumb="互动交流 &gt; 意见征集")

INTERPRETATION = page_html("""<h1>一图读懂《兴庆区12345热线工单办理规定》</h1>
<div class="info">发布日期：2023-09-10</div>
<div class="TRS_Editor"><p>热线工单实行首接负责，承办单位应在受理后5个工作日内答复，逾期未办结的纳入督办。
工单状态分为已受理、办理中、已办结。</p></div>""", title="政策解读", crumb="政务公开 &gt; 政策解读")

FAQ = page_html("""<h1>常见问题</h1><div class="faq">
<p>问：如何查询信件办理状态？</p><p>答：在信箱首页输入查询码即可查看已回复或办理中的信件。</p>
<p>问：多久能收到答复？</p><p>答：一般5个工作日。</p></div>""", title="常见问题_区长信箱")

GUIDE = page_html("""<h1>居住证办理指南</h1><table>
<tr><td>受理时间：</td><td>工作日 9:00-17:00</td></tr><tr><td>办理时限：</td><td>15个工作日</td></tr>
<tr><td>受理单位：</td><td>兴庆区公安分局</td></tr></table>""", title="办事指南", crumb="政务服务 &gt; 办事指南")


@pytest.mark.parametrize(
    ("html", "url"),
    [
        (NEWS_LIST, "http://www.xq.gov.cn/xwzx/gzdt/"),
        (POLICY_DOC, "http://www.xq.gov.cn/zwgk/zcwj/202310/t20231009_21.html"),
        (CONSULTATION, "http://www.xq.gov.cn/hdjl/yjzj/202306/t20230605_1.html"),
        (INTERPRETATION, "http://www.xq.gov.cn/zwgk/zcjd/202309/t20230910_3.html"),
        (FAQ, "http://www.xq.gov.cn/hdjl/ldxx/faq.html"),
        (GUIDE, "http://www.xq.gov.cn/zwfw/bszn/jzz.html"),
    ],
    ids=["news-list", "policy-doc", "consultation", "interpretation", "faq", "service-guide"],
)
def test_look_alikes_yield_no_messages(html: str, url: str) -> None:
    assert extract(html, url=url).messages == []


def test_precheck_skips_pages_without_message_words(monkeypatch: pytest.MonkeyPatch) -> None:
    """The 99% of pages: no asked-time label and no status word -> no cell or tree walk at all."""

    def must_not_run(*_args, **_kwargs):
        raise AssertionError("walked a page the pre-test should have skipped")

    monkeypatch.setattr(messages_module, "list_messages", must_not_run)
    monkeypatch.setattr(messages_module, "detail_message", must_not_run)
    page = extract(NEWS_LIST.replace("已办结", "完成"), url="http://www.xq.gov.cn/xwzx/gzdt/")
    assert page.messages == [] and page.error is None


# ------------------------------------------------------------------ small readers


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("来信一般在5个工作日内答复，请勿重复提交。", "5个工作日"),
        ("对符合受理条件的，15个工作日内予以答复", "15个工作日"),
        ("一般问题原则上在3个工作日办结；较复杂的问题延长到10个工作日。", "3个工作日"),
        ("承办单位应自受理之日起 15 日内回复。", "15日"),
        ("受理时间：工作日9:00-17:00。", None),
        ("本办法自2023年10月1日起施行，有效期5年。", None),
    ],
)
def test_limit_phrase(text: str, expected: str | None) -> None:
    assert limit_phrase(text) == expected


@pytest.mark.parametrize(
    ("status", "expected"),
    [("已回复", True), ("【已办结】", True), ("已反馈", True), ("未回复", False), ("转办中", False),
     ("已受理", False), ("待处理", False), ("有效", None), (None, None)],
)
def test_replied_from_status(status: str | None, expected: bool | None) -> None:
    assert replied_from_status(status) is expected


def test_mobile_number_in_message_title_is_masked() -> None:
    html = page_html("""<ul class="msg-list">
<li><a href="/hdjl/ly/9.html">请回电13951002468咨询落户</a><span>留言时间：2023-10-16</span><span>未回复</span></li>
<li><a href="/hdjl/ly/8.html">咨询落户条件</a><span>留言时间：2023-10-15</span><span>已回复</span></li>
</ul>""", crumb="互动交流 &gt; 在线留言")
    url = "http://www.xq.gov.cn/hdjl/ly/"
    page = extract(html, url=url)
    assert [hit.kind for hit in page.privacy] == ["mobile"]
    assert page.messages[0].title == "请回电139****2468咨询落户"
    assert page.messages[0].url == "http://www.xq.gov.cn/hdjl/ly/9.html"
    assert "13951002468" not in repr(page.messages)
    assert scan_html(html, page.text, b"salt").replacements  # the raw page did hold the number


# ------------------------------------------------------------------ the demo board over real HTTP


def test_demo_mailbox_list_and_detail_pages_over_http() -> None:
    from crawler.demo.server import DemoServer

    def fetch(url: str):
        assert url.startswith(("http://127.", "http://[::1]"))  # loopback only
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - loopback demo server
            return extract(response.read(), url=url, content_type=response.headers.get("Content-Type"))

    with DemoServer() as demo:
        board = fetch(demo.main + "/hdjl/ldxx/")
        by_number = {m.number: m for m in board.messages}
        assert all(m.where == "list" and m.limit == "5个工作日" for m in board.messages)
        row = by_number["XQ202301701"]
        assert (row.url, row.title, row.asked_on, row.status, row.replied) == (
            demo.main + "/hdjl/ldxx/detail.jsp?id=1701&type=1", "关于小区门前道路破损的问题",
            date(2023, 6, 20), "办理中", False)
        assert (by_number["XQ202301703"].status, by_number["XQ202301703"].replied) == ("已办结", True)

        url = demo.main + "/hdjl/ldxx/detail.jsp?type=1&id=1701"
        assert fetch(url).messages == [
            MessageFact(demo.main + "/hdjl/ldxx/detail.jsp?id=1701&type=1", "关于小区门前道路破损的问题",
                        date(2023, 6, 20), None, "办理中", False, None, "5个工作日", "XQ202301701", "detail")
        ]
        url = demo.main + "/hdjl/ldxx/detail.jsp?type=1&id=1703"
        assert fetch(url).messages == [
            MessageFact(demo.main + "/hdjl/ldxx/detail.jsp?id=1703&type=1", "关于幼儿园入园报名的咨询",
                        date(2023, 8, 1), date(2023, 9, 20), "已办结", True, "兴庆区教育局", "5个工作日",
                        "XQ202301703", "detail")
        ]
