"""``report.html``: the per-department findings report, one self-contained file.

It is opened from disk, offline, often on a phone, by webmasters who did not
run the tool, and most of its text comes from crawled pages, some possibly
tampered with. Hence:

* Jinja2 autoescape is on for every template (``autoescape=True``, not
  ``select_autoescape``, which would leave ``*.html.j2`` unescaped) and the
  template never marks page data ``|safe``.
* Only http(s) URLs become links (``reports.evidence.web_href``).
* CSS and JS are inlined from package files. A Content-Security-Policy meta
  tag allows exactly those two blocks (by SHA-256 hash) and nothing else:
  no network request of any kind, and no inline event handler even if some
  future template change let markup through. The filter data travel only in
  ``data-*`` attributes, which autoescape covers.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import BytecodeCache, Environment, FileSystemBytecodeCache, PackageLoader, StrictUndefined
from markupsafe import Markup

from govcrawl.lifecycle import days_open
from govcrawl.model import Finding, Severity

from .data import (
    INTERPRETATION_KIND_LABELS,
    INTERPRETATION_STATUS_LABELS,
    INTERPRETATION_VIA_LABELS,
    METRIC_LABELS,
    RUN_STATS_LABELS,
    SEVERITY_LABELS,
    SEVERITY_ORDER,
    STATUS_LABELS,
    CheckMeta,
    DocumentRow,
    ReportInput,
    incomplete_run_warning,
    severity_of,
    sibling_hosts_note,
    summarise,
)
from .evidence import EvidenceNode, evidence_tree, web_href
from .files import write_chunks_atomic

TEMPLATE = "report.html.j2"
STYLESHEET = "report.css.j2"
SCRIPT = "report.js.j2"


def _compiled_templates() -> BytecodeCache | None:
    """Where templates compiled by one run wait for the next: Jinja's own per-user folder in the system's
    temporary folder, each template kept under a digest of its source (an edited template compiles anew).

    Compiling the report's three templates took ~55 ms of every run's serial check phase; loaded from
    there, 2 ms. None (compile each time) when that folder cannot be used: Jinja refuses one that another
    user owns or others may write to.
    """
    try:
        return FileSystemBytecodeCache()
    except (OSError, RuntimeError):
        return None


@cache
def environment() -> Environment:
    """The Jinja environment: autoescape always on, undefined names are errors."""
    return Environment(
        loader=PackageLoader("reports", "templates"),
        bytecode_cache=_compiled_templates(),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


@dataclass(frozen=True)
class Asset:
    """An inline stylesheet or script: our own package file, never page data."""

    text: Markup  # Markup because it is static code the template must not escape
    csp_hash: str


def _asset(name: str) -> Asset:
    """Read a static file raw (not rendered, so braces in JS/CSS mean nothing to Jinja)."""
    env = environment()
    assert env.loader is not None
    source, _, _ = env.loader.get_source(env, name)
    digest = base64.b64encode(hashlib.sha256(source.encode("utf-8")).digest()).decode("ascii")
    return Asset(Markup(source), f"'sha256-{digest}'")


def content_security_policy(style: Asset, script: Asset) -> str:
    """Nothing may load and nothing may run except our own two inline blocks."""
    return (
        "default-src 'none'; "
        f"style-src {style.csp_hash}; "
        f"script-src {script.csp_hash}; "
        "img-src data:; base-uri 'none'; form-action 'none'"
    )


class LazyViews[Item, View]:
    """Template views of a list, made one at a time as the template reaches them.

    A large site has tens of thousands of findings; building every view (and
    its evidence tree) before rendering would hold them all at once, while the
    streamed page needs only the one being written. The template may take the
    ``length`` and iterate (more than once, if it ever must); nothing else.
    """

    __slots__ = ("_items", "_make")

    def __init__(self, items: Sequence[Item], make: Callable[[Item], View]) -> None:
        self._items = items
        self._make = make

    def __len__(self) -> int:
        return len(self._items)

    def __iter__(self) -> Iterator[View]:
        return map(self._make, self._items)


@dataclass
class FindingView:
    """One finding, prepared so the template only prints."""

    id: str
    check: str
    severity: str
    severity_label: str
    title: str | None
    url: str
    href: str | None
    target: str | None
    target_href: str | None
    message: str
    evidence: list[EvidenceNode]
    occurrences: list[tuple[str, str | None]]  # (text, href or None)
    screenshot: str | None = None  # relative path of the PNG beside the report
    status: str | None = None  # lifecycle: new | open | reopened
    status_label: str | None = None
    since: str | None = None  # "第一次发现于 …，已 N 天" for open findings
    rechecked: bool = True


def _since(finding: Finding, night: date | None) -> str | None:
    """"首次发现于 …，已 N 天" for a finding still open from an earlier night."""
    if not finding.first_seen or finding.status not in ("open", "reopened"):
        return None
    days = days_open(finding, night) if isinstance(night, date) else None
    return f"首次发现于 {finding.first_seen}" + (f"，已 {days} 天" if days else "")


def _finding_view(
    finding: Finding, labels: Mapping[str, str], screenshot: str | None = None, night: date | None = None
) -> FindingView:
    severity = severity_of(finding)
    return FindingView(
        id=finding.id,
        check=finding.check,
        severity=str(severity),
        severity_label=SEVERITY_LABELS[severity],
        title=finding.title,
        url=finding.url,
        href=web_href(finding.url),
        target=finding.target,
        target_href=web_href(finding.target),
        message=finding.message,
        evidence=evidence_tree(finding.evidence, labels),
        occurrences=[(url, web_href(url)) for url in finding.occurrences],
        screenshot=screenshot,
        status=finding.status,
        status_label=STATUS_LABELS.get(finding.status or ""),
        since=_since(finding, night),
        rechecked=finding.rechecked,
    )


def _timestamp(value: str | None) -> str:
    """An ISO-8601 timestamp as 2023-11-01 02:00:13 (its own offset kept implicit)."""
    if not value:
        return "—"
    try:
        return datetime.fromisoformat(value).strftime("%Y-%m-%d %H:%M:%S")
    except ValueError:
        return value


def _metric_text(key: str, value: float | None) -> str:
    if value is None:
        return "无可计算数据"
    return f"{value:.1%}" if key in METRIC_LABELS else f"{value:g}"


def _share_text(value: float | None) -> str:
    return "—" if value is None else f"{value:.0%}"


_TITLE_SUFFIX = re.compile(r"^(.+?)\s*[_|｜—-]+\s*[^_|｜—-]*(?:政府|网站|门户|网)[^_|｜—-]*$")


def document_title(title: str | None) -> str:
    """A page title without the site-name suffix portals append (…办法_兴庆区人民政府).

    The document table is read by title, and thirty rows ending in the same site
    name hide the words that differ.
    """
    if not title:
        return "（无标题）"
    match = _TITLE_SUFFIX.match(title.strip())
    return match.group(1) if match else title.strip()


def _finding_views(check: CheckMeta, data: ReportInput) -> Callable[[Finding], FindingView]:
    """How one check group's findings become views (its labels, the run's screenshots and night)."""
    labels, screenshots, night = check.evidence_labels, data.screenshots, data.run.today
    return lambda f: _finding_view(f, labels, screenshots.get(f.id), night)


def _fixed_view(f: Finding) -> dict[str, Any]:
    return {"title": f.title or "（无标题）", "href": web_href(f.url), "url": f.url, "message": f.message,
            "check": f.check}


def _document_view(row: DocumentRow) -> dict[str, Any]:
    return {
        "title": document_title(row.title),
        "href": web_href(row.url),
        "url": row.url,
        "doc_number": row.doc_number or "—",
        "written_on": row.written_on or "—",
        "published_on": row.published_on or "—",
        "problems": [
            {"title": check.title, "message": finding.message, "severity": str(severity_of(finding)),
             "severity_label": SEVERITY_LABELS[severity_of(finding)]}
            for check, finding in row.problems
        ],
        "fixes": row.fixes,
    }


def _interpretation_view(row: Mapping[str, Any]) -> dict[str, Any]:
    status = row.get("status") or ""
    days = row.get("working_days")
    if status == "pending" and row.get("deadline"):
        note = f"截止 {row['deadline']}"
    elif days is not None:
        note = f"{days} 个工作日"
    else:
        note = "—"
    return {
        "title": document_title(row.get("title")),
        "href": web_href(row.get("url")),
        "doc_number": row.get("doc_number") or "—",
        "published_on": row.get("published_on") or "—",
        "status": status,
        "status_label": INTERPRETATION_STATUS_LABELS.get(status, status),
        "days": note,
        "interpretations": [
            {
                "title": document_title(i.get("title")),
                "href": web_href(i.get("url")),
                "kind": INTERPRETATION_KIND_LABELS.get(i.get("kind"), i.get("kind")),
                "published_on": i.get("published_on") or "日期不详",
                "via": INTERPRETATION_VIA_LABELS.get(i.get("via"), i.get("via")),
            }
            for i in row.get("interpretations", [])
        ],
    }


def _metric_lines(metrics: Mapping[str, float | None], targets: Mapping[str, float]) -> list[dict[str, Any]]:
    """Each plan metric with its target, and whether it falls short (for the red mark)."""
    return [
        {
            "label": METRIC_LABELS.get(key, key),
            "value": _metric_text(key, value),
            "target": _metric_text(key, targets[key]) if key in targets else None,
            "short": value is not None and key in targets and value < targets[key],
        }
        for key, value in metrics.items()
    ]


DUE_KIND_LABELS = {"validity": "有效期", "interpretation": "政策解读", "consultation": "意见征集", "column": "栏目更新"}


def trend_svg(points: list[tuple[str, int]], width: int = 160, height: int = 32) -> Markup | None:
    """A small inline SVG line of a department's finding counts over the last nights.

    Built here from numbers only (no page data), so marking it safe is sound; inline
    SVG is markup, not a resource load, so the report's CSP needs nothing more.
    """
    if len(points) < 2:
        return None
    counts = [n for _, n in points]
    top = max(counts) or 1
    step = (width - 4) / (len(counts) - 1)
    coords = " ".join(f"{2 + i * step:.1f},{height - 2 - (n / top) * (height - 4):.1f}" for i, n in enumerate(counts))
    first, last = points[0], points[-1]
    label = f"{first[0]} 至 {last[0]} 共 {len(points)} 次检查，问题数 {first[1]} → {last[1]}"
    return Markup(
        f'<svg class="trend" width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{label}"><title>{label}</title>'
        f'<polyline fill="none" stroke="#1f5fa8" stroke-width="2" points="{coords}"/></svg>'
    )


WORDING_CHECK = "wording"


def highlight(context_text: str, forms: list[str]) -> tuple[str, str, str]:
    """A wording context "…前文【问题】后文…" split so the template can <mark> the middle (all escaped).

    The check writes the match between 【】; the earliest bracketed found form is the match
    (a page may itself contain 【】, but not around the same wrong form before the match).
    """
    best: tuple[int, str] | None = None
    for form in forms:
        at = context_text.find(f"【{form}】")
        if at >= 0 and (best is None or at < best[0]):
            best = (at, form)
    if best is None:
        return context_text, "", ""
    at, form = best
    return context_text[:at], form, context_text[at + len(form) + 2:]


def _wording_page(finding: Finding) -> dict[str, Any]:
    """One page of a wording rule's list: where, how often, and the first context marked."""
    ev = finding.evidence or {}
    count = ev.get("count")
    contexts = [str(c) for c in ev.get("contexts") or []]
    return {
        "department": finding.department,
        "title": document_title(finding.title),
        "url": finding.url,
        "href": web_href(finding.url),
        "count": count if isinstance(count, int) else 1,
        "context": highlight(contexts[0], [str(f) for f in ev.get("found") or []]) if contexts else None,
    }


