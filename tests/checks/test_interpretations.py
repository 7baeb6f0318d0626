"""Policy interpretations: which documents need one, pairing routes, kinds, working-day
gaps (weekends, the 2023 National Day week with its make-up days), pending vs missing,
and the coverage/video-share metrics. Today is 2023-11-01 (a Wednesday) unless a test
says otherwise."""

from datetime import date

import pytest

from checks import interpretations as interp_mod
from checks.documents import normative_reason
from checks.interpretations import (
    assess,
    interpretation_kind,
    is_interpretation,
    metrics,
    needs_interpretation,
    normalise_doc_number,
    normalise_title,
    pair,
)
from checks.late_interpretation import CHECK as LATE
from checks.missing_interpretation import CHECK as MISSING
from checks.registry import run_checks
from checks.workdays import WorkdayCalendar
from govcrawl.facts import SiteFacts
from govcrawl.model import DocInfo, ListItem, Region
from tests.checks.conftest import RULES, H, link, page

TODAY = date(2023, 11, 1)
GFX = ["首页", "政务公开", "行政规范性文件"]
ZCWJ = ["首页", "政务公开", "政策文件"]
JD = ["首页", "政务公开", "政策解读"]
SETTINGS = {"interpretation": {"required_doc_numbers": ["银兴政发", "银兴政办发"]}}


def doc(path, title, number=None, on=date(2023, 10, 20), *links, column="行政规范性文件", crumb=GFX, **kw):
    """A document page: header with index number, 文号 and 发布日期; heading = title."""
    kw.setdefault("index_no", "11640104/2023-00001")
    return page(path, *links, column=column, breadcrumb=crumb, heading=title,
                doc=DocInfo(doc_number=number, published_on=on, **kw), published_on=on)


def interp(path, title, on, *links, text="", column="政策解读", crumb=JD, **kw):
    """An interpretation page in the 政策解读 column."""
    return page(path, *links, column=column, breadcrumb=crumb, heading=title, published_on=on, text=text, **kw)


def site(*pages):
    return SiteFacts.build(pages, homepage=H + "/")


def needs_by_url(pages, today=TODAY, settings=SETTINGS):
    facts = site(*pages)
    return {n.url: n for n in assess(facts, settings, today, WorkdayCalendar.from_settings(settings))}


def run_both(pages, today=TODAY, settings=SETTINGS):
    facts = site(*pages)
    return list(run_checks([MISSING, LATE], facts, site_id="t", today=today, departments=RULES,
                           settings={"hosts": ["www.xq.gov.cn"], **settings}))


def by_check(findings):
    out = {"missing-interpretation": {}, "late-interpretation": {}}
    for f in findings:
        out[f.check][f.url] = f
    return out


# ------------------------------------------------------------------ pairing routes


def test_every_pairing_route_pairs_and_records_how():
    a = doc("/gfx/a.html", "兴庆区甲办法", "银兴政规发〔2023〕1号", date(2023, 10, 20), link("/jd/a.html"))
    b = doc("/gfx/b.html", "兴庆区乙办法", "银兴政规发〔2023〕2号")
    c = doc("/gfx/c.html", "兴庆区丙办法", "银兴政规发〔2023〕3号")
    d = doc("/gfx/d.html", "兴庆区丁办法", "银兴政规发〔2023〕4号")
    pages = [
        a, b, c, d,
        interp("/jd/a.html", "政策解读一", date(2023, 10, 23)),
        interp("/jd/b.html", "政策解读二", date(2023, 10, 23), link("/gfx/b.html", text="原文链接")),
        interp("/jd/c.html", "《兴庆区丙办法》政策解读", date(2023, 10, 23)),
        interp("/jd/d.html", "政策解读四", date(2023, 10, 23), text="银兴政规发〔2023〕4号文件出台的背景……"),
    ]
    needs = needs_by_url(pages)
    via = {url: [(i.url, i.via) for i in n.interpretations] for url, n in needs.items()}
    assert via == {
        H + "/gfx/a.html": [(H + "/jd/a.html", "document-links")],
        H + "/gfx/b.html": [(H + "/jd/b.html", "interpretation-links")],
        H + "/gfx/c.html": [(H + "/jd/c.html", "title")],
        H + "/gfx/d.html": [(H + "/jd/d.html", "doc-number")],
    }
    assert {n.status for n in needs.values()} == {"on-time"}
    assert run_both(pages) == []


