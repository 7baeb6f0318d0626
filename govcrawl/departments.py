"""Department attribution (contract §2 ``departments``): the one place that decides
who must fix a page.

Rules are tried in order and the first match wins. A rule matches on the URL
path prefix, on the page's publishing body (发布机构 / 来源 / ContentSource
meta), or on both, in which case both must match. Pages no rule matches, and
the shared template, belong to the site ``owner``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urlsplit

from govcrawl.model import PageFacts

_SPACE = re.compile(r"[\s\u3000\u00a0]+")
_LABEL = re.compile(r"^(来源|信息来源|发布机构|发文机关)[:：]")


# Memoised: a site's pages name the same few publishing bodies, and every finding asks for its page's.
@lru_cache(maxsize=4096)
def normalise_source(value: str) -> str:
    """Compare publishing bodies without whitespace or a leading label."""
    return _LABEL.sub("", _SPACE.sub("", value))


@dataclass(frozen=True, slots=True)
class DepartmentRule:
    name: str
    path_prefix: str | None = None
    sources: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()  # other names of the department, for units named on pages

    def matches(self, path: str, sources: set[str]) -> bool:
        if self.path_prefix is not None and not path.startswith(self.path_prefix):
            return False
        if self.sources and not sources.intersection(self.sources):
            return False
        return True


def page_sources(page: PageFacts | None) -> set[str]:
    """The publishing bodies a page names, normalised."""
    if page is None:
        return set()
    found = []
    if page.doc is not None:
        found += [page.doc.publisher, page.doc.source]
    for key, value in page.meta.items():
        if key.lower() == "contentsource":
            found.append(value)
    return {name for v in found if v and (name := normalise_source(v))}


class DepartmentRules:
    """The ordered rules of one site plus its owner."""

    def __init__(self, owner: str, rules: Iterable[DepartmentRule] = ()):
        self.owner = owner
        self.rules = tuple(
            DepartmentRule(r.name, r.path_prefix, tuple(normalise_source(s) for s in r.sources),
                           tuple(normalise_source(a) for a in r.aliases))
            for r in rules
        )

    @classmethod
    def from_config(cls, owner: str, departments: Iterable) -> DepartmentRules:
        """Build from config ``Department`` objects (anything with name/path_prefix/source[/aliases])."""
        return cls(owner, [DepartmentRule(d.name, d.path_prefix, tuple(d.source), tuple(getattr(d, "aliases", ())))
                           for d in departments])

    def for_unit(self, unit: str | None) -> str | None:
        """The department a unit named on a page is (回复单位 / 承办单位 of a public message), or None.

        A unit is the department when it is one of its sources or aliases, or when it
        names the department (兴庆区教育局 names 教育局). The longest name wins, so that
        兴庆区人民政府办公室 is not taken for a department called 人民政府.
        """
        if not unit:
            return None
        unit = normalise_source(unit)
        if not unit:
            return None
        for rule in self.rules:
            if unit in rule.sources or unit in rule.aliases:
                return rule.name
        if unit == self.owner:
            return self.owner
        named = [name for name in self.names() if name and name in unit]
        return max(named, key=len) if named else None

    def names(self) -> list[str]:
        """Every department name, owner first, in config order, without repeats."""
        out = [self.owner]
        for rule in self.rules:
            if rule.name not in out:
                out.append(rule.name)
        return out

    def for_page(self, url: str, page: PageFacts | None = None) -> str:
        path = urlsplit(url).path or "/"
        sources = page_sources(page)
        for rule in self.rules:
            if rule.matches(path, sources):
                return rule.name
        return self.owner