def wording_groups(findings: list[Finding], *, max_pages: int = 200) -> list[dict[str, Any]]:
    """``wording`` findings grouped by rule across departments, most widespread first.

    A systematic error (a superseded ministry name in a shared template, a typo copied from one
    notice into ten) is fixed once for every department; the per-department sections still
    list each finding for its owner.
    """
    groups: dict[str, dict[str, Any]] = {}
    for finding in findings:
        if finding.check != WORDING_CHECK:
            continue
        ev = finding.evidence or {}
        rule = finding.target or str(ev.get("rule") or "—")
        severity = severity_of(finding)
        group = groups.setdefault(rule, {
            "rule": rule, "kind": ev.get("kind") or "", "found": [], "right": ev.get("right"),
            "source": ev.get("source") or "", "note": ev.get("note") or "", "severity": severity,
            "departments": {}, "pages": [], "occurrences": 0,
        })
        if SEVERITY_ORDER.index(severity) < SEVERITY_ORDER.index(group["severity"]):
            group["severity"] = severity
        forms = [str(f) for f in ev.get("found") or []]
        group["found"] = list(dict.fromkeys([*group["found"], *forms]))
        group["departments"][finding.department] = group["departments"].get(finding.department, 0) + 1
        count = ev.get("count")
        group["occurrences"] += count if isinstance(count, int) else 1
        group["pages"].append(finding)
    out = []
    for group in groups.values():
        departments = sorted(group["departments"].items(), key=lambda item: (-item[1], item[0]))
        rank = {name: i for i, (name, _) in enumerate(departments)}
        pages: list[Finding] = group["pages"]
        pages.sort(key=lambda f: (rank[f.department], f.url))
        total = len(pages)
        out.append({
            **group,
            "severity": str(group["severity"]),
            "severity_label": SEVERITY_LABELS[group["severity"]],
            "page_count": total,
            "departments": departments,
            # Views only for the pages listed: a rule found on every page of a large site lists 200.
            "pages": [_wording_page(f) for f in pages[:max_pages]],
            "pages_cut": max(0, total - max_pages),
        })
    out.sort(key=lambda g: (-g["page_count"], SEVERITY_ORDER.index(Severity(g["severity"])), g["rule"]))
    return out


