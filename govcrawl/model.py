"""The shared vocabulary: facts the crawler records and findings the checks make.

Everything here is a plain dataclass so that checks can be tested on facts built
in a few lines, and so that the store can serialise them without knowing who
made them. Dates are ``datetime.date`` from the extraction layer on; nothing
past it parses strings.

This module imports nothing of the project (enforced by import-linter).
"""

from __future__ import annotations

import enum
import json
from dataclasses import dataclass, field
from datetime import date


class Severity(enum.StrEnum):
    """How urgent a finding is; ``critical`` items fail an inspection outright."""

    CRITICAL = "critical"
    MAJOR = "major"
    MINOR = "minor"


class LinkState(enum.StrEnum):
    """The closed set of outcomes of checking one URL (after lychee's model)."""

    OK = "ok"  # 2xx, possibly after redirects
    BROKEN = "broken"  # 404/410/>=500, network failure, timeout, redirect loop
    UNVERIFIED = "unverified"  # 401/403/429 from an external host: probably a bot block
    UNJUDGED = "unjudged"  # another 4xx from an external host (400, 405, 451...): the rules call it neither
    EXCLUDED = "excluded"  # deliberately not fetched (intranet, private address, scheme, robots)
    UNCHECKED = "unchecked"  # never reached (page limit, depth limit, run aborted)


class Region(enum.StrEnum):
    """Where on the page a link sits; template regions are owned by the site owner."""

    BODY = "body"
    HEADER = "header"
    NAV = "nav"
    FOOTER = "footer"

    @property
    def is_template(self) -> bool:
        return self is not Region.BODY


@dataclass(slots=True)
class LinkFacts:
    """One link found on a page.

    ``url`` is absolute and normalised *without* its fragment; the fragment is
    kept apart because only ``broken-anchor`` cares about it.
    """

    url: str
    tag: str  # a, img, link, script, iframe, object, embed, video, audio, source
    attr: str  # href, src, data
    text: str = ""  # anchor text, alt or title; trimmed
    region: Region = Region.BODY
    fragment: str | None = None
    hidden: bool = False  # inline style hides it (display:none, visibility:hidden, ...)


@dataclass(slots=True)
class A11yNode:
    """One element that fails an accessibility (a11y) or elder-friendly rule.

    Made by the static pass over the served HTML (``source="static"``), by axe-core
    in the browser (``"axe"``) or by govcrawl's own browser rules (``"browser"``).
    Rule ids are axe-core's where axe has the rule (``image-alt``, ``label``…), so
    the passes merge without duplicates; the checks decide what is a finding.
    """

    rule: str
    selector: str  # a CSS selector that finds the element on the page ("" = the page itself)
    html: str = ""  # outer HTML, truncated
    region: Region = Region.BODY  # header/nav/footer: the shared template's part
    impact: str | None = None  # axe impact: critical | serious | moderate | minor
    detail: str = ""  # what was measured or missing ("12px", "对比度 2.3:1", axe's failure summary)
    source: str = "static"  # static | axe | browser
    help: str = ""  # axe's English help text, when the node comes from axe

    def as_json(self) -> dict:
        return {
            "rule": self.rule, "selector": self.selector, "html": self.html, "region": str(self.region),
            "impact": self.impact, "detail": self.detail, "source": self.source, "help": self.help,
        }

    @classmethod
    def from_json(cls, data: dict) -> A11yNode:
        return cls(
            data["rule"], data.get("selector", ""), data.get("html", ""), Region(data.get("region", "body")),
            data.get("impact"), data.get("detail", ""), data.get("source", "static"), data.get("help", ""),
        )


@dataclass(slots=True)
class PageAudit:
    """The browser pass (headless Chromium: axe-core and govcrawl's own rendered rules) over one page."""

    url: str
    status: str  # ok | timeout | crashed | error (not checked: the reason is in ``error``)
    nodes: list[A11yNode] = field(default_factory=list)
    elapsed_ms: int = 0
    error: str | None = None
    axe_version: str | None = None
    # Rendered measurements the elder-friendly rules read (body_font_px, line_height_ratio, …).
    metrics: dict = field(default_factory=dict)
    # PNG screenshots with the offending element outlined, by "rule|selector" (bytes, stored with the run).
    screenshots: dict[str, bytes] = field(default_factory=dict)


@dataclass(slots=True)
class ListItem:
    """One row of a column list page: a link with the date shown beside it."""

    url: str
    title: str
    published_on: date | None = None


