"""Two nights of the demo portal (2023-10-31, then 2023-11-01): the history checks.

Night 2 adds an item dated weeks earlier and changes another item's date; the
findings must be exactly the planted backdated posts (expected.yaml entries with
``nights: 2``), none of the look-alikes, and the lifecycle must see night 1's
problems as open rather than new.
"""

from __future__ import annotations

import json
import subprocess

import pytest
import yaml

from crawler.demo import DEMO_EXPECTED
from crawler.demo.server import DemoServer
from tests.e2e.conftest import GOVCRAWL, write_demo_config
from tests.e2e.expected import look_alike_hit, matches


def _night(config, out, today):
    result = subprocess.run(
        [str(GOVCRAWL), "run", "demo", "-c", str(config), "--out", str(out), "--today", today, "--no-browser",
         "--progress", "off"],
        capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads((out / "findings.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def two_nights(tmp_path_factory):
    base = tmp_path_factory.mktemp("nights")
    with DemoServer(night=1) as server:
        config = write_demo_config(server, base / "sites.yaml", base / "data")
        first = _night(config, base / "n1", "2023-10-31")
        server.set_night(2)
        second = _night(config, base / "n2", "2023-11-01")
        yield server, first, second


def _fill(server):
    from crawler.demo.files import fill

    return lambda text: None if text is None else fill(text, server.main, server.ext, server.refused)


def _entries(kind):
    data = yaml.safe_load(open(DEMO_EXPECTED, encoding="utf-8"))
    return [e for e in data[kind] if e["check"] == "backdated-post"]


def test_exactly_the_planted_backdated_posts(two_nights):
    server, first, second = two_nights
    fill = _fill(server)
    assert not [f for f in first["findings"] if f["check"] == "backdated-post"]  # no history on a first run
    found = [f for f in second["findings"] if f["check"] == "backdated-post"]
    expected = [e for e in _entries("expected") if e.get("nights") == 2]

    def hit(entry, finding):
        return matches(entry, finding, fill) or (
            "alternative" in entry and matches({**entry, **entry["alternative"]}, finding, fill))

    assert all(any(hit(e, f) for f in found) for e in expected), [f["target"] for f in found]
    assert len(found) == len(expected), [(f["url"], f["target"]) for f in found]
    wrong = [e for e in _entries("not_expected") if any(look_alike_hit(e, f, fill) for f in found)]
    assert not wrong, wrong


def test_second_night_sees_first_night_problems_as_open(two_nights):
    _, first, second = two_nights
    assert {f["status"] for f in first["findings"]} == {"new"}
    statuses = {f["id"]: f["status"] for f in second["findings"]}
    carried = [fid for fid in (f["id"] for f in first["findings"]) if fid in statuses]
    assert carried and all(statuses[fid] == "open" for fid in carried)
    assert {f["status"] for f in second["findings"] if f["check"] == "backdated-post"} == {"new"}
