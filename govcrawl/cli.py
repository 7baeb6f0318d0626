"""``govcrawl``: the command line and the composition root (the only module that imports everything).

    govcrawl run SITE_ID [-c CONFIG] [--out DIR] [--today YYYY-MM-DD] [--no-browser] [--fresh] [--full]
    govcrawl recheck URL... [--site SITE_ID] [-c CONFIG] [--today YYYY-MM-DD]
    govcrawl check RUN_ID [-c CONFIG] [--today YYYY-MM-DD] [--out DIR]
    govcrawl report RUN_ID [-c CONFIG] [--out DIR]
    govcrawl runs SITE_ID [-c CONFIG]
    govcrawl diff RUN_A RUN_B / govcrawl schedule SITE_ID [--at HH:MM]
    govcrawl checks [--markdown]
    govcrawl demo [--out DIR] [--today 2023-11-01] [--serve]

Exit status (contract §1): 0 when the run completed, whatever it found; 2 for
a usage or configuration error with a one-line message naming the key; 1 for
anything else.
"""

from __future__ import annotations

import argparse
import sys
import time
import traceback
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from govcrawl import __version__
from govcrawl.config import Config, ConfigError, Site, data_dir, get_site, load_config, parse_config
from govcrawl.crawlphase import CrawlFailed, CrawlInterrupted, crawl_exception
from govcrawl.departments import DepartmentRules
from govcrawl.facts import SiteFacts
from govcrawl.model import RunInfo
from govcrawl.restart import Continuation, take_continuation
from govcrawl.runlock import SiteBusy
from govcrawl.store import Store, StoreError

if TYPE_CHECKING:  # the helper's module is imported only by a check phase that starts it
    from govcrawl.checkapart import ChecksApart

SHANGHAI = timezone(timedelta(hours=8), "Asia/Shanghai")
DEMO_TODAY = date(2023, 11, 1)
AVAILABILITY_DAYS = 7  # 站点无法访问 is judged over one week of probes
# Runs with more stored pages than this are checked streamed: the check phase's memory stays flat for
# ~8 % more of its CPU (20,000 pages: 112 against 196 MiB, 18.8 against 17.4 CPU s; bench/RESULTS.md).
# Below it the pages are held in memory: at 5,000 pages streaming costs 18 % and saves 10 MiB, and the
# crawl, not the check phase, is the run's peak there.
STREAM_ABOVE_PAGES = 10_000
# Runs with more pages than this peak in their check phase: their resource lane is a process of its own
# (lane_in_this_process).
LANE_APART_ABOVE_PAGES = 50_000


class UsageError(Exception):
    """Bad command-line input: exit 2 with this message."""


def _today(value: str | None) -> date:
    if value is None:
        return datetime.now(SHANGHAI).date()
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise UsageError(f"--today: not a date in YYYY-MM-DD form: {value!r}") from None


def _now() -> str:
    return datetime.now(SHANGHAI).isoformat(timespec="seconds")


def _new_run_id(site_id: str) -> str:
    return f"{site_id}.{datetime.now(UTC).strftime('%Y%m%d-%H%M%S-%f')[:-3]}"


def _site_of_run(run_id: str) -> str:
    if "." not in run_id:
        raise UsageError(f"RUN_ID: expected SITE_ID.TIMESTAMP (see 'govcrawl runs SITE_ID'), got {run_id!r}")
    return run_id.rsplit(".", 1)[0]


def _default_out(site_id: str, run_id: str) -> Path:
    return Path("reports/out") / f"{site_id}-{run_id.rsplit('.', 1)[1]}"


def _store_path(root: Path, site_id: str, site: Site | None = None) -> Path | str:
    """Where a site's store lives: ``SITE.sqlite`` in the data directory, or the site's schema in the
    PostgreSQL database of the config's ``store`` key (lock, salt and logs stay in the data directory)."""
    url = site._store if site is not None else None
    return f"{url}{'&' if '?' in url else '?'}site={site_id}" if url else root / f"{site_id}.sqlite"


def _check_settings(site: Site) -> dict:
    settings = site.model_dump(mode="json")
    settings["hosts"] = site.hosts()
    if site._config_dir is not None:
        settings["config_dir"] = str(site._config_dir)
    return settings


# -- the pipeline: crawl -> facts -> checks -> findings -> reports ------------------


def check_run(store: Store, run: RunInfo, site_id: str, site: Site, waivers: list | None = None) -> list:
    """Run every check on a stored run and store the findings."""
    from reports import prestart_workbook_helper

    pages = store.page_count(run.id)
    departments = DepartmentRules.from_config(site.owner, site.departments)
    settings = _check_settings(site)
    # Two checks on the other core meanwhile (govcrawl.checkapart), a helper that then writes the workbook;
    # else the workbook's helper now, while this process is small (reports.apart.prestart).
    for key in ("checks_apart", "checks_apart_failed"):  # a re-check says what happened this time
        run.stats.pop(key, None)
    apart = _checks_apart(store, run, site_id, site, pages, departments, settings)
    if apart is None:
        prestart_workbook_helper(pages)
    try:
        return _check_run(store, run, site_id, site, waivers, pages, departments, settings, apart)
    except BaseException:
        if apart is not None:
            apart.abandon()
        raise


def _check_run(store: Store, run: RunInfo, site_id: str, site: Site, waivers: list | None, pages: int,
               departments: DepartmentRules, settings: dict, apart: ChecksApart | None) -> list:
    from checks import ALL_CHECKS, check_jobs

    # A large run's pages leave their bulk in the store and the checks take turns walking them
    # (flat memory; see Store.pages and SiteFacts.walk_together); a small run is checked from memory.
    stream = pages > STREAM_ABOVE_PAGES
    facts = SiteFacts.build(
        store.pages(run.id, stream=stream), store.outcomes(run.id), homepage=_homepage(site),
        audits=store.audits(run.id).values(),
    )
    if stream:
        facts.walk_together()
    # site-unavailable: the probes of the 7 days ending on the run's date (govcrawl probe, from cron).
    facts.probes = store.probes(run.today - timedelta(days=AVAILABILITY_DAYS - 1), run.today)
    earlier = previous_completed(store, run)
    if earlier:  # history checks compare with the previous completed night (what they read of its pages)
        facts.previous = SiteFacts.build(store.history_pages(earlier[-1].id), homepage=_homepage(site))
        tonight = {p.url for p in facts.pages}
        before = {p.url for p in facts.previous.pages}
        run.stats["pages_new"] = len(tonight - before)
        run.stats["pages_gone"] = len(before - tonight)
    here = [check for check in ALL_CHECKS if apart is None or check.id not in apart.job.checks]
    checks = check_jobs(here, facts, site_id=site_id, today=run.today, departments=departments, settings=settings)
    # The run's statistics walk the pages too: with the checks, so that a streamed load is read once.
    done = facts.together([
        *checks,
        partial(_column_warnings, facts, run, site, departments),
        partial(_document_shares, facts, departments),
        partial(_interpretations, facts, run, site_id, site, departments),
        partial(_due_soon, facts, run, site_id, site, departments),
        partial(_message_stats, facts, run, site_id, site, departments),
    ])
    found = dict(zip((check.id for check in here), done[:len(checks)], strict=True))
    if apart is not None:
        found.update(_findings_apart(apart, facts, run, pages))
    findings = [finding for check in ALL_CHECKS for finding in found[check.id]]  # catalogue order, as before
    warnings, shares, interpretations, due, messages = done[len(checks):]
    life = _lifecycle(store, run, facts, findings)
    from govcrawl.lifecycle import drain
    from govcrawl.waivers import apply_waivers

    findings = apply_waivers(drain(life.findings), waivers or [], site_id, run.today)
    store.replace_findings(run.id, findings, life.fixed)
    run.stats["lifecycle"] = {
        "previous_run": life.previous_run,
        **{s: sum(1 for f in findings if f.status == s) for s in ("new", "open", "reopened")},
        "fixed": len(life.fixed),
        "not_rechecked": sum(1 for f in findings if not f.rechecked),
        "waived": sum(1 for f in findings if f.waiver),
    }
    run.stats["column_warnings"] = warnings
    # What the run could not check, and why (reports.data.incomplete_run_warning, sibling_hosts_note).
    run.stats["start_pages_unread"] = unread_start_pages(facts, site)
    run.stats["start_pages_offsite"] = offsite_start_pages(facts, site)
    run.stats["sibling_hosts"] = sibling_hosts(facts, site)
    from crawler.slowdown import SLOW_DOWN_STATUSES

    # Answers that stayed "too many requests" / "unavailable" after the crawl waited them out (crawler.slowdown).
    run.stats["slow_down_answers"] = facts.outcomes.count_status(SLOW_DOWN_STATUSES, internal=True)
    run.stats["documents"] = shares
    run.stats.update(interpretations)
    run.stats["due_soon"] = due
    run.stats["a11y_templates"] = _a11y_templates(facts, findings)
    run.stats["messages"] = messages
    run.stats["availability"] = _availability(facts.probes, run.today, site)
    return findings


def _checks_apart(store: Store, run: RunInfo, site_id: str, site: Site, pages: int, departments: DepartmentRules,
                  settings: dict) -> ChecksApart | None:
    """The helper running ``checkapart.APART`` for this run, started now; None when it does not pay here."""
    from govcrawl import checkapart

    if not checkapart.wanted(pages, store.postgres):
        return None
    return checkapart.ChecksApart(checkapart.Job(str(store.path), run.id, checkapart.APART, site_id, run.today,
                                                 departments, settings, _homepage(site)))


def _findings_apart(apart: ChecksApart, facts: SiteFacts, run: RunInfo, pages: int) -> dict[str, list]:
    """The findings of the checks the helper ran; run here when it failed. The run's stats say which checks the
    helper ran (``checks_apart``), or why it could not (``checks_apart_failed``)."""
    from govcrawl.checkapart import run_on
    from reports import adopt_workbook_helper

    found = apart.findings()
    if found is not None:
        adopt_workbook_helper(apart.process, pages)  # it becomes the workbook's helper (govcrawl.checkapart)
        run.stats["checks_apart"] = list(found)
        return found
    run.stats["checks_apart_failed"] = apart.error
    print(f"提示 / note: 检查辅助进程失败，改在本进程检查 / the checks' helper failed: {apart.error}", file=sys.stderr)
    return run_on(facts, apart.job)


def _message_stats(facts: SiteFacts, run: RunInfo, site_id: str, site: Site, departments: DepartmentRules) -> dict:
    """Per department: messages, replies, median days to reply, share replied within the limit."""
    from checks.messages import reply_stats, site_messages
    from checks.workdays import WorkdayCalendar

    settings = _check_settings(site)
    calendar = WorkdayCalendar.from_settings(settings, key_path=f"sites.{site_id}.calendar")
    return reply_stats(site_messages(facts, settings, departments), run.today, calendar)


