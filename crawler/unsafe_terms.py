"""Is an external page gambling, pornography or other illegal content? (``unsafe-link``)

Why this exists: a portal's friendly links (友情链接) outlive the sites they point to.
When such a domain expires, it is commonly re-registered by a gambling or porn
operator for its search ranking, and the government page then links to a casino.
National inspection treats that as a site-level failure, so the link checker reads
the title and text of every external page it GETs and this module decides whether
they are unsafe. It is pure (bytes and strings in, strings out) so that the
checker, the tests and a re-check of a stored run all agree.

What makes a page unsafe — the threshold, because one word is not evidence:

- a *strong* term (one that practically only a gambling or porn site writes:
  百家乐, 娱乐城, 真人荷官, casino, 成人影片 …) in the page title, or
- at least two distinct terms over title and text, or
- one term three times or more in the text.

So a news page that mentions 彩票 once, or a title such as 男子购买彩票中奖, is not
unsafe; a casino whose title says 澳门新葡京娱乐城 is. *Weak* terms (彩票, 赌博,
赌场, 色情 …) are words that government and news pages use too: they count toward
the threshold but never decide alone from the title.

Guards: government pages write many of these words while fighting them. An
occurrence does not count when

1. an enforcement word stands before it in the same clause (打击/整治/严厉/查处/
   取缔/严禁/防范/警惕/举报/破获/远离/沉迷 …: 严厉打击跨境赌博, 警惕网络赌博陷阱);
2. a crime word follows it (赌博违法犯罪, 赌博案件, 赌博团伙, 赌博陷阱 …);
3. it is one item of a list of prohibited categories (淫秽、色情、赌博、暴力),
   the wording of laws and of every portal's user agreement;
4. it names the state lotteries (中国福利彩票, 体育彩票, 彩票公益金, 彩票管理条例 …),
   chess and cards as a sport or pastime (棋牌室, 棋牌运动, 棋牌协会, 棋牌比赛), or
   the Macau gaming industry in economic news (博彩业, 博彩收入, 博彩监察协调局);
5. a Latin term is part of a longer word (``Bocaiúva`` is a town, not ``bocai``);
   digits may touch it (``casino888``, ``bet365``).

Matching runs on NFKC-normalised, case-folded text (full-width ＣＡＳＩＮＯ is
casino), with zero-width characters removed.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from lxml import etree

from crawler.extract.encoding import decode_html, looks_binary

__all__ = [
    "MAX_TERMS",
    "TERMS",
    "Term",
    "find_unsafe_terms",
    "visible_title_and_text",
]

MAX_TERMS = 10  # terms reported per page: enough evidence, bounded for the store
TITLE_MAX_CHARS = 500
TEXT_MIN_DISTINCT = 2  # distinct terms over title and text that make a page unsafe
TEXT_MIN_REPEATS = 3  # ... or occurrences of one term in the text
_GUARD_WINDOW = 16  # characters before an occurrence searched for an enforcement word


@dataclass(frozen=True, slots=True)
class Term:
    """One term of the built-in list.

    ``pattern`` is a regular expression over the normalised text (see the module
    docstring); ``not_before``/``not_after`` are this term's own guards, matched
    against the text just before (anchored at its end) and just after (anchored at
    its start) the occurrence. ``strong`` terms decide alone from the title.
    """

    term: str  # as reported in LinkOutcome.terms and the finding's evidence
    group: str  # gambling | pornography | illegal | configured
    pattern: str
    strong: bool = True
    not_before: str | None = None
    not_after: str | None = None


# Latin terms: not inside a longer word (letters, including accented ones, may not
# touch them); digits may (casino888, 365bet).
_LATIN_LEFT = r"(?<![a-z\u00c0-\u024f])"
_LATIN_RIGHT = r"(?![a-z\u00c0-\u024f])"


def _latin(word: str, group: str, *, plural: bool = False, strong: bool = True) -> Term:
    body = re.escape(word.casefold()) + ("s?" if plural else "")
    return Term(word, group, _LATIN_LEFT + body + _LATIN_RIGHT, strong)


def _zh(
    word: str, group: str, *, strong: bool = True, not_before: str | None = None, not_after: str | None = None
) -> Term:
    return Term(word, group, re.escape(unicodedata.normalize("NFKC", word).casefold()), strong,
                not_before, not_after)


GAMBLING = "gambling"
PORNOGRAPHY = "pornography"
ILLEGAL = "illegal"
CONFIGURED = "configured"

# The built-in list. Longer terms first where one contains another is not needed:
# the combined pattern is ordered by length (see ``_compiled``).
TERMS: tuple[Term, ...] = (
    # -- gambling (赌博): operators' own vocabulary is strong; words news also uses are weak
    _zh("博彩", GAMBLING, not_after=r"(?:业|收入|税|监察|企业|牌照|专营|中介)"),
    _zh("娱乐城", GAMBLING),
    _zh("百家乐", GAMBLING),
    _zh("真人荷官", GAMBLING),
    _zh("真人娱乐", GAMBLING),
    _zh("时时彩", GAMBLING),
    _zh("彩金", GAMBLING),  # 注册即送彩金
    _zh("网赌", GAMBLING, strong=False),
    _zh("赌球", GAMBLING, strong=False),
    _zh("体育投注", GAMBLING),
    _zh("新葡京", GAMBLING),
    _zh("澳门威尼斯人", GAMBLING),
    _zh("澳门金沙", GAMBLING),
    _zh("太阳城集团", GAMBLING),
    _zh("皇冠体育", GAMBLING),
    _zh("北京赛车", GAMBLING, not_after=r"(?:场|队|节|运动)"),  # the lottery game, not motor racing
    _zh("炸金花", GAMBLING),
    _zh("赌博", GAMBLING, strong=False),
    _zh("赌场", GAMBLING, strong=False),
    _zh("老虎机", GAMBLING, strong=False),
    _zh("六合彩", GAMBLING, strong=False, not_before=r"(?:地下|私彩)"),
    # 棋牌: chess and cards are a sport (国家体育总局棋牌运动管理中心) and a pastime (社区棋牌室).
    _zh("棋牌", GAMBLING, strong=False,
        not_after=r"(?:室|运动|协会|比赛|赛|活动|项目|队|社|类|爱好|文化|中心|院|桌)"),
    # 彩票: the state lotteries are legitimate and government pages link them.
    _zh("彩票", GAMBLING, strong=False,
        not_before=r"(?:福利|体育|福彩|体彩|即开型|电脑|中国)",
        not_after=r"(?:公益金|管理|条例|发行|销售|资金|机构|市场|监管|中心|事业|网点|站|法规)"),
    _latin("casino", GAMBLING, plural=True),
    _latin("baccarat", GAMBLING),
    _latin("baijiale", GAMBLING),
    _latin("bocai", GAMBLING),
    _latin("dubo", GAMBLING),
    _latin("qipai", GAMBLING),
    _latin("yulecheng", GAMBLING),
    _latin("xinpujing", GAMBLING),
    _latin("bet365", GAMBLING),
    _latin("1xbet", GAMBLING),
    _latin("sportsbook", GAMBLING, plural=True),
    _latin("roulette", GAMBLING, strong=False),
    # -- pornography (色情)
    _zh("成人影片", PORNOGRAPHY),
    _zh("成人视频", PORNOGRAPHY),
    _zh("成人电影", PORNOGRAPHY),
    _zh("成人网站", PORNOGRAPHY, strong=False),
    _zh("黄色网站", PORNOGRAPHY, strong=False),
    _zh("av女优", PORNOGRAPHY),
    _zh("无码", PORNOGRAPHY),
    _zh("裸聊", PORNOGRAPHY),
    _zh("约炮", PORNOGRAPHY),
    _zh("一夜情", PORNOGRAPHY, strong=False),
    _zh("黄片", PORNOGRAPHY, strong=False),
    _zh("情色", PORNOGRAPHY, strong=False),
    # 淫秽色情 / 色情低俗 is the wording of 扫黄打非 notices, not of porn sites.
    _zh("色情", PORNOGRAPHY, strong=False, not_before=r"(?:淫秽|低俗|涉黄)", not_after=r"(?:低俗|暴力)"),
    _latin("porn", PORNOGRAPHY, plural=True),
    _latin("porno", PORNOGRAPHY, plural=True),
    _latin("pornhub", PORNOGRAPHY),
    _latin("xvideos", PORNOGRAPHY),
    _latin("hentai", PORNOGRAPHY),
    # -- illegal goods and services: the other usual tenants of expired domains.
    # Modest on purpose; political terms are left to the site's configuration
    # (external_links.unsafe_terms), where the office can own them.
    _zh("仿真枪", ILLEGAL, strong=False),
    _zh("办假证", ILLEGAL, strong=False),
    _zh("迷药", ILLEGAL, strong=False),
    _zh("窃听器", ILLEGAL, strong=False),
    _zh("代孕", ILLEGAL, strong=False),
)

# Guard 1: enforcement and warning words before an occurrence, in the same clause.
_ENFORCEMENT_BEFORE = re.compile(
    r"打击|整治|严打|严厉|查处|取缔|禁止|严禁|不得|防范|治理|遏制|抵制|远离|拒绝|举报|侦破|破获|捣毁|"
    r"查获|抓获|涉嫌|非法|违法|扫黄|打非|净网|警惕|谨防|反赌|反诈|戒赌|沉迷|清理|清查|专项|处罚|"
    r"不良|危害|曝光|揭露|揭秘|提醒|警示|劝阻"
)
# Guard 2: crime words right after an occurrence (at most one linking character between).
_CRIME_AFTER = re.compile(
    r"[等和及与、]?(?:违法|犯罪|案件|案|团伙|窝点|陷阱|危害|黑产|行为|活动|问题|风险|诈骗|专项|整治|毒瘤)"
)
# Guard 3: one item of an enumeration of prohibited categories.
_CATEGORY = r"(?:淫秽|色情|赌博|暴力|凶杀|恐怖|迷信|邪教|毒品|诈骗|低俗|涉黄|涉赌|涉毒)"
_LIST_BEFORE = re.compile(_CATEGORY + r"[、，,/及和与或]$")
_LIST_AFTER = re.compile(r"[、，,/及和与或]" + _CATEGORY)
# Where a clause ends: an enforcement word before this point speaks about something else.
_CLAUSE_END = re.compile(r"[。！？；!?;\n]")
_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))


@dataclass(frozen=True, slots=True)
class _Matcher:
    regex: re.Pattern[str]
    terms: tuple[Term, ...]
    not_before: tuple[re.Pattern[str] | None, ...]
    not_after: tuple[re.Pattern[str] | None, ...]


def _build(terms: tuple[Term, ...]) -> _Matcher:
    ordered = tuple(sorted(terms, key=lambda t: -len(t.pattern)))  # longest first: 成人电影 before 成人
    regex = re.compile("|".join(f"(?P<t{i}>{t.pattern})" for i, t in enumerate(ordered)))
    return _Matcher(
        regex,
        ordered,
        tuple(re.compile(f"(?:{t.not_before})$") if t.not_before else None for t in ordered),
        tuple(re.compile(t.not_after) if t.not_after else None for t in ordered),
    )


_BUILTIN = _build(TERMS)
_EXTRA_CACHE: dict[tuple[str, ...], _Matcher] = {}


def _matcher(extra_terms: Iterable[str]) -> _Matcher:
    """The built-in matcher, or one with the site's configured terms added (cached per list)."""
    extra = tuple(sorted({t.strip() for t in extra_terms if t and t.strip()}))
    if not extra:
        return _BUILTIN
    found = _EXTRA_CACHE.get(extra)
    if found is None:
        added = []
        for word in extra:
            if re.fullmatch(r"[A-Za-z0-9 .'-]+", word) and re.search("[A-Za-z]", word):
                added.append(_latin(word, CONFIGURED))
            else:
                added.append(_zh(word, CONFIGURED))
        if len(_EXTRA_CACHE) > 32:
            _EXTRA_CACHE.clear()
        found = _EXTRA_CACHE[extra] = _build(TERMS + tuple(added))
    return found


