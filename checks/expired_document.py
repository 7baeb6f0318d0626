"""``expired-document``: a document whose validity ended before ``--today`` but is not
marked 失效/废止 (contract §4).

Why: the 2023 work plan asks portals to mark validity (第9条) and to clear out
outdated and invalid content regularly (第26条 定期清理过时、失效内容); a rule
past its end that still reads as 有效 misleads the public. The end is 有效期至 a
date, or the effective date plus the stated period (the day before the same day
N years later). A period ending ON ``--today`` is still in force that day.
"""

from __future__ import annotations

from collections.abc import Iterator

from checks.documents import document_evidence, is_document, marked_invalid, validity_end
from checks.registry import Check, CheckContext
from govcrawl.facts import SiteFacts
from govcrawl.model import Finding, Severity

CHECK = Check(
    id="expired-document",
    title="文件有效期已过但未标注失效",
    severity=Severity.MAJOR,
    basis="2023年政务公开工作要点 第9条、第26条（定期清理过时、失效内容）",
    fix="核实文件是否已延期或重新发布；已到期的请将“有效性”改为“失效”并在标题旁标注【已失效】，或按清理结果标注废止。",
    subject="document",
    summary="文件写明的有效期（有效期至某日，或施行日期加有效期年数）在检查日之前已届满，但有效性仍未标注失效或废止。",
    evidence_labels={
        "valid_until": "有效期截止日",
        "validity_source": "截止日来源",
        "validity": "有效性字段",
        "effective_from": "施行日期",
        "validity_years": "有效期（年）",
        "statement": "有效期表述",
    },
)


@CHECK.rule
def run(site: SiteFacts, ctx: CheckContext) -> Iterator[Finding]:
    for page in site.html_pages():
        if not is_document(page) or marked_invalid(page):
            continue
        end = validity_end(page)
        if end is None or end[0] >= ctx.today:
            continue
        until, source = end
        doc = page.doc
        shown = f"“{doc.validity}”" if doc.validity else "未标注失效"
        yield ctx.finding(
            url=page.url,
            message=f"文件有效期已于{until.year}年{until.month}月{until.day}日届满，有效性仍为{shown}。",
            evidence={
                "valid_until": until.isoformat(),
                "validity_source": source,
                **document_evidence(page),
                "validity": doc.validity,
                "effective_from": doc.effective_from.isoformat() if doc.effective_from else None,
                "validity_years": doc.validity_years,
                "statement": doc.validity_statement,
            },
            site=site,
        )
