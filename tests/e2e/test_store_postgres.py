"""The whole demo run with its store on PostgreSQL finds exactly what the SQLite run finds.

Both runs crawl the same demo portal with the same evaluation date; only the
config's ``store`` key differs. The store's job is to give the checks the same
facts whatever is underneath, so any difference here is a store bug.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import time
from pathlib import Path

import yaml

from govcrawl.store import Store
from tests.e2e.conftest import DEMO_TODAY, GOVCRAWL, write_demo_config


def _crawl(server, base: Path, store: str | None, salt: Path | None = None) -> tuple[dict, float]:
    base.mkdir(parents=True)
    if salt is not None:  # the same salt, so that privacy digests in the evidence compare too
        (base / "data").mkdir()
        shutil.copy2(salt, base / "data" / salt.name)
    config = write_demo_config(server, base / "sites.yaml", base / "data")
    if store is not None:
        data = yaml.safe_load(config.read_text(encoding="utf-8"))
        data["store"] = store
        config.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    started = time.monotonic()
    result = subprocess.run(
        [str(GOVCRAWL), "run", "demo", "-c", str(config), "--out", str(base / "out"), "--today", DEMO_TODAY,
         "--no-browser", "--progress", "off"],
        capture_output=True, text=True, timeout=600, cwd=base,
    )
    elapsed = time.monotonic() - started
    assert result.returncode == 0, result.stderr[-4000:]
    return json.loads((base / "out" / "findings.json").read_text(encoding="utf-8")), elapsed


def _comparable(findings: dict) -> list[tuple]:
    return [(f["id"], f["check"], f["url"], f["target"], f["department"], f["severity"], f["message"],
             json.dumps(f["evidence"], sort_keys=True, ensure_ascii=False), tuple(f["occurrences"]))
            for f in findings["findings"]]


def test_demo_on_postgres_finds_what_sqlite_finds(demo_server, postgres_url, tmp_path):
    lite, lite_seconds = _crawl(demo_server, tmp_path / "sqlite", None)
    pg, pg_seconds = _crawl(demo_server, tmp_path / "postgres", postgres_url, tmp_path / "sqlite/data/demo.salt")
    print(f"demo run --no-browser: SQLite {lite_seconds:.1f} s, PostgreSQL {pg_seconds:.1f} s")

    assert lite["findings"], "the demo run found nothing: the comparison would prove nothing"
    assert _comparable(pg) == _comparable(lite)
    assert pg["summary"] == lite["summary"]
    assert pg["run"]["pages_crawled"] == lite["run"]["pages_crawled"]
    # The PostgreSQL run wrote no SQLite store: the facts really went to the server.
    assert not (tmp_path / "postgres" / "data" / "demo.sqlite").exists()
    with Store(f"{postgres_url}?site=demo", create=False) as store:
        assert [r.id for r in store.runs()] == [pg["run"]["id"]]
        assert len(store.findings(pg["run"]["id"])) == len(pg["findings"])
