"""No planted personal number survives a demo run in clear: not in any output, log, store or capture.

The demo portal plants full ID, mobile and bank-card numbers (synthetic, with
valid check digits) next to masked and look-alike forms. After a whole run —
reports, the store (page facts, link answers, raw captures; every zlib blob
opened), the run's log, and a quarterly evidence pack with its WARC — none of
the planted numbers may appear, in any of the forms the page wrote them.
"""

from __future__ import annotations

import re
import sqlite3
import subprocess
import zipfile
import zlib
from datetime import date
from pathlib import Path

import pytest

from crawler.extract.privacy import find_numbers
from tests.e2e.conftest import DEMO_TODAY, GOVCRAWL


@pytest.fixture(scope="module")
def planted(demo_run) -> set[str]:
    """Every personal number the demo portal serves in clear (as written, and as bare digits)."""
    from crawler.attachments import attachment_kind, attachment_text

    numbers: set[str] = set()
    for url, resource in demo_run.server.resources.items():
        if not resource.body:
            continue
        kind = attachment_kind(url, None, resource.body)
        if kind is not None:  # attachments: their text as the crawl reads it
            text = attachment_text(resource.body, kind).text
            numbers.update(f.number for f in find_numbers(text, today=date.fromisoformat(DEMO_TODAY)))
            continue
        for codec in ("utf-8", "gbk"):
            try:
                text = resource.body.decode(codec)
            except UnicodeDecodeError:
                continue
            for found in find_numbers(re.sub(r"<[^>]+>", " ", text), today=date.fromisoformat(DEMO_TODAY)):
                numbers.add(found.number)
                numbers.add(re.sub(r"\D", "", found.raw))
            break
    return {n for n in numbers if len(n) >= 11}


def _texts_of_store(path: Path):
    db = sqlite3.connect(path)
    try:
        tables = [row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        for table in tables:
            for row in db.execute(f"SELECT * FROM {table}"):  # noqa: S608 - table names from sqlite_master
                for value in row:
                    if isinstance(value, bytes):
                        try:
                            value = zlib.decompress(value)
                        except zlib.error:
                            pass
                        yield f"{table}(blob)", value
                    elif isinstance(value, str):
                        yield table, value.encode()
    finally:
        db.close()


def _texts_of_files(root: Path):
    for path in root.rglob("*"):
        if not path.is_file():
            continue
        data = path.read_bytes()
        if zipfile.is_zipfile(path):  # xlsx, evidence pack
            with zipfile.ZipFile(path) as archive:
                for name in archive.namelist():
                    inner = archive.read(name)
                    if name.endswith(".gz"):
                        import gzip

                        inner = gzip.decompress(inner)
                    yield f"{path.name}:{name}", inner
        elif path.suffix == ".gz":
            import gzip

            yield path.name, gzip.decompress(data)
        else:
            yield path.name, data


def _leaks(planted: set[str], sources) -> list[str]:
    """Where a planted number appears whole (not as part of a longer digit run, e.g. an order number)."""
    patterns = [
        re.compile(rb"(?<![0-9])" + re.escape(form.encode()) + rb"(?![0-9])")
        for number in planted for form in {number, " ".join(re.findall(".{1,4}", number))}
    ]
    found = []
    for where, data in sources:
        for pattern in patterns:
            if pattern.search(data):
                found.append(f"{where}: {pattern.pattern[12:15]!r}…")
    return found


def test_the_demo_plants_full_numbers(planted):
    from crawler.demo.portal import ATTACHED_ID, PLANTED_CARD, PLANTED_ID, PLANTED_MOBILE

    assert {PLANTED_ID, ATTACHED_ID, PLANTED_MOBILE, PLANTED_CARD} <= planted  # page text and an attachment


def test_no_planted_number_in_outputs_log_or_store(demo_run, planted):
    assert planted
    assert _leaks(planted, _texts_of_files(demo_run.out)) == []
    assert _leaks(planted, [("log", demo_run.stderr.encode())]) == []
    for name in ("demo.sqlite", "demo.sqlite-wal"):
        if (demo_run.data / name).exists() and name.endswith(".sqlite"):
            assert _leaks(planted, _texts_of_store(demo_run.data / name)) == []
    # The privacy findings themselves show masked samples only.
    privacy = [f for f in demo_run.findings["findings"] if f["check"] == "privacy-leak"]
    assert privacy and all("*" in sample for f in privacy for sample in f["evidence"]["samples"])


def test_no_planted_number_in_the_evidence_pack(demo_run, planted, tmp_path):
    result = subprocess.run(
        [str(GOVCRAWL), "quarterly", "demo", "-c", str(demo_run.config), "--quarter", "2023Q4",
         "--today", DEMO_TODAY, "--out", str(tmp_path / "q"), "--no-pdf"],
        capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert _leaks(planted, _texts_of_files(tmp_path / "q")) == []
    assert _leaks(planted, [("log", result.stderr.encode())]) == []
