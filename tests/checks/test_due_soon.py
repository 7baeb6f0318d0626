"""Due soon: validity ending within 60 days, interpretations due by the next working day, consultations closing."""

from datetime import date

from checks.due_soon import due_soon
from checks.workdays import WorkdayCalendar
from govcrawl.facts import SiteFacts
from govcrawl.model import DocInfo
from tests.checks.conftest import H, page

TODAY = date(2023, 11, 1)  # a Wednesday


def doc(path, published=date(2023, 5, 1), **fields):
    info = DocInfo(index_no="11640104/2023-1", doc_number=fields.pop("number", "银兴政规发〔2023〕1号"),
                   published_on=published, validity=fields.pop("validity", "有效"), **fields)
    return page(path, column="行政规范性文件", doc=info, published_on=published)


def consultation(path, text):
    return page(path, column="征求意见", heading="关于公开征求意见的公告", text=text, published_on=date(2023, 10, 10))


def run(pages):
    site = SiteFacts.build(pages, homepage=H + "/")
    settings = {"interpretation": {"required_doc_numbers": []}}
    return {(i.kind, i.url.removeprefix(H)): i for i in due_soon(site, settings, TODAY, WorkdayCalendar())}


def test_validity_within_60_days_only_when_not_marked_invalid():
    found = run([
        doc("/gfxwj/a.html", valid_until=date(2023, 12, 1)),
        doc("/gfxwj/b.html", valid_until=date(2024, 3, 1)),  # 121 days: not yet
        doc("/gfxwj/c.html", valid_until=date(2023, 12, 1), validity="失效"),  # already marked
        doc("/gfxwj/d.html", valid_until=date(2023, 10, 31)),  # already past: a finding, not "due soon"
    ])
    validity = {url for kind, url in found if kind == "validity"}
    assert validity == {"/gfxwj/a.html"}
    assert found["validity", "/gfxwj/a.html"].due == date(2023, 12, 1)
    assert "30 天" in found["validity", "/gfxwj/a.html"].detail


def test_interpretation_due_by_the_next_working_day():
    found = run([doc("/gfxwj/mon.html", published=date(2023, 10, 30)),  # due Thu 11-02: next working day
                 doc("/gfxwj/wed.html", published=date(2023, 11, 1))])  # due Mon 11-06: not yet
    interp = {url: item.due for (kind, url), item in found.items() if kind == "interpretation"}
    assert interp == {"/gfxwj/mon.html": date(2023, 11, 2)}


def test_consultations_closing_within_a_week():
    found = run([
        consultation("/yjzj/a.html", "征集时间：2023年10月10日至2023年11月5日。"),
        consultation("/yjzj/b.html", "征集时间：2023年10月10日至2023年11月30日。"),
        consultation("/yjzj/c.html", "征集时间：2023年10月1日至2023年10月31日。"),
    ])
    assert {url for kind, url in found if kind == "consultation"} == {"/yjzj/a.html"}
