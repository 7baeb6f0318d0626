"""``config/sites.yaml``: the validated shape of what to crawl (contract §2).

Pydantic does the validation; this module turns its errors into the one-line
messages the contract asks for (``sites.x.departments[2].path_prefix: ...``),
because a webmaster editing YAML at night needs the key path, not a traceback.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import parse_qsl, urlsplit

import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    field_validator,
    model_validator,
)


class ConfigError(Exception):
    """A configuration problem; ``str()`` is the one-line message for the user."""


def _rooted(value: str) -> str:
    if not value.startswith("/"):
        raise ValueError('must start with "/"')
    return value


def _ends_after(end: date | None, start: date | None, start_key: str) -> date | None:
    """An end date (until / valid_until) must come after its start, or the period is empty."""
    if end is not None and start is not None and end <= start:
        raise ValueError(f"{end.isoformat()} is not after {start_key} {start.isoformat()}")
    return end


# A URL path prefix (departments, message channels, column limits): always from the site's root.
PathPrefix = Annotated[str, AfterValidator(_rooted)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Department(_Strict):
    """A department attribution rule; first matching rule wins."""

    name: Annotated[str, Field(min_length=1)]
    path_prefix: PathPrefix | None = None
    source: list[str] = Field(default_factory=list)
    # Other names the department goes by where pages name a unit (回复单位 / 承办单位 of a public
    # message: 兴庆区卫生健康局 for 卫健局). Used to attribute messages, not to match pages.
    aliases: list[str] = Field(default_factory=list)

    @field_validator("source", "aliases", mode="before")
    @classmethod
    def _one_or_many(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value

    @model_validator(mode="after")
    def _has_rule(self) -> Department:
        if self.path_prefix is None and not self.source:
            raise ValueError("needs path_prefix or source (or both)")
        return self


class ExternalLinks(_Strict):
    check: bool = True
    allow_private: bool = False
    timeout: Annotated[float, Field(gt=0, le=120)] = 10
    concurrency: Annotated[int, Field(ge=1, le=64)] = 2  # per external host
    delay: Annotated[float, Field(ge=0, le=60)] = 0.2  # seconds between requests to one external host
    retries: Annotated[int, Field(ge=0, le=5)] = 2  # on timeouts and connection resets
    # An external link that answered fine within this many days is not asked again (0: always ask).
    # Broken and unverified results are never reused: a fix, or a new failure, shows the next night.
    cache_days: Annotated[float, Field(ge=0, le=90)] = 7
    # Terms that mark an external page as gambling/pornographic content (unsafe-link), added to
    # govcrawl's own list (crawler.unsafe_terms); matched in the page's title and visible text.
    unsafe_terms: list[str] = Field(default_factory=list)


class Interpretation(_Strict):
    required_doc_numbers: list[str] = Field(default_factory=list)

    @field_validator("required_doc_numbers")
    @classmethod
    def _regexes(cls, values: list[str]) -> list[str]:
        for value in values:
            try:
                re.compile(value)
            except re.error as exc:
                raise ValueError(f"not a regular expression: {value!r} ({exc})") from None
        return values


class Limits(_Strict):
    max_pages: Annotated[int, Field(ge=1)] = 100_000
    max_depth: Annotated[int, Field(ge=1)] = 30
    max_url_length: Annotated[int, Field(ge=64)] = 2083
    # Bodies of attachments and images are never downloaded beyond this many bytes.
    max_resource_bytes: Annotated[int, Field(ge=0)] = 65_536
    # Pages larger than this are not downloaded (a trap or a data dump); recorded as an error.
    max_page_bytes: Annotated[int, Field(ge=10_000)] = 10_000_000


class Crawl(_Strict):
    concurrency: Annotated[int, Field(ge=1, le=256)] = 4
    delay: Annotated[float, Field(ge=0, le=60)] = 0.25
    autothrottle: bool = True
    obey_robots: bool = True
    timeout: Annotated[float, Field(gt=0, le=300)] = 30
    # Ask with If-None-Match / If-Modified-Since for pages last night's run read:
    # an unchanged page (304) costs the site no body and keeps last night's facts.
    conditional: bool = True
    user_agent: str = "govcrawl/0.1 (+政务网站检查; https://github.com/govcrawl/govcrawl)"


class Privacy(_Strict):
    """privacy-leak: personal numbers in pages and in the attachments the crawl reads."""

    # Internal PDF/DOCX/XLSX attachments up to this size are downloaded and their text searched.
    attachment_max_mb: Annotated[float, Field(ge=0, le=100)] = 10
    # false: attachments are only checked for reachability (HEAD), never read.
    attachments: bool = True
    # Attachments read per run at most: a first night on a portal with 10,000 PDFs reads
    # the first 1,000 and the rest on later nights (an unchanged attachment is never re-read).
    max_attachments: Annotated[int, Field(ge=0, le=1_000_000)] = 1000


class Evidence(_Strict):
    """Raw responses kept for the quarterly evidence pack (WARC captures of pages with findings)."""

    # Keep each page's response as sent (zlib, about 4 KB a page): the newest run keeps every
    # page's, the last run of each past quarter only those of pages with findings.
    keep_raw: bool = True
    # A clear warning (never silent deletion of evidence) when kept responses exceed this.
    raw_budget_mb: Annotated[float, Field(gt=0)] = 1024


class MessageChannel(_Strict):
    """A public-message channel (领导信箱, 咨询投诉, 12345 转办 …) and its handling limit (plan item 20)."""

    name: Annotated[str, Field(min_length=1)]
    # Which messages belong to it: the URL path prefix of its pages, or its column name (or both,
    # then both must match).
    path_prefix: PathPrefix | None = None
    column: str | None = None
    # Working days from the message to its reply (unanswered-message, late-reply); null: the
    # limit the board states itself, else the national rule of 3 months.
    limit_days: Annotated[int, Field(ge=1, le=365)] | None = None

    @model_validator(mode="after")
    def _has_rule(self) -> MessageChannel:
        if self.path_prefix is None and self.column is None:
            raise ValueError("needs path_prefix or column (or both)")
        return self


class Messages(_Strict):
    """unanswered-message / late-reply: the site's message channels and their limits."""

    channels: list[MessageChannel] = Field(default_factory=list)


