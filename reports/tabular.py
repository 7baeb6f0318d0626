"""The rows shared by ``findings.xlsx`` and ``findings.csv``, and the cell-safety rules.

Both files are opened in Excel by people who did not write them, and their
text comes from crawled pages that anyone (including whoever tampered with a
site) can control. Two rules follow:

* **Formula injection** (OWASP "CSV Injection"): a cell whose text starts with
  ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is evaluated as a
  formula by Excel, LibreOffice and WPS (``=HYPERLINK(...)``, DDE). The CSV
  gets OWASP's mitigation, a leading apostrophe ``'`` (see
  :func:`neutralise_formula`). The workbook needs no change of text: its cells
  are typed as strings, which spreadsheets never evaluate, and also carry
  Excel's own ``quotePrefix`` flag so that editing the cell keeps it text.
  Leading spaces are looked through, and the full-width forms ``＝＋－＠`` a
  Chinese input method produces are treated the same way, conservatively.
* **Control characters** are illegal in XLSX XML and useless in a CSV; they
  are dropped rather than making the whole workbook unwritable.
"""

from __future__ import annotations

import re

from govcrawl.model import Finding

from .data import SEVERITY_LABELS, CheckMeta, severity_of
from .evidence import evidence_text

COLUMNS: tuple[str, ...] = (
    "严重程度",
    "检查项",
    "问题说明",
    "页面标题",
    "页面地址",
    "问题对象",
    "证据",
    "修改建议",
    "另见页面数",
    "编号",
)
URL_COLUMN = COLUMNS.index("页面地址")


FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")

# What XML 1.0 forbids (openpyxl raises IllegalCharacterError on these); tab,
# line feed and carriage return are allowed and kept.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")

# Excel's limit for the text of one cell.
CELL_MAX = 32767
_TRUNCATED = "…（内容过长，已截断）"


def is_formula_like(text: str) -> bool:
    """Whether a spreadsheet would read this text as a formula."""
    return text.lstrip(" \u3000").startswith(FORMULA_TRIGGERS)


def clean_text(text: str) -> str:
    """Drop XML-illegal control characters and cut to Excel's cell limit."""
    text = _CONTROL.sub("", text)
    if len(text) > CELL_MAX:
        text = text[: CELL_MAX - len(_TRUNCATED)] + _TRUNCATED
    return text


def neutralise_formula(text: str) -> str:
    """OWASP's CSV-injection mitigation: prefix formula-like text with an apostrophe."""
    return "'" + text if is_formula_like(text) else text


def finding_row(finding: Finding, check: CheckMeta) -> list[str | int]:
    """One finding in :data:`COLUMNS` order, text cleaned but not yet neutralised."""
    values: list[str | int] = [
        SEVERITY_LABELS[severity_of(finding)],
        check.title,
        finding.message,
        finding.title or "",
        finding.url,
        finding.target or "",
        evidence_text(finding.evidence, check.evidence_labels),
        check.fix,
        len(finding.occurrences),
        finding.id,
    ]
    return [clean_text(v) if isinstance(v, str) else v for v in values]
