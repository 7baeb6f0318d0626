"""Policy interpretations (政策解读) and the documents that need them (contract §4
``missing-interpretation`` / ``late-interpretation``, definitions *Interpretation*,
*Working day*, *Metrics*).

Why one module: both checks and the two summary metrics must agree on which
documents need an interpretation, which page interprets which document and
when it was due; computing that twice could make a document "late" for one
check and "missing" for the other. Everything here is a pure function of the
stored facts, the site's settings, ``today`` and a working-day calendar.

Pairing a document with its interpretations, most trusted first:

1. ``document-links``: the document's body links an interpretation page (相关解读);
2. ``interpretation-links``: the interpretation's body links the document (原文/相关文件);
3. ``title``: the interpretation names the document's title in 《》;
4. ``doc-number``: the interpretation names the document's 文号.

Titles are compared after NFKC (full-width → half-width) and dropping every
character that is not a letter or digit (punctuation, brackets 〔〕[]（）【】《》〈〉,
quotes, whitespace), and must be *equal*: 《…办法》 never pairs with …办法实施细则.
A 《》 name equal to two or more different documents is ambiguous and pairs
with none. A document titled 关于印发《X》的通知 is also known by X (the
interpretation of an issued 办法 is nearly always titled 《X》解读), but only
when no document is titled X itself: full titles are tried first, and each
tier has its own ambiguity rule. Names in the interpretation's own title are
trusted first; only when its title names no document does the body count, and
then only the first name in the body that is a known document (a body often
cites the higher-level documents a policy rests on: 根据《…》 …).

文号 are compared as (issuer prefix, year, serial number): the serial is read
whole between the year bracket and 号, so 〔2023〕1号 never matches 〔2023〕11号,
and 〔〕[]（）()【】 are one bracket. A 文号 in running text is preceded by
whatever Chinese came before it (根据兴司规发…), so a text prefix matches a
document when it *ends with* the document's issuer prefix.

To scale to 100k pages and 10k documents, nothing scans documents × texts:
documents are indexed by URL, by normalised title and by (year, serial), and
each interpretation is read once for its 《》 names and 文号.

``assess`` is memoised per site object, ``today`` and settings, because the two
checks run one after the other over the same facts and would otherwise pair
everything twice.
"""

from __future__ import annotations

import json
import re
import unicodedata
import weakref
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from functools import lru_cache
from typing import Any

from checks.documents import is_document, normative_reason
from checks.workdays import UnknownCalendarYear, WorkdayCalendar
from govcrawl.facts import SiteFacts
from govcrawl.model import PageFacts, Region

__all__ = [
    "LIMIT_WORKING_DAYS",
    "DocumentNeed",
    "Interpretation",
    "assess",
    "document_titles",
    "interpretation_kind",
    "is_interpretation",
    "metrics",
    "needs_interpretation",
    "normalise_doc_number",
    "normalise_title",
    "pair",
]

LIMIT_WORKING_DAYS = 3  # plan item 10: online within 3 working days of the document
# Plan item 12: every document that needs one is interpreted (应解尽解, 100%), and at least
# 20% of interpretations are video or animation.
TARGETS: dict[str, float] = {"interpretation_coverage": 1.0, "interpretation_video_share": 0.2}

# Statuses of a document that needs an interpretation.
ON_TIME, LATE, PRESENT, MISSING, PENDING, UNDATED = "on-time", "late", "present", "missing", "pending", "undated"
# "present": paired only with undated interpretations; it has one, but lateness cannot be judged.

VIA_ORDER = ("document-links", "interpretation-links", "title", "doc-number")
_TRUST = {via: rank for rank, via in enumerate(VIA_ORDER)}

_INTERP_COLUMN = re.compile(r"解读")
_MIXED_COLUMN = re.compile(r"[及和与、&]\s*解读|解读\s*[及和与、&]")  # 政策文件及解读: documents and interpretations
_INTERP_TITLE = re.compile(r"解读|图解|一图读懂|问答")
_VIDEO_TITLE = re.compile(r"视频|动漫|动画|微视频")
_GRAPHIC_TITLE = re.compile(r"图解|一图读懂|长图|漫画")
_QA_TITLE = re.compile(r"问答|答记者问")
_VIDEO_EXT = re.compile(r"\.(?:mp4|m3u8|flv|webm|mov|avi|swf)$", re.I)
_PLAYER = re.compile(r"player|video|vod|/live|v\.qq\.com|bilibili|youku|iqiyi|ixigua|douyin|kuaishou"
                     r"|weishi|cctv|\.mp4", re.I)
