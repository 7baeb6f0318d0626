"""``wording``: serious wording errors — typos, outdated formulations, flagged terms, leader names/titles.

Why: the national inspection indicators (国办秘函〔2019〕19号) make 严重表述错误 a single-veto item —
a wrong leader name or title, a superseded body or plan period named as current, a typo in a key
term. Webmasters drown in false alarms from naive keyword lists, so every rule here is dated,
cited and bounded by its context, and every finding shows the text it stands on.

How (pure function over stored facts; the rule book is ``checks.wording_rules``):

* one Aho-Corasick pass over ``page.text`` (the visible text, extracted once by the crawler)
  finds every wrong form, every correct longer word containing one, every allowed phrase and
  every configured leader name and title;
* a wrong form counts unless a ``not_within`` word or an allowed phrase covers it, the page's
  date is outside the rule's validity, the page's column/type is outside the rule's scope, or
  — for rules with dates — it sits in a 《》 title of an older document, on an archive page, or
  beside a year before the rule's start; then the rule's ``only_when`` / ``not_when`` context
  patterns decide (e.g. "十三五" only counts when used as the current period);
* leaders (site config): a configured name next to a configured title ("区长张三", "张三区长",
  "张三同志（区长）") that the person does not hold on the page's date, and lists of configured
  names (张三、李四、王五) out of the configured protocol order.

The page's date is its 发布日期 (document header, else the page's own date); an undated page
(homepage, column pages, 领导信息 …) is read as current, i.e. judged on ``--today``.

One finding per page and rule; target = the rule id; severity from the rule. Evidence carries
the wrong form(s), the right form, the rule's source, and up to three context windows of 20
characters either side with the match in 【】.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date

from checks.registry import Check, CheckContext
from checks.wording_rules import ORDER_RULE, Book, Rule, Scan, context_regex, load_book, rule_label
from govcrawl.facts import SiteFacts
from govcrawl.model import Finding, PageFacts, Severity

CHECK = Check(
    id="wording",
    title="表述错误",
    severity=Severity.CRITICAL,
    basis="国办秘函〔2019〕19号 政府网站与政务新媒体检查指标（单项否决「严重表述错误」）",
    fix="按“正确写法”改正原文；机构名称、规划期等以规则所列依据为准，领导姓名、职务和排序以最新任免文件为准。"
    "确属引用历史文件原文的，可在站点配置的 wording.allow 中登记该短语。",
    summary="按规则库（错别字、已撤并机构名称、过时规划期表述、站点配置的领导姓名职务与排序）逐页检查正文；"
    "每页每条规则报一条，附问题文字前后各20字的上下文。",
    evidence_labels={
        "rule": "规则编号",
        "found": "原文写法",
        "right": "正确写法",
        "count": "出现次数",
        "contexts": "上下文（【】内为问题文字）",
        "judged_on": "判定依据日期",
        "date_source": "日期来源",
        "valid_from": "规则适用起始日",
        "valid_until": "规则适用截止日",
        "source": "依据",
        "note": "说明",
        "origin": "规则出处",
        "holds": "配置的任职情况",
        "expected_order": "应有排序",
    },
)

EVIDENCE_CHARS = 20  # context shown either side of a match
MAX_CONTEXTS = 3
SENTENCE_ENDS = "。！？；!?;"
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d\d)(?=\s*(?:年|[—–\-~～至到]))")
_TITLE_YEAR = re.compile(r"(?<!\d)((?:19|20)\d\d)(?!\d)")
# A title right after one of these is someone else's office or a past one (副区长, 原区长, 时任区长).
_NOT_THE_TITLE = ("副", "原", "前", "时任", "曾任", "代", "老", "名誉")
_PAIR_GAPS_BEFORE = ("", " ", "　", "同志", "（", "(", "同志（", "同志(")


@dataclass
class Hit:
    """One rule broken on one page: what the finding says and shows."""

    rule_id: str
    severity: Severity
    message: str
    evidence: dict = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class PageView:
    """What the judgement needs of a page besides its text."""

    day: date  # the date the page is judged on
    day_iso: str
    date_source: str
    kind: str  # home | list | document | article
    names: tuple[str, ...]  # column and breadcrumb
    archive: bool


def page_view(page: PageFacts, today: date, homepage: str | None, archive_words: tuple[str, ...]) -> PageView:
    stated = (page.doc.published_on if page.doc is not None else None) or page.published_on
    if homepage is not None and homepage in (page.url, page.final_url):
        kind = "home"
    elif page.list_items or page.pagination:
        kind = "list"
    elif page.doc is not None:
        kind = "document"
    else:
        kind = "article"
    names = tuple(n for n in (page.column, *page.breadcrumb) if n)
    archive = any(word in name for name in names for word in archive_words)
    day = stated or today
    return PageView(day, day.isoformat(), "页面发布日期" if stated else "检查日期（页面无发布日期，按当前页面判断）",
                    kind, names, archive)


# ------------------------------------------------------------------------------ text helpers


def _covered(start: int, stop: int, spans: list[tuple[int, int]]) -> bool:
    """Whether a span lies inside one of ``spans`` (a not_within word, an allowed phrase)."""
    return any(s <= start and stop <= e for s, e in spans)


def _outermost(spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Occurrences not inside a longer one (中国银保监会 holds 银保监会; 副区长 holds 区长)."""
    ordered = sorted(spans, key=lambda s: (s[0], -(s[1] - s[0])))
    out: list[tuple[int, int, str]] = []
    reach = -1
    for span in ordered:
        if span[1] <= reach:
            continue
        out.append(span)
        reach = max(reach, span[1])
    return out