@dataclass(slots=True)
class DocInfo:
    """The government-information header (信息公开 / 索引 block) of a document page.

    Every field is optional: real portals show any subset. ``raw`` keeps the
    label -> value pairs as read, for evidence and for fields added later.
    """

    index_no: str | None = None  # 索引号
    topic: str | None = None  # 主题分类
    publisher: str | None = None  # 发布机构 / 发文机关
    source: str | None = None  # 来源 / 信息来源
    written_on: date | None = None  # 成文日期
    published_on: date | None = None  # 发布日期
    doc_number: str | None = None  # 文号 / 发文字号
    validity: str | None = None  # 有效性 / 时效性 value as written
    normative_field: str | None = None  # 是否规范性文件 value as written
    valid_until: date | None = None  # 有效期 / 有效期至 (field, else read from the text)
    raw: dict[str, str] = field(default_factory=dict)
    # Validity statements read from the body text and title (crawler.extract.statements),
    # because most portals state the period in the text, not in a header field.
    effective_from: date | None = None  # 自…起施行/实施/执行/试行
    validity_years: int | None = None  # 有效期N年 / 试行期N年 / 暂行N年
    status_label: str | None = None  # 【有效】【失效】【已废止】 … next to the title
    validity_source: str | None = None  # where valid_until came from: 有效性字段 / 有效期至 / 施行日期+有效期
    provisional: bool = False  # 暂行/试行 in the title
    validity_statement: str | None = None  # the sentence the period was read from (evidence)


@dataclass(frozen=True, slots=True)
class PrivacyHit:
    """One personal number found in public content, already masked.

    The number itself is never kept (contract: it never leaves the machine that
    crawled it): only its masked form, for the report, and a salted hash, to
    know the same leak again on later nights.
    """

    kind: str  # id-card | mobile | bank-card
    masked: str  # e.g. 640102********1234, 138****5678
    digest: str  # salted SHA-256 (hex prefix) of the number
    where: str = "text"  # text | attribute (title, alt …) | attachment

    def as_json(self) -> list:
        return [self.kind, self.masked, self.digest, self.where]

    @classmethod
    def from_json(cls, raw: list) -> PrivacyHit:
        return cls(*raw)


@dataclass(slots=True)
class MessageFact:
    """One public message (留言 / 来信 / 诉求) as a message board shows it.

    Read from the message's detail page (``where="detail"``) or from a row of a
    board's list page (``where="list"``), because many boards show 状态 and
    dates only in the list and some never link a detail page. Values are kept
    as written beside the dates read from them, so a finding can quote the page.
    """

    url: str  # the message's detail page (absolute, normalised); "" for a list row without a link
    title: str
    asked_on: date | None  # 留言时间 / 来信时间 / 提问时间 / 受理时间 / 写信时间
    replied_on: date | None = None  # 回复时间 / 答复时间 / 办结时间
    status: str | None = None  # 状态 / 办理状态 as written: 已回复, 未回复, 办理中, 已办结, 待回复 …
    # The page's reading of whether it was answered: True (a reply or a 已回复/已办结 status),
    # False (未回复/办理中/待回复/暂无答复), None when the page says neither.
    replied: bool | None = None
    unit: str | None = None  # 回复单位 / 答复单位 / 承办单位 / 办理单位 / 受理单位 as written
    limit: str | None = None  # a handling limit the page states (办理时限：5个工作日, 信箱须知 …N个工作日内答复)
    number: str | None = None  # 信件编号 / 留言编号 / 诉求编号
    where: str = "detail"  # detail | list

    def as_json(self) -> list:
        return [self.url, self.title, self.asked_on.isoformat() if self.asked_on else None,
                self.replied_on.isoformat() if self.replied_on else None, self.status, self.replied,
                self.unit, self.limit, self.number, self.where]

    @classmethod
    def from_json(cls, raw: list) -> MessageFact:
        url, title, asked, replied_on, status, replied, unit, limit, number, where = raw
        return cls(url, title, date.fromisoformat(asked) if asked else None,
                   date.fromisoformat(replied_on) if replied_on else None, status, replied, unit, limit,
                   number, where)