def _normalise(text: str) -> str:
    return unicodedata.normalize("NFKC", text.translate(_ZERO_WIDTH)).casefold()


def _guarded(text: str, start: int, end: int, not_before, not_after) -> bool:
    """True when the occurrence text[start:end] is speech *about* the thing (guards 1-4)."""
    before = text[max(0, start - _GUARD_WINDOW) : start]
    ends = [match.end() for match in _CLAUSE_END.finditer(before)]
    if ends:
        before = before[ends[-1] :]
    after = text[end : end + 8]
    if _ENFORCEMENT_BEFORE.search(before) or _CRIME_AFTER.match(after):
        return True
    if _LIST_BEFORE.search(before) or _LIST_AFTER.match(after):
        return True
    if not_before is not None and not_before.search(text[max(0, start - 6) : start]):
        return True
    return not_after is not None and not_after.match(after) is not None


def _occurrences(text: str, matcher: _Matcher) -> list[Term]:
    """Unguarded occurrences, in text order."""
    found: list[Term] = []
    for match in matcher.regex.finditer(text):
        index = int(match.lastgroup[1:])
        if not _guarded(text, match.start(), match.end(), matcher.not_before[index], matcher.not_after[index]):
            found.append(matcher.terms[index])
    return found


def find_unsafe_terms(title: str | None, text: str, extra_terms: Iterable[str] = ()) -> list[str]:
    """The distinct unsafe terms of a page (title first, then text, in order of appearance), at
    most ``MAX_TERMS`` — or ``[]`` when the page does not pass the threshold of the module
    docstring. ``extra_terms`` (``external_links.unsafe_terms``) are added to the built-in list
    as strong terms: the office that configured them knows what they mean.
    """
    matcher = _matcher(extra_terms)
    in_title = _occurrences(_normalise(title), matcher) if title else []
    in_text = _occurrences(_normalise(text), matcher) if text else []
    ordered: list[str] = []
    for term in (*in_title, *in_text):
        if term.term not in ordered:
            ordered.append(term.term)
    counts: dict[str, int] = {}
    for term in in_text:
        counts[term.term] = counts.get(term.term, 0) + 1
    unsafe = (
        any(term.strong for term in in_title)
        or len(ordered) >= TEXT_MIN_DISTINCT
        or any(count >= TEXT_MIN_REPEATS for count in counts.values())
    )
    return ordered[:MAX_TERMS] if unsafe else []