def context(text: str, start: int, stop: int, chars: int = EVIDENCE_CHARS) -> str:
    """The match with ``chars`` characters either side, the match in 【】, cut ends marked with …."""
    left, right = max(0, start - chars), min(len(text), stop + chars)
    return ("…" if left else "") + text[left:start] + "【" + text[start:stop] + "】" + text[stop:right] + (
        "…" if right < len(text) else "")


_FIRST_END = re.compile(f"[{re.escape(SENTENCE_ENDS)}]")
_LAST_END = re.compile(f"[{re.escape(SENTENCE_ENDS)}][^{re.escape(SENTENCE_ENDS)}]*\\Z")


class Sentences:
    """One page's text, for the sentence windows of its occurrences."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text

    def window(self, start: int, stop: int, chars: int) -> tuple[str, int]:
        """The sentence around a match, at most ``chars`` either side; and the match's offset in it.

        Sentence ends are looked up only inside the window (two bounded regex searches), because
        most pages have no occurrence at all and the others only a few.
        """
        text = self.text
        left = max(0, start - chars)
        last = _LAST_END.search(text, left, start)
        if last is not None:
            left = last.start() + 1
        right = min(len(text), stop + chars)
        following = _FIRST_END.search(text, stop, right)
        if following is not None:
            right = following.start() + 1
        return text[left:right], start - left


def sentence_window(text: str, start: int, stop: int, chars: int) -> tuple[str, int]:
    """The sentence around a match, at most ``chars`` either side; and the match's offset in it."""
    return Sentences(text).window(start, stop, chars)


def _pattern_hits(pattern: str, form: str, window: str, offset: int) -> bool:
    regex = context_regex(pattern, form)
    if "{m}" not in pattern:
        return regex.search(window) is not None
    pos = 0
    while pos <= len(window):  # every start, so an anchored match is not hidden by an earlier one
        found = regex.search(window, pos)
        if found is None:
            return False
        if found.start("m") == offset:
            return True
        pos = found.start() + 1
    return False


def in_old_title(text: str, start: int, stop: int, since: date) -> bool:
    """Inside a 《》 title that names no year on/after ``since`` (a title of an older document)."""
    opening = text.rfind("《", max(0, start - 80), start)
    if opening < 0 or text.find("》", opening, start) >= 0:
        return False
    closing = text.find("》", stop, stop + 80)
    if closing < 0:
        return False
    years = [int(y) for y in _TITLE_YEAR.findall(text[opening:closing])]
    return not any(year >= since.year for year in years)


def _historical_year(window: str, since: date) -> bool:
    return any(int(year) < since.year for year in _YEAR.findall(window))


# ------------------------------------------------------------------------------ rule book rules


def _rule_applies(rule: Rule, view: PageView) -> bool:
    if not rule.applies_on(view.day):
        return False
    if rule.columns and not any(word in name for name in view.names for word in rule.columns):
        return False
    if rule.page_types and view.kind not in rule.page_types:
        return False
    return not (rule.time_dependent and view.archive)


def _counts(sentences: Sentences, rule: Rule, start: int, stop: int, form: str, scan: Scan, index: int) -> bool:
    """Whether one occurrence of a wrong form is an error, after every exclusion of the rule."""
    excepts = scan.excepts.get(index)
    if (excepts and _covered(start, stop, excepts)) or (scan.allows and _covered(start, stop, scan.allows)):
        return False
    if rule.valid_from is None and not rule.only_when and not rule.not_when:
        return True  # a plain typo: nothing in its context can make it right
    if rule.valid_from is not None and in_old_title(sentences.text, start, stop, rule.valid_from):
        return False
    window, offset = sentences.window(start, stop, rule.context_chars)
    if rule.history_years and rule.valid_from is not None and _historical_year(window, rule.valid_from):
        return False
    if rule.only_when and not any(_pattern_hits(p, form, window, offset) for p in rule.only_when):
        return False
    return not any(_pattern_hits(p, form, window, offset) for p in rule.not_when)