@dataclass(frozen=True, slots=True)
class ProbeResult:
    """One availability probe of one URL (``govcrawl probe``, every 15 minutes from cron).

    ``ok`` is the verdict the national rule counts: the page loaded within the
    limit (15 s) *and* is a real page, not an error page, a 网站维护中
    placeholder or a blank page. ``kind`` says which, ``reason`` says it in Chinese.
    """

    url: str
    at: str  # ISO-8601 with offset (Asia/Shanghai), when the probe started
    ok: bool
    kind: str  # ok | timeout | network | http-error | error-page | maintenance | blank
    status: int | None = None  # final HTTP status, None without a response
    ttfb_ms: int | None = None  # time to the first byte of the response
    total_ms: int | None = None  # time to the last byte (or to giving up)
    size: int = 0  # bytes of the body read
    final_url: str | None = None  # after redirects
    reason: str = ""  # Chinese, for the webmaster: "HTTP 500", "15 秒内未加载完成", "页面显示“网站维护中”"
    homepage: bool = True  # the site's homepage (the national rule counts these); key pages are False


@dataclass(slots=True)
class PageFacts:
    """What the crawler learnt about one fetched URL of the site.

    A page that failed (HTTP error, timeout, undecodable bytes) is still a
    ``PageFacts`` with ``status``/``error`` set, so that links to it can be
    judged and the report can say the page was not readable.
    """

    url: str  # the URL as requested (normalised)
    status: int | None  # final HTTP status; None when no response (see error)
    final_url: str | None = None
    redirects: list[str] = field(default_factory=list)  # intermediate URLs, in order
    content_type: str | None = None
    encoding: str | None = None
    title: str | None = None
    lang: str | None = None
    meta: dict[str, str] = field(default_factory=dict)  # meta name (as written) -> content
    breadcrumb: list[str] = field(default_factory=list)  # 当前位置：首页 > 政务公开 > X
    column: str | None = None  # column name from ColumnName meta, breadcrumb or heading
    heading: str | None = None  # the page's main heading (h1 or the list heading)
    doc: DocInfo | None = None
    published_on: date | None = None  # contract "dates of a page"
    text: str = ""  # visible body text (no script/style), whitespace collapsed
    links: list[LinkFacts] = field(default_factory=list)
    anchors: set[str] = field(default_factory=set)  # element ids and a[name] values
    list_items: list[ListItem] = field(default_factory=list)
    pagination: list[str] = field(default_factory=list)  # other list pages of the same column
    depth: int = 0
    referer: str | None = None
    response_ms: int | None = None
    error: str | None = None  # network failure or parse failure, human readable
    template: str | None = None  # fingerprint of the DOM skeleton (tags, ids, classes; no text)
    a11y: list[A11yNode] = field(default_factory=list)  # static a11y / elder-friendly pass
    # HTTP validators of a 200 page, sent back next night as If-None-Match / If-Modified-Since.
    etag: str | None = None
    last_modified: str | None = None
    unchanged: bool = False  # this run's server answered 304: facts carried over from the previous run
    privacy: list[PrivacyHit] = field(default_factory=list)  # personal numbers in text and attributes (masked)
    messages: list[MessageFact] = field(default_factory=list)  # public messages the page shows (政民互动)

    @property
    def is_html(self) -> bool:
        return bool(self.content_type and "html" in self.content_type)


@dataclass(slots=True)
class LinkOutcome:
    """The result of checking one URL once in a run."""

    url: str
    state: LinkState
    http_status: int | None = None
    reason: str = ""  # human readable, e.g. "HTTP 404", "连接被拒绝", "重定向循环"
    final_url: str | None = None
    internal: bool = False
    method: str | None = None  # HEAD, GET or PAGE (fetched as a page by the spider)
    # What the check saw of the target when it read it (external pages: title and text; attachments: text):
    title: str | None = None  # the external page's <title>
    terms: list[str] = field(default_factory=list)  # unsafe-content terms found on it (external_links.unsafe_terms)
    privacy: list[PrivacyHit] = field(default_factory=list)  # personal numbers in an attachment's text (masked)
    validator: str | None = None  # an attachment's ETag|Last-Modified|length when read: unchanged ones are not re-read


