"""What every writer is given, and the one place that groups and counts it.

The writers present findings; they decide nothing a check should. Grouping
by department and check and counting are presentation, and they live here
once so that the HTML page, the workbook and ``findings.json`` can never
disagree about a number.

This module imports neither ``checks`` nor ``crawler``: the catalogue reaches
the writers as plain :class:`CheckMeta` values (``CheckMeta.from_check`` reads
a ``checks.registry.Check`` by duck typing), so a stored run can be reported
without loading any check code.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from govcrawl.model import Finding, RunInfo, Severity

SEVERITY_ORDER: tuple[Severity, ...] = (Severity.CRITICAL, Severity.MAJOR, Severity.MINOR)

# Lifecycle (govcrawl.lifecycle): the order findings are listed in, and what the report calls each.
STATUS_ORDER: dict[str, int] = {"new": 0, "reopened": 1, "open": 2}
STATUS_LABELS: dict[str, str] = {"new": "新发现", "reopened": "再次出现", "open": "未整改", "fixed": "已整改"}

# The words an inspection uses in Chinese; 一般 rather than 轻微 because the
# national indicators call non-veto items 一般问题.
SEVERITY_LABELS: dict[Severity, str] = {
    Severity.CRITICAL: "严重",
    Severity.MAJOR: "重要",
    Severity.MINOR: "一般",
}

# Metrics fixed by contract §4 get Chinese names; any other metric shows its key.
# The run summary's keys (written by the CLI) as the report shows them.
RUN_STATS_LABELS: dict[str, str] = {
    "pages": "抓取页面数",
    "page_errors": "页面读取错误",
    "resources_checked": "已核验附件/图片/外链",
    "excluded": "未访问的地址（内网、robots.txt、超出范围）",
    "finish_reason": "抓取结束原因",
    "elapsed_seconds": "抓取用时（秒）",
    "pages_fetched": "本次下载的页面",
    "pages_unchanged": "未变化的页面（服务器回 304，沿用上次结果）",
    "resumed": "中断后续抓次数",
    "pages_new": "比上次新增的页面",
    "pages_gone": "比上次消失的页面",
    "browser_pages": "浏览器无障碍检测页面数",
    "browser_failed": "浏览器检测失败（超时/崩溃）页面数",
    "browser_seconds": "浏览器检测用时（秒）",
    "fleet_workers": "分布式抓取：各工作进程抓取的页面数",
}

METRIC_LABELS: dict[str, str] = {
    "interpretation_coverage": "政策解读覆盖率",
    "interpretation_video_share": "视频/动画解读占比",
}

# How the interpretation table names what the checks computed (statuses, kinds, pairing routes).
INTERPRETATION_STATUS_LABELS: dict[str, str] = {
    "on-time": "按时",
    "late": "超期",
    "missing": "未解读",
    "pending": "待发布",
    "present": "已解读（解读无日期）",
    "undated": "文件无发布日期",
}
INTERPRETATION_KIND_LABELS: dict[str, str] = {"text": "文字", "graphic": "图解", "video": "视频/动画", "qa": "问答"}
INTERPRETATION_VIA_LABELS: dict[str, str] = {
    "document-links": "文件页链接",
    "interpretation-links": "解读页原文链接",
    "title": "提及文件标题",
    "doc-number": "提及文号",
}


def incomplete_run_warning(run: RunInfo) -> str | None:
    """What to say of a run that could not check what it should have: start pages unread or leading off
    the site, addresses still refused as "too many requests" after waiting (``run.stats``
    ``start_pages_unread`` / ``start_pages_offsite`` / ``slow_down_answers``, written by the check phase);
    None when none, or for a run stored before those facts existed.

    Said on the command line, at the top of the report and the workbook and first in the morning's
    message: a short list of findings from such a run must not read as a clean site.
    """
    unread = run.stats.get("start_pages_unread") or []
    moved = run.stats.get("start_pages_offsite") or []
    said = []
    if unread:
        what = "；".join(f"{item.get('url')}（{item.get('reason')}）" for item in unread)
        said.append(f"起始页无法读取：{what}。本次只抓取到 {run.pages_crawled} 个页面，检查结果不完整，"
                    "不能说明网站没有问题；请确认网站可以访问后重新运行。")
    if moved:
        what = "；".join(f"{item.get('url')} → {item.get('final_url')}" for item in moved)
        said.append(f"起始页重定向到了本站域名以外的地址：{what}。站内页面因此都被当作外部链接，没有抓取"
                    f"（本次 {run.pages_crawled} 个页面），检查结果不完整；请把配置中的 start_urls 改为重定向后的地址，"
                    "或在 allowed_hosts 中加入该域名。")
    slowed = run.stats.get("slow_down_answers") or 0
    if slowed:
        said.append(f"有 {slowed} 个站内地址在按服务器要求等待并重试后仍回答 HTTP 429/503（访问过于频繁或暂不可用），"
                    "按规则记为失效，其中可能有误报；请调低 crawl.concurrency、加大 crawl.delay 后重新检查。")
    return "".join(said) or None


def sibling_hosts_note(run: RunInfo) -> str | None:
    """A hint for a run whose pages link other hosts of the site's own domain that were not crawled
    (``run.stats["sibling_hosts"]``); None when there are none."""
    siblings = run.stats.get("sibling_hosts") or []
    if not siblings:
        return None
    what = "、".join(f"{item.get('host')}（{item.get('urls')} 个地址）" for item in siblings)
    return (f"本站页面链接了同一域名下的其他主机：{what}。它们没有作为本站抓取和检查；如果属于本站"
            "（例如政府信息公开平台、互动交流平台），请把它们加入配置的 allowed_hosts。")


def severity_of(finding: Finding) -> Severity:
    """The finding's severity as the enum, even if a caller passed the plain string."""
    return Severity(finding.severity)


