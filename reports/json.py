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
from datetime import date, datetime
from pathlib import Path
from typing import Any

from .data import ReportInput, summarise
from .files import write_text_atomic

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
        "findings": [finding.as_json() for finding in data.findings],
        # Gone since the previous completed run, their pages re-checked (govcrawl.lifecycle).
        "fixed": [finding.as_json() for finding in data.fixed],
        # Accepted by the office (config/waivers.yaml): not in "findings", not counted.
        "waived": [finding.as_json() for finding in data.waived],
    }


def dumps(data: ReportInput) -> str:
    """The document as UTF-8-ready text: Chinese left readable, two-space indent."""
    return json.dumps(findings_document(data), ensure_ascii=False, indent=2, default=_jsonable) + "\n"


def write(data: ReportInput, path: Path) -> Path:
    """Write ``findings.json`` atomically."""
    return write_text_atomic(path, dumps(data))
