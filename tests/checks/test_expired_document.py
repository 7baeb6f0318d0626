"""``expired-document``: validity ended before --today and not marked 失效/废止; look-alikes."""

from datetime import date

from checks.documents import marked_invalid, validity_end
from checks.expired_document import CHECK
from govcrawl.model import DocInfo
from tests.checks.conftest import H, page

GFX = ["首页", "政务公开", "行政规范性文件"]
TODAY = date(2023, 11, 1)  # run_check's today


def doc_page(path, column="行政规范性文件", **doc):
    doc.setdefault("index_no", "11640104/2021-00001")
    doc.setdefault("doc_number", "银兴政规发〔2021〕2号")
    return page(path, column=column, breadcrumb=GFX, doc=DocInfo(**doc))


def test_flags_until_date_and_effective_plus_period(run_check):
    pages = [
        doc_page("/zwgk/gfxwj/a.html", validity="有效", valid_until=date(2023, 6, 30), validity_source="有效期至",
                 validity_statement="本办法自2021年7月1日起施行，有效期至2023年6月30日。"),
        # no 有效性 field: the statement is its marking, and its end has passed
        doc_page("/zwgk/gfxwj/b.html", effective_from=date(2021, 9, 1), validity_years=2),
        # 暂行办法 with a trial period, 司法局
        doc_page("/sfj/zcwj/c.html", column="政策文件", validity="有效", provisional=True,
                 doc_number="兴司规发〔2021〕1号", effective_from=date(2021, 7, 1), validity_years=2),
        # ended yesterday; also a non-normative document counts (any document page)
        doc_page("/zwgk/zcwj/d.html", column="政策文件", doc_number="银兴政发〔2021〕9号",
                 valid_until=date(2023, 10, 31)),
    ]
    found = {f.url: f for f in run_check(CHECK, pages)}
    assert set(found) == {p.url for p in pages}
    a = found[H + "/zwgk/gfxwj/a.html"]
    assert a.target is None and a.severity == "major" and "2023年6月30日" in a.message
    assert a.evidence["valid_until"] == "2023-06-30" and a.evidence["validity_source"] == "有效期至"
    assert a.evidence["validity"] == "有效" and a.evidence["doc_number"] == "银兴政规发〔2021〕2号"
    b = found[H + "/zwgk/gfxwj/b.html"].evidence
    assert b["valid_until"] == "2023-08-31" and b["validity_source"] == "施行日期+有效期"
    c = found[H + "/sfj/zcwj/c.html"]
    assert c.department == "司法局" and c.evidence["valid_until"] == "2023-06-30"
    assert found[H + "/zwgk/zcwj/d.html"].evidence["validity_source"] == "有效性字段"
    for f in found.values():
        assert set(f.evidence) <= set(CHECK.labels)


def test_look_alikes_not_flagged(run_check):
    pages = [
        doc_page("/zwgk/gfxwj/1.html", validity="失效", valid_until=date(2023, 6, 30)),
        doc_page("/zwgk/gfxwj/2.html", validity="已废止", valid_until=date(2020, 1, 1)),
        doc_page("/zwgk/gfxwj/3.html", status_label="已废止", valid_until=date(2022, 6, 30)),
        doc_page("/zwgk/gfxwj/4.html", validity="有效", valid_until=date(2025, 12, 31)),
        doc_page("/zwgk/gfxwj/5.html", effective_from=date(2022, 3, 1), validity_years=5),
        # ends ON --today: still in force today
        doc_page("/zwgk/gfxwj/6.html", validity="有效", valid_until=TODAY),
        doc_page("/zwgk/gfxwj/7.html", effective_from=date(2021, 11, 2), validity_years=2),
        # 暂行办法 with only an effective date: no period, no end
        doc_page("/zwgk/zcwj/8.html", column="政策文件", doc_number="国发〔2018〕41号", provisional=True,
                 effective_from=date(2019, 1, 1)),
        # not a document: a news page whose text mentions an ended period
        page("/xwzx/ywdt/9.html", column="要闻动态", doc=DocInfo(source="新华社", valid_until=date(2020, 1, 1),
                                                              raw={"发布时间": "2023-10-10"})),
    ]
    assert run_check(CHECK, pages) == []


def test_helpers():
    p = doc_page("/x.html", effective_from=date(2019, 1, 1), validity_years=5)
    assert validity_end(p) == (date(2023, 12, 31), "施行日期+有效期")
    assert validity_end(doc_page("/y.html", effective_from=date(2019, 1, 1))) is None
    assert validity_end(doc_page("/z.html", effective_from=date(2020, 2, 29), validity_years=1))[0] == date(2021, 2, 28)
    assert marked_invalid(doc_page("/w.html", validity="部分失效"))
    assert not marked_invalid(doc_page("/v.html", validity="有效", status_label="现行有效"))
