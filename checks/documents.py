"""Document pages and their validity (contract §4 "Document page", "Normative
document", "Validity marking", "Validity end"), shared by ``missing-validity``
and ``expired-document``.

Why one module: both checks must agree on what a document is and when its
validity ends, or one would flag a page the other calls no document. Pure
helpers over ``PageFacts``; the statements were read by the crawler into
``DocInfo`` (``effective_from``, ``validity_years``, ``status_label``,
``validity_source``), so nothing here parses body text.

The end of a period of N years is the day before the same calendar day N
years after it took effect (自2019年1月1日起施行，有效期5年 → 2023-12-31), the
common legal reading of a period counted in years; the crawler computes it
with the same rule and stores it in ``DocInfo.valid_until``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from datetime import date, timedelta

from govcrawl.docnumber import is_normative_number
from govcrawl.model import DocInfo, PageFacts

__all__ = [
    "document_evidence",
    "is_document",
    "is_normative",
    "marked_invalid",
    "normative_reason",
    "validity_end",
    "validity_inventory",
    "validity_marking",
]

# Labels of the government-information header that make a page a document. A news
# page's 发布时间/来源 line is not one of them (contract "Document page").
_HEADER_RAW = frozenset("索引号 索取号 信息索引号 发布日期 公开日期 公布日期".split())
# Column words of policy files; 解读 columns hold interpretations, not documents.
_POLICY_COLUMN = re.compile(r"文件|政策|规章|法规|公文|规范性|决定|命令|公报")
_NOT_POLICY = re.compile(r"解读|图解|问答")
# 文号 with 规 right before its year bracket: 银兴政规发〔2023〕1号. The crawler has the same
# parser (crawler.extract.statements); checks may not import the crawler (import-linter).
_NO = ("否", "不是", "非")
_INVALID = re.compile(r"失效|废止")
_PLACEHOLDERS = frozenset("无 暂无 - — -- —— / 空 null none 未知".split()) | {""}
_PERIOD_LABELS = ("有效期", "有效期至", "有效期限", "失效日期", "失效时间", "废止日期")


def _column_names(page: PageFacts) -> list[str]:
    names = [page.column] if page.column else []
    return names + [name for name in page.breadcrumb if name]


def _in_policy_column(page: PageFacts) -> bool:
    names = _column_names(page)
    if any(_NOT_POLICY.search(name) for name in names):
        return False
    return any(_POLICY_COLUMN.search(name) for name in names)


def _has_header(page: PageFacts) -> bool:
    doc = page.doc
    if doc is not None and (doc.index_no or doc.publisher or doc.doc_number or doc.written_on):
        return True
    if doc is not None and any(label in doc.raw for label in _HEADER_RAW):
        return True
    return any(key.lower() == "articletitle" and value for key, value in page.meta.items())


def is_document(page: PageFacts) -> bool:
    """A page with a government-information header inside a column of policy files.

    A page whose header gives a 文号 or a 是否规范性文件 value is a document wherever
    it is filed (a 通知公告 column often carries real 公文).
    """
    if not page.is_html or page.status is None or not 200 <= page.status < 300:
        return False
    if not _has_header(page):
        return False
    if page.doc is None and page.list_items:
        return False  # a column's list page that carries an ArticleTitle meta: no header of its own
    doc = page.doc
    if doc is not None and (doc.normative_field or normative_number(doc.doc_number)):
        return True
    return _in_policy_column(page)


def normative_number(doc_number: str | None) -> bool:
    """Does the 文号 carry 规 before its year bracket (兴司规发〔2023〕1号)?"""
    return is_normative_number(doc_number)


def normative_reason(page: PageFacts) -> str | None:
    """Why the page is a normative document (evidence), or None when it is not one.

    An explicit 是否规范性文件：否 wins over the column it is filed in.
    """
    doc = page.doc or DocInfo()
    field = (doc.normative_field or "").strip()
    if field.startswith(_NO):
        return None
    if field.startswith("是"):
        return "是否规范性文件：是"
    if normative_number(doc.doc_number):
        return f"文号“{doc.doc_number}”年份前有“规”"
    categories = [doc.topic or ""] + [doc.raw.get(label, "") for label in ("体裁分类", "信息分类", "文件类型")]
    if any("规范性文件" in value for value in categories):
        return "分类为规范性文件"
    for name in _column_names(page):
        if "规范性文件" in name and not name.startswith("非"):
            return f"所在栏目“{name}”"
    return None


def is_normative(page: PageFacts) -> bool:
    """A document page marked normative (field, category, column or 文号 with 规)."""
    return is_document(page) and normative_reason(page) is not None


def validity_marking(page: PageFacts) -> str | None:
    """How the page marks its validity, or None: the 有效性 field, a period statement
    (有效期至…, or 有效期N年 with the date it takes effect), or a status label."""
    doc = page.doc
    if doc is None:
        return None
    if doc.validity:
        return f"有效性：{doc.validity}"
    if doc.status_label:
        return f"【{doc.status_label}】"
    if doc.valid_until is not None:
        return f"有效期至{doc.valid_until.isoformat()}"
    for label in _PERIOD_LABELS:
        if (doc.raw.get(label) or "").strip().lower() not in _PLACEHOLDERS:
            return f"{label}：{doc.raw[label]}"
    if doc.effective_from is not None and doc.validity_years:
        return f"自{doc.effective_from.isoformat()}起，有效期{doc.validity_years}年"
    return None


def validity_end(page: PageFacts) -> tuple[date, str] | None:
    """(last valid day, where it was read) or None when the page states no end.

    An effective date alone (暂行办法 自2019年1月1日起施行) has no end.
    """
    doc = page.doc
    if doc is None:
        return None
    if doc.valid_until is not None:
        return doc.valid_until, doc.validity_source or "有效性字段"
    if doc.effective_from is not None and doc.validity_years:
        start = doc.effective_from
        try:
            anniversary = start.replace(year=start.year + doc.validity_years)
        except ValueError:  # 29 February into a common year
            anniversary = date(start.year + doc.validity_years, 3, 1)
        return anniversary - timedelta(days=1), "施行日期+有效期"
    return None


def marked_invalid(page: PageFacts) -> bool:
    """Is the page already marked 失效/废止 (validity field or status label)?"""
    doc = page.doc
    if doc is None:
        return False
    return any(_INVALID.search(value or "") for value in (doc.validity, doc.status_label))


def document_evidence(page: PageFacts) -> dict[str, str | None]:
    """文号 and dates of a document page, the same keys in every document check's evidence.

    The report's per-department table of documents to fix reads these keys, so a
    webmaster sees which 文件 it is without opening each finding.
    """
    doc = page.doc or DocInfo()
    published = doc.published_on or page.published_on
    return {
        "doc_number": doc.doc_number,
        "written_on": doc.written_on.isoformat() if doc.written_on else None,
        "published_on": published.isoformat() if published else None,
    }


def validity_inventory(pages: Iterable[PageFacts]) -> Iterator[tuple[PageFacts, bool, bool]]:
    """Every document page with (is it normative, does it carry a validity marking).

    The report's summary shows per department how many documents were read and
    what share carries a marking: the figure plan item 9 is judged by, and a
    check on whether the crawler saw the documents at all (0 documents for a
    department that publishes them means the rules never ran on its pages).
    """
    for page in pages:
        if is_document(page):
            yield page, normative_reason(page) is not None, validity_marking(page) is not None
