"""Availability over a week of probes: the arithmetic of the national indicator 站点无法访问.

国办秘函〔2019〕19号 检查指标: over one week the homepage is visited many times a
day (at least 20); a visit not loaded within 15 s is failed; the site fails
the inspection when failed visits are 5% or more of all visits. ``govcrawl
probe`` stores one :class:`~govcrawl.model.ProbeResult` per URL every 15
minutes; this module only counts them (no I/O, no clock: ``today`` is given),
so the check and the report agree and a stored week can be re-evaluated.

Only homepage probes count toward the rule; key pages are reported beside it.
A probe belongs to the day of its ``at`` in Asia/Shanghai, whatever offset it
was written with.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from fractions import Fraction

from govcrawl.model import ProbeResult

__all__ = [
    "MIN_DAILY_PROBES", "THRESHOLD", "WINDOW_DAYS", "Availability", "DayStats", "Outage", "PageStats", "daily",
    "probe_day", "probe_time", "summary",
]

SHANGHAI = timezone(timedelta(hours=8), "Asia/Shanghai")  # no DST since 1991: a fixed offset is exact
MIN_DAILY_PROBES = 20  # the rule's "at least 20 visits a day"; also the least a week can be judged on
THRESHOLD = 0.05  # failed share at which the site fails ("5% or more")
WINDOW_DAYS = 7


def probe_time(probe: ProbeResult) -> datetime:
    """When the probe started, in Asia/Shanghai; a time written without offset is taken as Shanghai time."""
    moment = datetime.fromisoformat(probe.at)
    if moment.tzinfo is None:
        return moment.replace(tzinfo=SHANGHAI)
    return moment.astimezone(SHANGHAI)


def probe_day(probe: ProbeResult) -> date:
    """The Shanghai calendar day of a probe: 2023-10-31T16:10Z is 11-01."""
    return probe_time(probe).date()


def _rate(failures: int, probes: int) -> float | None:
    return failures / probes if probes else None


def _reaches(failures: int, probes: int, threshold: float) -> bool:
    """failures / probes >= threshold in exact arithmetic: 7 of 140 is 5% and must count, float or not."""
    return probes > 0 and Fraction(failures, probes) >= Fraction(str(threshold))


@dataclass(frozen=True, slots=True)
class DayStats:
    """One Shanghai day of probes; ``sampled`` when it has the 20 the rule asks for."""

    day: date
    probes: int
    failures: int

    @property
    def rate(self) -> float | None:
        return _rate(self.failures, self.probes)

    @property
    def sampled(self) -> bool:
        return self.probes >= MIN_DAILY_PROBES

    def as_json(self) -> dict:
        return {"day": self.day.isoformat(), "probes": self.probes, "failures": self.failures,
                "rate": self.rate, "sampled": self.sampled}


@dataclass(frozen=True, slots=True)
class Outage:
    """A run of consecutive failed probes: what a webmaster asks first is "since when, and is it over?"

    ``start`` is the first failed probe's ``at``; ``end`` the first ok probe
    after the run, or the last failed probe while it is still ``ongoing``.
    """

    start: str
    end: str
    failed_probes: int
    ongoing: bool

    def as_json(self) -> dict:
        return {"start": self.start, "end": self.end, "failed_probes": self.failed_probes, "ongoing": self.ongoing}


@dataclass(frozen=True, slots=True)
class PageStats:
    """Probes of one key page (not the homepage): reported, never counted toward the rule."""

    url: str
    probes: int
    failures: int
    kinds: dict[str, int] = field(default_factory=dict)

    @property
    def rate(self) -> float | None:
        return _rate(self.failures, self.probes)

    def as_json(self) -> dict:
        return {"url": self.url, "probes": self.probes, "failures": self.failures, "rate": self.rate,
                "kinds": dict(self.kinds)}


@dataclass(frozen=True, slots=True)
class Availability:
    """The week's verdict on the homepage, with what a report needs to explain it."""

    start: date
    end: date
    threshold: float
    probes: int
    failures: int
    crossed: bool
    days: list[DayStats]
    undersampled_days: list[date]  # days in the window with fewer than 20 homepage probes
    longest_outage: Outage | None
    failure_kinds: dict[str, int]  # kind -> failed homepage probes (timeout, network, http-error ...)
    key_pages: list[PageStats]

    @property
    def rate(self) -> float | None:
        return _rate(self.failures, self.probes)

    @property
    def window_days(self) -> int:
        return (self.end - self.start).days + 1

    def describe(self) -> str:
        """One line for a report, e.g. 近 7 天首页探测 672 次，失败 40 次（5.95%），达到 5% 否决线。"""
        line = f"近 {self.window_days} 天首页探测 {self.probes} 次"
        limit = f"{self.threshold * 100:g}%"
        if self.probes < MIN_DAILY_PROBES:
            return f"{line}，不足 {MIN_DAILY_PROBES} 次，无法按 {limit} 否决线判定"
        line += f"，失败 {self.failures} 次（{self.rate * 100:.2f}%）"
        return f"{line}，{'达到' if self.crossed else '未达'} {limit} 否决线"

    def as_json(self) -> dict:
        return {
            "start": self.start.isoformat(), "end": self.end.isoformat(), "threshold": self.threshold,
            "probes": self.probes, "failures": self.failures, "rate": self.rate, "crossed": self.crossed,
            "days": [day.as_json() for day in self.days],
            "undersampled_days": [day.isoformat() for day in self.undersampled_days],
            "longest_outage": self.longest_outage.as_json() if self.longest_outage else None,
            "failure_kinds": dict(self.failure_kinds),
            "key_pages": [page.as_json() for page in self.key_pages],
            "description": self.describe(),
        }