class Availability(_Strict):
    """site-unavailable and ``govcrawl probe``: what is probed and when a load fails."""

    # Besides the homepage (the first start URL), pages probed every time: absolute URLs or
    # paths of the site. Only the homepage counts for the national rule; key pages are reported.
    key_pages: list[str] = Field(default_factory=list)
    # A load that has not finished within this many seconds failed (national rule: 15).
    timeout: Annotated[float, Field(gt=0, le=120)] = 15
    # The share of failed homepage probes over 7 days at which the site fails (national rule: 5%).
    threshold: Annotated[float, Field(gt=0, lt=1)] = 0.05

    @field_validator("key_pages")
    @classmethod
    def _pages(cls, values: list[str]) -> list[str]:
        for value in values:
            parts = urlsplit(value)
            if not (value.startswith("/") or (parts.scheme in ("http", "https") and parts.hostname)):
                raise ValueError(f'not a path starting with "/" or an absolute http(s) URL: {value!r}')
        return values


class ColumnLimit(_Strict):
    """Overrides the national staleness limit for columns under a path prefix."""

    path_prefix: PathPrefix
    days: Annotated[int, Field(ge=1)] | None  # null: never stale (a static column)


class Accessibility(_Strict):
    """The browser pass (axe-core and govcrawl's rendered rules in headless Chromium)."""

    # Local browsers working in parallel; 2 suits a 2-core machine (each Chromium needs about a core).
    workers: Annotated[int, Field(ge=1, le=32)] = 2
    # Pages rendered per template (besides the homepage and each column's first page, always checked).
    per_template: Annotated[int, Field(ge=1, le=100)] = 3
    # Upper bound on pages rendered in one run (a 100k-page portal has a few hundred templates).
    max_pages: Annotated[int, Field(ge=1)] = 2000
    # Seconds one page may take (load + axe + own rules) before the browser is restarted.
    page_timeout: Annotated[float, Field(gt=0, le=600)] = 30
    # axe-core rule tags to run; impact is mapped to severity.
    tags: list[str] = Field(default_factory=lambda: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"])
    # A newer axe.min.js than the one bundled with axe-selenium-python (path, relative to the config file).
    axe_script: str | None = None
    # A Selenium Grid (http://host:4444) instead of local browsers; used at province scale.
    remote_url: str | None = None
    # CSS selector of the homepage's elder/accessible-mode entry when its text is none of the usual words.
    care_selector: str | None = None
    # Store a screenshot with the offending element outlined for each browser finding.
    screenshots: bool = True

    @field_validator("remote_url")
    @classmethod
    def _remote(cls, value: str | None) -> str | None:
        if value is not None:
            parts = urlsplit(value)
            if parts.scheme not in ("http", "https") or not parts.hostname:
                raise ValueError(f"not an http(s) URL of a Selenium Grid: {value!r}")
        return value


class EmailNotify(_Strict):
    """SMTP settings; the user name and password are read from the environment variables named here."""

    host: Annotated[str, Field(min_length=1)]
    port: Annotated[int, Field(ge=1, le=65535)] = 25
    tls: Literal["ssl", "starttls", "none"] = "starttls"
    sender: Annotated[str, Field(min_length=3)]
    # department name (or "*" for every department) -> addresses
    recipients: dict[str, list[str]] = Field(default_factory=dict)
    username_env: str | None = None
    password_env: str | None = None
    timeout: Annotated[float, Field(gt=0, le=300)] = 20


class Webhook(_Strict):
    """A 企业微信 (wecom) or 钉钉 (dingtalk) group robot."""

    kind: Literal["wecom", "dingtalk"]
    url: str
    secret_env: str | None = None  # DingTalk 加签 secret, from this environment variable
    departments: list[str] = Field(default_factory=list)  # empty: every department
    timeout: Annotated[float, Field(gt=0, le=120)] = 10

    @field_validator("url")
    @classmethod
    def _http(cls, value: str) -> str:
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"not an http(s) URL: {value!r}")
        return value


