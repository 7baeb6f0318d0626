"""report.html groups ``wording`` findings by rule across departments, escaped and highlighted."""

from __future__ import annotations

import re

from govcrawl.model import Finding, Severity
from reports import CheckMeta
from reports.html import highlight, render, wording_groups
from tests.reports.sample_run import make_report_input

BASE = "https://www.example.gov.cn"
WORDING = CheckMeta(id="wording", title="表述错误", severity=Severity.CRITICAL, basis="国办秘函〔2019〕19号",
                    fix="按正确写法改正。")
HOSTILE = "<script>window.__xss=9</script>"


def wording(n: int, department: str, rule: str, found: str, right: str | None, context: str,
            severity=Severity.MAJOR, count: int = 1) -> Finding:
    return Finding(
        id=f"wording:{n:020d}", check="wording", severity=severity, department=department,
        url=f"{BASE}/p{n}.html", target=rule, title=f"页面{n}_兴庆区人民政府", message=f"“{found}”应为“{right}”。",
        evidence={"rule": rule, "kind": "错别字", "found": [found], "right": right, "count": count,
                  "contexts": [context], "source": "《现代汉语词典》（第7版）"},
    )


def _input(findings):
    data = make_report_input()
    data.catalogue = [*data.catalogue, WORDING]
    data.findings = [*data.findings, *findings]
    data.departments = [*data.departments, "教育局"]
    return data


def test_groups_by_rule_across_departments():
    findings = [
        wording(1, "政府办", "typo:布署", "布署", "部署", "…工作进行【布署】。会议…"),
        wording(2, "教育局", "typo:布署", "布署", "部署", "…要求【布署】落实…", count=3),
        wording(3, "教育局", "typo:布署", "布署", "部署", "…再次【布署】…"),
        wording(4, "教育局", "typo:按装", "按装", "安装", "…私自【按装】电暖器…"),
        wording(5, "政府办", "name-title:李四", "区长李四", None, "…【区长李四】出席…", severity=Severity.CRITICAL),
    ]
    groups = wording_groups(findings)
    assert [g["rule"] for g in groups] == ["typo:布署", "name-title:李四", "typo:按装"]  # widest first
    first = groups[0]
    assert first["page_count"] == 3 and first["occurrences"] == 5
    assert first["departments"] == [("教育局", 2), ("政府办", 1)]
    assert first["found"] == ["布署"] and first["right"] == "部署" and first["severity"] == "major"
    assert first["pages"][0]["context"] == ("…要求", "布署", "落实…")
    assert first["pages"][0]["title"] == "页面2"  # the site-name suffix is dropped
    assert groups[1]["severity"] == "critical" and groups[1]["severity_label"] == "严重"

    page = render(_input(findings))
    section = page[page.index('id="wording-rules"'):page.index("</section>", page.index('id="wording-rules"'))]
    assert "表述错误按规则汇总（3 条规则）" in section
    assert section.index("typo:布署") < section.index("typo:按装")
    assert "<mark>布署</mark>" in section and "<del>布署</del>" in section and "<ins>部署</ins>" in section
    assert "教育局（2）" in section and "3 个页面，5 处" in section
    # the per-department sections still list each finding for its owner
    assert page.count('data-check="wording"') >= 5


def test_page_text_in_the_section_is_escaped():
    findings = [wording(1, "政府办", "typo:布署", "布署", "部署", f"{HOSTILE}【布署】<b>x</b>")]
    findings[0].title = HOSTILE
    page = render(_input(findings))
    assert HOSTILE not in page and "<b>x</b>" not in page
    assert "&lt;script&gt;window.__xss=9&lt;/script&gt;" in page
    assert page.count("<script") == 1


def test_no_section_without_wording_findings():
    page = render(_input([]))
    assert 'id="wording-rules"' not in page
    assert not re.search(r"<mark>", page)


def test_highlight_splits_on_the_bracketed_form():
    assert highlight("…【有效】进行【布署】。", ["布署"]) == ("…【有效】进行", "布署", "。")
    assert highlight("没有标记", ["布署"]) == ("没有标记", "", "")
    assert highlight("…【甲】【乙】", ["乙", "甲"]) == ("…", "甲", "【乙】")