def test_most_trusted_route_wins_and_redirects_resolve():
    # the document links the interpretation's old URL, which redirected to its final URL
    moved = interp("/jd/old.html", "《兴庆区甲办法》解读", date(2023, 10, 23))
    moved.final_url = H + "/jd/new.html"
    pages = [doc("/gfx/a.html", "兴庆区甲办法", None, date(2023, 10, 20), link("/jd/new.html")), moved]
    (need,) = needs_by_url(pages).values()
    assert [(i.url, i.via) for i in need.interpretations] == [(H + "/jd/old.html", "document-links")]


def test_template_links_do_not_pair():
    pages = [
        doc("/gfx/a.html", "兴庆区甲办法", None, date(2023, 10, 20), link("/jd/a.html", region=Region.NAV)),
        interp("/jd/a.html", "政策解读", date(2023, 10, 23), link("/gfx/a.html", region=Region.FOOTER)),
    ]
    found = by_check(run_both(pages))
    assert set(found["missing-interpretation"]) == {H + "/gfx/a.html"}


def test_titles_compare_after_normalising_but_must_be_equal():
    pages = [
        doc("/gfx/a.html", "关于印发《兴庆区甲办法(试行)》的通知", "银兴政规发〔2023〕1号"),
        doc("/gfx/b.html", "兴庆区乙办法实施细则", "银兴政规发〔2023〕2号"),
        doc("/gfx/c.html", "兴庆区丙管理办法", "银兴政规发〔2023〕3号"),
        # full-width brackets, 〈〉 for the nested title, spaces: still the same title
        interp("/jd/a.html", "《关于印发〈兴庆区甲办法（试行）〉的通知》 解读", date(2023, 10, 23)),
        # partial: 《…办法》 vs …办法实施细则
        interp("/jd/b.html", "《兴庆区乙办法》解读", date(2023, 10, 23)),
        # similar but different
        interp("/jd/c.html", "《兴庆区丙管理办法（修订）》解读", date(2023, 10, 23)),
    ]
    needs = needs_by_url(pages)
    assert [i.url for i in needs[H + "/gfx/a.html"].interpretations] == [H + "/jd/a.html"]
    assert needs[H + "/gfx/b.html"].interpretations == []
    assert needs[H + "/gfx/c.html"].interpretations == []
    assert set(by_check(run_both(pages))["missing-interpretation"]) == {H + "/gfx/b.html", H + "/gfx/c.html"}


def test_ambiguous_title_pairs_with_none_but_a_document_filed_twice_is_one():
    pages = [
        doc("/gfx/a.html", "关于加强安全生产工作的通知", "银兴政规发〔2023〕5号"),
        doc("/gfx/b.html", "关于加强安全生产工作的通知", "兴司规发〔2023〕6号"),
        interp("/jd/a.html", "《关于加强安全生产工作的通知》解读", date(2023, 10, 23)),
        # the same document in two columns (same 文号 and title) is still one document
        doc("/gfx/c.html", "兴庆区戊办法", "银兴政规发〔2023〕7号"),
        doc("/zcwj/c.html", "兴庆区戊办法", "银兴政规发〔2023〕7号", column="政策文件", crumb=ZCWJ,
            normative_field="是"),
        interp("/jd/c.html", "《兴庆区戊办法》解读", date(2023, 10, 23)),
    ]
    needs = needs_by_url(pages)
    assert needs[H + "/gfx/a.html"].interpretations == [] and needs[H + "/gfx/b.html"].interpretations == []
    assert [i.url for i in needs[H + "/gfx/c.html"].interpretations] == [H + "/jd/c.html"]
    assert [i.url for i in needs[H + "/zcwj/c.html"].interpretations] == [H + "/jd/c.html"]


