"""site-unavailable over hand-built probes, and the veto indicators of the new checks."""

from datetime import date, datetime, timedelta

from checks import site_unavailable
from checks.registry import run_checks
from checks.veto import veto_risks
from govcrawl.facts import SiteFacts
from govcrawl.model import Finding, ProbeResult, Severity
from tests.checks.conftest import RULES, H, page

TODAY = date(2023, 11, 1)
SHANGHAI = "+08:00"


def probes(per_day: int, failed_per_day: int, days: int = 7, *, homepage: bool = True, last: date = TODAY,
           kind: str = "timeout") -> list[ProbeResult]:
    """``per_day`` probes a day every 15 minutes from 00:00, the first ``failed_per_day`` of them failed."""
    out = []
    for d in range(days):
        day = last - timedelta(days=days - 1 - d)
        for i in range(per_day):
            at = datetime(day.year, day.month, day.day) + timedelta(minutes=15 * i)
            failed = i < failed_per_day
            out.append(ProbeResult(H + "/", at.isoformat() + SHANGHAI, not failed, kind if failed else "ok",
                                   None if failed else 200, homepage=homepage,
                                   reason="15 秒内未加载完成" if failed else ""))
    return out


def run(found_probes, settings=None):
    facts = SiteFacts.build([page("/")], homepage=H + "/")
    facts.probes = found_probes
    return list(run_checks([site_unavailable.CHECK], facts, site_id="t", today=TODAY, departments=RULES,
                           settings=settings or {}))


def test_five_percent_of_a_week_fails_the_site():
    # 20 a day, 1 failed each day: exactly 5% -> crossed ("5% or more")
    (finding,) = run(probes(20, 1))
    assert finding.check == "site-unavailable" and finding.url == H + "/" and finding.target is None
    assert finding.department == "政府办" and finding.severity is Severity.CRITICAL
    assert finding.evidence["probes"] == 140 and finding.evidence["failures"] == 7
    assert finding.evidence["rate"] == "5.00%" and finding.evidence["failure_kinds"] == {"超时未加载完成": 7}
    assert "达到 5% 否决线" in finding.message
    assert run(probes(20, 1))[0].id == finding.id  # the same finding night after night


def test_look_alikes_do_not_fail_the_site():
    assert run([]) == []
    assert run(probes(21, 1)) == []  # 7 of 147 = 4.76%
    assert run(probes(2, 1)) == []  # half failed, but 14 probes cannot be judged
    assert run(probes(20, 20, homepage=False)) == []  # key pages are reported, never counted
    assert run(probes(20, 5, last=TODAY - timedelta(days=7))) == []  # last week's outage is outside the window
    # a stricter configured threshold
    assert len(run(probes(40, 1), {"availability": {"threshold": 0.02}})) == 1


def test_an_ongoing_outage_is_named():
    week = probes(96, 0)
    # the last 10 hours under a 网站维护中 placeholder: 40 of 672 probes (5.95%)
    week[-40:] = [ProbeResult(p.url, p.at, False, "maintenance", 200, reason="页面显示“网站维护中”") for p in week[-40:]]
    (finding,) = run(week)
    assert finding.evidence["longest_outage"] == "2023-11-01T14:00:00+08:00 起连续 40 次失败，至今未恢复"
    assert finding.evidence["failure_kinds"] == {"维护/建设中页面": 40}
    # 33 of 672 (4.91%): the same outage seven probes shorter is under the line
    assert run(probes(96, 0)[:-33] + week[-33:]) == []


def _finding(check, severity=Severity.MAJOR, department="司法局", evidence=None):
    return Finding(f"{check}:x{department}", check, severity, department, H + "/", None, None, "", evidence or {})


def test_veto_indicators_for_messages_and_availability():
    risks = {r.id: r for r in veto_risks([
        _finding("unanswered-message", Severity.CRITICAL),
        _finding("unanswered-message", Severity.MAJOR, "财政局"),  # past its channel's limit only
        _finding("site-unavailable", Severity.CRITICAL, "政府办", {"summary": "近 7 天首页探测 140 次"}),
    ])}
    assert risks["messages-unanswered"].crossed and risks["messages-unanswered"].count == 1
    assert risks["messages-unanswered"].departments == ("司法局",)
    assert risks["site-unavailable"].crossed and risks["site-unavailable"].detail == "近 7 天首页探测 140 次"
    calm = {r.id: r for r in veto_risks([_finding("unanswered-message", Severity.MAJOR)])}
    assert not calm["messages-unanswered"].crossed and not calm["site-unavailable"].crossed
    # a site nobody probed: availability is left out, not reported as "not crossed"
    assert "site-unavailable" not in {r.id for r in veto_risks([], probed=False)}
