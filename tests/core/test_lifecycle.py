"""Finding lifecycle: new, open, reopened, fixed — and never fixed when the page was not re-checked."""

from datetime import date

from govcrawl.lifecycle import apply, days_open
from govcrawl.model import Finding, Severity

H = "http://www.xq.gov.cn"


def f(fid, url="/a.html", **kw):
    return Finding(fid, "broken-link", Severity.MAJOR, "政府办", H + url, None, None, "链接失效。", **kw)


def test_first_run_everything_is_new():
    life = apply([f("x"), f("y")], date(2023, 11, 1), None, set())
    assert [(x.status, x.first_seen, x.last_seen) for x in life.findings] == [("new", "2023-11-01", "2023-11-01")] * 2
    assert life.fixed == []


def test_open_keeps_first_seen_fixed_needs_a_rechecked_page():
    previous = [f("kept", first_seen="2023-10-20", last_seen="2023-10-31", status="open"),
                f("gone", "/b.html", first_seen="2023-10-30", last_seen="2023-10-31", status="new"),
                f("unreached", "/c.html", first_seen="2023-10-29", last_seen="2023-10-31", status="open")]
    tonight = [f("kept"), f("fresh", "/d.html")]
    life = apply(tonight, date(2023, 11, 1), previous, {H + "/a.html", H + "/b.html", H + "/d.html"})
    by_id = {x.id: x for x in life.findings}
    assert (by_id["kept"].status, by_id["kept"].first_seen, by_id["kept"].last_seen) == ("open", "2023-10-20", "2023-11-01")
    assert days_open(by_id["kept"], date(2023, 11, 1)) == 12
    assert by_id["fresh"].status == "new"
    # /c.html was not reached tonight: its finding stays open, marked as not re-checked, last seen unchanged.
    assert (by_id["unreached"].status, by_id["unreached"].rechecked, by_id["unreached"].last_seen) == (
        "open", False, "2023-10-31")
    assert [x.id for x in life.fixed] == ["gone"] and life.fixed[0].status == "fixed"
    assert by_id["unreached"].as_json()["rechecked"] is False and "rechecked" not in by_id["kept"].as_json()


def test_reopened_when_fixed_in_an_earlier_run():
    life = apply([f("back")], date(2023, 11, 1), [], {H + "/a.html"}, {"back": "2023-09-01"})
    assert (life.findings[0].status, life.findings[0].first_seen) == ("reopened", "2023-09-01")


def test_lifecycle_survives_the_json_round_trip():
    life = apply([f("x")], date(2023, 11, 1), None, set())
    again = Finding.from_json(life.findings[0].as_json())
    assert (again.status, again.first_seen, again.last_seen, again.rechecked) == ("new", "2023-11-01", "2023-11-01", True)


def test_previous_is_read_once_as_it_comes_and_tonight_is_emptied_in_order():
    """The previous night arrives row by row from the store (Store.iter_findings): one pass must do."""
    read = []

    def previous():  # a one-pass stream, like a cursor
        for finding in [f("kept", first_seen="2023-10-20", status="open"), f("gone", "/b.html", first_seen="2023-10-30"),
                        f("unreached", "/c.html", first_seen="2023-10-29")]:
            read.append(finding.id)
            yield finding

    tonight = [f("fresh", "/d.html"), f("kept"), f("back", "/e.html")]
    life = apply(tonight, date(2023, 11, 1), previous(), {H + "/a.html", H + "/b.html"}, {"back": "2023-09-01"})
    assert read == ["kept", "gone", "unreached"]
    assert tonight == []  # each finding left the list as its annotated copy was made
    assert [(x.id, x.status, x.first_seen) for x in life.findings] == [
        ("fresh", "new", "2023-11-01"), ("kept", "open", "2023-10-20"), ("back", "reopened", "2023-09-01"),
        ("unreached", "open", "2023-10-29")]  # tonight's in their order, then the carried-over ones
    assert [(x.id, x.status) for x in life.fixed] == [("gone", "fixed")]


def test_a_previous_finding_without_a_first_night_counts_from_tonight():
    life = apply([f("kept")], date(2023, 11, 1), iter([f("kept")]), set())
    assert (life.findings[0].status, life.findings[0].first_seen) == ("open", "2023-11-01")
