"""Micro-benchmark of ``crawler.extract.page.extract_html`` over the real fixture pages.

Why: extraction runs on every page of 100k-page portals; the budget is about
1–1.5 ms for a typical 20 KB page on one core. Run from the project folder:

    .venv/bin/python bench/extract_bench.py [-n REPEAT] [--profile]

For each fixture it prints ms/page:

- ``warm``: URL caches filled, as on the second and later pages of a crawl (the
  template's links repeat on every page of a site);
- ``cold``: URL caches emptied before every page, the worst case;
- ``parse``: the lxml parse alone, the floor no Python code can go under.

Times are CPU time of this process (``time.process_time``), best of three rounds,
so that other work on a shared machine inflates them as little as possible.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from lxml import etree  # noqa: E402

from crawler import urls  # noqa: E402
from crawler.extract import links  # noqa: E402
from crawler.extract.encoding import decode_html  # noqa: E402
from crawler.extract.page import extract_html  # noqa: E402
from govcrawl.model import PageFacts  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures" / "real-gov-pages"
PAGE_URL = "http://www.example.gov.cn/zwgk/tzgg/202310/t20231009_123.html"


def _pages() -> list[tuple[str, bytes]]:
    return [(path.name, path.read_bytes()) for path in sorted(FIXTURES.glob("*.html"))]


def _clear_url_caches() -> None:
    urls.normalise.cache_clear()
    links._resolve_cached.cache_clear()


def _run_once(body: bytes, cold: bool = False) -> None:
    if cold:
        _clear_url_caches()
    page = PageFacts(url=PAGE_URL, status=200, final_url=PAGE_URL, content_type="text/html")
    extract_html(page, body, "text/html")


def _best_ms(body: bytes, repeat: int, cold: bool, rounds: int = 3) -> float:
    best = float("inf")
    for _ in range(rounds):
        start = time.process_time()
        for _ in range(repeat):
            _run_once(body, cold)
        best = min(best, (time.process_time() - start) / repeat * 1000)
    return best


def _parse_ms(body: bytes, repeat: int, rounds: int = 3) -> float:
    parser = etree.HTMLParser(recover=True, no_network=True, collect_ids=False, default_doctype=False)
    text = decode_html(body, "text/html").text
    best = float("inf")
    for _ in range(rounds):
        start = time.process_time()
        for _ in range(repeat):
            etree.fromstring(text, parser)
        best = min(best, (time.process_time() - start) / repeat * 1000)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--repeat", type=int, default=200, help="extractions per page per round")
    parser.add_argument("--profile", action="store_true", help="print the top functions by own time")
    args = parser.parse_args()
    pages = _pages()
    if args.profile:
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(args.repeat):
            for _, body in pages:
                _run_once(body)
        profiler.disable()
        pstats.Stats(profiler).sort_stats("tottime").print_stats(20)
        return
    totals = {"warm": 0.0, "cold": 0.0, "parse": 0.0}
    total_kb = 0.0
    print(f"{'page':56} {'KB':>5} {'warm':>7} {'cold':>7} {'parse':>7}  (ms/page)")
    for name, body in pages:
        _run_once(body)  # fill the caches once
        row = {
            "warm": _best_ms(body, args.repeat, cold=False),
            "cold": _best_ms(body, max(args.repeat // 4, 10), cold=True),
            "parse": _parse_ms(body, args.repeat),
        }
        for key, value in row.items():
            totals[key] += value
        total_kb += len(body) / 1024
        print(f"{name:56} {len(body) / 1024:5.1f} {row['warm']:7.3f} {row['cold']:7.3f} {row['parse']:7.3f}")
    count = len(pages)
    mean = {key: value / count for key, value in totals.items()}
    print(f"{'mean':56} {total_kb / count:5.1f} {mean['warm']:7.3f} {mean['cold']:7.3f} {mean['parse']:7.3f}")
    per_20kb = {key: value / total_kb * 20 for key, value in totals.items()}
    print(
        f"per 20 KB: warm {per_20kb['warm']:.3f} ms, cold {per_20kb['cold']:.3f} ms, parse {per_20kb['parse']:.3f} ms"
    )


if __name__ == "__main__":
    main()
