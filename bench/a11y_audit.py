"""govcrawl on the GOV.UK accessibility tool audit (142 deliberate failures, one per test page).

The audit is https://github.com/alphagov/accessibility-tool-audit. This script fetches
nothing: clone it yourself and pass the path of the copy::

    git clone https://github.com/alphagov/accessibility-tool-audit /tmp/accessibility-tool-audit
    .venv/bin/python bench/a11y_audit.py /tmp/accessibility-tool-audit [--json out.json]

What runs: the copy is served by ``http.server`` on 127.0.0.1 (a thread of this
process). For every page below, govcrawl's static pass (``extract_html`` on the served
bytes) and its browser pass (``BrowserPool`` with the *default* ``Accessibility``
settings: axe-core with the tags wcag2a/wcag2aa/wcag21a/wcag21aa, plus govcrawl's own
rendered rules) run; the page's rule ids are the union of static, axe and browser
rule ids. "govcrawl on its own" is exactly that: the default configuration and the
rules govcrawl ships; ``--best-practice`` adds axe's best-practice tag, reported
separately and never counted in the headline score. Chromium gets
``--host-resolver-rules`` that resolve nothing but 127.0.0.1 and a dead proxy, so a
test page that embeds a remote video or opens a remote window causes no traffic.

Counting (the clean-page rule). The audit's test pages are all generated from one
template (``build/templates/single-test.html``: a ``<title>`` and ``<h1>`` carrying the
test name, the shared scripts and stylesheet, and the example snippet from
``tests.json`` as the only content of ``<main>``). For each test the clean page of the
same template is *that test page with its snippet removed*: the served bytes with the
snippet (as ``build/generate.js`` put it into the page) deleted from ``<main>``,
everything else byte-identical, served next to it as ``tests/<name>.clean.html`` so
relative URLs resolve the same. A failure counts as found when at least one rule id
fires on the test page and not on its clean page.

Ten tests put their failure on a separate page that the snippet only links to
(``example-pages/*.html``: missing ``lang``, empty title, keyboard trap …). There the
failure's own page is the linked page and the clean page is ``example-pages/demo.html``
(the repository's plain sandbox page: ``lang``, a title, an ``h1``, a paragraph). Because
one such page carries several failures at once (``empty.html`` has an empty ``lang`` *and*
an empty title), a rule only counts there when it is about the test's category (the
repository's grouping): language rules for "Language of content", title rules for
"Page Title", heading rules for "Headings", keyboard rules for "Keyboard Access",
structure rules for "Content" (``RELEVANT`` below). That is stricter than the
template rule, never looser.

Output: per category (the repository's categories in ``tests.json`` order) found/total,
the total, the published tools' counts from ``analysis.json`` (``error`` +
``error_paid`` + ``warning``, the "barriers found" column of the audit), and the browser
pass's pages/s with 1 and 2 workers over all pages (browser start-up excluded: one
warm-up page per worker). ``--json PATH`` writes per-test results (rule ids on the
failure and clean page, the ids that counted) to PATH; nothing is written by default.
"""

from __future__ import annotations

import argparse
import functools
import io
import json
import re
import sys
import threading
import time
from collections import defaultdict
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import crawler.browser as browser_module  # noqa: E402
from crawler.browser import BrowserPool  # noqa: E402
from crawler.extract.page import extract_html  # noqa: E402
from govcrawl.config import Accessibility  # noqa: E402
from govcrawl.model import PageFacts  # noqa: E402

CLEAN_EXAMPLE_PAGE = "example-pages/demo.html"
PAGE_TIMEOUT = 20.0
# Rule ids that are about a category's subject, for failures on shared example pages only.
RELEVANT = {
    "Language of content": {"html-has-lang", "html-lang-valid", "html-lang-mismatch", "valid-lang",
                            "html-xml-lang-mismatch"},
    "Page Title": {"document-title", "document-title-placeholder"},
    "Headings": {"page-has-heading-one", "empty-heading", "heading-order"},
    "Keyboard Access": {"keyboard-trap", "focus-order", "focus-visible", "click-no-keyboard"},
    "Content": {"page-has-heading-one", "heading-order"},
}
# Chromium resolves nothing but loopback and sends anything else to a closed port.
NO_NETWORK_FLAGS = (
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
    "--proxy-server=http://127.0.0.1:9",
)


