"""Pages that send their reader on with a script: ``<script>location.href = "/index.shtml"</script>``.

Many portals' site root is such a stub, with nothing else on it: the CMS publishes the real
homepage at ``/index.shtml`` or ``/col/col1/index.html``, and ``/`` only forwards there, as
``<meta http-equiv="refresh">`` does on others. A reader never sees the stub; a crawler that
stops at it checks one empty page and nothing else. The availability probe (``crawler.probe``)
and the crawl's redirect middleware (``crawler.metarefresh``) both follow it, so the rule lives
here, with no Scrapy import (the probe runs from cron without it).

What counts: a literal target (``location = '…'``, ``location.href = "…"``, ``window.``/``top.``/
``self.``/``document.location``, ``location.replace('…')``, ``location.assign('…')``) in an
inline script of a page that has nothing to read. A page with text is never forwarded: there a
``location`` assignment is a button's handler or a conditional, not the page's purpose. A stub
that picks between a mobile and a desktop site (``if (/Mobile/.test(navigator.userAgent))``)
names both; the desktop one is followed, and a stub with several other targets is left alone.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

__all__ = ["BLANK_TEXT_MAX", "JS_LOCATION", "script_location", "stub_target"]

JS_LOCATION = re.compile(
    r"location(?:\.href)?\s*=\s*['\"]([^'\"]+)['\"]|location\.(?:replace|assign)\(\s*['\"]([^'\"]+)['\"]"
)
BLANK_TEXT_MAX = 10  # fewer visible characters than this is "nothing to read" (the probe's blank page too)
# Path segments and host labels of the mobile edition a desktop/mobile switch names besides the site.
_MOBILE = re.compile(r"^(?:m|wap|mobile|phone|sj|h5|3g)$", re.I)


def _targets(scripts: list[str]) -> list[str]:
    """Every literal location target of the scripts, in order, each once; javascript: and bare '#' dropped."""
    found: dict[str, None] = {}
    for script in scripts:
        for match in JS_LOCATION.finditer(script):
            target = (match.group(1) or match.group(2) or "").strip()
            if target and not target.startswith("#") and not target.lower().startswith("javascript:"):
                found.setdefault(target, None)
    return list(found)


def _mobile(target: str) -> bool:
    parts = urlsplit(target)
    labels = (parts.hostname or "").split(".")
    segments = [s for s in parts.path.split("/") if s]
    return bool(labels and _MOBILE.match(labels[0])) or bool(segments and _MOBILE.match(segments[0]))


def script_location(scripts: list[str]) -> str | None:
    """The one place a stub's scripts send a reader to (desktop over mobile), or None."""
    targets = _targets(scripts)
    if len(targets) > 1:
        targets = [t for t in targets if not _mobile(t)]
    return targets[0] if len(targets) == 1 else None


def stub_target(visible_chars: int, scripts: list[str]) -> str | None:
    """``script_location`` of a page with fewer than ``BLANK_TEXT_MAX`` visible characters, else None."""
    if visible_chars >= BLANK_TEXT_MAX:
        return None
    return script_location(scripts)