# A page whose body shows images and fewer than this many characters of text per
# image is "mostly images". page.text includes the template's text, so the bar
# is per image rather than absolute.
_TEXT_PER_IMAGE = 300
# 关于印发《X》的通知: the document is also known by X (see the module docstring).
_ISSUES = re.compile(r"^关于(?:印发|发布|公布|出台)《(.+)》的(?:通知|决定|公告|通告|批复)$")
# Page titles carry the site's name: 关于…的通知_兴庆区人民政府, …-银川市人民政府, … | 门户网站.
# Everything after _ or | goes; a dash only takes a tail that ends like a site's name, so
# 2023-2025年行动方案 keeps its dash.
_TITLE_SEP = re.compile(r"\s*[_|｜]\s*")
_DASH_TAIL = re.compile(r"\s*[-—–]+\s*([^-—–]+)$")
_SITEISH = re.compile(r"(?:政府|网站|网|门户|平台|局|委|办|厅|中心|政务公开)\s*$")
# 文号 after NFKC: 银兴政规发〔2023〕1号, 兴司规发[2023]第1号, 国办发(2018)115号, 【2023】.
# Found by its bracketed year and serial first, then the issuer read backwards: a regex
# that starts with the Chinese prefix retries up to 20 characters at every Chinese
# character of a long body text, which is most of the time of a 100k-page run.
_NUMBER_TAIL = re.compile(r"[〔\[(【]\s*((?:19|20)\d\d)\s*[〕\])】]\s*第?\s*(\d{1,5})\s*号")
_ISSUER = re.compile(r"([\u4e00-\u9fff]{1,20})\s*$")
_ARTICLE_TITLE = "articletitle"
_RAW_TITLE_LABELS = ("标题", "文件标题", "名称", "文件名称", "题名")


# --------------------------------------------------------------------------- data


@dataclass(slots=True)
class Interpretation:
    """One interpretation page paired with a document, and how it was paired."""

    url: str
    title: str | None
    published_on: date | None
    kind: str  # video | graphic | qa | text
    via: str  # document-links | interpretation-links | title | doc-number

    def as_json(self) -> dict[str, Any]:
        return {
            "url": self.url,
            "title": self.title,
            "published_on": self.published_on.isoformat() if self.published_on else None,
            "kind": self.kind,
            "via": self.via,
        }


@dataclass(slots=True)
class DocumentNeed:
    """A document that needs an interpretation, its interpretations and its status.

    ``status`` is ``None`` straight out of ``pair``; ``assess`` fills it with
    on-time | late | present | missing | pending | undated. ``working_days``
    counts from the document's date to its earliest dated interpretation (on-time,
    late), or to ``today`` (missing, pending); ``deadline`` is the 3rd working
    day after the document's date.
    """

    url: str
    title: str | None
    doc_number: str | None
    published_on: date | None
    reason: str
    interpretations: list[Interpretation] = field(default_factory=list)
    status: str | None = None
    working_days: int | None = None
    deadline: date | None = None

    @property
    def earliest(self) -> Interpretation | None:
        """The earliest dated interpretation (the one lateness is judged by), else None."""
        dated = [i for i in self.interpretations if i.published_on is not None]
        return min(dated, key=lambda i: (i.published_on, i.url)) if dated else None

    def as_json(self) -> dict[str, Any]:
        return {
            "url": self.url,
            "title": self.title,
            "doc_number": self.doc_number,
            "published_on": self.published_on.isoformat() if self.published_on else None,
            "reason": self.reason,
            "status": self.status,
            "working_days": self.working_days,
            "deadline": self.deadline.isoformat() if self.deadline else None,
            "interpretations": [i.as_json() for i in self.interpretations],
        }


# --------------------------------------------------------------------- normalising