def _message(rule: Rule, forms: list[str], count: int, view: PageView) -> str:
    found = "、".join(f"“{f}”" for f in forms)
    right = f"应为“{rule.right}”" if rule.right else ""
    if rule.kind == "typo":
        text = f"{rule.label}：{found}{right}"
    elif rule.kind == "outdated":
        since = f"自 {rule.valid_from_iso} 起" if rule.valid_from_iso else ""
        text = f"{rule.label}：{found}{since}已不再适用{'，' + right if right else ''}（本页日期 {view.day_iso}）"
    else:
        text = f"{rule.label}：{found}{'，' + right if right else ''}"
    return f"{text}，共 {count} 处。"


def rule_hits(book: Book, text: str, scan: Scan, view: PageView) -> Iterator[Hit]:
    """The rule book's findings on one page's text."""
    sentences = Sentences(text)
    for index, spans in scan.wrong.items():
        rule = book.rules[index]
        if not _rule_applies(rule, view):
            continue
        occurrences = _outermost(spans) if len(spans) > 1 else spans
        kept = [(s, e, form) for s, e, form in occurrences if _counts(sentences, rule, s, e, form, scan, index)]
        if not kept:
            continue
        forms = list(dict.fromkeys(form for _, _, form in kept))
        evidence = {"rule": rule.id, "kind": rule.label, "found": forms}
        if rule.right:
            evidence["right"] = rule.right
        evidence["count"] = len(kept)
        evidence["contexts"] = [context(text, s, e) for s, e, _ in kept[:MAX_CONTEXTS]]
        if rule.time_dependent:
            evidence["judged_on"] = view.day_iso
            evidence["date_source"] = view.date_source
        if rule.valid_from_iso:
            evidence["valid_from"] = rule.valid_from_iso
        if rule.valid_until_iso:
            evidence["valid_until"] = rule.valid_until_iso
        evidence["source"] = rule.source
        if rule.note:
            evidence["note"] = rule.note
        evidence["origin"] = rule.origin
        yield Hit(rule.id, rule.severity, _message(rule, forms, len(kept), view), evidence)


# ------------------------------------------------------------------------------ leaders


def _titles(text: str, book: Book, scan: Scan) -> list[tuple[int, int, str]]:
    """Configured titles as written, minus those inside a longer title or after 副/原/时任…"""
    out = []
    for start, stop, title in _outermost(scan.titles):
        if any(text.endswith(prefix, 0, start) for prefix in _NOT_THE_TITLE):
            continue
        out.append((start, stop, title))
    return out


def _pairs(text: str, names: list[tuple[int, int, str]], titles: list[tuple[int, int, str]]):
    """(name, title, phrase start, phrase end): 区长张三, 区长 张三, 张三区长, 张三同志（区长）, 张三（区长）."""
    by_start = {n[0]: n for n in names}
    by_end = {n[1]: n for n in names}
    used: set[tuple[int, int, str]] = set()
    for start, stop, title in titles:
        after = by_start.get(stop) or (by_start.get(stop + 1) if text[stop:stop + 1] in (" ", "　") else None)
        if after is not None and after not in used:
            used.add(after)
            yield after[2], title, start, after[1]
            continue
        for gap in _PAIR_GAPS_BEFORE:
            if text[start - len(gap):start] != gap:
                continue
            before = by_end.get(start - len(gap))
            if before is not None and before not in used:
                used.add(before)
                closing = stop + 1 if gap.endswith(("（", "(")) and text[stop:stop + 1] in ("）", ")") else stop
                yield before[2], title, before[0], closing
                break


def _held(book: Book, name: str) -> str:
    spans = []
    for office in book.offices_of(name):
        since = office.start.isoformat() if office.start else "…"
        until = office.until.isoformat() if office.until else "至今"
        spans.append(f"{office.title}（{since} 至 {until}）" if office.until else f"{office.title}（{since} 起）")
    return "；".join(spans)


