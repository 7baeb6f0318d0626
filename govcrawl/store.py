"""The facts store: the only module that speaks SQL.

One SQLite file per site (WAL mode) holds every run, its pages, links, link
outcomes and findings. The crawler writes, the checks read, the reports read;
nothing else touches the database, so a stored run can be re-checked with new
rules or another ``--today`` and re-reported without crawling.

At province scale the same tables live in one shared PostgreSQL database, a
schema per site (``postgresql://…/db?site=SITE_ID``), so that crawl workers on
several machines write one store. The SQL below is one text for both;
``_storedialect`` holds what differs, and the few statements that must differ
(concurrent writers without SQLite's file lock) say why where they branch.

Pages are stored as a few queryable columns plus a zlib-compressed JSON blob of
the rest: the blob keeps the schema stable while extraction grows new fields.
The visible text has a compressed column of its own, so that the check phase
can load a run's pages without it and read each page's text only when a check
asks (``_StoredPage``): text is the largest part of a page. A page's links are
one more column, a blob of records (``_links_blob``): ~85 links a page were as
many rows of the ``links`` table, which now holds only what older versions wrote.
"""

from __future__ import annotations

import json
import sqlite3
import weakref
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, fields
from datetime import date
from pathlib import Path
from types import MappingProxyType

from govcrawl._storedialect import (
    PgConnection,
    PgCursor,
    PgLocation,
    Row,
    is_postgres,
    pg_schema,
    pg_type,
    upsert,
)
from govcrawl.availability import probe_day
from govcrawl.model import (
    A11yNode,
    DocInfo,
    Finding,
    LinkFacts,
    LinkOutcome,
    LinkState,
    ListItem,
    MessageFact,
    PageAudit,
    PageFacts,
    PrivacyHit,
    ProbeResult,
    RawResponse,
    Region,
    RunInfo,
    ValuePool,
)
from govcrawl.outcomes import EMPTY, Outcomes