def normalise_title(text: str | None) -> str:
    """A title reduced to its letters and digits, full-width folded, lower case.

    Drops punctuation, every kind of bracket and quote, and whitespace, so that
    《关于印发〈X办法（试行）〉的通知》 equals 关于印发《X办法(试行)》的通知.
    """
    if not text:
        return ""
    folded = unicodedata.normalize("NFKC", text).lower()
    return "".join(ch for ch in folded if ch.isalnum())


def _doc_numbers(text: str | None) -> Iterator[tuple[str, int, int]]:
    """Every 文号 in ``text`` as (prefix as written before the bracket, year, serial)."""
    if not text or "号" not in text:
        return
    text = unicodedata.normalize("NFKC", text)
    for match in _NUMBER_TAIL.finditer(text):
        issuer = _ISSUER.search(text, max(0, match.start() - 24), match.start())
        if issuer is not None:
            yield issuer.group(1), int(match.group(1)), int(match.group(2))


def normalise_doc_number(text: str | None) -> str | None:
    """The first 文号 of ``text`` in one spelling (银兴政规发〔2023〕1号), or None."""
    for prefix, year, serial in _doc_numbers(text):
        return f"{prefix}〔{year}〕{serial}号"
    return None


def _book_titles(text: str | None) -> list[str]:
    """Contents of every 《…》 in order of their opening mark, nested ones too.

    A balanced scan rather than a regex, because portals write nested titles both
    correctly (《关于印发〈X〉的通知》) and as 《关于印发《X》的通知》.
    """
    if not text or "《" not in text:
        return []
    found: list[tuple[int, str]] = []
    stack: list[int] = []
    for i, ch in enumerate(text):
        if ch == "《":
            stack.append(i)
        elif ch == "》" and stack:
            start = stack.pop()
            if i - start <= 300:
                found.append((start, text[start + 1 : i]))
    found.sort()
    return [inner for _, inner in found]


def _outside_book_titles(text: str) -> str:
    """``text`` without the contents of its 《》, so keywords inside a cited title do not count
    (《政策解读工作规范》 is not an interpretation, 《…视频监控办法》解读 is not a video)."""
    out: list[str] = []
    depth = 0
    for ch in text:
        if ch == "《":
            depth += 1
        elif ch == "》" and depth:
            depth -= 1
        elif not depth:
            out.append(ch)
    return "".join(out) if depth == 0 else text


def _meta(page: PageFacts, name: str) -> str | None:
    for key, value in page.meta.items():
        if key.lower() == name and value and value.strip():
            return value.strip()
    return None


def _strip_site_suffix(title: str) -> str:
    """关于…的通知_兴庆区人民政府 / 关于…的通知-银川市人民政府 → 关于…的通知."""
    head = _TITLE_SEP.split(title.strip())[0].strip() or title.strip()
    while (tail := _DASH_TAIL.search(head)) and tail.start() > 0 and _SITEISH.search(tail.group(1)):
        head = head[: tail.start()].strip()
    return head


def _titles(page: PageFacts) -> list[str]:
    """The page's own titles, best first: header 标题 field, ArticleTitle meta, heading.

    The <title> (its site-name suffix stripped) only when none of them is there:
    it often carries the column's name too (…_政策解读_兴庆区人民政府).
    """
    found: list[str] = []
    raw = page.doc.raw if page.doc is not None else {}
    for label in _RAW_TITLE_LABELS:
        if raw.get(label, "").strip():
            found.append(raw[label].strip())
            break
    article = _meta(page, _ARTICLE_TITLE)
    if article:
        found.append(article)
    if page.heading and page.heading.strip():
        found.append(page.heading.strip())
    if not found and page.title and page.title.strip():
        found.append(_strip_site_suffix(page.title))
    seen: set[str] = set()
    return [t for t in found if not (t in seen or seen.add(t))]


def document_titles(page: PageFacts) -> list[str]:
    """The names a document is known by, best first (its title, then the heading, …)."""
    return _titles(page)


def _display_title(page: PageFacts) -> str | None:
    titles = _titles(page)
    return titles[0] if titles else None


# ---------------------------------------------------------------------- classifying