def _filename(category: str, test: str) -> str:
    """``getFilename`` of build/generate.js, with JavaScript's first-match-only ``replace``."""
    name = "-".join([category.lower(), test.lower()])
    name = re.sub(r"[^a-z0-9\- ]", "", name, count=1)
    name = name.replace("/", " ", 1).replace(":", "-", 1)
    name = re.sub(r"\s+", "-", name)
    return re.sub(r"-+", "-", name)


def _example(example: str) -> str:
    """``processExample`` of build/generate.js (first-match-only replacements)."""
    if "images" in example:
        example = example.replace("images/", "../assets/test_images/", 1)
    if "example-pages" in example:
        example = example.replace("example-pages/", "../example-pages/", 1)
    return example


_LINK_ONLY = re.compile(r'^\s*(?:<p>)?\s*<a href="\.\./(example-pages/[\w-]+\.html)">[^<]*</a>\s*(?:</p>)?\s*$')


def load_tests(repo: Path) -> list[dict]:
    tests = []
    for category, entries in json.loads((repo / "tests.json").read_text(encoding="utf-8")).items():
        for name, entry in entries.items():
            example = _example(entry["example"])
            page = f"tests/{_filename(category, name)}.html"
            if not (repo / page).is_file():
                raise SystemExit(f"{page} missing: is {repo} an extracted accessibility-tool-audit?")
            linked = _LINK_ONLY.match(example)
            tests.append({"category": category, "name": name, "page": page, "example": example,
                          "linked": linked.group(1) if linked else None, "published": entry["results"]})
    return tests


def clean_bytes(repo: Path, test: dict) -> bytes:
    """The test page with its snippet removed from ``<main>`` (the clean page of the template)."""
    html = (repo / test["page"]).read_text(encoding="utf-8")
    start = html.index("<main>") + len("<main>")
    end = html.rindex("</main>")
    inner = html[start:end]
    if inner.strip() != test["example"].strip():
        raise SystemExit(f"{test['page']}: <main> is not the tests.json snippet; cannot build its clean page")
    return (html[:start] + "\n  " + html[end:]).encode("utf-8")


class _Handler(SimpleHTTPRequestHandler):
    clean: dict[str, bytes] = {}

    def log_message(self, *args):
        pass

    def send_head(self):
        body = self.clean.get(self.path)
        if body is None:
            return super().send_head()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)


def static_rules(repo: Path, base: str, path: str, clean: dict[str, bytes]) -> set[str]:
    body = clean.get("/" + path) or (repo / path).read_bytes()
    page = PageFacts(url=f"{base}/{path}", status=200, final_url=f"{base}/{path}", content_type="text/html")
    extract_html(page, body, "text/html; charset=utf-8")
    return {node.rule for node in page.a11y}