def test_issued_title_alias_and_exact_title_first():
    pages = [
        doc("/gfx/a.html", "关于印发《兴庆区己办法》的通知", "银兴政规发〔2023〕8号"),
        interp("/jd/a.html", "《兴庆区己办法》政策解读", date(2023, 10, 23)),
        # a document titled exactly like the 《》 wins over one that only issues it
        doc("/gfx/b.html", "兴庆区庚办法", "银兴政规发〔2023〕9号"),
        doc("/gfx/c.html", "关于印发《兴庆区庚办法》的通知", "银兴政规发〔2023〕10号"),
        interp("/jd/b.html", "《兴庆区庚办法》政策解读", date(2023, 10, 23)),
    ]
    needs = needs_by_url(pages)
    assert [i.via for i in needs[H + "/gfx/a.html"].interpretations] == ["title"]
    assert [i.url for i in needs[H + "/gfx/b.html"].interpretations] == [H + "/jd/b.html"]
    assert needs[H + "/gfx/c.html"].interpretations == []


def test_title_names_first_then_first_known_name_in_the_body():
    pages = [
        doc("/gfx/a.html", "兴庆区甲办法", "银兴政规发〔2023〕1号"),
        doc("/gfx/b.html", "兴庆区乙办法", "银兴政规发〔2023〕2号"),
        # the body cites the older 乙办法 it rests on; only the first named document counts
        interp("/jd/x.html", "一图读懂新政策", date(2023, 10, 23),
               text="近日，兴庆区印发《兴庆区甲办法》。根据《中华人民共和国X法》和《兴庆区乙办法》……"),
        # its title names the document: body citations do not count at all
        interp("/jd/y.html", "《兴庆区乙办法》解读", date(2023, 10, 24), text="依据《兴庆区甲办法》制定"),
    ]
    needs = needs_by_url(pages)
    assert [i.url for i in needs[H + "/gfx/a.html"].interpretations] == [H + "/jd/x.html"]
    assert [i.url for i in needs[H + "/gfx/b.html"].interpretations] == [H + "/jd/y.html"]


def test_doc_number_digit_boundary_and_bracket_forms():
    pages = [
        doc("/sfj/a.html", "兴庆区司法局甲规定", "兴司规发〔2023〕1号"),
        doc("/sfj/b.html", "兴庆区司法局乙规定", "兴司规发〔2023〕11号"),
        doc("/sfj/c.html", "兴庆区司法局丙规定", "兴司规发〔2023〕2号"),
        doc("/sfj/d.html", "兴庆区司法局丁规定", "兴司规发〔2022〕3号"),
        interp("/jd/b.html", "政策解读", date(2023, 10, 23), text="根据兴司规发[2023]11号文件的规定……"),
        interp("/jd/c.html", "答记者问", date(2023, 10, 23), text="（兴司规发（2023）第2号）"),
        # 2023 is not 2022
        interp("/jd/d.html", "政策解读三", date(2023, 10, 23), text="兴司规发〔2023〕3号"),
    ]
    needs = needs_by_url(pages)
    assert needs[H + "/sfj/a.html"].interpretations == []  # 〔2023〕11号 is not 〔2023〕1号
    assert [i.url for i in needs[H + "/sfj/b.html"].interpretations] == [H + "/jd/b.html"]
    assert [i.url for i in needs[H + "/sfj/c.html"].interpretations] == [H + "/jd/c.html"]
    assert needs[H + "/sfj/d.html"].interpretations == []
    missing = by_check(run_both(pages))["missing-interpretation"]
    assert set(missing) == {H + "/sfj/a.html", H + "/sfj/d.html"}
    assert missing[H + "/sfj/a.html"].department == "司法局"


def test_normalisers():
    assert normalise_title("关于印发《甲办法（试行）》的通知 ") == normalise_title("关于印发〈甲办法(试行)〉的通知")
    assert normalise_title("“甲”办法【2023】") == normalise_title('"甲"办法[2023]')
    assert normalise_doc_number("兴司规发[2023]第01号") == "兴司规发〔2023〕1号"
    assert normalise_doc_number("兴司规发（2023）11号") == "兴司规发〔2023〕11号"
    assert normalise_doc_number("无") is None


