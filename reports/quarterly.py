"""The quarterly report (plan items 28 and 32): what a quarter of nightly runs adds up to.

The office (政务公开办) reports progress every quarter and compares departments
with each other (互观互比、赶超提升). Every figure here is counted from what the
nightly runs already stored: findings with their lifecycle (``govcrawl.lifecycle``),
the fixed lists, each run's veto indicators and ``run.stats``. Nothing is
re-judged: a report that disagreed with the nightly findings would not be
trusted by either side.

The CLI assembles a :class:`QuarterInput` from the store and calls
:func:`summarise` / :func:`write_quarterly`; this module is pure over that data
(no store, no checks, no crawler), so every number can be tested on runs built
by hand. Where data are missing (no run, older runs without a stats key,
different configurations inside the quarter), the report says so in a note
instead of guessing.
"""

from __future__ import annotations

import base64
import hashlib
import json
import math
import re
import statistics
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from markupsafe import Markup, escape

from govcrawl.model import Finding, RunInfo, Severity

from .data import SEVERITY_LABELS, SEVERITY_ORDER, CheckMeta, severity_of
from .evidence import web_href
from .files import write_text_atomic
from .html import environment

SCHEMA = "govcrawl.quarterly/1"
TEMPLATE = "quarterly.html.j2"
STYLESHEET = "quarterly.css.j2"
FILE_NAMES: dict[str, str] = {"html": "quarterly.html", "json": "quarterly.json"}

# Lifecycle statuses (govcrawl.lifecycle) that mean "found during this run".
FOUND_STATUSES = frozenset({"new", "reopened"})
# Plan item 26 asks for problems to be fixed promptly; a week is the yardstick the office uses.
FIX_DAYS_TARGET = 7

# The department score (plan item 28). Printed beside the ranking, generated from
# these numbers, so the text and the arithmetic cannot drift apart.
SCORE_WEIGHTS: dict[str, float] = {
    "base": 100,  # every department starts here
    "open_critical": 5,  # per 严重 finding still open at quarter end
    "open_major": 2,  # per 重要 finding still open at quarter end
    "open_minor": 0.5,  # per 一般 finding still open at quarter end
    "slow_fix_per_day": 1,  # per day the median days-to-fix exceeds FIX_DAYS_TARGET
    "slow_fix_cap": 20,  # at most this many points for slow fixing
    "fast_fix_bonus": 10,  # times the share of fixes made within FIX_DAYS_TARGET days
    "late_interpretation": 2,  # per document of the quarter interpreted late
    "missing_interpretation": 3,  # per document of the quarter still without interpretation
}
_OPEN_WEIGHT_KEYS: dict[Severity, str] = {
    Severity.CRITICAL: "open_critical",
    Severity.MAJOR: "open_major",
    Severity.MINOR: "open_minor",
}

# Veto indicators (checks/veto.py ids). A column says 尚未检查 on days no run carried it
# (runs made before the indicator existed).
KNOWN_VETO: dict[str, str] = {
    "homepage-not-updated": "首页超过2周未更新",
    "columns-not-updated": "动态、通知公告、政策文件类栏目未按期更新",
    "columns-long-stale": "栏目超过1年未更新",
    "empty-columns": "空白栏目",
    "site-unavailable": "站点无法访问",
    "wording-errors": "严重表述错误",
    "messages-unanswered": "互动回应差",
}

# run.stats keys the quarter reads, with what the note calls them when a run lacks one.
STATS_KEYS: dict[str, str] = {
    "metrics": "政策解读指标",
    "metric_targets": "指标目标值（缺少时按工作要点目标计）",
    "interpretations": "政策解读明细",
    "documents": "文件有效性标注统计",
    "a11y_templates": "模板无障碍检测统计",
    "config_hash": "检查配置指纹",
}

NO_DATA = "无数据"
_WEEKDAYS = "一二三四五六日"
_QUARTER_WORDS = {"1": "一", "2": "二", "3": "三", "4": "四"}


# --------------------------------------------------------------------- input


@dataclass
class RunRecord:
    """One completed run of the quarter as the CLI loads it from the store."""

    run: RunInfo
    findings: list[Finding] = field(default_factory=list)  # waived ones included (waiver set)
    fixed: list[Finding] = field(default_factory=list)  # gone since the previous run
    veto: list[dict] = field(default_factory=list)  # id, title, count, threshold, crossed, detail
    homepage_broken: int = 0  # broken-link findings on the homepage


@dataclass
class QuarterInput:
    """Everything the quarterly report shows; assembled by the CLI, never read from the store here."""

    site_id: str
    site_name: str
    quarter: str  # "2023Q3"
    start: date
    end: date
    as_of: date  # data cut-off; the quarter is partial when as_of < end
    runs: list[RunRecord]  # completed runs with start <= run.today <= as_of, oldest first
    before: RunRecord | None  # last completed run before start: defines "open at start"
    departments: list[str]
    catalogue: list[CheckMeta]
    previous: QuarterInput | None = None  # the previous quarter (its own .previous is None)
    tool_version: str = ""
    generated_at: str = ""
    # Availability probes by week of the quarter (govcrawl.availability.Availability.as_json); empty: not probed.
    availability: list[dict] = field(default_factory=list)


# --------------------------------------------------------------------- output


@dataclass
class Figures:
    """The quarter's counts for the site, one department or one check."""

    open_at_start: int
    found: int
    fixed: int
    waived: int | None  # None: no run in the quarter
    open_at_end: int | None  # None: no run in the quarter
    median_days_to_fix: float | None
    fixed_within_7_days: int
    share_fixed_within_7_days: float | None

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class RunPoint:
    """One run of the quarter on the trend chart."""

    id: str
    today: date
    kind: str  # "full" or "recheck"
    config_hash: str | None
    open: int
    open_by_department: dict[str, int]

    def as_json(self) -> dict[str, Any]:
        return {**asdict(self), "today": self.today.isoformat()}


