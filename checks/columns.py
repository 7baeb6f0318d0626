"""Columns (栏目) of one run: list pages grouped into columns, and each column's limit.

Why a module of its own: ``stale-column`` and ``empty-column`` must agree on what
a column is (contract §4 "Columns and their limits"), so the grouping lives here
once. Everything is pure: facts in, plain dataclasses out.

A column is recognised by its list pages (the crawler already chose the name
from the ColumnName meta, the breadcrumb or the list heading, see
``crawler/extract/columns.py``). List pages that paginate each other
(``index.html``, ``index_1.html`` …, including pages only reached through
``createPageHTML``, which the crawler resolved into ``page.pagination``) are one
column, and so are list pages with the same name in the same directory.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urlsplit

from govcrawl.facts import SiteFacts
from govcrawl.model import ListItem, PageFacts

__all__ = [
    "CLASSES",
    "HOMEPAGE_LIMIT",
    "Column",
    "all_columns",
    "ColumnClass",
    "classify",
    "find_columns",
    "homepage_column",
    "is_empty_marker",
    "limit_for",
    "path_of",
]


@dataclass(frozen=True, slots=True)
class ColumnClass:
    """One class of the national indicators: the words that name it and its limit."""

    name: str  # Chinese, shown in evidence
    words: tuple[str, ...]
    days: int | None  # None: static, never stale


# Order matters: the first matching class wins (contract), so 政策解读 is a
# policy column and 工作计划 a planning one, but 人事动态 is news.
CLASSES: tuple[ColumnClass, ...] = (
    ColumnClass("动态类", ("动态", "要闻", "新闻", "工作信息", "工作进展"), 14),
    ColumnClass("通知公告、政策文件类", ("通知", "公告", "公示", "政策", "文件", "解读"), 183),
    ColumnClass("人事、规划计划类", ("人事", "任免", "招录", "规划", "计划"), 365),
    ColumnClass("静态类", ("概况", "机构职能", "领导信息", "指南", "年报", "专题"), None),
)
HOMEPAGE_CLASS = "首页"
HOMEPAGE_LIMIT = 14
OVERRIDE_CLASS = "配置指定"

# What an empty list says instead of rows. Kept narrow on purpose: landing pages,
# contact pages and single-article columns have no rows either and are not blank.
_EMPTY_MARKER = re.compile(
    r"暂无(?:相关)?(?:信息|数据|内容|记录|文章|稿件|公开信息)|没有(?:相关)?(?:信息|数据|内容|记录)|无相关(?:信息|内容|记录)"
)
_LIST_FILE = re.compile(r"^(?:index|default|list)(?:_\d+)?\.(?:s?html?|jsp|php|aspx?)$", re.IGNORECASE)


def classify(name: str) -> ColumnClass | None:
    """The first class whose word occurs in the column name; None when no class fits."""
    for cls in CLASSES:
        if any(word in name for word in cls.words):
            return cls
    return None


def path_of(url: str) -> str:
    """The URL's path (``/`` when empty): what department rules and overrides match."""
    return urlsplit(url).path or "/"


def _overrides(settings: Mapping) -> list[tuple[str, int | None]]:
    """``column_limits`` from the site config as (prefix, days), longest prefix first.

    Accepts dicts (``site.model_dump(mode="json")``) or objects with attributes, so the
    check runs on the config as the CLI passes it and on hand-built settings in tests.
    """
    out: list[tuple[str, int | None]] = []
    for entry in settings.get("column_limits") or []:
        if isinstance(entry, Mapping):
            prefix, days = entry.get("path_prefix"), entry.get("days")
        else:
            prefix, days = getattr(entry, "path_prefix", None), getattr(entry, "days", None)
        if isinstance(prefix, str) and prefix:
            out.append((prefix, None if days is None else int(days)))
    out.sort(key=lambda pair: len(pair[0]), reverse=True)
    return out


def limit_for(name: str, url: str, settings: Mapping, *, homepage: bool = False) -> tuple[str | None, int | None]:
    """(class name, limit in days) of a column; (None, None) when it has no limit.

    A ``column_limits`` entry whose prefix matches the column's path wins (the longest
    prefix); ``days: null`` there means never stale. The homepage keeps the national
    14 days whatever the config says: 首页不更新 is a veto item of the inspection, and
    a prefix ``/`` (every path starts with it) is meant for the columns.
    """
    if homepage:
        return HOMEPAGE_CLASS, HOMEPAGE_LIMIT
    path = path_of(url)
    for prefix, days in _overrides(settings):
        if path.startswith(prefix):
            return OVERRIDE_CLASS, days
    cls = classify(name)
    if cls is None:
        return None, None
    return cls.name, cls.days


