"""Validity statements of a document page, read from its body text and header.

Why a separate reader: the 信息公开 header (``docinfo``) only knows labelled
fields, but most portals state a normative document's validity in the text
itself (``本办法自2021年9月1日起施行，有效期2年。``) or as a label next to the
title (``【已废止】``). ``missing-validity`` and ``expired-document`` (contract
§4 "Validity marking", "Validity end") need those statements as facts, so the
crawler reads them once here and stores them in ``DocInfo``; the checks never
parse text.

The end of a period is computed by the common legal reading of 《民法典》第
二百零一条/二百零三条 applied to periods counted in years: a period of N years
taking effect on day D ends on the day before the same calendar day N years
later (自2019年1月1日起施行，有效期5年 → 2023-12-31). A period taking effect on
29 February ends on 28 February.

Pure functions only: no I/O, and dates come from ``crawler.extract.dates``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from crawler.extract.dates import find_date_spans, parse_date
from govcrawl.docnumber import DocNumber, is_normative_number, parse_doc_number
from govcrawl.model import DocInfo, PageFacts

__all__ = [
    "DocNumber",
    "Statements",
    "apply_statements",
    "end_of_period",
    "is_normative_number",
    "parse_doc_number",
    "read_statements",
]

# Where valid_until was read (DocInfo.validity_source); the reports show these words.
SOURCE_FIELD = "有效性字段"
SOURCE_UNTIL = "有效期至"
SOURCE_PERIOD = "施行日期+有效期"

# ---------------------------------------------------------------- 文号
# Parsed by govcrawl.docnumber (shared with the checks); re-exported here for extraction.


# ---------------------------------------------------------------- statements


@dataclass(slots=True)
class Statements:
    """What a page says about its own validity (each part optional)."""

    valid_until: date | None = None  # 有效期至 a date
    effective_from: date | None = None  # 自…起施行/实施/执行/试行
    validity_years: int | None = None  # 有效期N年, 试行期N年, 暂行N年
    provisional: bool = False  # 暂行/试行 in the title
    status_label: str | None = None  # 有效 / 失效 / 已废止 … as printed next to the title
    statement: str | None = None  # the sentence the period was read from (evidence)


_CN_NUM = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}


def _years(text: str) -> int | None:
    """'5', '５', '五', '两', '十' -> int; None beyond ten (no period is written so)."""
    if text.isdigit():
        return int(text)
    if text in _CN_NUM:
        return _CN_NUM[text]
    if len(text) == 2 and text[0] == "十" and text[1] in _CN_NUM:
        return 10 + _CN_NUM[text[1]]
    return None


_UNTIL = re.compile(r"有效期(?:限)?\s*(?:至|到|截至|截止至|截止到|截止)\s*")
_RANGE = re.compile(r"有效期(?:限)?\s*(?:为|是|：|:)?\s*(?=[12１２一二〇○])")
_EFFECTIVE = re.compile(r"自\s*(?P<when>.{0,24}?)\s*起\s*(?:施行|实施|执行|试行|生效)")
_ON_DAY = {"印发": "written_on", "发布": "published_on", "公布": "published_on", "发文": "written_on"}
_PERIOD = re.compile(
    r"(?:有效期(?:限)?|试行期(?:限)?|暂行期(?:限)?|暂行|试行)\s*(?:为|是)?\s*"
    r"(?P<n>\d{1,2}|[一二两三四五六七八九十]{1,2})\s*(?:个)?\s*年"
)
_STATUS = re.compile(
    r"[【\[［]\s*(现行有效|有效|已?失效|部分失效|全文失效|已?废止|已?修改|已修订|已被修改|已被废止)\s*[】\]］]"
)
_PROVISIONAL = re.compile(r"暂行|试行")


def _date_right_after(text: str, position: int) -> tuple[date, int] | None:
    """A date starting (after spaces) at ``position``: (date, end)."""
    for start, end, found in find_date_spans(text[position : position + 40]):
        if text[position : position + start].strip() == "":
            return found, position + end
        break
    return None


def _sentence(text: str, start: int, end: int) -> str:
    """The sentence around [start, end), for evidence."""
    left = max(text.rfind(mark, 0, start) for mark in "。；;！\n") + 1
    rights = [p for p in (text.find(mark, end) for mark in "。；;！\n") if p >= 0]
    right = min(rights) + 1 if rights else len(text)
    return text[max(left, start - 120) : min(right, end + 120)].strip()


# A statement about the document itself (本办法自…起施行), as opposed to one quoted from
# another act or about a licence the document regulates (许可证有效期至…).
_SELF = re.compile(r"本(?:办法|规定|细则|意见|通知|决定|方案|规则|制度|条例|规划|实施|措施|文件|标准|指引|公告)")
_OTHER_SUBJECT = re.compile(r"证|许可|执照|资格|资质|合同|协议|备案|批准文件|批复|补贴|资助|《")


def _pick[T](candidates: list[tuple[str, T]]) -> tuple[str, T] | None:
    """The statement to believe among (sentence, value) candidates in reading order.

    The last one that names the document itself (本办法…) wins: the clause on
    entry into force and validity closes a 公文 (附则), while earlier mentions quote
    other acts. Without one, the last candidate that names no other subject
    (证照, 合同, 《another act》) is taken; otherwise none, because a wrong end date
    would make a false ``expired-document`` finding.
    """
    own = [candidate for candidate in candidates if _SELF.search(candidate[0])]
    if own:
        return own[-1]
    plain = [candidate for candidate in candidates if not _OTHER_SUBJECT.search(candidate[0])]
    return plain[-1] if plain else None


def _read_until(text: str, out: Statements) -> None:
    """有效期至2025年12月31日(止); 有效期为2021年1月1日至2025年12月31日."""
    candidates: list[tuple[str, tuple[date | None, date]]] = []
    for match in _UNTIL.finditer(text):
        found = _date_right_after(text, match.end())
        if found is not None:
            candidates.append((_sentence(text, match.start(), found[1]), (None, found[0])))
    for match in _RANGE.finditer(text):
        first = _date_right_after(text, match.end())
        if first is None:
            continue
        rest = text[first[1] : first[1] + 6]
        joiner = re.match(r"\s*(?:起)?\s*(?:至|到|—|－|-|~|～)\s*", rest)
        if joiner is None:
            continue
        second = _date_right_after(text, first[1] + joiner.end())
        if second is not None:
            candidates.append((_sentence(text, match.start(), second[1]), (first[0], second[0])))
    chosen = _pick(candidates)
    if chosen is not None:
        out.statement, (start, out.valid_until) = chosen[0], chosen[1]
        out.effective_from = out.effective_from or start


def _read_effective(text: str, doc: DocInfo | None, out: Statements) -> None:
    """自2021年9月1日起施行; 自印发之日起施行 (the 成文日期); a 施行日期 field."""
    candidates: list[tuple[str, date]] = []
    for match in _EFFECTIVE.finditer(text):
        when = match.group("when")
        found = parse_date(when)
        if found is None and doc is not None and "之日" in when:
            for word, field in _ON_DAY.items():
                if word in when:
                    found = getattr(doc, field)
                    break
        if found is not None:
            candidates.append((_sentence(text, match.start(), match.end()), found))
    chosen = _pick(candidates)
    if chosen is not None:
        out.effective_from = chosen[1]
        return
    if doc is not None:
        for label in ("施行日期", "实施日期", "生效日期"):
            found = parse_date(doc.raw.get(label))
            if found is not None:
                out.effective_from = found
                return


def _read_period(text: str, doc: DocInfo | None, out: Statements) -> None:
    """有效期5年, 有效期为两年, 试行期2年, 暂行三年; also an 有效期 field holding '5年'."""
    candidates: list[tuple[str, int]] = []
    for match in _PERIOD.finditer(text):
        years = _years(match.group("n"))
        if years:
            candidates.append((_sentence(text, match.start(), match.end()), years))
    chosen = _pick(candidates)
    if chosen is not None:
        out.validity_years = chosen[1]
        out.statement = out.statement or chosen[0]
        return
    if doc is not None:
        for label in ("有效期", "有效期限"):
            match = _PERIOD.search(label + doc.raw.get(label, ""))
            years = _years(match.group("n")) if match else None
            if years:
                out.validity_years = years
                return


def read_statements(text: str, *, titles: tuple[str | None, ...] = (), doc: DocInfo | None = None) -> Statements:
    """Every validity statement of a page: body ``text``, the ``titles`` (heading, <title>,
    标题 field) for status labels and 暂行/试行, and ``doc`` for 之日 dates and fields."""
    out = Statements()
    text = text or ""
    _read_until(text, out)
    if out.effective_from is None:
        _read_effective(text, doc, out)
    _read_period(text, doc, out)
    for title in titles:
        if not title:
            continue
        if out.status_label is None:
            label = _STATUS.search(title)
            if label is not None:
                out.status_label = label.group(1)
        if _PROVISIONAL.search(_STATUS.sub("", title)):
            out.provisional = True
    return out


def end_of_period(start: date, years: int) -> date:
    """Last day of a period of ``years`` years taking effect on ``start`` (see module doc)."""
    try:
        anniversary = start.replace(year=start.year + years)
    except ValueError:  # 29 February into a common year
        anniversary = date(start.year + years, 3, 1)
    return anniversary - timedelta(days=1)


def apply_statements(page: PageFacts) -> None:
    """Read the statements of ``page`` into its DocInfo (only pages that have one: a page
    without a 信息公开 header is no document, so its statements are never judged)."""
    doc = page.doc
    if doc is None:
        return
    titles = (page.heading, page.title, doc.raw.get("标题"), doc.raw.get("名称"), doc.raw.get("文件名称"))
    found = read_statements(page.text, titles=titles, doc=doc)
    doc.effective_from = found.effective_from
    doc.validity_years = found.validity_years
    doc.status_label = found.status_label
    doc.provisional = found.provisional
    doc.validity_statement = found.statement
    if doc.valid_until is not None:
        doc.validity_source = SOURCE_FIELD
    elif found.valid_until is not None:
        doc.valid_until = found.valid_until
        doc.validity_source = SOURCE_UNTIL
    elif found.effective_from is not None and found.validity_years:
        doc.valid_until = end_of_period(found.effective_from, found.validity_years)
        doc.validity_source = SOURCE_PERIOD
