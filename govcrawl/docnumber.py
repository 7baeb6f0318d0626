"""文号 (document numbers): the one parser, shared by extraction and the checks.

A 文号 is issuer prefix + year in brackets + serial number, e.g. 银兴政规发〔2023〕1号.
Real portals write the brackets as 〔〕 (GB/T 9704-2012), but also [], （）, () and
【】; 规 right before the year bracket marks a 行政规范性文件 (contract
"Normative document").
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class DocNumber:
    """A 文号 split into issuer prefix (银兴政规发), year and serial number."""

    prefix: str
    year: int
    number: int

    @property
    def is_normative(self) -> bool:
        """规 right before the year bracket marks a 行政规范性文件 (银兴政规发, 兴司规发)."""
        return "规" in self.prefix[-2:]


# 银兴政规发〔2023〕1号, 京政办发[2020]3号, 国办发（2018）115号, 兴司规发【2023】第1号
_DOC_NUMBER = re.compile(
    r"([\u4e00-\u9fff]{1,20}?)\s*[〔\[（(【［]\s*((?:19|20)\d\d)\s*[〕\]）)】］]\s*第?\s*(\d{1,5})\s*号"
)


def parse_doc_number(text: str | None) -> DocNumber | None:
    """The first 文号 in ``text`` as (prefix, year, number), or None when there is none."""
    if not text:
        return None
    match = _DOC_NUMBER.search(text)
    if match is None:
        return None
    return DocNumber(match.group(1), int(match.group(2)), int(match.group(3)))


def is_normative_number(text: str | None) -> bool:
    """Does this 文号 carry 规 before its year bracket (contract "Normative document")?"""
    parsed = parse_doc_number(text)
    return parsed is not None and parsed.is_normative