def _availability(probes: list, today: date, site: Site) -> dict | None:
    """The availability summary of the probes before the run (None when the site is not probed)."""
    from govcrawl.availability import summary

    if not probes:
        return None
    return summary(probes, today, days=AVAILABILITY_DAYS, threshold=site.availability.threshold).as_json()


A11Y_CHECKS = ("a11y", "elder-friendly")


def _a11y_templates(facts: SiteFacts, findings: list) -> dict[str, int]:
    """Templates rendered in the browser, and how many of them carry no accessibility or elder-friendly finding.

    The plan's accessibility metric is per template (a template fixed once fixes every page built on it).
    """
    template_of = {p.url: p.template for p in facts.pages if p.template}
    checked = {template_of[url] for url, audit in facts.audits.items() if audit.status == "ok" and url in template_of}
    failing = {template_of.get(f.url) for f in findings if f.check in A11Y_CHECKS and not f.waiver}
    failing |= {f.evidence.get("template") for f in findings
                if f.check in A11Y_CHECKS and isinstance(f.evidence, dict) and not f.waiver}
    return {"checked": len(checked), "passing": len(checked - failing)}


def quarter_of(day: date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3 + 1


def retain_evidence(store: Store, run: RunInfo, site: Site) -> dict:
    """Keep raw responses where they are, or may become, evidence; warn when they outgrow the budget.

    The newest run keeps the capture of every page (an unchanged page carries
    last night's over): a page with no finding tonight may have one tomorrow
    while answering 304, and its capture could not be fetched back then.
    Earlier runs of the same quarter give theirs up; the last run of a past
    quarter keeps only the pages with findings (the evidence pack's captures);
    pinned runs (an evidence pack refers to them) keep everything. Over the
    budget nothing is deleted silently: the run warns, loudly, and the office decides.
    """
    freed = 0
    pinned = store.pinned()
    if run.base_run is None:  # a re-check keeps the night's captures it rests on
        quarter = quarter_of(run.today)
        for other in previous_completed(store, run):
            if other.id in pinned:
                continue
            if quarter_of(other.today) == quarter:
                freed += store.delete_raw(other.id)
            else:
                freed += store.prune_raw(other.id, {f.url for f in store.findings(other.id)})
    total = sum(store.raw_usage().values())
    budget = int(site.evidence.raw_budget_mb * 1024 * 1024)
    out: dict = {"raw_bytes": total, "raw_freed_bytes": freed}
    if total > budget:
        warning = (f"证据页面原文占用 {total / 1048576:.1f} MB，超过预算 {site.evidence.raw_budget_mb:g} MB"
                   "（evidence.raw_budget_mb）。未删除任何证据；请生成并归档季度证据包后用 --keep-runs 清理旧运行，"
                   "或调高预算 / kept page captures exceed the evidence budget")
        print(f"警告 / warning: {warning}", file=sys.stderr)
        out["warning"] = warning
    return out

def _due_soon(facts: SiteFacts, run: RunInfo, site_id: str, site: Site, departments: DepartmentRules) -> list:
    """Validity periods, interpretation deadlines and consultations falling due soon (checks.due_soon)."""
    from checks.due_soon import due_soon
    from checks.workdays import WorkdayCalendar

    settings = _check_settings(site)
    calendar = WorkdayCalendar.from_settings(settings, key_path=f"sites.{site_id}.calendar")
    return [
        {**item.as_json(), "department": departments.for_page(item.url, facts.page(item.url))}
        for item in due_soon(facts, settings, run.today, calendar)
    ]


def _interpretations(
    facts: SiteFacts, run: RunInfo, site_id: str, site: Site, departments: DepartmentRules
) -> dict:
    """Documents needing an interpretation (with their status) and the two plan metrics, site and per department.

    The same memoised pairing the two interpretation checks used, so the table and the findings agree.
    """
    from checks.interpretations import TARGETS, assess, metrics
    from checks.workdays import WorkdayCalendar

    settings = _check_settings(site)
    calendar = WorkdayCalendar.from_settings(settings, key_path=f"sites.{site_id}.calendar")
    needs = assess(facts, settings, run.today, calendar)
    rows, by_dept = [], {}
    for need in needs:
        dept = departments.for_page(need.url, facts.page(need.url))
        rows.append({**need.as_json(), "department": dept})
        by_dept.setdefault(dept, []).append(need)
    return {
        "interpretations": rows,
        "metrics": metrics(needs),
        "metrics_by_department": {dept: metrics(group) for dept, group in by_dept.items()},
        "metric_targets": dict(TARGETS),
    }


def prune_runs(store: Store, keep: int, current: RunInfo) -> list[str]:
    """Keep the ``keep`` newest completed runs (the current one among them) and nothing older.

    Runs that are not completed and older than the newest kept run go too (an
    interrupted crawl is never a "previous run"); a run still in progress or
    newer than the current one is never touched, nor a pinned run (a quarterly
    evidence pack refers to it) or the base run of a re-check that stays.
    """
    runs = store.runs()
    completed = [r for r in runs if r.status == "completed"]
    kept = {r.id for r in completed[-keep:]} | {current.id} | set(store.pinned())
    kept |= {r.base_run for r in runs if r.id in kept and r.base_run}
    oldest_kept = min((r.started for r in completed[-keep:] + [current]), default=current.started)
    gone = [r.id for r in runs if r.id not in kept and r.started < oldest_kept]
    # A re-check's base goes only with the re-check: delete the re-checks first.
    gone.sort(key=lambda run_id: next(r.base_run is None for r in runs if r.id == run_id))
    for run_id in gone:
        store.delete_run(run_id)
    if gone:
        store.compact()
    return gone


def previous_completed(store: Store, run: RunInfo) -> list[RunInfo]:
    """Completed runs of the site that started before ``run``, oldest first (never an interrupted one)."""
    return [r for r in store.runs() if r.id != run.id and r.status == "completed" and r.started < run.started]


def _lifecycle(store: Store, run: RunInfo, facts: SiteFacts, findings: list):
    """new / open / reopened / fixed against the previous completed run (govcrawl.lifecycle); empties ``findings``."""
    from govcrawl.lifecycle import apply

    earlier = previous_completed(store, run)
    previous = earlier[-1] if earlier else None
    rechecked = {u for p in facts.pages if p.status is not None and 200 <= p.status < 300
                 for u in (p.url, p.final_url) if u}
    prior = store.iter_findings(previous.id) if previous else None
    reopened = store.fixed_before([r.id for r in earlier], (f.id for f in findings)) if earlier else {}
    return apply(findings, run.today, prior, rechecked, reopened, previous.id if previous else None)


def _document_shares(facts: SiteFacts, departments: DepartmentRules) -> dict[str, dict[str, int]]:
    """Per department: documents read, normative ones, and how many of each carry a validity marking."""
    from checks.documents import validity_inventory

    shares: dict[str, dict[str, int]] = {}
    for page, normative, marked in validity_inventory(facts.html_pages()):
        row = shares.setdefault(
            departments.for_page(page.url, page), {"documents": 0, "normative": 0, "marked": 0, "normative_marked": 0}
        )
        row["documents"] += 1
        row["marked"] += marked
        row["normative"] += normative
        row["normative_marked"] += normative and marked
    return shares


def _column_warnings(facts: SiteFacts, run: RunInfo, site: Site, departments: DepartmentRules) -> list[dict]:
    """Columns still in time but close to their limit, for the report's early-warning list."""
    from checks.stale_column import early_warnings

    if site.column_warning_days is None:
        return []
    return [
        {
            "column": "首页" if w.column.homepage else w.column.name,
            "url": w.column.url,
            "department": departments.for_page(w.column.url, w.column.pages[0]),
            "limit_days": w.limit_days,
            "age_days": w.age_days,
            "days_left": w.days_left,
        }
        for w in early_warnings(facts, run.today, _check_settings(site), site.column_warning_days)
    ]


def unread_start_pages(facts: SiteFacts, site: Site) -> list[dict]:
    """The site's start pages that the crawl could not read as HTML, each with why, in Chinese.

    Why a run-level fact and not a finding: a homepage that is down at crawl time leaves a
    run with next to nothing checked, and "1 page, 0 problems" must not read as a clean site.
    No contract check covers it (``site-unavailable`` judges the 15-minute probes of a week),
    so the run says it itself: on the command line, at the top of the report, in findings.json.
    """
    from crawler.urls import normalise

    unread = []
    for start in site.start_urls:
        norm = normalise(start)
        url = norm[0] if norm else start
        page = facts.page(url)
        if page is None:
            outcome = facts.outcome(url)
            reason = outcome.reason if outcome is not None and outcome.reason else "没有抓取到（被 robots.txt 禁止或抓取中断）"
        elif page.status is None:
            reason = page.error or "没有响应"
        elif not 200 <= page.status < 300:
            reason = f"HTTP {page.status}"
        elif not page.is_html:
            reason = f"返回的不是网页（{page.content_type or '未声明内容类型'}）"
        else:
            continue
        unread.append({"url": url, "reason": reason})
    return unread


def offsite_start_pages(facts: SiteFacts, site: Site) -> list[dict]:
    """Start pages that redirected off the site's hosts (``xq.gov.cn`` -> ``www.xq.gov.cn``), with where to.

    The crawl then stays on the start page: every link of the real site is "external". It is a
    configuration slip a webmaster fixes in a minute once told, so the run tells them.
    """
    from urllib.parse import urlsplit

    from crawler.urls import normalise

    hosts = {h.lower() for h in site.hosts()}
    moved = []
    for start in site.start_urls:
        norm = normalise(start)
        page = facts.read_page(norm[0] if norm else start)
        if page is None or not page.final_url:
            continue
        parts = urlsplit(page.final_url)
        if (parts.netloc.lower() not in hosts and (parts.hostname or "").lower() not in hosts):
            moved.append({"url": page.url, "final_url": page.final_url})
    return moved


SIBLINGS_LISTED = 10


def sibling_hosts(facts: SiteFacts, site: Site) -> list[dict]:
    """Other hosts of the site's own domain that its pages link to, with how many addresses each.

    Why: a district's 政府信息公开平台 or 政务服务 pages often live on a host of their own
    (``xxgk.xq.gov.cn`` beside ``www.xq.gov.cn``). Unless ``allowed_hosts`` names it, the crawl
    treats it as another site and checks nothing on it, which a webmaster may not know. Only hosts
    under the site's own domain (its host without a leading ``www.``) count: a district under a
    city's domain (``xq.yinchuan.gov.cn``) does not list the city's other districts.
    """
    hosts = {h.lower().rsplit(":", 1)[0] for h in site.hosts()}
    bases = {h[4:] if h.startswith("www.") else h for h in hosts}
    counts: dict[str, int] = {}
    for url in facts.outcomes:  # normalised absolute URLs: scheme://host[:port]/..., the host in lower case
        if not any(base in url for base in bases):  # another site's: nothing to take apart
            continue
        parts = url.split("/", 3)
        host = parts[2].rpartition("@")[2].rsplit(":", 1)[0] if len(parts) > 2 else ""
        if host in hosts:
            continue
        if any(host == base or host.endswith("." + base) for base in bases):
            counts[host] = counts.get(host, 0) + 1
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:SIBLINGS_LISTED]
    return [{"host": host, "urls": n} for host, n in ranked]