def _ok_html(page: PageFacts) -> bool:
    return page.is_html and page.status is not None and 200 <= page.status < 300


def _is_list_page(page: PageFacts) -> bool:
    return bool(page.list_items) and page.doc is None and _meta(page, _ARTICLE_TITLE) is None


def _title_text(page: PageFacts) -> str:
    """All the page's titles joined, without the contents of 《》 (for keyword tests)."""
    return " ".join(_outside_book_titles(t) for t in _titles(page))


def _column_says_interpretation(page: PageFacts) -> bool:
    names = ([page.column] if page.column else []) + list(page.breadcrumb)
    return any(_INTERP_COLUMN.search(name) for name in names if name)


def is_interpretation(page: PageFacts) -> bool:
    """A page in a …解读… column, or whose title says 解读/图解/一图读懂/问答 (outside 《》).

    Not a column list page. A normative document filed under a mixed column
    (政策文件及解读 > 规范性文件) is the document, not its own interpretation,
    unless its title says otherwise.
    """
    if not _ok_html(page) or _is_list_page(page):
        return False
    if _INTERP_TITLE.search(_title_text(page)):
        return True
    if not _column_says_interpretation(page):
        return False
    own = page.column or (page.breadcrumb[-1] if page.breadcrumb else "")
    if _INTERP_COLUMN.search(own) and not _MIXED_COLUMN.search(own):
        # its own column is an interpretation column (政策解读, 政策文件解读): a 规 文号 in its
        # header is the interpreted document's, copied there by the portal
        return True
    return not (is_document(page) and normative_reason(page) is not None)


def interpretation_kind(page: PageFacts) -> str:
    """video (player, video file or 视频/动画 title) > graphic > qa > text."""
    title = _title_text(page)
    body = [link for link in page.links if link.region is Region.BODY]
    if _VIDEO_TITLE.search(title):
        return "video"
    for link in body:
        path = link.url.split("?", 1)[0].split("#", 1)[0]
        if link.tag in ("video", "source") or _VIDEO_EXT.search(path):
            return "video"
        if link.tag in ("iframe", "embed", "object") and _PLAYER.search(link.url):
            return "video"
    if _GRAPHIC_TITLE.search(title):
        return "graphic"
    images = sum(1 for link in body if link.tag == "img")
    if images and len(page.text) < _TEXT_PER_IMAGE * images:
        return "graphic"
    if _QA_TITLE.search(title):
        return "qa"
    return "text"


@lru_cache(maxsize=64)
def _required_patterns(patterns: tuple[str, ...]) -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(p) for p in patterns)


def _required(settings: Mapping | None) -> tuple[str, ...]:
    section = (settings or {}).get("interpretation") or {}
    return tuple(section.get("required_doc_numbers") or ())


def needs_interpretation(page: PageFacts, settings: Mapping | None) -> str | None:
    """Why this document needs an interpretation (evidence), or None.

    Normative documents always do; others when their 文号 matches one of
    ``settings["interpretation"]["required_doc_numbers"]`` (regular expressions).
    """
    if not is_document(page) or is_interpretation(page):
        return None
    reason = normative_reason(page)
    if reason is not None:
        return f"行政规范性文件（{reason}）"
    number = page.doc.doc_number if page.doc is not None else None
    if number:
        for pattern in _required_patterns(_required(settings)):
            if pattern.search(number):
                return f"文号“{number}”符合需解读的文号规则“{pattern.pattern}”"
    return None


def _doc_date(page: PageFacts) -> date | None:
    if page.doc is not None and page.doc.published_on is not None:
        return page.doc.published_on
    return page.published_on


# -------------------------------------------------------------------------- pairing


