"""backdated-post: new items with old dates, changed dates, and the look-alikes that are not."""

from datetime import date

from checks.backdated_post import CHECK
from checks.registry import run_checks
from govcrawl.facts import SiteFacts
from govcrawl.model import ListItem
from tests.checks.conftest import RULES, H, page

NIGHT = date(2023, 11, 1)


def lst(path, *items, **kw):
    return page(path, list_items=[ListItem(H + u, "标题", d) for u, d in items], column="通知公告", **kw)


def run(tonight, last_night, *, first_run=False):
    site = SiteFacts.build(tonight, homepage=H + "/")
    site.previous = None if first_run else SiteFacts.build(last_night, homepage=H + "/")
    return list(run_checks([CHECK], site, site_id="t", today=NIGHT, departments=RULES,
                           settings={"backdated_days": 7}))


OLD = ("/tzgg/old.html", date(2023, 10, 12))
YESTERDAY = [lst("/tzgg/", OLD, ("/tzgg/changed.html", date(2023, 10, 20))), lst("/", OLD)]
TONIGHT = [
    lst("/tzgg/", ("/tzgg/late.html", date(2023, 9, 15)),  # new tonight, dated 47 days ago
        ("/tzgg/today.html", date(2023, 11, 1)),  # new tonight, dated today: fine
        ("/tzgg/week.html", date(2023, 10, 25)),  # new, exactly 7 days: within the limit
        OLD, ("/tzgg/changed.html", date(2023, 10, 25))),
    lst("/", ("/tzgg/late.html", date(2023, 9, 15)), OLD),
    lst("/new-column/", ("/new-column/a.html", date(2023, 1, 1))),  # a list page not crawled last night
]


def test_new_item_with_an_old_date_and_a_changed_date():
    found = {(f.url.removeprefix(H), f.target.removeprefix(H) if f.target else None): f for f in run(TONIGHT, YESTERDAY)}
    assert set(found) == {("/tzgg/", "/tzgg/late.html"), ("/tzgg/", "/tzgg/changed.html")}
    late = found["/tzgg/", "/tzgg/late.html"]
    assert late.occurrences == [H + "/"] and late.evidence["days_before"] == 47
    assert late.severity == "critical"
    assert found["/tzgg/", "/tzgg/changed.html"].evidence["previous_date"] == "2023-10-20"


def test_nothing_on_a_first_run():
    assert run(TONIGHT, YESTERDAY, first_run=True) == []


def test_unreachable_list_page_last_night_is_not_history():
    yesterday = [lst("/tzgg/", OLD, status=503)]
    assert run(TONIGHT[:1], yesterday) == []


def test_page_date_changed_between_nights():
    before = [page("/a.html", published_on=date(2023, 10, 20)), page("/b.html", published_on=date(2023, 10, 20))]
    after = [page("/a.html", published_on=date(2023, 10, 25)), page("/b.html", published_on=date(2023, 10, 20))]
    found = run(after, before)
    assert [(f.url.removeprefix(H), f.target) for f in found] == [("/a.html", None)]
