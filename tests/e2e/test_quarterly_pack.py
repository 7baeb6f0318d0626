"""A quarter of nights against the demo portal, then ``govcrawl quarterly`` and ``govcrawl verify``.

History (2023Q4, cut off on 2023-11-15, so a partial quarter):

    2023-09-30  night 1 of the portal   (before the quarter: "open at start")
    2023-10-31  night 1
    2023-11-01  night 2                 (new problems: back-dated posts ...)
    2023-11-10  night 2, the missing attachment behind one broken link uploaded (a fix),
                one finding waived by the office, and the browser pass on (screenshots)

Every figure of quarterly.json is recomputed here from the nights' own
findings.json; a WARC record is replayed with warcio and compared with what the
server served; the PDF's first page is read back with pypdf; and ``verify``
must name the one file altered inside the pack.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import zipfile
from datetime import date
from pathlib import Path

import pytest
import yaml
from warcio.archiveiterator import ArchiveIterator

from crawler.demo.portal import Resource
from crawler.demo.server import DemoServer
from tests.e2e.conftest import GOVCRAWL, write_demo_config

QUARTER_NIGHTS = ("2023-10-31", "2023-11-01", "2023-11-10")


def _govcrawl(*args: str, status: int = 0, timeout: int = 900) -> subprocess.CompletedProcess:
    result = subprocess.run([str(GOVCRAWL), *args], capture_output=True, text=True, timeout=timeout)
    assert result.returncode == status, result.stderr[-3000:]
    return result


def _night(config: Path, base: Path, today: str, *, browser: bool = False) -> dict:
    out = base / f"night-{today}"
    _govcrawl("run", "demo", "-c", str(config), "--out", str(out), "--today", today, "--progress", "off",
              *(() if browser else ("--no-browser",)))
    return json.loads((out / "findings.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def quarter(tmp_path_factory):
    base = tmp_path_factory.mktemp("quarter")
    nights: dict[str, dict] = {}
    with DemoServer(night=1) as server:
        config = write_demo_config(server, base / "sites.yaml", base / "data")
        nights["2023-09-30"] = _night(config, base, "2023-09-30")
        nights["2023-10-31"] = _night(config, base, "2023-10-31")
        server.set_night(2)
        nights["2023-11-01"] = _night(config, base, "2023-11-01")
        # The webmaster uploads one missing attachment; the office waives one other finding.
        broken = next(f for f in nights["2023-11-01"]["findings"]
                      if f["check"] == "broken-link" and f["target"].startswith(server.main)
                      and f["target"] not in server.resources and f["target"].endswith(".pdf"))
        server.resources[broken["target"]] = Resource(
            200, {"Content-Type": "application/pdf"}, b"%PDF-1.4\n%%EOF\n")
        waived = next(f for f in nights["2023-11-01"]["findings"] if f["check"] == "missing-metadata")
        (base / "waivers.yaml").write_text(yaml.safe_dump({"waivers": [{
            "id": waived["id"], "reason": "模板由省级平台统一维护", "accepted_by": "政务公开办",
            "expires": date(2023, 12, 31)}]}, allow_unicode=True), encoding="utf-8")
        nights["2023-11-10"] = _night(config, base, "2023-11-10", browser=True)
        _probe_two_weeks(server, base / "data" / "demo.sqlite")
        out = base / "q"
        result = _govcrawl("quarterly", "demo", "-c", str(config), "--quarter", "2023Q4", "--today", "2023-11-15",
                           "--out", str(out))
        served = {url: resource.body for url, resource in server.resources.items()}
        yield {"base": base, "config": config, "nights": nights, "out": out, "result": result,
               "zip": Path(result.stdout.strip().splitlines()[-1]), "served": served, "fixed": broken,
               "waived": waived}


PROBE_DAYS = 14  # 2023-10-01 .. 10-14, 20 real probes of the demo homepage a day


def _probe_two_weeks(server: DemoServer, store_path: Path) -> None:
    """Real probes of the demo homepage, their clock pinned to the quarter's first two weeks: 2 failures
    (a 网站维护中 placeholder) in the first week, 10 (HTTP 503) in the second."""
    from datetime import datetime, timedelta, timezone

    from crawler.probe import probe_url
    from govcrawl.store import Store

    shanghai = timezone(timedelta(hours=8))
    failing = {(2, 0): "maintenance", (2, 1): "maintenance", **{(9, i): "down" for i in range(10)}}
    results = []
    for day in range(PROBE_DAYS):
        for i in range(20):
            moment = datetime(2023, 10, 1, tzinfo=shanghai) + timedelta(days=day, minutes=15 * i)
            server.homepage_mode = failing.get((day, i), "ok")
            results.append(probe_url(f"{server.main}/", timeout=5, now=lambda moment=moment: moment))
    server.homepage_mode = "ok"
    with Store(store_path) as store:
        store.add_probes(results)


def _expected(nights: dict[str, dict], key=lambda f: "site") -> dict[str, dict]:
    """The quarter's figures recomputed from the nights' findings.json, grouped by ``key``."""
    inside = [nights[d] for d in QUARTER_NIGHTS]
    last = inside[-1]
    groups: dict[str, dict] = {}

    def group(finding):
        return groups.setdefault(key(finding), {"open_at_start": 0, "found": set(), "fixed": {}, "waived": 0,
                                                "open_at_end": 0})

    # findings.json lists waived findings apart ("waived"), not among "findings".
    for f in nights["2023-09-30"]["findings"]:
        group(f)["open_at_start"] += 1
    for night in inside:
        for f in night["findings"] + night["waived"]:
            if f["status"] in ("new", "reopened"):
                group(f)["found"].add(f["id"])
        for f in night["fixed"]:
            days = (date.fromisoformat(night["run"]["today"]) - date.fromisoformat(f["first_seen"])).days
            group(f)["fixed"][f["id"]] = days
    for f in last["findings"]:
        group(f)["open_at_end"] += 1
    for f in last["waived"]:
        group(f)["waived"] += 1
    out = {}
    for name, g in groups.items():
        days = list(g["fixed"].values())
        out[name] = {
            "open_at_start": g["open_at_start"], "found": len(g["found"]), "fixed": len(days),
            "waived": g["waived"], "open_at_end": g["open_at_end"],
            "median_days_to_fix": statistics.median(days) if days else None,
            "share_fixed_within_7_days": sum(d <= 7 for d in days) / len(days) if days else None,
        }
    return out


def _figures(row: dict) -> dict:
    return {k: row[k] for k in ("open_at_start", "found", "fixed", "waived", "open_at_end", "median_days_to_fix",
                                "share_fixed_within_7_days")}


def test_the_quarter_figures_agree_with_the_stored_findings(quarter):
    data = json.loads((quarter["out"] / "quarterly.json").read_text(encoding="utf-8"))
    nights = quarter["nights"]
    assert data["period"] == {"start": "2023-10-01", "end": "2023-12-31", "as_of": "2023-11-15", "partial": True}
    assert [r["id"] for r in data["runs"]] == [nights[d]["run"]["id"] for d in QUARTER_NIGHTS]
    site = _expected(nights)["site"]
    assert _figures(data["totals"]) == site
    assert site["fixed"] >= 1 and site["waived"] == 1 and site["found"] >= 1
    by_dept = _expected(nights, key=lambda f: f["department"])
    assert {row["department"]: _figures(row) for row in data["departments"] if row["department"] in by_dept} \
        == by_dept
    by_check = _expected(nights, key=lambda f: f["check"])
    assert {row["check"]: _figures(row) for row in data["checks"] if row["check"] in by_check} == by_check
    # The attachment uploaded before the last night is among the fixed; the waived finding is not open at the end.
    assert quarter["fixed"]["id"] in {f["id"] for f in nights["2023-11-10"]["fixed"]}
    still_open = [item for items in data["open_at_end"].values() for item in items]  # by department
    assert quarter["waived"]["id"] not in {item["id"] for item in still_open}
    assert len(still_open) == site["open_at_end"]
    # Open at the end, each with its age on the cut-off day.
    first_seen = {f["id"]: f["first_seen"] for f in nights["2023-11-10"]["findings"]}
    for item in still_open:
        assert item["age_days"] == (date(2023, 11, 15) - date.fromisoformat(first_seen[item["id"]])).days
    # Exposure calendar: 46 days, and only days covered by a run (that night or the one before) are judged.
    days = data["exposure"]["days"]
    assert len(days) == 46
    judged = {d["day"] for d in days if d["state"] != "no-run"}
    assert judged == {"2023-10-01", "2023-10-31", "2023-11-01", "2023-11-02", "2023-11-10", "2023-11-11"}
    assert any("尚未结束" in note for note in data["notes"])


def test_pack_holds_report_pdf_findings_captures_and_screenshots(quarter):
    from pypdf import PdfReader

    with zipfile.ZipFile(quarter["zip"]) as pack:
        names = set(pack.namelist())
        manifest = json.loads(pack.read("manifest.json"))
        pdf = pack.read("quarterly.pdf")
        warc = pack.read("captures.warc.gz")
        last = json.loads(pack.read("last-run/findings.json"))
    assert {"quarterly.html", "quarterly.pdf", "quarterly.json", "last-run/findings.json", "last-run/findings.xlsx",
            "captures.warc.gz", "manifest.json", "MANIFEST.sha256"} <= names
    assert any(n.startswith("screenshots/") and n.endswith(".png") for n in names)  # accessibility evidence
    assert manifest["run_ids"] == [quarter["nights"][d]["run"]["id"] for d in QUARTER_NIGHTS]
    assert manifest["before_run"] == quarter["nights"]["2023-09-30"]["run"]["id"]
    assert manifest["date_range"] == ["2023-10-01", "2023-12-31"] and manifest["partial"] is True
    assert manifest["tool_version"] and manifest["config_hash"]
    assert last["run"]["id"] == quarter["nights"]["2023-11-10"]["run"]["id"]

    (quarter["out"] / "copy.pdf").write_bytes(pdf)
    first_page = PdfReader(quarter["out"] / "copy.pdf").pages[0].extract_text()
    assert "2023年第四季度" in first_page and "\x00" not in first_page

    # Replay the captures: every response is the page exactly as the server sent it on its last crawl.
    (quarter["out"] / "copy.warc.gz").write_bytes(warc)
    replayed = {}
    with open(quarter["out"] / "copy.warc.gz", "rb") as stream:
        for record in ArchiveIterator(stream):
            if record.rec_type == "response":
                replayed[record.rec_headers.get_header("WARC-Target-URI")] = (
                    record.http_headers.get_statuscode(), record.content_stream().read())
    open_pages = {f["url"] for f in last["findings"] if not f.get("waiver")}
    assert len(replayed) == manifest["captures"]["pages"] > 0
    assert not set(manifest["captures"]["missing"]) & {u for u, (s, _) in replayed.items()}
    from tests.e2e.test_incremental import as_served

    for url, (status, body) in replayed.items():
        assert status == "200" and as_served(body, quarter["served"][url])
    assert len(replayed) + len(manifest["captures"]["missing"]) == len(open_pages)


def test_verify_accepts_the_pack_and_names_an_altered_file(quarter):
    fingerprint = quarter["result"].stderr.split("fingerprint: ")[1].split()[0]
    ok = _govcrawl("verify", str(quarter["zip"]), "--fingerprint", fingerprint)
    assert "quarterly.html" not in ok.stdout or "通过" in ok.stdout
    tampered = quarter["out"] / "tampered.zip"
    with zipfile.ZipFile(quarter["zip"]) as src, zipfile.ZipFile(tampered, "w") as dst:
        for item in src.infolist():
            body = src.read(item)
            if item.filename == "last-run/findings.json":
                body = body.replace(b'"open"', b'"fixed"', 1)
            dst.writestr(item, body)
    bad = _govcrawl("verify", str(tampered), status=1)
    assert "last-run/findings.json" in bad.stdout
    assert "quarterly.html" not in bad.stdout.replace("last-run/findings.json", "")


def test_the_runs_behind_the_pack_are_pinned(quarter):
    runs = _govcrawl("runs", "demo", "-c", str(quarter["config"])).stdout
    for night in (*QUARTER_NIGHTS, "2023-09-30"):
        line = next(line for line in runs.splitlines() if quarter["nights"][night]["run"]["id"] in line)
        assert "quarterly:2023Q4" in line


def test_the_quarter_keeps_its_availability_probes(quarter):
    data = json.loads((quarter["out"] / "quarterly.json").read_text(encoding="utf-8"))
    first, second = data["availability"][:2]
    assert (first["start"], first["end"], first["probes"], first["failures"], first["crossed"]) == (
        "2023-10-01", "2023-10-07", 140, 2, False)
    assert (second["probes"], second["failures"], second["crossed"]) == (140, 10, True)
    assert second["failure_kinds"] == {"http-error": 10} and first["failure_kinds"] == {"maintenance": 2}
    assert all(week["probes"] == 0 for week in data["availability"][2:])
    with zipfile.ZipFile(quarter["zip"]) as pack:
        manifest = json.loads(pack.read("manifest.json"))
        rows = pack.read("availability/probes.csv").decode("utf-8-sig").splitlines()
    assert manifest["probes"] == PROBE_DAYS * 20 == len(rows) - 1
    assert rows[0].startswith("时间,地址,首页,结果")
    assert sum(",失败," in row for row in rows) == 12
    html = (quarter["out"] / "quarterly.html").read_text(encoding="utf-8")
    assert "站点可用性（首页探测）" in html and "2023-10-08 至 2023-10-14" in html
