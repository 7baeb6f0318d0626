"""Two nights against a real loopback site: a link fixed, a problem added, a page unreachable.

The second run must call the fixed link fixed, the added one new, the untouched one
open (first seen kept), and must NOT call fixed what sits on a page it could not
reach tonight; ``govcrawl diff`` prints the same difference.
"""

from __future__ import annotations

import json
import subprocess

import yaml

from tests.sites import GOVCRAWL, serve, static_handler


def page(*links: str) -> tuple[int, str]:
    body = "".join(f'<p><a href="{href}">附件{i}</a></p>' for i, href in enumerate(links))
    return 200, f'<html lang="zh-CN"><head><title>页面</title></head><body>{body}</body></html>'


def run(base: str, tmp, today: str, *extra: str, status: int = 0) -> dict:
    config = {"data_dir": str(tmp / "data"), "sites": {"t": {
        "name": "测试站", "start_urls": [base + "/"], "owner": "办公室", "external_links": {"check": False},
        "crawl": {"concurrency": 4, "delay": 0, "autothrottle": False}}}}
    path = tmp / "sites.yaml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    result = subprocess.run(
        [str(GOVCRAWL), "run", "t", "-c", str(path), "--out", str(tmp / today), "--today", today,
         "--no-browser", "--progress", "off", *extra],
        capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == status, result.stderr[-3000:]
    return json.loads((tmp / today / "findings.json").read_text(encoding="utf-8"))


def test_new_open_fixed_and_not_rechecked(tmp_path):
    pages = {
        "/": page("/a.html", "/b.html", "/c.html", "/d.html", "/old.html"),
        "/old.html": page(),  # unlinked tomorrow: a page gone
        "/e.html": page(),  # linked only tomorrow: a new page
        "/a.html": page("/gone.pdf"),  # broken tonight, fixed tomorrow
        "/b.html": page(),  # clean tonight, a broken link tomorrow
        "/c.html": page("/old.pdf"),  # broken; tomorrow the page itself cannot be reached
        "/d.html": page("/keep.pdf"),  # broken both nights
    }
    with serve(static_handler(pages)) as base:
        first = run(base, tmp_path, "2023-10-31")
        pages["/"] = page("/a.html", "/b.html", "/c.html", "/d.html", "/e.html")
        pages["/a.html"] = page("/a.html#top")
        pages["/b.html"] = page("/new.pdf")
        pages["/c.html"] = (404, "<html><title>404</title></html>")
        # --fail-on new: exit 3 because tonight has new findings (CI-style use); the run still completes.
        second = run(base, tmp_path, "2023-11-01", "--fail-on", "new", status=3)

    assert {f["status"] for f in first["findings"]} == {"new"} and first["fixed"] == []
    status = {(f["url"].removeprefix(base), f["target"].removeprefix(base)): f for f in second["findings"]}
    assert status["/d.html", "/keep.pdf"]["status"] == "open"
    assert status["/d.html", "/keep.pdf"]["first_seen"] == "2023-10-31"
    assert status["/b.html", "/new.pdf"]["status"] == "new"
    carried = status["/c.html", "/old.pdf"]
    assert (carried["status"], carried["rechecked"]) == ("open", False)  # not re-checked, so not fixed
    assert status["/", "/c.html"]["status"] == "new"  # the page itself is broken now
    assert [(f["url"].removeprefix(base), f["target"].removeprefix(base)) for f in second["fixed"]] == [
        ("/a.html", "/gone.pdf")]
    # open: keep.pdf, old.pdf (carried) and the homepage's missing elder-mode entry, both nights.
    assert second["summary"]["by_status"] == {"new": 2, "open": 3, "reopened": 0, "fixed": 1}
    # The report tells how long an open finding has waited (first seen 2023-10-31, tonight 2023-11-01).
    assert "首次发现于 2023-10-31，已 1 天" in (tmp_path / "2023-11-01" / "report.html").read_text(encoding="utf-8")
    # /e.html is a page new tonight, /old.html is no longer linked: the run summary counts both.
    assert (second["run"]["stats"]["pages_new"], second["run"]["stats"]["pages_gone"]) == (1, 1)

    diff = subprocess.run(
        [str(GOVCRAWL), "diff", first["run"]["id"], second["run"]["id"], "-c", str(tmp_path / "sites.yaml")],
        capture_output=True, text=True, timeout=60,
    )
    assert diff.returncode == 0, diff.stderr
    assert "新增 2 条" in diff.stdout and "/gone.pdf" in diff.stdout and "/new.pdf" in diff.stdout


def test_schedule_prints_cron_and_systemd(tmp_path):
    path = tmp_path / "sites.yaml"
    path.write_text(yaml.safe_dump({"sites": {"t": {"name": "测试站", "start_urls": ["http://127.0.0.1:9/"],
                                                    "owner": "办公室"}}}, allow_unicode=True), encoding="utf-8")
    result = subprocess.run([str(GOVCRAWL), "schedule", "t", "-c", str(path), "--at", "02:45"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "CRON_TZ=Asia/Shanghai\n45 2 * * * cd " in result.stdout
    assert f"run t -c {path.resolve()}" in result.stdout
    assert "OnCalendar=*-*-* 02:45:00 Asia/Shanghai" in result.stdout
    # a stop sends SIGTERM to govcrawl alone, which passes it to its crawl process once (a clean, resumable stop)
    assert "\nKillMode=mixed\n" in result.stdout
    # the availability probe every 15 minutes, quiet unless something failed
    assert "*/15 * * * * cd " in result.stdout
    assert f"probe t -c {path.resolve()} --quiet >> " in result.stdout
    assert "OnCalendar=*:0/15" in result.stdout
    bad = subprocess.run([str(GOVCRAWL), "schedule", "t", "-c", str(path), "--at", "25:00"],
                         capture_output=True, text=True, timeout=60)
    assert bad.returncode == 2


def test_keep_runs_prunes_older_runs(tmp_path):
    from govcrawl.store import Store

    pages = {"/": page("/a.html"), "/a.html": page("/gone.pdf")}
    with serve(static_handler(pages)) as base:
        run(base, tmp_path, "2023-10-30")
        run(base, tmp_path, "2023-10-31")
        last = run(base, tmp_path, "2023-11-01", "--keep-runs", "2")
    with Store(tmp_path / "data" / "t.sqlite", create=False) as store:
        kept = [r.today.isoformat() for r in store.runs()]
        assert kept == ["2023-10-31", "2023-11-01"]
        assert store.findings(last["run"]["id"])  # the current run is intact
    # the lifecycle still sees the kept previous night
    assert {f["status"] for f in last["findings"]} == {"open"}
