"""privacy-leak: one finding per page (or attachment) and kind; evidence masked, never a full number."""

from __future__ import annotations

import json
import re

from checks.privacy_leak import CHECK, MAX_SAMPLES
from govcrawl.model import LinkState, PrivacyHit, Region, Severity
from tests.checks.conftest import H, link, outcome, page


def hit(kind: str, n: int, where: str = "text") -> PrivacyHit:
    masked = {"id-card": f"640104********{n:04d}", "mobile": f"139****{n:04d}", "bank-card": f"6217****{n:04d}"}
    fingerprint = kind[:2] + "".join("abcdefghij"[int(c)] for c in f"{n:014d}")  # no digits: see below
    return PrivacyHit(kind, masked[kind], fingerprint, where)


def attachment(path: str, *hits: PrivacyHit):
    found = outcome(path, LinkState.OK, 200)
    found.privacy = list(hits)
    return found


def test_one_finding_per_page_and_kind(run_check):
    pages = [
        page("/sfj/a.html", privacy=[hit("id-card", 1), hit("id-card", 2, "attribute"), hit("mobile", 3)]),
        page("/zwgk/b.html", privacy=[hit("bank-card", 4)]),
    ]
    found = {(f.url.removeprefix(H), f.target): f for f in run_check(CHECK, pages)}
    assert set(found) == {("/sfj/a.html", "id-card"), ("/sfj/a.html", "mobile"), ("/zwgk/b.html", "bank-card")}
    ids = found[("/sfj/a.html", "id-card")]
    assert ids.check == "privacy-leak" and ids.severity is Severity.CRITICAL
    assert ids.department == "司法局" and ids.title == "页面/sfj/a.html"
    assert ids.evidence["count"] == 2 and ids.evidence["kind"] == "身份证号"
    assert ids.evidence["samples"] == ["640104********0001", "640104********0002"]
    assert ids.evidence["digests"] == sorted([hit("id-card", 1).digest, hit("id-card", 2).digest])
    assert ids.evidence["where"] == {"attribute": 1, "text": 1}
    assert "2 个完整的身份证号" in ids.message and "640104********0001" in ids.message
    assert found[("/zwgk/b.html", "bank-card")].department == "政府办"


def test_same_number_counted_once_and_samples_capped(run_check):
    hits = [hit("mobile", i) for i in range(12)] + [hit("mobile", 0, "attribute")]
    [finding] = run_check(CHECK, [page("/sfj/a.html", privacy=hits)])
    assert finding.evidence["count"] == 12
    assert len(finding.evidence["samples"]) == MAX_SAMPLES
    assert finding.evidence["where"] == {"text": 12}


def test_attachment_findings_belong_to_the_first_linking_page(run_check):
    pdf = "/files/dbmd.xlsx"
    pages = [
        page("/", link("/sfj/a.html")),
        page("/sfj/a.html", link(pdf, text="低保名单.xlsx")),
        page("/zwgk/b.html", link(pdf)),
    ]
    outcomes = [attachment(pdf, hit("id-card", 1, "attachment"), hit("id-card", 2, "attachment"),
                           hit("bank-card", 3, "attachment"))]
    found = {f.target: f for f in run_check(CHECK, pages, outcomes)}
    assert set(found) == {"id-card", "bank-card"}
    ids = found["id-card"]
    assert ids.url == H + pdf and ids.department == "司法局" and ids.title == "低保名单.xlsx"
    assert ids.evidence["count"] == 2 and ids.evidence["where"] == {"attachment": 2}
    assert ids.evidence["linked_from"] == H + "/sfj/a.html" and ids.evidence["linking_pages"] == 2
    assert ids.occurrences == [H + "/sfj/a.html", H + "/zwgk/b.html"]
    assert "附件公开了" in ids.message


def test_attachment_in_the_template_is_the_owners(run_check):
    footer = link("/files/txl.pdf", region=Region.FOOTER)
    pages = [page("/sfj/a.html", footer), page("/sfj/b.html", footer)]
    [finding] = run_check(CHECK, pages, [attachment("/files/txl.pdf", hit("mobile", 1, "attachment"))])
    assert finding.department == "政府办" and finding.evidence["in_template"] is True


def test_unlinked_attachment_falls_back_to_its_path(run_check):
    [finding] = run_check(CHECK, [page("/")], [attachment("/sfj/files/x.docx", hit("mobile", 1, "attachment"))])
    assert finding.url == H + "/sfj/files/x.docx" and finding.department == "司法局"


def test_attachment_also_read_as_page_is_reported_once(run_check):
    pages = [page("/sfj/x.html", privacy=[hit("mobile", 1)])]
    found = run_check(CHECK, pages, [attachment("/sfj/x.html", hit("mobile", 1, "attachment"))])
    assert [(f.url, f.target) for f in found] == [(H + "/sfj/x.html", "mobile")]


def test_ids_are_stable_and_findings_hold_no_full_number(run_check):
    pages = [page("/sfj/a.html", privacy=[hit("id-card", 1), hit("bank-card", 2), hit("mobile", 3)])]
    first = run_check(CHECK, pages)
    second = run_check(CHECK, [page("/sfj/a.html", privacy=[hit("id-card", 9), hit("bank-card", 2),
                                                             hit("mobile", 3)])])
    assert [f.id for f in first] == [f.id for f in second]
    dumped = json.dumps([f.as_json() for f in first], ensure_ascii=False)
    assert not re.search(r"\d{7}", dumped)


def test_look_alikes_not_flagged(run_check):
    pages = [
        page("/sfj/a.html"),  # nothing found on the page
        page("/sfj/b.html", privacy=[PrivacyHit("passport", "E1****567", "ab", "text")]),  # not a contract kind
    ]
    outcomes = [
        attachment("/files/clean.pdf"),  # read, nothing found
        outcome("/files/gone.pdf", LinkState.BROKEN, 404),
    ]
    pages[0].links.append(link("/files/clean.pdf"))
    assert run_check(CHECK, pages, outcomes) == []


def test_metadata():
    assert CHECK.id == "privacy-leak" and CHECK.title == "个人信息泄露"
    assert CHECK.severity is Severity.CRITICAL
    assert "第24条" in CHECK.basis and "第25条" in CHECK.basis and "个人信息保护法" in CHECK.basis
    assert "640102********1234" in CHECK.fix and "重新上传" in CHECK.fix
    assert CHECK.summary and CHECK.func is not None
    assert {"count", "samples", "digests", "where"} <= set(CHECK.labels)