@dataclass
class MetricSeries:
    """One headline metric of the plan over the quarter; the quarter value is the last run's."""

    key: str
    label: str
    kind: str  # "share" (0..1) or "count"
    target: float
    higher_is_better: bool
    basis: str
    points: list[tuple[date, float | None]]
    value: float | None
    met: bool | None

    def as_json(self) -> dict[str, Any]:
        return {
            "key": self.key, "label": self.label, "kind": self.kind, "target": self.target,
            "higher_is_better": self.higher_is_better, "basis": self.basis, "value": self.value, "met": self.met,
            "points": [{"today": night.isoformat(), "value": value} for night, value in self.points],
        }


@dataclass
class OpenItem:
    """A finding still open at the end of the quarter, with how long it has waited."""

    id: str
    check: str
    check_title: str
    severity: Severity
    department: str
    url: str
    target: str | None
    title: str | None
    message: str
    first_seen: date | None
    age_days: int | None

    def as_json(self) -> dict[str, Any]:
        return {
            **asdict(self), "severity": str(self.severity),
            "first_seen": self.first_seen.isoformat() if self.first_seen else None,
        }


@dataclass
class ScoreRow:
    """One department's score, each deduction shown, and its place in the ranking."""

    department: str
    open_by_severity: dict[str, int]
    median_days_to_fix: float | None
    share_fixed_within_7_days: float | None
    late_interpretations: int
    missing_interpretations: int
    points: dict[str, float]  # component -> signed points (deductions negative)
    score: float
    rank: int = 0
    previous_rank: int | None = None
    previous_score: float | None = None

    @property
    def rank_change(self) -> int | None:
        """Places gained since the previous quarter (positive = moved up)."""
        return None if self.previous_rank is None else self.previous_rank - self.rank

    @property
    def score_delta(self) -> float | None:
        return None if self.previous_score is None else round(self.score - self.previous_score, 2)

    def as_json(self) -> dict[str, Any]:
        return {**asdict(self), "rank_change": self.rank_change, "score_delta": self.score_delta}


@dataclass
class ExposureCell:
    """One veto indicator on one day: crossed, ok or not checked by the run that covers the day."""

    indicator: str
    state: str  # crossed | ok | not-checked
    count: int | None = None
    threshold: int | None = None
    detail: str = ""
    departments: list[str] = field(default_factory=list)


@dataclass
class ExposureDay:
    """One calendar day and the run that speaks for it (a run that night or the night before)."""

    day: date
    run_id: str | None
    run_today: date | None
    state: str  # crossed | ok | no-run | unchecked (the run had no veto data)
    cells: list[ExposureCell]

    @property
    def crossed(self) -> list[ExposureCell]:
        return [cell for cell in self.cells if cell.state == "crossed"]

    @property
    def departments(self) -> list[str]:
        return list(dict.fromkeys(d for cell in self.crossed for d in cell.departments))

    def as_json(self) -> dict[str, Any]:
        return {
            "day": self.day.isoformat(), "run_id": self.run_id,
            "run_today": self.run_today.isoformat() if self.run_today else None, "state": self.state,
            "cells": [asdict(cell) for cell in self.cells], "departments": self.departments,
        }


@dataclass
class Exposure:
    """The veto exposure calendar: every day from the quarter's start to the cut-off."""

    columns: list[tuple[str, str]]  # (indicator id, Chinese title)
    days: list[ExposureDay]

    def days_in(self, state: str) -> int:
        return sum(1 for day in self.days if day.state == state)

    def days_by_indicator(self) -> dict[str, int]:
        return {ind: sum(1 for d in self.days for c in d.crossed if c.indicator == ind) for ind, _ in self.columns}

    def days_by_department(self) -> dict[str, int]:
        counts: Counter[str] = Counter(dept for day in self.days for dept in day.departments)
        return dict(counts.most_common())

    def as_json(self) -> dict[str, Any]:
        return {
            "columns": [{"id": ind, "title": title} for ind, title in self.columns],
            "summary": {
                "days": len(self.days), **{state: self.days_in(state) for state in ("crossed", "ok", "no-run", "unchecked")},
                "by_indicator": self.days_by_indicator(), "by_department": self.days_by_department(),
            },
            "days": [day.as_json() for day in self.days],
        }


@dataclass
class QuarterSummary:
    """Every figure of the quarterly report, computed once for the HTML page and quarterly.json."""

    site_id: str
    site_name: str
    quarter: str
    quarter_label: str
    start: date
    end: date
    as_of: date
    partial: bool
    generated_at: str
    tool_version: str
    notes: list[str]
    runs: list[RunPoint]
    site: Figures
    departments: list[tuple[str, Figures]]
    checks: list[tuple[CheckMeta, Figures]]
    metrics: list[MetricSeries]
    open_items: list[tuple[str, list[OpenItem]]]  # per department, oldest first
    ranking: list[ScoreRow]
    exposure: Exposure
    availability: list[dict] = field(default_factory=list)  # QuarterInput.availability, passed through

    def as_json(self) -> dict[str, Any]:
        """Plain JSON-able dicts (str, int, float, bool, None, list, dict only)."""
        return {
            "schema": SCHEMA,
            "site": self.site_id,
            "site_name": self.site_name,
            "quarter": self.quarter,
            "period": {
                "start": self.start.isoformat(), "end": self.end.isoformat(), "as_of": self.as_of.isoformat(),
                "partial": self.partial,
            },
            "generated_at": self.generated_at,
            "tool_version": self.tool_version,
            "notes": list(self.notes),
            "runs": [run.as_json() for run in self.runs],
            "totals": self.site.as_json(),
            "departments": [{"department": name, **figures.as_json()} for name, figures in self.departments],
            "checks": [
                {"check": check.id, "title": check.title, **figures.as_json()} for check, figures in self.checks
            ],
            "metrics": [metric.as_json() for metric in self.metrics],
            "open_at_end": {dept: [item.as_json() for item in items] for dept, items in self.open_items},
            "ranking": {
                "weights": dict(SCORE_WEIGHTS),
                "fix_days_target": FIX_DAYS_TARGET,
                "formula": score_formula(),
                "rows": [row.as_json() for row in self.ranking],
            },
            "exposure": self.exposure.as_json(),
            "availability": list(self.availability),
        }