# -------------------------------------------------------------------- what counts


def test_what_is_an_interpretation():
    assert is_interpretation(interp("/jd/a.html", "关于某事的说明", date(2023, 10, 1)))  # 解读 column
    for title in ("图解：某办法", "一图读懂某办法", "某办法问答", "某办法政策解读"):
        assert is_interpretation(page("/x/a.html", column="工作动态", heading=title))
    # ArticleTitle meta, and <title> with its site suffix when there is no heading
    assert is_interpretation(page("/x/m.html", meta={"ArticleTitle": "某办法解读"}))
    # a column's list page is not one
    listing = page("/jd/index.html", column="政策解读", breadcrumb=JD, heading="政策解读",
                   list_items=[ListItem(H + "/jd/a.html", "解读", date(2023, 10, 1))])
    assert not is_interpretation(listing)
    # a document about interpretation work: the keyword is inside 《》
    rules = doc("/zcwj/r.html", "关于印发《政策解读工作规范》的通知", "银兴政办发〔2023〕9号", column="政策文件",
                crumb=ZCWJ)
    assert not is_interpretation(rules)
    assert needs_interpretation(rules, SETTINGS) is not None
    # a normative document in a mixed column 政策文件及解读 is the document
    mixed = doc("/zcjd/gfx/a.html", "兴庆区甲办法", "银兴政规发〔2023〕1号", column="规范性文件",
                crumb=["首页", "政策文件及解读", "规范性文件"])
    assert not is_interpretation(mixed) and needs_interpretation(mixed, SETTINGS)
    mixed_own = doc("/zcjd/b.html", "兴庆区乙办法", "银兴政规发〔2023〕2号", column="政策文件及解读",
                    crumb=["首页", "政策文件及解读"])
    assert not is_interpretation(mixed_own) and needs_interpretation(mixed_own, SETTINGS)
    # an interpretation whose header repeats the interpreted document's 文号 is still the interpretation
    copied = doc("/jd/c.html", "关于乙办法的说明", "银兴政规发〔2023〕2号", column="政策文件解读", crumb=JD)
    assert is_interpretation(copied) and needs_interpretation(copied, SETTINGS) is None
    # a failed page is nothing
    assert not is_interpretation(page("/jd/404.html", status=404, column="政策解读", heading="解读"))
    # the column name in the <title> does not make a document an interpretation
    titled = page("/zcwj/t.html", column="政策文件")
    titled.title = "关于某事的通知_政策文件_兴庆区人民政府"
    assert not is_interpretation(titled)
    titled.title = "关于某事的通知_政策解读_兴庆区人民政府"
    assert not is_interpretation(titled)
    titled.title = "某办法政策解读_兴庆区人民政府"
    assert is_interpretation(titled)


@pytest.mark.parametrize(("title", "links", "text", "kind"), [
    ("某办法解读", [link("/v/a.mp4", tag="video")], "", "video"),
    ("某办法解读", [link("/v/a.m3u8?x=1", tag="a")], "", "video"),
    ("某办法解读", [link("https://player.example.cn/embed?id=9", tag="iframe")], "", "video"),
    ("动漫解读某办法", [], "", "video"),
    ("一图读懂某办法", [], "x" * 5000, "graphic"),
    ("某办法解读", [link("/img/1.jpg", tag="img"), link("/img/2.jpg", tag="img")], "短" * 100, "graphic"),
    ("某办法答记者问", [], "", "qa"),
    ("某办法解读", [link("/img/1.jpg", tag="img")], "文" * 3000, "text"),
    # look-alikes: a video column in the navigation, 视频 inside a cited title, a plain iframe
    ("某办法解读", [link("/v/a.mp4", region=Region.NAV)], "", "text"),
    ("《兴庆区视频监控管理办法》解读", [], "", "text"),
    ("某办法解读", [link("/map/index.html", tag="iframe")], "", "text"),
])
def test_interpretation_kind(title, links, text, kind):
    assert interpretation_kind(interp("/jd/k.html", title, date(2023, 10, 1), *links, text=text)) == kind