class _Index:
    """Documents by URL, normalised title (full and issued-title aliases) and (year, serial)."""

    def __init__(self, documents: list[PageFacts]) -> None:
        self.by_title: dict[str, set[str]] = defaultdict(set)
        self.by_alias: dict[str, set[str]] = defaultdict(set)
        self.by_number: dict[tuple[int, int], list[tuple[str, str]]] = defaultdict(list)
        self.identity: dict[str, str] = {}
        for page in documents:
            number = page.doc.doc_number if page.doc is not None else None
            parsed = next(_doc_numbers(number), None)
            titles = document_titles(page)
            # Two pages with one 文号 and title are one document filed twice (two columns).
            main = normalise_title(titles[0]) if titles else ""
            self.identity[page.url] = f"{parsed[0]}|{parsed[1]}|{parsed[2]}|{main}" if parsed else page.url
            for title in titles:
                norm = normalise_title(title)
                if norm:
                    self.by_title[norm].add(page.url)
                issued = _ISSUES.match(unicodedata.normalize("NFKC", title).strip())
                if issued and normalise_title(issued.group(1)):
                    self.by_alias[normalise_title(issued.group(1))].add(page.url)
            if parsed:
                self.by_number[(parsed[1], parsed[2])].append((parsed[0], page.url))

    def _unique(self, urls: set[str]) -> set[str]:
        """``urls`` when they are one document (maybe filed twice), else nothing (ambiguous)."""
        return urls if len({self.identity[u] for u in urls}) == 1 else set()

    def by_name(self, name: str) -> set[str]:
        norm = normalise_title(name)
        if not norm:
            return set()
        if norm in self.by_title:
            return self._unique(self.by_title[norm])
        return self._unique(self.by_alias.get(norm, set()))

    def by_doc_number(self, prefix: str, year: int, serial: int) -> set[str]:
        candidates = [(p, url) for p, url in self.by_number.get((year, serial), ()) if prefix.endswith(p)]
        if not candidates:
            return set()
        longest = max(len(p) for p, _ in candidates)
        return {url for p, url in candidates if len(p) == longest}


def _named[T](page: PageFacts, names: Callable[[str], Iterable[T]], key: Callable[[T], set[str]]) -> set[str]:
    """Documents named in the page's titles; else the first one named in its body text."""
    found: set[str] = set()
    for title in _titles(page):
        for item in names(title):
            found |= key(item)
    if found:
        return found
    for item in names(page.text):
        hit = key(item)
        if hit:
            return hit
    return set()


def _needs(site: SiteFacts, settings: Mapping | None) -> tuple[dict[str, tuple[PageFacts, str]],
                                                              list[PageFacts], dict[str, PageFacts]]:
    needing: dict[str, tuple[PageFacts, str]] = {}
    documents: list[PageFacts] = []
    interps: dict[str, PageFacts] = {}
    for page in site.html_pages():
        if page.url in needing or page.url in interps:
            continue
        if is_interpretation(page):
            interps[page.url] = page
            continue
        if is_document(page):
            documents.append(page)
            reason = needs_interpretation(page, settings)
            if reason is not None:
                needing[page.url] = (page, reason)
    return needing, documents, interps


def pair(site: SiteFacts, settings: Mapping | None) -> list[DocumentNeed]:
    """Every document that needs an interpretation, with its paired interpretations
    (earliest first, each with the most trusted route), status not yet set; by URL."""
    needing, documents, interps = _needs(site, settings)
    pairs: dict[str, dict[str, str]] = defaultdict(dict)  # doc url -> interp url -> via

    def add(doc_url: str, interp_url: str, via: str) -> None:
        if doc_url not in needing or interp_url not in interps or doc_url == interp_url:
            return
        known = pairs[doc_url].get(interp_url)
        if known is None or _TRUST[via] < _TRUST[known]:
            pairs[doc_url][interp_url] = via

    def resolve(url: str) -> str | None:
        target = site.page(url)
        return target.url if target is not None else None

    for doc_url, (page, _) in needing.items():
        for link in page.links:
            if link.region is Region.BODY:
                target = resolve(link.url)
                if target is not None:
                    add(doc_url, target, "document-links")
    index = _Index(documents)  # every document: a name shared with one that needs none is still ambiguous
    wanted = set(needing)
    for interp_url, page in interps.items():
        for link in page.links:
            if link.region is Region.BODY:
                target = resolve(link.url)
                if target is not None:
                    add(target, interp_url, "interpretation-links")
        for doc_url in _named(page, _book_titles, lambda name: index.by_name(name) & wanted):
            add(doc_url, interp_url, "title")
        for doc_url in _named(page, _doc_numbers, lambda number: index.by_doc_number(*number) & wanted):
            add(doc_url, interp_url, "doc-number")

    needs: list[DocumentNeed] = []
    for doc_url in sorted(needing):
        page, reason = needing[doc_url]
        found = [
            Interpretation(url, _display_title(interps[url]), interps[url].published_on,
                           interpretation_kind(interps[url]), via)
            for url, via in pairs.get(doc_url, {}).items()
        ]
        found.sort(key=lambda i: (i.published_on is None, i.published_on or date.min, i.url))
        needs.append(DocumentNeed(
            url=doc_url,
            title=_display_title(page),
            doc_number=page.doc.doc_number if page.doc is not None else None,
            published_on=_doc_date(page),
            reason=reason,
            interpretations=found,
        ))
    return needs


