"""What will become a finding soon, so a department acts before an inspector looks.

Not findings (nothing is wrong yet), so not a check: a pure list the report opens
each department's section with. Four kinds, each with the day it falls due:

* ``validity`` — a document whose validity period ends within ``VALIDITY_DAYS``
  (60) days and is not marked 失效/废止: decide now whether to extend, revise or
  mark it (plan items 9, 26);
* ``interpretation`` — a document still waiting for its interpretation whose
  3-working-day deadline is today or the next working day (plan item 10);
* ``consultation`` — a public consultation closing within ``CONSULTATION_DAYS``
  (7) days: publish the feedback summary and results afterwards (plan item 17);
* columns close to their update limit are computed by ``stale_column.early_warnings``
  and shown beside these by the CLI.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from checks.documents import document_evidence, is_document, marked_invalid, validity_end
from checks.interpretations import PENDING, assess
from checks.short_consultation import is_consultation, stated_period
from checks.workdays import WorkdayCalendar
from govcrawl.facts import SiteFacts

VALIDITY_DAYS = 60
CONSULTATION_DAYS = 7


@dataclass(frozen=True, slots=True)
class DueItem:
    kind: str  # validity | interpretation | consultation
    url: str
    title: str | None
    due: date
    detail: str  # one Chinese sentence: what falls due and what to do

    def as_json(self) -> dict:
        return {"kind": self.kind, "url": self.url, "title": self.title, "due": self.due.isoformat(),
                "detail": self.detail}


def due_soon(site: SiteFacts, settings: Mapping, today: date, calendar: WorkdayCalendar) -> list[DueItem]:
    """Everything falling due soon, soonest first."""
    items: list[DueItem] = []
    for page in site.html_pages():
        if is_document(page) and not marked_invalid(page):
            end = validity_end(page)
            if end is not None and today <= end[0] <= today + timedelta(days=VALIDITY_DAYS):
                number = document_evidence(page)["doc_number"]
                named = f"（{number}）" if number else ""
                items.append(DueItem(
                    "validity", page.url, page.title, end[0],
                    f"文件{named}有效期将于 {end[0].isoformat()} 届满（还有 {(end[0] - today).days} 天）："
                    "请提前确定延期、修订或届时标注失效。",
                ))
        if is_consultation(page):
            period = stated_period(page)
            if period is not None and today <= period.end <= today + timedelta(days=CONSULTATION_DAYS):
                items.append(DueItem(
                    "consultation", page.url, page.title, period.end,
                    f"意见征集将于 {period.end.isoformat()} 截止：截止后应及时公开意见采纳情况。",
                ))
    pending = [n for n in assess(site, settings, today, calendar) if n.status == PENDING and n.deadline]
    # Computed only when something is pending: on 31 December the next working day lies in a
    # year the calendar may not know yet, which must not stop a run that has nothing pending.
    next_workday = calendar.nth_workday_after(today, 1) if pending else today
    for need in pending:
        if need.deadline <= next_workday:
            items.append(DueItem(
                "interpretation", need.url, need.title, need.deadline,
                f"文件的政策解读须在 {need.deadline.isoformat()} 前发布（3 个工作日期限），目前还没有找到解读。",
            ))
    return sorted(items, key=lambda item: (item.due, item.kind, item.url))