# --------------------------------------------------------------------- small helpers


def _active(findings: Iterable[Finding]) -> list[Finding]:
    """Findings that count: waived ones are accepted by the office and listed apart."""
    return [f for f in findings if not f.waiver]


def _iso_date(value: object) -> date | None:
    """A stored ISO date (first_seen, published_on) as a date; None when absent or unreadable."""
    if isinstance(value, date):
        return value
    if not isinstance(value, str) or not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def _int(value: object) -> int:
    """Evidence counts as ints, 0 when unreadable (as checks/veto.py reads them)."""
    try:
        return int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return 0


def _ratio(numerator: float, denominator: float) -> float | None:
    return numerator / denominator if denominator else None


def cn_date(day: date) -> str:
    """2023年8月15日: how Chinese official text writes a date."""
    return f"{day.year}年{day.month}月{day.day}日"


def quarter_label(quarter: str) -> str:
    """2023Q3 -> 2023年第三季度 (the raw value when it is not in that form)."""
    match = re.fullmatch(r"(\d{4})-?\s*[Qq]([1-4])", quarter.strip())
    return f"{match.group(1)}年第{_QUARTER_WORDS[match.group(2)]}季度" if match else quarter


def _dates_text(days: Sequence[date], limit: int = 10) -> str:
    shown = "、".join(day.isoformat() for day in days[:limit])
    return shown + (f" 等 {len(days)} 个日期" if len(days) > limit else "")


def _is_recheck(record: RunRecord) -> bool:
    return record.run.stats.get("kind") == "recheck"


# --------------------------------------------------------------------- the ledger


@dataclass(frozen=True)
class FixEvent:
    """A finding fixed during the quarter: the night it was found gone and how long it had been open."""

    finding: Finding
    night: date
    days: int | None  # night - first_seen, calendar days; None when first_seen is unknown


@dataclass(frozen=True)
class Ledger:
    """The quarter's findings sorted into the sets every figure counts.

    Built once for the site; a department's or a check's figures are the same
    ledger filtered, so the parts always add up to the site total (each id is
    counted where it was last seen: a department renamed mid-quarter does not
    count one problem twice).
    """

    at_start: list[Finding]
    found: list[Finding]
    fixed: list[FixEvent]
    waived: list[Finding] | None
    at_end: list[Finding] | None

    @classmethod
    def of(cls, q: QuarterInput) -> Ledger:
        found: dict[str, Finding] = {}
        fixed: dict[str, FixEvent] = {}
        for record in q.runs:
            for finding in record.findings:
                if finding.status in FOUND_STATUSES:
                    found[finding.id] = finding
            for finding in record.fixed:
                first = _iso_date(finding.first_seen)
                days = (record.run.today - first).days if first else None
                fixed[finding.id] = FixEvent(finding, record.run.today, days)  # the latest fix stands
        last = q.runs[-1] if q.runs else None
        return cls(
            at_start=_active(q.before.findings) if q.before else [],
            found=list(found.values()),
            fixed=list(fixed.values()),
            waived=_unique([f for f in last.findings if f.waiver]) if last else None,
            at_end=_unique(_active(last.findings)) if last else None,
        )

    def only(self, keep: Callable[[Finding], bool]) -> Ledger:
        """The part of the ledger one department or one check owns."""
        return Ledger(
            at_start=[f for f in self.at_start if keep(f)],
            found=[f for f in self.found if keep(f)],
            fixed=[e for e in self.fixed if keep(e.finding)],
            waived=None if self.waived is None else [f for f in self.waived if keep(f)],
            at_end=None if self.at_end is None else [f for f in self.at_end if keep(f)],
        )

    def figures(self) -> Figures:
        days = [e.days for e in self.fixed if e.days is not None]
        quick = sum(1 for d in days if d <= FIX_DAYS_TARGET)
        return Figures(
            open_at_start=len(_unique(self.at_start)),
            found=len(self.found),
            fixed=len(self.fixed),
            waived=None if self.waived is None else len(self.waived),
            open_at_end=None if self.at_end is None else len(self.at_end),
            median_days_to_fix=float(statistics.median(days)) if days else None,
            fixed_within_7_days=quick,
            share_fixed_within_7_days=_ratio(quick, len(days)),
        )


def _unique(findings: Iterable[Finding]) -> list[Finding]:
    """One finding per id (a run stores each id once; this guards the counts if not)."""
    return list({f.id: f for f in findings}.values())


def _all_findings(q: QuarterInput) -> Iterable[Finding]:
    if q.before:
        yield from q.before.findings
    for record in q.runs:
        yield from record.findings
        yield from record.fixed


def departments_of(q: QuarterInput) -> list[str]:
    """Configured departments in report order, then any that only findings or interpretation rows name.

    A department missing from the configuration (renamed mid-quarter) still gets
    its row: a report that silently loses findings is worse than one with an odd row.
    """
    names = list(dict.fromkeys(q.departments))
    seen = set(names)
    extra = [f.department for f in _all_findings(q)]
    extra += [row.get("department") or "" for r in q.runs for row in _interpretation_rows(r)]
    for name in extra:
        if name and name not in seen:
            names.append(name)
            seen.add(name)
    return names


def checks_of(q: QuarterInput) -> list[CheckMeta]:
    """The catalogue, then checks only the findings name (an older or newer check)."""
    checks = list(q.catalogue)
    known = {c.id for c in checks}
    for finding in _all_findings(q):
        if finding.check not in known:
            checks.append(CheckMeta.unknown(finding.check, severity_of(finding)))
            known.add(finding.check)
    return checks


# --------------------------------------------------------------------- headline metrics


def _stat(record: RunRecord, key: str) -> Any:
    return record.run.stats.get(key) if isinstance(record.run.stats, Mapping) else None