def test_documents_that_need_none_and_undated_ones():
    pages = [
        # not normative, 文号 not in the required list
        doc("/zcwj/a.html", "关于某事的批复", "银兴政函〔2023〕56号", column="政策文件", crumb=ZCWJ),
        doc("/zcwj/b.html", "关于某事的通知", None, column="政策文件", crumb=ZCWJ),
        doc("/zcwj/c.html", "关于某事的决定", "银兴政规发〔2023〕1号", normative_field="否", column="政策文件",
            crumb=ZCWJ),
        # not a document at all: a news page
        page("/xwzx/n.html", column="要闻动态", heading="某办法出台"),
        # needed by 文号 rule, but undated: cannot be judged
        doc("/zcwj/d.html", "关于某事的通知", "银兴政发〔2023〕21号", None, column="政策文件", crumb=ZCWJ),
        # needed by the 文号 rule, dated: flagged
        doc("/zcwj/e.html", "关于另一事的通知", "银兴政办发〔2023〕22号", column="政策文件", crumb=ZCWJ),
    ]
    needs = needs_by_url(pages)
    assert set(needs) == {H + "/zcwj/d.html", H + "/zcwj/e.html"}
    assert needs[H + "/zcwj/d.html"].status == "undated"
    assert "银兴政办发" in needs[H + "/zcwj/e.html"].reason
    found = by_check(run_both(pages))
    assert set(found["missing-interpretation"]) == {H + "/zcwj/e.html"}
    # without the setting only normative documents need one
    assert run_both(pages, settings={}) == []


def test_document_date_prefers_the_header_field():
    p = doc("/gfx/a.html", "兴庆区甲办法", None, date(2023, 10, 30))
    p.published_on = date(2023, 10, 1)  # a date next to the title, older
    (need,) = needs_by_url([p]).values()
    assert need.published_on == date(2023, 10, 30) and need.status == "pending"


# ------------------------------------------------------------------ working days


@pytest.mark.parametrize(("doc_on", "interp_on", "days", "status"), [
    (date(2023, 10, 20), date(2023, 10, 20), 0, "on-time"),  # same day
    (date(2023, 10, 20), date(2023, 10, 18), 0, "on-time"),  # before the document
    (date(2023, 10, 20), date(2023, 10, 23), 1, "on-time"),  # Friday -> Monday, across the weekend
    (date(2023, 10, 20), date(2023, 10, 25), 3, "on-time"),
    (date(2023, 10, 20), date(2023, 10, 26), 4, "late"),
    (date(2023, 10, 20), date(2023, 10, 31), 7, "late"),
    # National Day 2023: 09-29..10-06 off, Sat 10-07 and Sun 10-08 are make-up working days
    (date(2023, 9, 28), date(2023, 10, 7), 1, "on-time"),
    (date(2023, 9, 28), date(2023, 10, 9), 3, "on-time"),  # 11 calendar days, 3 working days
    (date(2023, 9, 28), date(2023, 10, 10), 4, "late"),
    # a long gap
    (date(2023, 3, 1), date(2023, 10, 10), None, "late"),
])
def test_gap_in_working_days(doc_on, interp_on, days, status):
    pages = [doc("/gfx/a.html", "兴庆区甲办法", "银兴政规发〔2023〕1号", doc_on),
             interp("/jd/a.html", "《兴庆区甲办法》解读", interp_on, link("/v/a.mp4", tag="video"))]
    (need,) = needs_by_url(pages).values()
    assert need.status == status
    if days is not None:
        assert need.working_days == days
    late = by_check(run_both(pages))["late-interpretation"]
    assert set(late) == ({H + "/gfx/a.html"} if status == "late" else set())
    if late:
        f = late[H + "/gfx/a.html"]
        assert f.target == H + "/jd/a.html" and f.severity == "minor"
        assert f.evidence["doc_number"] == "银兴政规发〔2023〕1号"
        assert f.evidence["published_on"] == doc_on.isoformat()
        assert f.evidence["interpretation_published_on"] == interp_on.isoformat()
        assert f.evidence["via"] == "title" and f.evidence["kind"] == "video"
        assert f.evidence["interpretation_url"] == H + "/jd/a.html"
        assert set(f.evidence) <= set(LATE.labels)
        assert "工作日" in f.message


