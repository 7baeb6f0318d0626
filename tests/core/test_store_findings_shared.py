"""Findings read back from the store share equal values, and only equal ones.

The reports read a night's findings again (100,000 on a large portal). Most of
them repeat a check's message, evidence, department and dates, and one object
for each halves the memory the report phase needs. Sharing must never make
two different values one, nor mix values of different types.
"""

from __future__ import annotations

from datetime import date

from govcrawl.model import Finding, RunInfo, Severity, ValuePool
from govcrawl.store import Store


def _finding(n: int, message: str, evidence: dict, **extra) -> Finding:
    return Finding(id=f"missing-metadata:{n}", check="missing-metadata", severity=Severity.MINOR, department="区财政局",
                   url=f"http://127.0.0.1/{n}.html", target=None, title=f"第{n}页", message=message, evidence=evidence,
                   occurrences=[f"http://127.0.0.1/list{n % 2}.html"], status="new", first_seen="2023-11-01",
                   last_seen="2023-11-01", **extra)


def test_equal_values_are_one_object_and_different_ones_stay_apart(store_at):
    store = Store(store_at)
    run = RunInfo(id="s.1", site="s", started="2023-11-01T02:00:00+08:00", today=date(2023, 11, 1))
    store.begin_run(run)
    made = [_finding(n, "缺少 SiteName", {"missing": ["SiteName"]}) for n in range(4)]
    made.append(_finding(4, "缺少 SiteName、SiteDomain", {"missing": ["SiteName", "SiteDomain"]}))
    made.append(_finding(5, "缺少 SiteName", {"missing": ["SiteName"], "pages": 1}))
    store.replace_findings(run.id, made)

    loaded = store.findings(run.id)
    assert [f.as_json() for f in loaded] == [f.as_json() for f in made]
    same = loaded[:4]
    assert all(f.message is same[0].message and f.evidence is same[0].evidence for f in same)
    assert all(f.department is same[0].department and f.first_seen is same[0].first_seen for f in loaded)
    assert same[0].occurrences is same[2].occurrences and same[0].occurrences is not same[1].occurrences
    assert loaded[4].message is not same[0].message and loaded[4].evidence is not same[0].evidence
    assert loaded[5].evidence is not same[0].evidence and loaded[5].evidence == {"missing": ["SiteName"], "pages": 1}
    # the lifecycle rebinds attributes of one finding: the others keep theirs
    same[0].status = "open"
    assert [f.status for f in same] == ["open", "new", "new", "new"]
    # read as they come (the lifecycle's pass over the previous night): the same findings, sharing alike
    stream = store.iter_findings(run.id)
    first = next(stream)
    assert first.as_json() == made[0].as_json()
    rest = list(stream)
    assert [f.as_json() for f in rest] == [f.as_json() for f in made[1:]] and rest[0].evidence is first.evidence
    store.close()


def test_the_pool_keeps_types_apart_and_forgets_the_least_recently_used():
    pool = ValuePool(limit=3)
    assert pool.share(1) == 1 and pool.share(True) is True  # 1 == True in Python: not one value here
    often = "".join(["常", "用"])
    assert pool.share(often) is often and len(pool) == 3
    assert pool.share(1) == 1  # used again: 1 is now the most recent, True the least
    late = "".join(["晚", "到"])
    assert pool.share(late) is late and len(pool) == 3  # full: True is forgotten, not the late value
    assert pool.share("".join(["晚", "到"])) is late and pool.share("".join(["常", "用"])) is often
    again = True
    assert pool.share(again) is again and len(pool) == 3
    assert pool.share(None) is None and len(pool) == 3


def test_values_that_keep_coming_stay_shared_after_a_run_of_one_off_values():
    """The order a night's findings come back in: other checks' one-off evidence first, then a template's."""
    pool = ValuePool(limit=8)
    for n in range(100):
        pool.share({"document": n}, key=f"d{n}")
    template = [pool.share({"missing": ["SiteName"]}, key="m") for _ in range(50)]
    assert all(evidence is template[0] for evidence in template)
