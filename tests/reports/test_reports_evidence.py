"""Evidence shown readably, and only web URLs turned into links."""

from __future__ import annotations

from reports.data import summarise
from reports.evidence import INLINE_LIST_MAX, evidence_text, evidence_tree, web_href
from tests.reports.sample_run import DEPARTMENTS, make_report_input


def test_evidence_text_is_indented_key_value_lines() -> None:
    text = evidence_text(
        {
            "http_status": 404,
            "ok": False,
            "short": ["a", "b"],
            "chain": [["x", "y"], ["z"]],
            "nodes": [{"selector": "img", "count": 2}],
            "empty": [],
        }
    )
    assert text.splitlines() == [
        "http_status: 404",
        "ok: 否",
        "short: a, b",
        "chain:",
        "  - x, y",
        "  - z",
        "nodes:",
        "  -",
        "    selector: img",
        "    count: 2",
        "empty: （空）",
    ]


def test_long_lists_fold_and_short_ones_stay_inline() -> None:
    short, long = evidence_tree(
        {"short": list(range(INLINE_LIST_MAX)), "long": list(range(INLINE_LIST_MAX + 1))}
    )
    assert short.inline and not short.folded
    assert long.folded


def test_only_http_and_https_become_links() -> None:
    assert web_href("https://www.example.gov.cn/a") == "https://www.example.gov.cn/a"
    assert web_href("HTTP://WWW.EXAMPLE.GOV.CN/") == "HTTP://WWW.EXAMPLE.GOV.CN/"
    for value in (
        "javascript:alert(1)",
        " JavaScript:alert(1)",
        "data:text/html,<script>",
        "id-card",
        None,
        404,
    ):
        assert web_href(value) is None


def test_summary_keeps_configured_order_and_empty_departments() -> None:
    summary = summarise(make_report_input())
    assert [s.name for s in summary.sections] == DEPARTMENTS
    assert summary.sections[-1].groups == []
    owner = summary.sections[0]
    assert [g.check.id for g in owner.groups] == ["broken-link", "a11y"]  # catalogue order
    assert summary.total == 4 and summary.by_check["empty-column"] == 0
