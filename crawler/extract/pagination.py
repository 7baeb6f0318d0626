"""The other pages of a paged list (or of a paged article).

Why: the contract counts items beyond the first list page as the same column,
"including pages only reachable through the ``createPageHTML(...)`` script
convention". TRS and similar CMSs write the pager with JavaScript, so a crawler
that follows only ``<a href>`` never sees page 2. Three sources, in this order:

1. ``createPageHTML(n, i, "index", "html")`` — n pages, current i (0-based):
   ``index.html``, ``index_1.html`` … ``index_{n-1}.html`` in the same directory.
   The newer form ``createPageHTML('page_div', n, i, 'index', 'shtml', rows)``
   (container id first) counts from 1: ``index.shtml``, ``index_2.shtml`` …
   ``index_n.shtml``. On the first page ``i`` itself tells which (0 or 1).
   Arguments may be variables (``createPageHTML(countPage, currentPage, …)``).
2. TRS inline pager: ``var countPage = N; var currentPage = i;`` with the names
   written into its ``document.write`` strings (``"index"+"_"+i+"."+"html"``, or
   ``"t20201201_6116434"+"_"`` for a long article split into pages).
3. Plain links: 下一页 / 上一页 / 尾页 / 末页 anywhere, and 首页 or page numbers
   inside a pager container, on the same host.

Script comments are removed first, so a commented-out ``//createPageHTML(9, 0, …)``
is not read.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from crawler.extract.links import resolve
from crawler.extract.scan import F_PAGER

__all__ = ["MAX_PAGES", "pagination", "script_pages"]

MAX_PAGES = 2000  # a column with more list pages than this is cut (the crawl has page limits anyway)

_BLOCK_COMMENT = re.compile(r"/\*.*?\*/", re.S)
_LINE_COMMENT = re.compile(r"(?m)(?:^|(?<=[;{}]))\s*//.*$")
_CREATE = re.compile(
    r"createPageHTML\s*\(\s*(?:(['\"])[^'\"]*\1\s*,\s*)?(\w+)\s*,\s*(\w+)\s*,\s*"
    r"(['\"])([^'\"]*)\4\s*,\s*(['\"])(\w+)\6"
)
_COUNT = re.compile(r"\bcountPage\s*=\s*(\d+)")
_CURRENT = re.compile(r"\bcurrentPage\s*=\s*(\d+)")
_TRS_PREFIX = (
    re.compile(r"([\w.-]+?)[\"']\s*\+\s*[\"']_[\"']"),  # "index"+"_"+i
    re.compile(r"([\w.-]+?)_[\"']\s*\+\s*\w+\s*\+"),  # "index_"+i+
)
_TRS_SUFFIX = (
    re.compile(r"[\"']\.[\"']\s*\+\s*[\"'](\w+)"),  # "."+"html"
    re.compile(r"\+\s*\w+\s*\+\s*[\"']\.(\w+)"),  # +i+".shtml"
    re.compile(r"href=\\?[\"'][\w.-]+\.(s?html?|jsp|aspx?|php)\b"),  # href=\"index.html\"
)
_FILE = re.compile(r"^(.*?)(?:_(\d+))?\.(\w+)$")

# Link texts that name another page of the list wherever they appear ...
_NEXT_WORDS = frozenset(
    "下一页 下页 尾页 末页 最后一页 最末页 上一页 上页 前一页 后一页 前页 后页 next last prev previous".split()
)
# ... and texts that do so only inside a pager container (besides page numbers).
_PAGER_WORDS = frozenset("首页 第一页 最前页 first > >> < << » « › ‹".split())
_BRACKETS = "[]【】()（）《》 \u3000\xa0"


def _strip_comments(script: str) -> str:
    return _LINE_COMMENT.sub("", _BLOCK_COMMENT.sub("", script))


def _int_arg(token: str, script: str) -> int | None:
    """A numeric argument, or a variable assigned a number in the same script."""
    if token.isdigit():
        return int(token)
    match = re.search(r"\b" + re.escape(token) + r"\s*=\s*(\d+)", script)
    return int(match.group(1)) if match else None


def _file_parts(page_url: str) -> tuple[str, int | None, str] | None:
    """(stem, page number, extension) of the page's file name; None for a directory URL."""
    name = urlsplit(page_url).path.rsplit("/", 1)[-1]
    match = _FILE.match(name)
    if not match:
        return None
    number = match.group(2)
    return match.group(1), int(number) if number else None, match.group(3)


