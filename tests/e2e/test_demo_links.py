"""The demo crawl itself: it completes with every output, and intranet targets are never fetched.

That every planted finding (link checks included) is reported, and no look-alike,
is asserted for all registered checks in test_demo_expected.py.
"""

from __future__ import annotations


def test_run_completed(demo_run):
    run = demo_run.findings["run"]
    assert run["pages_crawled"] >= 100
    assert demo_run.findings["schema"] == "govcrawl.findings/1"
    for name in ("report.html", "findings.xlsx", "findings.csv", "findings.json"):
        assert (demo_run.out / name).stat().st_size > 0


def test_intranet_hosts_never_fetched(demo_run):
    """Intranet targets are reported from the href alone: the crawl records them as excluded."""
    import sqlite3

    db = sqlite3.connect(demo_run.data / "demo.sqlite")
    rows = db.execute("SELECT url, state FROM link_status WHERE url LIKE 'http://10.%' OR url LIKE 'http://192.168.%'"
                      " OR url LIKE 'http://oa/%'").fetchall()
    assert rows and all(state == "excluded" for _, state in rows)

