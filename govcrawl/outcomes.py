"""``Outcomes``: a run's link answers by URL, most of them held as a small code instead of an object.

A 100,000-page run has about 480,000 answers, and 99.6 % of them are plain: no
final URL, title, unsafe terms, privacy hits or validator, only a state, a
status, a reason, internal or not, and a method. Those come in a handful of
kinds ("ok, 200, HTTP 200, internal, HEAD" is most of them). Held as one
``LinkOutcome`` each they cost ~120 bytes of object per answer, ~55 MiB at
100k, at the check phase's peak. Here a plain answer is its URL and the index
of its kind (a small int, which Python keeps once); its ``LinkOutcome`` is made
when asked for. The checks' per-link predicates ask only for the state
(``state``) or for what a plain answer never has (``rich``), so they make none.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Iterator, Mapping

from govcrawl.model import LinkOutcome, LinkState

EMPTY = ()  # an empty field of a loaded, read-only answer (a tuple: appending to it fails loudly)


class Outcomes(Mapping[str, LinkOutcome]):
    """URL -> ``LinkOutcome``; plain answers stored as a kind index, the rest as they are."""

    __slots__ = ("_plain", "_kinds", "_codes", "_rich")

    def __init__(self, outcomes: Iterable[LinkOutcome] = ()):
        self._plain: dict[str, int] = {}
        self._kinds: list[tuple[LinkState, int | None, str, bool, str | None]] = []
        self._codes: dict[tuple, int] = {}
        self._rich: dict[str, LinkOutcome] = {}
        for outcome in outcomes:
            self.add(outcome)

    def add(self, outcome: LinkOutcome) -> None:
        """Record ``outcome``, replacing any earlier answer for its URL."""
        url = outcome.url
        if (outcome.final_url is None and outcome.title is None and not outcome.terms and not outcome.privacy
                and outcome.validator is None):
            kind = (outcome.state, outcome.http_status, outcome.reason, outcome.internal, outcome.method)
            code = self._codes.get(kind)
            if code is None:
                code = self._codes[kind] = len(self._kinds)
                self._kinds.append(kind)
            self._plain[url] = code
            self._rich.pop(url, None)
        else:
            self._rich[url] = outcome
            self._plain.pop(url, None)

    def state(self, url: str) -> LinkState | None:
        """The answer's state, without making a ``LinkOutcome``; None when ``url`` has no answer."""
        code = self._plain.get(url)
        if code is not None:
            return self._kinds[code][0]
        outcome = self._rich.get(url)
        return None if outcome is None else outcome.state

    def count_status(self, statuses: frozenset[int], *, internal: bool) -> int:
        """How many answers (internal or not) have one of ``statuses``, without making a ``LinkOutcome``."""
        codes = {code for code, kind in enumerate(self._kinds) if kind[1] in statuses and kind[3] is internal}
        plain = sum(1 for code in self._plain.values() if code in codes) if codes else 0
        return plain + sum(1 for o in self._rich.values() if o.http_status in statuses and o.internal is internal)

    def rich(self, url: str) -> LinkOutcome | None:
        """The answer if it carries more than its kind (a final URL, a title, terms, privacy hits, a validator)."""
        return self._rich.get(url)

    def rich_answers(self) -> Iterator[LinkOutcome]:
        """Every answer that carries more than its kind, in the order added (the store adds in URL order)."""
        return iter(self._rich.values())

    def get(self, url: str, default: LinkOutcome | None = None) -> LinkOutcome | None:  # type: ignore[override]
        code = self._plain.get(url)
        if code is None:
            return self._rich.get(url, default)
        state, status, reason, internal, method = self._kinds[code]
        return LinkOutcome(url, state, status, reason, None, internal, method,
                           terms=EMPTY, privacy=EMPTY)  # type: ignore[arg-type]

    def __getitem__(self, url: str) -> LinkOutcome:
        outcome = self.get(url)
        if outcome is None:
            raise KeyError(url)
        return outcome

    def __contains__(self, url: object) -> bool:
        return url in self._plain or url in self._rich

    def __iter__(self) -> Iterator[str]:
        """The URLs, in URL order when they were added in it (as the store adds them)."""
        return heapq.merge(self._plain, self._rich)

    def __len__(self) -> int:
        return len(self._plain) + len(self._rich)

    def __repr__(self) -> str:
        return f"Outcomes({len(self._plain)} plain in {len(self._kinds)} kinds, {len(self._rich)} rich)"
