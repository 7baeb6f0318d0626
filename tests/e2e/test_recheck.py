"""``govcrawl recheck URL``: a webmaster's fix confirmed the same day, without a night's crawl.

A night's run, then the webmaster fixes one page (and breaks another link on
it); the re-check fetches only that page (and asks its links), calls the fixed
link fixed and the new one new, and leaves every other page's findings open
even where that page changed too (it was not re-checked). The next night
compares with the re-check like with any run; a re-check of a re-check keeps
both re-checked pages.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess

from tests.e2e.test_lifecycle_runs import page, run
from tests.sites import GOVCRAWL, serve, static_handler


def recheck(tmp, today: str, *urls: str, status: int = 0) -> tuple[dict, str]:
    out = tmp / f"recheck-{today}-{len(list(tmp.iterdir()))}"
    result = subprocess.run(
        [str(GOVCRAWL), "recheck", *urls, "-c", str(tmp / "sites.yaml"), "--out", str(out), "--today", today,
         "--no-browser"],
        capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == status, result.stderr[-3000:]
    if status:
        return {}, result.stderr
    return json.loads((out / "findings.json").read_text(encoding="utf-8")), result.stdout


def _key(base: str, f: dict) -> tuple[str, str]:
    return f["url"].removeprefix(base), (f["target"] or "").removeprefix(base)


def test_recheck_confirms_a_fix_the_same_day(tmp_path):
    pages = {
        "/": page("/a.html", "/b.html"),
        "/a.html": page("/gone.pdf", "/ok.html"),
        "/b.html": page("/b.pdf"),
        "/ok.html": page(),
    }
    log: list = []
    with serve(static_handler(pages, log)) as base:
        night = run(base, tmp_path, "2023-11-01")
        pages["/a.html"] = page("/ok.html", "/new.pdf")  # gone.pdf fixed, new.pdf broken
        pages["/b.html"] = page()  # fixed too, but nobody asks for a re-check of b.html
        log.clear()
        first, stdout = recheck(tmp_path, "2023-11-01", base + "/a.html")
        asked = sorted({path for _, path in log} - {"/robots.txt"})
        second, _ = recheck(tmp_path, "2023-11-01", base + "/b.html")  # a re-check of the re-check
        nightly = run(base, tmp_path, "2023-11-02")
        refused, stderr = recheck(tmp_path, "2023-11-02", "http://127.0.0.3/x.html", status=2)

    assert {_key(base, f) for f in night["findings"]} >= {("/a.html", "/gone.pdf"), ("/b.html", "/b.pdf")}
    # Only the page and its own links were asked: not the homepage, not b.html.
    assert asked == ["/a.html", "/new.pdf", "/ok.html"]
    status = {_key(base, f): f["status"] for f in first["findings"]}
    assert status[("/a.html", "/new.pdf")] == "new"
    assert status[("/b.html", "/b.pdf")] == "open"  # b.html changed but was not re-checked
    assert [_key(base, f) for f in first["fixed"]] == [("/a.html", "/gone.pdf")]
    assert first["run"]["stats"]["recheck_of"] == night["run"]["id"]
    assert "已修复 1 项，仍存在 0 项，新发现 1 项" in stdout and "/gone.pdf" in stdout

    status = {_key(base, f): f["status"] for f in second["findings"]}
    assert ("/b.html", "/b.pdf") not in status and status[("/a.html", "/new.pdf")] == "open"
    assert [_key(base, f) for f in second["fixed"]] == [("/b.html", "/b.pdf")]

    status = {_key(base, f): (f["status"], f["first_seen"]) for f in nightly["findings"]}
    assert status[("/a.html", "/new.pdf")] == ("open", "2023-11-01")
    assert nightly["fixed"] == []  # everything fixed was already confirmed by the re-checks
    assert nightly["run"]["stats"]["lifecycle"]["previous_run"] == second["run"]["id"]
    assert "不属于站点" in stderr or "没有站点" in stderr

    with sqlite3.connect(tmp_path / "data" / "t.sqlite") as db:
        own = dict(db.execute("SELECT run_id, COUNT(*) FROM pages GROUP BY run_id").fetchall())
        bases = dict(db.execute("SELECT id, base_run FROM runs").fetchall())
    # Re-checks store only their own pages and sit directly on the night's full crawl.
    assert own[first["run"]["id"]] == 1 and own[second["run"]["id"]] == 2
    assert bases[first["run"]["id"]] == bases[second["run"]["id"]] == night["run"]["id"]
