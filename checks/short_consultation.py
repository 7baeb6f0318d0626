"""``short-consultation``: public consultations open for fewer than 30 days (plan item 17).

Plan item 17 asks that drafts put out for public comment stay open for at
least 30 days. We read the period the page itself states, because that is
what the public was told:

* a labelled range: 征集时间/征求意见时间/起止时间/起止日期/… X至Y (also 到, —, –, -, ~);
* a pair of fields: 开始时间 X … 结束时间 Y (Hanweb/大汉 style);
* only a deadline (截止日期 Y, 截至Y, 请于Y前): the period starts at the
  page's 发布日期.

Days are counted inclusively (both the first and the last day are days on
which comments can be sent): 2023-10-09 to 2023-11-08 is 31 days and passes,
2023-09-01 to 2023-09-15 is 15 days and is flagged. A page that states no
period is not judged. Dates are read in Chinese (2023年9月1日) and ISO
(2023-09-01, 2023/9/1, 2023.9.1) forms by a small local parser, because checks
may not import the crawler's extraction code.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from checks.documents import document_evidence
from checks.registry import Check, CheckContext
from govcrawl.facts import SiteFacts
from govcrawl.model import Finding, PageFacts, Severity

MIN_DAYS = 30

CHECK = Check(
    id="short-consultation",
    title="意见征集期限不足30天",
    severity=Severity.MAJOR,
    basis="2023年政务公开工作要点 第17条（公开征求意见期限一般不少于30日）",
    fix="公开征求意见的期限一般不少于30日；如确需缩短，应在征集公告中说明理由，并视情况延长征集时间。",
    subject="document",
    summary="意见征集/征求意见页面写明的征集期限（首尾两天都计入）少于30天；只写截止日期的，从发布日期起算。",
    evidence_labels={
        "start": "开始日期",
        "end": "截止日期",
        "days": "征集天数",
        "where": "读取位置",
    },
)

CONSULT_WORDS = ("意见征集", "征求意见", "公开征求", "征集意见")

_DATE = r"(\d{4})\s*(?:年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日|[-/.](\d{1,2})[-/.](\d{1,2}))"
_SHORT = r"(?:(\d{1,2})\s*月\s*(\d{1,2})\s*日)"  # an end date without its year: 9月15日
_TIME = r"(?:\s*\d{1,2}[:：]\d{2}(?:[:：]\d{2})?|\s*\d{1,2}时)?"
_SEP = r"\s*(?:至|到|—+|–|-|~|～)\s*"
_LABEL = r"(?:意见征集时间|征集时间|征求意见时间|征求意见期限|征集期限|征求意见期|起止时间|起止日期|反馈时间|征集期)"

_RANGE_LABELLED = re.compile(_LABEL + r"[为是]?\s*[：:]?\s*(?:自|从)?\s*" + _DATE + _TIME + r"(?:起)?" + _SEP
                             + r"(?:" + _DATE + r"|" + _SHORT + r")")
_RANGE_ANY = re.compile(r"(?:自|从)?\s*" + _DATE + _TIME + r"(?:起)?" + _SEP + r"(?:" + _DATE + r"|" + _SHORT + r")")
_FIELDS = re.compile(r"开始(?:时间|日期)\s*[：:]?\s*" + _DATE + r".{0,40}?结束(?:时间|日期)\s*[：:]?\s*" + _DATE)
_DEADLINE = re.compile(r"(?:截止(?:时间|日期)\s*[：:为]?\s*|截至\s*|请于\s*)" + _DATE)


@dataclass(frozen=True, slots=True)
class Period:
    """A stated consultation period and where on the page it was read."""

    start: date
    end: date
    where: str

    @property
    def days(self) -> int:
        """Inclusive length: the first and the last day both count."""
        return (self.end - self.start).days + 1


def _ymd(groups: tuple[str | None, ...]) -> date | None:
    """A date from the groups of ``_DATE``: (year, month, day) in either form."""
    year, cm, cd, im, iday = groups
    month, day = (cm, cd) if cm else (im, iday)
    try:
        return date(int(year), int(month), int(day))
    except (TypeError, ValueError):
        return None


def parse_date(text: str) -> date | None:
    """Read one date written 2023年9月1日, 2023-09-01, 2023/9/1 or 2023.9.1."""
    match = re.search(_DATE, text)
    return _ymd(match.groups()) if match else None


def _range(match: re.Match) -> tuple[date, date] | None:
    g = match.groups()
    start = _ymd(g[0:5])
    if start is None:
        return None
    if g[5]:
        end = _ymd(g[5:10])
    else:
        try:
            end = date(start.year, int(g[10]), int(g[11]))
        except (TypeError, ValueError):
            return None
    return (start, end) if end is not None else None


def is_consultation(page: PageFacts) -> bool:
    """A public consultation page: its column, title, heading or breadcrumb names one.

    List pages of a consultation column are not consultations themselves.
    """
    if page.list_items or page.pagination:
        return False
    names = [page.column or "", page.title or "", page.heading or "", *page.breadcrumb]
    return any(word in name for name in names for word in CONSULT_WORDS)


def _fields_text(page: PageFacts) -> str:
    raw = page.doc.raw if page.doc is not None else {}
    return " ".join(f"{label}：{value}" for label, value in raw.items())


def stated_period(page: PageFacts) -> Period | None:
    """The consultation period the page states, or None when it states none."""
    sources = [("信息字段", _fields_text(page)), ("正文", page.text)]
    for where, text in sources:
        if not text:
            continue
        for pattern in (_RANGE_LABELLED, _FIELDS):
            match = pattern.search(text)
            if match is None:
                continue
            if pattern is _FIELDS:
                start, end = _ymd(match.groups()[0:5]), _ymd(match.groups()[5:10])
                dates = (start, end) if start and end else None
            else:
                dates = _range(match)
            if dates is not None:
                label = "开始/结束时间" if pattern is _FIELDS else re.match(_LABEL, match.group(0)).group(0)
                return Period(dates[0], dates[1], f"{where}（{label}）")
    for where, text in sources:
        match = _RANGE_ANY.search(text) if where == "正文" and _mentions_period(text) else None
        if match is not None and (dates := _range(match)) is not None:
            return Period(dates[0], dates[1], f"{where}（起止日期）")
    published = page.doc.published_on if page.doc is not None and page.doc.published_on else page.published_on
    for where, text in sources:
        match = _DEADLINE.search(text) if text else None
        if match is not None and published is not None:
            end = _ymd(match.groups())
            if end is not None:
                return Period(published, end, f"{where}（截止日期，自发布日期起算）")
    return None


def _mentions_period(text: str) -> bool:
    """An unlabelled X至Y range only counts when the text speaks of the comment period."""
    return any(word in text for word in ("征求意见", "征集", "反馈意见", "提出意见"))


@CHECK.rule
def run(site: SiteFacts, ctx: CheckContext) -> Iterator[Finding]:
    for page in site.html_pages():
        if not is_consultation(page):
            continue
        period = stated_period(page)
        if period is None or period.end < period.start or period.days >= MIN_DAYS:
            continue
        yield ctx.finding(
            url=page.url,
            message=f"意见征集期限只有 {period.days} 天（{period.start.isoformat()} 至 {period.end.isoformat()}），"
            f"少于 {MIN_DAYS} 天。",
            evidence={
                "start": period.start.isoformat(),
                "end": period.end.isoformat(),
                "days": period.days,
                "where": period.where,
                **document_evidence(page),
            },
            site=site,
        )
