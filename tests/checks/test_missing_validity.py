"""``missing-validity``: normative documents without any validity marking, and the look-alikes."""

from datetime import date

from checks.documents import is_document, is_normative, validity_marking
from checks.missing_validity import CHECK
from govcrawl.model import DocInfo, ListItem
from tests.checks.conftest import H, page

GFX = ["首页", "政务公开", "行政规范性文件"]
ZCWJ = ["首页", "政务公开", "政策文件"]


def doc_page(path, column="行政规范性文件", crumb=GFX, **doc):
    doc.setdefault("index_no", "11640104/2023-00001")
    return page(path, column=column, breadcrumb=crumb, doc=DocInfo(**doc), published_on=date(2023, 10, 10))


def test_flags_normative_by_column_field_number_and_category(run_check):
    pages = [
        doc_page("/zwgk/gfxwj/a.html", doc_number="银兴政规发〔2023〕4号"),
        doc_page("/zwgk/zcwj/b.html", column="政策文件", crumb=ZCWJ, normative_field="是",
                 doc_number="银兴政发〔2023〕20号"),
        doc_page("/sfj/zcwj/c.html", column="政策文件", crumb=ZCWJ, doc_number="兴司规发〔2023〕1号",
                 publisher="兴庆区司法局"),
        doc_page("/zwgk/zcwj/d.html", column="政策文件", crumb=ZCWJ, topic="规范性文件"),
    ]
    found = {f.url: f for f in run_check(CHECK, pages)}
    assert set(found) == {p.url for p in pages}
    assert found[H + "/sfj/zcwj/c.html"].department == "司法局"
    assert "规" in found[H + "/sfj/zcwj/c.html"].evidence["normative_reason"]
    assert found[H + "/zwgk/zcwj/b.html"].evidence["normative_reason"] == "是否规范性文件：是"
    f = found[H + "/zwgk/gfxwj/a.html"]
    assert f.target is None and f.severity == "major" and f.evidence["doc_number"] == "银兴政规发〔2023〕4号"
    assert set(f.evidence) <= set(CHECK.labels)


def test_any_marking_is_enough(run_check):
    pages = [
        doc_page("/zwgk/gfxwj/1.html", validity="有效"),
        doc_page("/zwgk/gfxwj/2.html", validity="已修改"),
        doc_page("/zwgk/gfxwj/3.html", valid_until=date(2025, 12, 31), validity_source="有效期至"),
        doc_page("/zwgk/gfxwj/4.html", effective_from=date(2022, 3, 1), validity_years=5),
        doc_page("/zwgk/gfxwj/5.html", status_label="已废止"),
        doc_page("/zwgk/gfxwj/6.html", status_label="现行有效"),
        doc_page("/zwgk/gfxwj/7.html", raw={"有效期": "长期"}),
    ]
    assert run_check(CHECK, pages) == []


def test_look_alikes_not_flagged(run_check):
    pages = [
        # a document that is not normative: field 否 (even in a column named 规范性文件)
        doc_page("/zwgk/zcwj/a.html", column="政策文件", crumb=ZCWJ, normative_field="否",
                 doc_number="银兴政办发〔2023〕22号"),
        doc_page("/zwgk/gfxwj/b.html", normative_field="否"),
        # 兴司发: no 规 before the year; 批复
        doc_page("/sfj/zcwj/c.html", column="政策文件", crumb=ZCWJ, doc_number="兴司发〔2023〕5号"),
        doc_page("/zwgk/zcwj/d.html", column="政策文件", crumb=ZCWJ, doc_number="银兴政函〔2023〕56号"),
        # period in years without the date it takes effect is no marking, but the page is not normative
        doc_page("/zwgk/zcwj/e.html", column="政策文件", crumb=ZCWJ, validity_years=5),
        # a news page in the normative column: only 发布时间/来源, no header
        page("/zwgk/gfxwj/news.html", column="行政规范性文件", breadcrumb=GFX,
             doc=DocInfo(source="兴庆区政府办", raw={"发布时间": "2023-10-10", "来源": "兴庆区政府办"})),
        # an interpretation of a normative document: 解读 column
        page("/zwgk/zcjd/f.html", column="政策解读", breadcrumb=["首页", "政策解读"],
             doc=DocInfo(published_on=date(2023, 10, 10), raw={"发布日期": "2023-10-10"})),
        # a page that failed
        page("/zwgk/gfxwj/g.html", status=404, column="行政规范性文件", breadcrumb=GFX,
             doc=DocInfo(doc_number="银兴政规发〔2023〕9号")),
    ]
    assert run_check(CHECK, pages) == []


def test_helpers_follow_the_contract():
    news = page("/zwgk/zcwj/n.html", column="政策文件", doc=DocInfo(raw={"发布时间": "2023-10-10"}))
    assert not is_document(news)
    meta_only = page("/zwgk/zcwj/m.html", column="政策文件", meta={"ArticleTitle": "关于X的通知"})
    assert is_document(meta_only) and not is_normative(meta_only)
    listing = page("/zwgk/gfxwj/index.html", column="行政规范性文件", meta={"ArticleTitle": "行政规范性文件"},
                   list_items=[ListItem(H + "/zwgk/gfxwj/a.html", "办法", date(2023, 1, 1))])
    assert not is_document(listing)
    outside = page("/xwzx/ywdt/o.html", column="要闻动态", meta={"ArticleTitle": "X"})
    assert not is_document(outside)
    # a 文号 with 规 makes a page a document in any column (a 通知公告 carrying a 公文)
    notice = page("/zwgk/tzgg/p.html", column="通知公告", doc=DocInfo(doc_number="银兴政规发〔2023〕7号"))
    assert is_normative(notice)
    assert validity_marking(page("/x.html", doc=DocInfo(validity="失效"))) == "有效性：失效"
    assert validity_marking(page("/y.html", doc=DocInfo(raw={"有效期": "—"}))) is None
