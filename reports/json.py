"""``findings.json``: the machine-readable result of a run (contract §3).

Other programs diff this file night after night, so its required keys are
exactly the contract's. Additions are allowed and made where they save a
reader a second source: ``run.stats``, ``run.status``, ``summary.by_severity``,
``summary.total``, the ``catalogue`` of checks that ran and the configured
``departments``. ``by_check`` and ``by_department`` list every check that ran
and every department, zeros included, so "nothing found" and "not checked"
can be told apart.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

from govcrawl.model import Finding

from .data import ReportInput, summarise
from .files import write_chunks_atomic

SCHEMA = "govcrawl.findings/1"


def _jsonable(value: Any) -> Any:
    """Fallback for values ``json`` cannot encode (dates in evidence or stats)."""
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, set | frozenset):
        return sorted(value, key=str)
    return str(value)


def findings_document(data: ReportInput) -> dict[str, Any]:
    """The contract §3 document as plain data."""
    return _document(data, lambda findings: [finding.as_json() for finding in findings])


class _Findings:
    """A list of findings that :func:`iter_dumps` encodes one at a time, as it is written."""

    __slots__ = ("findings",)

    def __init__(self, findings: list[Finding]) -> None:
        self.findings = findings


def _document(data: ReportInput, findings_list: Callable[[list[Finding]], Any]) -> dict[str, Any]:
    """The document, its three finding lists made by ``findings_list`` (plain, or left for streaming)."""
    summary = summarise(data)
    run = data.run
    today = run.today.isoformat() if isinstance(run.today, date) else str(run.today)
    return {
        "schema": SCHEMA,
        "site": data.site_id,
        "site_name": data.site_name,
        "run": {
            "id": run.id,
            "started": run.started,
            "finished": run.finished,
            "today": today,
            "pages_crawled": run.pages_crawled,
            "tool_version": run.tool_version,
            "status": run.status,
            "stats": dict(run.stats),
        },
        "summary": {
            "by_check": summary.by_check,
            "by_department": summary.by_department,
            "by_severity": {str(s): n for s, n in summary.by_severity.items()},
            "total": summary.total,
            "by_status": {
                status: sum(1 for f in data.findings if f.status == status) for status in ("new", "open", "reopened")
            }
            | {"fixed": len(data.fixed)},
            "metrics": dict(data.metrics),
            "metrics_by_department": {
                section.name: section.metrics for section in summary.sections if section.metrics
            },
            "metric_targets": dict(data.metric_targets),
            "veto_risks": list(data.veto),
            "column_warnings": list(data.warnings),
            "documents": {
                section.name: {
                    "documents": section.document_share.documents,
                    "normative": section.document_share.normative,
                    "marked": section.document_share.marked,
                    "normative_marked": section.document_share.normative_marked,
                    "marked_share": section.document_share.marked_share,
                    "normative_marked_share": section.document_share.normative_marked_share,
                }
                for section in summary.sections
                if data.documents
            },
            # Public messages per department: median days to reply, share replied within the limit.
            "messages": dict(data.messages),
            # The last 7 days of availability probes (null: the site is not probed).
            "availability": data.availability,
        },
        "catalogue": [check.as_json() for check in summary.checks],
        "departments": [section.name for section in summary.sections],
        "findings": findings_list(data.findings),
        # Gone since the previous completed run, their pages re-checked (govcrawl.lifecycle).
        "fixed": findings_list(data.fixed),
        # Accepted by the office (config/waivers.yaml): not in "findings", not counted.
        "waived": findings_list(data.waived),
    }


def _indented(text: str, level: int) -> str:
    """Encoded JSON moved ``level`` indent steps right (JSON text has no raw line breaks inside strings)."""
    return text.replace("\n", "\n" + _INDENT * level)


_INDENT = "  "


def iter_dumps(data: ReportInput) -> Iterator[str]:
    """The text of :func:`dumps` in pieces, each finding encoded only when its turn comes.

    ``json.dumps`` of the whole document would first build every finding's dict
    and then the whole text (tens of MB on a large site). Byte for byte the same
    output: each value is encoded with the same settings and re-indented to its depth.
    """
    encoder = json.JSONEncoder(ensure_ascii=False, indent=2, default=_jsonable)
    yield "{"
    for n, (key, value) in enumerate(_document(data, _Findings).items()):
        yield f"{',' if n else ''}\n{_INDENT}{encoder.encode(key)}: "
        if not isinstance(value, _Findings):
            yield _indented(encoder.encode(value), 1)
        elif not value.findings:
            yield "[]"
        else:
            for i, finding in enumerate(value.findings):
                yield f"{',' if i else '['}\n{_INDENT * 2}{_indented(encoder.encode(finding.as_json()), 2)}"
            yield f"\n{_INDENT}]"
    yield "\n}\n"


def dumps(data: ReportInput) -> str:
    """The document as UTF-8-ready text: Chinese left readable, two-space indent."""
    return "".join(iter_dumps(data))


def write(data: ReportInput, path: Path) -> Path:
    """Write ``findings.json`` atomically, streamed (see :func:`iter_dumps`)."""
    return write_chunks_atomic(path, iter_dumps(data))