def test_earliest_dated_interpretation_decides_and_undated_ones_count_as_present():
    pages = [
        doc("/gfx/a.html", "兴庆区甲办法", None, date(2023, 10, 20)),
        interp("/jd/late.html", "《兴庆区甲办法》解读", date(2023, 10, 31)),
        interp("/jd/early.html", "一图读懂《兴庆区甲办法》", date(2023, 10, 24)),
        doc("/gfx/b.html", "兴庆区乙办法", None, date(2023, 10, 2)),
        interp("/jd/b.html", "《兴庆区乙办法》解读", None),
    ]
    needs = needs_by_url(pages)
    a = needs[H + "/gfx/a.html"]
    assert [i.url for i in a.interpretations] == [H + "/jd/early.html", H + "/jd/late.html"]
    assert a.status == "on-time" and a.working_days == 2
    assert needs[H + "/gfx/b.html"].status == "present"
    assert run_both(pages) == []


def test_pending_versus_missing_around_today():
    pages = [
        doc("/gfx/a.html", "兴庆区甲办法", "银兴政规发〔2023〕1号", date(2023, 10, 27)),  # 3 working days by 11-01
        doc("/gfx/b.html", "兴庆区乙办法", "银兴政规发〔2023〕2号", date(2023, 10, 26)),  # 4
        doc("/gfx/c.html", "兴庆区丙办法", "银兴政规发〔2023〕3号", date(2023, 11, 1)),   # today
    ]
    needs = needs_by_url(pages)
    a, b, c = (needs[H + p] for p in ("/gfx/a.html", "/gfx/b.html", "/gfx/c.html"))
    assert (a.status, a.working_days, a.deadline) == ("pending", 3, date(2023, 11, 1))
    assert (b.status, b.working_days, b.deadline) == ("missing", 4, date(2023, 10, 31))
    assert (c.status, c.working_days) == ("pending", 0)
    missing = by_check(run_both(pages))["missing-interpretation"]
    assert set(missing) == {H + "/gfx/b.html"}
    f = missing[H + "/gfx/b.html"]
    assert f.target is None and f.severity == "major"
    assert f.evidence == {"doc_number": "银兴政规发〔2023〕2号", "published_on": "2023-10-26", "working_days": 4,
                          "deadline": "2023-10-31", "reason": f"行政规范性文件（{normative_reason(pages[1])}）"}
    assert set(f.evidence) <= set(MISSING.labels)
    assert "2023年10月26日" in f.message
    # a day later the first one is missing too; before the holiday week it stays pending
    assert set(by_check(run_both(pages, today=date(2023, 11, 2)))["missing-interpretation"]) == {
        H + "/gfx/a.html", H + "/gfx/b.html"}
    holiday = [doc("/gfx/h.html", "兴庆区辛办法", None, date(2023, 9, 28))]
    assert needs_by_url(holiday, today=date(2023, 10, 9))[H + "/gfx/h.html"].status == "pending"
    assert needs_by_url(holiday, today=date(2023, 10, 10))[H + "/gfx/h.html"].status == "missing"


# ----------------------------------------------------------------------- metrics


def test_metrics_follow_the_contract():
    pages = [
        doc("/gfx/a.html", "兴庆区甲办法", None, date(2023, 10, 20)),  # on time, video + text
        interp("/jd/a1.html", "《兴庆区甲办法》视频解读", date(2023, 10, 23)),
        interp("/jd/a2.html", "《兴庆区甲办法》解读", date(2023, 10, 23)),
        doc("/gfx/b.html", "兴庆区乙办法", None, date(2023, 10, 2)),  # late, graphic
        interp("/jd/b.html", "图解《兴庆区乙办法》", date(2023, 10, 20)),
        doc("/gfx/c.html", "兴庆区丙办法", None, date(2023, 10, 2)),  # missing
        doc("/gfx/d.html", "兴庆区丁办法", None, date(2023, 10, 31)),  # pending: left out
        doc("/gfx/e.html", "兴庆区戊办法", None, None),  # undated: left out
        interp("/jd/x.html", "《某个不需要解读的文件》视频解读", date(2023, 10, 23)),  # paired with nothing
    ]
    needs = list(needs_by_url(pages).values())
    assert [n.status for n in needs] == ["on-time", "late", "missing", "pending", "undated"]
    assert metrics(needs) == {"interpretation_coverage": 2 / 3, "interpretation_video_share": 1 / 3}
    assert metrics([]) == {"interpretation_coverage": None, "interpretation_video_share": None}
    only_pending = [n for n in needs if n.status == "pending"]
    assert metrics(only_pending) == {"interpretation_coverage": None, "interpretation_video_share": None}


