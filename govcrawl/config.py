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
from urllib.parse import urlsplit

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator


class ConfigError(Exception):
    """A configuration problem; ``str()`` is the one-line message for the user."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Department(_Strict):
    """A department attribution rule; first matching rule wins."""

    name: Annotated[str, Field(min_length=1)]
    path_prefix: str | None = None
    source: list[str] = Field(default_factory=list)

    @field_validator("source", mode="before")
    @classmethod
    def _one_or_many(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value

    @field_validator("path_prefix")
    @classmethod
    def _slash(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith("/"):
            raise ValueError('must start with "/"')
        return value

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


class Evidence(_Strict):
    """Raw responses kept for the quarterly evidence pack (WARC captures of pages with findings)."""

    # Keep each page's response as sent (zlib, about 4 KB a page): the newest run keeps every
    # page's, the last run of each past quarter only those of pages with findings.
    keep_raw: bool = True
    # A clear warning (never silent deletion of evidence) when kept responses exceed this.
    raw_budget_mb: Annotated[float, Field(gt=0)] = 1024


class ColumnLimit(_Strict):
    """Overrides the national staleness limit for columns under a path prefix."""

    path_prefix: str
    days: Annotated[int, Field(ge=1)] | None  # null: never stale (a static column)

    @field_validator("path_prefix")
    @classmethod
    def _slash(cls, value: str) -> str:
        if not value.startswith("/"):
            raise ValueError('must start with "/"')
        return value


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


class Site(_Strict):
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


class _Loader(yaml.SafeLoader):
    """YAML without implicit timestamps: a mistyped date (2023-13-01) reaches pydantic as text,
    which reports it with its key path, instead of crashing the YAML reader."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def yaml_load(text: str) -> Any:
    """Parse a config file's YAML (dates stay strings; the models parse them)."""
    return yaml.load(text, Loader=_Loader)  # noqa: S506 - a SafeLoader subclass


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
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark else ""
        raise ConfigError(f"{path}:{where} is not valid YAML") from None
    return parse_config(data), path.resolve()


def get_site(config: Config, site_id: str) -> Site:
    try:
        return config.sites[site_id]
    except KeyError:
        known = ", ".join(sorted(config.sites)) or "none"
        raise ConfigError(f"sites.{site_id}: no such site in the config (known: {known})") from None


def data_dir(config: Config, config_path: Path) -> Path:
    """The data directory, resolved relative to the config file (cron starts in /)."""
    return (config_path.parent / config.data_dir).resolve()
