"""The wording rule book: loaded, validated, merged with a site's rules and compiled once per run.

Why a data file and not code: the rules change with the world (an institutional reform renames
ten ministries in a month; a new plan period starts), each rule must cite its source, and an
office must be able to add its own without a release. The shipped book is
``checks/data/wording.yaml``; a site adds rules inline (``wording.rules``) or in a file
(``wording.rules_file``), a rule with the id of a shipped one replaces it, and ``wording.allow``
silences a rule id or a phrase. Office holders (``wording.leaders``) are site facts.

Why an automaton: every wrong form, every correct longer word that contains one (``not_within``),
every allowed phrase and every configured name and title is a key of one Aho-Corasick automaton
(pyahocorasick), so a page costs one pass over its text whatever the size of the book; only the
few keys that occur cost anything more. The compiled book is cached by the digest of everything
it was built from, so a run builds it once.

Why the automaton reads UTF-16 bytes and not characters: pyahocorasick finds a node's child by a
linear search over its children. A Chinese book of 10,000 rules puts thousands of different first
characters under the root, and every character of every page then pays a scan of them (measured:
1.4 ms for a 10 KB page; bench/wording_bench.py). Keys and text are therefore spelt in a
256-symbol alphabet — each character as its two UTF-16 bytes, decoded as Latin-1 so the automaton
still gets a ``str`` — which bounds every node's fan-out at 256 whatever the book's size
(0.2 ms). Matches are kept only at even symbol offsets (whole characters).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from functools import cache, lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import ahocorasick
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from govcrawl.config import (
    ConfigError,
    WordingLeader,
    WordingRule,
    unique_rule_ids,
    wording_regex,
    yaml_load,
    yaml_problem,
)
from govcrawl.model import Severity

SCHEMA = "govcrawl.wording/1"
SHIPPED = "checks/data/wording.yaml"  # as named in error messages

# Automaton key roles.
WRONG, EXCEPT, ALLOW, NAME, TITLE = range(5)

_RULE_ID = re.compile(r"[a-z][a-z0-9-]*:\S+")
_ASTRAL = re.compile("[\U00010000-\U0010FFFF]")


def symbols(text: str) -> str:
    """``text`` in the automaton's alphabet: two symbols (UTF-16 bytes) per character.

    A character outside the BMP (an emoji) would take four; it becomes U+FFFD first, which keeps
    one character per two symbols, so offsets map back by halving.
    """
    data = text.encode("utf-16-be", "surrogatepass")
    if len(data) != 2 * len(text):
        data = _ASTRAL.sub("\ufffd", text).encode("utf-16-be", "surrogatepass")
    return data.decode("latin-1")

KIND_LABELS: dict[str, str] = {
    "typo": "错别字",
    "outdated": "过时表述",
    "flagged": "不当用语",
    "name-title": "领导姓名职务",
}
# An id prefix that says more than its kind (superseded bodies are kind "outdated").
PREFIX_LABELS: dict[str, str] = {"body": "已撤并机构名称"}

ORDER_RULE = "name-title:排序"  # the leader protocol-order rule (one per site)


def rule_label(rule_id: str, kind: str) -> str:
    """The Chinese name of a rule's class, for messages and the report."""
    return PREFIX_LABELS.get(rule_id.split(":", 1)[0]) or KIND_LABELS.get(kind, kind)


class BookFile(BaseModel):
    """A rule-book file: the shipped one, or a site's ``rules_file`` (which may be a bare list)."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    schema_: Literal["govcrawl.wording/1"] = Field(default=SCHEMA, alias="schema")
    version: str = ""
    updated: date | None = None
    archive_columns: list[str] = Field(default_factory=list)
    rules: list[WordingRule] = Field(default_factory=list)

    @model_validator(mode="before")
    @classmethod
    def _shape(cls, data: Any) -> Any:
        """A bare list is a list of rules; ``x-…`` keys hold YAML anchors and are not data."""
        if isinstance(data, list):
            return {"rules": data}
        if isinstance(data, dict):
            return {k: v for k, v in data.items() if not (isinstance(k, str) and k.startswith("x-"))}
        return data

    @field_validator("rules")
    @classmethod
    def _unique(cls, rules: list[WordingRule]) -> list[WordingRule]:
        return unique_rule_ids(rules)


def _error_path(loc: tuple) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif not (isinstance(part, str) and part.startswith("function-")):
            out += ("." if out else "") + str(part)
    return out


def parse_book(text: str, where: str) -> BookFile:
    """Validate a rule-book file's text; errors are ConfigErrors naming the file and the key path."""
    try:
        data = yaml_load(text)  # the config's reader: dates stay text, duplicate keys refused
    except yaml.YAMLError as exc:
        raise ConfigError(f"{where}: not valid YAML{yaml_problem(exc)}") from None
    if data is None:
        data = {}
    try:
        return BookFile.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        kind = first.get("type", "")
        msg = "unknown key" if kind == "extra_forbidden" else str(first.get("msg", "invalid")).removeprefix(
            "Value error, ")
        raise ConfigError(f"{where}: {_error_path(tuple(first['loc'])) or 'file'}: {msg}") from None