def _metric_value(key: str) -> Callable[[RunRecord], float | None]:
    def read(record: RunRecord) -> float | None:
        metrics = _stat(record, "metrics")
        value = metrics.get(key) if isinstance(metrics, Mapping) else None
        return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None

    return read


def _interpretation_rows(record: RunRecord) -> list[dict]:
    rows = _stat(record, "interpretations")
    return [row for row in rows if isinstance(row, Mapping)] if isinstance(rows, list) else []


def on_time_share(record: RunRecord) -> float | None:
    """Interpretations published within 3 working days: on-time / (on-time + late) (plan item 10)."""
    if not isinstance(_stat(record, "interpretations"), list):
        return None
    statuses = Counter(row.get("status") for row in _interpretation_rows(record))
    return _ratio(statuses["on-time"], statuses["on-time"] + statuses["late"])


def a11y_pass_rate(record: RunRecord) -> float | None:
    """Templates without any a11y or elder-friendly finding / templates rendered in the browser."""
    stats = _stat(record, "a11y_templates")
    if not isinstance(stats, Mapping):
        return None
    return _ratio(_int(stats.get("passing")), _int(stats.get("checked")))


def normative_marked_share(record: RunRecord) -> float | None:
    """Normative documents with a validity marking / normative documents, summed over departments."""
    documents = _stat(record, "documents")
    if not isinstance(documents, Mapping):
        return None
    rows = [row for row in documents.values() if isinstance(row, Mapping)]
    return _ratio(sum(_int(r.get("normative_marked")) for r in rows), sum(_int(r.get("normative")) for r in rows))


def homepage_broken(record: RunRecord) -> float | None:
    return float(record.homepage_broken)


@dataclass(frozen=True)
class MetricDef:
    """A headline metric of the 2023 plan: how to read it from one run, and its target."""

    key: str
    label: str
    kind: str
    target: float
    higher_is_better: bool
    basis: str
    read: Callable[[RunRecord], float | None]


METRICS: tuple[MetricDef, ...] = (
    MetricDef("interpretation_coverage", "政策解读覆盖率", "share", 1.0, True, "工作要点第12条",
              _metric_value("interpretation_coverage")),
    MetricDef("interpretation_video_share", "视频/动画解读占比", "share", 0.2, True, "工作要点第12条",
              _metric_value("interpretation_video_share")),
    MetricDef("interpretation_on_time", "政策解读3个工作日内上网比例", "share", 1.0, True, "工作要点第10条",
              on_time_share),
    MetricDef("a11y_template_pass", "页面模板无障碍检测通过率", "share", 1.0, True, "工作要点第26条", a11y_pass_rate),
    MetricDef("homepage_broken_links", "首页不可用链接数", "count", 0, False, "工作要点第26条", homepage_broken),
    MetricDef("normative_validity_marked", "规范性文件有效性标注率", "share", 1.0, True, "工作要点第9条",
              normative_marked_share),
)


def _target(metric: MetricDef, runs: Sequence[RunRecord]) -> float:
    """The target the runs recorded (checks.interpretations.TARGETS), else the plan's."""
    for record in reversed(runs):
        targets = _stat(record, "metric_targets")
        value = targets.get(metric.key) if isinstance(targets, Mapping) else None
        if isinstance(value, int | float) and not isinstance(value, bool):
            return float(value)
    return float(metric.target)


def metric_series(q: QuarterInput) -> list[MetricSeries]:
    """Each headline metric per run; the quarter's value is the last run's (the state at the cut-off)."""
    out = []
    for metric in METRICS:
        points = [(record.run.today, metric.read(record)) for record in q.runs]
        value = points[-1][1] if points else None
        target = _target(metric, q.runs)
        met = None if value is None else (value >= target if metric.higher_is_better else value <= target)
        out.append(MetricSeries(metric.key, metric.label, metric.kind, target, metric.higher_is_better,
                                metric.basis, points, value, met))
    return out


# --------------------------------------------------------------------- department score


def _quarter_interpretations(q: QuarterInput) -> dict[str, Counter[str]]:
    """Late and missing interpretations per department, as the last run with the data saw them.

    Only documents published in the quarter (start..as_of) count: a document late
    last year was scored last year, and a still-missing one is also an open finding.
    """
    last = next((r for r in reversed(q.runs) if isinstance(_stat(r, "interpretations"), list)), None)
    out: dict[str, Counter[str]] = {}
    for row in _interpretation_rows(last) if last else []:
        published = _iso_date(row.get("published_on"))
        if published is None or not q.start <= published <= q.as_of:
            continue
        out.setdefault(row.get("department") or "", Counter())[row.get("status") or ""] += 1
    return out


def score_points(
    open_by_severity: Mapping[str, int], median_days: float | None, share_quick: float | None, late: int, missing: int
) -> dict[str, float]:
    """Each component of the score as signed points (SCORE_WEIGHTS; shown beside the ranking)."""
    w = SCORE_WEIGHTS
    slow = 0.0 if median_days is None else min(w["slow_fix_cap"], w["slow_fix_per_day"] * max(0.0, median_days - FIX_DAYS_TARGET))
    points = {"base": float(w["base"])}
    for severity in SEVERITY_ORDER:
        key = _OPEN_WEIGHT_KEYS[severity]
        points[key] = -w[key] * open_by_severity.get(str(severity), 0)
    points["slow_fix"] = -slow
    points["fast_fix_bonus"] = w["fast_fix_bonus"] * (share_quick or 0.0)
    points["late_interpretation"] = -w["late_interpretation"] * late
    points["missing_interpretation"] = -w["missing_interpretation"] * missing
    return {key: round(value, 2) + 0.0 for key, value in points.items()}  # + 0.0: no "-0.0" in the report


def _ranked(rows: list[ScoreRow]) -> list[ScoreRow]:
    """Best score first; equal scores share a rank (1, 1, 3), report order kept among them."""
    ordered = sorted(rows, key=lambda r: -r.score)
    for i, row in enumerate(ordered):
        row.rank = ordered[i - 1].rank if i and row.score == ordered[i - 1].score else i + 1
    return ordered


