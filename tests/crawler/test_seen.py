"""The crawl's seen-set: set semantics for URLs, without keeping the URL strings."""

from __future__ import annotations

import tracemalloc

from crawler.seen import SeenUrls

BASE = "http://127.0.0.1:8480/zwgk/zfxxgk/fdzdgknr/czxx/202311/"


def test_it_answers_like_a_set_of_the_urls():
    seen = SeenUrls([BASE + "t1.html"])
    seen.add(BASE + "t2.html")
    seen.update(BASE + f"P0{n}.pdf" for n in range(3))
    for url in (BASE + "t1.html", BASE + "t2.html", BASE + "P00.pdf", BASE + "P02.pdf"):
        assert url in seen
    # look-alikes: one character, case, a trailing slash, a query, the same text as bytes
    for url in (BASE + "t3.html", BASE + "T1.html", BASE + "t1.html/", BASE + "t1.html?a=1", BASE + "P03.pdf",
                (BASE + "t1.html").encode()):
        assert url not in seen
    assert len(seen) == 5
    seen.add(BASE + "t1.html")
    assert len(seen) == 5


def test_a_url_costs_less_than_half_of_a_set_of_strings():
    # ~80 characters, as a portal's files are; past 50,000 a set's table grows by 2x, not 4x, as at scale
    urls = [f"{BASE}P020231101{n:08d}.pdf" for n in range(60_000)]

    def cost(make) -> float:
        tracemalloc.start()
        before = tracemalloc.get_traced_memory()[0]
        copies = [u.encode().decode() for u in urls]  # strings only the structure will hold
        held = make(copies)
        del copies
        size = tracemalloc.get_traced_memory()[0] - before
        tracemalloc.stop()
        assert len(held) == len(urls)
        return size / len(urls)

    strings = cost(set)
    fingerprints = cost(SeenUrls)
    assert fingerprints < strings / 2, (fingerprints, strings)
