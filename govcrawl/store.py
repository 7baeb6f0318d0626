"""The facts store: the only module that speaks SQL.

One SQLite file per site (WAL mode) holds every run, its pages, links, link
outcomes and findings. The crawler writes, the checks read, the reports read;
nothing else touches the database, so a stored run can be re-checked with new
rules or another ``--today`` and re-reported without crawling.

Pages are stored as a few queryable columns plus a zlib-compressed JSON blob of
the rest: the blob keeps the schema stable while extraction grows new fields.
"""

from __future__ import annotations

import json
import sqlite3
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import asdict
from datetime import date
from pathlib import Path

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
)

SCHEMA_VERSION = 4

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
    UNIQUE (run_id, url)
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
}


class StoreError(Exception):
    """The store file is missing, foreign or from an incompatible version."""


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


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
        "text": page.text,
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


def _page_from_row(row: sqlite3.Row, links: list[LinkFacts]) -> PageFacts:
    body = json.loads(zlib.decompress(row["facts"]))
    doc = None
    if body.get("doc") is not None:
        raw = body["doc"]
        for key in ("written_on", "published_on", "valid_until", "effective_from"):
            raw[key] = _date(raw.get(key))
        doc = DocInfo(**raw)
    return PageFacts(
        url=row["url"],
        status=row["status"],
        final_url=row["final_url"],
        redirects=body.get("redirects") or [],
        content_type=row["content_type"],
        encoding=body.get("encoding"),
        title=row["title"],
        lang=body.get("lang"),
        meta=body.get("meta") or {},
        breadcrumb=body.get("breadcrumb") or [],
        column=row["column_name"],
        heading=body.get("heading"),
        doc=doc,
        published_on=_date(row["published_on"]),
        text=body.get("text") or "",
        links=links,
        anchors=set(body.get("anchors") or ()),
        list_items=[ListItem(u, t, _date(d)) for u, t, d in body.get("list_items") or ()],
        pagination=body.get("pagination") or [],
        depth=row["depth"],
        referer=body.get("referer"),
        response_ms=body.get("response_ms"),
        error=row["error"],
        template=body.get("template"),
        a11y=[A11yNode.from_json(node) for node in body.get("a11y") or ()],
        etag=row["etag"],
        last_modified=row["last_modified"],
        unchanged=bool(body.get("unchanged")),
        privacy=[PrivacyHit.from_json(hit) for hit in body.get("privacy") or ()],
        messages=[MessageFact.from_json(message) for message in body.get("messages") or ()],
    )


def _outcome_extra(outcome: LinkOutcome) -> str | None:
    if outcome.title is None and not outcome.terms and not outcome.privacy and outcome.validator is None:
        return None
    return json.dumps({"title": outcome.title, "terms": outcome.terms, "validator": outcome.validator,
                       "privacy": [hit.as_json() for hit in outcome.privacy]}, ensure_ascii=False)


def _outcome_from_row(row: sqlite3.Row | tuple) -> LinkOutcome:
    extra = json.loads(row[8]) if len(row) > 8 and row[8] else {}
    return LinkOutcome(
        row[1], LinkState(row[2]), row[3], row[4], row[5], bool(row[6]), row[7],
        title=extra.get("title"), terms=list(extra.get("terms") or ()),
        privacy=[PrivacyHit.from_json(hit) for hit in extra.get("privacy") or ()],
        validator=extra.get("validator"),
    )