def test_as_json_and_memo():
    pages = [doc("/gfx/a.html", "兴庆区甲办法", "银兴政规发〔2023〕1号", date(2023, 10, 20)),
             interp("/jd/a.html", "《兴庆区甲办法》解读", date(2023, 10, 26))]
    facts = site(*pages)
    cal = WorkdayCalendar.from_settings(SETTINGS)
    first = assess(facts, SETTINGS, TODAY, cal)
    assert assess(facts, SETTINGS, TODAY, cal) is first  # memoised: the second check does not pair again
    assert assess(facts, SETTINGS, date(2023, 11, 2), cal) is not first
    assert [n.status for n in pair(facts, SETTINGS)] == [None]
    assert first[0].as_json() == {
        "url": H + "/gfx/a.html", "title": "兴庆区甲办法", "doc_number": "银兴政规发〔2023〕1号",
        "published_on": "2023-10-20", "reason": f"行政规范性文件（{normative_reason(pages[0])}）",
        "status": "late",
        "working_days": 4, "deadline": "2023-10-25",
        "interpretations": [{"url": H + "/jd/a.html", "title": "《兴庆区甲办法》解读", "published_on": "2023-10-26",
                             "kind": "text", "via": "title"}],
    }
    key = id(facts)
    assert key in interp_mod._MEMO
    del facts, first
    import gc

    gc.collect()
    assert key not in interp_mod._MEMO


def test_site_suffix_of_the_page_title_is_stripped_when_there_is_no_heading():
    d = page("/gfx/a.html", column="行政规范性文件", breadcrumb=GFX,
             doc=DocInfo(index_no="1", published_on=date(2023, 10, 20)), published_on=date(2023, 10, 20))
    d.title = "兴庆区甲办法_银川市兴庆区人民政府"
    e = page("/gfx/b.html", column="行政规范性文件", breadcrumb=GFX,
             doc=DocInfo(index_no="2", published_on=date(2023, 10, 20)), published_on=date(2023, 10, 20))
    e.title = "2023-2025年兴庆区行动方案-兴庆区人民政府"
    pages = [d, e, interp("/jd/a.html", "《兴庆区甲办法》解读", date(2023, 10, 23)),
             interp("/jd/b.html", "《2023—2025年兴庆区行动方案》解读", date(2023, 10, 23))]
    needs = needs_by_url(pages)
    assert needs[H + "/gfx/a.html"].title == "兴庆区甲办法"
    assert needs[H + "/gfx/b.html"].title == "2023-2025年兴庆区行动方案"
    assert all(n.status == "on-time" for n in needs.values())


def test_scales_without_docs_times_texts():
    """2,000 documents and 2,000 interpretations pair in well under a few seconds."""
    import time

    pages = []
    for i in range(2000):
        pages.append(doc(f"/gfx/{i}.html", f"兴庆区第{i}号办法", f"银兴政规发〔2023〕{i + 1}号", date(2023, 10, 20)))
        pages.append(interp(f"/jd/{i}.html", f"政策解读{i}", date(2023, 10, 23),
                            text="正文" * 500 + f"银兴政规发〔2023〕{i + 1}号" + "正文" * 500))
    started = time.perf_counter()
    needs = needs_by_url(pages)
    assert time.perf_counter() - started < 10
    assert all(len(n.interpretations) == 1 and n.interpretations[0].via == "doc-number" for n in needs.values())
