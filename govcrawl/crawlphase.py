"""What ``govcrawl run`` records once its crawl has ended, and the image of its process that crawls.

The ``govcrawl`` command runs in three images of one process (``os.execv``, same PID):
the CLI reads the config, takes the site's run lock and opens the run; then
``crawl_image`` crawls and records the crawl; then the CLI again, fresh, checks
and reports (``govcrawl.restart``). The crawl image never imports the CLI or
the config models (pydantic, YAML): 9.6 MiB of the crawl phase's imports (the
crawling process 119 → 108 MiB at the peak of a 5,000-page run, bench/RESULTS.md). So this module imports only the
model and the store, and the crawl's own modules when it crawls.

The recording lives here, not in the CLI, because both run it: the crawl image,
and the CLI for a crawl in a child process (``main()`` as a library, a fleet's
coordinator).
"""

from __future__ import annotations

import sys
import traceback
from pathlib import Path
from typing import Any

from govcrawl.model import RunInfo
from govcrawl.store import Store, StoreError

FINISH_REASONS = {"finished": "正常完成", "shutdown": "被中断", "cancelled": "被取消"}


class CrawlInterrupted(Exception):
    """The crawl stopped early (Ctrl+C, SIGTERM); the run stays resumable."""


class CrawlFailed(Exception):
    """The crawl image's crawl raised; the text names the original error (type and message)."""


# How the crawl image tells the CLI's next image what went wrong: a kind and a text, never a pickle
# (the CLI would be unpickling whatever an environment variable holds), rebuilt by crawl_exception.
_KINDS: dict[str, tuple[type[BaseException], int]] = {
    "interrupted": (CrawlInterrupted, 1), "keyboard": (KeyboardInterrupt, 1), "store": (StoreError, 2),
    "failed": (CrawlFailed, 1),
}


def crawl_error(exc: BaseException) -> dict:
    """``exc``, raised by the crawl, as the plain record that crosses ``exec`` (``govcrawl.restart``)."""
    if isinstance(exc, CrawlInterrupted):
        return {"kind": "interrupted", "message": str(exc)}
    if isinstance(exc, KeyboardInterrupt):
        return {"kind": "keyboard", "message": "已中断 / interrupted"}
    if isinstance(exc, StoreError):
        return {"kind": "store", "message": str(exc)}
    return {"kind": "failed", "message": f"{type(exc).__name__}: {exc}"}


def crawl_exception(error: dict) -> BaseException:
    """The exception the CLI raises for a crawl that failed in the crawl image; it reports it as its own."""
    kind, _ = _KINDS.get(error["kind"], _KINDS["failed"])
    return kind() if kind is KeyboardInterrupt else kind(error["message"])


def exit_status(error: dict) -> int:
    """The CLI's exit status for it (``govcrawl.cli.main``): 2 for a store it cannot use, else 1."""
    return _KINDS.get(error["kind"], _KINDS["failed"])[1]


def crawl_failed(run: RunInfo, store_path: Path | str) -> None:
    """Mark the run failed: not a previous run for anything, resumable by the same command."""
    with Store(store_path) as store:
        run.status = "failed"
        store.update_run(run)


def _frontier_counts(stats: dict) -> dict[str, int]:
    """How many page requests waited on disk and how many in memory (Scrapy counts all the frontier took as "disk")."""
    queued = int(stats.get("scheduler/enqueued/disk", 0)) + int(stats.get("scheduler/enqueued/memory", 0))
    on_disk = int(stats.get("govcrawl/frontier/on_disk", 0))
    return {"on_disk": on_disk, "in_memory": queued - on_disk}