def _homepage(site: Site) -> str:
    from crawler.urls import normalise

    norm = normalise(site.start_urls[0])
    return norm[0] if norm else site.start_urls[0]


def write_reports(store: Store, run: RunInfo, site_id: str, site: Site, out: Path) -> dict[str, Path]:
    from checks import ALL_CHECKS
    from checks.veto import veto_risks
    from reports import CheckMeta, ReportInput, write_all

    catalogue = [CheckMeta.from_check(c) for c in ALL_CHECKS]
    stored = store.findings(run.id)
    findings = [f for f in stored if not f.waiver]  # waived findings are listed apart and not counted
    data = ReportInput(
        site_id=site_id,
        site_name=site.name,
        run=run,
        findings=findings,
        catalogue=catalogue,
        departments=DepartmentRules.from_config(site.owner, site.departments).names(),
        metrics=dict(run.stats.get("metrics", {})),
        veto=[risk.as_json() for risk in veto_risks(findings, probed=run.stats.get("availability") is not None)],
        warnings=list(run.stats.get("column_warnings", [])),
        documents=dict(run.stats.get("documents", {})),
        interpretations=list(run.stats.get("interpretations", [])),
        due_soon=list(run.stats.get("due_soon", [])),
        metrics_by_department=dict(run.stats.get("metrics_by_department", {})),
        metric_targets=dict(run.stats.get("metric_targets", {})),
        fixed=store.fixed(run.id),
        waived=[f for f in stored if f.waiver],
        trend=_trend(store, run),
        messages=dict(run.stats.get("messages") or {}),
        availability=run.stats.get("availability"),
    )
    out.mkdir(parents=True, exist_ok=True)
    data.screenshots = _export_screenshots(store, run, findings, out)
    return write_all(data, out)


def _trend(store: Store, run: RunInfo, nights: int = 30) -> list[tuple[str, dict[str, int]]]:
    """Findings per department over the last ``nights`` evaluation dates, this run included, oldest first.

    One point per date: the day's last run (a same-day re-check replaces the night's count).
    """
    by_day: dict[date, RunInfo] = {}
    for r in previous_completed(store, run) + [run]:
        by_day[r.today] = r
    runs = sorted(by_day.values(), key=lambda r: r.today)[-nights:]
    counts = store.open_counts([r.id for r in runs])
    return [(r.today.isoformat(), counts.get(r.id, {})) for r in runs]


def _export_screenshots(store: Store, run: RunInfo, findings: list, out: Path) -> dict[str, str]:
    """Write each finding's screenshot beside the report (screenshots/ID.png); return id -> relative path.

    Files rather than data: URIs keep report.html small enough to open on a phone;
    the folder travels with the report.
    """
    paths: dict[str, str] = {}
    for finding in findings:
        key = finding.evidence.get("screenshot") if isinstance(finding.evidence, dict) else None
        if not key:
            continue
        png = store.screenshot(run.id, finding.url, key)
        if not png:
            continue
        name = f"screenshots/{_safe_file_name(finding.id)}.png"
        (out / "screenshots").mkdir(parents=True, exist_ok=True)
        if (out / name).resolve().parent != (out / "screenshots").resolve():
            continue  # cannot happen with a sanitised name; never write outside the folder
        (out / name).write_bytes(png)
        paths[finding.id] = name
    return paths


def _safe_file_name(text: str) -> str:
    """A file name from a finding id: letters, digits, - and _ only, bounded, unique (hash suffix when changed).

    Ids made by the checks are already safe (check:hex); one read back from a
    store edited by hand must not write outside the report folder.
    """
    import hashlib
    import re

    name = re.sub(r"[^A-Za-z0-9_-]", "-", text)[:100].strip("-") or "x"
    if name != text.replace(":", "-"):
        name += "-" + hashlib.sha1(text.encode("utf-8", "replace")).hexdigest()[:8]
    return name


def browser_pass(store: Store, run: RunInfo, site: Site, *, all_pages: bool, config_dir: Path | None,
                 skip: set[str] | frozenset[str] = frozenset(), only: list[str] | None = None) -> dict:
    """Render the chosen pages in headless Chromium (axe-core + own rules) and store the audits.

    Runs after the crawl, from the stored facts: the crawl stays fast and the
    browser pass can be skipped (``--no-browser``) without losing anything else.
    """
    from crawler.browser import BrowserPool
    from crawler.browser_select import choose_pages

    settings = site.accessibility
    if only is not None:
        urls = only
    else:
        urls = choose_pages(
            store.pages(run.id), _homepage(site), per_template=settings.per_template, max_pages=settings.max_pages,
            all_pages=all_pages,
        )
    if skip:  # a resumed run: pages already rendered before the interruption are not rendered again
        urls = [u for u in urls if u not in skip]
    where = f"Selenium Grid {settings.remote_url}" if settings.remote_url else f"{settings.workers} 个本地浏览器"
    print(f"浏览器无障碍检测：{len(urls)} 个页面（{where}）", file=sys.stderr)
    started = time.monotonic()
    done = failed = 0
    first_error = None
    batch: list = []
    flushed = time.monotonic()
    with BrowserPool(settings, base_dir=config_dir) as pool:
        for audit in pool.audit(urls):
            done += 1
            failed += audit.status != "ok"
            first_error = first_error or audit.error
            batch.append(audit)
            # Stored often: a run killed now resumes after the last stored audit (each costs ~1 s to redo).
            if len(batch) >= 5 or time.monotonic() - flushed > 5:
                store.add_audits(run.id, batch)
                batch.clear()
                flushed = time.monotonic()
            if done % 50 == 0:
                print(f"  已检测 {done}/{len(urls)} 个页面", file=sys.stderr)
    store.add_audits(run.id, batch)
    if failed:
        print(f"  注意：{failed} 个页面浏览器检测未完成（超时或浏览器崩溃），报告中只有静态检查结果。"
              f"首个原因：{first_error}", file=sys.stderr)
    return {"browser_pages": done + len(skip), "browser_failed": failed,
            "browser_seconds": round(time.monotonic() - started, 1)}


def crawl_check_report(
    site_id: str, site: Site, root: Path, today: date, out: Path | None, *, progress: str, verbose: bool,
    browser: bool = True, a11y_all: bool = False, config_dir: Path | None = None, waivers: list | None = None,
    fresh: bool = False, full: bool = False, redis_url: str | None = None, restart: bool = False,
    continuation: Continuation | None = None,
) -> tuple[RunInfo, dict[str, Path], Tally]:
    """Crawl, check and report one site, holding the site's run lock (one run per site at a time).

    ``redis_url``: crawl as the coordinator of a fleet (``govcrawl worker`` processes join the run).
    ``restart``: crawl in an image of this process of its own, then check in a fresh image of the CLI
    (``govcrawl.restart``); only for the command line, which owns its process. ``continuation``: this
    image is that fresh one, and checks the crawled run or reports how its crawl failed.
    """
    from govcrawl.runlock import RunLock

    lock = RunLock(root, site_id)
    checking = failure = None
    if continuation is not None:
        restart = False  # a restarted image never restarts again, whatever it was handed
        if continuation.holds(site_id, lock.path):
            lock = RunLock.adopt(root, site_id, continuation.lock_fd)
        if continuation.site_id == site_id:
            checking = continuation.run_id  # checked only if it is this site's run, crawled (_crawled_run)
            failure = continuation.error
    with lock:
        if failure is not None:
            raise crawl_exception(failure)  # the run is marked failed already, and resumes
        return _crawl_check_report(site_id, site, root, today, out, progress=progress, verbose=verbose,
                                   browser=browser, a11y_all=a11y_all, config_dir=config_dir, waivers=waivers,
                                   fresh=fresh or redis_url is not None, full=full, redis_url=redis_url,
                                   restart_lock=lock.fd if restart and redis_url is None else None,
                                   checking=checking)