@dataclass(slots=True)
class Finding:
    """One problem for one department, in the shape of contract §3."""

    id: str
    check: str
    severity: Severity
    department: str
    url: str
    target: str | None
    title: str | None
    message: str
    evidence: dict = field(default_factory=dict)
    occurrences: list[str] = field(default_factory=list)
    # Lifecycle against the previous completed run of the site (govcrawl.lifecycle):
    # new | open | reopened | fixed; first/last night seen (the runs' evaluation dates).
    status: str | None = None
    first_seen: str | None = None
    last_seen: str | None = None
    rechecked: bool = True  # False: carried over because tonight's crawl could not reach its page
    waiver: dict | None = None  # accepted by the office (govcrawl.waivers): reason, accepted_by, expires

    def as_json(self) -> dict:
        lifecycle = {}
        if self.status is not None:
            lifecycle = {"status": self.status, "first_seen": self.first_seen, "last_seen": self.last_seen}
            if not self.rechecked:
                lifecycle["rechecked"] = False
        if self.waiver is not None:
            lifecycle["waiver"] = dict(self.waiver)
        return {
            "id": self.id,
            "check": self.check,
            "severity": str(self.severity),
            "department": self.department,
            "url": self.url,
            "target": self.target,
            "title": self.title,
            "message": self.message,
            "evidence": self.evidence,
            "occurrences": list(self.occurrences),
            **lifecycle,
        }

    @classmethod
    def from_json(cls, data: dict, pool: ValuePool | None = None) -> Finding:
        """A finding from its JSON form; with ``pool``, values equal to an earlier finding's are that one's.

        A night's findings are read back for the reports (100,000 of them on a large portal): most
        share their check, department, message, dates and evidence with others (a template's
        missing meta tag is one finding per page), and one object for each saves about half of a
        finding's ~1.9 KB. Loaded findings are read-only; the lifecycle only rebinds attributes.
        """
        share = (pool if pool is not None else ValuePool()).share
        evidence = data.get("evidence") or {}
        occurrences = data.get("occurrences") or []
        return cls(
            id=data["id"],
            check=share(data["check"]),
            severity=Severity(data["severity"]),
            department=share(data["department"]),
            url=data["url"],
            target=share(data.get("target")),
            title=data.get("title"),
            message=share(data["message"]),
            evidence=share(evidence, json_key(evidence)) if evidence else {},
            occurrences=share(occurrences, tuple(occurrences)) if occurrences else [],
            status=share(data.get("status")),
            first_seen=share(data.get("first_seen")),
            last_seen=share(data.get("last_seen")),
            rechecked=data.get("rechecked", True),
            waiver=data.get("waiver"),
        )


def json_key(value: object) -> str:
    """Equal JSON-like values give equal keys (what findings.json will say of them)."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


class ValuePool:
    """Equal values kept as one object: a memo from a key to the first value given for it, of at most ``limit``
    keys, the least recently used forgotten first.

    Findings repeat their messages, evidence and dates across thousands of pages. The memo is
    bounded, so values that are all different cost a lookup and nothing more; and it forgets
    the least recently used, not the newest: a memo that simply stopped growing once full kept
    whatever came first. Read back from a 100,000-page run, 4,096 keys were full of other checks'
    one-off evidence before the 100,005 missing-metadata findings came, none of which then shared
    its evidence or page list: 1,683 bytes a finding instead of ~500. Pooled values are shared:
    whoever takes one must not change it.
    """

    __slots__ = ("_known", "_limit")

    def __init__(self, limit: int = 4096) -> None:
        self._known: dict = {}
        self._limit = limit

    def __len__(self) -> int:
        return len(self._known)

    def share[T](self, value: T, key: object = None) -> T:
        """``value``, or the earlier value given for the same key (``key`` defaults to the value itself,
        which must then be hashable; a different type's value never answers for it)."""
        if value is None:
            return value
        key = (type(value), value if key is None else key)
        known = self._known.pop(key, None)
        if known is not None:
            self._known[key] = known  # now the most recently used (a dict keeps insertion order)
            return known
        if len(self._known) >= self._limit:
            del self._known[next(iter(self._known))]
        self._known[key] = value
        return value


@dataclass(slots=True)
class RunInfo:
    """One crawl of one site; ``today`` is the evaluation date of every date rule."""

    id: str
    site: str
    started: str  # ISO-8601 with offset
    today: date
    finished: str | None = None
    pages_crawled: int = 0
    tool_version: str = ""
    status: str = "running"  # running | crawled | completed | failed
    stats: dict = field(default_factory=dict)
    # A re-check of a few pages stores only those pages; every other fact is read from this run.
    base_run: str | None = None


@dataclass(slots=True)
class RawResponse:
    """One page exactly as the server sent it, kept as inspection evidence (WARC in the quarterly pack).

    Headers are kept as sent (a list: names may repeat); ``body`` is the
    undecoded bytes. ``fetched_at`` is when the response arrived (ISO-8601 UTC).
    """

    url: str
    fetched_at: str
    status: int
    response_headers: list[tuple[str, str]]
    body: bytes
    request_headers: list[tuple[str, str]] = field(default_factory=list)
    method: str = "GET"
    http_version: str = "HTTP/1.1"
