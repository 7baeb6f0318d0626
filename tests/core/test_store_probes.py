"""Availability probes in the store: Shanghai days, the 7-day read, pruning, and messages in page facts."""

import sqlite3
from datetime import date

from govcrawl.model import MessageFact, PageFacts, ProbeResult, RunInfo
from govcrawl.store import SCHEMA_VERSION, Store


def probe(at: str, ok: bool = True, url: str = "http://x/", homepage: bool = True) -> ProbeResult:
    return ProbeResult(url, at, ok, "ok" if ok else "timeout", 200 if ok else None, 30, 45, 1234, url,
                       "" if ok else "15 秒内未加载完成", homepage)


def test_probes_are_kept_by_shanghai_day_and_pruned(store_at):
    with Store(store_at) as store:
        store.add_probes([
            probe("2023-10-31T23:50:00+08:00"),
            probe("2023-10-31T16:10:00+00:00", ok=False),  # 00:10 on 11-01 in Shanghai
            probe("2023-11-01T08:00:00+08:00", url="http://x/zwgk/", homepage=False),
            probe("2023-07-01T08:00:00+08:00"),
        ])
        store.add_probes([probe("2023-10-31T23:50:00+08:00", ok=False)])  # two visits in one second: both count
        day = store.probes(date(2023, 11, 1), date(2023, 11, 1))
        assert [(p.at, p.ok, p.homepage) for p in day] == [
            ("2023-10-31T16:10:00+00:00", False, True), ("2023-11-01T08:00:00+08:00", True, False)]
        assert day[0] == probe("2023-10-31T16:10:00+00:00", ok=False)  # every field survives
        assert [p.ok for p in store.probes(date(2023, 10, 31), date(2023, 10, 31))] == [True, False]
        assert len(store.probes(date(2023, 7, 1), date(2023, 11, 1))) == 5
        assert store.prune_probes(date(2023, 10, 1)) == 1
        assert len(store.probes(date(2023, 1, 1), date(2023, 12, 31))) == 4


def test_a_schema_3_store_gains_the_probes_table(tmp_path):
    path = tmp_path / "old.sqlite"
    with Store(path) as store:
        store.db.execute("DROP TABLE probes")
        store.db.execute("UPDATE meta SET value='3' WHERE key='schema'")
    with Store(path) as store:
        store.add_probes([probe("2023-11-01T08:00:00+08:00")])
        assert store.db.execute("SELECT value FROM meta WHERE key='schema'").fetchone()[0] == str(SCHEMA_VERSION)
    assert sqlite3.connect(path).execute("SELECT count(*) FROM probes").fetchone()[0] == 1


def test_messages_round_trip_in_page_facts(store_at):
    message = MessageFact("http://x/m/1.html", "道路破损", date(2023, 6, 20), None, "办理中", False,
                          "兴庆区交通局", "5个工作日", "XQ2023001", "detail")
    listed = MessageFact("", "无链接", date(2023, 7, 1), date(2023, 7, 3), "已回复", True, None, None, None, "list")
    with Store(store_at) as store:
        store.begin_run(RunInfo("s.1", "s", "2023-11-01T02:00:00+08:00", date(2023, 11, 1)))
        store.add_pages("s.1", [PageFacts("http://x/m/1.html", 200, content_type="text/html",
                                          messages=[message, listed])])
        (page,) = store.pages("s.1")
    assert page.messages == [message, listed]