def context(data: ReportInput) -> dict[str, Any]:
    """Everything the template shows, computed once here rather than in Jinja."""
    summary = summarise(data)
    run = data.run
    style, script = _asset(STYLESHEET), _asset(SCRIPT)
    sections = [
        {
            "index": i,
            "name": section.name,
            "total": section.total,
            "counts": [section.count(check.id) for check in summary.checks],
            "documents": LazyViews(section.documents, _document_view),
            "interpretations": [_interpretation_view(row) for row in section.interpretations],
            "new": section.count_status("new") + section.count_status("reopened"),
            "fixed": LazyViews(section.fixed, _fixed_view),
            "trend": trend_svg(section.trend),
            "due_soon": [
                {"title": item.get("title") or "（无标题）", "href": web_href(item.get("url")),
                 "kind": DUE_KIND_LABELS.get(item.get("kind"), item.get("kind")), "detail": item.get("detail", "")}
                for item in section.due_soon
            ],
            "waived": [
                {"title": f.title or "（无标题）", "href": web_href(f.url), "message": f.message,
                 "reason": (f.waiver or {}).get("reason", ""), "by": (f.waiver or {}).get("accepted_by", ""),
                 "expires": (f.waiver or {}).get("expires", "")}
                for f in section.waived
            ],
            "interp_metrics": _metric_lines(section.metrics, data.metric_targets),
            "share": {
                "documents": section.document_share.documents,
                "normative": section.document_share.normative,
                "marked": section.document_share.marked,
                "marked_share": _share_text(section.document_share.marked_share),
                "normative_marked": section.document_share.normative_marked,
                "normative_marked_share": _share_text(section.document_share.normative_marked_share),
            },
            "groups": [
                {
                    "check": group.check,
                    "findings": LazyViews(group.findings, _finding_views(group.check, data)),
                }
                for group in section.groups
            ],
        }
        for i, section in enumerate(summary.sections, start=1)
    ]
    return {
        "site_id": data.site_id,
        "site_name": data.site_name,
        "run": run,
        "today": run.today.isoformat() if isinstance(run.today, date) else str(run.today),
        "started": _timestamp(run.started),
        "finished": _timestamp(run.finished),
        "checks": summary.checks,
        "check_index": {check.id: i for i, check in enumerate(summary.checks)},
        "sections": sections,
        "by_check": summary.by_check,
        "by_severity": [(str(s), SEVERITY_LABELS[s], summary.by_severity[s]) for s in SEVERITY_ORDER],
        "severity_labels": {str(s): SEVERITY_LABELS[s] for s in SEVERITY_ORDER},
        "total": summary.total,
        "metrics": [
            (line["label"], line["value"], line["target"], line["short"])
            for line in _metric_lines(data.metrics, data.metric_targets)
        ],
        "stats": evidence_tree({k: v for k, v in run.stats.items() if k in RUN_STATS_LABELS}, RUN_STATS_LABELS),
        "warnings": list(data.warnings),
        "start_warning": incomplete_run_warning(run),
        "sibling_note": sibling_hosts_note(run),
        "has_documents": bool(data.documents),
        "messages": _message_rows(data),
        "availability": _availability_view(data.availability),
        "veto": list(data.veto),
        "veto_crossed": sum(1 for risk in data.veto if risk.get("crossed")),
        "wording_groups": wording_groups(data.findings),
        "style": style.text,
        "script": script.text,
        "csp": content_security_policy(style, script),
    }