def _names(prefix: str, suffix: str, count: int, one_based: bool) -> list[str]:
    count = min(count, MAX_PAGES)
    first = f"{prefix}.{suffix}"
    if one_based:
        return [first] + [f"{prefix}_{i}.{suffix}" for i in range(2, count + 1)]
    return [first] + [f"{prefix}_{i}.{suffix}" for i in range(1, count)]


def _from_create_page(script: str, page_url: str) -> list[str] | None:
    match = _CREATE.search(script)
    if match is None:
        return None
    count = _int_arg(match.group(2), script)
    current = _int_arg(match.group(3), script)
    prefix, suffix = match.group(5), match.group(7)
    if count is None or count <= 1 or not prefix:
        return []
    one_based = match.group(1) is not None
    parts = _file_parts(page_url)
    on_first_page = parts is None or (parts[0] == prefix and parts[1] is None)
    if on_first_page and current in (0, 1):
        one_based = current == 1
    return _names(prefix, suffix, count, one_based)


def _from_trs_vars(script: str, page_url: str) -> list[str] | None:
    count_match = _COUNT.search(script)
    if count_match is None or _CURRENT.search(script) is None:
        return None
    count = int(count_match.group(1))
    if count <= 1:
        return []
    prefix = suffix = None
    for pattern in _TRS_PREFIX:
        found = pattern.search(script)
        if found:
            prefix = found.group(1).rsplit("/", 1)[-1].lstrip("\\\"'")
            break
    for pattern in _TRS_SUFFIX:
        found = pattern.search(script)
        if found:
            suffix = found.group(1)
            break
    parts = _file_parts(page_url)
    if not prefix:
        if parts is None:
            prefix = "index"
        elif parts[1] is not None and parts[1] < count:
            prefix = parts[0]  # index_3.html -> index
        else:
            prefix = f"{parts[0]}_{parts[1]}" if parts[1] is not None else parts[0]
    if not suffix:
        suffix = parts[2] if parts else "html"
    return _names(prefix, suffix, count, one_based=False)


def script_pages(scripts: list[str], page_url: str) -> list[str]:
    """Relative file names of every page of the list, from the pager scripts."""
    for script in scripts:
        script = _strip_comments(script)
        for reader in (_from_create_page, _from_trs_vars):
            names = reader(script, page_url)
            if names is not None:
                return names
    return []


def _pager_text(text: str) -> str:
    """``[下一页]`` -> 下一页, ``下一页>`` -> 下一页, ``>>`` stays ``>>``."""
    text = text.strip(_BRACKETS)
    bare = text.strip("<>«»‹›")
    return (bare or text).strip().lower()


def pagination(scripts: list[str], anchors, page_url: str, base: str, encoding: str) -> list[str]:
    """Absolute, normalised URLs of the other pages of this list (the page itself excluded).

    ``anchors`` are (raw link, resolved url) for every ``<a>``; ``base`` resolves
    the script's relative names (it honours ``<base href>`` like the browser does).
    """
    own = page_url
    own_host = urlsplit(page_url).netloc
    directory_page = urlsplit(page_url).path.endswith("/")
    out: list[str] = []
    seen = {own}
    for name in script_pages(scripts, page_url):
        target = resolve(base, name, encoding)
        if target is None:
            continue
        url = target[0]
        if (
            directory_page
            and url.rsplit("/", 1)[0] + "/" == own
            and name.split(".")[0] in ("index", "default")
        ):
            continue  # index.html of a directory URL is the page itself
        if url not in seen:
            seen.add(url)
            out.append(url)
    for raw, url in anchors:
        text = _pager_text(raw.text or "")
        if not text:
            continue
        if text in _NEXT_WORDS or (raw.flags & F_PAGER and (text.isdigit() or text in _PAGER_WORDS)):
            if url in seen or urlsplit(url).netloc != own_host:
                continue
            if (
                directory_page
                and url.rsplit("/", 1)[0] + "/" == own
                and url.rsplit("/", 1)[1].split(".")[0] in ("index", "default")
            ):
                continue
            seen.add(url)
            out.append(url)
    return out