@dataclass(frozen=True, slots=True)
class CheckMeta:
    """The catalogue entry of one check, as the reports need it (no evaluation code)."""

    id: str
    title: str  # Chinese, shown to webmasters
    severity: Severity
    basis: str = ""
    fix: str = ""
    summary: str = ""
    evidence_labels: Mapping[str, str] = field(default_factory=dict, hash=False, compare=False)  # key -> 中文
    subject: str = "page"  # "document": findings are about document pages (the per-department table)

    @classmethod
    def from_check(cls, check: Any) -> CheckMeta:
        """Copy the metadata of a registry ``Check`` (duck-typed: reports must not import checks)."""
        return cls(
            id=check.id,
            title=check.title,
            severity=Severity(check.severity),
            basis=getattr(check, "basis", "") or "",
            fix=getattr(check, "fix", "") or "",
            summary=getattr(check, "summary", "") or "",
            evidence_labels=dict(getattr(check, "labels", {}) or {}),
            subject=getattr(check, "subject", "page") or "page",
        )

    @classmethod
    def unknown(cls, check_id: str, severity: Severity) -> CheckMeta:
        """Stand-in for a check that made findings but is not in the catalogue (e.g. an older run)."""
        return cls(id=check_id, title=check_id, severity=severity)

    def as_json(self) -> dict[str, str]:
        return {
            "id": self.id,
            "title": self.title,
            "severity": str(self.severity),
            "basis": self.basis,
            "fix": self.fix,
            "summary": self.summary,
        }


