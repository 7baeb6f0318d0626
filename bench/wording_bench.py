"""Micro-benchmark of the ``wording`` check: per-page cost with a 10,000-rule book.

Why: the check runs on every page of 100k-page portals and the rule book grows with every reform
and every site's additions; issue 9 asks that matching a 10,000-rule book costs under 1 ms for a
typical 10 KB page. Run from the project folder:

    .venv/bin/python bench/wording_bench.py [--rules 10000] [-n 300] [--seed 9]

What it does:

* generates a rule book of ``--rules`` rules (deterministic, ``--seed``) in the shipped YAML format
  and loads it through the real path (``checks.wording_rules.load_book``: pydantic validation,
  merge, one Aho-Corasick automaton). Wrong forms are 2–6 characters drawn from the character
  characters of real government pages (non-words, like real wrong forms), so the automaton does real partial-match work; a third of
  the rules carry dates and context patterns (the plan-period patterns of the shipped book), many
  carry ``not_within`` words, and 40 rules are built from words of the page itself so that every
  page has real hits to judge (about as many as a bad real page);
* the pages: a real 10.8 KB (UTF-8) State Council document page from
  ``tests/fixtures/real-gov-pages`` as extracted by the crawler (the typical page), and a
  10,000-character page (about 30 KB) of real page text (the long page);
* times ``checks.wording.page_hits`` (scan + every exclusion + context patterns + evidence) and
  ``Book.scan`` alone, per page, CPU time of this process (``time.process_time``), best of 5
  rounds of ``-n`` pages each; and the same with the shipped book alone, for scale.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections import Counter
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import yaml  # noqa: E402

from checks.wording import page_hits  # noqa: E402
from checks.wording_rules import Book, load_book  # noqa: E402
from crawler.extract.page import extract_html  # noqa: E402
from govcrawl.model import PageFacts  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures" / "real-gov-pages"
TYPICAL = "govcn-2018-guobanfa-115-normative-review.fragment.html"
PAGE_URL = "http://www.example.gov.cn/zwgk/zcwj/202310/t20231009_1.html"
TODAY = date(2023, 11, 1)

PLAN_ONLY_WHEN = [
    "(?:实施|落实|推进|推动|贯彻|执行|编制|制定|谋划)好?[“\"‘「]?{m}",
    "{m}[”\"’」]?(?:规划|时期|期间|阶段)?(?:的|是)?(?:开局|起步|关键|攻坚|决胜|收官|承上启下)",
    "(?:当前|目前|现阶段|今年|明年|本年度|正处于|正处在|进入|迈入|面向)[^。！？；]{0,8}{m}",
]
PLAN_NOT_WHEN = ["(?:以来|回顾|回望|总结|过去|此前|以前|期间共|累计|完成了|已完成|已经|取得了?|实现了|成就|成效)"]
BODY_NOT_WHEN = ["原[“\"]?{m}", "(?:组建|整合|不再保留|撤销|更名|机构改革|划入|划转|前身|合并|并入|挂牌|揭牌)",
                 "{m}(?:令|公告|通告)"]


def extracted(body: bytes) -> PageFacts:
    page = PageFacts(url=PAGE_URL, status=200, final_url=PAGE_URL, content_type="text/html")
    extract_html(page, body, "text/html")
    return page


def real_pages() -> tuple[PageFacts, PageFacts, str]:
    """The typical page, a 10,000-character page, and all fixture text (for character frequencies)."""
    typical = extracted((FIXTURES / TYPICAL).read_bytes())
    texts = [extracted(path.read_bytes()).text for path in sorted(FIXTURES.glob("*.html"))]
    corpus = " ".join(texts)
    long_text = (corpus * (10_000 // len(corpus) + 1))[:10_000]
    long_page = PageFacts(url=PAGE_URL, status=200, final_url=PAGE_URL, content_type="text/html",
                          text=long_text, published_on=typical.published_on, doc=typical.doc)
    return typical, long_page, corpus


def planted_words(page_text: str, count: int, frequent: bool, rng: random.Random) -> list[str]:
    """Words of the page to use as wrong forms: ``count`` of them occurring once or twice
    (a page with a few real errors), or the ``count`` most frequent ones (a stress test)."""
    seen: Counter[str] = Counter()
    for size in (2, 3, 4):
        for i in range(len(page_text) - size + 1):
            word = page_text[i:i + size]
            if all("\u4e00" <= ch <= "\u9fff" for ch in word):
                seen[word] += 1
    if frequent:
        return [w for w, _ in seen.most_common(count)]
    rare = sorted(w for w, n in seen.items() if n <= 2 and len(w) >= 3)
    rng.shuffle(rare)
    return rare[:count]


def generate_book(count: int, corpus: str, planted: list[str], seed: int) -> str:
    """A rule book of ``count`` rules in the shipped format, as YAML text; ``planted`` come first."""
    rng = random.Random(seed)
    # Real wrong forms are non-words (按装, 布署, 国家工商总局 is a name no current page needs), so they
    # are drawn uniformly from the characters real pages use, not by their frequency (which would
    # make most 2-character keys ordinary words that every page contains).
    chars = sorted({ch for ch in corpus if "\u4e00" <= ch <= "\u9fff"})
    planted = list(planted)
    seen: set[str] = set()
    rules = []
    i = 0
    while len(rules) < count:
        i += 1
        wrong = planted.pop(0) if planted else "".join(rng.choices(chars, k=rng.choice((2, 3, 3, 4, 4, 5, 6))))
        if wrong in seen:
            continue
        seen.add(wrong)
        shape = i % 3
        rule = {"id": f"{('typo', 'outdated', 'body')[shape]}:{wrong}", "kind": "typo" if shape == 0 else "outdated",
                "wrong": [wrong], "source": f"基准测试生成规则 #{i}", "severity": "major"}
        if shape == 0:
            rule["right"] = wrong[::-1] if wrong[::-1] != wrong else wrong + "正"
        if rng.random() < 0.5:
            rule["not_within"] = [wrong + rng.choice(chars), rng.choice(chars) + wrong]
        if shape == 1:  # dated, with the plan-period context patterns (only_when and not_when)
            rule |= {"valid_from": "2018-01-01", "only_when": PLAN_ONLY_WHEN + [".?"], "not_when": PLAN_NOT_WHEN}
        elif shape == 2:  # dated, with the superseded-body context patterns
            rule |= {"valid_from": "2018-04-10", "not_when": BODY_NOT_WHEN}
        rules.append(rule)
    data = {"schema": "govcrawl.wording/1", "version": f"bench-{count}", "updated": "2026-11-26",
            "archive_columns": ["历史", "档案", "往期", "回顾"], "rules": rules}
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def per_page_us(func, page: PageFacts, repeat: int, rounds: int = 5) -> float:
    best = float("inf")
    for _ in range(rounds):
        start = time.process_time()
        for _ in range(repeat):
            func(page)
        best = min(best, (time.process_time() - start) / repeat)
    return best * 1e6


def measure(book: Book, label: str, pages: list[tuple[str, PageFacts]], repeat: int) -> None:
    for name, page in pages:
        hits = page_hits(book, page, TODAY)
        occurrences = sum(len(v) for v in book.scan(page.text).wrong.values())
        full = per_page_us(lambda p: page_hits(book, p, TODAY), page, repeat)
        scan = per_page_us(lambda p: book.scan(p.text), page, repeat)
        print(f"{label:<26} {name:<9} {len(page.text):>6} {len(page.text.encode()):>7} "
              f"{occurrences:>6} {len(hits):>5} {scan:>8.0f} {full:>9.0f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rules", type=int, default=10_000)
    parser.add_argument("-n", "--repeat", type=int, default=300)
    parser.add_argument("--seed", type=int, default=9)
    args = parser.parse_args()

    typical, long_page, corpus = real_pages()
    pages = [("typical", typical), ("long", long_page)]
    rng = random.Random(args.seed)
    books = [
        ("clean (no page word)", []),
        ("realistic (10 page words)", planted_words(typical.text, 10, frequent=False, rng=rng)),
        ("stress (40 frequent words)", planted_words(typical.text, 40, frequent=True, rng=rng)),
    ]
    print(f"typical page: {TYPICAL} ({len(typical.text)} characters, {len(typical.text.encode())} bytes"
          f" UTF-8); long page: {len(long_page.text)} characters of real page text")
    print(f"CPU µs per page, best of 5 rounds of {args.repeat} pages; occ = wrong-form occurrences judged")
    print(f"{'book':<26} {'page':<9} {'chars':>6} {'bytes':>7} {'occ':>6} {'hits':>5} {'scan µs':>8} {'check µs':>9}")
    for label, planted in books:
        text = generate_book(args.rules, corpus, planted, args.seed)
        start = time.process_time()
        book = load_book({}, f"bench-{label}", shipped=text)
        built = time.process_time() - start
        measure(book, f"{len(book.rules)} rules, {label.split()[0]}", pages, args.repeat)
        print(f"{'':<26} built once per run: {built * 1000:.0f} ms CPU, {len(book.automaton)} keys")
    shipped = load_book({}, "bench")
    measure(shipped, f"shipped book, {len(shipped.rules)} rules", pages, args.repeat)


if __name__ == "__main__":
    main()