def leader_hits(book: Book, text: str, scan: Scan, view: PageView) -> Iterator[Hit]:
    """Name/title pairs the person does not hold on the page's date, and lists out of protocol order."""
    if not book.offices or view.archive:
        return
    names = _outermost(scan.names)
    titles = _titles(text, book, scan)
    wrong: dict[str, list[tuple[str, int, int]]] = {}
    for name, title, start, stop in _pairs(text, names, titles):
        if f"name-title:{name}" in book.allow_ids or _covered(start, stop, scan.allows):
            continue
        if not book.holds(name, title, view.day):
            wrong.setdefault(name, []).append((title, start, stop))
    for name, items in wrong.items():
        phrases = list(dict.fromkeys(text[s:e] for _, s, e in items))
        titles_named = list(dict.fromkeys(t for t, _, _ in items))
        held_now = [o.title for o in book.offices_of(name) if o.holds_on(view.day)]
        now = "、".join(held_now) if held_now else "无配置的现任职务"
        yield Hit(
            f"name-title:{name}", Severity.CRITICAL,
            f"领导姓名职务：{'、'.join(f'“{p}”' for p in phrases)}与任职不符——{name} 在 {view.day_iso} "
            f"不担任{'、'.join(titles_named)}（当时职务：{now}），共 {len(items)} 处。",
            {
                "rule": f"name-title:{name}",
                "kind": rule_label("name-title", "name-title"),
                "found": phrases,
                "count": len(items),
                "contexts": [context(text, s, e) for _, s, e in items[:MAX_CONTEXTS]],
                "judged_on": view.day_iso,
                "date_source": view.date_source,
                "holds": _held(book, name),
                "source": "站点配置 wording.leaders（以任免文件为准）",
                "origin": "站点配置",
            },
        )
    if ORDER_RULE not in book.allow_ids and book.list_gap is not None:
        yield from _order_hits(book, text, names, view, scan)


def _order_hits(book: Book, text: str, names: list[tuple[int, int, str]], view: PageView, scan: Scan):
    """Lists of configured names (张三、李四、王五 in one sentence) whose order contradicts the config."""
    runs: list[list[tuple[int, int, str]]] = []
    for occurrence in names:
        if runs and book.list_gap.fullmatch(text, runs[-1][-1][1], occurrence[0]):
            runs[-1].append(occurrence)
        else:
            runs.append([occurrence])
    bad = []
    for run in runs:
        ranked = [(n, book.order_on(n[2], view.day)) for n in run]
        ranked = [(n, o) for n, o in ranked if o is not None]
        people = [n[2] for n, _ in ranked]
        if len(ranked) < 2 or len(set(people)) != len(people):
            continue
        if any(a[1] > b[1] for a, b in zip(ranked, ranked[1:], strict=False)):
            start, stop = run[0][0], run[-1][1]
            if _covered(start, stop, scan.allows):
                continue
            expected = [n[2] for n, _ in sorted(ranked, key=lambda item: item[1])]
            bad.append((people, expected, start, stop))
    if not bad:
        return
    yield Hit(
        ORDER_RULE, Severity.MAJOR,
        "领导排序：" + "；".join(f"“{'、'.join(found)}”应为“{'、'.join(exp)}”" for found, exp, _, _ in bad)
        + f"（按 {view.day_iso} 的任职排序），共 {len(bad)} 处。",
        {
            "rule": ORDER_RULE,
            "kind": "领导排序",
            "found": ["、".join(found) for found, _, _, _ in bad],
            "expected_order": ["、".join(exp) for _, exp, _, _ in bad],
            "count": len(bad),
            "contexts": [context(text, s, e) for _, _, s, e in bad[:MAX_CONTEXTS]],
            "judged_on": view.day_iso,
            "date_source": view.date_source,
            "source": "站点配置 wording.leaders 的 order（以任免文件和公开排序为准）",
            "origin": "站点配置",
        },
    )


# ------------------------------------------------------------------------------ the check


def page_hits(book: Book, page: PageFacts, today: date, homepage: str | None = None) -> list[Hit]:
    """Every wording finding of one page: one scan of its text, then the rules' judgement."""
    text = page.text
    if not text:
        return []
    scan = book.scan(text)
    if not scan.wrong and not scan.names:
        return []
    view = page_view(page, today, homepage, book.archive_columns)
    hits = list(rule_hits(book, text, scan, view))
    if scan.names:
        hits.extend(leader_hits(book, text, scan, view))
    return hits


@CHECK.rule
def run(site: SiteFacts, ctx: CheckContext) -> Iterator[Finding]:
    book = load_book(ctx.settings, ctx.site_id)
    for page in site.html_pages():
        for hit in page_hits(book, page, ctx.today, site.homepage):
            yield ctx.finding(
                url=page.url,
                target=hit.rule_id,
                message=hit.message,
                evidence=hit.evidence,
                severity=hit.severity,
                site=site,
            )