def record_crawl(run: RunInfo, stats: dict, store_path: Path | str, *, reuse_from: str | None,
                 resume: bool) -> None:
    """Put the crawl's counts into the run and mark it ``crawled``; raise ``CrawlInterrupted`` if it stopped early."""
    counters = stats.get("govcrawl/counters", {})
    reason = str(stats.get("finish_reason"))
    run.pages_crawled = int(counters.get("pages", 0))
    unchanged = int(counters.get("unchanged", 0))
    run.stats.update({
        "pages": run.pages_crawled,
        "pages_fetched": run.pages_crawled - unchanged - int(counters.get("replayed", 0)),
        "pages_unchanged": unchanged,
        "reused_from": reuse_from,
        "page_errors": int(counters.get("errors", 0)),
        "resources_checked": int(stats.get("govcrawl/resources_checked", 0)),
        "excluded": int(counters.get("excluded", 0)),
        # Pages the crawl process extracted itself while its page worker was behind (crawler.pageworker).
        "pages_extracted_in_crawl": int(counters.get("extracted_here", 0)),
        # Page requests queued on disk / in memory (crawler.frontier: past a budget, a single-machine crawl's
        # queue is on disk).
        "frontier": _frontier_counts(stats),
        "finish_reason": FINISH_REASONS.get(reason, reason),
        "elapsed_seconds": round(float(run.stats.get("elapsed_seconds", 0.0) if resume else 0.0)
                                 + float(stats.get("elapsed_time_seconds", 0.0)), 1),
    })
    with Store(store_path) as store:
        if reason != "finished":  # Ctrl+C or SIGTERM: Scrapy stopped cleanly but the crawl is not whole
            run.status = "failed"
            store.update_run(run)
            raise CrawlInterrupted(
                f"抓取被中断（{FINISH_REASONS.get(reason, reason)}），已抓取的 {run.pages_crawled} 个页面已保存；"
                "再次运行同一命令即可继续 / interrupted: run the same command again to resume"
            )
        run.status = "crawled"
        store.update_run(run)


def crawl_and_record(plan: dict[str, Any]) -> None:
    """Crawl in this process (``crawler.apart.run_crawl_here``) and record it; a failed crawl marks the run failed.

    ``plan``: ``run`` (the RunInfo), ``host_lane``, and ``crawl``: ``crawler.runner.run_crawl``'s
    arguments (its store, its reuse source, whether it resumes), the site a ``crawler.plainsite`` copy.
    """
    from crawler.channel import discard_prestarted
    from crawler.pageworker import prestart_workers

    run: RunInfo = plan["run"]
    crawl = plan["crawl"]
    # The page workers first, while this process is small (crawler.channel.prestart).
    prestart_workers(crawl["store_path"], crawl["run_id"], salt=crawl["salt"], today=crawl["today"])
    try:
        from crawler.apart import run_crawl_here

        stats = run_crawl_here(host_lane=plan["host_lane"], **crawl)
    except BaseException:
        crawl_failed(run, crawl["store_path"])
        raise
    finally:
        discard_prestarted()
    record_crawl(run, stats, crawl["store_path"], reuse_from=crawl["reuse_from"], resume=crawl["resume"])


def crawl_image() -> None:
    """The crawl image of the ``govcrawl`` process: crawl the run the CLI handed over, then hand back to the CLI.

    Every outcome goes back to the CLI, which reports it as it reports anything (its
    messages, its exit statuses): a finished crawl is a ``crawled`` run to check, any
    other ends the run with the error. If the CLI cannot be started again, this image
    says what happened and how to go on, and exits.
    """
    from govcrawl import restart

    handoff = restart.take_handoff()
    if handoff is None:
        print("govcrawl: 抓取阶段缺少交接信息（此入口只供 govcrawl run 内部使用）/ internal entry point",
              file=sys.stderr)
        sys.exit(2)
    plan = handoff.plan
    run: RunInfo = plan["run"]
    error = None
    try:
        crawl_and_record(plan)
    except BaseException as exc:  # noqa: BLE001 - every outcome is reported by the CLI
        if plan["crawl"].get("log_level") == "INFO" and not isinstance(exc, (CrawlInterrupted, KeyboardInterrupt)):
            traceback.print_exc()  # --verbose: the whole story, which the CLI's image cannot print
        error = crawl_error(exc)
    restart.restart_for_checks(run.site, run.id, handoff.lock_fd, argv=handoff.argv, error=error)
    # Only if exec failed: the run is in the store as the crawl left it, and the same command goes on from there.
    if error is not None:
        failed = "运行失败 / failed: " if error["kind"] == "failed" else ""
        print(f"govcrawl: {failed}{error['message']}", file=sys.stderr)
        sys.exit(exit_status(error))
    print(f"govcrawl: 抓取已完成并保存，但无法启动检查阶段；再次运行同一命令即可继续检查 / could not start the checks: "
          f"run the same command again ({run.id})", file=sys.stderr)
    sys.exit(1)


