"""findings.json keeps the shape of contract §3 and round-trips to Finding."""

from __future__ import annotations

import json
from pathlib import Path

from govcrawl.model import Finding, Severity
from reports.json import SCHEMA, findings_document
from tests.reports.sample_run import DEPARTMENTS, EMPTY_DEPARTMENT, make_report_input

RUN_KEYS = {
    "id": str,
    "started": str,
    "finished": str,
    "today": str,
    "pages_crawled": int,
    "tool_version": str,
}
FINDING_KEYS = {
    "id",
    "check",
    "severity",
    "department",
    "url",
    "target",
    "title",
    "message",
    "evidence",
    "occurrences",
}


def test_file_is_utf8_readable_chinese_and_indented(written: dict[str, Path]) -> None:
    raw = written["json"].read_bytes()
    text = raw.decode("utf-8")
    assert "银川市兴庆区人民政府" in text  # ensure_ascii=False: no \\u escapes
    assert "\\u" not in text.split('"findings"')[0]
    assert text.splitlines()[1].startswith('  "schema"')  # indent 2


def test_contract_shape(written: dict[str, Path]) -> None:
    doc = json.loads(written["json"].read_text(encoding="utf-8"))
    assert doc["schema"] == SCHEMA == "govcrawl.findings/1"
    assert doc["site"] == "xingqing"
    for key, kind in RUN_KEYS.items():
        assert isinstance(doc["run"][key], kind), key
    assert doc["run"]["today"] == "2023-11-01"

    summary = doc["summary"]
    assert set(summary) >= {"by_check", "by_department", "metrics"}
    assert all(isinstance(k, str) and isinstance(v, int) for k, v in summary["by_check"].items())
    assert summary["by_check"] == {"broken-link": 2, "missing-validity": 1, "a11y": 1, "empty-column": 0}
    assert list(summary["by_department"]) == DEPARTMENTS
    assert summary["by_department"][EMPTY_DEPARTMENT] == 0
    assert summary["metrics"] == {"interpretation_coverage": 0.5, "interpretation_video_share": None}

    findings = doc["findings"]
    assert len(findings) == 4
    assert sum(summary["by_check"].values()) == sum(summary["by_department"].values()) == len(findings)
    ids = [f["id"] for f in findings]
    assert len(set(ids)) == len(ids) and all(ids)
    for finding in findings:
        assert set(finding) == FINDING_KEYS
        assert finding["severity"] in {"critical", "major", "minor"}
        assert finding["url"].startswith(("http://", "https://"))
        assert finding["target"] is None or isinstance(finding["target"], str)
        assert finding["title"] is None or isinstance(finding["title"], str)
        assert isinstance(finding["message"], str) and finding["message"]
        assert isinstance(finding["evidence"], dict)
        assert isinstance(finding["occurrences"], list)


def test_findings_round_trip_in_caller_order(written: dict[str, Path]) -> None:
    doc = json.loads(written["json"].read_text(encoding="utf-8"))
    restored = [Finding.from_json(f) for f in doc["findings"]]
    assert restored == make_report_input().findings
    assert restored[0].severity is Severity.CRITICAL


def test_finding_of_unconfigured_department_and_unknown_check_is_kept() -> None:
    data = make_report_input()
    stray = Finding.from_json(
        data.findings[0].as_json() | {"id": "x:1", "check": "retired-check", "department": "旧部门"}
    )
    data.findings.append(stray)
    doc = findings_document(data)
    assert doc["summary"]["by_department"]["旧部门"] == 1
    assert doc["summary"]["by_check"]["retired-check"] == 1
    assert sum(doc["summary"]["by_check"].values()) == len(doc["findings"]) == 5
