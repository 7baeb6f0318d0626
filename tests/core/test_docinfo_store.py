"""The validity fields added to DocInfo survive the store: dates come back as ``date``."""

from datetime import date

from govcrawl.model import DocInfo, PageFacts, RunInfo
from govcrawl.store import Store


def test_validity_fields_round_trip(store_at):
    run = RunInfo(id="s.1", site="s", started="2023-11-01T02:00:00+08:00", today=date(2023, 11, 1))
    doc = DocInfo(
        doc_number="兴司规发〔2021〕1号", validity="有效", valid_until=date(2023, 6, 30),
        effective_from=date(2021, 7, 1), validity_years=2, status_label="现行有效",
        validity_source="施行日期+有效期", provisional=True, validity_statement="本办法自2021年7月1日起试行，试行期2年。",
    )
    page = PageFacts(url="http://x.cn/a.html", status=200, content_type="text/html", doc=doc)
    bare = PageFacts(url="http://x.cn/b.html", status=200, content_type="text/html", doc=DocInfo(index_no="1"))
    with Store(store_at) as store:
        store.begin_run(run)
        store.add_pages(run.id, [page, bare])
    with Store(store_at, create=False) as store:
        pages = list(store.pages(run.id))
    assert pages[0] == page and isinstance(pages[0].doc.effective_from, date)
    assert pages[1].doc.effective_from is None and pages[1].doc.provisional is False