def _message_rows(data: ReportInput) -> list[dict]:
    """The 留言办理 table: one row per department that has messages, in report order."""
    order = {name: i for i, name in enumerate(data.departments)}
    rows = []
    for name, stats in sorted(data.messages.items(), key=lambda item: (order.get(item[0], len(order)), item[0])):
        median_days, share = stats.get("median_reply_days"), stats.get("on_time_share")
        rows.append({
            "department": name,
            "messages": stats.get("messages", 0),
            "replied": stats.get("replied", 0),
            "overdue": stats.get("unanswered_overdue", 0),
            "median": "—" if median_days is None else f"{median_days:g} 天",
            "share": "—" if share is None else f"{share:.0%}",
            "short": share is not None and share < 1,
        })
    return rows


def _availability_view(week: dict | None) -> dict | None:
    """The 站点可用性 section from the stored week (govcrawl.availability.Availability.as_json)."""
    if not week:
        return None
    threshold = float(week.get("threshold") or 0.05)
    days = []
    for day in week.get("days") or []:
        rate = day.get("rate")
        days.append({**day, "rate_text": "—" if rate is None else f"{rate:.2%}",
                     "short": rate is not None and rate >= threshold})
    outage = week.get("longest_outage")
    outage_text = None
    if outage:
        end = "至今未恢复" if outage.get("ongoing") else f"{_timestamp(outage.get('end'))} 恢复"
        outage_text = f"{_timestamp(outage.get('start'))} 起连续 {outage.get('failed_probes')} 次探测失败，{end}"
    return {"total": week.get("probes", 0), "crossed": bool(week.get("crossed")), "text": week.get("description", ""),
            "days": days, "outage": outage_text}


def iter_render(data: ReportInput) -> Iterator[str]:
    """The report page in pieces, as the template produces them (see :class:`LazyViews`)."""
    return environment().get_template(TEMPLATE).generate(context(data))


def render(data: ReportInput) -> str:
    """The report page as text."""
    return "".join(iter_render(data))


def write(data: ReportInput, path: Path) -> Path:
    """Write ``report.html`` atomically, streamed: the page (tens of MB for a large site) is never one string."""
    return write_chunks_atomic(path, iter_render(data))
