"""Scrapy's meta refresh redirects, without decoding every page to look for one.

Portals redirect with ``<meta http-equiv="refresh" content="0;url=...">`` often
enough (a site root that sends visitors on to ``/col/col123/index.html``, an
old column moved to a new address) that the crawl must follow it as Scrapy's
``MetaRefreshMiddleware`` does. That middleware reads ``response.text[:4096]``
of every HTML response: the whole body decoded (encoding sniffed, then
``bytes.decode``) and cached on the response, for the first 4,096 characters.
The crawl process itself never reads a page's text (the page worker parses
it), so the decoded copy was pure cost: a bytes-to-str decode per page, and
the str (about 1.5 times the body's size for Chinese text) held for as long as
the response waits for the page worker. A measured 5,000-page crawl had ~400
responses waiting at once, 7.4 MiB of decoded text with them (tracemalloc).

Both of w3lib's meta refresh patterns need the word ``refresh`` (any case) in
those 4,096 characters. In the encodings portals use (UTF-8, GBK, GB18030,
Big5, Latin-1) ASCII letters are single bytes and no character takes more
than four, so the word then also appears in the body's first 16,384 bytes.
A body that lacks it there has no meta refresh and is passed on untouched.
Only a body with NUL bytes in that window (UTF-16 or UTF-32, where letters
are not single bytes) or with the word goes to Scrapy's own code, whose
decisions (delay limit, ignored ``<script>``/``<noscript>``, base URL) then
stand unchanged.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin

from scrapy.downloadermiddlewares.redirect import MetaRefreshMiddleware as ScrapyMetaRefresh
from scrapy.http import HtmlResponse
from scrapy.utils.httpobj import urlparse_cached

from crawler.scriptnav import stub_target

SCRAPY_CHARS = 4096  # scrapy.utils.response.get_meta_refresh reads response.text[0:4096]
MAX_BYTES_PER_CHAR = 4  # UTF-8 and GB18030 at most
WINDOW = SCRAPY_CHARS * MAX_BYTES_PER_CHAR


# A page that only forwards its reader with a script (crawler.scriptnav) is a few hundred bytes; one this
# large carries content of its own, and its location assignments are handlers, not its purpose.
STUB_MAX_BYTES = 8192
_UNSEEN = ("script", "style", "noscript", "template", "head")
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")


def may_forward(body: bytes) -> bool:
    """Whether ``body`` can be a script stub at all (False for every page with content: no parse)."""
    return len(body) <= STUB_MAX_BYTES and b"location" in body


def forward_target(text: str) -> str | None:
    """Where a script stub sends its reader (as written), or None for any other page."""
    from lxml import etree

    text = _XML_DECLARATION.sub("", text, count=1)  # lxml refuses a str that still declares an encoding
    try:
        root = etree.fromstring(text, etree.HTMLParser(recover=True, no_network=True)) if text.strip() else None
    except (ValueError, etree.LxmlError):  # e.g. an XML declaration naming an encoding, in a str
        return None
    if root is None:
        return None
    scripts = [el.text for el in root.iter("script") if el.text and not el.get("src")]
    if not scripts:
        return None
    etree.strip_elements(root, *_UNSEEN, with_tail=False)
    visible = sum(1 for ch in "".join(root.itertext()) if not ch.isspace())
    return stub_target(visible, scripts)


def may_refresh(body: bytes) -> bool:
    """Whether Scrapy's meta refresh parsing could find anything in ``body`` (False: surely not)."""
    head = body[:WINDOW]
    return b"\x00" in head or b"refresh" in head.lower()


class MetaRefreshMiddleware(ScrapyMetaRefresh):
    """``scrapy.downloadermiddlewares.redirect.MetaRefreshMiddleware`` that skips pages without the word
    ``refresh``, and follows a script stub's ``location`` as it follows a meta refresh."""

    def process_response(self, request, response, spider=None):
        if not isinstance(response, HtmlResponse) or may_refresh(response.body):
            # Scrapy before 2.14 passes the spider and requires it; later ones pass none and warn when given one.
            answer = super().process_response(*((request, response) if spider is None else (request, response, spider)))
            if answer is not response:
                return answer
        return self._forwarded(request, response)

    def _forwarded(self, request, response):
        """A script stub's target as a redirect (crawler.scriptnav), under the same rules as a meta refresh."""
        if (not isinstance(response, HtmlResponse) or not may_forward(response.body)
                or request.meta.get("dont_redirect", False) or request.method == "HEAD"
                or urlparse_cached(request).scheme not in {"http", "https"}):
            return response
        target = forward_target(response.text)
        if target is None:
            return response
        redirected = self._redirect_request_using_get(request, response, urljoin(response.url, target))
        if urlparse_cached(redirected).scheme not in {"http", "https"}:
            return response
        return self._redirect(redirected, request, "script location")