@dataclass
class ReportInput:
    """Everything one run's reports show; the caller has already sorted ``findings``."""

    site_id: str
    site_name: str
    run: RunInfo
    findings: list[Finding]
    catalogue: list[CheckMeta]  # the checks that ran, in catalogue order
    departments: list[str]  # every configured department, owner first
    metrics: dict[str, float | None] = field(default_factory=dict)
    # Site-level veto indicators (单项否决): dicts with id, title, count, threshold, crossed, detail, basis.
    veto: list[dict] = field(default_factory=list)
    # Early warnings: columns close to their limit (column, url, department, limit_days, age_days, days_left).
    warnings: list[dict] = field(default_factory=list)
    # Documents read per department: {department: {"documents", "normative", "marked", "normative_marked"}}.
    documents: dict[str, dict[str, int]] = field(default_factory=dict)
    # Documents needing an interpretation, with status and pairings (checks.interpretations rows + department).
    interpretations: list[dict] = field(default_factory=list)
    metrics_by_department: dict[str, dict[str, float | None]] = field(default_factory=dict)
    metric_targets: dict[str, float] = field(default_factory=dict)
    # Screenshots written beside the report: finding id -> path relative to the report's folder.
    screenshots: dict[str, str] = field(default_factory=dict)
    # Falling due soon (checks.due_soon): kind, url, title, due, detail, department.
    due_soon: list[dict] = field(default_factory=list)
    # Findings the office accepted (govcrawl.waivers): listed apart, not counted.
    waived: list[Finding] = field(default_factory=list)
    # Findings of the previous completed run that are gone tonight (their pages re-checked).
    fixed: list[Finding] = field(default_factory=list)
    # Open findings per department over the last nights: [(night date, {department: count})], oldest first.
    trend: list[tuple[str, dict[str, int]]] = field(default_factory=list)
    # Public messages per department (checks.messages.reply_stats): messages, replied,
    # unanswered_overdue, median_reply_days, on_time_share.
    messages: dict[str, dict] = field(default_factory=dict)
    # Availability probes of the 7 days before the run (govcrawl.availability.Availability.as_json), or None.
    availability: dict | None = None


@dataclass
class DocumentRow:
    """One document page with problems: the row a webmaster works through.

    Built from the findings of the document checks (``CheckMeta.subject ==
    "document"``), whose evidence carries 文号 and dates under the same keys.
    """

    url: str
    title: str | None
    doc_number: str | None
    written_on: str | None
    published_on: str | None
    problems: list[tuple[CheckMeta, Finding]]

    @property
    def fixes(self) -> list[str]:
        """The fix hint of each check that found something, once each, in order."""
        return list(dict.fromkeys(check.fix for check, _ in self.problems if check.fix))


@dataclass
class DocumentShare:
    """How many documents a department published and how many carry a validity marking."""

    documents: int = 0
    normative: int = 0
    marked: int = 0
    normative_marked: int = 0

    @property
    def marked_share(self) -> float | None:
        return self.marked / self.documents if self.documents else None

    @property
    def normative_marked_share(self) -> float | None:
        return self.normative_marked / self.normative if self.normative else None


@dataclass
class CheckGroup:
    """The findings of one department for one check, in the caller's order."""

    check: CheckMeta
    findings: list[Finding]


@dataclass
class DepartmentSection:
    """One department's part of the report; ``groups`` is empty when nothing was found."""

    name: str
    groups: list[CheckGroup]
    documents: list[DocumentRow] = field(default_factory=list)
    document_share: DocumentShare = field(default_factory=DocumentShare)
    interpretations: list[dict] = field(default_factory=list)  # rows of ReportInput.interpretations
    metrics: dict[str, float | None] = field(default_factory=dict)
    fixed: list[Finding] = field(default_factory=list)  # fixed since the previous run
    waived: list[Finding] = field(default_factory=list)  # accepted by the office, not counted
    due_soon: list[dict] = field(default_factory=list)  # what becomes a finding soon (incl. column warnings)
    trend: list[tuple[str, int]] = field(default_factory=list)  # (night, findings) over the last runs

    def count_status(self, status: str) -> int:
        return sum(1 for g in self.groups for f in g.findings if f.status == status)

    @property
    def total(self) -> int:
        return sum(len(g.findings) for g in self.groups)

    def count(self, check_id: str) -> int:
        return next((len(g.findings) for g in self.groups if g.check.id == check_id), 0)


@dataclass
class Summary:
    """The grouped and counted view of a :class:`ReportInput`, shared by every writer."""

    checks: list[CheckMeta]  # catalogue order, then checks only the findings name
    sections: list[DepartmentSection]  # configured order, then departments only findings name
    by_check: dict[str, int]
    by_department: dict[str, int]
    by_severity: dict[Severity, int]

    @property
    def total(self) -> int:
        return sum(self.by_check.values())


