"""Reading crawler/demo/expected.yaml: which planted findings a demo run must produce.

An entry names the keys to compare in ``match`` (default: check, department,
url, target); ``url_aliases`` lists other URLs of the same page. An entry with
``on_template: true`` expects a template finding (a11y, elder-friendly) that
shows the problem on that page: the page may be the finding's url or one of
its occurrences, since which page of the template names the finding is a
presentation choice.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from crawler.demo import DEMO_EXPECTED

DEFAULT_MATCH = ("check", "department", "url", "target")


def entries(kind: str, checks: set[str], *, all_nights: bool = False) -> list[dict]:
    """``expected`` or ``not_expected`` entries of the given checks (one night only, unless ``all_nights``)."""
    data = yaml.safe_load(Path(DEMO_EXPECTED).read_text(encoding="utf-8"))
    return [e for e in data[kind] if e["check"] in checks and (all_nights or e.get("nights", 1) == 1)]


def matches(entry: dict, finding: dict, fill) -> bool:
    """Does a finding (findings.json shape) satisfy an expected entry on its match keys?"""
    if finding["check"] != entry["check"]:
        return False
    for key in entry.get("match") or DEFAULT_MATCH:
        if key == "url":
            urls = {fill(u) for u in [entry["url"], *(entry.get("url_aliases") or [])]}
            shown = {finding["url"]}
            if entry.get("on_template"):
                if not finding["evidence"].get("template_pages"):
                    return False
                shown |= set(finding.get("occurrences") or ())
            if not urls & shown:
                return False
        elif key == "target":
            if finding["target"] != fill(entry.get("target")):
                return False
        elif finding.get(key) != entry.get(key):
            return False
    return True


def look_alike_hit(entry: dict, finding: dict, fill) -> bool:
    """Does a finding flag what a ``not_expected`` entry says must not be flagged?"""
    if finding["check"] != entry["check"]:
        return False
    target = fill(entry.get("target"))
    if target is not None and finding["target"] != target:
        return False
    if target is not None and target.startswith(("http://", "https://")):
        return True  # a link target must not be flagged from any page
    urls = {fill(u) for u in [entry["url"], *(entry.get("url_aliases") or [])]}
    # A template finding shows the problem on every page it lists, not only on its url.
    return bool(urls & {finding["url"], *(finding.get("occurrences") or ())})