@cache
def shipped_text() -> str:
    """The shipped rule book as text (package data, read once per process)."""
    return resources.files("checks").joinpath("data/wording.yaml").read_text(encoding="utf-8")


# ---------------------------------------------------------------------------------------- compiled


@dataclass(frozen=True, slots=True)
class Rule:
    """A validated rule, ready for matching; ``origin`` says which book it came from."""

    id: str
    kind: str
    wrong: tuple[str, ...]
    right: str | None
    valid_from: date | None
    valid_until: date | None
    source: str
    severity: Severity
    columns: tuple[str, ...]
    page_types: frozenset[str]
    not_within: tuple[str, ...]
    not_when: tuple[str, ...]
    only_when: tuple[str, ...]
    context_chars: int
    history_years: bool
    note: str | None
    origin: str
    # Derived once here, not on every page: the evidence and messages of many pages repeat them.
    label: str = ""
    valid_from_iso: str | None = None
    valid_until_iso: str | None = None
    time_dependent: bool = False  # rules with dates are about history: old titles and archives do not count

    def applies_on(self, day: date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_until is None or day < self.valid_until)

    @classmethod
    def from_model(cls, model: WordingRule, origin: str) -> Rule:
        not_within = list(model.not_within)
        # A right form that contains the wrong one (a rule "卫健委" -> "区卫健委") must not flag itself.
        if model.right and any(form in model.right and form != model.right for form in model.wrong):
            not_within.append(model.right)
        return cls(
            id=model.id, kind=model.kind, wrong=tuple(model.wrong), right=model.right,
            valid_from=model.valid_from, valid_until=model.valid_until, source=model.source,
            severity=Severity(model.severity), columns=tuple(model.columns), page_types=frozenset(model.page_types),
            not_within=tuple(dict.fromkeys(not_within)), not_when=tuple(model.not_when),
            only_when=tuple(model.only_when), context_chars=model.context_chars,
            history_years=model.history_years, note=model.note, origin=origin,
            label=rule_label(model.id, model.kind),
            valid_from_iso=model.valid_from.isoformat() if model.valid_from else None,
            valid_until_iso=model.valid_until.isoformat() if model.valid_until else None,
            time_dependent=model.valid_from is not None or model.valid_until is not None,
        )


@dataclass(frozen=True, slots=True)
class Office:
    """One configured office holding: ``name`` is ``title`` from ``start`` until (before) ``until``."""

    name: str
    title: str
    start: date | None
    until: date | None
    order: int | None

    def holds_on(self, day: date) -> bool:
        return (self.start is None or self.start <= day) and (self.until is None or day < self.until)


@lru_cache(maxsize=8192)
def context_regex(pattern: str, form: str) -> re.Pattern:
    """A rule's context pattern with ``{m}`` bound to the matched form (compiled once per pair)."""
    return wording_regex(pattern, form)


@dataclass
class Scan:
    """Raw occurrences of one page's text: what the automaton found, nothing judged yet."""

    wrong: dict[int, list[tuple[int, int, str]]] = field(default_factory=lambda: defaultdict(list))
    excepts: dict[int, list[tuple[int, int]]] = field(default_factory=lambda: defaultdict(list))
    allows: list[tuple[int, int]] = field(default_factory=list)
    names: list[tuple[int, int, str]] = field(default_factory=list)
    titles: list[tuple[int, int, str]] = field(default_factory=list)


@dataclass
class Book:
    """The merged, compiled rule book of one site."""

    version: str
    rules: list[Rule]
    offices: list[Office]
    archive_columns: tuple[str, ...]
    allow_ids: frozenset[str]
    allow_phrases: tuple[str, ...]
    digest: str
    automaton: Any = None  # ahocorasick.Automaton, None when there is nothing to look for
    titles: frozenset[str] = frozenset()
    names: frozenset[str] = frozenset()
    list_gap: re.Pattern | None = None  # what may stand between two names of one list

    def __post_init__(self) -> None:
        self.by_id = {rule.id: rule for rule in self.rules}
        self.names = frozenset(o.name for o in self.offices)
        self.titles = frozenset(o.title for o in self.offices)
        self.automaton = self._build()
        if self.titles:
            alternatives = "|".join(re.escape(t) for t in sorted(self.titles, key=len, reverse=True))
            title = f"(?:{alternatives})"
            # 张三、李四 / 张三，区长李四 / 张三（区长）、李四 / 张三 李四 / 张三同志、李四同志
            self.list_gap = re.compile(
                rf"(?:同志)?(?:[（(]{title}[）)])?[\s　]*[、，,\s　][\s　]*{title}?[\s　]*")

    def _build(self) -> Any:
        keys: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for index, rule in enumerate(self.rules):
            for form in rule.wrong:
                keys[form].append((WRONG, index))
            for word in rule.not_within:
                keys[word].append((EXCEPT, index))
        for phrase in self.allow_phrases:
            keys[phrase].append((ALLOW, -1))
        for name in self.names:
            keys[name].append((NAME, -1))
        for title in self.titles:
            keys[title].append((TITLE, -1))
        if not keys:
            return None
        automaton = ahocorasick.Automaton()
        for key, roles in keys.items():
            automaton.add_word(symbols(key), (len(key), tuple(dict.fromkeys(roles))))
        automaton.make_automaton()
        return automaton

    def scan(self, text: str) -> Scan:
        """One Aho-Corasick pass over ``text``: every key occurrence (character offsets), by role."""
        found = Scan()
        if self.automaton is None or not text:
            return found
        for end, (length, roles) in self.automaton.iter(symbols(text)):
            if not end & 1:  # ends inside a character: two bytes of different characters
                continue
            stop = (end + 1) >> 1
            start = stop - length
            for role, index in roles:
                if role == WRONG:
                    found.wrong[index].append((start, stop, text[start:stop]))
                elif role == EXCEPT:
                    found.excepts[index].append((start, stop))
                elif role == ALLOW:
                    found.allows.append((start, stop))
                elif role == NAME:
                    found.names.append((start, stop, text[start:stop]))
                else:
                    found.titles.append((start, stop, text[start:stop]))
        return found

    # -- leaders -------------------------------------------------------------------------------

    def holds(self, name: str, title: str, day: date) -> bool:
        return any(o.name == name and o.title == title and o.holds_on(day) for o in self.offices)

    def offices_of(self, name: str) -> list[Office]:
        return [o for o in self.offices if o.name == name]

    def order_on(self, name: str, day: date) -> int | None:
        """The person's protocol order on ``day`` (the highest of the offices held then)."""
        orders = [o.order for o in self.offices if o.name == name and o.order is not None and o.holds_on(day)]
        return min(orders) if orders else None