def department_scores(q: QuarterInput, ledger: Ledger | None = None) -> list[ScoreRow]:
    """The ranking of plan item 28, without the previous quarter (see :func:`ranking`). Empty without runs."""
    if not q.runs:
        return []
    ledger = ledger or Ledger.of(q)
    interpretations = _quarter_interpretations(q)
    rows = []
    for dept in departments_of(q):
        own = ledger.only(lambda f, d=dept: f.department == d)
        figures = own.figures()
        by_severity = Counter(str(severity_of(f)) for f in own.at_end or [])
        open_counts = {str(s): by_severity[str(s)] for s in SEVERITY_ORDER}
        statuses = interpretations.get(dept, Counter())
        points = score_points(open_counts, figures.median_days_to_fix, figures.share_fixed_within_7_days,
                              statuses["late"], statuses["missing"])
        rows.append(ScoreRow(dept, open_counts, figures.median_days_to_fix, figures.share_fixed_within_7_days,
                             statuses["late"], statuses["missing"], points, round(sum(points.values()), 2)))
    return _ranked(rows)


def ranking(q: QuarterInput, ledger: Ledger | None = None) -> list[ScoreRow]:
    """This quarter's ranking with each department's rank and score of the previous quarter (if it had runs)."""
    rows = department_scores(q, ledger)
    before = {r.department: r for r in department_scores(replace(q.previous, previous=None))} if q.previous else {}
    for row in rows:
        if row.department in before:
            row.previous_rank = before[row.department].rank
            row.previous_score = before[row.department].score
    return rows


def _weight_text(value: float) -> str:
    return f"{value:g}"


def score_weights_table() -> list[tuple[str, str]]:
    """(item, rule) rows of the score, in Chinese, generated from SCORE_WEIGHTS."""
    w = {key: _weight_text(value) for key, value in SCORE_WEIGHTS.items()}
    days = FIX_DAYS_TARGET
    return [
        ("基础分", f"{w['base']} 分"),
        ("季度末未整改的严重问题", f"每条扣 {w['open_critical']} 分"),
        ("季度末未整改的重要问题", f"每条扣 {w['open_major']} 分"),
        ("季度末未整改的一般问题", f"每条扣 {w['open_minor']} 分"),
        (f"整改用时中位数超过 {days} 天", f"每超过 1 天扣 {w['slow_fix_per_day']} 分，最多扣 {w['slow_fix_cap']} 分"),
        (f"{days} 天内整改的比例", f"比例 × {w['fast_fix_bonus']} 分（全部在 {days} 天内整改加 {w['fast_fix_bonus']} 分）"),
        ("本季度发布的文件解读超期（超过3个工作日）", f"每个扣 {w['late_interpretation']} 分"),
        ("本季度发布的文件至季度末仍未解读", f"每个扣 {w['missing_interpretation']} 分"),
    ]


def score_formula() -> str:
    """The score as one line of arithmetic, in Chinese, from SCORE_WEIGHTS."""
    w = {key: _weight_text(value) for key, value in SCORE_WEIGHTS.items()}
    days = FIX_DAYS_TARGET
    return (
        f"得分 = {w['base']} − {w['open_critical']}×严重问题数 − {w['open_major']}×重要问题数 − "
        f"{w['open_minor']}×一般问题数 − min({w['slow_fix_cap']}, {w['slow_fix_per_day']}×max(0, 整改用时中位数 − {days})) "
        f"+ {w['fast_fix_bonus']}×{days}天内整改比例 − {w['late_interpretation']}×解读超期数 − "
        f"{w['missing_interpretation']}×未解读数"
    )


# --------------------------------------------------------------------- veto exposure calendar


def exposure_columns(q: QuarterInput) -> list[tuple[str, str]]:
    """The known indicators in their order, then any other id a run carried (titles as the run gave them)."""
    titles = dict(KNOWN_VETO)
    for record in [*([q.before] if q.before else []), *q.runs]:
        for risk in record.veto:
            if isinstance(risk, Mapping) and risk.get("id"):
                titles[str(risk["id"])] = str(risk.get("title") or titles.get(str(risk["id"]), risk["id"]))
    return list(titles.items())


def run_for_day(day: date, records: Sequence[RunRecord]) -> RunRecord | None:
    """The most recent run of that night or the night before (a crawl may finish past midnight).

    Older runs do not speak for a day: a day with no such run is shown as 无运行记录, not guessed.
    """
    chosen = None
    for record in records:  # oldest first: the last match is the most recent
        if day - timedelta(days=1) <= record.run.today <= day:
            chosen = record
    return chosen


def _ordered(names: Iterable[str], order: Sequence[str]) -> list[str]:
    place = {name: i for i, name in enumerate(order)}
    return sorted(dict.fromkeys(names), key=lambda n: (place.get(n, len(place)), n))


def _cell(indicator: str, risk: Mapping | None, record: RunRecord, order: Sequence[str]) -> ExposureCell:
    if risk is None:
        return ExposureCell(indicator, "not-checked")
    crossed = bool(risk.get("crossed"))
    departments: list[str] = []
    if crossed:  # the run names whose findings make the count (checks/veto.py)
        given = risk.get("departments")
        departments = _ordered([str(d) for d in given] if isinstance(given, list) else [], order)
    count, threshold = risk.get("count"), risk.get("threshold")
    return ExposureCell(
        indicator, "crossed" if crossed else "ok",
        count if isinstance(count, int) else None, threshold if isinstance(threshold, int) else None,
        str(risk.get("detail") or ""), departments,
    )