def _in_window(probes: Iterable[ProbeResult], start: date, end: date) -> list[ProbeResult]:
    """The probes of days start..end inclusive, in time order (input order breaks ties: stable sort)."""
    dated = [(probe_time(probe), probe) for probe in probes]
    kept = [(moment, probe) for moment, probe in dated if start <= moment.date() <= end]
    kept.sort(key=lambda pair: pair[0])
    return [probe for _, probe in kept]


def daily(probes: Iterable[ProbeResult], start: date, end: date) -> list[DayStats]:
    """Per Shanghai day from ``start`` to ``end`` inclusive, days without probes included (rate None)."""
    totals: Counter[date] = Counter()
    failed: Counter[date] = Counter()
    for probe in probes:
        day = probe_day(probe)
        totals[day] += 1
        failed[day] += not probe.ok
    count = (end - start).days + 1
    return [DayStats(day, totals[day], failed[day]) for day in (start + timedelta(n) for n in range(max(count, 0)))]


def longest_outage(probes: list[ProbeResult]) -> Outage | None:
    """The longest run of consecutive failed probes in ``probes`` (time-ordered); None without failures.

    Of equally long runs the latest wins: an ongoing outage, or the most
    recent one, is what the webmaster must act on.
    """
    best: Outage | None = None
    run: list[ProbeResult] = []
    for index, probe in enumerate([*probes, None]):
        if probe is not None and not probe.ok:
            run.append(probe)
            continue
        if run and (best is None or len(run) >= best.failed_probes):
            ongoing = probe is None
            best = Outage(run[0].at, run[-1].at if ongoing else probes[index].at, len(run), ongoing)
        run = []
    return best


def _key_pages(probes: list[ProbeResult]) -> list[PageStats]:
    by_url: dict[str, list[ProbeResult]] = {}
    for probe in probes:
        by_url.setdefault(probe.url, []).append(probe)
    pages = [
        PageStats(url, len(found), sum(not p.ok for p in found), dict(Counter(p.kind for p in found if not p.ok)))
        for url, found in by_url.items()
    ]
    return sorted(pages, key=lambda page: (-page.failures, page.url))


def summary(
    probes: Iterable[ProbeResult], today: date, days: int = WINDOW_DAYS, threshold: float = THRESHOLD
) -> Availability:
    """The ``days`` days ending ``today`` (inclusive): homepage probes judged, key pages reported.

    ``crossed`` needs both a failed share of ``threshold`` or more *and* at
    least 20 homepage probes in the window. The rule is a share of many visits
    (at least 20 a day); with fewer than 20 in a whole week one failed probe
    would already be 5% or more, a verdict on noise, not on availability. Such
    a week is reported with its ``undersampled_days`` instead of crossing.
    Probes outside the window (earlier days, or later than ``today``) are ignored.
    """
    start = today - timedelta(days=days - 1)
    window = _in_window(probes, start, today)
    home = [probe for probe in window if probe.homepage]
    failures = sum(not probe.ok for probe in home)
    per_day = daily(home, start, today)
    return Availability(
        start=start,
        end=today,
        threshold=threshold,
        probes=len(home),
        failures=failures,
        crossed=len(home) >= MIN_DAILY_PROBES and _reaches(failures, len(home), threshold),
        days=per_day,
        undersampled_days=[day.day for day in per_day if not day.sampled],
        longest_outage=longest_outage(home),
        failure_kinds=dict(Counter(probe.kind for probe in home if not probe.ok)),
        key_pages=_key_pages([probe for probe in window if not probe.homepage]),
    )
