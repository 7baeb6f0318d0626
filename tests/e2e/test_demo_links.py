"""The demo portal crawled over real HTTP: every planted link problem found, no look-alike flagged."""

from __future__ import annotations

from pathlib import Path

import yaml

from crawler.demo import DEMO_EXPECTED

LINK_CHECKS = {"broken-link", "broken-anchor", "link-unverified", "intranet-link"}
# Checks where any linking page may stand as `url` (contract: one finding per target and department).
PER_TARGET = LINK_CHECKS


def _expected() -> dict:
    return yaml.safe_load(Path(DEMO_EXPECTED).read_text(encoding="utf-8"))


def _key(entry: dict, run) -> tuple:
    if entry["check"] in PER_TARGET:
        return entry["check"], entry.get("department"), run.fill(entry.get("target"))
    return entry["check"], entry.get("department"), run.fill(entry["url"]), run.fill(entry.get("target"))


def test_run_completed(demo_run):
    run = demo_run.findings["run"]
    assert run["pages_crawled"] >= 100
    assert demo_run.findings["schema"] == "govcrawl.findings/1"
    for name in ("report.html", "findings.xlsx", "findings.csv", "findings.json"):
        assert (demo_run.out / name).stat().st_size > 0


def test_every_planted_link_problem_is_found(demo_run):
    found = {}
    for f in demo_run.findings["findings"]:
        if f["check"] in LINK_CHECKS:
            found[(f["check"], f["department"], f["target"])] = f
    missing = []
    for entry in _expected()["expected"]:
        if entry["check"] not in LINK_CHECKS:
            continue
        key = _key(entry, demo_run)
        finding = found.get(key)
        if finding is None:
            missing.append(f"{key} — {entry.get('note')}")
            continue
        least = entry.get("occurrences_at_least")
        if least:
            assert len(finding["occurrences"]) + 1 >= least, (key, len(finding["occurrences"]))
    assert not missing, "planted problems not found:\n" + "\n".join(missing)


def test_no_look_alike_is_flagged(demo_run):
    flagged = {(f["check"], f["target"]) for f in demo_run.findings["findings"]}
    flagged_urls = {(f["check"], f["url"], f["target"]) for f in demo_run.findings["findings"]}
    wrong = []
    for entry in _expected()["not_expected"]:
        if entry["check"] not in LINK_CHECKS:
            continue
        target = demo_run.fill(entry.get("target"))
        if target is not None and (entry["check"], target) in flagged:
            wrong.append(f"{entry['check']} {target} — {entry.get('note')}")
        elif target is None and any(c == entry["check"] and u == demo_run.fill(entry["url"])
                                    for c, u, _ in flagged_urls):
            wrong.append(f"{entry['check']} {entry['url']} — {entry.get('note')}")
    assert not wrong, "look-alikes flagged:\n" + "\n".join(wrong)


def test_no_unexpected_link_findings(demo_run):
    """Every link finding is one the demo planted: nothing flagged by accident."""
    expected = {_key(e, demo_run) for e in _expected()["expected"] if e["check"] in LINK_CHECKS}
    extra = [
        (f["check"], f["department"], f["target"])
        for f in demo_run.findings["findings"]
        if f["check"] in LINK_CHECKS and (f["check"], f["department"], f["target"]) not in expected
    ]
    assert not extra, f"unexpected findings: {extra}"


def test_intranet_hosts_never_fetched(demo_run):
    """Intranet targets are reported from the href alone: the crawl records them as excluded."""
    import sqlite3

    db = sqlite3.connect(demo_run.data / "demo.sqlite")
    rows = db.execute("SELECT url, state FROM link_status WHERE url LIKE 'http://10.%' OR url LIKE 'http://192.168.%'"
                      " OR url LIKE 'http://oa/%'").fetchall()
    assert rows and all(state == "excluded" for _, state in rows)


def test_every_evidence_key_has_a_chinese_label(demo_run):
    """Webmasters read the evidence: each key a check writes is declared with a Chinese label."""
    from checks import ALL_CHECKS

    labels = {check.id: check.labels for check in ALL_CHECKS}
    unlabelled = {
        (f["check"], key)
        for f in demo_run.findings["findings"]
        for key in f["evidence"]
        if key not in labels[f["check"]]
    }
    assert not unlabelled
