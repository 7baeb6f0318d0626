"""Public messages (政民互动) of a site, merged and judged against their channel's limit.

Shared by ``unanswered-message`` and ``late-reply`` and by the report's reply-time
table, so the three never disagree on what a message is, which limit applies or
who must answer it.

**One message, several sightings.** A board shows a message in its list (状态,
dates, 承办单位) and on its detail page (the fields in full). Both are facts of
the same message, keyed by the detail page's URL; the detail page wins and the
list fills what it leaves out. A list row without a link is its own message,
keyed by its list page and its number or title.

**The limit.** In this order:

1. the site config's channel (``messages.channels``: path prefix and/or column)
   with ``limit_days`` working days — plan item 20 (严格落实各渠道办理时限) leaves
   the limits to each channel, so the office writes them down;
2. the limit the board itself promises (办理时限：5个工作日; 信箱须知
   "一般在5个工作日内答复"), because that is what the public was told;
3. the national rule of 3 months (国办秘函〔2019〕19号 检查指标, 互动回应差:
   留言超过3个月未回应).

Working days are counted like interpretations (contract: working days d with
asked < d <= end), with the project's calendar; calendar days and months are
counted on the calendar. A message unanswered for more than 3 months is the
national veto indicator, whatever the channel's own limit.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date
from statistics import median
from urllib.parse import urlsplit

from checks.workdays import UnknownCalendarYear, WorkdayCalendar
from govcrawl.departments import DepartmentRules
from govcrawl.facts import SiteFacts
from govcrawl.model import MessageFact, PageFacts

NATIONAL_MONTHS = 3  # 互动回应差: a message left without reply for more than 3 months

_CN_DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
_LIMIT = re.compile(r"(\d{1,3}|[一二两三四五六七八九十]{1,3})\s*个?\s*(工作日|自然日|日|天|个月|月)")


@dataclass(frozen=True, slots=True)
class Limit:
    """A handling limit: ``value`` working days, calendar days or months, and where it was read."""

    value: int
    unit: str  # workdays | days | months
    source: str  # Chinese: 配置（咨询投诉） / 页面写明 / 国家规定

    @property
    def label(self) -> str:
        return f"{self.value} 个" + {"workdays": "工作日", "days": "自然日", "months": "月"}[self.unit]

    def passed(self, asked: date, end: date, calendar: WorkdayCalendar) -> bool:
        """Is ``end`` past the limit counted from ``asked`` (working days d with asked < d <= end > limit)?"""
        if self.unit == "workdays":
            return calendar.more_than(asked, end, self.value)
        if self.unit == "days":
            return (end - asked).days > self.value
        return end > add_months(asked, self.value)

    def elapsed(self, asked: date, end: date, calendar: WorkdayCalendar) -> str:
        """How long from ``asked`` to ``end`` in this limit's unit, as the report says it."""
        if self.unit == "workdays":
            try:
                return f"{calendar.working_days_after(asked, end)} 个工作日"
            except UnknownCalendarYear:  # a span judged without the calendar (more_than's safe span)
                pass
        return f"{(end - asked).days} 天"


NATIONAL = Limit(NATIONAL_MONTHS, "months", "国家规定（留言超过3个月未回应即为互动回应差）")


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later, clamped to the month's end (01-31 + 1 month = 02-28/29)."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)  # unreachable: every month has a 28th


def _number(text: str) -> int:
    if text.isdigit():
        return int(text)
    if len(text) == 1:
        return _CN_DIGITS[text]
    if text.startswith("十"):  # 十五
        return 10 + _CN_DIGITS.get(text[1:], 0)
    tens = _CN_DIGITS[text[0]] * 10  # 二十, 二十五
    return tens + (_CN_DIGITS.get(text[2:], 0) if len(text) > 2 else 0)


def parse_limit(text: str | None) -> Limit | None:
    """A limit the page states: 5个工作日, 十五个工作日内, 7日内, 1个月; None when it states none."""
    if not text:
        return None
    match = _LIMIT.search(text)
    if match is None:
        return None
    try:
        value = _number(match.group(1))
    except (KeyError, ValueError):
        return None
    if value <= 0:
        return None
    word = match.group(2)
    unit = "workdays" if word == "工作日" else "months" if word.endswith("月") else "days"
    return Limit(value, unit, f"页面写明（{match.group(0).replace(' ', '')}）")


@dataclass(frozen=True, slots=True)
class Message:
    """One public message with what the checks need to judge it."""

    fact: MessageFact
    url: str  # where the finding points: the detail page, else the list page that shows the row
    read_on: str  # the page its facts were read from (the detail page when crawled)
    channel: str  # the channel's name (config name, else the board's column)
    limit: Limit
    department: str
    identity: tuple[str, ...]  # what makes the finding id stable night after night

    @property
    def asked(self) -> date | None:
        return self.fact.asked_on

    @property
    def unanswered(self) -> bool:
        """The board says it has no reply (status or reply block), not merely that we could not tell."""
        return self.fact.replied is False and self.fact.replied_on is None


@dataclass(frozen=True, slots=True)
class _Channel:
    name: str
    path_prefix: str | None
    column: str | None
    limit_days: int | None

    def matches(self, url: str, column: str | None) -> bool:
        if self.path_prefix is not None and not (urlsplit(url).path or "/").startswith(self.path_prefix):
            return False
        return self.column is None or self.column == column


