"""Attachments as the crawl reads them for personal numbers (privacy-leak): whole, with one request, once.

Real crawls of a real server on 127.0.0.1. Attachments of real portals are
hundreds of KB to a few MB; a body read only as far as its first network read
(the first ~100 KB) has lost its zip directory or cross-reference table, and
with it every number inside.
"""

from __future__ import annotations

import io
import random
import zipfile

import docx

from crawler.demo.content import resident_id
from tests.sites import crawl, serve, static_handler

NUMBER = resident_id("640104", "19920617", "135")
HOME = ('<html lang="zh-CN"><head><meta charset="utf-8"><title>首页</title></head><body>'
        '<a href="/gs.html">低保公示</a><a href="/ghb/">长者模式</a></body></html>')
NOTICE = ('<html lang="zh-CN"><head><meta charset="utf-8"><title>低保公示</title></head><body>'
          '<p>公示名单见附件。</p><a href="/files/gs.docx">附件：低保对象名单.docx</a></body></html>')
PAGE = '<html lang="zh-CN"><head><meta charset="utf-8"><title>长者模式</title></head><body>正文</body></html>'


def docx_of(text: str, filler: int) -> bytes:
    """A DOCX holding ``text``, made ``filler`` bytes larger by a picture (incompressible, as photos are)."""
    document = docx.Document()
    document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    with zipfile.ZipFile(out, "a", zipfile.ZIP_STORED) as package:
        package.writestr("word/media/image1.jpeg", random.Random(7).randbytes(filler))
    return out.getvalue()


def _site(attachment: bytes, log: list):
    return static_handler({"/": (200, HOME), "/gs.html": (200, NOTICE), "/ghb/": (200, PAGE),
                           "/files/gs.docx": (200, attachment)}, log=log)


def _leaks(findings: dict) -> list[tuple[str, str]]:
    return [(f["url"], f["target"]) for f in findings["findings"] if f["check"] == "privacy-leak"]


def test_a_large_attachment_is_read_whole_with_one_request(tmp_path):
    attachment = docx_of(f"低保对象：张某某，身份证号：{NUMBER}", filler=1_500_000)
    log: list = []
    with serve(_site(attachment, log)) as base:
        findings, _ = crawl(base, tmp_path)
    assert len(attachment) > 1_500_000
    assert _leaks(findings) == [(base + "/files/gs.docx", "id-card")]
    # Never read before: one GET says whether it is there and brings its text; no HEAD first.
    assert [method for method, path in log if path == "/files/gs.docx"] == ["GET"]


def test_an_unchanged_attachment_is_asked_with_head_on_the_next_night_and_keeps_its_finding(tmp_path):
    attachment = docx_of(f"身份证号：{NUMBER}", filler=300_000)
    log: list = []
    with serve(_site(attachment, log)) as base:
        crawl(base, tmp_path)
        log.clear()
        findings, _ = crawl(base, tmp_path)
    assert _leaks(findings) == [(base + "/files/gs.docx", "id-card")]
    assert [method for method, path in log if path == "/files/gs.docx"] == ["HEAD"]


def test_an_attachment_over_the_size_limit_is_checked_not_read(tmp_path):
    attachment = docx_of(f"身份证号：{NUMBER}", filler=1_500_000)
    log: list = []
    with serve(_site(attachment, log)) as base:
        findings, _ = crawl(base, tmp_path, privacy={"attachment_max_mb": 1})
    assert _leaks(findings) == []
    assert [f for f in findings["findings"] if f["check"] == "broken-link"] == []
    assert [method for method, path in log if path == "/files/gs.docx"] == ["GET"]


def test_a_number_with_a_wrong_check_digit_in_a_large_attachment_is_not_flagged(tmp_path):
    look_alike = NUMBER[:-1] + ("1" if NUMBER[-1] == "0" else "0")
    attachment = docx_of(f"档案编号：{look_alike}", filler=1_500_000)
    with serve(_site(attachment, [])) as base:
        findings, _ = crawl(base, tmp_path)
    assert _leaks(findings) == []


def test_a_missing_attachment_is_broken_after_one_get(tmp_path):
    log: list = []
    handler = static_handler({"/": (200, HOME), "/gs.html": (200, NOTICE), "/ghb/": (200, PAGE)}, log=log)
    with serve(handler) as base:
        findings, _ = crawl(base, tmp_path)
    broken = [(f["target"], f["evidence"].get("http_status")) for f in findings["findings"]
              if f["check"] == "broken-link"]
    assert broken == [(base + "/files/gs.docx", 404)]
    assert [method for method, path in log if path == "/files/gs.docx"] == ["GET"]