class Notify(_Strict):
    # Where readers open the report, e.g. "https://intranet.example/govcrawl/{folder}/report.html"
    # ({folder}: the output folder's name, {run_id}); default: the report file's path.
    report_url: str | None = None
    email: EmailNotify | None = None
    webhooks: list[Webhook] = Field(default_factory=list)


class CalendarYear(_Strict):
    """One year's official holiday arrangement (国务院办公厅 放假安排), for a year chinese-calendar lacks."""

    holidays: list[date] = Field(default_factory=list)  # 放假日期, weekends inside the break included or not
    workdays: list[date] = Field(default_factory=list)  # 调休上班日期 (make-up working days on weekends)


_WORDING_RULE_ID = re.compile(r"[a-z][a-z0-9-]*:\S+")


def wording_regex(pattern: str, match: str = "") -> re.Pattern:
    """A rule-book context pattern as a regular expression; ``{m}`` stands for the matched wrong form.

    Shared by the config validation (so a bad pattern is a config error with its key path)
    and by the ``wording`` check (which anchors ``{m}`` on the occurrence it judges).
    """
    return re.compile(pattern.replace("{m}", f"(?P<m>{re.escape(match) if match else '.+?'})"))


class WordingRule(_Strict):
    """One rule of the wording rule book (checks/data/wording.yaml, or a site's own rules).

    Dates: the rule applies to pages dated on/after ``valid_from`` and before ``valid_until``
    (an outdated formulation is only wrong in pages published after the change). Context
    patterns (regular expressions, ``{m}`` = the matched wrong form) are searched in the
    sentence around the match, at most ``context_chars`` characters either side.
    """

    id: str  # "<kind>:<key>", e.g. "typo:按装", "outdated:十三五", "body:国土资源部"
    kind: Literal["typo", "outdated", "flagged", "name-title"]
    wrong: Annotated[list[str], Field(min_length=1)]  # the wrong form(s), matched literally
    right: str | None = None  # the right form, where there is one
    valid_from: date | None = None
    valid_until: date | None = None
    source: Annotated[str, Field(min_length=1)]  # document and date the rule rests on
    severity: Literal["critical", "major", "minor"] = "major"
    columns: list[str] = Field(default_factory=list)  # words of the column/breadcrumb it applies to; []: all
    page_types: list[Literal["home", "list", "document", "article"]] = Field(default_factory=list)  # []: all
    not_within: list[str] = Field(default_factory=list)  # longer correct words containing a wrong form
    not_when: list[str] = Field(default_factory=list)  # context patterns that make the use correct
    only_when: list[str] = Field(default_factory=list)  # one of these must match for the use to be wrong
    context_chars: Annotated[int, Field(ge=5, le=100)] = 20
    # A year before valid_from's year written in the same context marks the use as historical.
    history_years: bool = True
    note: str | None = None

    @field_validator("id")
    @classmethod
    def _rule_id(cls, value: str) -> str:
        if not _WORDING_RULE_ID.fullmatch(value):
            raise ValueError(f'must look like "kind:key" (e.g. "typo:按装"), got {value!r}')
        return value

    @field_validator("wrong", mode="before")
    @classmethod
    def _one_or_many_wrong(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value

    @field_validator("wrong")
    @classmethod
    def _wrong_forms(cls, values: list[str]) -> list[str]:
        for value in values:
            if not value.strip() or value != value.strip():
                raise ValueError(f"wrong form {value!r}: empty or with surrounding spaces")
        return list(dict.fromkeys(values))

    @field_validator("right")
    @classmethod
    def _not_wrong(cls, value: str | None, info: Any) -> str | None:
        if value is not None and value in (info.data.get("wrong") or []):
            raise ValueError(f"{value!r} is also listed as a wrong form")
        return value

    @field_validator("valid_until")
    @classmethod
    def _after_start(cls, value: date | None, info: Any) -> date | None:
        return _ends_after(value, info.data.get("valid_from"), "valid_from")

    @field_validator("not_within")
    @classmethod
    def _containing(cls, values: list[str], info: Any) -> list[str]:
        wrong = info.data.get("wrong") or []
        for value in values:
            if not any(form in value and form != value for form in wrong):
                raise ValueError(f"{value!r} contains none of the wrong forms (it must be a longer word around one)")
        return values

    @field_validator("not_when", "only_when")
    @classmethod
    def _patterns(cls, values: list[str]) -> list[str]:
        for value in values:
            try:
                wording_regex(value)
            except re.error as exc:
                raise ValueError(f"not a regular expression: {value!r} ({exc})") from None
        return values


class WordingLeader(_Strict):
    """An office holder: ``name`` held ``title`` from ``from`` (inclusive) until ``until`` (exclusive)."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, serialize_by_alias=True)

    name: Annotated[str, Field(min_length=2, max_length=20)]
    title: Annotated[str, Field(min_length=1, max_length=30)]
    from_: date | None = Field(default=None, alias="from")
    until: date | None = None
    order: Annotated[int, Field(ge=1)] | None = None  # protocol order (1 first) while in this office

    @field_validator("until")
    @classmethod
    def _after_from(cls, value: date | None, info: Any) -> date | None:
        return _ends_after(value, info.data.get("from_"), "from")


def unique_rule_ids(rules: list) -> list:
    """Refuse a rule book (site rules or a rules file) that names one id twice."""
    seen: dict[str, int] = {}
    for i, rule in enumerate(rules):
        if rule.id in seen:
            raise ValueError(f"duplicate rule id {rule.id!r} (rules[{seen[rule.id]}] and rules[{i}])")
        seen[rule.id] = i
    return rules


class Wording(_Strict):
    """The ``wording`` check's site part: extra rules, an allow-list and the office holders."""

    rules: list[WordingRule] = Field(default_factory=list)  # same schema as the shipped book; same id overrides
    rules_file: str | None = None  # a YAML rule book of the site's, relative to the config file
    allow: list[str] = Field(default_factory=list)  # exact phrases, or rule ids, never to flag on this site
    leaders: list[WordingLeader] = Field(default_factory=list)

    @field_validator("rules")
    @classmethod
    def _unique_ids(cls, rules: list[WordingRule]) -> list[WordingRule]:
        return unique_rule_ids(rules)

    @field_validator("allow")
    @classmethod
    def _phrases(cls, values: list[str]) -> list[str]:
        for value in values:
            if not value.strip():
                raise ValueError("an allow-list entry is empty")
        return values


class Site(_Strict):
    # The folder of the config file the site came from (set by load_config): files a site
    # names (wording.rules_file, accessibility.axe_script) are relative to it, not to cron's cwd.
    _config_dir: Path | None = PrivateAttr(default=None)
    _store: str | None = PrivateAttr(default=None)  # the config's top-level ``store`` (load_config sets it)

    name: Annotated[str, Field(min_length=1)]
    start_urls: Annotated[list[str], Field(min_length=1)]
    allowed_hosts: list[str] = Field(default_factory=list)
    owner: Annotated[str, Field(min_length=1)]
    departments: list[Department] = Field(default_factory=list)
    external_links: ExternalLinks = ExternalLinks()
    interpretation: Interpretation = Interpretation()
    limits: Limits = Limits()
    crawl: Crawl = Crawl()
    # Hosts that are intranet-only even though their names look public (intranet-link).
    intranet_hosts: list[str] = Field(default_factory=list)
    # Column staleness limits by path prefix, overriding the national classes (stale-column).
    column_limits: list[ColumnLimit] = Field(default_factory=list)
    # Early warning: the report lists columns within this many days of their limit
    # (5 = after 10 days without an update for the homepage and news columns); null: off.
    column_warning_days: Annotated[int, Field(ge=1, le=60)] | None = 5
    # The 6-digit administrative region code (GB/T 2260) a 10-digit SiteIDCode must begin with
    # (missing-metadata); null: only the province part is checked.
    region_code: str | None = None
    # Working-day calendar for years the chinese-calendar package does not know yet (policy
    # interpretations: 3 working days). {2027: {holidays: [...], workdays: [...]}}
    calendar: dict[int, CalendarYear] = Field(default_factory=dict)
    accessibility: Accessibility = Accessibility()
    evidence: Evidence = Evidence()
    privacy: Privacy = Privacy()
    notify: Notify = Notify()
    # backdated-post: an item first seen tonight but dated more than this many days earlier.
    backdated_days: Annotated[int, Field(ge=1, le=365)] = 7
    # wording: the site's own rules, allow-list and office holders (name/title/order checks).
    wording: Wording = Wording()
    messages: Messages = Messages()
    availability: Availability = Availability()

    @field_validator("calendar")
    @classmethod
    def _calendar_years(cls, years: dict[int, CalendarYear]) -> dict[int, CalendarYear]:
        for year, days in years.items():
            if not 1990 <= year <= 2100:
                raise ValueError(f"{year}: not a year")
            for kind in ("holidays", "workdays"):
                for day in getattr(days, kind):
                    if day.year != year:
                        raise ValueError(f"{year}.{kind}: {day.isoformat()} is not in {year}")
            both = set(days.holidays) & set(days.workdays)
            if both:
                raise ValueError(f"{year}: {min(both).isoformat()} is both a holiday and a working day")
        return years

    @field_validator("region_code")
    @classmethod
    def _region(cls, value: str | None) -> str | None:
        if value is not None and not re.fullmatch(r"[1-8]\d{5}", value):
            raise ValueError(f"not a 6-digit administrative region code: {value!r}")
        return value

    @field_validator("start_urls")
    @classmethod
    def _absolute(cls, values: list[str]) -> list[str]:
        for value in values:
            parts = urlsplit(value)
            if parts.scheme not in ("http", "https") or not parts.hostname:
                raise ValueError(f"not an absolute http(s) URL: {value!r}")
        return values

    @field_validator("allowed_hosts", "intranet_hosts")
    @classmethod
    def _hosts(cls, values: list[str]) -> list[str]:
        out = []
        for value in values:
            if not value or "/" in value or " " in value:
                raise ValueError(f"not a host name: {value!r}")
            out.append(value.lower())
        return out

    def hosts(self) -> list[str]:
        """Hosts that count as this site (with port where start_urls name one)."""
        if self.allowed_hosts:
            return list(self.allowed_hosts)
        seen: list[str] = []
        for url in self.start_urls:
            host = urlsplit(url).hostname or ""
            if host not in seen:
                seen.append(host)
        return seen


class Config(_Strict):
    sites: dict[str, Site]
    # Where run stores (one SQLite file per site) live; relative to the config file.
    data_dir: str = "../data"
    # Province scale: every site's store in one shared PostgreSQL database instead (a schema per
    # site), e.g. postgresql://govcrawl@db.example:5432/govcrawl. Lock, salt and logs stay in data_dir.
    store: str | None = None

    @field_validator("store")
    @classmethod
    def _store_url(cls, url: str | None) -> str | None:
        if url is None:
            return None
        parts = urlsplit(url)
        if parts.scheme not in ("postgresql", "postgres") or not parts.netloc:
            raise ValueError(f"must be a postgresql:// URL (postgresql://USER@HOST:PORT/DATABASE), got {url!r}")
        if any(key == "site" for key, _ in parse_qsl(parts.query)):
            raise ValueError("must not name a site (?site=): every site gets its own schema")
        return url

    @field_validator("sites")
    @classmethod
    def _ids(cls, sites: dict[str, Site]) -> dict[str, Site]:
        for site_id in sites:
            if not re.fullmatch(r"[A-Za-z0-9_][A-Za-z0-9_-]*", site_id):
                raise ValueError(f"site id {site_id!r}: only letters, digits, _ and -")
        return sites


def _key_path(loc: tuple) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def _message(error: dict) -> str:
    kind = error.get("type", "")
    if kind == "extra_forbidden":
        return "unknown key"
    if kind == "missing":
        return "required key is missing"
    msg = str(error.get("msg", "invalid value"))
    return msg.removeprefix("Value error, ")


def parse_config(data: Any) -> Config:
    """Validate already-loaded YAML; raise ConfigError with the key path."""
    if not isinstance(data, dict):
        raise ConfigError("config: the file must be a mapping with a 'sites' key")
    try:
        return Config.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = tuple(p for p in first["loc"] if not (isinstance(p, str) and p.startswith("function-")))
        raise ConfigError(f"{_key_path(loc) or 'config'}: {_message(first)}") from None


# libyaml's parser where available (ten times faster than pure Python on a 10,000-rule wording
# book); the constructor, which the rules below change, stays Python either way.
_BaseLoader = yaml.CSafeLoader if getattr(yaml, "__with_libyaml__", False) else yaml.SafeLoader


class _Loader(_BaseLoader):  # type: ignore[misc,valid-type]
    """YAML without implicit timestamps: a mistyped date (2023-13-01) reaches pydantic as text,
    which reports it with its key path, instead of crashing the YAML reader. A key written
    twice is an error (PyYAML would silently keep the last one: half a site's settings lost)."""

    def construct_mapping(self, node, deep=False):  # noqa: ANN001, ANN201 - PyYAML's signature
        if isinstance(node, yaml.MappingNode):
            seen: dict = {}
            for key_node, _ in node.value:
                key = self.construct_object(key_node, deep=True)
                if isinstance(key, str | int | float | bool) and key in seen:
                    raise yaml.constructor.ConstructorError(
                        None, None,
                        f"duplicate key {key!r} (first at line {seen[key]}) / 重复的键 {key!r}（第一次在第 {seen[key]} 行）",
                        key_node.start_mark,
                    )
                if isinstance(key, str | int | float | bool):
                    seen[key] = key_node.start_mark.line + 1
        return super().construct_mapping(node, deep=deep)


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def yaml_load(text: str) -> Any:
    """Parse a config file's YAML (dates stay strings; the models parse them)."""
    try:
        return yaml.load(text, Loader=_Loader)  # noqa: S506 - a (C)SafeLoader subclass
    except RecursionError:  # PyYAML composes recursively: absurd nesting is a bad file, not a crash
        raise yaml.YAMLError("nested too deeply / 嵌套层数过多") from None


def yaml_problem(exc: yaml.YAMLError) -> str:
    """Where and what, from a YAML error: ' line 6: found character '\t' that cannot start any token'."""
    mark = getattr(exc, "problem_mark", None)
    where = f" line {mark.line + 1}" if mark else ""
    problem = getattr(exc, "problem", None) or (str(exc) if not mark else "")
    if problem and ("\\t" in problem or "\t" in problem):
        problem += " (tab characters are not allowed for indentation / 缩进不能用 Tab)"
    return f"{where}: {problem}" if problem else where


def load_config(path: str | Path) -> tuple[Config, Path]:
    """Read and validate a config file; return it with its resolved path."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{path}: config file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read config ({exc})") from None
    try:
        data = yaml_load(text)
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML{yaml_problem(exc)}") from None
    try:
        config = parse_config(data)
    except ConfigError as exc:  # the key path first (what to fix), then which file
        raise ConfigError(f"{exc}（{path}）") from None
    for site in config.sites.values():
        site._config_dir = path.resolve().parent
        site._store = config.store
    return config, path.resolve()


def get_site(config: Config, site_id: str) -> Site:
    try:
        return config.sites[site_id]
    except KeyError:
        known = ", ".join(sorted(config.sites)) or "none"
        raise ConfigError(f"sites.{site_id}: no such site in the config (known: {known})") from None


def data_dir(config: Config, config_path: Path) -> Path:
    """The data directory, resolved relative to the config file (cron starts in /)."""
    return (config_path.parent / config.data_dir).resolve()