def is_empty_marker(text: str) -> bool:
    """Does the page say its list is empty (暂无信息, 暂无数据, 没有相关记录 …)?"""
    return bool(_EMPTY_MARKER.search(text))


@dataclass
class Column:
    """One column: its name, its list pages (first = the column's URL) and their rows."""

    name: str
    pages: list[PageFacts] = field(default_factory=list)
    homepage: bool = False

    @property
    def url(self) -> str:
        return self.pages[0].url

    @property
    def items(self) -> list[ListItem]:
        return [item for page in self.pages for item in page.list_items]

    def newest(self, today: date | None = None) -> ListItem | None:
        """The newest dated row (undated rows are no update); ties: the first one listed.

        Rows dated after ``today`` are ignored: a future date is a typo or a scheduled
        post, not proof that the column was updated.
        """
        best: ListItem | None = None
        for item in self.items:
            if item.published_on is None or (today is not None and item.published_on > today):
                continue
            if best is None or item.published_on > best.published_on:  # type: ignore[operator]
                best = item
        return best


def _is_article(page: PageFacts) -> bool:
    """A document or article page: it belongs to a column but is none of its list pages."""
    if page.doc is not None or "ArticleTitle" in page.meta:
        return True
    return page.published_on is not None and not page.list_items and not page.pagination


def _is_list_page(page: PageFacts) -> bool:
    """A readable page that names a column and shows rows, a pager or an "empty list" note."""
    if not page.is_html or page.status is None or not 200 <= page.status < 300 or not page.column:
        return False
    if _is_article(page):
        return False
    return bool(page.list_items or page.pagination or is_empty_marker(page.text))


def _directory(url: str) -> str:
    """``…/col/index_2.html`` and ``…/col/`` -> ``…/col/``: the column's home directory."""
    parts = urlsplit(url)
    path = parts.path or "/"
    if not path.endswith("/"):
        head, _, tail = path.rpartition("/")
        path = head + "/" if _LIST_FILE.match(tail) or "." in tail else path + "/"
    return f"{parts.scheme}://{parts.netloc}{path}"


def _is_column_home(url: str) -> bool:
    """``…/`` or ``…/index.html``: the page the others paginate from."""
    parts = urlsplit(url)
    tail = (parts.path or "/").rpartition("/")[2]
    return not parts.query and (tail == "" or re.fullmatch(r"(?:index|default)\.s?html?", tail) is not None)


def find_columns(site: SiteFacts) -> list[Column]:
    """Every column of the run (the homepage excluded), in the crawl order of its first list page.

    Two list pages are one column when either lists the other as pagination, or
    when both carry the same column name in the same directory (``/x/`` and
    ``/x/index.html`` are the same page served twice by TRS).
    """
    pages = [p for p in site.pages if p.url != site.homepage and _is_list_page(p)]
    order = {p.url: i for i, p in enumerate(pages)}
    parent: dict[str, str] = {p.url: p.url for p in pages}

    def find(url: str) -> str:
        while parent[url] != url:
            parent[url] = parent[parent[url]]
            url = parent[url]
        return url

    def union(a: str, b: str) -> None:
        ra, rb = find(a), find(b)
        if ra != rb:
            first, second = sorted((ra, rb), key=order.__getitem__)
            parent[second] = first

    by_dir: dict[tuple[str, str], str] = {}
    for p in pages:
        for other in p.pagination:
            if other in parent:
                union(p.url, other)
        key = (_directory(p.url), p.column or "")
        if key in by_dir:
            union(by_dir[key], p.url)
        else:
            by_dir[key] = p.url

    groups: dict[str, list[PageFacts]] = {}
    for p in pages:
        groups.setdefault(find(p.url), []).append(p)
    columns = []
    for members in groups.values():
        members.sort(key=lambda p: (not _is_column_home(p.url), urlsplit(p.url).path.endswith(".html"),
                                    order[p.url]))
        columns.append(Column(members[0].column or "", members))
    columns.sort(key=lambda c: min(order[p.url] for p in c.pages))
    return columns


def homepage_column(site: SiteFacts) -> Column | None:
    """The homepage as a column over the lists it shows; None when it was not read."""
    page = site.read_homepage()
    if page is None:
        return None
    return Column("首页", [page], homepage=True)


def all_columns(site: SiteFacts) -> Iterable[Column]:
    """The homepage first (when read), then every other column."""
    home = homepage_column(site)
    if home is not None:
        yield home
    yield from find_columns(site)
