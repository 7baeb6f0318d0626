"""`govcrawl run demo` reports exactly the planted findings of every registered check."""

from __future__ import annotations

from checks import ALL_CHECKS
from tests.e2e.expected import entries, look_alike_hit, matches

REGISTERED = {check.id for check in ALL_CHECKS}


# Needs a week of probes, not one crawl: tests/e2e/test_availability_cli.py makes it over real HTTP.
NOT_PLANTABLE = {"site-unavailable"}


def test_every_registered_check_has_planted_cases():
    # History checks (backdated-post) are planted for the second night (tests/e2e/test_demo_two_nights.py).
    assert {e["check"] for e in entries("expected", REGISTERED, all_nights=True)} == REGISTERED - NOT_PLANTABLE
    assert {e["check"] for e in entries("not_plantable", REGISTERED, all_nights=True)} == NOT_PLANTABLE


def test_exactly_the_planted_findings(demo_run):
    findings = [f for f in demo_run.findings["findings"] if f["check"] in REGISTERED]
    expected = entries("expected", REGISTERED)
    missing = [e for e in expected if not any(matches(e, f, demo_run.fill) for f in findings)]
    assert not missing, "planted problems not found:\n" + "\n".join(
        f"{e['check']} {e.get('department')} {e['url']} {e.get('target')} — {e.get('note')}" for e in missing
    )
    extra = [f for f in findings if not any(matches(e, f, demo_run.fill) for e in expected)]
    assert not extra, "unexpected findings:\n" + "\n".join(
        f"{f['check']} {f['department']} {f['url']} {f['target']}" for f in extra
    )
    assert len(findings) == len(expected)


def test_no_look_alike_is_flagged(demo_run):
    findings = demo_run.findings["findings"]
    wrong = [
        f"{e['check']} {e['url']} {e.get('target')} — {e.get('note')}"
        for e in entries("not_expected", REGISTERED)
        if any(look_alike_hit(e, f, demo_run.fill) for f in findings)
    ]
    assert not wrong, "look-alikes flagged:\n" + "\n".join(wrong)


def test_findings_have_departments_and_labelled_evidence(demo_run):
    labels = {check.id: check.labels for check in ALL_CHECKS}
    for f in demo_run.findings["findings"]:
        assert f["department"]
        assert set(f["evidence"]) <= set(labels[f["check"]]), (f["check"], set(f["evidence"]) - set(labels[f["check"]]))


def test_veto_risks_on_the_first_screen(demo_run):
    """The veto indicators are counted from the findings and shown first in the report."""
    from tests.browser import chromium

    summary = demo_run.findings["summary"]
    risks = {r["id"]: r for r in summary["veto_risks"]}
    assert set(risks) == {"homepage-not-updated", "columns-not-updated", "columns-long-stale", "empty-columns",
                          "wording-errors", "messages-unanswered"}  # not probed: availability is not claimed
    assert risks["empty-columns"]["count"] == summary["by_check"]["empty-column"]
    # The column indicators stay below their thresholds; the planted wrong leader title (区长马建国
    # after he left office) is a serious wording error, which fails a site on its own, and so do the
    # two messages left without reply for more than 3 months (互动回应差). The demo is not probed.
    assert [r["id"] for r in risks.values() if r["crossed"]] == ["wording-errors", "messages-unanswered"]
    assert risks["wording-errors"]["count"] == 1 and risks["wording-errors"]["departments"] == ["政府办"]
    assert risks["messages-unanswered"]["count"] == 2
    assert set(risks["messages-unanswered"]["departments"]) == {"政府办", "民政局"}
    assert summary["availability"] is None
    # 各部门留言办理情况: the replying units' departments, with median reply time and on-time share
    messages = summary["messages"]
    assert messages["教育局"]["on_time_share"] == 0.0 and messages["卫健局"]["on_time_share"] == 0.5
    # 20 calendar days across the National Day holiday are exactly the 10 working days 咨询投诉 allows
    assert messages["财政局"] == {"messages": 1, "replied": 1, "unanswered_overdue": 0, "median_reply_days": 20,
                               "on_time_share": 1.0}
    assert messages["民政局"]["unanswered_overdue"] == 1 and messages["司法局"]["unanswered_overdue"] == 1
    html = (demo_run.out / "report.html").read_text(encoding="utf-8")
    assert "各部门留言办理情况" in html and "<th scope=\"row\">财政局</th><td>1</td><td>1</td><td>20 天</td>" in html
    assert "近 7 天没有探测记录" in html  # the demo is not probed: the report says how to start
    with chromium() as driver:
        driver.get((demo_run.out / "report.html").as_uri())
        first = driver.find_element("css selector", "main section")
        assert "单项否决风险" in first.text and "空白栏目" in first.text and "互动回应差" in first.text


def test_early_warning_lists_columns_close_to_their_limit(demo_run):
    """Early warnings are no findings: the column exactly at its 14-day limit is warned, not flagged."""
    from tests.browser import chromium

    warnings = demo_run.findings["summary"]["column_warnings"]
    assert warnings and all(0 <= w["days_left"] < 5 for w in warnings)
    warned = {w["url"] for w in warnings}
    stale = {f["url"] for f in demo_run.findings["findings"] if f["check"] == "stale-column"}
    assert not warned & stale
    with chromium() as driver:
        driver.get((demo_run.out / "report.html").as_uri())
        text = driver.find_element("tag name", "body").text
    assert "栏目更新预警" in text and warnings[0]["column"] in text
