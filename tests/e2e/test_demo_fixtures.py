"""The shared single-check runner gives the same link findings as the full run."""

from checks import broken_link


def test_single_check_runner_matches_full_run(demo_run, run_demo_check):
    single = {f.id for f in run_demo_check(broken_link.CHECK)}
    full = {f["id"] for f in demo_run.findings["findings"] if f["check"] == "broken-link"}
    assert single and single == full
