"""Crawler-trap guards: cheap tests on a normalised URL before a Request is built.

Each guard has a stats key (``govcrawl/trap/<name>``) so a run summary shows
what was cut and why; none of them judges the site, they only bound the crawl.
"""

from __future__ import annotations

import re
from collections import Counter
from urllib.parse import parse_qsl, urlsplit

_DATE_PARAM = re.compile(r"^(y|m|d|yy|yyyy|mm|dd|year|month|day|date|week|cal|calendar|time|riqi|nian|yue)$", re.I)
_YEAR = re.compile(r"(?<!\d)(1[0-9]{3}|2[0-9]{3})(?!\d)")


def repetitive_path(path: str, max_repeats: int = 3) -> bool:
    """True for /a/b/a/b/a/b/... or the same segment many times (relative-link loops)."""
    segments = [s for s in path.split("/") if s]
    if len(segments) < max_repeats + 1:
        return False
    counts = Counter(segments)
    if counts.most_common(1)[0][1] > max_repeats:
        return True
    for width in (2, 3):
        for start in range(0, len(segments) - width * max_repeats + 1):
            chunk = segments[start : start + width]
            if all(segments[start + k * width : start + (k + 1) * width] == chunk for k in range(max_repeats)):
                return True
    return False


class QuerySpaceGuard:
    """Bounds query-string spaces: calendars and endless ``?page=`` or filter combinations.

    A path gets at most ``per_path`` distinct queries; a query whose date-like
    parameters name a year outside [min_year, max_year] is refused outright
    (a calendar's "next month" link walks forever otherwise).
    """

    def __init__(self, per_path: int = 1000, min_year: int = 1990, max_year: int = 2100):
        self.per_path = per_path
        self.min_year = min_year
        self.max_year = max_year
        self.seen: Counter[str] = Counter()

    def refuse(self, url: str) -> str | None:
        parts = urlsplit(url)
        if not parts.query:
            return None
        for name, value in parse_qsl(parts.query, keep_blank_values=True):
            if _DATE_PARAM.match(name):
                for year in _YEAR.findall(value):
                    if not self.min_year <= int(year) <= self.max_year:
                        return "calendar"
        key = parts.path
        self.seen[key] += 1
        if self.seen[key] > self.per_path:
            return "query_space"
        return None
