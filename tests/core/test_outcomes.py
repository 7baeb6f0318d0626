"""``Outcomes`` answers exactly as the dict of ``LinkOutcome`` it replaces, while holding plain answers as codes."""

from __future__ import annotations

import tracemalloc

from govcrawl.model import LinkOutcome, LinkState, PrivacyHit
from govcrawl.outcomes import Outcomes

H = "http://x.gov.cn"


def _plain(url: str, state: LinkState = LinkState.OK, status: int | None = 200, method: str = "HEAD") -> LinkOutcome:
    return LinkOutcome(url, state, status, f"HTTP {status}" if status else "连接被拒绝", None, True, method)


def _fields(outcome: LinkOutcome) -> tuple:
    return (outcome.url, outcome.state, outcome.http_status, outcome.reason, outcome.final_url, outcome.internal,
            outcome.method, outcome.title, list(outcome.terms), list(outcome.privacy), outcome.validator)


def test_every_answer_reads_back_as_it_was_added():
    answers = [
        _plain(H + "/a.html", method="PAGE"),
        _plain(H + "/b.pdf"),
        _plain(H + "/c.doc", LinkState.BROKEN, 404),
        _plain(H + "/d.jpg", LinkState.BROKEN, None),
        LinkOutcome(H + "/e.html", LinkState.OK, 200, "HTTP 200", H + "/e2.html", True, "PAGE"),  # redirected
        LinkOutcome("http://other.cn/", LinkState.OK, 200, "HTTP 200", None, False, "GET", title="某网站",
                    terms=["博彩"]),
        LinkOutcome(H + "/f.xls", LinkState.OK, 200, "HTTP 200", None, True, "GET",
                    privacy=[PrivacyHit("id", "110***********1234", "ab")], validator='"e"|x|9'),
        LinkOutcome(H + "/g.html", LinkState.EXCLUDED, None, "robots.txt 禁止抓取", None, True, None),
    ]
    outcomes = Outcomes(sorted(answers, key=lambda o: o.url))
    assert len(outcomes) == len(answers)
    assert list(outcomes) == sorted(o.url for o in answers)  # URL order, plain and rich merged
    for answer in answers:
        assert answer.url in outcomes
        assert _fields(outcomes[answer.url]) == _fields(answer)
        assert outcomes.state(answer.url) is answer.state
    assert H + "/zzz.html" not in outcomes and outcomes.get(H + "/zzz.html") is None
    assert outcomes.state(H + "/zzz.html") is None
    # only answers that carry more than their kind are kept as objects, and only they are "rich"
    assert [o.url for o in outcomes.rich_answers()] == ["http://other.cn/", H + "/e.html", H + "/f.xls"]
    assert outcomes.rich(H + "/b.pdf") is None and outcomes.rich("http://other.cn/").terms == ["博彩"]
    assert "3 rich" in repr(outcomes) and "5 plain in 5 kinds" in repr(outcomes)


def test_a_later_answer_replaces_an_earlier_one_of_either_form():
    """A re-check run's answers are laid over its base run's (Store.outcomes)."""
    outcomes = Outcomes([_plain(H + "/a.html"), LinkOutcome(H + "/b.html", LinkState.OK, 200, "HTTP 200",
                                                            H + "/b2.html", True, "PAGE")])
    outcomes.add(LinkOutcome(H + "/a.html", LinkState.OK, 200, "HTTP 200", H + "/a2.html", True, "PAGE"))
    outcomes.add(_plain(H + "/b.html", LinkState.BROKEN, 404))
    assert len(outcomes) == 2
    assert outcomes[H + "/a.html"].final_url == H + "/a2.html" and outcomes.rich(H + "/a.html") is not None
    assert outcomes[H + "/b.html"].state is LinkState.BROKEN and outcomes.rich(H + "/b.html") is None


def test_plain_answers_cost_no_object_each():
    urls = [f"{H}/files/{i}.pdf" for i in range(20_000)]
    answers = [_plain(url) for url in urls]
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    outcomes = Outcomes(answers)
    held = tracemalloc.get_traced_memory()[0] - before
    tracemalloc.stop()
    # a dict entry per URL (the URL strings already exist); a LinkOutcome each would add ~120 bytes more
    assert held / len(urls) < 80, held / len(urls)
    assert outcomes[urls[7]].url == urls[7]