def _channels(settings: Mapping) -> list[_Channel]:
    raw = (settings.get("messages") or {}).get("channels") or []
    return [_Channel(c["name"], c.get("path_prefix"), c.get("column"), c.get("limit_days")) for c in raw]


def _merge(first: MessageFact, other: MessageFact) -> MessageFact:
    """``first`` with the fields it lacks taken from ``other`` (a list row of the same message)."""
    filled = {name: getattr(other, name) for name in ("asked_on", "replied_on", "status", "replied", "unit", "limit",
                                                       "number") if getattr(first, name) is None}
    return replace(first, **{k: v for k, v in filled.items() if v is not None})


def _sightings(site: SiteFacts) -> dict[tuple[str, ...], list[tuple[MessageFact, PageFacts]]]:
    """Every message fact by message, detail sightings first."""
    seen: dict[tuple[str, ...], list[tuple[MessageFact, PageFacts]]] = {}
    for page in site.html_pages():
        for fact in page.messages:
            if fact.url:
                key: tuple[str, ...] = (fact.url,)
            else:
                key = (page.url, fact.number or fact.title)
            seen.setdefault(key, []).append((fact, page))
    for sightings in seen.values():
        sightings.sort(key=lambda pair: pair[0].where != "detail")
    return seen


def site_messages(site: SiteFacts, settings: Mapping, departments: DepartmentRules) -> list[Message]:
    """The site's public messages, one per message, with channel, limit and department."""
    channels = _channels(settings)
    out: list[Message] = []
    for key, sightings in _sightings(site).items():
        fact, page = sightings[0]
        for other, _ in sightings[1:]:
            fact = _merge(fact, other)
        url = fact.url or page.url
        columns = [p.column for _, p in sightings]
        channel = next((c for c in channels for column in columns if c.matches(url, column)), None)
        if channel is None:
            channel = next((c for c in channels for _, p in sightings if c.matches(p.url, p.column)), None)
        limit = None
        if channel is not None and channel.limit_days is not None:
            limit = Limit(channel.limit_days, "workdays", f"配置（{channel.name}）")
        if limit is None:
            limit = next((lim for f, _ in sightings if (lim := parse_limit(f.limit)) is not None), None)
        name = channel.name if channel is not None else next((c for c in columns if c), None) or "留言"
        department = departments.for_unit(fact.unit) or departments.for_page(url, site.page(url) or page)
        out.append(Message(fact, url, page.url, name, limit or NATIONAL, department,
                           key if fact.url else (key[0], "row", key[1])))
    out.sort(key=lambda m: (m.department, m.url, m.identity))
    return out


def over_national(asked: date, end: date) -> bool:
    """More than 3 months from ``asked`` to ``end``: the national 互动回应差 line."""
    return end > add_months(asked, NATIONAL_MONTHS)


def reply_stats(messages: list[Message], today: date, calendar: WorkdayCalendar) -> dict[str, dict]:
    """Per department: messages, replied, unanswered past their limit, median days to reply
    and the share replied within the limit (the report's 留言办理 table)."""
    by_dept: dict[str, list[Message]] = {}
    for message in messages:
        if message.asked is not None and message.asked <= today:
            by_dept.setdefault(message.department, []).append(message)
    out: dict[str, dict] = {}
    for dept, items in sorted(by_dept.items()):
        replied = [m for m in items if m.fact.replied_on is not None and m.fact.replied_on >= m.asked]
        days = [(m.fact.replied_on - m.asked).days for m in replied]
        on_time = [m for m in replied if not m.limit.passed(m.asked, m.fact.replied_on, calendar)]
        overdue = [m for m in items if m.unanswered and m.limit.passed(m.asked, today, calendar)]
        out[dept] = {
            "messages": len(items),
            "replied": len(replied),
            "unanswered_overdue": len(overdue),
            "median_reply_days": median(days) if days else None,
            "on_time_share": round(len(on_time) / len(replied), 4) if replied else None,
        }
    return out


def message_evidence(message: Message, calendar: WorkdayCalendar, end: date) -> dict:
    """What a finding about a message shows: the page's own values and the arithmetic."""
    fact = message.fact
    evidence = {
        "channel": message.channel,
        "asked_on": fact.asked_on.isoformat() if fact.asked_on else None,
        "replied_on": fact.replied_on.isoformat() if fact.replied_on else None,
        "status": fact.status,
        "unit": fact.unit,
        "number": fact.number,
        "limit": message.limit.label,
        "limit_source": message.limit.source,
        "elapsed": message.limit.elapsed(fact.asked_on, end, calendar) if fact.asked_on else None,
        "read_on": "详情页" if fact.where == "detail" else "列表页",
    }
    if message.read_on != message.url:
        evidence["read_on_url"] = message.read_on
    return {k: v for k, v in evidence.items() if v is not None}


MESSAGE_LABELS = {
    "channel": "渠道",
    "asked_on": "留言时间",
    "replied_on": "回复时间",
    "status": "办理状态",
    "unit": "回复/承办单位",
    "number": "编号",
    "limit": "办理时限",
    "limit_source": "时限依据",
    "elapsed": "已用时间",
    "read_on": "读取位置",
    "read_on_url": "读取页面",
}
