"""Waivers: findings the office has accepted, with a reason, who accepted them and until when.

Some findings cannot be fixed by the site (a link into a provincial platform that
answers 403 to robots, a scanned 1990s notice that will never get alt text) or
are accepted for a time (a redesign due next quarter). Re-reporting them every
night buries the rest, and silently dropping them hides them from inspectors. So
a waiver is explicit and temporary: ``config/waivers.yaml`` next to
``sites.yaml``::

    waivers:
      - id: "broken-link:2f6c9a0d4b1e7c3a5d8f"       # one finding, by its stable id
        reason: 省级平台拒绝自动访问，人工确认可用
        accepted_by: 政务公开办 王某
        expires: 2024-03-31
      - check: a11y                                    # or every finding of a check …
        url: "https://www.example.gov.cn/zwgk/old/*"  # … on pages matching a pattern (* and ?)
        site: xingqing                                 # optional: only this site
        reason: 旧栏目已停更，2024年改版时下线
        accepted_by: 政务公开办
        expires: 2024-06-30

A waived finding is listed separately in the report and not counted; on the
day after ``expires`` the waiver lapses and the finding counts again. An invalid
file is a configuration error (exit 2) naming the key, like ``sites.yaml``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import date
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Annotated

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from govcrawl.config import ConfigError, _key_path, _message, yaml_load, yaml_problem
from govcrawl.model import Finding


class Waiver(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str | None = None
    check: str | None = None
    url: str | None = None  # a pattern with * and ?; matched against the finding's url
    site: str | None = None
    reason: Annotated[str, Field(min_length=2)]
    accepted_by: Annotated[str, Field(min_length=1)]
    expires: date

    @model_validator(mode="after")
    def _what(self) -> Waiver:
        if not self.id and not self.check:
            raise ValueError("a waiver names a finding id, or a check (optionally with a url pattern)")
        if self.id and (self.check or self.url):
            raise ValueError("give either id, or check (+ url); not both")
        return self

    def covers(self, finding: Finding, site_id: str) -> bool:
        if self.site and self.site != site_id:
            return False
        if self.id:
            return finding.id == self.id
        if finding.check != self.check:
            return False
        return self.url is None or fnmatchcase(finding.url, self.url)

    def as_json(self) -> dict:
        return {"reason": self.reason, "accepted_by": self.accepted_by, "expires": self.expires.isoformat()}


class WaiverFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    waivers: list[Waiver] = Field(default_factory=list)


def load_waivers(path: Path) -> list[Waiver]:
    """Read and validate a waivers file; a missing file means no waivers."""
    if not path.exists():
        return []
    try:
        data = yaml_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML{yaml_problem(exc)}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read waivers ({exc.__class__.__name__})") from None
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: the file must be a mapping with a 'waivers' key")
    try:
        return list(WaiverFile.model_validate(data).waivers)
    except ValidationError as exc:
        first = exc.errors()[0]
        raise ConfigError(f"{path.name}: {_key_path(tuple(first['loc'])) or 'waivers'}: {_message(first)}") from None


def apply_waivers(findings: Iterable[Finding], waivers: list[Waiver], site_id: str, today: date) -> list[Finding]:
    """Mark findings covered by a waiver in force on ``today`` (an expired waiver no longer covers)."""
    active = [w for w in waivers if today <= w.expires]
    out = []
    for finding in findings:
        waiver = next((w for w in active if w.covers(finding, site_id)), None)
        if waiver is not None:
            out.append(replace(finding, waiver=waiver.as_json()))
        else:  # the same finding when it carries no waiver already (no copy of 110,000 findings for nothing)
            out.append(finding if finding.waiver is None else replace(finding, waiver=None))
    return out
