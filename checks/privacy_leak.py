"""``privacy-leak``: resident ID, mobile and bank card numbers published in full (contract §4 **Privacy**).

The crawler finds the numbers (``crawler.extract.privacy``: GB 11643-1999 check
character, plausible province and birth date; 1[3-9] mobiles outside longer digit
runs; Luhn-valid cards next to a card/account word; masked forms excluded) in
page text, in attributes people read (title, alt …) and in the text of the
PDF/DOCX/XLSX attachments it downloads. It records each number only masked and
as a salted hash (``PrivacyHit``); this check never sees a full number, so no
finding, report or log can carry one.

One finding per page and kind (``target`` = ``id-card`` | ``mobile`` |
``bank-card``), and one per attachment URL and kind, whose department is that
of the first page linking the attachment (the site owner when the link sits in
the shared template) — the same grouping ``broken-link`` uses.

Severity ``critical``: plan item 24 requires information about residents to
follow the Personal Information Protection Law, whose article 28 counts
identity document and financial account numbers as sensitive personal
information; plan item 25 asks to put an end to leaks (杜绝“指尖泄密”); and the
national inspection indicators treat 安全、泄密事故 as a serious problem that
fails a site outright. A published ID or card number cannot be taken back once
copied, so it is the first thing the office must fix.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator

from checks.linkgroups import LinkGroup, group_links, link_evidence
from checks.registry import Check, CheckContext
from govcrawl.facts import SiteFacts
from govcrawl.model import Finding, PrivacyHit, Severity

KINDS = ("id-card", "mobile", "bank-card")
KIND_NAMES = {"id-card": "身份证号", "mobile": "手机号", "bank-card": "银行卡号"}
MAX_SAMPLES = 5  # masked numbers shown in a finding
MAX_DIGESTS = 200  # fingerprints kept in a finding (a leaked roster can hold thousands)

CHECK = Check(
    id="privacy-leak",
    title="个人信息泄露",
    severity=Severity.CRITICAL,
    basis="2023年政务公开工作要点 第24条（严格落实《中华人民共和国个人信息保护法》）、第25条（杜绝“指尖泄密”）；"
    "《个人信息保护法》第二十八条（身份证件号码、金融账户属敏感个人信息）、第五十一条（去标识化）",
    fix="删除或遮盖完整号码：身份证号只留前6位和后4位（如 640102********1234），手机号如 138****5678，"
    "银行卡号只留前4位和后4位；附件中的号码遮盖后重新上传附件；并请搜索引擎和站内检索更新快照。",
    summary="页面正文、title/alt 等属性或附件（PDF/DOCX/XLSX）中出现完整的身份证号（校验位、地区码、出生日期均有效；"
    "15位旧号须有“身份证”等字样）、手机号（1[3-9]开头的11位，不在更长数字串中）或银行卡号（Luhn 校验通过且附近有"
    "“卡号/账号/开户”等字样）；已打码的号码不算。每个页面（或附件）每类一条；报告只显示遮盖后的号码和加盐指纹。",
    evidence_labels={
        "count": "号码个数",
        "samples": "号码示例（已遮盖）",
        "digests": "号码指纹（加盐哈希）",
        "where": "出现位置",
        "linked_from": "链接所在页面",
    },
)


def _by_kind(hits: Iterable[PrivacyHit]) -> dict[str, list[PrivacyHit]]:
    """Hits grouped by kind (catalogue order), each number once (by its fingerprint)."""
    grouped: dict[str, dict[str, PrivacyHit]] = {kind: {} for kind in KINDS}
    for hit in hits:
        if hit.kind in grouped:
            grouped[hit.kind].setdefault(hit.digest, hit)
    return {kind: list(found.values()) for kind, found in grouped.items() if found}


def _evidence(kind: str, hits: list[PrivacyHit]) -> dict:
    where = Counter(hit.where for hit in hits)
    return {
        "kind": KIND_NAMES[kind],
        "count": len(hits),
        "samples": [hit.masked for hit in hits[:MAX_SAMPLES]],
        "digests": sorted(hit.digest for hit in hits)[:MAX_DIGESTS],
        "where": dict(sorted(where.items())),
    }


def _message(kind: str, hits: list[PrivacyHit], place: str) -> str:
    return (
        f"{place}公开了 {len(hits)} 个完整的{KIND_NAMES[kind]}（如 {hits[0].masked}），"
        f"属于个人信息，应删除或遮盖。"
    )


def _first_groups(site: SiteFacts, ctx: CheckContext, targets: set[str]) -> dict[str, tuple[LinkGroup, list[str]]]:
    """For each attachment URL: the group of its first linking page (crawl order), and every linking page."""
    first: dict[str, tuple[LinkGroup, list[str]]] = {}
    for group in group_links(site, ctx.departments, url_matches=targets.__contains__):
        if group.target not in first:
            first[group.target] = (group, list(group.pages))
        else:
            first[group.target][1].extend(group.pages)
    return first


@CHECK.rule
def run(site: SiteFacts, ctx: CheckContext) -> Iterator[Finding]:
    done: set[tuple[str, str]] = set()
    seen_pages: set[str] = set()
    for page in site.pages:
        if not page.privacy or page.url in seen_pages:
            continue
        seen_pages.add(page.url)
        for kind, hits in _by_kind(page.privacy).items():
            done.add((page.url, kind))
            yield ctx.finding(
                url=page.url,
                target=kind,
                message=_message(kind, hits, "页面"),
                evidence=_evidence(kind, hits),
                site=site,
            )

    attachments = {outcome.url: outcome for outcome in site.outcomes.rich_answers() if outcome.privacy}
    if not attachments:
        return
    linking = _first_groups(site, ctx, set(attachments))
    for url, outcome in attachments.items():
        group, pages = linking.get(url, (None, []))
        for kind, hits in _by_kind(outcome.privacy).items():
            if (url, kind) in done:
                continue  # the attachment was also read as a page
            done.add((url, kind))
            evidence = _evidence(kind, hits)
            if group is not None:
                evidence = link_evidence(group, **evidence)
                evidence["linking_pages"] = len(set(pages))
                evidence["linked_from"] = group.first_page(site.homepage)
            yield ctx.finding(
                url=url,
                target=kind,
                department=group.department if group is not None else None,
                title=(group.link.text or None) if group is not None else None,
                message=_message(kind, hits, "附件"),
                evidence=evidence,
                occurrences=pages,
                site=site,
            )
