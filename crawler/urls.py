"""URL normalisation: the one module that decides when two URLs are the same.

Contract §3: scheme and host lower case, default port dropped; here also the
query sorted and session ids dropped, so that the crawl does not fetch the
same page twice and findings keep stable URLs. The fragment is returned apart
because only the fragment check needs it.
"""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import quote, unquote, urljoin, urlsplit, urlunsplit

_DEFAULT_PORTS = {"http": 80, "https": 443}
SESSION_PARAMS = frozenset(
    {"jsessionid", "phpsessid", "sid", "sessionid", "session_id", "aspsessionid", "cfid", "cftoken", "sessid"}
)
_PATH_PARAM_SESSION = re.compile(r";(jsessionid|phpsessid|sid|sessionid)=[^/?#]*", re.I)
# WHATWG URL's forbidden host code points, and controls: such a "host" names no server.
_FORBIDDEN_IN_HOST = re.compile(r"[\x00-\x20\x7f#%/<>?@\[\\\]^|]")
_SAFE_PATH = "/:@!$&'()*+,;=-._~%"
_SAFE_QUERY = "/:@!$&'()*+,;=-._~%?"


def _requote(part: str, safe: str, encoding: str) -> str:
    """Percent-encode what must be, keep what is already encoded (upper-case hex)."""
    if not part:
        return part
    try:
        part.encode("ascii")
        if "%" not in part and " " not in part:
            return part
    except UnicodeEncodeError:
        pass
    out = quote(part, safe=safe, encoding=encoding, errors="strict")
    return re.sub(r"%[0-9a-f]{2}", lambda m: m.group(0).upper(), out)


# Bounded small on purpose: what repeats is the template's few hundred URLs. At 262,144 entries the cache
# held every URL of a large crawl (~450 bytes each) in every process: the page worker grew ~2 KB a page,
# to 199 MB at 60,000 pages of the 100,000-page bench portal. At 16,384 its hit rate on that portal falls
# from 24% to 16% of calls (extraction calls it only when crawler.extract.links' own cache misses). At
# 2,048, 4,000 pages of the 5,000-page portal extracted in one process: 7,297 hits of 28,205 calls against
# 7,460 at 16,384, and 6-8 MiB less in each process that extracts (the page worker and the crawl's own).
@lru_cache(maxsize=2048)
def normalise(url: str, encoding: str = "utf-8") -> tuple[str, str | None] | None:
    """Normalise an absolute http(s) URL; return (url without fragment, fragment).

    ``encoding`` is the page's: browsers encode a query in the page encoding,
    so a GBK page's ``?q=公开`` must be percent-encoded as GBK. Returns None for
    anything that is not an http(s) URL with a host.
    """
    try:
        parts = urlsplit(url.strip())
        scheme = parts.scheme.lower()
        if scheme not in _DEFAULT_PORTS or not parts.hostname:
            return None
        host = parts.hostname.lower().rstrip(".")
        port = parts.port
    except ValueError:
        return None
    try:
        host.encode("ascii")
    except UnicodeEncodeError:
        try:
            host = host.encode("idna").decode("ascii")
        except UnicodeError:
            return None
    if _FORBIDDEN_IN_HOST.search(host):
        return None  # "exa mple.gov.cn": no browser or server reads that as a host
    if ":" in host:
        host = f"[{host}]"
    netloc = host if port in (None, _DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    path = _PATH_PARAM_SESSION.sub("", parts.path) or "/"
    try:
        path = _requote(path, _SAFE_PATH, "utf-8")
        query = ""
        if parts.query:
            pairs = []
            for item in parts.query.split("&"):
                if not item:
                    continue
                name = item.split("=", 1)[0]
                if unquote(name).lower() in SESSION_PARAMS:
                    continue
                pairs.append(_requote(item, _SAFE_QUERY, encoding))
            query = "&".join(sorted(pairs))
    except UnicodeEncodeError:
        return None
    fragment = parts.fragment or None
    return urlunsplit((scheme, netloc, path, query, "")), fragment


def absolute(base: str, href: str, encoding: str = "utf-8") -> tuple[str, str | None] | None:
    """Resolve ``href`` against ``base`` and normalise it (None if not http(s))."""
    href = href.strip()
    if not href:
        return None
    if href.startswith("#"):
        own = normalise(base, encoding)
        return (own[0], href[1:] or None) if own else None
    lowered = href[:11].lower()
    if lowered.startswith(("javascript:", "mailto:", "tel:", "data:", "about:", "sms:", "ftp:")):
        return None
    try:
        return normalise(urljoin(base, href), encoding)
    except ValueError:
        return None


def host_of(url: str) -> str:
    """Host (and port, when not default) of a normalised URL."""
    return urlsplit(url).netloc