def summarise(data: ReportInput) -> Summary:
    """Group and count the findings without dropping any.

    A finding whose department is not configured (a renamed department in a
    re-checked run) or whose check is not in the catalogue still appears: it
    gets a section or column of its own after the configured ones, because a
    report that silently loses findings is worse than one with an odd column.
    """
    checks = list(data.catalogue)
    known_checks = {c.id for c in checks}
    departments = list(dict.fromkeys(data.departments))
    known_departments = set(departments)
    for finding in data.findings:
        if finding.check not in known_checks:
            checks.append(CheckMeta.unknown(finding.check, severity_of(finding)))
            known_checks.add(finding.check)
        if finding.department not in known_departments:
            departments.append(finding.department)
            known_departments.add(finding.department)

    grouped: dict[tuple[str, str], list[Finding]] = {}
    # New (and reopened) findings first in every group: the morning's work list starts with them.
    for finding in sorted(data.findings, key=lambda f: STATUS_ORDER.get(f.status or "", 9)):
        grouped.setdefault((finding.department, finding.check), []).append(finding)
    waived_by_dept: dict[str, list[Finding]] = {}
    for finding in data.waived:
        waived_by_dept.setdefault(finding.department, []).append(finding)
    fixed_by_dept: dict[str, list[Finding]] = {}
    for finding in data.fixed:
        fixed_by_dept.setdefault(finding.department, []).append(finding)
        if finding.department not in known_departments:
            departments.append(finding.department)
            known_departments.add(finding.department)

    interp_rows: dict[str, list[dict]] = {}
    for row in data.interpretations:
        interp_rows.setdefault(row.get("department") or "", []).append(row)
    for dept in [*data.documents, *interp_rows]:
        if dept not in known_departments:
            departments.append(dept)
            known_departments.add(dept)
    sections = [
        DepartmentSection(
            name=dept,
            groups=[
                CheckGroup(check, grouped[dept, check.id]) for check in checks if (dept, check.id) in grouped
            ],
            documents=_document_rows(
                [(check, f) for check in checks if check.subject == "document" for f in grouped.get((dept, check.id), [])]
            ),
            document_share=DocumentShare(**data.documents.get(dept, {})),
            interpretations=sorted(
                interp_rows.get(dept, []), key=lambda r: (r.get("published_on") or "", r["url"]), reverse=True
            ),
            metrics=dict(data.metrics_by_department.get(dept, {})),
            fixed=fixed_by_dept.get(dept, []),
            waived=waived_by_dept.get(dept, []),
            due_soon=_due_for(data, dept),
            trend=[(night, counts.get(dept, 0)) for night, counts in data.trend],
        )
        for dept in departments
    ]
    check_counts = Counter(f.check for f in data.findings)
    dept_counts = Counter(f.department for f in data.findings)
    severity_counts = Counter(severity_of(f) for f in data.findings)
    return Summary(
        checks=checks,
        sections=sections,
        by_check={c.id: check_counts[c.id] for c in checks},
        by_department={d: dept_counts[d] for d in departments},
        by_severity={s: severity_counts[s] for s in SEVERITY_ORDER},
    )


def _document_rows(problems: list[tuple[CheckMeta, Finding]]) -> list[DocumentRow]:
    """One row per document page, its problems in catalogue order, rows by publication date (newest first)."""
    rows: dict[str, DocumentRow] = {}
    for check, finding in problems:
        ev = finding.evidence
        row = rows.get(finding.url)
        if row is None:
            row = rows[finding.url] = DocumentRow(
                url=finding.url,
                title=finding.title,
                doc_number=ev.get("doc_number"),
                written_on=ev.get("written_on"),
                published_on=ev.get("published_on"),
                problems=[],
            )
        row.problems.append((check, finding))
    return sorted(rows.values(), key=lambda r: (r.published_on or "", r.url), reverse=True)


def _due_for(data: ReportInput, dept: str) -> list[dict]:
    """A department's due-soon items: documents, interpretations, consultations and columns, soonest first."""
    items = [item for item in data.due_soon if item.get("department") == dept]
    for warning in data.warnings:
        if warning.get("department") == dept:
            items.append({
                "kind": "column", "url": warning.get("url"), "title": warning.get("column"),
                "due": None, "days_left": warning.get("days_left"),
                "detail": f"栏目已 {warning.get('age_days')} 天未更新，再过 {warning.get('days_left')} 天将超过"
                f" {warning.get('limit_days')} 天的期限：请尽快更新。",
            })
    return sorted(items, key=lambda i: (i.get("due") or "", i.get("url") or ""))