def exposure_day(day: date, record: RunRecord | None, columns: Sequence[tuple[str, str]], order: Sequence[str]) -> ExposureDay:
    if record is None:
        return ExposureDay(day, None, None, "no-run", [])
    risks = {str(r.get("id")): r for r in record.veto if isinstance(r, Mapping)}
    cells = [_cell(ind, risks.get(ind), record, order) for ind, _ in columns]
    if any(c.state == "crossed" for c in cells):
        state = "crossed"
    elif any(c.state == "ok" for c in cells):
        state = "ok"
    else:
        state = "unchecked"
    return ExposureDay(day, record.run.id, record.run.today, state, cells)


def exposure(q: QuarterInput) -> Exposure:
    """One row per day from the quarter's start to the cut-off (never past the quarter's end).

    The run before the quarter counts for the first day if it ran the night before.
    """
    columns = exposure_columns(q)
    order = departments_of(q)
    records = [*([q.before] if q.before else []), *q.runs]
    last = min(q.as_of, q.end)
    days = [q.start + timedelta(days=i) for i in range((last - q.start).days + 1)]
    return Exposure(columns, [exposure_day(d, run_for_day(d, records), columns, order) for d in days])


# --------------------------------------------------------------------- notes, trend, open list


def _config_changes(q: QuarterInput) -> list[date]:
    """Nights whose configuration differs from the run before (the run before the quarter included)."""
    records = [*([q.before] if q.before else []), *q.runs]
    changes, last = [], None
    for record in records:
        value = _stat(record, "config_hash")
        if not value:
            continue
        if last is not None and value != last and record in q.runs:
            changes.append(record.run.today)
        last = value
    return changes


def notes(q: QuarterInput) -> list[str]:
    """What a reader must know before trusting a number, stated in the report rather than hidden."""
    out = []
    if not q.runs:
        out.append(f"本季度（{cn_date(q.start)}至{cn_date(min(q.as_of, q.end))}）没有已完成的运行记录，"
                   "以下各项均无数据，部门不排名。")
    if q.as_of < q.end:
        out.append(f"截至 {cn_date(q.as_of)}，本季度尚未结束（季度末为 {cn_date(q.end)}），以下数据只反映到该日为止。")
    if q.before is None:
        out.append("本季度开始前没有已完成的运行记录，“季度初未整改”按 0 计。")
    changes = _config_changes(q)
    if changes:
        out.append(f"本季度内检查配置发生过变化（{_dates_text(changes)}），变化前后的问题数不完全可比。")
    rechecks = [r.run.today for r in q.runs if _is_recheck(r)]
    if rechecks:
        out.append(f"本季度 {len(q.runs)} 次运行中有 {len(rechecks)} 次是对少量页面的当场复查（{_dates_text(rechecks)}），"
                   "已计入运行次数。")
    out.extend(_missing_stats_notes(q.runs))
    return out


def _missing_stats_notes(runs: Sequence[RunRecord]) -> list[str]:
    """One note per set of runs lacking the same stats keys (older runs lack several at once)."""
    lacking: dict[tuple[date, ...], list[str]] = {}
    for key, label in STATS_KEYS.items():
        nights = tuple(r.run.today for r in runs if _stat(r, key) is None)
        if nights:
            lacking.setdefault(nights, []).append(label)
    return [
        f"{len(nights)} 次运行未记录{'、'.join(labels)}（{_dates_text(nights)}，多为较早版本的运行），"
        f"相应指标在这些日期显示“{NO_DATA}”。"
        for nights, labels in lacking.items()
    ]


def run_points(q: QuarterInput, departments: Sequence[str]) -> list[RunPoint]:
    """Open (non-waived) findings per run, for the trend charts."""
    out = []
    for record in q.runs:
        active = _unique(_active(record.findings))
        counts = Counter(f.department for f in active)
        out.append(RunPoint(
            record.run.id, record.run.today, "recheck" if _is_recheck(record) else "full",
            _stat(record, "config_hash"), len(active), {d: counts[d] for d in departments},
        ))
    return out


def open_items(q: QuarterInput, ledger: Ledger, departments: Sequence[str], checks: Sequence[CheckMeta]) -> list[tuple[str, list[OpenItem]]]:
    """Findings open at the cut-off per department, the longest-waiting first."""
    titles = {c.id: c.title for c in checks}
    by_dept: dict[str, list[OpenItem]] = {d: [] for d in departments}
    for f in ledger.at_end or []:
        first = _iso_date(f.first_seen)
        item = OpenItem(f.id, f.check, titles.get(f.check, f.check), severity_of(f), f.department, f.url,
                        f.target, f.title, f.message, first, (q.as_of - first).days if first else None)
        by_dept.setdefault(f.department, []).append(item)
    for items in by_dept.values():
        items.sort(key=lambda i: (i.age_days is None, -(i.age_days or 0), i.check, i.url, i.id))
    return [(dept, items) for dept, items in by_dept.items() if items]


def summarise(q: QuarterInput) -> QuarterSummary:
    """Every figure of the quarterly report, from plain data only."""
    ledger = Ledger.of(q)
    departments = departments_of(q)
    checks = checks_of(q)
    return QuarterSummary(
        site_id=q.site_id,
        site_name=q.site_name,
        quarter=q.quarter,
        quarter_label=quarter_label(q.quarter),
        start=q.start,
        end=q.end,
        as_of=q.as_of,
        partial=q.as_of < q.end,
        generated_at=q.generated_at,
        tool_version=q.tool_version,
        notes=notes(q),
        runs=run_points(q, departments),
        site=ledger.figures(),
        departments=[(d, ledger.only(lambda f, d=d: f.department == d).figures()) for d in departments],
        checks=[(c, ledger.only(lambda f, c=c: f.check == c.id).figures()) for c in checks],
        metrics=metric_series(q),
        open_items=open_items(q, ledger, departments, checks),
        ranking=ranking(q, ledger),
        exposure=exposure(q),
        availability=list(q.availability),
    )


# --------------------------------------------------------------------- inline SVG charts

_PALETTE = ("#1f3b63", "#b3261e", "#35582a", "#a55a00", "#6b4c9a", "#2a7f8f", "#8c6d1f", "#555555")