_BOOKS: dict[str, Book] = {}
_BOOKS_KEPT = 8


def _office(leader: dict) -> Office:
    model = WordingLeader.model_validate(leader)
    return Office(model.name, model.title, model.from_, model.until, model.order)


def _rules_file(path_text: str, settings: dict, site_id: str) -> tuple[str, str]:
    """(where, text) of a site's rules_file, resolved against the config file's folder."""
    path = Path(path_text)
    if not path.is_absolute():
        base = settings.get("config_dir")
        path = (Path(base) if base else Path.cwd()) / path
    where = f"sites.{site_id}.wording.rules_file: {path}"
    try:
        return where, path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{where}: file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{where}: cannot read ({exc})") from None


def load_book(settings: dict | None = None, site_id: str = "site", *, shipped: str | None = None) -> Book:
    """The site's compiled rule book: the shipped book, then its rules_file, then its inline rules.

    ``settings`` is the site config as plain data (``Site.model_dump(mode="json")``); its
    ``wording`` key is already validated, except the rules_file's content, validated here.
    ``shipped`` replaces the shipped book's text (benchmarks, tests of the file format).
    """
    wording = dict((settings or {}).get("wording") or {})
    shipped_book = shipped if shipped is not None else shipped_text()
    file_part: tuple[str, str] | None = None
    if wording.get("rules_file"):
        file_part = _rules_file(wording["rules_file"], settings or {}, site_id)
    digest = hashlib.sha256(
        json.dumps([shipped_book, file_part, wording], sort_keys=True, ensure_ascii=False, default=str).encode()
    ).hexdigest()
    book = _BOOKS.get(digest)
    if book is not None:
        return book

    base = parse_book(shipped_book, SHIPPED if shipped is None else "rule book")
    rules: dict[str, Rule] = {}
    for model in base.rules:
        rules[model.id] = Rule.from_model(model, f"规则库 {base.version}".strip())
    if file_part is not None:
        for model in parse_book(file_part[1], file_part[0]).rules:
            rules[model.id] = Rule.from_model(model, "站点规则文件")
    for i, raw in enumerate(wording.get("rules") or []):
        try:
            model = WordingRule.model_validate(raw)
        except ValidationError as exc:  # already validated by the config; kept for direct callers
            first = exc.errors()[0]
            where = _error_path((f"sites.{site_id}.wording.rules", i, *first["loc"]))
            raise ConfigError(f"{where}: {first.get('msg', 'invalid')}") from None
        rules[model.id] = Rule.from_model(model, "站点配置")
    allow = [str(a) for a in wording.get("allow") or []]
    allow_ids = frozenset(a for a in allow if a in rules or a.startswith("name-title:"))
    for i, entry in enumerate(allow):
        if entry not in allow_ids and _RULE_ID.fullmatch(entry):  # a mistyped rule id would silence nothing
            raise ConfigError(f"sites.{site_id}.wording.allow[{i}]: no rule {entry!r} in the rule book")
    book = Book(
        version=base.version,
        rules=[r for r in rules.values() if r.id not in allow_ids],
        offices=[_office(leader) for leader in wording.get("leaders") or []],
        archive_columns=tuple(base.archive_columns),
        allow_ids=allow_ids,
        allow_phrases=tuple(a for a in allow if a not in allow_ids),
        digest=digest,
    )
    if len(_BOOKS) >= _BOOKS_KEPT:
        _BOOKS.pop(next(iter(_BOOKS)))
    _BOOKS[digest] = book
    return book
