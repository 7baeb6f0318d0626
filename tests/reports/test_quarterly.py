"""The quarterly report: every figure against hand-computed values, and the page it writes.

The main quarter (2023Q3, departments 政府办, 司法局, 财政局):

=========  =====  =====================================================  ==================
run        night  findings (status; W = waived)                          fixed (days)
=========  =====  =====================================================  ==================
before     06-30  A1 open, B1 open, W1 W                                 —
R1         07-03  A1, B1, W1 W, C1 new, D1 new  (no stats: older run)    —
R2         07-10  A1, W1 W, C1, D1, E1 new (homepage stale: veto)        B1 (20)
R3 recheck 07-11  A1, W1 W, D1, E1                       (veto)          C1 (8)
R4 (h2)    08-01  A1, W1 W, D1, C1 reopened, G1 new W, K1 new            E1 (22)
R5         08-05  A1, W1 W, D1, C1, G1 W                                 K1 (4)
R6         09-29  A1, W1 W, G1 W, C1, H1 new                             D1 (88)
=========  =====  =====================================================  ==================
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import re
from dataclasses import replace
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pytest

from govcrawl.model import Finding, RunInfo, Severity
from reports.data import CheckMeta
from reports.quarterly import (
    SCORE_WEIGHTS,
    Figures,
    QuarterInput,
    QuarterSummary,
    RunRecord,
    quarter_label,
    render,
    score_formula,
    score_weights_table,
    summarise,
    write_quarterly,
)

GOV, JUS, FIN = "政府办", "司法局", "财政局"
DEPARTMENTS = [GOV, JUS, FIN]
BASE = "https://www.example.gov.cn"
HOSTILE = "<script>alert(1)</script>"

CATALOGUE = [
    CheckMeta("broken-link", "链接不可用", Severity.CRITICAL),
    CheckMeta("missing-validity", "规范性文件未标注有效性", Severity.MAJOR),
    CheckMeta("a11y", "无障碍问题", Severity.MINOR),
    CheckMeta("stale-column", "栏目长期未更新", Severity.MAJOR),
    CheckMeta("empty-column", "空白栏目", Severity.CRITICAL),
]
SEVERITY = {c.id: c.severity for c in CATALOGUE}
CHECK_OF = {"A1": "broken-link", "B1": "missing-validity", "C1": "broken-link", "D1": "a11y", "E1": "stale-column",
            "G1": "missing-validity", "K1": "a11y", "H1": "a11y", "W1": "a11y"}
DEPT_OF = {"A1": GOV, "B1": JUS, "C1": JUS, "D1": FIN, "E1": GOV, "G1": JUS, "K1": GOV, "H1": GOV, "W1": FIN}
FIRST_SEEN = {"A1": "2023-06-01", "B1": "2023-06-20", "C1": "2023-07-03", "D1": "2023-07-03", "E1": "2023-07-10",
              "G1": "2023-08-01", "K1": "2023-08-01", "H1": "2023-09-29", "W1": "2023-05-01"}
WAIVED = {"W1", "G1"}
WAIVER = {"reason": "栏目改版中", "accepted_by": "政务公开办", "expires": "2023-12-31"}


def finding(fid: str, status: str = "open", night: str | None = None, **extra) -> Finding:
    """One finding of the scenario; the table above gives its check, department and first night."""
    check = extra.pop("check", CHECK_OF.get(fid, "a11y"))
    severity = extra.pop("severity", Severity.CRITICAL if fid == "E1" else SEVERITY.get(check, Severity.MINOR))
    evidence = {"column_class": "首页", "age_days": 20} if fid == "E1" else {}
    return Finding(
        id=fid, check=check, severity=severity, department=extra.pop("department", DEPT_OF.get(fid, GOV)),
        url=f"{BASE}/{fid.lower()}.html", target=None, title=f"页面{fid}",
        message=extra.pop("message", f"问题{fid}"), evidence=extra.pop("evidence", evidence), status=status,
        first_seen=extra.pop("first_seen", FIRST_SEEN.get(fid)), last_seen=night,
        waiver=dict(WAIVER) if fid in WAIVED else None, **extra,
    )


def veto(crossed: set[str] = frozenset(), extra: list[dict] | None = None,
         causes: dict[str, list[str]] | None = None) -> list[dict]:
    """Veto dicts as checks/veto.py gives them; a crossed indicator names the departments that caused it."""
    ids = {"homepage-not-updated": ("首页超过2周未更新", 1), "columns-not-updated": ("栏目未按期更新", 5),
           "columns-long-stale": ("栏目超过1年未更新", 10), "empty-columns": ("空白栏目", 5)}
    causes = {"homepage-not-updated": [GOV], **(causes or {})}
    out = [
        {"id": i, "title": t, "count": th if i in crossed else 0, "threshold": th, "crossed": i in crossed,
         "detail": f"{i} detail", "departments": causes.get(i, []) if i in crossed else []}
        for i, (t, th) in ids.items()
    ]
    return out + (extra or [])


FULL_STATS = {
    "metrics": {"interpretation_coverage": 0.5, "interpretation_video_share": 0.1},
    "metric_targets": {"interpretation_coverage": 1.0, "interpretation_video_share": 0.2},
    "interpretations": [],
    "documents": {},
    "a11y_templates": {"checked": 10, "passing": 7},
}
LAST_STATS = {
    "metrics": {"interpretation_coverage": 0.8, "interpretation_video_share": 0.25},
    "metric_targets": {"interpretation_coverage": 1.0, "interpretation_video_share": 0.2},
    "interpretations": [
        {"status": "on-time", "department": GOV, "published_on": "2023-08-10", "url": f"{BASE}/d1.html"},
        {"status": "late", "department": JUS, "published_on": "2023-07-20", "url": f"{BASE}/d2.html"},
        {"status": "missing", "department": JUS, "published_on": "2023-09-01", "url": f"{BASE}/d3.html"},
        {"status": "late", "department": JUS, "published_on": "2023-03-01", "url": f"{BASE}/d4.html"},  # Q1
        {"status": "pending", "department": FIN, "published_on": "2023-09-27", "url": f"{BASE}/d5.html"},
    ],
    "documents": {
        GOV: {"documents": 5, "normative": 2, "marked": 4, "normative_marked": 2},
        JUS: {"documents": 3, "normative": 2, "marked": 1, "normative_marked": 1},
    },
    "a11y_templates": {"checked": 10, "passing": 9},
}


def record(run_id: str, night: str, present: list[str], fixed: list[str] = (), *, new: set[str] = frozenset(),
           reopened: set[str] = frozenset(), run_stats: dict | None = None, crossed: set[str] = frozenset(),
           homepage_broken: int = 0) -> RunRecord:
    def status(fid: str) -> str:
        return "new" if fid in new else "reopened" if fid in reopened else "open"

    run = RunInfo(id=run_id, site="xq", started=f"{night}T02:00:00+08:00", today=date.fromisoformat(night),
                  status="completed", stats=dict(run_stats or {}))
    return RunRecord(
        run=run,
        findings=[finding(fid, status(fid), night) for fid in present],
        fixed=[replace(finding(fid, "fixed"), waiver=None) for fid in fixed],
        veto=veto(crossed),
        homepage_broken=homepage_broken,
    )


def before_run() -> RunRecord:
    return record("r0", "2023-06-30", ["A1", "B1", "W1"], run_stats={"config_hash": "h1"})


def quarter_runs() -> list[RunRecord]:
    return [
        record("r1", "2023-07-03", ["A1", "B1", "W1", "C1", "D1"], new={"C1", "D1"},
               run_stats={"config_hash": "h1"}),
        record("r2", "2023-07-10", ["A1", "W1", "C1", "D1", "E1"], ["B1"], new={"E1"},
               run_stats={"config_hash": "h1", **FULL_STATS}, crossed={"homepage-not-updated"}),
        record("r3", "2023-07-11", ["A1", "W1", "D1", "E1"], ["C1"],
               run_stats={"config_hash": "h1", "kind": "recheck", **FULL_STATS}, crossed={"homepage-not-updated"}),
        record("r4", "2023-08-01", ["A1", "W1", "D1", "C1", "G1", "K1"], ["E1"], new={"G1", "K1"},
               reopened={"C1"}, run_stats={"config_hash": "h2", **FULL_STATS}),
        record("r5", "2023-08-05", ["A1", "W1", "D1", "C1", "G1"], ["K1"], run_stats={"config_hash": "h2", **FULL_STATS}),
        record("r6", "2023-09-29", ["A1", "W1", "G1", "C1", "H1"], ["D1"], new={"H1"},
               run_stats={"config_hash": "h2", **LAST_STATS}, homepage_broken=1),
    ]


def previous_quarter() -> QuarterInput:
    """2023Q2: one run (the night before Q3), findings A1 (政府办, 严重), B1 (司法局, 重要), W1 waived."""
    return QuarterInput("xq", "兴庆区人民政府", "2023Q2", date(2023, 4, 1), date(2023, 6, 30), date(2023, 6, 30),
                        [before_run()], None, DEPARTMENTS, CATALOGUE)


def make_quarter(**changes) -> QuarterInput:
    q = QuarterInput(
        site_id="xq", site_name="兴庆区人民政府", quarter="2023Q3", start=date(2023, 7, 1), end=date(2023, 9, 30),
        as_of=date(2023, 9, 30), runs=quarter_runs(), before=before_run(), departments=DEPARTMENTS,
        catalogue=CATALOGUE, previous=previous_quarter(), tool_version="1.2.3", generated_at="2023-10-01T09:00:00+08:00",
    )
    return replace(q, **changes)


@pytest.fixture(scope="module")
def summary() -> QuarterSummary:
    return summarise(make_quarter())


def _figures(s: QuarterSummary) -> dict[str, Figures]:
    return dict(s.departments)


# --------------------------------------------------------------------- ledger figures


def test_site_figures(summary: QuarterSummary) -> None:
    assert summary.site == Figures(
        open_at_start=2,  # A1, B1 (W1 waived)
        found=6,  # C1 (new, later reopened: once), D1, E1, G1 (waived later, still found), K1, H1
        fixed=5,  # B1, C1, E1, K1, D1
        waived=2,  # W1, G1 in the last run
        open_at_end=3,  # A1, C1, H1
        median_days_to_fix=20.0,  # 4, 8, 20, 22, 88
        fixed_within_7_days=1,  # K1
        share_fixed_within_7_days=0.2,
    )


def test_department_figures(summary: QuarterSummary) -> None:
    figures = _figures(summary)
    assert list(figures) == DEPARTMENTS
    assert figures[GOV] == Figures(1, 3, 2, 0, 2, 13.0, 1, 0.5)  # E1 22 days, K1 4 days
    assert figures[JUS] == Figures(1, 2, 2, 1, 1, 14.0, 0, 0.0)  # B1 20, C1 8
    assert figures[FIN] == Figures(0, 1, 1, 1, 0, 88.0, 0, 0.0)  # D1 88; W1 waived at start and end
    for key in ("open_at_start", "found", "fixed", "waived", "open_at_end"):
        assert sum(getattr(f, key) for f in figures.values()) == getattr(summary.site, key)


def test_check_figures(summary: QuarterSummary) -> None:
    by_check = {check.id: f for check, f in summary.checks}
    assert by_check["broken-link"] == Figures(1, 1, 1, 0, 2, 8.0, 0, 0.0)
    assert by_check["missing-validity"] == Figures(1, 1, 1, 1, 0, 20.0, 0, 0.0)
    assert by_check["a11y"] == Figures(0, 3, 2, 1, 1, 46.0, 1, 0.5)
    assert by_check["stale-column"] == Figures(0, 1, 1, 0, 0, 22.0, 0, 0.0)
    assert by_check["empty-column"] == Figures(0, 0, 0, 0, 0, None, 0, None)


def test_open_in_several_runs_is_found_once_and_reopened_counts() -> None:
    runs = [
        record("a", "2023-07-03", ["X1"], new={"X1"}),
        record("b", "2023-07-04", ["X1"]),
        record("c", "2023-07-05", [], ["X1"]),
        record("d", "2023-07-06", ["X1", "Y1"], reopened={"X1", "Y1"}),  # Y1: reopened from an earlier quarter
        record("e", "2023-07-07", ["X1", "Y1"], new={"X1"}),  # a second "new" of the same id: still once
    ]
    q = make_quarter(runs=runs, before=None, previous=None)
    site = summarise(q).site
    assert site.found == 2
    assert site.fixed == 1
    assert site.open_at_end == 2
    assert site.open_at_start == 0


def test_waived_is_not_open_at_end(summary: QuarterSummary) -> None:
    open_ids = {item.id for _, items in summary.open_items for item in items}
    assert open_ids == {"A1", "C1", "H1"}
    assert not open_ids & WAIVED


def test_fixed_twice_counts_once_with_the_latest_fix() -> None:
    runs = [
        record("a", "2023-07-03", ["X1"], new={"X1"}),
        record("b", "2023-07-05", [], ["X1"]),  # 2 days after first seen
        record("c", "2023-07-06", ["X1"], reopened={"X1"}),
        record("d", "2023-07-20", [], ["X1"]),  # 17 days after first seen: this fix stands
    ]
    runs[0].findings[0].first_seen = "2023-07-03"
    for r in runs[1:]:
        for f in r.findings + r.fixed:
            f.first_seen = "2023-07-03"
    site = summarise(make_quarter(runs=runs, before=None, previous=None)).site
    assert (site.fixed, site.median_days_to_fix, site.fixed_within_7_days) == (1, 17.0, 0)


# --------------------------------------------------------------------- metrics, trend, open list


def test_headline_metrics(summary: QuarterSummary) -> None:
    metrics = {m.key: m for m in summary.metrics}
    expected = {  # key: (quarter value, target, met)
        "interpretation_coverage": (0.8, 1.0, False),
        "interpretation_video_share": (0.25, 0.2, True),
        "interpretation_on_time": (1 / 3, 1.0, False),  # 1 on-time, 2 late (the Q1 document counts here)
        "a11y_template_pass": (0.9, 1.0, False),
        "homepage_broken_links": (1.0, 0.0, False),
        "normative_validity_marked": (0.75, 1.0, False),  # (2 + 1) / (2 + 2)
    }
    assert {k: (m.value, m.target, m.met) for k, m in metrics.items()} == expected
    coverage = metrics["interpretation_coverage"].points
    assert coverage[0] == (date(2023, 7, 3), None)  # the older run recorded no metrics: no data, no crash
    assert [v for _, v in coverage] == [None, 0.5, 0.5, 0.5, 0.5, 0.8]
    assert [v for _, v in metrics["a11y_template_pass"].points] == [None, 0.7, 0.7, 0.7, 0.7, 0.9]
    assert [v for _, v in metrics["homepage_broken_links"].points] == [0, 0, 0, 0, 0, 1]
    assert [v for _, v in metrics["interpretation_on_time"].points] == [None, None, None, None, None, 1 / 3]


def test_trend_counts_open_non_waived_per_run(summary: QuarterSummary) -> None:
    assert [(p.today.isoformat(), p.open) for p in summary.runs] == [
        ("2023-07-03", 4), ("2023-07-10", 4), ("2023-07-11", 3), ("2023-08-01", 4), ("2023-08-05", 3), ("2023-09-29", 3),
    ]
    assert summary.runs[0].open_by_department == {GOV: 1, JUS: 2, FIN: 1}
    assert [p.kind for p in summary.runs] == ["full", "full", "recheck", "full", "full", "full"]


def test_open_items_oldest_first_with_age(summary: QuarterSummary) -> None:
    assert [(dept, [(i.id, i.age_days) for i in items]) for dept, items in summary.open_items] == [
        (GOV, [("A1", 121), ("H1", 1)]),
        (JUS, [("C1", 89)]),
    ]
    assert summary.open_items[0][1][0].first_seen == date(2023, 6, 1)


# --------------------------------------------------------------------- ranking


def test_score_and_ranking(summary: QuarterSummary) -> None:
    rows = {r.department: r for r in summary.ranking}
    # 政府办: 100 - 5 (A1) - 0.5 (H1) - (13 - 7) + 10 * 0.5 = 93.5
    assert rows[GOV].score == 93.5
    assert rows[GOV].points == {"base": 100.0, "open_critical": -5.0, "open_major": 0.0, "open_minor": -0.5,
                                "slow_fix": -6.0, "fast_fix_bonus": 5.0, "late_interpretation": 0.0,
                                "missing_interpretation": 0.0}
    # 司法局: 100 - 5 (C1) - (14 - 7) - 2 x 1 late (the Q1 late one excluded) - 3 x 1 missing = 83
    assert (rows[JUS].score, rows[JUS].late_interpretations, rows[JUS].missing_interpretations) == (83.0, 1, 1)
    # 财政局: 100 - min(20, 88 - 7); a pending interpretation costs nothing = 80
    assert rows[FIN].score == 80.0
    assert [(r.rank, r.department) for r in summary.ranking] == [(1, GOV), (2, JUS), (3, FIN)]


def test_change_against_previous_quarter(summary: QuarterSummary) -> None:
    # Q2 scores: 政府办 95 (A1), 司法局 98 (B1), 财政局 100 (W1 waived) -> ranks 3, 2, 1
    rows = {r.department: r for r in summary.ranking}
    assert (rows[GOV].previous_rank, rows[GOV].rank_change, rows[GOV].score_delta) == (3, 2, -1.5)
    assert (rows[JUS].previous_rank, rows[JUS].rank_change, rows[JUS].score_delta) == (2, 0, -15.0)
    assert (rows[FIN].previous_rank, rows[FIN].rank_change, rows[FIN].score_delta) == (1, -2, -20.0)


def test_no_previous_quarter_means_no_change() -> None:
    for previous in (None, replace(previous_quarter(), runs=[])):
        rows = summarise(make_quarter(previous=previous)).ranking
        assert all(r.previous_rank is None and r.rank_change is None and r.score_delta is None for r in rows)
    page = render(make_quarter(previous=None))
    assert "无上季度数据" in page


def test_equal_scores_share_a_rank() -> None:
    q = make_quarter(runs=[record("a", "2023-07-03", ["A1"], new={"A1"})], before=None, previous=None)
    assert [(r.rank, r.department, r.score) for r in summarise(q).ranking] == [
        (1, JUS, 100.0), (1, FIN, 100.0), (3, GOV, 95.0),
    ]


def test_weights_are_stated() -> None:
    rows = dict(score_weights_table())
    assert rows["季度末未整改的严重问题"] == f"每条扣 {SCORE_WEIGHTS['open_critical']:g} 分"
    assert "得分 = 100 − 5×严重问题数 − 2×重要问题数 − 0.5×一般问题数" in score_formula()


# --------------------------------------------------------------------- exposure calendar


def test_exposure_calendar(summary: QuarterSummary) -> None:
    days = {d.day.isoformat(): d for d in summary.exposure.days}
    assert len(days) == 92
    assert days["2023-07-01"].state == "ok" and days["2023-07-01"].run_id == "r0"  # the night before the quarter
    assert days["2023-07-02"].state == "no-run"  # no run that night or the night before: grey, not guessed
    assert days["2023-07-04"].run_id == "r1"  # crawl past midnight
    assert [days[d].state for d in ("2023-07-10", "2023-07-11", "2023-07-12")] == ["crossed"] * 3
    assert days["2023-07-11"].run_id == "r3"  # the most recent of the night's runs
    assert days["2023-07-13"].state == "no-run"  # still red two days on? unknown, so grey
    assert days["2023-07-10"].departments == [GOV]
    assert [c.indicator for c in days["2023-07-10"].crossed] == ["homepage-not-updated"]
    assert (summary.exposure.days_in("crossed"), summary.exposure.days_in("ok"),
            summary.exposure.days_in("no-run")) == (3, 9, 80)
    assert summary.exposure.days_by_department() == {GOV: 3}
    states = {c.indicator: c.state for c in days["2023-09-30"].cells}
    assert states["site-unavailable"] == states["wording-errors"] == "not-checked"
    assert states["empty-columns"] == "ok"


def test_exposure_generic_and_column_indicators() -> None:
    empties = [finding(f"E{i}", "new", "2023-07-03", check="empty-column", department=dept, evidence={})
               for i, dept in enumerate([FIN, FIN, JUS, "档案馆", JUS], start=2)]
    rec = record("a", "2023-07-03", [], run_stats={"config_hash": "h1"}, crossed={"empty-columns"})
    rec.findings = [*empties, finding("S1", "new", "2023-07-03", check="site-unavailable", department=GOV)]
    rec.veto = veto({"empty-columns"}, causes={"empty-columns": [FIN, JUS, "档案馆"]}) + [
        {"id": "site-unavailable", "title": "站点无法访问", "count": 1, "threshold": 1, "crossed": True, "detail": "",
         "departments": [GOV]},
        {"id": "new-indicator", "title": "新的否决指标", "count": 2, "threshold": 1, "crossed": True, "detail": "2 项"},
    ]
    s = summarise(make_quarter(runs=[rec], before=None, previous=None, as_of=date(2023, 7, 5)))
    assert [i for i, _ in s.exposure.columns][-4:] == ["site-unavailable", "wording-errors", "messages-unanswered",
                                                       "new-indicator"]
    day = s.exposure.days[2]
    cells = {c.indicator: c for c in day.cells}
    assert cells["empty-columns"].departments == [JUS, FIN, "档案馆"]  # report order, then the unconfigured one
    assert cells["site-unavailable"].departments == [GOV]
    assert cells["new-indicator"].state == "crossed" and cells["new-indicator"].departments == []
    assert cells["wording-errors"].state == "not-checked"
    assert [d.state for d in s.exposure.days] == ["no-run", "no-run", "crossed", "crossed", "no-run"]
    assert [name for name, _ in s.departments] == [*DEPARTMENTS, "档案馆"]
    page = render(s)
    assert "未能归属部门" in page and "新的否决指标" in page


def test_run_without_veto_data_is_unchecked() -> None:
    rec = record("a", "2023-07-01", [], run_stats={"config_hash": "h1"})
    rec.veto = []
    s = summarise(make_quarter(runs=[rec], before=None, previous=None, as_of=date(2023, 7, 1)))
    assert s.exposure.days[0].state == "unchecked"
    assert {c.state for c in s.exposure.days[0].cells} == {"not-checked"}


# --------------------------------------------------------------------- notes and special quarters


def test_notes(summary: QuarterSummary) -> None:
    text = "\n".join(summary.notes)
    assert "本季度尚未结束" not in text
    assert "检查配置发生过变化（2023-08-01）" in text
    assert "有 1 次是对少量页面的当场复查（2023-07-11）" in text
    assert (  # the older run lacks five keys: one note, not five
        "1 次运行未记录政策解读指标、指标目标值（缺少时按工作要点目标计）、政策解读明细、文件有效性标注统计、"
        "模板无障碍检测统计（2023-07-03，多为较早版本的运行），相应指标在这些日期显示“无数据”。"
    ) in summary.notes
    assert len(summary.notes) == 3
    assert "没有已完成的运行记录" not in text


def test_partial_quarter() -> None:
    q = make_quarter(runs=quarter_runs()[:5], as_of=date(2023, 8, 6))
    s = summarise(q)
    assert s.partial
    assert any("截至 2023年8月6日，本季度尚未结束" in n for n in s.notes)
    assert len(s.exposure.days) == 37  # 07-01 .. 08-06
    assert (s.site.open_at_end, s.site.waived, s.site.found, s.site.fixed) == (3, 2, 5, 4)
    assert [(i.id, i.age_days) for _, items in s.open_items for i in items] == [("A1", 66), ("C1", 34), ("D1", 34)]
    assert "本季度尚未结束" in render(s)


def test_empty_quarter_renders(tmp_path: Path) -> None:
    q = make_quarter(runs=[], before=None, previous=None)
    s = summarise(q)
    assert s.site == Figures(0, 0, 0, None, None, None, 0, None)
    assert s.ranking == [] and s.runs == [] and s.open_items == []
    assert all(m.value is None and m.met is None for m in s.metrics)
    assert {d.state for d in s.exposure.days} == {"no-run"} and len(s.exposure.days) == 92
    assert any("没有已完成的运行记录" in n for n in s.notes)
    assert any("“季度初未整改”按 0 计" in n for n in s.notes)
    paths = write_quarterly(q, tmp_path)
    page = paths["html"].read_text(encoding="utf-8")
    assert "本季度无运行记录" in page and "无数据" in page
    assert json.loads(paths["json"].read_text(encoding="utf-8")) == s.as_json()


def test_empty_quarter_with_a_run_before() -> None:
    s = summarise(make_quarter(runs=[], previous=None))
    assert (s.site.open_at_start, s.site.open_at_end) == (2, None)
    assert [d.state for d in s.exposure.days[:2]] == ["ok", "no-run"]


def test_quarter_label() -> None:
    assert quarter_label("2023Q3") == "2023年第三季度"
    assert quarter_label("whatever") == "whatever"


# --------------------------------------------------------------------- the files


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    q = make_quarter()
    q.runs[-1].findings[-1].message = HOSTILE  # H1, open at the end: shown in the list
    return write_quarterly(q, tmp_path_factory.mktemp("quarterly"))


@pytest.fixture(scope="module")
def page(written: dict[str, Path]) -> str:
    return written["html"].read_text(encoding="utf-8")


def test_paths(written: dict[str, Path]) -> None:
    assert set(written) == {"html", "json"}
    assert written["html"].name == "quarterly.html" and written["json"].name == "quarterly.json"


def test_json_round_trips(written: dict[str, Path]) -> None:
    raw = written["json"].read_text(encoding="utf-8")
    assert "政府办" in raw  # ensure_ascii=False: readable Chinese
    data = json.loads(raw)
    q = make_quarter()
    q.runs[-1].findings[-1].message = HOSTILE
    assert data == summarise(q).as_json()
    assert list(data) == ["schema", "site", "site_name", "quarter", "period", "generated_at", "tool_version",
                          "notes", "runs", "totals", "departments", "checks", "metrics", "open_at_end", "ranking",
                          "exposure", "availability"]
    assert data["totals"]["median_days_to_fix"] == 20.0
    assert data["ranking"]["weights"] == SCORE_WEIGHTS
    assert data["ranking"]["rows"][0]["department"] == GOV and data["ranking"]["rows"][0]["rank_change"] == 2
    assert data["exposure"]["summary"]["crossed"] == 3


def test_page_headings_and_weights(page: str) -> None:
    for heading in ("兴庆区人民政府 2023年第三季度", "数据说明", "季度概况", "各部门整改情况", "各检查项情况",
                    "工作要点指标完成情况", "未整改问题数量走势", "部门互观互比", "计分规则",
                    "单项否决风险日历", "季度末仍未整改的问题（3 条）"):
        assert heading in page, heading
    for item, rule in score_weights_table():
        assert f"<td>{html.escape(item, quote=False)}</td><td>{html.escape(rule, quote=False)}</td>" in page
    assert html.escape(score_formula(), quote=False) in page
    assert "↑2" in page and "↓2" in page and "−1.5" in page
    assert "93.5" in page
    assert page.count("<svg") == 1 + len(DEPARTMENTS) + 6  # site trend, departments, six metrics
    assert 'class="day-crossed" data-day="2023-07-10"' in page
    assert 'class="day-no-run" data-day="2023-07-02"' in page
    assert "尚未检查" in page


def test_page_is_self_contained_and_escaped(page: str) -> None:
    tags = _Tags()
    tags.feed(page)
    assert not [t for t, a in tags.tags if {"src", "srcset", "data", "poster", "action"} & set(a)]
    assert not [t for t, _ in tags.tags if t in {"script", "link", "img", "iframe", "object", "embed", "base"}]
    finding_urls = {f"{BASE}/{fid.lower()}.html" for fid in ("A1", "C1", "H1")}
    hrefs = {a["href"] for t, a in tags.tags if "href" in a}
    assert hrefs == finding_urls  # the only links: the open findings' pages, shown as links
    assert "@import" not in page and "url(" not in page and "@font-face" not in page
    assert HOSTILE not in page and html.escape(HOSTILE, quote=False) in page


def test_print_stylesheet_and_csp(page: str) -> None:
    style = re.search(r"<style>(.*?)</style>", page, re.S).group(1)
    assert "@media print" in style and "size: A4" in style and "break-before: page" in style
    assert page.count('<section class="big') == 6
    csp = html.unescape(re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page).group(1))
    digest = base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()
    assert "default-src 'none'" in csp and f"style-src 'sha256-{digest}'" in csp
    assert "script-src" not in csp


def test_render_is_deterministic() -> None:
    assert render(make_quarter()) == render(make_quarter())


def test_availability_weeks_are_shown() -> None:
    q = make_quarter()
    assert "本季度没有可用性探测记录" in render(q)
    q.availability = [
        {"start": "2023-07-01", "end": "2023-07-07", "probes": 672, "failures": 40, "rate": 40 / 672,
         "crossed": True, "longest_outage": {"start": "2023-07-03T14:00:00+08:00", "end": "2023-07-03T23:45:00+08:00",
                                              "failed_probes": 40, "ongoing": False}},
        {"start": "2023-07-08", "end": "2023-07-14", "probes": 12, "failures": 0, "rate": 0.0, "crossed": False,
         "longest_outage": None},
    ]
    page = render(q)
    assert "2023-07-01 至 2023-07-07</th><td>672</td><td>40</td><td class=\"short\">5.95%</td>" in page
    assert "40 次（2023-07-03 14:00 起）" in page
    assert "<td>12</td><td>0</td><td class=\"\">0.00%</td><td class=\"\">探测不足</td>" in page
    assert summarise(q).as_json()["availability"] == q.availability