def _x(day: date, start: date, end: date, left: float, width: float) -> float:
    span = max(1, (end - start).days)
    return left + width * min(max((day - start).days, 0), span) / span


def _segments(points: Sequence[tuple[float, float | None]]) -> list[list[tuple[float, float]]]:
    """Consecutive known values as separate lines: a night without data breaks the line."""
    out: list[list[tuple[float, float]]] = [[]]
    for x, y in points:
        if y is None:
            if out[-1]:
                out.append([])
        else:
            out[-1].append((x, y))
    return [seg for seg in out if seg]


def _value_text(value: float, percent: bool) -> str:
    return f"{value:.0%}" if percent else f"{value:g}"


def line_chart(
    series: Sequence[tuple[str, Sequence[tuple[date, float | None]]]],
    start: date,
    end: date,
    *,
    title: str,
    percent: bool = False,
    target: float | None = None,
    y_max: float | None = None,
    width: int = 640,
    height: int = 200,
) -> Markup:
    """A line chart as inline SVG (no script, no resource): x = days of the quarter, one line per series.

    Text in it (department names) is escaped here, so marking the result safe is sound.
    """
    left, right, top, bottom = 44.0, 12.0, 12.0, 24.0
    plot_w, plot_h = width - left - right, height - top - bottom
    values = [v for _, pts in series for _, v in pts if v is not None]
    top_value = y_max if y_max is not None else max([*values, target or 0, 1.0])
    if not percent:  # counts: an even whole number, so the middle grid line is a whole number too
        top_value = max(2, math.ceil(top_value) + math.ceil(top_value) % 2)

    def y(value: float) -> float:
        return top + plot_h * (1 - min(value, top_value) / top_value)

    parts = [f'<rect x="{left}" y="{top}" width="{plot_w}" height="{plot_h}" class="plot"/>']
    for frac in (0, 0.5, 1):
        value = top_value * frac
        parts.append(f'<line x1="{left}" x2="{left + plot_w}" y1="{y(value):.1f}" y2="{y(value):.1f}" class="grid"/>'
                     f'<text x="{left - 4}" y="{y(value) + 4:.1f}" class="ylab">{_value_text(value, percent)}</text>')
    month = date(start.year, start.month, 1)
    while month <= end:
        if month >= start:
            x = _x(month, start, end, left, plot_w)
            parts.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{top}" y2="{top + plot_h}" class="grid"/>'
                         f'<text x="{x + 2:.1f}" y="{height - 6}" class="xlab">{month.month}月</text>')
        month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    if target is not None:
        parts.append(f'<line x1="{left}" x2="{left + plot_w}" y1="{y(target):.1f}" y2="{y(target):.1f}" class="target"/>')
    for i, (_, points) in enumerate(series):
        colour = _PALETTE[i % len(_PALETTE)]
        placed = [(_x(night, start, end, left, plot_w), value) for night, value in points]
        for seg in _segments(placed):
            coords = " ".join(f"{x:.1f},{y(v):.1f}" for x, v in seg)
            parts.append(f'<polyline points="{coords}" fill="none" stroke="{colour}" stroke-width="2"/>')
            parts.extend(f'<circle cx="{x:.1f}" cy="{y(v):.1f}" r="2.5" fill="{colour}"/>' for x, v in seg)
    label = escape(title)
    return Markup(
        f'<svg class="chart" viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" '
        f'aria-label="{label}"><title>{label}</title>{"".join(parts)}</svg>'
    )


# --------------------------------------------------------------------- HTML


def _asset(name: str) -> tuple[Markup, str]:
    """Our stylesheet, read raw, with its CSP hash (the page allows exactly this block)."""
    env = environment()
    assert env.loader is not None
    source, _, _ = env.loader.get_source(env, name)
    digest = base64.b64encode(hashlib.sha256(source.encode("utf-8")).digest()).decode("ascii")
    return Markup(source), f"'sha256-{digest}'"


def _figure_text(value: float | None, kind: str) -> str:
    if value is None:
        return NO_DATA
    if kind == "share":
        return f"{value:.1%}"
    if kind == "days":
        return f"{value:g} 天"
    return f"{value:g}"


def _signed(value: float | None, suffix: str = "") -> str:
    if value is None:
        return "—"
    if value == 0:
        return "持平"
    return f"{'+' if value > 0 else '−'}{abs(value):g}{suffix}"


def _figures_view(figures: Figures) -> dict[str, str]:
    return {
        "open_at_start": str(figures.open_at_start),
        "found": str(figures.found),
        "fixed": str(figures.fixed),
        "waived": _figure_text(figures.waived, "count"),
        "open_at_end": _figure_text(figures.open_at_end, "count"),
        "median": _figure_text(figures.median_days_to_fix, "days"),
        "quick": _figure_text(figures.share_fixed_within_7_days, "share"),
    }


def _metric_view(metric: MetricSeries, summary: QuarterSummary) -> dict[str, Any]:
    percent = metric.kind == "share"
    kind = "share" if percent else "count"
    chart = None
    if any(v is not None for _, v in metric.points):
        chart = line_chart([(metric.label, metric.points)], summary.start, summary.end, title=f"{metric.label}走势",
                           percent=percent, target=metric.target, y_max=1.0 if percent else None, width=360, height=150)
    return {
        "label": metric.label, "basis": metric.basis, "value": _figure_text(metric.value, kind),
        "target": ("≥ " if metric.higher_is_better else "≤ ") + _figure_text(metric.target, kind),
        "met": metric.met, "chart": chart,
        "points": [(night.isoformat(), _figure_text(v, kind)) for night, v in metric.points],
    }