class Store:
    """A site's store file. Use as a context manager or call ``close()``."""

    def __init__(self, path: str | Path, *, create: bool = True):
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
        if row is not None and int(row[0]) > SCHEMA_VERSION:
            raise StoreError(
                f"{self.path}: store schema {row[0]} is newer than this version of govcrawl reads ({SCHEMA_VERSION});"
                " upgrade govcrawl"
            )
        if row is not None and int(row[0]) < SCHEMA_VERSION:
            self._migrate(int(row[0]))
        self.db.executescript(_SCHEMA)
        if row is None:
            self.db.execute("INSERT INTO meta VALUES ('schema', ?)", (str(SCHEMA_VERSION),))

    def _migrate(self, version: int) -> None:
        """Bring an older store up to this version in one transaction (all or nothing)."""
        cur = self.db.cursor()
        cur.execute("BEGIN IMMEDIATE")
        try:
            for target in range(version + 1, SCHEMA_VERSION + 1):
                for table, column, kind in _MIGRATIONS[target]:
                    columns = {row[1] for row in cur.execute(f"PRAGMA table_info({table})")}
                    if columns and column not in columns:
                        cur.execute(f"ALTER TABLE {table} ADD COLUMN {column} {kind}")
            cur.execute("UPDATE meta SET value=? WHERE key='schema'", (str(SCHEMA_VERSION),))
            cur.execute("COMMIT")
        except BaseException:
            cur.execute("ROLLBACK")
            raise

    def close(self) -> None:
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
        cur = self.db.cursor()
        cur.execute("BEGIN IMMEDIATE")
        try:
            for url, raw in raws:
                self._put_raw(cur, run_id, url, raw)
            for source, url in carried:
                self._carry_raw(cur, run_id, source, url)
            for page in pages:
                # A page stored again (a resumed crawl) replaces its row: drop the old row's links first.
                cur.execute(
                    "DELETE FROM links WHERE page_id = (SELECT id FROM pages WHERE run_id=? AND url=?)",
                    (run_id, page.url),
                )
                cur.execute(
                    "INSERT OR REPLACE INTO pages (run_id, url, status, final_url, content_type, title,"
                    " column_name, published_on, depth, error, facts, etag, last_modified)"
                    " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                    (
                        run_id,
                        page.url,
                        page.status,
                        page.final_url,
                        page.content_type,
                        page.title,
                        page.column,
                        page.published_on.isoformat() if page.published_on else None,
                        page.depth,
                        page.error,
                        _page_blob(page),
                        page.etag,
                        page.last_modified,
                    ),
                )
                page_id = cur.lastrowid
                if page.links:
                    cur.executemany(
                        "INSERT INTO links VALUES (?,?,?,?,?,?,?,?)",
                        [
                            (page_id, ln.url, ln.tag, ln.attr, ln.text, str(ln.region), ln.fragment, int(ln.hidden))
                            for ln in page.links
                        ],
                    )
            cur.execute("COMMIT")
        except BaseException:
            cur.execute("ROLLBACK")
            raise

    def _base(self, run_id: str) -> str | None:
        row = self.db.execute("SELECT base_run FROM runs WHERE id=?", (run_id,)).fetchone()
        return row[0] if row else None

    def pages(self, run_id: str) -> Iterator[PageFacts]:
        """Every page of a run with its links, in crawl order.

        A re-check run (``base_run`` set) stores only the pages it fetched again:
        its pages are the base run's, each replaced by its newer copy where there is one.
        """
        base = self._base(run_id)
        if base is None:
            yield from self._own_pages(run_id)
            return
        newer = {page.url: page for page in self._own_pages(run_id)}
        for page in self._own_pages(base):
            yield newer.pop(page.url, page)
        yield from newer.values()

    def _own_pages(self, run_id: str) -> Iterator[PageFacts]:
        links: dict[int, list[LinkFacts]] = {}
        # Template links repeat on every page: intern their strings so 100k pages
        # of the same navigation share one copy of each URL and anchor text.
        strings: dict[str, str] = {}
        share = strings.setdefault
        regions = {r.value: r for r in Region}
        for page_id, url, tag, attr, text, region, fragment, hidden in self.db.execute(
            "SELECT l.* FROM links l JOIN pages p ON p.id = l.page_id WHERE p.run_id=? ORDER BY l.rowid",
            (run_id,),
        ):
            links.setdefault(page_id, []).append(
                LinkFacts(share(url, url), share(tag, tag), share(attr, attr), share(text, text), regions[region],
                          fragment, bool(hidden))
            )
        for row in self.db.execute("SELECT * FROM pages WHERE run_id=? ORDER BY id", (run_id,)):
            yield _page_from_row(row, links.get(row["id"], []))

    def page(self, run_id: str, url: str) -> PageFacts | None:
        """One stored page of a run (a re-check run falls back to its base), or None."""
        for rid in (run_id, self._base(run_id)):
            if rid is None:
                continue
            row = self.db.execute("SELECT * FROM pages WHERE run_id=? AND url=?", (rid, url)).fetchone()
            if row is not None:
                links = [
                    LinkFacts(r[1], r[2], r[3], r[4], Region(r[5]), r[6], bool(r[7]))
                    for r in self.db.execute("SELECT * FROM links WHERE page_id=? ORDER BY rowid", (row["id"],))
                ]
                return _page_from_row(row, links)
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

    def page_urls(self, run_id: str) -> set[str]:
        """The URLs a run stored as pages (its own rows only: what a resumed crawl need not fetch again)."""
        return {row[0] for row in self.db.execute("SELECT url FROM pages WHERE run_id=?", (run_id,))}

    def add_outcomes(self, run_id: str, outcomes: Iterable[LinkOutcome]) -> None:
        cur = self.db.cursor()
        cur.execute("BEGIN IMMEDIATE")
        try:
            cur.executemany(
                "INSERT OR REPLACE INTO link_status VALUES (?,?,?,?,?,?,?,?,?)",
                [
                    (run_id, o.url, str(o.state), o.http_status, o.reason, o.final_url, int(o.internal), o.method,
                     _outcome_extra(o))
                    for o in outcomes
                ],
            )
            cur.execute("COMMIT")
        except BaseException:
            cur.execute("ROLLBACK")
            raise

    # -- raw responses (evidence) -------------------------------------------------
    @staticmethod
    def _put_raw(cur: sqlite3.Cursor, run_id: str, url: str, raw: RawResponse) -> None:
        head = json.dumps({
            "url": raw.url, "method": raw.method, "http_version": raw.http_version,
            "request_headers": raw.request_headers, "response_headers": raw.response_headers,
        }, ensure_ascii=False)
        body = zlib.compress(raw.body, 6)
        cur.execute("INSERT OR REPLACE INTO raw_responses VALUES (?,?,?,?,?,?,?)",
                    (run_id, url, raw.fetched_at, raw.status, head, body, len(body) + len(head)))

    def _carry_raw(self, cur: sqlite3.Cursor, run_id: str, source: str, url: str) -> None:
        """Copy an unchanged page's capture: the source run's, else the newest any run kept."""
        copy = ("INSERT OR REPLACE INTO raw_responses SELECT ?, url, fetched_at, status, head, body, size"
                " FROM raw_responses WHERE ")
        for rid in (source, self._base(source)):
            if rid is not None and cur.execute(copy + "run_id=? AND url=?", (run_id, rid, url)).rowcount:
                return
        cur.execute(copy + "url=? AND run_id<>? ORDER BY fetched_at DESC LIMIT 1", (run_id, url, run_id))

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
            cur = self.db.cursor()
            cur.execute("BEGIN IMMEDIATE")
            try:
                cur.executemany("DELETE FROM raw_responses WHERE run_id=? AND url=?", drop)
                cur.execute("COMMIT")
            except BaseException:
                cur.execute("ROLLBACK")
                raise
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

    def outcomes(self, run_id: str) -> dict[str, LinkOutcome]:
        """What each URL answered in a run (a re-check run: its answers over its base run's)."""
        out: dict[str, LinkOutcome] = {}
        for rid in (self._base(run_id), run_id):
            if rid is None:
                continue
            for row in self.db.execute("SELECT * FROM link_status WHERE run_id=?", (rid,)):
                out[row[1]] = _outcome_from_row(row)
        return out

    # -- findings ----------------------------------------------------------
    def replace_findings(self, run_id: str, findings: Iterable[Finding], fixed: Iterable[Finding] = ()) -> None:
        """Store a run's findings (and those fixed since the previous run), replacing an earlier check's."""
        cur = self.db.cursor()
        cur.execute("BEGIN IMMEDIATE")
        try:
            cur.execute("DELETE FROM findings WHERE run_id=?", (run_id,))
            cur.execute("DELETE FROM fixed WHERE run_id=?", (run_id,))
            cur.executemany(
                "INSERT INTO fixed VALUES (?,?,?,?)",
                [(run_id, f.id, f.department, json.dumps(f.as_json(), ensure_ascii=False)) for f in fixed],
            )
            cur.executemany(
                "INSERT INTO findings VALUES (?,?,?,?,?)",
                [
                    (run_id, f.id, f.check, f.department, json.dumps(f.as_json(), ensure_ascii=False))
                    for f in findings
                ],
            )
            cur.execute("COMMIT")
        except BaseException:
            cur.execute("ROLLBACK")
            raise

    def fixed(self, run_id: str) -> list[Finding]:
        """The findings a run found fixed since the previous completed run."""
        return [
            Finding.from_json(json.loads(row[0]))
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
        return [
            Finding.from_json(json.loads(row[0]))
            for row in self.db.execute("SELECT body FROM findings WHERE run_id=? ORDER BY rowid", (run_id,))
        ]

    # -- browser pass (accessibility audits and their screenshots) --------------
    def add_audits(self, run_id: str, audits: Iterable[PageAudit]) -> None:
        """Store browser audits (replacing an earlier audit of the same page) and their screenshots."""
        cur = self.db.cursor()
        cur.execute("BEGIN IMMEDIATE")
        try:
            for audit in audits:
                body = {
                    "nodes": [node.as_json() for node in audit.nodes],
                    "elapsed_ms": audit.elapsed_ms,
                    "error": audit.error,
                    "axe_version": audit.axe_version,
                    "metrics": audit.metrics,
                }
                blob = zlib.compress(json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode(), 3)
                cur.execute("INSERT OR REPLACE INTO audits VALUES (?,?,?,?)", (run_id, audit.url, audit.status, blob))
                cur.execute("DELETE FROM screenshots WHERE run_id=? AND url=?", (run_id, audit.url))
                cur.executemany(
                    "INSERT INTO screenshots VALUES (?,?,?,?)",
                    [(run_id, audit.url, key, png) for key, png in audit.screenshots.items()],
                )
            cur.execute("COMMIT")
        except BaseException:
            cur.execute("ROLLBACK")
            raise

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
            for url, status, blob in self.db.execute("SELECT url, status, body FROM audits WHERE run_id=?", (rid,)):
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
        if self.db.execute("SELECT 1 FROM pins WHERE run_id=?", (run_id,)).fetchone():
            raise StoreError(f"run {run_id} is pinned ({', '.join(self.pinned()[run_id])}); not deleted")
        if self.db.execute("SELECT 1 FROM runs WHERE base_run=?", (run_id,)).fetchone():
            raise StoreError(f"run {run_id} is the base of a re-check run; not deleted")
        cur = self.db.cursor()
        cur.execute("BEGIN IMMEDIATE")
        try:
            cur.execute("DELETE FROM links WHERE page_id IN (SELECT id FROM pages WHERE run_id=?)", (run_id,))
            for table in ("pages", "link_status", "findings", "fixed", "audits", "screenshots", "raw_responses"):
                cur.execute(f"DELETE FROM {table} WHERE run_id=?", (run_id,))
            cur.execute("DELETE FROM runs WHERE id=?", (run_id,))
            cur.execute("COMMIT")
        except BaseException:
            cur.execute("ROLLBACK")
            raise

    def copy_own(self, source: str, target: str) -> None:
        """Copy what ``source`` stored itself (pages, links, answers, audits) into ``target``.

        A re-check of a re-check starts from the earlier re-check's pages, so every
        re-check run sits directly on a full crawl (one level of overlay, never a chain).
        """
        cur = self.db.cursor()
        cur.execute("BEGIN IMMEDIATE")
        try:
            columns = ("url, status, final_url, content_type, title, column_name, published_on, depth, error,"
                       " facts, etag, last_modified")
            for (old_id,) in cur.execute("SELECT id FROM pages WHERE run_id=? ORDER BY id", (source,)).fetchall():
                cur.execute(f"INSERT INTO pages (run_id, {columns}) SELECT ?, {columns} FROM pages WHERE id=?",
                            (target, old_id))
                cur.execute("INSERT INTO links SELECT ?, url, tag, attr, text, region, fragment, hidden FROM links"
                            " WHERE page_id=? ORDER BY rowid", (cur.lastrowid, old_id))
            cur.execute("INSERT INTO link_status SELECT ?, url, state, http_status, reason, final_url, internal,"
                        " method, extra FROM link_status WHERE run_id=?", (target, source))
            cur.execute("INSERT INTO audits SELECT ?, url, status, body FROM audits WHERE run_id=?", (target, source))
            cur.execute("INSERT INTO screenshots SELECT ?, url, key, png FROM screenshots WHERE run_id=?",
                        (target, source))
            cur.execute("INSERT INTO raw_responses SELECT ?, url, fetched_at, status, head, body, size"
                        " FROM raw_responses WHERE run_id=?", (target, source))
            cur.execute("COMMIT")
        except BaseException:
            cur.execute("ROLLBACK")
            raise

    def pin(self, run_ids: Iterable[str], reason: str, created: str) -> None:
        """Keep these runs whatever ``--keep-runs`` says (e.g. a quarterly evidence pack refers to them)."""
        cur = self.db.cursor()
        cur.execute("BEGIN IMMEDIATE")
        try:
            cur.executemany("INSERT OR REPLACE INTO pins VALUES (?,?,?)", [(r, reason, created) for r in run_ids])
            cur.execute("COMMIT")
        except BaseException:
            cur.execute("ROLLBACK")
            raise

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
        cur = self.db.cursor()
        cur.execute("BEGIN IMMEDIATE")
        try:
            cur.executemany("INSERT INTO probes VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", rows)
            cur.execute("COMMIT")
        except BaseException:
            cur.execute("ROLLBACK")
            raise

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
        cur = self.db.cursor()
        cur.execute("BEGIN IMMEDIATE")
        try:
            cur.execute("DELETE FROM probes WHERE day < ?", (before.isoformat(),))
            count = cur.rowcount
            cur.execute("COMMIT")
        except BaseException:
            cur.execute("ROLLBACK")
            raise
        return count

    def compact(self) -> None:
        """Give the space of deleted runs back to the file system."""
        self.db.execute("VACUUM")

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
