"""Waivers: accepted findings by id or by check + URL pattern, until they expire; bad files name the key."""

from datetime import date

import pytest

from govcrawl.config import ConfigError
from govcrawl.model import Finding, Severity
from govcrawl.waivers import apply_waivers, load_waivers

H = "http://www.xq.gov.cn"


def f(fid, check="broken-link", url="/a.html"):
    return Finding(fid, check, Severity.MAJOR, "政府办", H + url, None, None, "问题。")


def write(tmp_path, text):
    path = tmp_path / "waivers.yaml"
    path.write_text(text, encoding="utf-8")
    return path


GOOD = """waivers:
  - id: "broken-link:1"
    reason: 省级平台拒绝自动访问
    accepted_by: 政务公开办 王某
    expires: 2023-12-31
  - check: a11y
    url: "http://www.xq.gov.cn/zwgk/old/*"
    reason: 旧栏目改版时下线
    accepted_by: 政务公开办
    expires: 2023-11-01
  - check: stale-column
    site: other
    reason: 只对另一个站点
    accepted_by: 政务公开办
    expires: 2030-01-01
"""


def test_by_id_by_pattern_site_scoped_and_expiring(tmp_path):
    waivers = load_waivers(write(tmp_path, GOOD))
    findings = [f("broken-link:1"), f("broken-link:2"), f("a11y:1", "a11y", "/zwgk/old/x.html"),
                f("a11y:2", "a11y", "/zwgk/new/x.html"), f("stale:1", "stale-column")]
    on_nov_1 = {x.id: x.waiver for x in apply_waivers(findings, waivers, "xq", date(2023, 11, 1))}
    assert on_nov_1["broken-link:1"]["accepted_by"] == "政务公开办 王某"
    assert on_nov_1["a11y:1"]["expires"] == "2023-11-01"  # still in force on its last day
    assert on_nov_1["broken-link:2"] is None and on_nov_1["a11y:2"] is None
    assert on_nov_1["stale:1"] is None  # that waiver is for another site
    on_nov_2 = {x.id: x.waiver for x in apply_waivers(findings, waivers, "xq", date(2023, 11, 2))}
    assert on_nov_2["a11y:1"] is None  # expired: the finding counts again


def test_missing_file_means_no_waivers(tmp_path):
    assert load_waivers(tmp_path / "waivers.yaml") == []


@pytest.mark.parametrize("text, key", [
    ("waivers:\n  - check: a11y\n    reason: 理由\n    accepted_by: 某\n    expires: 2023-13-01\n", "waivers[0].expires"),
    ("waivers:\n  - reason: 理由\n    accepted_by: 某\n    expires: 2023-12-01\n", "waivers[0]"),
    ("waivers:\n  - id: x\n    reason: 理由\n    expires: 2023-12-01\n", "waivers[0].accepted_by"),
    ("waivers:\n  - id: x\n    check: a11y\n    reason: 理由\n    accepted_by: 某\n    expires: 2023-12-01\n",
     "waivers[0]"),
    ("waiver: []\n", "waiver"),
])
def test_invalid_files_name_the_key(tmp_path, text, key):
    with pytest.raises(ConfigError) as err:
        load_waivers(write(tmp_path, text))
    assert f"waivers.yaml: {key}" in str(err.value)
