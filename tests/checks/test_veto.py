from checks.veto import veto_risks
from govcrawl.model import Finding, Severity


def _f(check, **evidence):
    return Finding(f"{check}:{len(evidence)}:{evidence}", check, Severity.MAJOR, "政府办", "http://x/", None, None,
                   "m", evidence)


def test_nothing_crossed_on_a_clean_run():
    risks = {r.id: r for r in veto_risks([_f("broken-link")])}
    assert not any(r.crossed for r in risks.values())
    assert risks["homepage-not-updated"].detail == "首页在 14 天内有更新"


def test_thresholds_cross_exactly_at_their_counts():
    news = [_f("stale-column", column_class="动态类", age_days=20 + i) for i in range(4)]
    policy = [_f("stale-column", column_class="通知公告、政策文件类", age_days=400 + i) for i in range(1)]
    planning = [_f("stale-column", column_class="人事、规划计划类", age_days=500 + i) for i in range(9)]
    empty = [_f("empty-column", column=str(i)) for i in range(4)]
    risks = {r.id: r for r in veto_risks(news + policy + planning + empty)}
    assert risks["columns-not-updated"].count == 5 and risks["columns-not-updated"].crossed
    assert risks["columns-long-stale"].count == 10 and risks["columns-long-stale"].crossed
    assert risks["empty-columns"].count == 4 and not risks["empty-columns"].crossed
    assert not risks["homepage-not-updated"].crossed
    # one more empty column crosses
    assert {r.id: r for r in veto_risks(empty + [_f("empty-column", column="x")])}["empty-columns"].crossed


def test_stale_homepage_is_a_veto():
    risks = {r.id: r for r in veto_risks([_f("stale-column", column_class="首页", age_days=17)])}
    assert risks["homepage-not-updated"].crossed and "17 天" in risks["homepage-not-updated"].detail


def test_each_indicator_names_the_departments_whose_findings_make_its_count():
    def dept(finding, name):
        finding.department = name
        return finding

    stale = [dept(_f("stale-column", column_class="动态类", age_days=20), "司法局"),
             dept(_f("stale-column", column_class="人事、规划计划类", age_days=400), "财政局"),
             dept(_f("stale-column", column_class="动态类", age_days=30 + 1), "司法局")]
    empty = [dept(_f("empty-column", column="a"), "教育局")]
    risks = {r.id: r.as_json() for r in veto_risks(stale + empty + [dept(_f("broken-link"), "民政局")])}
    assert risks["columns-not-updated"]["departments"] == ["司法局"]  # once, in order of appearance
    assert risks["columns-long-stale"]["departments"] == ["财政局"]  # only the one over a year
    assert risks["empty-columns"]["departments"] == ["教育局"]
    assert risks["homepage-not-updated"]["departments"] == []


def test_a_critical_wording_error_crosses_at_once_and_a_typo_does_not():
    from dataclasses import replace

    from govcrawl.model import Severity

    typo = _f("wording", rule="typo:按装")
    leader = replace(_f("wording", rule="name-title:马建国"), severity=Severity.CRITICAL)
    assert not {r.id: r for r in veto_risks([typo])}["wording-errors"].crossed
    assert {r.id: r for r in veto_risks([typo, leader])}["wording-errors"].crossed