def _score_view(row: ScoreRow) -> dict[str, Any]:
    change = row.rank_change
    return {
        "rank": row.rank, "department": row.department, "score": f"{row.score:g}",
        "open": [row.open_by_severity[str(s)] for s in SEVERITY_ORDER],
        "median": _figure_text(row.median_days_to_fix, "days"),
        "quick": _figure_text(row.share_fixed_within_7_days, "share"),
        "late": row.late_interpretations, "missing": row.missing_interpretations,
        "points": {key: f"{value:+g}" for key, value in row.points.items()},
        "previous_rank": "—" if row.previous_rank is None else str(row.previous_rank),
        "rank_change": "—" if change is None else ("持平" if change == 0 else (f"↑{change}" if change > 0 else f"↓{-change}")),
        "score_delta": _signed(row.score_delta),
    }


_CELL_TEXT = {"crossed": "触发", "ok": "未触发", "not-checked": "尚未检查"}


def _day_view(day: ExposureDay, titles: Mapping[str, str]) -> dict[str, Any]:
    return {
        "date": day.day.isoformat(),
        "weekday": _WEEKDAYS[day.day.weekday()],
        "state": day.state,
        "run": "无运行记录" if day.run_today is None else day.run_today.isoformat(),
        "cells": [
            {"state": c.state, "detail": c.detail,
             "text": _CELL_TEXT[c.state] + (f"（{c.count}）" if c.state == "crossed" and c.count is not None else "")}
            for c in day.cells
        ],
        "causes": [(titles.get(c.indicator, c.indicator), c.departments) for c in day.crossed],
    }


def _week_view(week: Mapping) -> dict[str, Any]:
    """One week of availability probes as the table row shows it."""
    rate = week.get("rate")
    outage = week.get("longest_outage") or {}
    return {
        "period": f"{week.get('start')} 至 {week.get('end')}",
        "probes": week.get("probes", 0),
        "failures": week.get("failures", 0),
        "rate": "—" if rate is None else f"{rate:.2%}",
        "crossed": bool(week.get("crossed")),
        "verdict": "触发" if week.get("crossed") else ("探测不足" if (week.get("probes") or 0) < 20 else "未触发"),
        "outage": f"{outage.get('failed_probes')} 次（{str(outage.get('start', ''))[:16].replace('T', ' ')} 起）"
        if outage else "—",
    }


def context(summary: QuarterSummary) -> dict[str, Any]:
    """Everything the template shows, formatted once here rather than in Jinja."""
    style, style_hash = _asset(STYLESHEET)
    titles = dict(summary.exposure.columns)
    departments = [name for name, _ in summary.departments]
    trend_site = line_chart(
        [("全站", [(p.today, float(p.open)) for p in summary.runs])], summary.start, summary.end,
        title="全站未整改问题数走势",
    ) if summary.runs else None
    dept_max = max([p.open_by_department.get(d, 0) for p in summary.runs for d in departments] + [1])
    trend_departments = [
        (d, line_chart([(d, [(p.today, float(p.open_by_department.get(d, 0))) for p in summary.runs])],
                       summary.start, summary.end, title=f"{d}未整改问题数走势", y_max=dept_max, width=300, height=120))
        for d in departments
    ] if summary.runs else []
    exposure = summary.exposure
    days = [_day_view(day, titles) for day in exposure.days]
    return {
        "s": summary,
        "style": style,
        "csp": f"default-src 'none'; style-src {style_hash}; img-src data:; base-uri 'none'; form-action 'none'",
        "period": f"{cn_date(summary.start)}至{cn_date(summary.end)}",
        "as_of": cn_date(summary.as_of),
        "full_runs": sum(1 for r in summary.runs if r.kind == "full"),
        "recheck_runs": sum(1 for r in summary.runs if r.kind == "recheck"),
        "site": _figures_view(summary.site),
        "departments": [(name, _figures_view(f)) for name, f in summary.departments],
        "checks": [(check, _figures_view(f)) for check, f in summary.checks],
        "metrics": [_metric_view(m, summary) for m in summary.metrics],
        "trend_site": trend_site,
        "trend_departments": trend_departments,
        "ranking": [_score_view(row) for row in summary.ranking],
        "has_previous": any(row.previous_rank is not None for row in summary.ranking),
        "weights": score_weights_table(),
        "formula": score_formula(),
        "severity_labels": [SEVERITY_LABELS[s] for s in SEVERITY_ORDER],
        "exposure_columns": exposure.columns,
        "exposure_days": days,
        "availability_weeks": [_week_view(week) for week in summary.availability],
        "exposure_summary": {
            "crossed": exposure.days_in("crossed"), "ok": exposure.days_in("ok"),
            "no_run": exposure.days_in("no-run"), "unchecked": exposure.days_in("unchecked"),
            "by_indicator": [(titles[i], n) for i, n in exposure.days_by_indicator().items() if n],
            "by_department": list(exposure.days_by_department().items()),
        },
        "open_items": [
            (dept, [
                {"age": "—" if i.age_days is None else f"{i.age_days} 天",
                 "first_seen": i.first_seen.isoformat() if i.first_seen else "—",
                 "severity": str(i.severity), "severity_label": SEVERITY_LABELS[i.severity],
                 "check": i.check_title, "message": i.message, "title": i.title or "（无标题）",
                 "url": i.url, "href": web_href(i.url), "target": i.target}
                for i in items
            ])
            for dept, items in summary.open_items
        ],
        "open_total": sum(len(items) for _, items in summary.open_items),
    }


def render(q: QuarterInput | QuarterSummary) -> str:
    """The quarterly page as text."""
    summary = q if isinstance(q, QuarterSummary) else summarise(q)
    return environment().get_template(TEMPLATE).render(context(summary))


def dumps(summary: QuarterSummary) -> str:
    return json.dumps(summary.as_json(), ensure_ascii=False, indent=2) + "\n"


def write_quarterly(q: QuarterInput, out_dir: Path) -> dict[str, Path]:
    """Write quarterly.json, then quarterly.html (atomically); return their paths by kind.

    The JSON goes first: it is the record, and should exist even if the page fails.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    summary = summarise(q)
    json_path = write_text_atomic(out_dir / FILE_NAMES["json"], dumps(summary))
    html_path = write_text_atomic(out_dir / FILE_NAMES["html"], render(summary))
    return {"html": html_path, "json": json_path}