# ------------------------------------------------------------------------ assessing


def _optional[T](compute: Callable[[], T]) -> T | None:
    """A figure shown as evidence only: None when its year is not in the calendar.

    The decision itself (``more_than``) is never guessed and may raise.
    """
    try:
        return compute()
    except UnknownCalendarYear:
        return None


def _judge(need: DocumentNeed, today: date, calendar: WorkdayCalendar) -> DocumentNeed:
    start = need.published_on
    if start is None:
        return replace(need, status=UNDATED)
    deadline = _optional(lambda: calendar.nth_workday_after(start, LIMIT_WORKING_DAYS))
    if need.interpretations:
        first = need.earliest
        if first is None:
            return replace(need, status=PRESENT, deadline=deadline)
        end = first.published_on
        if end <= start:  # published with or before the document
            return replace(need, status=ON_TIME, working_days=0, deadline=deadline)
        late = calendar.more_than(start, end, LIMIT_WORKING_DAYS)
        days = _optional(lambda: calendar.working_days_after(start, end))
        return replace(need, status=LATE if late else ON_TIME, working_days=days, deadline=deadline)
    missing = calendar.more_than(start, today, LIMIT_WORKING_DAYS)
    days = _optional(lambda: calendar.working_days_after(start, today))
    return replace(need, status=MISSING if missing else PENDING, working_days=days, deadline=deadline)


_MEMO: dict[int, dict[tuple, list[DocumentNeed]]] = {}


def _memo_for(site: SiteFacts) -> dict[tuple, list[DocumentNeed]]:
    """The memo of one site object, dropped when the site is garbage collected
    (so a reused ``id`` never sees another site's results)."""
    key = id(site)
    memo = _MEMO.get(key)
    if memo is None:
        memo = _MEMO[key] = {}
        weakref.finalize(site, _MEMO.pop, key, None)
    return memo


def assess(site: SiteFacts, settings: Mapping | None, today: date,
           calendar: WorkdayCalendar | None = None) -> list[DocumentNeed]:
    """Every document needing an interpretation with its status on ``today``, by URL.

    ``calendar`` must be the one built from ``settings`` (default: from
    ``settings`` itself); results are memoised per site object, ``today`` and
    settings. Raises ``UnknownCalendarYear`` when a decision needs a year the
    calendar does not know.
    """
    memo = _memo_for(site)
    key = (today, json.dumps(settings or {}, sort_keys=True, default=str, ensure_ascii=False))
    if key not in memo:
        cal = calendar if calendar is not None else WorkdayCalendar.from_settings(settings)
        memo[key] = [_judge(need, today, cal) for need in pair(site, settings)]
    return memo[key]


def metrics(needs: Iterable[DocumentNeed]) -> dict[str, float | None]:
    """Contract *Metrics*: coverage over judged documents (pending and undated left out),
    video share over the distinct interpretations paired with a needing document."""
    needs = list(needs)
    judged = [n for n in needs if n.status in (ON_TIME, LATE, PRESENT, MISSING)]
    covered = sum(1 for n in judged if n.interpretations)
    kinds = {i.url: i.kind for n in needs for i in n.interpretations}
    videos = sum(1 for kind in kinds.values() if kind == "video")
    return {
        "interpretation_coverage": covered / len(judged) if judged else None,
        "interpretation_video_share": videos / len(kinds) if kinds else None,
    }