def config_hash(site: Site) -> str:
    """A short hash of a site's effective config: a run is resumed only under the same config."""
    import hashlib
    import json

    text = json.dumps(site.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _facts_version() -> int:
    from crawler.extract import FACTS_VERSION

    return FACTS_VERSION


def resumable(store: Store, site_id: str, site: Site, today: date) -> RunInfo | None:
    """The site's newest run, when it was interrupted and can be continued by the same command.

    Same evaluation date, same config, same tool version: only then does the
    resumed run end with the findings an uninterrupted one would have had. The
    caller holds the site's lock, so an unfinished run is a dead one.
    """
    runs = [r for r in store.runs() if r.site == site_id and r.base_run is None]
    if not runs or runs[-1].status not in ("running", "failed", "crawled"):
        return None
    last = runs[-1]
    if (last.today != today or last.stats.get("config_hash") != config_hash(site)
            or last.tool_version != __version__ or last.stats.get("facts_version") != _facts_version()):
        return None
    return last


def _reuse_source(store: Store, run: RunInfo) -> str | None:
    """The completed run whose pages tonight's conditional requests can fall back on (same extraction)."""
    earlier = previous_completed(store, run)
    if earlier and earlier[-1].stats.get("facts_version") == _facts_version():
        return earlier[-1].id
    return None


def _crawl_check_report(
    site_id: str, site: Site, root: Path, today: date, out: Path | None, *, progress: str, verbose: bool,
    browser: bool, a11y_all: bool, config_dir: Path | None, waivers: list | None, fresh: bool, full: bool,
    redis_url: str | None = None, restart_lock: int | None = None, checking: str | None = None,
) -> tuple[RunInfo, dict[str, Path], Tally]:
    """``restart_lock``: the descriptor of the site's run lock, held across the images the crawl and the
    checks then run in (``govcrawl.restart``).

    ``checking``: the id of a run a previous image of this process crawled; checked and reported here.
    """
    store_path = _store_path(root, site_id, site)
    run = _crawled_run(store_path, site_id, checking) if checking is not None else None
    if run is None:
        run = _crawl_for_report(site_id, site, root, today, store_path, progress=progress, verbose=verbose,
                                fresh=fresh, full=full, redis_url=redis_url, restart_lock=restart_lock)
    with Store(store_path) as store:
        if browser:
            run.stats.update(browser_pass(store, run, site, all_pages=a11y_all, config_dir=config_dir,
                                          skip=store.audited_urls(run.id)))
            store.update_run(run)
        try:
            tally = Tally.of(check_run(store, run, site_id, site, waivers))
        except ConfigError as exc:
            raise ConfigError(
                f"{exc}（已抓取的数据已保存，补充配置后运行 govcrawl check {run.id} 即可重新检查，无需重新抓取）"
            ) from None
        run.stats["evidence"] = retain_evidence(store, run, site)
        run.status, run.finished = "completed", _now()
        store.update_run(run)
        paths = write_reports(store, run, site_id, site, out or _default_out(site_id, run.id))
        notes = notify(store, run, site, paths)
        if notes:
            run.stats["notifications"] = notes
            store.update_run(run)
    return run, paths, tally


def _crawl_for_report(
    site_id: str, site: Site, root: Path, today: date, store_path: Path | str, *, progress: str, verbose: bool,
    fresh: bool, full: bool, redis_url: str | None, restart_lock: int | None,
) -> RunInfo:
    """Open (or resume) the site's run and crawl it; the run, ``crawled``. ``restart_lock``: see ``_crawl``."""
    with Store(store_path) as store:
        run = None if fresh else resumable(store, site_id, site, today)
        resumed = run is not None
        if run is None:
            for stale in store.runs():
                if stale.site == site_id and stale.status in ("running", "crawled"):
                    stale.status = "failed"  # dead and not resumable: never a "previous run"
                    store.update_run(stale)
            run = RunInfo(id=_new_run_id(site_id), site=site_id, started=_now(), today=today,
                          tool_version=__version__,
                          stats={"config_hash": config_hash(site), "facts_version": _facts_version()})
            store.begin_run(run)
        reuse_from = None if full else _reuse_source(store, run)
    if resumed:
        run.stats["resumed"] = int(run.stats.get("resumed", 0)) + 1
        print(f"继续上次中断的运行 {run.id}（已完成的部分不再重复）/ resuming", file=sys.stderr)
    else:
        print(f"开始检查 {site.name}（{site_id}），运行编号 {run.id}", file=sys.stderr)
    if run.status != "crawled":
        if redis_url is not None:
            _fleet_crawl(run, site, site_id, store_path, redis_url, progress=progress, verbose=verbose,
                         reuse_from=reuse_from, root=root)
        else:
            _crawl(run, site, site_id, store_path, progress=progress, verbose=verbose, reuse_from=reuse_from,
                   resume=resumed, root=root, restart_lock=restart_lock)
    return run


def _crawled_run(store_path: Path | str, site_id: str, run_id: str) -> RunInfo | None:
    """The run a previous image of this process crawled (``govcrawl.restart``), if it is that, else None."""
    with Store(store_path) as store:
        try:
            run = store.get_run(run_id)
        except StoreError:
            return None
    return run if run.site == site_id and run.status == "crawled" else None


def _fleet_crawl(run: RunInfo, site: Site, site_id: str, store_path: Path | str, redis_url: str, *, progress: str,
                 verbose: bool, reuse_from: str | None, root: Path) -> None:
    """Crawl as the coordinator of a fleet: open the run for ``govcrawl worker`` processes, crawl with them
    until the fleet has drained, close it. Pages are counted from the shared store (every worker's)."""
    from crawler.fleet import Fleet, RunDescriptor, connect

    fleet = Fleet(connect(redis_url), run.id, "coordinator")
    location = store_path if isinstance(store_path, str) else str(Path(store_path).resolve())  # a URL stays a URL
    from govcrawl.salt import salt_fingerprint, site_salt

    salt_id = salt_fingerprint(site_salt(root, site_id))
    fleet.publish(RunDescriptor(run.id, site_id, location, run.today.isoformat(), config_hash(site), reuse_from,
                                salt_id))
    print(f"已在 Redis 开放运行 {run.id}，其他机器上的 govcrawl worker 可加入 / open for workers", file=sys.stderr)
    try:
        _crawl(run, site, site_id, store_path, progress=progress, verbose=verbose, reuse_from=reuse_from,
               redis_url=redis_url, root=root)
    finally:
        fleet.retire()
    with Store(store_path) as store:
        run.pages_crawled = len(store.page_urls(run.id))
        run.stats["pages"] = run.pages_crawled
        # Each worker counted only its own downloads: the fleet's share per worker says it better.
        for key in ("pages_fetched", "pages_unchanged"):
            run.stats.pop(key, None)
        run.stats["fleet_workers"] = fleet.counters()
        store.update_run(run)


def lane_in_this_process(store_path: Path, run: RunInfo) -> bool:
    """Whether the crawl's resource lane runs as a thread of this process (``crawler.apart``), or as a process.

    As a thread it costs only the imports this process lacks, while a process of its own weighs 55 MiB:
    the saving counts where the crawl is a run's peak. A run of more than ``LANE_APART_ABOVE_PAGES``
    pages peaks in its check phase instead, in this process, where the lane's imports would stay: 423
    against 386 MiB at 100,000 pages (bench/RESULTS.md). The site's largest completed run says which kind
    this one will be; a first run, whose size nobody knows, hosts it.

    The command crawls in its own process (its crawl image, ``govcrawl.crawlphase``), where a hosted lane also shares
    the crawl's GIL: on a large site's second night it fell behind the crawl (100,000 pages: 434.8 s against
    293 with a lane process, bench/RESULTS.md). The same threshold sends it to a process of its own there.
    """
    with Store(store_path) as store:
        sizes = [r.pages_crawled for r in previous_completed(store, run)]
    return max(sizes, default=0) <= LANE_APART_ABOVE_PAGES


def _crawl(run: RunInfo, site: Site, site_id: str, store_path: Path, *, progress: str, verbose: bool,
           reuse_from: str | None, resume: bool = False, recheck: list[str] | None = None,
           redis_url: str | None = None, root: Path | None = None, restart_lock: int | None = None) -> None:
    """The crawl phase: pages and link answers into the store, then the run is marked ``crawled``.

    The crawl runs in a child process (``crawler.apart``): the checks that follow start from a process
    that never loaded Scrapy nor held the crawl's state. ``restart_lock``: in an image of this process
    of its own instead, which then starts a fresh image of the CLI for the checks, handing on the lock
    with this descriptor (``govcrawl.restart``). Returns only to check in this image.
    """
    from crawler.apart import run_crawl_apart
    from crawler.plainsite import plain_site
    from govcrawl.crawlphase import crawl_and_record, crawl_failed, record_crawl
    from govcrawl.restart import restart_for_checks, start_crawl_image
    from govcrawl.salt import site_salt

    arguments = dict(
        site_id=site_id, run_id=run.id, store_path=str(store_path), today=run.today, progress=progress,
        log_level="INFO" if verbose else "WARNING", reuse_from=reuse_from, resume=resume, recheck=recheck,
        salt=site_salt(root or Path(store_path).parent, site_id), redis_url=redis_url,
    )
    host_lane = lane_in_this_process(store_path, run)
    if restart_lock is not None:
        plan = {"run": run, "host_lane": host_lane, "crawl": {"site": plain_site(site), **arguments}}
        start_crawl_image(plan, restart_lock, site_id)
        crawl_and_record(plan)  # no crawl image (exec failed): crawl here, then restart for the checks
        restart_for_checks(site_id, run.id, restart_lock)
        return  # that failed too: check in this image
    try:
        stats = run_crawl_apart(site, host_lane=host_lane, **arguments)
    except BaseException:
        crawl_failed(run, store_path)
        raise
    record_crawl(run, stats, store_path, reuse_from=reuse_from, resume=resume)


def notify(store: Store, run: RunInfo, site: Site, paths: dict[str, Path]) -> list[str]:
    """Send the per-department summary by email and to group robots; failures are logged, never raised."""
    from govcrawl import notify as notifier

    settings = site.notify
    if settings.email is None and not settings.webhooks:
        return []
    folder = paths["html"].parent
    report = (settings.report_url.format(folder=folder.name, run_id=run.id) if settings.report_url
              else str(paths["html"].resolve()))
    departments = DepartmentRules.from_config(site.owner, site.departments).names()
    rows = notifier.summarise(store.findings(run.id), store.fixed(run.id), departments)
    night = run.today.isoformat()
    from reports.data import incomplete_run_warning

    warning = incomplete_run_warning(run)
    notes: list[str] = []
    if settings.email is not None:
        notes += notifier.send_email(settings.email.model_dump(), site.name, night, rows, report, warning)
    for hook in settings.webhooks:
        notes.append(notifier.send_webhook(hook.model_dump(), site.name, night, rows, report, warning))
    for note in notes:
        print(f"通知 / notify: {note}", file=sys.stderr)
    return notes


def recheck(
    site_id: str, site: Site, root: Path, urls: list[str], today: date, out: Path | None, *, verbose: bool,
    browser: bool, config_dir: Path | None, waivers: list | None,
) -> tuple[RunInfo, dict[str, Path], list, list, Tally]:
    """Fetch ``urls`` again now, ask each of their links for its status, and re-judge the site.

    The re-check is a run of its own that stores only what it fetched; every
    other fact is read from the newest full crawl (``RunInfo.base_run``), so a
    webmaster's confirmation costs a few requests, not a night's crawl, and
    the next night compares with it like with any completed run.
    """
    from govcrawl.runlock import RunLock

    store_path = _store_path(root, site_id, site)
    with RunLock(root, site_id):
        with Store(store_path, create=False) as store:
            done = [r for r in store.runs() if r.status == "completed"]
            if not done:
                raise UsageError(f"站点 {site_id} 还没有完成过一次检查，请先运行 govcrawl run {site_id}")
            latest = done[-1]
            run = RunInfo(
                id=_new_run_id(site_id), site=site_id, started=_now(), today=today, tool_version=__version__,
                stats={"kind": "recheck", "recheck_urls": urls, "recheck_of": latest.id,
                       "config_hash": config_hash(site), "facts_version": _facts_version()},
                base_run=latest.base_run or latest.id,
            )
            store.begin_run(run)
            if latest.base_run:
                store.copy_own(latest.id, run.id)
        print(f"复查 {len(urls)} 个页面（其余页面沿用 {latest.id} 的结果）", file=sys.stderr)
        _crawl(run, site, site_id, store_path, progress="off", verbose=verbose, reuse_from=None, recheck=urls,
               root=root)
        with Store(store_path) as store:
            if browser:
                pages = [store.page(run.id, u) for u in urls]
                html = [p.url for p in pages if p and p.is_html and p.status and 200 <= p.status < 300 and not p.error]
                if html:
                    run.stats.update(browser_pass(store, run, site, all_pages=False, config_dir=config_dir,
                                                  only=html))
                    store.update_run(run)
            everything = check_run(store, run, site_id, site, waivers)
            tally = Tally.of(everything)
            # The terminal lists the re-checked pages' findings only; the reports read them all from the store.
            wanted = set(urls)
            findings = [f for f in everything if f.url in wanted]
            del everything
            run.stats["evidence"] = retain_evidence(store, run, site)
            run.status, run.finished = "completed", _now()
            store.update_run(run)
            paths = write_reports(store, run, site_id, site, out or _default_out(site_id, run.id))
            fixed = store.fixed(run.id)
    return run, paths, findings, fixed, tally


def _recheck_summary(urls: list[str], findings: list, fixed: list) -> None:
    """Per re-checked page: what is fixed, what is still there, what is new (on stdout: the webmaster's answer)."""
    for url in urls:
        here = [f for f in findings if f.url == url and not f.waiver]
        gone = [f for f in fixed if f.url == url]
        new = [f for f in here if f.status in ("new", "reopened")]
        print(f"{url}\n  已修复 {len(gone)} 项，仍存在 {len(here) - len(new)} 项，新发现 {len(new)} 项")
        for label, items in (("已修复", gone), ("新发现", new), ("仍存在", [f for f in here if f not in new])):
            for f in items:
                print(f"    {label}：[{f.check}] {f.message}{'（' + f.target + '）' if f.target else ''}")


@dataclass(frozen=True, slots=True)
class Tally:
    """What the command line says and exits on after a run: counts of its findings, not the findings.

    A 100,000-page site has ~100,000 findings at ~2 KB each; the reports read them again from the store, so
    holding the check phase's list until the summary would keep a second copy through the report phase.
    """

    by_department: dict[str, int]  # findings not waived, per department
    new: bool = False  # any new or reopened finding (not waived)
    critical: bool = False  # any critical finding (not waived)

    @classmethod
    def of(cls, findings: Iterable) -> Tally:
        by_department: dict[str, int] = {}
        new = critical = False
        for f in findings:
            if f.waiver:
                continue
            by_department[f.department] = by_department.get(f.department, 0) + 1
            new = new or f.status in ("new", "reopened")
            critical = critical or str(f.severity) == "critical"
        return cls(by_department, new, critical)

    @property
    def total(self) -> int:
        return sum(self.by_department.values())


def _summary(run: RunInfo, paths: dict[str, Path], tally: Tally) -> None:
    from reports.data import incomplete_run_warning, sibling_hosts_note

    warning = incomplete_run_warning(run)
    if warning:
        print(f"警告 / warning: {warning}", file=sys.stderr)
    note = sibling_hosts_note(run)
    if note:
        print(f"提示 / note: {note}", file=sys.stderr)
    print(f"完成：抓取页面 {run.pages_crawled} 个，发现问题 {tally.total} 条。", file=sys.stderr)
    for dept, count in sorted(tally.by_department.items(), key=lambda kv: -kv[1]):
        print(f"  {dept}: {count}", file=sys.stderr)
    print("报告 / report:", file=sys.stderr)
    for kind, path in paths.items():
        print(f"  {kind}: {path.resolve()}", file=sys.stderr)
    print(paths["html"].resolve())


# -- subcommands -----------------------------------------------------------------------


def cmd_run(args: argparse.Namespace) -> int:
    config, path = load_config(args.config)
    site = get_site(config, args.site_id)
    today = _today(args.today)
    waivers = _waivers(args, path)  # an invalid waivers file stops before the crawl, not after
    root = data_dir(config, path)
    run, paths, tally = crawl_check_report(
        args.site_id, site, root, today, args.out, progress=args.progress, verbose=args.verbose,
        browser=not args.no_browser, a11y_all=args.a11y_all, config_dir=Path(path).parent, waivers=waivers,
        fresh=args.fresh, full=args.full, redis_url=args.redis,
        restart=args.restart, continuation=args.continuation,
    )
    if args.keep_runs:
        with Store(_store_path(root, args.site_id, site)) as store:
            gone = prune_runs(store, args.keep_runs, run)
        if gone:
            print(f"已清理 {len(gone)} 次旧运行（保留最近 {args.keep_runs} 次完整运行）", file=sys.stderr)
    _summary(run, paths, tally)
    return _exit_status(args, tally)


def _site_for(config: Config, urls: list[str]) -> str:
    """The configured site whose hosts the URLs are on (the first URL decides)."""
    from urllib.parse import urlsplit

    host = urlsplit(urls[0]).hostname or ""
    netloc = urlsplit(urls[0]).netloc
    owners = [sid for sid, site in config.sites.items() if host in site.hosts() or netloc in site.hosts()]
    if len(owners) != 1:
        which = "、".join(owners) if owners else "没有"
        raise UsageError(f"{urls[0]}: 配置中{which}站点包含此网址，请用 --site 指定 / use --site SITE_ID")
    return owners[0]


def cmd_recheck(args: argparse.Namespace) -> int:
    from urllib.parse import urlsplit

    from crawler.urls import normalise

    config, path = load_config(args.config)
    urls: list[str] = []
    for raw in args.urls:
        norm = normalise(raw)
        if not norm or urlsplit(norm[0]).scheme not in ("http", "https"):
            raise UsageError(f"URL: 不是 http(s) 网址 / not a web address: {raw!r}")
        if norm[0] not in urls:
            urls.append(norm[0])
    site_id = args.site or _site_for(config, urls)
    site = get_site(config, site_id)
    hosts = set(site.hosts())
    foreign = [u for u in urls if urlsplit(u).hostname not in hosts and urlsplit(u).netloc not in hosts]
    if foreign:
        raise UsageError(f"URL: {foreign[0]} 不属于站点 {site_id} / not on this site")
    waivers = _waivers(args, path)
    run, paths, findings, fixed, tally = recheck(
        site_id, site, data_dir(config, path), urls, _today(args.today), args.out, verbose=args.verbose,
        browser=not args.no_browser, config_dir=Path(path).parent, waivers=waivers,
    )
    _recheck_summary(urls, findings, fixed)
    print(f"报告 / report: {paths['html'].resolve()}", file=sys.stderr)
    return _exit_status(args, tally)


def _exit_status(args: argparse.Namespace, tally: Tally) -> int:
    """0, or 3 when --fail-on asks and the run found what it names (contract §1: only on request)."""
    fail_on = getattr(args, "fail_on", None)
    if fail_on == "any" and tally.total:
        return 3
    if fail_on == "new" and tally.new:
        return 3
    if fail_on == "critical" and tally.critical:
        return 3
    return 0


def _open_run(args: argparse.Namespace) -> tuple[Config, Site, str, Store, RunInfo]:
    config, path = load_config(args.config)
    site_id = _site_of_run(args.run_id)
    site = get_site(config, site_id)
    store = Store(_store_path(data_dir(config, path), site_id, site), create=False)
    return config, site, site_id, store, store.get_run(args.run_id)


def _waivers(args: argparse.Namespace, config_path: Path) -> list:
    """The waivers file: --waivers, else waivers.yaml beside the sites config (absent: none)."""
    from govcrawl.waivers import load_waivers

    path = Path(args.waivers) if getattr(args, "waivers", None) else Path(config_path).parent / "waivers.yaml"
    if getattr(args, "waivers", None) and not path.exists():
        raise ConfigError(f"{path}: waivers file not found")
    return load_waivers(path)


def cmd_check(args: argparse.Namespace) -> int:
    config_path = Path(args.config).resolve()
    _, site, site_id, store, run = _open_run(args)
    with store:
        if args.today:
            run.today = _today(args.today)
            store.update_run(run)
        if run.status == "running":  # its crawl never closed (e.g. a fleet's coordinator died): say so, count what is stored
            run.pages_crawled = len(store.page_urls(run.id))
            print(f"注意：运行 {run.id} 的抓取没有正常结束（发起进程中断），检查基于已保存的 {run.pages_crawled} 个页面"
                  " / this run's crawl never closed; checking the pages stored", file=sys.stderr)
        tally = Tally.of(check_run(store, run, site_id, site, _waivers(args, config_path)))
        if run.status == "crawled":  # an earlier check stopped (e.g. a calendar year was missing)
            run.status, run.finished = "completed", run.finished or _now()
        store.update_run(run)
        paths = write_reports(store, run, site_id, site, args.out or _default_out(site_id, run.id))
    _summary(run, paths, tally)
    return _exit_status(args, tally)


def cmd_diff(args: argparse.Namespace) -> int:
    """What changed between two stored runs of one site: new, fixed, still open."""
    config, path = load_config(args.config)
    site_a, site_b = _site_of_run(args.run_a), _site_of_run(args.run_b)
    if site_a != site_b:
        raise UsageError(f"{args.run_a} 与 {args.run_b} 不是同一站点的运行 / runs of different sites")
    get_site(config, site_a)
    with Store(_store_path(data_dir(config, path), site_a, get_site(config, site_a)), create=False) as store:
        a = {f.id: f for f in store.findings(store.get_run(args.run_a).id)}
        b = {f.id: f for f in store.findings(store.get_run(args.run_b).id)}
    new = [f for fid, f in b.items() if fid not in a]
    gone = [f for fid, f in a.items() if fid not in b]
    still = [f for fid, f in b.items() if fid in a]
    print(f"{args.run_a} → {args.run_b}：新增 {len(new)} 条，消失 {len(gone)} 条，仍存在 {len(still)} 条")
    for label, items in (("新增 / new", new), ("消失 / gone", gone)):
        if items:
            print(f"{label}:")
            for f in sorted(items, key=lambda f: (f.department, f.check, f.url)):
                target = f" {f.target}" if f.target else ""
                print(f"  [{f.department}] {f.check} {f.url}{target}")
    return 0


def cmd_schedule(args: argparse.Namespace) -> int:
    """Print a crontab line and a systemd service + timer for a nightly run of one site."""
    config, path = load_config(args.config)
    get_site(config, args.site_id)
    hour, minute = args.at
    workdir = Path.cwd().resolve()
    exe = Path(sys.executable).with_name("govcrawl")
    log = data_dir(config, path) / f"{args.site_id}-nightly.log"
    command = f"{exe} run {args.site_id} -c {path} --progress log"
    probe_log = data_dir(config, path) / f"{args.site_id}-probe.log"
    probe = f"{exe} probe {args.site_id} -c {path} --quiet"
    print(f"""# crontab -e（北京时间每天 {hour:02d}:{minute:02d}；日志追加到 {log}）
CRON_TZ=Asia/Shanghai
{minute} {hour} * * * cd {workdir} && {command} >> {log} 2>&1
# 可用性探测：每 15 分钟打开一次首页和关键页面（每天 96 次，不少于检查指标要求的 20 次）；失败才写日志
*/15 * * * * cd {workdir} && {probe} >> {probe_log} 2>&1

# systemd：保存为 /etc/systemd/system/govcrawl-{args.site_id}.service
[Unit]
Description=govcrawl nightly inspection of {args.site_id}
Wants=network-online.target
After=network-online.target

[Service]
Type=oneshot
WorkingDirectory={workdir}
ExecStart={command}
StandardOutput=append:{log}
StandardError=append:{log}
TimeoutStartSec=12h
# 停止时只向 govcrawl 主进程发 SIGTERM，由它转给抓取进程：抓取干净地停下，下次运行接着抓；2 分钟后仍在的进程才强制结束
KillMode=mixed
TimeoutStopSec=120

# 以及 /etc/systemd/system/govcrawl-{args.site_id}.timer，然后 systemctl enable --now govcrawl-{args.site_id}.timer
[Unit]
Description=Run govcrawl for {args.site_id} every night

[Timer]
OnCalendar=*-*-* {hour:02d}:{minute:02d}:00 Asia/Shanghai
Persistent=true

[Install]
WantedBy=timers.target

# 可用性探测：govcrawl-{args.site_id}-probe.service（Type=oneshot，ExecStart={probe}）
# 与 govcrawl-{args.site_id}-probe.timer：
[Timer]
OnCalendar=*:0/15
AccuracySec=1s

[Install]
WantedBy=timers.target""")
    return 0


# -- fleet workers (province scale) -------------------------------------------------------------


def cmd_worker(args: argparse.Namespace) -> int:
    """Join the runs a coordinator (``govcrawl run --redis``) opened, one after the other, until stopped.

    Each run is crawled in a child process (a Twisted reactor runs once per
    process); the worker needs the same config as the coordinator (the run
    names its config hash) and the site's privacy salt (``data/SITE.salt``).
    """

    from crawler.fleet import Fleet, connect, open_runs

    config, path = load_config(args.config)
    client = connect(args.redis)
    joined: set[str] = set()
    crawled = 0
    started = time.monotonic()
    while True:
        for descriptor in open_runs(client):
            if descriptor.run_id in joined or descriptor.site_id not in config.sites:
                continue
            run = Fleet(client, descriptor.run_id, "worker")
            if run.done():  # drained, and its coordinator never closed it (it died): nothing to join
                run.retire()
                continue
            joined.add(descriptor.run_id)
            site = config.sites[descriptor.site_id]
            if descriptor.config_hash != config_hash(site):
                print(f"govcrawl: 跳过运行 {descriptor.run_id}：本机配置与发起运行的配置不同 / config differs",
                      file=sys.stderr)
                continue
            refused = _salt_refusal(descriptor, data_dir(config, path))
            if refused:
                print(f"govcrawl: 跳过运行 {descriptor.run_id}：{refused}", file=sys.stderr)
                if args.once:
                    return 1
                continue
            print(f"加入运行 {descriptor.run_id}（{site.name}）/ joining", file=sys.stderr)
            ok = _worker_crawl(descriptor, site, data_dir(config, path), args.redis, args.verbose)
            crawled += 1
            if args.once:
                return 0 if ok else 1
        if args.wait and time.monotonic() - started > args.wait:
            print("govcrawl: 等待超时，没有可加入的运行 / no run to join", file=sys.stderr)
            return 0 if crawled else 1
        time.sleep(1.0)


def _salt_refusal(descriptor, root: Path) -> str | None:  # noqa: ANN001 - crawler.fleet.RunDescriptor
    """Why this machine must not join the run for want of the site's privacy secret, or None."""
    from govcrawl.salt import MissingSalt, salt_fingerprint, site_salt

    target = Path(root) / f"{descriptor.site_id}.salt"
    try:
        salt = site_salt(root, descriptor.site_id, create=False)
    except MissingSalt:
        return (f"本机没有站点的隐私密钥 {target}，请从发起运行的机器复制该文件（权限 0600）"
                " / the site's privacy salt is missing here: copy it from the coordinator")
    if descriptor.salt_id and salt_fingerprint(salt) != descriptor.salt_id:
        return (f"本机的隐私密钥 {target} 与发起运行的机器不同，请复制发起机器上的该文件"
                " / the privacy salt differs from the coordinator's")
    return None


def _worker_crawl(descriptor, site: Site, root: Path, redis_url: str, verbose: bool) -> bool:  # noqa: ANN001 - crawler.fleet.RunDescriptor
    """Crawl one fleet run in a child process (``crawler.apart``) until the fleet has drained; True if it ended well."""
    from crawler.apart import CrawlProcessDied, run_crawl_apart
    from govcrawl.salt import site_salt

    try:
        stats = run_crawl_apart(
            site, site_id=descriptor.site_id, run_id=descriptor.run_id, store_path=descriptor.store,
            today=date.fromisoformat(descriptor.today), progress="off", log_level="INFO" if verbose else "WARNING",
            reuse_from=descriptor.reuse_from, salt=site_salt(root, descriptor.site_id, create=False),
            redis_url=redis_url,
        )
    except CrawlProcessDied as exc:
        print(f"govcrawl: 运行 {descriptor.run_id} 的抓取进程异常退出：{exc}", file=sys.stderr)
        return False
    except Exception as exc:  # noqa: BLE001 - one run's failure must not stop the worker
        print(f"govcrawl: 运行 {descriptor.run_id} 的抓取失败：{exc.__class__.__name__}: {exc}", file=sys.stderr)
        return False
    pages = stats.get("govcrawl/counters", {}).get("pages", 0)
    print(f"运行 {descriptor.run_id}：本工作进程抓取 {pages} 个页面 / pages crawled here", file=sys.stderr)
    return True


# -- availability (站点无法访问) ------------------------------------------------------------


def probe_targets(site: Site) -> tuple[str, list[str]]:
    """The homepage (the first start URL) and the key pages, as absolute URLs."""
    from urllib.parse import urljoin

    homepage = site.start_urls[0]
    return homepage, [urljoin(homepage, page) for page in site.availability.key_pages]


def cmd_probe(args: argparse.Namespace) -> int:
    """Open the homepage and key pages once and record how it went (meant for cron, every 15 minutes)."""
    from crawler.probe import probe_site

    config, path = load_config(args.config)
    site = get_site(config, args.site_id)
    homepage, keys = probe_targets(site)
    timeout = args.timeout if args.timeout is not None else site.availability.timeout
    results = probe_site(keys, homepage, timeout=timeout, user_agent=site.crawl.user_agent)
    with Store(_store_path(data_dir(config, path), args.site_id, site)) as store:
        store.add_probes(results)
        # Kept for this quarter and the one before it (a quarterly pack is made after its quarter ends).
        newest = max(date.fromisoformat(r.at[:10]) for r in results)
        previous = newest.year * 4 + (newest.month - 1) // 3 - 1
        store.prune_probes(date(previous // 4, previous % 4 * 3 + 1, 1))
    for result in results:
        if args.quiet and result.ok:
            continue
        what = "首页" if result.homepage else "关键页面"
        timing = f"{result.total_ms / 1000:.2f} 秒" if result.total_ms is not None else "-"
        verdict = "正常" if result.ok else f"失败：{result.reason}"
        print(f"{result.at} {what} {result.url} {result.status or '-'} {timing} {verdict}")
    return 0


def cmd_availability(args: argparse.Namespace) -> int:
    """Print the daily and weekly failure rates of the stored probes against the 5% veto line."""
    import json

    from govcrawl.availability import summary

    config, path = load_config(args.config)
    site = get_site(config, args.site_id)
    if args.days < 1:
        raise UsageError(f"--days: must be at least 1, got {args.days}")
    today = _today(args.today)
    with Store(_store_path(data_dir(config, path), args.site_id, site)) as store:
        probes = store.probes(today - timedelta(days=args.days - 1), today)
    week = summary(probes, today, days=args.days, threshold=site.availability.threshold)
    if args.json:
        print(json.dumps(week.as_json(), ensure_ascii=False, indent=2))
        return 0
    print(f"{site.name}（{args.site_id}）首页可用性 {week.start} 至 {week.end}")
    print("日期        探测  失败  失败率")
    for day in week.days:
        rate = "-" if day.rate is None else f"{day.rate:.2%}"
        thin = "" if day.sampled or not day.probes else "  （少于20次）"
        print(f"{day.day}  {day.probes:>4}  {day.failures:>4}  {rate:>7}{thin}")
    print(week.describe())
    if week.longest_outage is not None:
        outage = week.longest_outage
        end = "至今未恢复" if outage.ongoing else f"{outage.end} 恢复"
        print(f"最长连续失败：{outage.start} 起 {outage.failed_probes} 次，{end}")
    for page in week.key_pages:
        print(f"关键页面 {page.url}：探测 {page.probes} 次，失败 {page.failures} 次")
    return 0


# -- quarterly evidence ----------------------------------------------------------------


def parse_quarter(text: str) -> tuple[date, date, str]:
    """'2023Q3' (or 2023q3, 2023-Q3) -> first day, last day, canonical label."""
    import re

    match = re.fullmatch(r"(\d{4})-?[Qq]([1-4])", text.strip())
    if not match:
        raise UsageError(f"--quarter: 应为 年份+季度，如 2023Q3 / expected e.g. 2023Q3, got {text!r}")
    year, number = int(match[1]), int(match[2])
    start = date(year, 3 * number - 2, 1)
    end = (date(year + 1, 1, 1) if number == 4 else date(year, 3 * number + 1, 1)) - timedelta(days=1)
    return start, end, f"{year}Q{number}"


def _run_record(store: Store, run: RunInfo, homepage: str):
    from checks.veto import veto_risks
    from reports.quarterly import RunRecord

    findings = store.findings(run.id)
    active = [f for f in findings if not f.waiver]
    return RunRecord(
        run=run, findings=findings, fixed=store.fixed(run.id),
        veto=[risk.as_json() for risk in veto_risks(active, probed=run.stats.get("availability") is not None)],
        homepage_broken=sum(1 for f in active if f.check == "broken-link" and f.url == homepage),
    )


def quarter_input(store: Store, site_id: str, site: Site, label: str, start: date, end: date, as_of: date,
                  *, with_previous: bool = True):
    """Everything the quarterly report needs, read from the store (``reports.quarterly.QuarterInput``)."""
    from checks import ALL_CHECKS
    from reports import CheckMeta
    from reports.quarterly import QuarterInput

    homepage = _homepage(site)
    completed = sorted((r for r in store.runs() if r.status == "completed"), key=lambda r: (r.today, r.started))
    inside = [r for r in completed if start <= r.today <= as_of]
    before = [r for r in completed if r.today < start]
    previous = None
    if with_previous:
        p_end = start - timedelta(days=1)
        p_start, _, p_label = parse_quarter(f"{p_end.year}Q{(p_end.month - 1) // 3 + 1}")
        previous = quarter_input(store, site_id, site, p_label, p_start, p_end, p_end, with_previous=False)
    return QuarterInput(
        site_id=site_id, site_name=site.name, quarter=label, start=start, end=end, as_of=as_of,
        runs=[_run_record(store, r, homepage) for r in inside],
        before=_run_record(store, before[-1], homepage) if before else None,
        departments=DepartmentRules.from_config(site.owner, site.departments).names(),
        catalogue=[CheckMeta.from_check(c) for c in ALL_CHECKS],
        previous=previous, tool_version=__version__, generated_at=_now(),
        availability=availability_weeks(store.probes(start, as_of), start, as_of, site.availability.threshold),
    )


def availability_weeks(probes: list, start: date, end: date, threshold: float) -> list[dict]:
    """The quarter's probes week by week from its first day (the last week may be short); [] without probes."""
    from govcrawl.availability import summary

    if not probes:
        return []
    weeks = []
    day = start
    while day <= end:
        last = min(day + timedelta(days=AVAILABILITY_DAYS - 1), end)
        weeks.append(summary(probes, last, days=(last - day).days + 1, threshold=threshold).as_json())
        day = last + timedelta(days=1)
    return weeks


def probes_csv(probes: list) -> bytes:
    """Every probe as CSV (UTF-8 with BOM, for Excel): the quarterly pack's raw availability evidence."""
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["时间", "地址", "首页", "结果", "类型", "HTTP状态", "首字节毫秒", "总毫秒", "字节数", "最终地址", "原因"])
    for p in probes:
        writer.writerow([p.at, p.url, "是" if p.homepage else "否", "成功" if p.ok else "失败", p.kind,
                         p.status if p.status is not None else "", p.ttfb_ms if p.ttfb_ms is not None else "",
                         p.total_ms if p.total_ms is not None else "", p.size, p.final_url or "", p.reason])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def build_quarterly(store: Store, site_id: str, site: Site, quarter: str, as_of: date, out: Path,
                    *, pdf: bool = True) -> tuple[Path, str, dict]:
    """Write the quarterly report and its evidence pack; pin the runs it refers to. Returns (zip, fingerprint, manifest)."""
    from reports.pack import build_pack
    from reports.quarterly import write_quarterly
    from reports.warc import write_warc

    start, end, label = parse_quarter(quarter)
    if as_of < start:
        raise UsageError(f"--quarter {label}: 截至 {as_of} 该季度尚未开始 / the quarter has not begun")
    as_of = min(as_of, end)
    data = quarter_input(store, site_id, site, label, start, end, as_of)
    out.mkdir(parents=True, exist_ok=True)
    written = write_quarterly(data, out)
    files: dict[str, Path | bytes] = {"quarterly.html": written["html"], "quarterly.json": written["json"]}
    if pdf:
        from crawler.pdf import print_pdf

        pdf_path = out / "quarterly.pdf"
        print_pdf(written["html"], pdf_path)
        files["quarterly.pdf"] = pdf_path
    missing: list[str] = []
    captured = 0
    last = data.runs[-1].run if data.runs else None
    if last is not None:
        paths = write_reports(store, last, site_id, site, out / "last-run")
        files["last-run/findings.json"] = paths["json"]
        files["last-run/findings.xlsx"] = paths["xlsx"]
        open_urls = sorted({f.url for f in data.runs[-1].findings if not f.waiver})
        raws = []
        for url in open_urls:
            raw = store.raw(last.id, url)
            if raw is None:
                missing.append(url)
            else:
                raws.append(raw)
        warc = out / "captures.warc.gz"
        captured = write_warc(warc, raws, software=f"govcrawl {__version__}",
                              description=f"{site.name} {label} 季度末仍未整改问题所在页面的最后一次抓取原文")
        files["captures.warc.gz"] = warc
        shots = out / "last-run" / "screenshots"
        for png in sorted(shots.glob("*.png")) if shots.exists() else ():
            files[f"screenshots/{png.name}"] = png
    probes = store.probes(start, as_of)
    if probes:
        files["availability/probes.csv"] = probes_csv(probes)
    runs = [r.run for r in data.runs]
    manifest = {
        "schema": "govcrawl.evidence-pack/1",
        "tool": "govcrawl", "tool_version": __version__,
        "site_id": site_id, "site_name": site.name,
        "quarter": label, "date_range": [start.isoformat(), end.isoformat()], "as_of": as_of.isoformat(),
        "partial": as_of < end,
        "run_ids": [r.id for r in runs],
        "before_run": data.before.run.id if data.before else None,
        "config_hash": config_hash(site),
        "run_config_hashes": {r.id: r.stats.get("config_hash") for r in runs},
        "captures": {"pages": captured, "missing": missing},
        "probes": len(probes),
        "generated_at": data.generated_at,
    }
    zip_path = out / f"{site_id}-{label}-evidence.zip"
    fingerprint = build_pack(zip_path, files, manifest)
    (out / f"{zip_path.name}.fingerprint.txt").write_text(
        f"{fingerprint}  MANIFEST.sha256（{zip_path.name}）\n", encoding="utf-8")
    pinned = [r.id for r in runs] + ([data.before.run.id] if data.before else [])
    store.pin(pinned, f"quarterly:{label}", _now())
    return zip_path, fingerprint, manifest


def cmd_quarterly(args: argparse.Namespace) -> int:
    config, path = load_config(args.config)
    site = get_site(config, args.site_id)
    _, _, label = parse_quarter(args.quarter)
    out = args.out or Path("reports/quarterly") / f"{args.site_id}-{label}"
    with Store(_store_path(data_dir(config, path), args.site_id, site), create=False) as store:
        zip_path, fingerprint, manifest = build_quarterly(store, args.site_id, site, label, _today(args.today),
                                                          out, pdf=not args.no_pdf)
    runs = len(manifest["run_ids"])
    print(f"{label} 季度报告：{runs} 次运行，{manifest['date_range'][0]} 至 {manifest['as_of']}"
          f"{'（季度未结束）' if manifest['partial'] else ''}；页面原文 {manifest['captures']['pages']} 个", file=sys.stderr)
    if manifest["captures"]["missing"]:
        print(f"  注意：{len(manifest['captures']['missing'])} 个页面没有保存原文（evidence.keep_raw 关闭或已清理），"
              "证据包中缺少其抓取记录", file=sys.stderr)
    print(f"证据包指纹（请另行登记）/ fingerprint: {fingerprint}", file=sys.stderr)
    print(zip_path.resolve())
    return 0


def cmd_verify(args: argparse.Namespace) -> int:
    from reports.pack import PackError, verify_pack

    try:
        result = verify_pack(Path(args.pack), args.fingerprint)
    except PackError as exc:
        raise UsageError(str(exc)) from None
    for message in result.messages:
        print(message)
    return 0 if result.ok else 1


def cmd_report(args: argparse.Namespace) -> int:
    _, site, site_id, store, run = _open_run(args)
    with store:
        paths = write_reports(store, run, site_id, site, args.out or _default_out(site_id, run.id))
        tally = Tally.of(store.findings(run.id))
    _summary(run, paths, tally)
    return 0


def cmd_runs(args: argparse.Namespace) -> int:
    config, path = load_config(args.config)
    get_site(config, args.site_id)
    store_path = _store_path(data_dir(config, path), args.site_id, get_site(config, args.site_id))
    with Store(store_path, create=False) as store:
        pinned = store.pinned()
        for run in store.runs():
            notes = []
            if run.base_run:
                notes.append(f"复查 {len(run.stats.get('recheck_urls', []))} 个页面（基于 {run.base_run}）")
            if run.stats.get("pages_unchanged"):
                notes.append(f"未变化 {run.stats['pages_unchanged']}")
            if run.stats.get("resumed"):
                notes.append(f"续抓 {run.stats['resumed']} 次")
            if run.id in pinned:
                notes.append("已固定：" + "、".join(pinned[run.id]))
            print(f"{run.id}\t{run.status}\t检查日期 {run.today}\t页面 {run.pages_crawled}\t{run.started}"
                  + ("\t" + "；".join(notes) if notes else ""))
    return 0


def catalogue_markdown() -> str:
    """The README's check table, generated from the registry (a test keeps them equal)."""
    from checks import ALL_CHECKS

    sev = {"critical": "严重", "major": "重要", "minor": "一般"}
    rows = ["| id | 名称 | 级别 | 含义 | 依据 |", "|---|---|---|---|---|"]
    for c in ALL_CHECKS:
        rows.append(f"| `{c.id}` | {c.title} | {sev[str(c.severity)]} | {c.summary} | {c.basis} |")
    return "\n".join(rows)


def cmd_checks(args: argparse.Namespace) -> int:
    from checks import ALL_CHECKS

    if args.markdown:
        print(catalogue_markdown())
        return 0
    for c in ALL_CHECKS:
        print(f"{c.id:22} {c.severity:9} {c.title}")
        print(f"{'':22} 依据：{c.basis}")
        print(f"{'':22} 建议：{c.fix}")
    return 0


def demo_config(main: str, ext: str, refused: str) -> Config:
    """The demo site's config with the server's actual loopback addresses filled in."""
    from crawler.demo.files import config_data

    return parse_config(config_data(main, ext, refused))


DEMO_PORTS = (8480, 8481, 8482)
"""The demo's fixed ports: the portal on 127.0.0.1, the "outside world" and a refusing port on 127.0.0.2.

Fixed so that the demo's URLs are the same every time: a second `make demo` on the same data folder
then compares with the first as a nightly run does (findings "still open", not all new), and
`govcrawl run demo` (config/sites.yaml) can follow `govcrawl demo --serve`.
"""


def _demo_server(serve: bool):
    """The demo portal on its fixed ports, else (unless ``--serve``) on free ones, saying what that means."""
    from crawler.demo.server import DemoServer

    try:
        return DemoServer(*DEMO_PORTS).start()
    except OSError as err:
        ports = "/".join(str(port) for port in DEMO_PORTS)
        if serve:
            raise UsageError(f"演示端口 {ports} 已被占用（{err.strerror}）；"
                             "请先停止占用这些端口的程序（例如另一个 govcrawl demo --serve）") from err
        print(f"提示 / note: 演示端口 {ports} 已被占用，改用空闲端口；网址与以前的演示运行不同，"
              "问题都会显示为新问题 / demo ports in use, serving on free ones", file=sys.stderr)
        return DemoServer().start()


def cmd_demo(args: argparse.Namespace) -> int:
    today = _today(args.today) if args.today else DEMO_TODAY
    with _demo_server(args.serve) as server:
        print(f"演示门户已启动 / demo portal: {server.main}/  （外部世界 / external: {server.ext}/）", file=sys.stderr)
        if args.serve:
            print("按 Ctrl+C 停止 / press Ctrl+C to stop", file=sys.stderr)
            try:
                import time

                while True:
                    time.sleep(3600)
            except KeyboardInterrupt:
                return 0
        config = demo_config(server.main, server.ext, server.refused)
        site = get_site(config, "demo")
        run, paths, tally = crawl_check_report(
            "demo", site, Path(args.data).resolve(), today, args.out, progress=args.progress, verbose=args.verbose,
            browser=not args.no_browser, a11y_all=args.a11y_all, fresh=args.fresh, full=args.full,
        )
    _summary(run, paths, tally)
    return 0


def _positive(value: str) -> int:
    if value.isdigit() and int(value) >= 1:
        return int(value)
    raise argparse.ArgumentTypeError(f"not a positive whole number: {value!r}")


def _clock(value: str) -> tuple[int, int]:
    try:
        hour, minute = (int(x) for x in value.split(":"))
        if 0 <= hour < 24 and 0 <= minute < 60:
            return hour, minute
    except ValueError:
        pass
    raise argparse.ArgumentTypeError(f"not a time of day HH:MM: {value!r}")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="govcrawl", description="政府网站检查：抓取门户网站、检查问题、按部门出具整改清单。"
    )
    parser.add_argument("--version", action="version", version=f"govcrawl {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def common(p: argparse.ArgumentParser, *, config: bool = True, out: bool = True) -> None:
        if config:
            p.add_argument("-c", "--config", default="config/sites.yaml", help="配置文件 (default: %(default)s)")
            p.add_argument("--waivers", help="豁免清单 (default: 配置文件同目录的 waivers.yaml，不存在则无)")
        if out:
            p.add_argument("--out", type=Path, help="报告输出目录 (default: reports/out/SITE-TIME/)")

    def fail_on(p: argparse.ArgumentParser) -> None:
        p.add_argument("--fail-on", choices=["new", "critical", "any"],
                       help="有新问题/严重问题/任何问题时以退出码 3 结束（供 CI 或监控使用）")

    def crawling(p: argparse.ArgumentParser) -> None:
        p.add_argument("--today", help="评判日期 YYYY-MM-DD (default: 今天，北京时间)")
        p.add_argument("--no-browser", action="store_true", help="跳过浏览器无障碍检测（静态检查仍执行）")
        fail_on(p)
        p.add_argument("--keep-runs", type=_positive, metavar="N",
                       help="运行结束后只保留最近 N 次完整运行的数据（默认全部保留）")
        p.add_argument("--fresh", action="store_true",
                       help="不继续上次中断的运行，重新开始（默认：同一评判日期、同一配置的中断运行会自动续抓）")
        p.add_argument("--full", action="store_true",
                       help="全部重新下载（默认：上次已抓取且未变化的页面用条件请求确认，服务器回 304 则沿用上次的解析结果）")
        p.add_argument("--a11y-all", action="store_true",
                       help="浏览器检测所有页面（默认：首页、各栏目首页和每个模板的抽样页面）")
        p.add_argument("--progress", choices=["auto", "live", "log", "off"], default="auto",
                       help="进度显示：终端上实时刷新，否则每10秒一行日志")
        p.add_argument("-v", "--verbose", action="store_true", help="显示 Scrapy 的详细日志")

    p = sub.add_parser("run", help="抓取并检查一个站点，输出报告")
    p.add_argument("site_id", metavar="SITE_ID")
    common(p)
    crawling(p)
    p.add_argument("--redis", metavar="URL",
                   help="分布式抓取：请求队列放在这个 Redis（redis://HOST:PORT/0），govcrawl worker 可加入本次运行")
    p.set_defaults(func=cmd_run)

    p = sub.add_parser("worker", help="分布式抓取的工作进程：加入 Redis 中开放的运行，与其他工作进程一起抓取")
    p.add_argument("--redis", required=True, metavar="URL", help="与 govcrawl run --redis 相同的 Redis 地址")
    common(p, out=False)
    p.add_argument("--once", action="store_true", help="只加入一次运行，抓完即退出")
    p.add_argument("--wait", type=float, default=0, metavar="SECONDS",
                   help="等待开放运行的最长秒数（默认 0：一直等待，供 systemd 常驻）")
    p.add_argument("-v", "--verbose", action="store_true", help="显示 Scrapy 的详细日志")
    p.set_defaults(func=cmd_worker)

    p = sub.add_parser("recheck", help="立即复查指定页面（重新下载并核验其链接），当场确认整改结果")
    p.add_argument("urls", nargs="+", metavar="URL")
    p.add_argument("--site", metavar="SITE_ID", help="站点编号 (default: 按网址的主机名在配置中查找)")
    common(p)
    p.add_argument("--today", help="评判日期 YYYY-MM-DD (default: 今天，北京时间)")
    p.add_argument("--no-browser", action="store_true", help="跳过浏览器无障碍检测")
    p.add_argument("-v", "--verbose", action="store_true", help="显示 Scrapy 的详细日志")
    fail_on(p)
    p.set_defaults(func=cmd_recheck)

    p = sub.add_parser("check", help="对已保存的一次运行重新执行全部检查（不抓取）")
    p.add_argument("run_id", metavar="RUN_ID")
    common(p)
    p.add_argument("--today", help="改用另一个评判日期重新检查")
    fail_on(p)
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("report", help="重新生成一次运行的报告")
    p.add_argument("run_id", metavar="RUN_ID")
    common(p)
    p.set_defaults(func=cmd_report)

    p = sub.add_parser("schedule", help="打印每晚定时运行的 crontab 行和 systemd 服务/定时器")
    p.add_argument("site_id", metavar="SITE_ID")
    p.add_argument("--at", type=_clock, default=(2, 30), metavar="HH:MM", help="每天几点运行，北京时间 (default: 02:30)")
    common(p, out=False)
    p.set_defaults(func=cmd_schedule)

    p = sub.add_parser("probe", help="探测一次首页和关键页面是否能在15秒内正常打开（供 cron 每15分钟运行）")
    p.add_argument("site_id", metavar="SITE_ID")
    p.add_argument("--timeout", type=float, help="超过多少秒算打开失败 (default: availability.timeout，15)")
    p.add_argument("--quiet", action="store_true", help="只输出失败的探测（cron 日志用）")
    common(p, out=False)
    p.set_defaults(func=cmd_probe)

    p = sub.add_parser("availability", help="按天和按周统计首页探测失败率（站点无法访问：5%% 否决线）")
    p.add_argument("site_id", metavar="SITE_ID")
    p.add_argument("--days", type=int, default=AVAILABILITY_DAYS, help="统计天数 (default: %(default)s)")
    p.add_argument("--today", help="统计截止日期 YYYY-MM-DD (default: 今天，北京时间)")
    p.add_argument("--json", action="store_true", help="输出 JSON")
    common(p, out=False)
    p.set_defaults(func=cmd_availability)

    p = sub.add_parser("diff", help="比较同一站点的两次运行：新增、消失、仍存在的问题")
    p.add_argument("run_a", metavar="RUN_A")
    p.add_argument("run_b", metavar="RUN_B")
    common(p, out=False)
    p.set_defaults(func=cmd_diff)

    p = sub.add_parser("quarterly", help="生成季度检查报告（HTML+PDF）和可校验的证据包（zip）")
    p.add_argument("site_id", metavar="SITE_ID")
    p.add_argument("--quarter", required=True, metavar="YYYYQn", help="季度，如 2023Q3")
    p.add_argument("--today", help="数据截止日期 YYYY-MM-DD (default: 今天；季度未结束时报告注明)")
    p.add_argument("--no-pdf", action="store_true", help="不用浏览器打印 PDF（只有 HTML）")
    common(p)
    p.set_defaults(func=cmd_quarterly)

    p = sub.add_parser("verify", help="校验证据包：重新计算每个文件的哈希，指出被改动的文件")
    p.add_argument("pack", metavar="PACK.zip")
    p.add_argument("--fingerprint", help="生成时登记的证据包指纹（MANIFEST.sha256 的 SHA-256）")
    p.set_defaults(func=cmd_verify)

    p = sub.add_parser("runs", help="列出一个站点保存的运行")
    p.add_argument("site_id", metavar="SITE_ID")
    common(p, out=False)
    p.set_defaults(func=cmd_runs)

    p = sub.add_parser("checks", help="列出检查项目录")
    p.add_argument("--markdown", action="store_true", help="输出 README 用的 Markdown 表格")
    p.set_defaults(func=cmd_checks)

    p = sub.add_parser("demo", help="启动内置演示门户并对其运行一次完整检查")
    common(p, config=False)
    crawling(p)
    p.add_argument("--data", default="data", help="运行数据目录 (default: %(default)s)")
    p.add_argument("--serve", action="store_true", help="只启动演示门户，不检查")
    p.set_defaults(func=cmd_demo)
    return parser


def main(argv: list[str] | None = None, *, restart: bool = False) -> int:
    """Run one command; its exit status.

    ``restart``: ``govcrawl run`` may replace this process by a fresh one between its crawl and
    its checks (``govcrawl.restart``); only for a process that runs nothing but this command.
    """
    continuation = take_continuation()  # first: no helper process may inherit it
    parser = build_parser()
    args = parser.parse_args(argv)
    args.restart, args.continuation = restart, continuation
    try:
        return args.func(args)
    except (ConfigError, UsageError) as exc:
        print(f"govcrawl: {exc}", file=sys.stderr)
        return 2
    except StoreError as exc:
        print(f"govcrawl: {exc}", file=sys.stderr)
        return 2
    except (SiteBusy, CrawlInterrupted) as exc:
        print(f"govcrawl: {exc}", file=sys.stderr)
        return 1
    except CrawlFailed as exc:  # raised in the crawl image (govcrawl.crawlphase); the text names the error
        print(f"govcrawl: 运行失败 / failed: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("govcrawl: 已中断 / interrupted", file=sys.stderr)
        return 1
    except Exception as exc:  # exit 1 with the reason; the traceback only when asked
        print(f"govcrawl: 运行失败 / failed: {exc.__class__.__name__}: {exc}", file=sys.stderr)
        if getattr(args, "verbose", False):
            traceback.print_exc()
        return 1


def command() -> int:
    """The ``govcrawl`` command: ``main`` for a process of its own, which ``govcrawl run`` may restart."""
    return main(restart=True)


if __name__ == "__main__":
    sys.exit(command())