def browser_rules(base: str, paths: list[str], settings: Accessibility) -> tuple[dict[str, set], dict, float]:
    urls = [f"{base}/{p}" for p in paths]
    out: dict[str, set] = {}
    statuses: dict[str, str] = {}
    with BrowserPool(settings) as pool:
        list(pool.audit(urls[:settings.workers]))  # start the browsers
        started = time.monotonic()
        for audit in pool.audit(urls):
            path = audit.url[len(base) + 1:]
            out[path] = {node.rule for node in audit.nodes}
            statuses[path] = audit.status
        elapsed = time.monotonic() - started
    return out, statuses, len(urls) / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("repo", type=Path, help="an extracted copy of alphagov/accessibility-tool-audit")
    parser.add_argument("--json", type=Path, help="write per-test results here")
    parser.add_argument("--best-practice", action="store_true", help="also run axe's best-practice rules")
    parser.add_argument("--no-timing", action="store_true", help="skip the 1-worker timing run")
    args = parser.parse_args()
    repo = args.repo.resolve()
    tests = load_tests(repo)
    clean = {f"/{t['page'][:-5]}.clean.html": clean_bytes(repo, t) for t in tests}

    pages: list[str] = []
    for test in tests:
        test["failure_page"] = test["linked"] or test["page"]
        test["clean_page"] = CLEAN_EXAMPLE_PAGE if test["linked"] else f"{test['page'][:-5]}.clean.html"
        for path in (test["failure_page"], test["clean_page"]):
            if path not in pages:
                pages.append(path)

    browser_module.CHROMIUM_FLAGS = tuple(browser_module.CHROMIUM_FLAGS) + NO_NETWORK_FLAGS
    _Handler.clean = clean
    handler = functools.partial(_Handler, directory=str(repo))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    run_started = time.monotonic()
    try:
        started = time.monotonic()
        static = {p: static_rules(repo, base, p, clean) for p in pages}
        static_s = time.monotonic() - started
        tags = list(Accessibility().tags) + (["best-practice"] if args.best_practice else [])
        rendered, statuses, rate2 = browser_rules(
            base, pages, Accessibility(workers=2, screenshots=False, page_timeout=PAGE_TIMEOUT, tags=tags))
        rate1 = None
        if not args.no_timing:
            _, _, rate1 = browser_rules(
                base, pages, Accessibility(workers=1, screenshots=False, page_timeout=PAGE_TIMEOUT, tags=tags))
    finally:
        server.shutdown()
        server.server_close()

    per_category: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    rows = []
    for test in tests:
        fail = static[test["failure_page"]] | rendered.get(test["failure_page"], set())
        base_rules = static[test["clean_page"]] | rendered.get(test["clean_page"], set())
        counted = fail - base_rules
        if test["linked"]:
            counted &= RELEVANT.get(test["category"], set())
        found = bool(counted)
        per_category[test["category"]][0] += found
        per_category[test["category"]][1] += 1
        rows.append({"category": test["category"], "test": test["name"], "page": test["failure_page"],
                     "clean_page": test["clean_page"], "found": found, "counted": sorted(counted),
                     "failure_rules": sorted(fail), "clean_rules": sorted(base_rules),
                     "status": statuses.get(test["failure_page"])})

    total = sum(found for found, _ in per_category.values())
    print(f"govcrawl on the GOV.UK accessibility tool audit ({len(tests)} failures, {len(pages)} pages rendered)")
    print(f"axe tags: {', '.join(tags)}")
    print()
    print(f"{'category':<22} found / tests")
    for category, (found, count) in per_category.items():
        print(f"{category:<22} {found:>5} / {count}")
    print(f"{'TOTAL':<22} {total:>5} / {len(tests)} ({total / len(tests):.0%})")
    print()
    analysis = json.loads((repo / "analysis.json").read_text(encoding="utf-8"))
    board = [("govcrawl", total)] + [
        (tool, c["error"] + c["error_paid"] + c["warning"]) for tool, c in analysis["counts"].items()]
    print("tool           found (error + error_paid + warning, as analysis.json counts them)")
    for tool, found in sorted(board, key=lambda item: -item[1]):
        print(f"{tool:<14} {found:>5} ({found / len(tests):.0%})")
    print()
    bad = {p: s for p, s in statuses.items() if s != "ok"}
    print(f"static pass: {len(pages) / static_s:.1f} pages/s; browser pass: "
          f"{rate2:.2f} pages/s with 2 workers" + (f", {rate1:.2f} pages/s with 1 worker" if rate1 else "") +
          f"; pages not ok: {bad or 'none'}; whole run {time.monotonic() - run_started:.0f} s")
    if args.json:
        args.json.write_text(json.dumps(rows, ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
