"""The check registry: metadata beside code, and the context that makes findings.

Modelled on axe-core's rule catalogue: each check is metadata (id, Chinese
title, severity, basis, fix hint) plus one evaluation function. The catalogue
(`govcrawl checks`, the README table) is generated from this metadata, never
written twice. ``CheckContext.finding`` fills the department, the stable id and
the common fields so that no check repeats that logic.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from functools import partial

from govcrawl.departments import DepartmentRules
from govcrawl.facts import SiteFacts
from govcrawl.model import Finding, Severity, ValuePool, json_key

RuleFunc = Callable[["SiteFacts", "CheckContext"], Iterable[Finding]]

# Chinese labels of evidence keys that several checks use; a check adds its own
# in ``evidence_labels``. findings.json keeps the keys, the reports show the labels.
COMMON_EVIDENCE_LABELS: dict[str, str] = {
    "link_text": "链接文字",
    "tag": "HTML 标签",
    "in_template": "位于公共模板",
    "linking_pages": "引用页面数",
    "kind": "类型",
    "http_status": "HTTP 状态码",
    "reason": "原因",
    "final_url": "最终地址",
    "checked_with": "检查方式",
    "host": "主机",
    "fragment": "锚点",
    "target_page": "目标页面",
    "target_ids_sample": "目标页面现有的部分 id",
    "doc_number": "文号",
    "written_on": "成文日期",
    "published_on": "发布日期",
}


@dataclass
class Check:
    """One check: what it is called, why it exists, how to fix what it finds."""

    id: str
    title: str  # Chinese, shown to webmasters
    severity: Severity
    basis: str  # the plan item or national rule it enforces
    fix: str  # a concrete fix hint in Chinese
    summary: str = ""  # one sentence: exactly what is flagged (catalogue)
    # "document" when each finding is about one document page (the report lists those in a
    # per-department table of documents to fix); "page" otherwise.
    subject: str = "page"
    evidence_labels: dict[str, str] = field(default_factory=dict)  # this check's own evidence keys
    func: RuleFunc | None = field(default=None, repr=False)

    @property
    def labels(self) -> dict[str, str]:
        """Chinese labels of every evidence key this check may write."""
        return {**COMMON_EVIDENCE_LABELS, **self.evidence_labels}

    def rule(self, func: RuleFunc) -> RuleFunc:
        """Decorator: register the evaluation function of this check."""
        self.func = func
        return func

    def run(self, site: SiteFacts, ctx: CheckContext) -> list[Finding]:
        if self.func is None:
            raise RuntimeError(f"check {self.id} has no rule")
        return list(self.func(site, ctx))


@dataclass
class CheckContext:
    """What a check may know besides the facts: the site's rules and the date."""

    site_id: str
    check: Check
    today: date
    departments: DepartmentRules
    settings: dict = field(default_factory=dict)  # site config as plain data, for check options
    # Messages and evidence already given to this check's findings, so that equal ones are one object:
    # a template-wide problem (a meta tag copied from another site) is one finding per page, with the
    # same message and evidence on each (100,000 pages: ~50 MB). Findings are read-only once made.
    _seen: ValuePool = field(default_factory=ValuePool, repr=False)

    def finding(
        self,
        *,
        url: str,
        message: str,
        target: str | None = None,
        title: str | None = None,
        evidence: dict | None = None,
        occurrences: Iterable[str] = (),
        department: str | None = None,
        identity: tuple[str, ...] | None = None,
        severity: Severity | None = None,
        site: SiteFacts | None = None,
    ) -> Finding:
        """Build a finding with its department and stable id.

        The id hashes the site, the check and ``identity`` (default: url and
        target, the contract's identifying pair) so the same problem keeps the
        same id night after night. Checks whose ``url`` is only one of several
        linking pages pass an identity that does not depend on it.
        """
        if department is None:
            page = site.page(url) if site is not None else None
            department = self.departments.for_page(url, page)
        if title is None and site is not None:
            page = site.page(url)
            title = page.title if page is not None else None
        message = self._seen.share(message)
        if evidence:
            evidence = self._seen.share(evidence, json_key(evidence))
        key = identity if identity is not None else (url, target or "")
        digest = hashlib.sha1("\x1f".join((self.site_id, self.check.id, *key)).encode()).hexdigest()[:20]
        return Finding(
            id=f"{self.check.id}:{digest}",
            check=self.check.id,
            severity=severity or self.check.severity,
            department=department,
            url=url,
            target=target,
            title=title,
            message=message,
            evidence=evidence or {},
            occurrences=sorted(set(occurrences) - {url}),
        )


def check_jobs(
    checks: Iterable[Check],
    site: SiteFacts,
    *,
    site_id: str,
    today: date,
    departments: DepartmentRules,
    settings: dict | None = None,
) -> list[Callable[[], list[Finding]]]:
    """One job per check for ``SiteFacts.together``: it runs the check and returns its findings, sorted.

    Jobs, so that a caller can give ``together`` other walks over the same pages to take turns
    with the checks (the run's statistics, ``govcrawl.cli.check_run``).
    """
    def one(check: Check) -> list[Finding]:
        ctx = CheckContext(site_id, check, today, departments, settings or {})
        findings = check.run(site, ctx)
        findings.sort(key=lambda f: (f.department, f.url, f.target or ""))
        return findings

    return [partial(one, check) for check in checks]


def run_checks(
    checks: Iterable[Check],
    site: SiteFacts,
    *,
    site_id: str,
    today: date,
    departments: DepartmentRules,
    settings: dict | None = None,
) -> Iterator[Finding]:
    """Run each check over the facts; findings come out in catalogue order.

    When the site's pages walk together (a streamed load, ``SiteFacts.walk_together``), the
    checks take turns walking them, so that each page is read from the store once for all of
    them; each check still runs alone over the same facts, so its findings do not change.
    """
    jobs = check_jobs(checks, site, site_id=site_id, today=today, departments=departments, settings=settings)
    for findings in site.together(jobs):
        yield from findings