SCHEMA_VERSION = 6
# SQLite page cache of a crawl writer's connection, KiB (``Store.join_crawl``); the default is 2,000.
CRAWL_CACHE_KIB = 256

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS runs (
    id TEXT PRIMARY KEY, site TEXT NOT NULL, started TEXT NOT NULL, finished TEXT,
    today TEXT NOT NULL, pages_crawled INTEGER NOT NULL DEFAULT 0,
    tool_version TEXT NOT NULL DEFAULT '', status TEXT NOT NULL, stats TEXT NOT NULL DEFAULT '{}',
    base_run TEXT
);
CREATE TABLE IF NOT EXISTS pages (
    id INTEGER PRIMARY KEY, run_id TEXT NOT NULL, url TEXT NOT NULL, status INTEGER,
    final_url TEXT, content_type TEXT, title TEXT, column_name TEXT, published_on TEXT,
    depth INTEGER NOT NULL DEFAULT 0, error TEXT, facts BLOB NOT NULL, etag TEXT, last_modified TEXT,
    text BLOB, links BLOB, UNIQUE (run_id, url)
);
CREATE TABLE IF NOT EXISTS links (
    page_id INTEGER NOT NULL, url TEXT NOT NULL, tag TEXT NOT NULL, attr TEXT NOT NULL,
    text TEXT NOT NULL, region TEXT NOT NULL, fragment TEXT, hidden INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS links_page ON links (page_id);
CREATE TABLE IF NOT EXISTS link_status (
    run_id TEXT NOT NULL, url TEXT NOT NULL, state TEXT NOT NULL, http_status INTEGER,
    reason TEXT NOT NULL, final_url TEXT, internal INTEGER NOT NULL, method TEXT, extra TEXT,
    PRIMARY KEY (run_id, url)
);
CREATE TABLE IF NOT EXISTS audits (
    run_id TEXT NOT NULL, url TEXT NOT NULL, status TEXT NOT NULL, body BLOB NOT NULL,
    PRIMARY KEY (run_id, url)
);
CREATE TABLE IF NOT EXISTS screenshots (
    run_id TEXT NOT NULL, url TEXT NOT NULL, key TEXT NOT NULL, png BLOB NOT NULL,
    PRIMARY KEY (run_id, url, key)
);
CREATE TABLE IF NOT EXISTS fixed (
    run_id TEXT NOT NULL, id TEXT NOT NULL, department TEXT NOT NULL, body TEXT NOT NULL,
    PRIMARY KEY (run_id, id)
);
CREATE INDEX IF NOT EXISTS fixed_id ON fixed (id);
CREATE TABLE IF NOT EXISTS raw_responses (
    run_id TEXT NOT NULL, url TEXT NOT NULL, fetched_at TEXT NOT NULL, status INTEGER NOT NULL,
    head TEXT NOT NULL, body BLOB NOT NULL, size INTEGER NOT NULL, PRIMARY KEY (run_id, url)
);
CREATE INDEX IF NOT EXISTS raw_url ON raw_responses (url, fetched_at);
CREATE TABLE IF NOT EXISTS pins (
    run_id TEXT NOT NULL, reason TEXT NOT NULL, created TEXT NOT NULL, PRIMARY KEY (run_id, reason)
);
CREATE TABLE IF NOT EXISTS probes (
    at TEXT NOT NULL, day TEXT NOT NULL, url TEXT NOT NULL, homepage INTEGER NOT NULL, ok INTEGER NOT NULL,
    kind TEXT NOT NULL, status INTEGER, ttfb_ms INTEGER, total_ms INTEGER, size INTEGER NOT NULL,
    final_url TEXT, reason TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS probes_day ON probes (day);
CREATE TABLE IF NOT EXISTS findings (
    run_id TEXT NOT NULL, id TEXT NOT NULL, check_id TEXT NOT NULL, department TEXT NOT NULL,
    body TEXT NOT NULL, PRIMARY KEY (run_id, id)
);
"""


# Additive migrations, applied in order to a store written by an older version
# (its data stays readable: new columns are empty, new tables start empty).
# Each is (table, column, type): added where the table exists without it (a table
# that does not exist yet is created whole by the schema script).
_MIGRATIONS = {
    2: (("runs", "base_run", "TEXT"), ("pages", "etag", "TEXT"), ("pages", "last_modified", "TEXT")),
    3: (("link_status", "extra", "TEXT"),),
    4: (),  # the probes table (availability), created whole
    # A page's visible text in its own compressed column, read when a check asks for it (older rows keep
    # theirs in the facts blob and are read from there).
    5: (("pages", "text", "BLOB"),),
    # A page's links as one blob in its row (``_links_blob``); rows stored before keep theirs in ``links``.
    6: (("pages", "links", "BLOB"),),
}


class StoreError(Exception):
    """The store file is missing, foreign or from an incompatible version."""


_PG_SCHEMA = pg_schema(_SCHEMA)
# What loading a run's pages reads: every column but the text, which stays in the store (_StoredPage).
_LOADED_COLUMNS = ("id, run_id, url, status, final_url, content_type, title, column_name, published_on, depth,"
                   " error, facts, etag, last_modified")
# raw_responses is written by upserts in two places: its columns, in table order.
_RAW_COLUMNS = ("run_id", "url", "fetched_at", "status", "head", "body", "size")
_Cursor = sqlite3.Cursor | PgCursor


def _page_blob(page: PageFacts) -> bytes:
    doc = None
    if page.doc is not None:
        doc = asdict(page.doc)
        for key in ("written_on", "published_on", "valid_until", "effective_from"):
            doc[key] = doc[key].isoformat() if doc[key] else None
    body = {
        "redirects": page.redirects,
        "encoding": page.encoding,
        "lang": page.lang,
        "meta": page.meta,
        "breadcrumb": page.breadcrumb,
        "heading": page.heading,
        "doc": doc,
        "anchors": sorted(page.anchors),
        "list_items": [
            [i.url, i.title, i.published_on.isoformat() if i.published_on else None] for i in page.list_items
        ],
        "pagination": page.pagination,
        "referer": page.referer,
        "response_ms": page.response_ms,
        "template": page.template,
        "a11y": [node.as_json() for node in page.a11y],
        "unchanged": page.unchanged,
        "privacy": [hit.as_json() for hit in page.privacy],
        "messages": [message.as_json() for message in page.messages],
    }
    return zlib.compress(json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode(), 3)


def _text_blob(text: str) -> bytes | None:
    return zlib.compress(text.encode(), 3) if text else None


def _text_of(row: sqlite3.Row | Row | tuple) -> str:
    """A stored page's text from (text column, facts blob): the column, or the blob of a row stored before it."""
    if row[0] is not None:
        return zlib.decompress(row[0]).decode()
    return json.loads(zlib.decompress(row[1])).get("text") or ""


class _PageReader:
    """What the pages of one load leave in the store, and how they read it back.

    Every load leaves the visible text in the store (``text``: six checks read it, once a page each;
    held, read each time it is asked for, one check after another; streamed, kept like the parts below,
    the checks reading it within a round of turns). A *streamed* load also leaves the rest of a page's
    bulk there: its links and what the facts blob holds (meta, 信息公开 header, list items, a11y nodes
    …). Those are read on first use and kept for the last ``_CACHED`` pages only: the checks take
    turns walking the pages (``SiteFacts.walk_together``), so all of them read a page within a few
    pages of each other, each reading the same page's fields several times in a row.
    """

    def __init__(self, store: Store, streamed: bool) -> None:
        self.store = store
        self.streamed = streamed
        self._cache: dict[tuple[str, int], dict] = {}  # (part, page id) -> field values, oldest first

    def part(self, page_id: int, part: str) -> dict:
        """The fields of one part ("blob" or "links") of a stored page, decoded."""
        key = (part, page_id)
        values = self._cache.get(key)
        if values is None:
            values = self.store._page_part(page_id, part)
            if len(self._cache) >= _CACHED:
                del self._cache[next(iter(self._cache))]
            self._cache[key] = values
        return values


# Pages whose streamed parts stay decoded: the page a check is on and the few before it (sequential
# walks read a page's doc header up to ten times in a row; departments and titles re-read recent ones).
_CACHED = 1024


class _StoredPage(PageFacts):
    """A page read back for the checks, whose bulk stays in the store until a check reads it.

    Text is the largest part of a loaded page (about 3.7 KB of 8 at 20,000 pages), and only six checks
    read it, one page at a time: reading ``text`` asks the store each time (about 15 µs: one row by
    key, decompressed), so memory does not creep back as checks read. A page of a streamed load
    (``Store.pages(stream=True)``) also leaves its links and its facts blob there (``_DEFERRED``), so
    that a portal of 100,000 pages is checked in flat memory; the cost is one decode per page and per
    check that walks them. Assigning a field (``dataclasses.replace``, a test) first reads the rest, so
    the page then holds everything as a plain page would. For a check it is an ordinary
    ``PageFacts``: equal to a plain page with the same fields, and pickled as one. Closing the store
    reads what the pages still alive left there, so they stay whole after it.
    """

    __slots__ = ("_reader", "_id", "__weakref__")

    @property  # type: ignore[override]
    def text(self) -> str:
        reader = getattr(self, "_reader", None)
        if reader is None:
            return _SLOT["text"].__get__(self, PageFacts)
        # Streamed, the checks that read text take turns on the same pages: kept with the page's other parts.
        return reader.part(self._id, "text")["text"] if reader.streamed else reader.store._page_text(self._id)

    @text.setter
    def text(self, value: str) -> None:
        self._materialise()
        _SLOT["text"].__set__(self, value)

    def _materialise(self) -> None:
        """Read everything this page left in the store into its own fields (then it holds them as a plain page)."""
        reader = getattr(self, "_reader", None)
        if reader is None:
            return
        values = {"text": reader.store._page_text(self._id)}
        if reader.streamed:
            for part in ("blob", "links"):
                values.update(reader.part(self._id, part))
        self._reader = None
        for name, value in values.items():
            _SLOT[name].__set__(self, value)

    def plain(self) -> PageFacts:
        """This page as a plain ``PageFacts``, everything read."""
        return _plain_page(self._values())

    def _values(self) -> dict:
        return {f.name: getattr(self, f.name) for f in fields(PageFacts)}

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, PageFacts):
            return NotImplemented
        return all(getattr(self, f.name) == getattr(other, f.name) for f in fields(PageFacts))

    __hash__ = None  # type: ignore[assignment]  # as PageFacts: mutable, compared by value

    def __reduce_ex__(self, protocol):  # type: ignore[override]
        return _plain_page, (self._values(),)


def _plain_page(values: dict) -> PageFacts:
    return PageFacts(**values)


# What a streamed load leaves in the store, by part: the facts blob's bulk and the page's links. The blob's
# small fields (encoding, lang, template, response time, unchanged) are kept in memory either way.
_BLOB_FIELDS = ("redirects", "meta", "breadcrumb", "heading", "doc", "anchors", "list_items", "pagination",
                "referer", "a11y", "privacy", "messages")
_DEFERRED = {**dict.fromkeys(_BLOB_FIELDS, "blob"), "links": "links"}
_SLOT = {f.name: PageFacts.__dict__[f.name] for f in fields(PageFacts)}  # the slots that hold a plain page's fields


def _deferred_field(name: str, part: str) -> property:
    slot = _SLOT[name]

    def read(self: _StoredPage):  # type: ignore[no-untyped-def]
        reader = getattr(self, "_reader", None)
        if reader is None or not reader.streamed:
            return slot.__get__(self, PageFacts)
        return reader.part(self._id, part)[name]

    def assign(self: _StoredPage, value: object) -> None:
        self._materialise()
        slot.__set__(self, value)

    return property(read, assign)


for _name, _part in _DEFERRED.items():
    setattr(_StoredPage, _name, _deferred_field(_name, _part))


class _Pool:
    """Equal values read from one run, kept once.

    A run's pages repeat most of what they hold: the template's links, meta
    names and values, breadcrumbs, 信息公开 labels, static a11y nodes of the
    shared template. Holding one copy of each is what keeps the check phase's
    memory from growing by tens of kilobytes per page (20,000 pages: ~1.8M
    links, 77k distinct). Loaded facts are read-only by contract (checks are
    pure functions), so sharing a value between pages is invisible to them.
    """

    def __init__(self) -> None:
        self._values: dict = {}
        self._links: dict[tuple | str, LinkFacts] = {}  # by stored row or record

    def __call__[T](self, value: T) -> T:
        """The pool's copy of ``value`` (any hashable value; None stays None)."""
        if value is None:
            return value
        return self._values.setdefault(value, value)

    def link(self, row: tuple) -> LinkFacts:
        """One shared ``LinkFacts`` per distinct stored link row (url, tag, attr, text, region, fragment, hidden).

        A template link is the same object on every page. The row itself is the
        key: 90 % of a run's ~90 links a page are such repeats, so most rows cost
        one dictionary lookup (5,000 pages: 424,000 rows, 0.3 s of a 1.2 s load).
        """
        link = self._links.get(row)
        if link is None:
            link = self._links[row] = _link_of_row(row, self)
        return link

    def link_record(self, record: str) -> LinkFacts:
        """``link`` for a link stored as a record (``_links_blob``): the record string is the key."""
        link = self._links.get(record)
        if link is None:
            link = self._links[record] = _link_of_row(_record_row(record), self)
        return link

    def a11y(self, raw: dict) -> A11yNode:
        """One shared ``A11yNode`` per distinct node (the template's nodes repeat on every page)."""
        key = ("a11y", *raw.items())  # written by A11yNode.as_json, its keys always in one order
        node = self._values.get(key)
        if node is None:
            node = self._values[key] = A11yNode.from_json(raw)
        return node

    def date(self, value: str | None) -> date | None:
        """A shared ``date`` per ISO string (list pages repeat the same few hundred days)."""
        if not value:
            return None
        key = ("date", value)
        day = self._values.get(key)
        if day is None:
            day = self._values[key] = date.fromisoformat(value)
        return day


class _Unshared(_Pool):
    """A pool that keeps nothing: what a streamed page decodes lives only as long as a check holds it."""

    def __call__[T](self, value: T) -> T:
        return value

    def a11y(self, raw: dict) -> A11yNode:
        return A11yNode.from_json(raw)

    def date(self, value: str | None) -> date | None:
        return date.fromisoformat(value) if value else None


_NO_POOL = _Unshared()


def _doc_from_json(raw: dict, share: _Pool) -> DocInfo:
    for key in ("written_on", "published_on", "valid_until", "effective_from"):
        raw[key] = share.date(raw.get(key))
    raw["raw"] = {share(k): share(v) for k, v in (raw.get("raw") or {}).items()}
    return DocInfo(**{k: share(v) if isinstance(v, str) else v for k, v in raw.items()})


def _blob_values(body: dict, share: _Pool) -> dict:
    """The bulk fields of a page's facts blob (``_BLOB_FIELDS``), decoded; repeated values are ``share``'s."""
    return {
        "redirects": [share(u) for u in body.get("redirects") or ()],
        "meta": {share(k): share(v) for k, v in (body.get("meta") or {}).items()},
        "breadcrumb": [share(name) for name in body.get("breadcrumb") or ()],
        "heading": body.get("heading"),
        "doc": _doc_from_json(body["doc"], share) if body.get("doc") is not None else None,
        "anchors": {share(a) for a in anchors} if (anchors := body.get("anchors")) else _NO_ANCHORS,
        "list_items": [ListItem(share(u), share(t), share.date(d)) for u, t, d in body.get("list_items") or ()],
        "pagination": [share(u) for u in body.get("pagination") or ()],
        "referer": share(body.get("referer")),
        "a11y": [share.a11y(node) for node in body.get("a11y") or ()],
        "privacy": [PrivacyHit.from_json(hit) for hit in body.get("privacy") or ()],
        "messages": [MessageFact.from_json(message) for message in body.get("messages") or ()],
    }


def _page_from_row(row: sqlite3.Row | Row, links: list[LinkFacts], share: _Pool | None = None,
                   reader: _PageReader | None = None) -> PageFacts:
    """A stored page; with ``share``, its repeated values are the pool's (one copy per run, not per page).

    With ``reader`` the page is a ``_StoredPage`` that leaves its text in the store (and, for a
    streamed load, its links and blob bulk: ``links`` is then ignored); without, the row must hold
    the ``text`` column and everything is read now.
    """
    share = share or _Pool()
    body = json.loads(zlib.decompress(row["facts"]))
    streamed = reader is not None and reader.streamed
    bulk = _UNREAD if streamed else {**_blob_values(body, share), "links": links}
    page = (PageFacts if reader is None else _StoredPage)(
        url=row["url"],
        status=row["status"],
        final_url=share(row["final_url"]),
        content_type=share(row["content_type"]),
        encoding=share(body.get("encoding")),
        title=row["title"],
        lang=share(body.get("lang")),
        column=share(row["column_name"]),
        published_on=share.date(row["published_on"]),
        text=_text_of((row["text"], row["facts"])) if reader is None else "",
        depth=row["depth"],
        response_ms=body.get("response_ms"),
        error=row["error"],
        template=share(body.get("template")),
        etag=row["etag"],
        last_modified=row["last_modified"],
        unchanged=bool(body.get("unchanged")),
        **bulk,
    )
    if reader is not None:
        page._reader = reader  # type: ignore[attr-defined]
        page._id = row["id"]  # type: ignore[attr-defined]
    return page


_REGIONS = {region.value: region for region in Region}


def _link_of_row(row: tuple, share: _Pool | None = None) -> LinkFacts:
    """The ``LinkFacts`` of a stored links row (url, tag, attr, text, region, fragment, hidden); its strings
    the pool's copies when ``share`` is given."""
    url, tag, attr, text, region, fragment, hidden = row
    if share is not None:
        url, tag, attr, text, fragment = share(url), share(tag), share(attr), share(text), share(fragment)
    return LinkFacts(url, tag, attr, text, _REGIONS[region], fragment, bool(hidden))


# A page's links in its row (schema 6): ``_RECORDS`` then one record per link, fields joined by US and records
# by RS (the ASCII separators, which no parsed attribute or text holds: libxml2 drops them); a page where one
# turns up all the same is stored as ``_JSON`` then a JSON list of rows. Written as ~85 rows of ``links`` a
# page, storing them was 0.18 of a page's 0.30 ms in a crawl's writers, and reading 424,000 rows back 0.64 s
# of the 5,000-page check phase's 0.85 s load (bench/RESULTS.md). A record is also the key under which a
# load shares the link: the template's repeat byte for byte on every page.
_RECORDS, _JSON = b"\x01", b"\x02"
_RS, _US = "\x1e", "\x1f"


def _link_record(link: LinkFacts) -> str:
    fragment = "" if link.fragment is None else "#" + link.fragment
    return _US.join((link.url, link.tag, link.attr, link.text, str(link.region), fragment,
                     "1" if link.hidden else "0"))


def _links_blob(links: list[LinkFacts]) -> bytes:
    """A page's links as stored in its row (see ``_RECORDS``)."""
    records = [_link_record(link) for link in links]
    text = _RS.join(records)
    if text.count(_US) != 6 * len(records) or text.count(_RS) != max(len(records) - 1, 0):
        return _JSON + json.dumps([_link_row(link) for link in links], ensure_ascii=False).encode()
    return _RECORDS + text.encode()


def _link_row(link: LinkFacts) -> tuple:
    """A link as a row of the ``links`` table (url, tag, attr, text, region, fragment, hidden)."""
    return (link.url, link.tag, link.attr, link.text, str(link.region), link.fragment, int(link.hidden))


def _record_row(record: str) -> tuple:
    url, tag, attr, text, region, fragment, hidden = record.split(_US)
    return url, tag, attr, text, region, fragment[1:] if fragment else None, hidden == "1"


def _link_of_record(record: str) -> LinkFacts:
    return _link_of_row(_record_row(record))


def _links_of_blob(blob: bytes, by_record: Callable[[str], LinkFacts], by_row: Callable[[tuple], LinkFacts],
                   known: Callable[[str], LinkFacts | None] | None = None) -> list[LinkFacts]:
    """The links of a stored page's blob, each made (or shared) by ``by_record`` from its record.

    ``known``: a lookup of links already made (a load's pool), asked first: most records repeat the
    template's, and then a link costs one dictionary lookup instead of a call."""
    if blob[:1] == _JSON:
        return [by_row(tuple(row)) for row in json.loads(bytes(blob[1:]))]
    text = str(blob[1:], "utf-8")
    if not text:
        return []
    if known is None:
        return [by_record(record) for record in text.split(_RS)]
    return [known(record) or by_record(record) for record in text.split(_RS)]


# Distinct links a store keeps made for streamed pages: the first ones read, which are the template's
# (header, navigation, footer: on every page) once the first pages are in.
_TEMPLATE_LINKS = 4096
_UNREAD = dict.fromkeys(_DEFERRED)  # a streamed page's bulk fields before the reader is set: nothing held


# The fields a history page leaves empty, one shared read-only value each. Made per page by the
# dataclass's default factories, they were ~730 of the ~1,600 bytes a history page held (100,038
# pages: 158 MiB for the previous night's pages under the second night's check phase).
_HISTORY_EMPTIES = {
    "redirects": EMPTY, "meta": MappingProxyType({}), "breadcrumb": EMPTY, "links": EMPTY,
    "anchors": frozenset(), "pagination": EMPTY, "a11y": EMPTY, "privacy": EMPTY, "messages": EMPTY,
}


def _history_page_from_row(row: sqlite3.Row | Row, share: _Pool, docs: dict[date | None, DocInfo]) -> PageFacts:
    """A stored page as the history checks read it (see ``Store.history_pages``).

    Read-only like every loaded page, so its empty fields are shared values and its ``doc``
    (only the publication date is kept) is one object per date (``docs``)."""
    body = json.loads(zlib.decompress(row["facts"]))
    doc = None
    if (stored := body.get("doc")) is not None:
        day = share.date(stored.get("published_on"))
        doc = docs.get(day) or docs.setdefault(day, DocInfo(published_on=day))
    items = body.get("list_items")
    return PageFacts(
        url=row["url"],
        status=row["status"],
        final_url=share(row["final_url"]),
        content_type=share(row["content_type"]),
        published_on=share.date(row["published_on"]),
        doc=doc,
        list_items=[ListItem(share(u), share(t), share.date(d)) for u, t, d in items] if items else EMPTY,
        **_HISTORY_EMPTIES,  # type: ignore[arg-type]
    )


def _outcome_extra(outcome: LinkOutcome) -> str | None:
    if outcome.title is None and not outcome.terms and not outcome.privacy and outcome.validator is None:
        return None
    return json.dumps({"title": outcome.title, "terms": outcome.terms, "validator": outcome.validator,
                       "privacy": [hit.as_json() for hit in outcome.privacy]}, ensure_ascii=False)


def _outcome_from_row(row: sqlite3.Row | Row | tuple, share: _Pool | None = None) -> LinkOutcome:
    """A stored answer; with ``share`` (the check phase's read-only load), its repeated strings are kept
    once and its empty term and privacy lists are one shared empty tuple. A 20,000-page run holds about
    96,000 answers, whose per-row copies of "HTTP 200" / "HEAD" and two empty lists each were ~1 KB a page."""
    extra = json.loads(row[8]) if len(row) > 8 and row[8] else {}
    terms = list(extra.get("terms") or ())
    privacy = [PrivacyHit.from_json(hit) for hit in extra.get("privacy") or ()]
    if share is None:
        return LinkOutcome(row[1], LinkState(row[2]), row[3], row[4], row[5], bool(row[6]), row[7],
                           title=extra.get("title"), terms=terms, privacy=privacy, validator=extra.get("validator"))
    return LinkOutcome(
        row[1], LinkState(row[2]), row[3], share(row[4]), share(row[5]), bool(row[6]), share(row[7]),
        title=extra.get("title"), terms=terms or EMPTY, privacy=privacy or EMPTY,  # type: ignore[arg-type]
        validator=extra.get("validator"),
    )


# Most pages have no ids or a[name] anchors: one shared empty frozenset instead of an empty set (216 bytes) each.
_NO_ANCHORS: frozenset[str] = frozenset()


class Store:
    """A site's store (its SQLite file, or its schema in PostgreSQL). Use as a context manager or call ``close()``."""

    def __init__(self, path: str | Path, *, create: bool = True, site: str | None = None):
        """Open (and create or migrate) a store: a SQLite file path, or a ``postgresql://`` URL.

        ``site`` names the site of a PostgreSQL store when the URL has no ``?site=``;
        a path ignores it (the file is the site's).
        """
        self.postgres = is_postgres(str(path))
        self.db: sqlite3.Connection | PgConnection
        self._unread: list[weakref.ref[_StoredPage]] = []  # loaded pages that left fields here
        self._links: dict[tuple | str, LinkFacts] = {}  # see _template_link
        if self.postgres:
            try:
                location = PgLocation.parse(str(path), site)
            except ValueError as exc:
                raise StoreError(str(exc)) from None
            self.path = location.shown
            self.db = PgConnection(location)
            try:
                self.db.transact(lambda cur: self._open_postgres(cur, location, create))
            except BaseException:
                self.db.close()
                raise
            return
        self.path = Path(path)
        if not create and not self.path.exists():
            raise StoreError(f"{self.path}: no store here (has this site been crawled?)")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        self.db.row_factory = sqlite3.Row
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        row = self.db.execute(
            "SELECT value FROM meta WHERE key='schema'"
            if self.db.execute("SELECT 1 FROM sqlite_master WHERE name='meta'").fetchone()
            else "SELECT NULL WHERE 0"
        ).fetchone()
        self._check_version(row)
        if row is not None and int(row[0]) < SCHEMA_VERSION:
            self._write(lambda cur: self._migrate(cur, int(row[0])))
        self.db.executescript(_SCHEMA)
        if row is None:
            self.db.execute("INSERT INTO meta VALUES ('schema', ?)", (str(SCHEMA_VERSION),))

    def _check_version(self, row: sqlite3.Row | tuple | None) -> None:
        if row is not None and int(row[0]) > SCHEMA_VERSION:
            raise StoreError(
                f"{self.path}: store schema {row[0]} is newer than this version of govcrawl reads ({SCHEMA_VERSION});"
                " upgrade govcrawl"
            )

    def _open_postgres(self, cur: PgCursor, location: PgLocation, create: bool) -> None:
        """Check, migrate or create the site's schema, holding a lock so that workers opening it at once
        do it once (``CREATE … IF NOT EXISTS`` alone races in PostgreSQL)."""
        cur.execute("SELECT pg_advisory_xact_lock(hashtextextended(?, 0))", (f"govcrawl.store:{location.schema}",))
        exists = cur.execute(
            "SELECT 1 FROM information_schema.tables WHERE table_schema=? AND table_name='meta'", (location.schema,)
        ).fetchone()
        if not exists and not create:
            raise StoreError(f"{self.path}: no store here (has this site been crawled?)")
        row = cur.execute("SELECT value FROM meta WHERE key='schema'").fetchone() if exists else None
        self._check_version(row)
        if row is not None and int(row[0]) < SCHEMA_VERSION:
            self._migrate(cur, int(row[0]))
        if row is None or int(row[0]) < SCHEMA_VERSION:
            cur.execute(f'CREATE SCHEMA IF NOT EXISTS "{location.schema}"')
            cur.execute(_PG_SCHEMA)
        if row is None:
            cur.execute("INSERT INTO meta VALUES ('schema', ?)", (str(SCHEMA_VERSION),))

    def _columns(self, cur: _Cursor, table: str) -> set[str]:
        if self.postgres:
            return {row[0] for row in cur.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_schema=current_schema()"
                " AND table_name=?", (table,))}
        return {row[1] for row in cur.execute(f"PRAGMA table_info({table})")}

    def join_crawl(self) -> Store:
        """Set this connection up for one of a crawl's writers (its pipeline, a page worker, the resource lane).

        They share the file: each waits up to a minute for another's write lock instead of
        failing at once. And a writer hardly reads back what it wrote, so SQLite's page cache,
        2 MiB per connection by default and filled by a night of inserts, is held to
        ``CRAWL_CACHE_KIB``: 3 MiB less across a 5,000-page crawl's processes (bench/RESULTS.md).
        The check phase, which reads the whole run, keeps the default.
        """
        self.db.execute("PRAGMA busy_timeout=60000")  # on PostgreSQL: a lock wait (_storedialect)
        if not self.postgres:
            self.db.execute(f"PRAGMA cache_size=-{CRAWL_CACHE_KIB}")
        return self

    def _migrate(self, cur: _Cursor, version: int) -> None:
        """Bring an older store up to this version inside the caller's transaction (all or nothing)."""
        for target in range(version + 1, SCHEMA_VERSION + 1):
            for table, column, kind in _MIGRATIONS[target]:
                columns = self._columns(cur, table)
                if columns and column not in columns:
                    cur.execute(f"ALTER TABLE {table} ADD COLUMN {column} {pg_type(kind) if self.postgres else kind}")
        cur.execute("UPDATE meta SET value=? WHERE key='schema'", (str(SCHEMA_VERSION),))

    def _write[T](self, work: Callable[[_Cursor], T]) -> T:
        """Run ``work`` in one write transaction.

        SQLite: ``BEGIN IMMEDIATE`` takes the file's write lock up front, so
        writers from several processes serialise. PostgreSQL has no such lock:
        rows are locked as they are written, and a transaction that lost a race
        (a key another writer inserted first, a deadlock) is run again whole.
        """
        if isinstance(self.db, PgConnection):
            return self.db.transact(work)
        cur = self.db.cursor()
        cur.execute("BEGIN IMMEDIATE")
        try:
            result = work(cur)
            cur.execute("COMMIT")
        except BaseException:
            cur.execute("ROLLBACK")
            raise
        return result

    def _insert_id(self, cur: _Cursor, query: str, params: tuple) -> int:
        """Run an INSERT of one row into ``pages`` and return its new id."""
        if self.postgres:
            return cur.execute(query + " RETURNING id", params).fetchone()[0]
        cur.execute(query, params)
        return cur.lastrowid  # type: ignore[union-attr,return-value]

    def _upsert(self, table: str, columns: tuple[str, ...], key: tuple[str, ...], source: str | None = None) -> str:
        return upsert(table, columns, key, source, postgres=self.postgres)

    def close(self) -> None:
        for ref in self._unread:  # loaded pages outlive the store whole (what they left here read now)
            page = ref()
            if page is not None:
                page._materialise()
        self._unread.clear()
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- runs -------------------------------------------------------------
    def begin_run(self, run: RunInfo) -> None:
        self.db.execute(
            "INSERT INTO runs (id, site, started, today, tool_version, status, stats, base_run)"
            " VALUES (?,?,?,?,?,?,?,?)",
            (run.id, run.site, run.started, run.today.isoformat(), run.tool_version, run.status,
             json.dumps(run.stats, ensure_ascii=False), run.base_run),
        )

    def update_run(self, run: RunInfo) -> None:
        self.db.execute(
            "UPDATE runs SET finished=?, today=?, pages_crawled=?, status=?, stats=? WHERE id=?",
            (
                run.finished,
                run.today.isoformat(),
                run.pages_crawled,
                run.status,
                json.dumps(run.stats, ensure_ascii=False),
                run.id,
            ),
        )

    def get_run(self, run_id: str) -> RunInfo:
        row = self.db.execute("SELECT * FROM runs WHERE id=?", (run_id,)).fetchone()
        if row is None:
            raise StoreError(f"run {run_id}: not in {self.path}")
        return RunInfo(
            id=row["id"],
            site=row["site"],
            started=row["started"],
            finished=row["finished"],
            today=date.fromisoformat(row["today"]),
            pages_crawled=row["pages_crawled"],
            tool_version=row["tool_version"],
            status=row["status"],
            stats=json.loads(row["stats"]),
            base_run=row["base_run"],
        )

    def runs(self) -> list[RunInfo]:
        ids = [r[0] for r in self.db.execute("SELECT id FROM runs ORDER BY started")]
        return [self.get_run(i) for i in ids]

    # -- pages and links ---------------------------------------------------
    def add_pages(
        self, run_id: str, pages: Iterable[PageFacts], raws: Iterable[tuple[str, RawResponse]] = (),
        carried: Iterable[tuple[str, str]] = (),
    ) -> None:
        """Write a batch of pages and their links in one transaction.

        ``raws``: (page URL, response as sent) kept as evidence; ``carried``:
        (source run, page URL) of unchanged pages whose evidence is copied from
        the run that last downloaded them.
        """
        # Everything is read and encoded before the transaction: a generator that fails leaves
        # nothing written, the write lock is held only for writing, and PostgreSQL can run it again.
        raws, carried = list(raws), list(carried)
        rows = [
            (run_id, page.url, page.status, page.final_url, page.content_type, page.title, page.column,
             page.published_on.isoformat() if page.published_on else None, page.depth, page.error,
             _page_blob(page), page.etag, page.last_modified, _text_blob(page.text), _links_blob(page.links))
            for page in pages
        ]

        def write(cur: _Cursor) -> None:
            for url, raw in raws:
                self._put_raw(cur, run_id, url, raw)
            for source, url in carried:
                self._carry_raw(cur, run_id, source, url)
            for page_row in rows:
                # A page stored again (a resumed crawl) replaces its row and its links; the new row
                # gets a new id, so it sorts where it was stored last, as SQLite's REPLACE did.
                self._drop_page(cur, page_row[0], page_row[1])
                self._insert_id(
                    cur,
                    "INSERT INTO pages (run_id, url, status, final_url, content_type, title,"
                    " column_name, published_on, depth, error, facts, etag, last_modified, text, links)"
                    " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                    page_row,
                )

        self._write(write)

    def _drop_page(self, cur: _Cursor, run_id: str, url: str) -> None:
        """Delete a stored page and its links (before storing it again; an older version's page has rows in
        ``links``)."""
        if not self.postgres:
            cur.execute("DELETE FROM links WHERE page_id IN (SELECT id FROM pages WHERE run_id=? AND url=?)",
                        (run_id, url))
            cur.execute("DELETE FROM pages WHERE run_id=? AND url=?", (run_id, url))
            return
        # The page row first: deleting it locks it, so a second writer of the same page waits here,
        # then finds no row and fails on the unique key when it inserts (and runs again, now seeing
        # the first writer's page). Links first would let it delete the first writer's new page
        # but not that page's links.
        ids = [row[0] for row in cur.execute("DELETE FROM pages WHERE run_id=? AND url=? RETURNING id", (run_id, url))]
        if ids:
            cur.execute("DELETE FROM links WHERE page_id = ANY(?)", (ids,))

    def _serialise(self, cur: _Cursor, key: str) -> None:
        """Make transactions that name the same ``key`` run one after the other (SQLite: they already do)."""
        if self.postgres:
            cur.execute("SELECT pg_advisory_xact_lock(hashtextextended(current_schema() || ':' || ?, 0))", (key,))

    def _base(self, run_id: str) -> str | None:
        row = self.db.execute("SELECT base_run FROM runs WHERE id=?", (run_id,)).fetchone()
        return row[0] if row else None

    def pages(self, run_id: str, *, stream: bool = False) -> Iterator[PageFacts]:
        """Every page of a run with its links, in crawl order.

        A re-check run (``base_run`` set) stores only the pages it fetched again:
        its pages are the base run's, each replaced by its newer copy where there is one.
        Values repeated across pages (template links, meta, labels) are shared, not copied.
        The text of each page stays in the store until it is read (``_StoredPage``); with
        ``stream`` its links and the facts blob's bulk do too, so the pages of a large run
        hold only their URL, status, title, dates and other small fields in memory.
        """
        share = _Pool()
        reader = _PageReader(self, stream)
        return self._merged(run_id, lambda rid: self._own_pages(rid, share, reader))

    def history_pages(self, run_id: str) -> Iterator[PageFacts]:
        """A run's pages as the history checks compare them with a later night, in crawl order.

        ``SiteFacts.previous`` only answers which URLs were read, their stated dates and
        the items their lists showed (``backdated-post``). Each page carries ``url``,
        ``status``, ``final_url``, ``content_type``, ``published_on``, ``doc.published_on``
        and ``list_items``; everything else keeps its default. Text, links, meta and a11y
        nodes are most of a page's memory and the previous night's are never read, so
        loading them would double the check phase's memory for nothing.
        """
        share = _Pool()
        docs: dict[date | None, DocInfo] = {}
        return self._merged(run_id, lambda rid: (
            _history_page_from_row(row, share, docs) for row in self.db.execute(
                "SELECT url, status, final_url, content_type, published_on, facts FROM pages"
                " WHERE run_id=? ORDER BY id", (rid,))
        ))

    def _merged(self, run_id: str, own: Callable[[str], Iterator[PageFacts]]) -> Iterator[PageFacts]:
        """A run's own pages, or for a re-check run its base run's with the newer copies in their place."""
        base = self._base(run_id)
        if base is None:
            yield from own(run_id)
            return
        newer = {page.url: page for page in own(run_id)}
        for page in own(base):
            yield newer.pop(page.url, page)
        yield from newer.values()

    def _own_pages(self, run_id: str, share: _Pool, reader: _PageReader) -> Iterator[PageFacts]:
        links: dict[int, list[LinkFacts]] = {}
        if not reader.streamed and self.db.execute(
                "SELECT 1 FROM pages WHERE run_id=? AND links IS NULL LIMIT 1", (run_id,)).fetchone():
            # pages stored by an older version: their links are rows of ``links``
            cur = self.db.cursor()
            if not self.postgres:
                cur.row_factory = None  # plain tuples, sliced into the pool's keys
            # Page by page through the links_page index: ordered by the join's l.rowid, SQLite sorted all the
            # run's links in a temporary B-tree first (5,000 pages: 424,000 rows, 130 of 570 ms).
            cur.execute(
                "SELECT l.page_id, l.url, l.tag, l.attr, l.text, l.region, l.fragment, l.hidden FROM links l"
                " WHERE l.page_id IN (SELECT id FROM pages WHERE run_id=?) ORDER BY l.page_id, l.rowid",
                (run_id,),
            )
            link, page_id, page_links = share.link, None, []
            for row in cur:  # a page's links are stored together: one list lookup per page, not per link
                if row[0] != page_id:
                    page_id = row[0]
                    page_links = links.setdefault(page_id, [])
                page_links.append(link(tuple(row[1:])))
        columns = _LOADED_COLUMNS if reader.streamed else _LOADED_COLUMNS + ", links"
        for row in self.db.execute(f"SELECT {columns} FROM pages WHERE run_id=? ORDER BY id", (run_id,)):
            blob = None if reader.streamed else row["links"]
            if blob is None:
                page_links = links.pop(row["id"], [])
            else:
                page_links = _links_of_blob(blob, share.link_record, share.link, share._links.get)
            page = _page_from_row(row, page_links, share, reader)
            self._unread.append(weakref.ref(page))
            yield page

    def _page_links(self, page_id: int, blob: bytes | None, by_record: Callable[[str], LinkFacts],
                    by_row: Callable[[tuple], LinkFacts]) -> list[LinkFacts]:
        """One stored page's links, in page order: from its row's ``blob``, else (stored by an older
        version) from the ``links`` table."""
        if blob is not None:
            return _links_of_blob(blob, by_record, by_row)
        return [by_row(row) for row in self._link_rows(page_id)]

    def _link_rows(self, page_id: int) -> list[tuple]:
        """One older page's rows of ``links`` as plain tuples (url, tag, attr, text, region, fragment, hidden)."""
        cur = self.db.cursor()
        if not self.postgres:
            cur.row_factory = None  # plain tuples: ~90 rows a page, and they key the template's links
        rows = cur.execute(
            "SELECT url, tag, attr, text, region, fragment, hidden FROM links WHERE page_id=? ORDER BY rowid",
            (page_id,)).fetchall()
        return [tuple(row) for row in rows]

    def _template_link(self, key: tuple | str) -> LinkFacts:
        """The link of a stored links row or record; the links that repeat on every page (the template's) are
        made once."""
        link = self._links.get(key)
        if link is None:
            link = _link_of_row(_record_row(key) if isinstance(key, str) else key)
            if len(self._links) < _TEMPLATE_LINKS:
                self._links[key] = link
        return link

    def _page_text(self, page_id: int) -> str:
        """The visible text of one stored page (what a loaded page's ``text`` reads)."""
        # The text column alone: the facts blob (a row stored before the column) only when it is empty.
        # Six checks read each page's text; taking the blob along copied it out of the store each time.
        row = self.db.execute("SELECT text FROM pages WHERE id=?", (page_id,)).fetchone()
        if row is None:  # the run was deleted or re-stored since the page was loaded
            raise StoreError(f"{self.path}: page {page_id} is no longer stored")
        if row[0] is None:
            row = self.db.execute("SELECT text, facts FROM pages WHERE id=?", (page_id,)).fetchone()
        return _text_of(row)

    def _page_part(self, page_id: int, part: str) -> dict:
        """What a streamed page left in the store: its blob's bulk ("blob"), its links ("links") or its text ("text")."""
        if part == "links":
            row = self.db.execute("SELECT links FROM pages WHERE id=?", (page_id,)).fetchone()
            if row is None:
                raise StoreError(f"{self.path}: page {page_id} is no longer stored")
            return {"links": self._page_links(page_id, row[0], self._template_link, self._template_link)}
        if part == "text":
            return {"text": self._page_text(page_id)}
        row = self.db.execute("SELECT facts FROM pages WHERE id=?", (page_id,)).fetchone()
        if row is None:
            raise StoreError(f"{self.path}: page {page_id} is no longer stored")
        return _blob_values(json.loads(zlib.decompress(row[0])), _NO_POOL)

    def page(self, run_id: str, url: str) -> PageFacts | None:
        """One stored page of a run (a re-check run falls back to its base), or None."""
        for rid in (run_id, self._base(run_id)):
            if rid is None:
                continue
            row = self.db.execute("SELECT * FROM pages WHERE run_id=? AND url=?", (rid, url)).fetchone()
            if row is not None:
                return _page_from_row(row, self._page_links(row["id"], row["links"], _link_of_record, _link_of_row))
        return None

    def validators(self, run_id: str) -> dict[str, tuple[str | None, str | None]]:
        """URL -> (ETag, Last-Modified) of a run's readable pages, for next night's conditional requests."""
        out: dict[str, tuple[str | None, str | None]] = {}
        for rid in (self._base(run_id), run_id):
            if rid is None:
                continue
            for url, etag, modified in self.db.execute(
                "SELECT url, etag, last_modified FROM pages WHERE run_id=? AND error IS NULL"
                " AND status BETWEEN 200 AND 299", (rid,)
            ):
                if etag or modified:
                    out[url] = (etag, modified)
                else:
                    out.pop(url, None)
        return out

    def page_count(self, run_id: str) -> int:
        """How many pages a run stored, with its base run's for a re-check run (an upper bound of its pages)."""
        ids = (run_id, self._base(run_id) or run_id)
        return self.db.execute("SELECT COUNT(*) FROM pages WHERE run_id IN (?, ?)", ids).fetchone()[0]

    def page_urls(self, run_id: str) -> set[str]:
        """The URLs a run stored as pages (its own rows only: what a resumed crawl need not fetch again)."""
        return {row[0] for row in self.db.execute("SELECT url FROM pages WHERE run_id=?", (run_id,))}

    def answered_urls(self, run_id: str) -> set[str]:
        """The URLs a run holds an answer for: its stored pages and its link outcomes, but not page fetches'.

        A page's fetch outcome (method PAGE) and its facts are written by different
        processes in separate batches (the crawl process, a page worker); only the
        facts show the page is stored, so a page with an outcome and no facts is
        unanswered (its page worker died with it unwritten)."""
        rows = self.db.execute(
            "SELECT url FROM pages WHERE run_id=? UNION "
            "SELECT url FROM link_status WHERE run_id=? AND (method IS NULL OR method <> 'PAGE')", (run_id, run_id))
        return {row[0] for row in rows}

    def pages_without_outcome(self, run_id: str) -> list[str]:
        """Stored pages of a run with no fetch outcome (their crawl process died before writing it)."""
        rows = self.db.execute(
            "SELECT url FROM pages p WHERE run_id=? AND NOT EXISTS "
            "(SELECT 1 FROM link_status s WHERE s.run_id=p.run_id AND s.url=p.url) ORDER BY url", (run_id,))
        return [row[0] for row in rows]

    def add_outcomes(self, run_id: str, outcomes: Iterable[LinkOutcome]) -> None:
        rows = [
            (run_id, o.url, str(o.state), o.http_status, o.reason, o.final_url, int(o.internal), o.method,
             _outcome_extra(o))
            for o in outcomes
        ]
        query = self._upsert("link_status", ("run_id", "url", "state", "http_status", "reason", "final_url",
                                             "internal", "method", "extra"), ("run_id", "url"))
        self._write(lambda cur: cur.executemany(query, rows))

    # -- raw responses (evidence) -------------------------------------------------
    def _put_raw(self, cur: _Cursor, run_id: str, url: str, raw: RawResponse) -> None:
        head = json.dumps({
            "url": raw.url, "method": raw.method, "http_version": raw.http_version,
            "request_headers": raw.request_headers, "response_headers": raw.response_headers,
        }, ensure_ascii=False)
        body = zlib.compress(raw.body, 6)
        cur.execute(self._upsert("raw_responses", _RAW_COLUMNS, ("run_id", "url")),
                    (run_id, url, raw.fetched_at, raw.status, head, body, len(body) + len(head)))

    def _carry_raw(self, cur: _Cursor, run_id: str, source: str, url: str) -> None:
        """Copy an unchanged page's capture: the source run's, else the newest any run kept."""

        def copy(where: str) -> str:
            select = f"SELECT ?, url, fetched_at, status, head, body, size FROM raw_responses WHERE {where}"
            return self._upsert("raw_responses", _RAW_COLUMNS, ("run_id", "url"), select)

        for rid in (source, self._base(source)):
            if rid is not None and cur.execute(copy("run_id=? AND url=?"), (run_id, rid, url)).rowcount:
                return
        cur.execute(copy("url=? AND run_id<>? ORDER BY fetched_at DESC LIMIT 1"), (run_id, url, run_id))

    def raw(self, run_id: str, url: str) -> RawResponse | None:
        """The response a page's facts were read from, as the server sent it (a re-check falls back to its base)."""
        for rid in (run_id, self._base(run_id)):
            if rid is None:
                continue
            row = self.db.execute(
                "SELECT fetched_at, status, head, body FROM raw_responses WHERE run_id=? AND url=?", (rid, url)
            ).fetchone()
            if row is not None:
                head = json.loads(row[2])
                return RawResponse(
                    url=head["url"], fetched_at=row[0], status=row[1],
                    response_headers=[tuple(h) for h in head["response_headers"]],
                    body=zlib.decompress(row[3]),
                    request_headers=[tuple(h) for h in head["request_headers"]],
                    method=head["method"], http_version=head["http_version"],
                )
        return None

    def prune_raw(self, run_id: str, keep: set[str]) -> int:
        """Drop a run's kept responses except those of ``keep`` (pages with findings); return bytes freed."""
        rows = self.db.execute("SELECT url, size FROM raw_responses WHERE run_id=?", (run_id,)).fetchall()
        drop = [(run_id, url) for url, _ in rows if url not in keep]
        freed = sum(size for url, size in rows if url not in keep)
        if drop:
            self._write(lambda cur: cur.executemany("DELETE FROM raw_responses WHERE run_id=? AND url=?", drop))
        return freed

    def delete_raw(self, run_id: str) -> int:
        """Drop every kept response of a run (a newer run of the same quarter holds the evidence now)."""
        freed = self.db.execute("SELECT COALESCE(SUM(size), 0) FROM raw_responses WHERE run_id=?",
                                (run_id,)).fetchone()[0]
        self.db.execute("DELETE FROM raw_responses WHERE run_id=?", (run_id,))
        return int(freed)

    def raw_usage(self) -> dict[str, int]:
        """Bytes of kept responses per run (compressed, as stored)."""
        return {run_id: int(size) for run_id, size in self.db.execute(
            "SELECT run_id, SUM(size) FROM raw_responses GROUP BY run_id")}

    def outcomes(self, run_id: str) -> Outcomes:
        """What each URL answered in a run (a re-check run: its answers over its base run's), read-only."""
        out = Outcomes()
        share = _Pool()
        for rid in (self._base(run_id), run_id):
            if rid is None:
                continue
            # ORDER BY url: the order SQLite's primary-key index gave unasked, spelt out for PostgreSQL.
            for row in self.db.execute("SELECT * FROM link_status WHERE run_id=? ORDER BY url", (rid,)):
                out.add(_outcome_from_row(row, share))
        return out

    # -- findings ----------------------------------------------------------
    def replace_findings(self, run_id: str, findings: Iterable[Finding], fixed: Iterable[Finding] = ()) -> None:
        """Store a run's findings (and those fixed since the previous run), replacing an earlier check's.

        Rows are serialised as they are written, not all first: a 100,000-page run has about 110,000
        findings, whose JSON bodies together were ~150 MB held at once."""
        findings, fixed = list(findings), list(fixed)  # re-read if the write is retried

        def write(cur: _Cursor) -> None:
            # Two checks of one run at once: the second must see the first's rows to replace them.
            self._serialise(cur, f"findings:{run_id}")
            cur.execute("DELETE FROM findings WHERE run_id=?", (run_id,))
            cur.execute("DELETE FROM fixed WHERE run_id=?", (run_id,))
            cur.executemany("INSERT INTO fixed (run_id, id, department, body) VALUES (?,?,?,?)",
                            ((run_id, f.id, f.department, json.dumps(f.as_json(), ensure_ascii=False)) for f in fixed))
            cur.executemany(
                "INSERT INTO findings (run_id, id, check_id, department, body) VALUES (?,?,?,?,?)",
                ((run_id, f.id, f.check, f.department, json.dumps(f.as_json(), ensure_ascii=False)) for f in findings),
            )

        self._write(write)

    def fixed(self, run_id: str) -> list[Finding]:
        """The findings a run found fixed since the previous completed run."""
        pool = ValuePool()
        return [
            Finding.from_json(json.loads(row[0]), pool)
            for row in self.db.execute("SELECT body FROM fixed WHERE run_id=? ORDER BY rowid", (run_id,))
        ]

    def fixed_before(self, run_ids: list[str], ids: Iterable[str]) -> dict[str, str]:
        """Of ``ids``, those fixed in one of ``run_ids``, with the night they were first seen (for reopened)."""
        wanted = set(ids)
        out: dict[str, str] = {}
        if not run_ids or not wanted:
            return out
        marks = ",".join("?" * len(run_ids))
        for fid, body in self.db.execute(f"SELECT id, body FROM fixed WHERE run_id IN ({marks})", run_ids):
            if fid in wanted:
                first = json.loads(body).get("first_seen")
                if first and (fid not in out or first < out[fid]):
                    out[fid] = first
        return out

    def open_counts(self, run_ids: list[str]) -> dict[str, dict[str, int]]:
        """Findings per department of each run (the report's 30-night trend)."""
        out: dict[str, dict[str, int]] = {run_id: {} for run_id in run_ids}
        if not run_ids:
            return out
        marks = ",".join("?" * len(run_ids))
        for run_id, dept, count in self.db.execute(
            f"SELECT run_id, department, COUNT(*) FROM findings WHERE run_id IN ({marks}) GROUP BY run_id, department",
            run_ids,
        ):
            out[run_id][dept] = count
        return out

    def findings(self, run_id: str) -> list[Finding]:
        """A run's findings in the order they were stored, equal values shared (``Finding.from_json``)."""
        return list(self.iter_findings(run_id))

    def iter_findings(self, run_id: str) -> Iterator[Finding]:
        """A run's findings as ``findings`` gives them, made one row at a time as they are read.

        For who keeps only part of each (the lifecycle keeps a first night of most of the
        previous night's findings): the whole list of a 100,000-page run is ~90 MiB.
        """
        pool = ValuePool()
        for row in self.db.execute("SELECT body FROM findings WHERE run_id=? ORDER BY rowid", (run_id,)):
            yield Finding.from_json(json.loads(row[0]), pool)

    # -- browser pass (accessibility audits and their screenshots) --------------
    def add_audits(self, run_id: str, audits: Iterable[PageAudit]) -> None:
        """Store browser audits (replacing an earlier audit of the same page) and their screenshots."""
        rows = []
        for audit in audits:
            body = {
                "nodes": [node.as_json() for node in audit.nodes],
                "elapsed_ms": audit.elapsed_ms,
                "error": audit.error,
                "axe_version": audit.axe_version,
                "metrics": audit.metrics,
            }
            blob = zlib.compress(json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode(), 3)
            rows.append(((run_id, audit.url, audit.status, blob),
                         [(run_id, audit.url, key, png) for key, png in audit.screenshots.items()]))
        query = self._upsert("audits", ("run_id", "url", "status", "body"), ("run_id", "url"))

        def write(cur: _Cursor) -> None:
            for audit_row, shots in rows:
                cur.execute(query, audit_row)
                cur.execute("DELETE FROM screenshots WHERE run_id=? AND url=?", audit_row[:2])
                cur.executemany("INSERT INTO screenshots VALUES (?,?,?,?)", shots)

        self._write(write)

    def audits(self, run_id: str) -> dict[str, PageAudit]:
        """Every browser audit of a run by page URL.

        Screenshots stay in the store: ``PageAudit.screenshots`` lists their keys with
        empty bytes, and ``screenshot`` reads one when a report needs it.
        """
        out: dict[str, PageAudit] = {}
        for rid in (self._base(run_id), run_id):
            if rid is None:
                continue
            mine: set[str] = set()
            for url, status, blob in self.db.execute(
                "SELECT url, status, body FROM audits WHERE run_id=? ORDER BY url", (rid,)
            ):
                body = json.loads(zlib.decompress(blob))
                mine.add(url)
                out[url] = PageAudit(
                    url, status, [A11yNode.from_json(n) for n in body.get("nodes") or ()], body.get("elapsed_ms", 0),
                    body.get("error"), body.get("axe_version"), body.get("metrics") or {},
                )
            for url, key in self.db.execute("SELECT url, key FROM screenshots WHERE run_id=?", (rid,)):
                if url in mine:
                    out[url].screenshots[key] = b""
        return out

    def screenshot(self, run_id: str, url: str, key: str) -> bytes | None:
        for rid in (run_id, self._base(run_id)):
            row = self.db.execute(
                "SELECT png FROM screenshots WHERE run_id=? AND url=? AND key=?", (rid, url, key)
            ).fetchone() if rid else None
            if row:
                return row[0]
        return None

    def audited_urls(self, run_id: str) -> set[str]:
        """Pages this run already rendered in the browser (a resumed run does not render them again)."""
        return {row[0] for row in self.db.execute("SELECT url FROM audits WHERE run_id=?", (run_id,))}

    # -- retention ---------------------------------------------------------------
    def delete_run(self, run_id: str) -> None:
        """Remove one run and everything stored for it, in one transaction.

        Refused (``StoreError``) for a pinned run and for the base of a re-check run:
        evidence and newer runs must never lose the facts they point to.
        """

        def write(cur: _Cursor) -> None:
            if self.postgres:
                # What SQLite's write lock gives for free: no pin and no re-check on this run can be
                # added between the checks below and the delete (pin() and begin_run() wait).
                cur.execute("LOCK TABLE pins, runs IN SHARE ROW EXCLUSIVE MODE")
            if cur.execute("SELECT 1 FROM pins WHERE run_id=?", (run_id,)).fetchone():
                raise StoreError(f"run {run_id} is pinned ({', '.join(self.pinned()[run_id])}); not deleted")
            if cur.execute("SELECT 1 FROM runs WHERE base_run=?", (run_id,)).fetchone():
                raise StoreError(f"run {run_id} is the base of a re-check run; not deleted")
            cur.execute("DELETE FROM links WHERE page_id IN (SELECT id FROM pages WHERE run_id=?)", (run_id,))
            for table in ("pages", "link_status", "findings", "fixed", "audits", "screenshots", "raw_responses"):
                cur.execute(f"DELETE FROM {table} WHERE run_id=?", (run_id,))
            cur.execute("DELETE FROM runs WHERE id=?", (run_id,))

        self._write(write)

    def copy_own(self, source: str, target: str) -> None:
        """Copy what ``source`` stored itself (pages, links, answers, audits) into ``target``.

        A re-check of a re-check starts from the earlier re-check's pages, so every
        re-check run sits directly on a full crawl (one level of overlay, never a chain).
        """
        columns = ("url, status, final_url, content_type, title, column_name, published_on, depth, error,"
                   " facts, etag, last_modified, text, links")
        link_columns = "url, tag, attr, text, region, fragment, hidden"

        def write(cur: _Cursor) -> None:
            for (old_id,) in cur.execute("SELECT id FROM pages WHERE run_id=? ORDER BY id", (source,)).fetchall():
                new_id = self._insert_id(
                    cur, f"INSERT INTO pages (run_id, {columns}) SELECT ?, {columns} FROM pages WHERE id=?",
                    (target, old_id))
                # (rows of ``links`` only where an older version stored the page)
                cur.execute(f"INSERT INTO links (page_id, {link_columns}) SELECT ?, {link_columns} FROM links"
                            " WHERE page_id=? ORDER BY rowid", (new_id, old_id))
            cur.execute("INSERT INTO link_status SELECT ?, url, state, http_status, reason, final_url, internal,"
                        " method, extra FROM link_status WHERE run_id=?", (target, source))
            cur.execute("INSERT INTO audits SELECT ?, url, status, body FROM audits WHERE run_id=?", (target, source))
            cur.execute("INSERT INTO screenshots SELECT ?, url, key, png FROM screenshots WHERE run_id=?",
                        (target, source))
            cur.execute("INSERT INTO raw_responses SELECT ?, url, fetched_at, status, head, body, size"
                        " FROM raw_responses WHERE run_id=?", (target, source))

        self._write(write)

    def pin(self, run_ids: Iterable[str], reason: str, created: str) -> None:
        """Keep these runs whatever ``--keep-runs`` says (e.g. a quarterly evidence pack refers to them)."""
        rows = [(r, reason, created) for r in run_ids]
        query = self._upsert("pins", ("run_id", "reason", "created"), ("run_id", "reason"))
        self._write(lambda cur: cur.executemany(query, rows))

    def pinned(self) -> dict[str, list[str]]:
        """Run id -> the reasons it is pinned."""
        out: dict[str, list[str]] = {}
        for run_id, reason in self.db.execute("SELECT run_id, reason FROM pins ORDER BY created"):
            out.setdefault(run_id, []).append(reason)
        return out

    # -- availability probes (govcrawl probe) -------------------------------------
    def add_probes(self, probes: Iterable[ProbeResult]) -> None:
        """Record probes (two probes in the same second are two visits: both are kept)."""
        rows = [(p.at, probe_day(p).isoformat(), p.url, int(p.homepage), int(p.ok), p.kind, p.status,
                 p.ttfb_ms, p.total_ms, p.size, p.final_url, p.reason) for p in probes]
        self._write(lambda cur: cur.executemany(
            "INSERT INTO probes (at, day, url, homepage, ok, kind, status, ttfb_ms, total_ms, size, final_url,"
            " reason) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", rows))

    def probes(self, start: date, end: date) -> list[ProbeResult]:
        """Probes of the days start..end (inclusive, Asia/Shanghai dates), oldest first."""
        rows = self.db.execute(
            "SELECT * FROM probes WHERE day >= ? AND day <= ? ORDER BY at, rowid", (start.isoformat(), end.isoformat())
        )
        return [
            ProbeResult(url=r["url"], at=r["at"], ok=bool(r["ok"]), kind=r["kind"], status=r["status"],
                        ttfb_ms=r["ttfb_ms"], total_ms=r["total_ms"], size=r["size"], final_url=r["final_url"],
                        reason=r["reason"], homepage=bool(r["homepage"]))
            for r in rows
        ]

    def prune_probes(self, before: date) -> int:
        """Delete probes of days before ``before``; returns how many."""
        return self._write(lambda cur: cur.execute("DELETE FROM probes WHERE day < ?", (before.isoformat(),)).rowcount)

    def compact(self) -> None:
        """Give the space of deleted runs back to the file system.

        PostgreSQL: a plain VACUUM of this site's tables, which makes the space
        reusable without the exclusive lock of VACUUM FULL, which would stop
        every other site's workers writing to the same database.
        """
        if not self.postgres:
            self.db.execute("VACUUM")
            return
        tables = [row[0] for row in self.db.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema=current_schema()"
            " AND table_type='BASE TABLE' ORDER BY table_name")]
        for table in tables:
            self.db.execute(f'VACUUM (ANALYZE) "{table}"')

    def reusable_outcomes(self, run_ids: list[str]) -> dict[str, LinkOutcome]:
        """External links that answered fine in the given runs (the newest answer per URL)."""
        out: dict[str, LinkOutcome] = {}
        if not run_ids:
            return out
        marks = ",".join("?" * len(run_ids))
        rows = self.db.execute(
            f"SELECT ls.* FROM link_status ls JOIN runs r ON r.id = ls.run_id WHERE ls.run_id IN ({marks})"
            " AND ls.internal = 0 AND ls.state = ? ORDER BY r.started",
            (*run_ids, LinkState.OK.value),
        )
        for row in rows:
            out[row[1]] = _outcome_from_row(row)
        return out
