"""The per-department table of documents to fix, and the share of documents with a validity marking."""

from __future__ import annotations

import json
from dataclasses import replace

from govcrawl.model import Finding, Severity
from reports import CheckMeta
from reports.data import summarise
from reports.html import render
from reports.json import dumps
from tests.reports.sample_run import make_report_input

BASE = "https://www.example.gov.cn"
DOC = f"{BASE}/zwgk/gfxwj/t20210520_1.html"
OTHER = f"{BASE}/zwgk/gfxwj/t20230301_2.html"

VALIDITY = CheckMeta("missing-validity", "规范性文件未标注有效性", Severity.MAJOR, fix="标注有效性。", subject="document")
EXPIRED = CheckMeta("expired-document", "文件有效期已过但未标注失效", Severity.MAJOR, fix="标注失效。", subject="document")
LINKS = CheckMeta("broken-link", "链接不可用", Severity.CRITICAL, fix="修改链接。")


def _finding(check: CheckMeta, url: str, dept: str = "司法局", **evidence) -> Finding:
    return Finding(f"{check.id}:{url[-8:]}", check.id, check.severity, dept, url, None, f"标题{url[-6:]}",
                   f"{check.title}。", evidence)


def _input():
    data = make_report_input()
    ev = {"doc_number": "兴司规发〔2021〕2号", "written_on": "2021-05-18", "published_on": "2021-05-20"}
    findings = [
        _finding(VALIDITY, DOC, **ev),
        _finding(EXPIRED, DOC, **ev),
        _finding(EXPIRED, OTHER, doc_number="兴司规发〔2023〕1号", published_on="2023-03-01"),
        # A page check whose evidence happens to carry a 文号 is no document row.
        _finding(LINKS, f"{BASE}/sfj/a.html", doc_number="兴司发〔2023〕5号"),
    ]
    return replace(
        data,
        findings=findings,
        catalogue=[LINKS, VALIDITY, EXPIRED],
        departments=["政府办", "司法局"],
        documents={"司法局": {"documents": 4, "normative": 3, "marked": 2, "normative_marked": 1}},
    )


def test_one_row_per_document_with_its_problems_and_fixes():
    sections = {s.name: s for s in summarise(_input()).sections}
    rows = sections["司法局"].documents
    assert [r.url for r in rows] == [OTHER, DOC]  # newest publication first
    doc = rows[1]
    assert doc.doc_number == "兴司规发〔2021〕2号" and doc.written_on == "2021-05-18"
    assert [check.id for check, _ in doc.problems] == ["missing-validity", "expired-document"]
    assert doc.fixes == ["标注有效性。", "标注失效。"]
    assert sections["政府办"].documents == []
    share = sections["司法局"].document_share
    assert (share.marked_share, share.normative_marked_share) == (0.5, 1 / 3)
    assert sections["政府办"].document_share.marked_share is None  # no documents: no share, not 0%


def test_html_shows_the_table_and_the_shares():
    page = render(_input())
    assert "文件问题清单（2 个文件）" in page
    assert "兴司规发〔2021〕2号" in page and "2021-05-18" in page
    assert "兴司发〔2023〕5号" not in page.split("文件问题清单")[1].split("</table>")[0]
    assert "各部门文件有效性标注情况" in page
    assert "<td>50%</td>" in page and "33%" in page


def test_json_carries_the_shares_and_nothing_without_data():
    doc = json.loads(dumps(_input()))
    assert doc["summary"]["documents"]["司法局"]["normative_marked"] == 1
    assert doc["summary"]["documents"]["政府办"]["documents"] == 0
    bare = replace(_input(), documents={})
    assert json.loads(dumps(bare))["summary"]["documents"] == {}
    assert "各部门文件有效性标注情况" not in render(bare)


def test_document_title_drops_the_site_suffix_only():
    from reports.html import document_title

    assert document_title("兴庆区政府购买服务管理办法_兴庆区人民政府(演示)") == "兴庆区政府购买服务管理办法"
    assert document_title("关于印发《办法》的通知 - 银川市人民政府门户网站") == "关于印发《办法》的通知"
    assert document_title("2023—2024年度冬季清雪除冰工作方案") == "2023—2024年度冬季清雪除冰工作方案"
    assert document_title("兴庆区2023-2025年行动计划") == "兴庆区2023-2025年行动计划"
    assert document_title(None) == "（无标题）"