# -- bytes -> (title, text) ----------------------------------------------------------------

_TEXTUAL = ("html", "xml", "text/")
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
_NOT_READ = ("script", "style", "template", "title", "noframes")
_DESCRIBING_META = frozenset({"keywords", "description"})


def visible_title_and_text(
    body: bytes, content_type: str | None, *, max_chars: int = 200_000
) -> tuple[str | None, str]:
    """The ``<title>`` and the text a reader (or a search engine) sees of an external page.

    Decoding follows ``crawler.extract.encoding`` (BOM, header charset, ``<meta>``,
    then strict UTF-8 and GB18030 sniffing), so a GBK casino page reads like the
    portal's own GBK pages. Scripts, styles and comments are dropped; the
    ``keywords`` and ``description`` meta tags are kept at the front of the text,
    because a page that draws itself with JavaScript still describes itself there.
    Never raises: binary or unparsable bytes give ``(None, "")``. Only the first
    ``max_chars * 8`` bytes are read and the text is cut at ``max_chars``.
    """
    try:
        return _visible(body, content_type, max_chars)
    except Exception:  # noqa: BLE001 - a hostile page must never stop the link check
        return None, ""


def _visible(body: bytes, content_type: str | None, max_chars: int) -> tuple[str | None, str]:
    if not body or not body.strip():
        return None, ""
    if content_type and not any(kind in content_type.lower() for kind in _TEXTUAL):
        return None, ""
    body = body[: max(max_chars, 1024) * 8]
    if looks_binary(body):
        return None, ""
    text = _XML_DECLARATION.sub("", decode_html(body, content_type).text, count=1)
    if not text.strip():
        return None, ""
    parser = etree.HTMLParser(recover=True, no_network=True, remove_comments=True, remove_pis=True)
    root = etree.fromstring(text, parser)
    if root is None:
        return None, ""
    title = None
    for element in root.iter("title"):
        words = " ".join("".join(element.itertext()).split())
        if words:
            title = words[:TITLE_MAX_CHARS]
            break
    described = []
    for meta in root.iter("meta"):
        if (meta.get("name") or "").strip().lower() in _DESCRIBING_META and meta.get("content"):
            described.append(meta.get("content"))
    etree.strip_elements(root, *_NOT_READ, with_tail=False)
    words = " ".join((*described, *root.itertext())).split()
    return title, " ".join(words)[:max_chars]
