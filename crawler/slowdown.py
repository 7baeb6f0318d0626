"""When a server says "too many requests" (429) or "come back later" (503), the crawl does.

A district portal behind a cloud WAF or an overloaded CMS answers a crawler that asks too fast
with 429 or 503, often with a ``Retry-After``. Taken at its word on the first answer, a working
page or attachment would be reported as broken (any status other than 2xx/3xx from the site's own
host is, contract §4), and asked again at once it only adds to the load. So both ways the crawl
asks (Scrapy for pages, ``crawler.download``; the resource lane, ``crawler.linkstatus``) leave the
whole host alone (the site's own hosts: another site's 429 is "unverified" anyway) for as long as
it asked (``Retry-After`` in seconds or as a date, at most ``SLOW_DOWN_MAX``; else 2, 4, 8 s) and
ask again, ``SLOW_DOWNS`` times (a 503 without Retry-After: once). What still answers 429/503
after that is recorded as answered; the run says how many such answers it got (``govcrawl.cli``).
"""

from __future__ import annotations

import time
from email.utils import parsedate_to_datetime

SLOW_DOWN_STATUSES = frozenset({429, 503})
SLOW_DOWNS = 3
# A 503 that names no Retry-After is what nginx's limit_req sends to a burst, but also what a broken
# backend answers for good: asked again once, after 2 s, so that a page of dead links costs seconds.
BARE_503_SLOW_DOWNS = 1
SLOW_DOWN_MAX = 60.0


def slow_downs_for(status: int, header: str | bytes | None) -> int:
    """How many times to wait and ask again after a ``status`` answer (0: it is final)."""
    if status == 429 or (status == 503 and header):
        return SLOW_DOWNS
    return BARE_503_SLOW_DOWNS if status == 503 else 0


def retry_after(value: str | bytes | None, now: float | None = None) -> float | None:
    """Seconds a ``Retry-After`` header asks to wait (delta-seconds or an HTTP date), or None."""
    if not value:
        return None
    if isinstance(value, bytes):
        value = value.decode("latin-1")
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None or when.tzinfo is None:
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


def slow_down_wait(header: str | bytes | None, attempt: int) -> float:
    """How long to leave a host alone after its ``attempt``-th (0-based) "slow down" answer."""
    asked = retry_after(header)
    return min(SLOW_DOWN_MAX, asked if asked is not None else 2.0 * 2**attempt)
