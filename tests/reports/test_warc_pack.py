"""The evidence pack's two halves: page captures as WARC, and the zip whose contents can be proven unaltered.

The WARC is read back with warcio's own ArchiveIterator (not only with our
helper), so a record that another replay tool would misread fails here. The
pack is tampered with the ways an office could tamper with it: a changed file,
a removed file, an added file, a changed file with a matching new manifest.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import shutil
import subprocess
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from govcrawl.model import RawResponse
from reports.pack import MANIFEST_JSON, MANIFEST_SHA256, PackError, build_pack, verify_pack
from reports.warc import read_warc_responses, write_warc

BASE = "http://127.0.0.1:8765"
GBK_PAGE = ('<html><head><meta charset="gbk"><title>兴庆区人民政府</title></head>'
            "<body><h1>关于2023年政务公开工作的通知</h1><p>银兴政发〔2023〕12号</p></body></html>").encode("gbk")
GBK_FILENAME = "通知.html".encode("gbk").decode("latin-1")  # how the crawler decodes header bytes
PLAIN_PAGE = "<html><body><p>解读：一图读懂2023年工作要点</p></body></html>".encode()
REQUEST_HEADERS = [("User-Agent", "govcrawl/0.1 (+政务网站检查)".encode().decode("latin-1")),
                   ("Accept-Encoding", "gzip, deflate, br")]


def captures() -> list[RawResponse]:
    """A GBK page, a page stored decoded under gzip/chunked headers (as Scrapy hands it over), a 404."""
    return [
        RawResponse(
            url=f"{BASE}/xxgk/tzgg/202310/t20231009_1.html?from=index",
            fetched_at="2023-10-09T08:00:00+00:00",
            status=200,
            response_headers=[("Server", "nginx"), ("Content-Type", "text/html; charset=gbk"),
                              ("Content-Length", str(len(GBK_PAGE))), ("Set-Cookie", "a=1; Path=/"),
                              ("Set-Cookie", "b=2; Path=/"),
                              ("Content-Disposition", f'inline; filename="{GBK_FILENAME}"')],
            body=GBK_PAGE,
            request_headers=list(REQUEST_HEADERS),
        ),
        RawResponse(
            url=f"{BASE}/zcjd/index.html",
            fetched_at="2023-10-09T16:00:05+08:00",  # same instant style as the crawler, other offset
            status=200,
            response_headers=[("Content-Type", "text/html; charset=utf-8"), ("Content-Encoding", "gzip"),
                              ("Transfer-Encoding", "chunked"), ("Vary", "Accept-Encoding")],
            body=PLAIN_PAGE,
            request_headers=list(REQUEST_HEADERS),
        ),
        RawResponse(
            url=f"{BASE}/old/page.html",
            fetched_at="2023-10-09T08:00:07Z",
            status=404,
            response_headers=[("Content-Type", "text/html"), ("Content-Length", "9")],
            body=b"Not Found",
            request_headers=[("Host", "127.0.0.1:8765"), ("User-Agent", "govcrawl/0.1")],
        ),
    ]


@pytest.fixture(scope="module")
def warc(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("warc") / "captures.warc.gz"
    written = write_warc(path, captures(), software="govcrawl 0.1.0", description="兴庆区 2023年第三季度 页面存证")
    assert written == 3
    return path


def records(path: Path) -> list:
    """Every record as (type, WARC headers, HTTP headers, payload bytes), read by warcio with digest checks."""
    out = []
    with path.open("rb") as stream:
        for record in ArchiveIterator(stream, check_digests="raise"):
            payload = record.raw_stream.read()
            out.append((record.rec_type, record.rec_headers, record.http_headers, payload))
    return out


def as_warcio_reads(text: str) -> str:
    """A header value (bytes decoded as ISO-8859-1, as the crawler does) as warcio's parser returns it.

    warcio decodes header lines as UTF-8 when they are valid UTF-8, else as ISO-8859-1;
    comparing through this checks the stored *bytes* are the ones the server sent.
    """
    data = text.encode("latin-1")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return text


def header_values(http_headers, name: str) -> list[str]:
    return [value for key, value in http_headers.headers if key.lower() == name.lower()]


# -- WARC ------------------------------------------------------------------------------------------


def test_warc_starts_with_warcinfo(warc: Path) -> None:
    kind, headers, _, payload = records(warc)[0]
    assert kind == "warcinfo"
    assert headers.protocol == "WARC/1.1"
    assert headers.get_header("WARC-Filename") == "captures.warc.gz"
    text = payload.decode("utf-8")
    assert "software: govcrawl 0.1.0" in text
    assert "format: WARC File Format 1.1" in text
    assert "description: 兴庆区 2023年第三季度 页面存证" in text


def test_warc_responses_keep_status_headers_and_exact_bytes(warc: Path) -> None:
    responses = {h.get_header("WARC-Target-URI"): (h, http, body)
                 for kind, h, http, body in records(warc) if kind == "response"}
    expected = {raw.url: raw for raw in captures()}
    assert set(responses) == set(expected)

    gbk_url = f"{BASE}/xxgk/tzgg/202310/t20231009_1.html?from=index"
    gbk_headers, gbk_http, gbk_body = responses[gbk_url]
    assert gbk_body == GBK_PAGE
    assert gbk_http.protocol == "HTTP/1.1" and gbk_http.statusline == "200 OK"
    # unchanged, in order, repeats kept: nothing in them misdescribes the stored body
    assert gbk_http.headers == [(name, as_warcio_reads(value)) for name, value in expected[gbk_url].response_headers]
    assert header_values(gbk_http, "Set-Cookie") == ["a=1; Path=/", "b=2; Path=/"]
    assert gbk_headers.get_header("WARC-Date") == "2023-10-09T08:00:00Z"

    _, missing_http, missing_body = responses[f"{BASE}/old/page.html"]
    assert missing_http.statusline == "404 Not Found"
    assert int(missing_http.get_statuscode()) == 404
    assert missing_body == b"Not Found"


def test_warc_header_bytes_are_stored_as_sent(warc: Path) -> None:
    """A raw GBK file name in a header is written as its original bytes, not %-escaped."""
    raw = gzip.decompress(warc.read_bytes())
    assert b'filename="' + "通知.html".encode("gbk") + b'"' in raw


def test_warc_decoded_body_does_not_claim_gzip_or_chunked(warc: Path) -> None:
    """Scrapy hands over a gunzipped, de-chunked body: the record must replay as that body."""
    with warc.open("rb") as stream:
        for record in ArchiveIterator(stream):
            if record.rec_type == "response" and record.rec_headers.get_header("WARC-Target-URI").endswith("/zcjd/index.html"):
                http = record.http_headers
                replayed = record.content_stream().read()  # what a replay tool serves
                break
        else:
            pytest.fail("response for /zcjd/index.html not found")
    assert replayed == PLAIN_PAGE
    assert header_values(http, "Content-Encoding") == []
    assert header_values(http, "Transfer-Encoding") == []
    assert header_values(http, "X-Original-Content-Encoding") == ["gzip"]
    assert header_values(http, "X-Original-Transfer-Encoding") == ["chunked"]
    assert header_values(http, "Content-Length") == [str(len(PLAIN_PAGE))]
    assert header_values(http, "Vary") == ["Accept-Encoding"]


def test_warc_requests_pair_with_their_responses(warc: Path) -> None:
    all_records = records(warc)
    response_ids = {h.get_header("WARC-Record-ID"): h for kind, h, *_ in all_records if kind == "response"}
    requests = [(h, http) for kind, h, http, *_ in all_records if kind == "request"]
    assert len(requests) == 3
    by_url = {raw.url: raw for raw in captures()}
    for headers, http in requests:
        response = response_ids[headers.get_header("WARC-Concurrent-To")]
        url = headers.get_header("WARC-Target-URI")
        assert response.get_header("WARC-Target-URI") == url
        assert response.get_header("WARC-Date") == headers.get_header("WARC-Date")
        assert http.protocol == "GET"
        assert len(header_values(http, "Host")) == 1
        assert header_values(http, "Host") == ["127.0.0.1:8765"]
        for name, value in by_url[url].request_headers:
            assert (name, as_warcio_reads(value)) in http.headers
    gbk_request = next(http for h, http in requests if "t20231009_1" in h.get_header("WARC-Target-URI"))
    assert gbk_request.statusline == "/xxgk/tzgg/202310/t20231009_1.html?from=index HTTP/1.1"
    other = next(h for h, _ in requests if h.get_header("WARC-Target-URI").endswith("/zcjd/index.html"))
    assert other.get_header("WARC-Date") == "2023-10-09T08:00:05Z"  # +08:00 converted to UTC


def test_read_warc_responses_round_trips(warc: Path) -> None:
    back = read_warc_responses(warc)
    for raw in captures():
        status, headers, body = back[raw.url]
        assert status == raw.status
        assert body == raw.body
        if "zcjd" not in raw.url:  # the one whose headers had to be renamed is checked above
            assert headers == raw.response_headers


def test_warc_keeps_content_encoding_when_body_is_still_encoded(tmp_path: Path) -> None:
    """A body stored as sent (still gzip) keeps its header, so replay decodes it once."""
    encoded = gzip.compress(PLAIN_PAGE, mtime=0)
    raw = RawResponse(url=f"{BASE}/gz.html", fetched_at="2023-10-09T08:00:00Z", status=200,
                      response_headers=[("Content-Encoding", "gzip"), ("Content-Length", str(len(encoded)))],
                      body=encoded, http_version="HTTP/2")
    path = tmp_path / "gz.warc.gz"
    write_warc(path, [raw], software="govcrawl")
    with path.open("rb") as stream:
        record = next(r for r in ArchiveIterator(stream) if r.rec_type == "response")
        assert record.http_headers.headers == raw.response_headers
        assert record.rec_headers.get_header("WARC-Protocol") == "h2"
        assert record.content_stream().read() == PLAIN_PAGE
    assert read_warc_responses(path)[raw.url][2] == encoded
    assert [p.name for p in tmp_path.iterdir()] == ["gz.warc.gz"]  # no temp file left behind


# -- pack ------------------------------------------------------------------------------------------

MANIFEST = {"title": "2023年第三季度政府网站检查证据包", "site": "xingqing", "run": "20231009-0800",
            "generated_at": "2023-10-09T08:30:00"}
STAMP = (2023, 10, 9, 8, 30, 0)


@pytest.fixture
def pack_files(tmp_path: Path, warc: Path) -> dict[str, Path | bytes]:
    findings = tmp_path / "findings.json"
    findings.write_text(json.dumps({"findings": [{"check": "broken-link", "department": "司法局"}]},
                                   ensure_ascii=False), encoding="utf-8")
    return {
        "captures/pages.warc.gz": warc,
        "findings.json": findings,
        "report.html": "<h1>2023年第三季度政府网站检查报告</h1>".encode(),
        "报告/2023年第三季度检查报告.pdf": b"%PDF-1.4 stand-in",
    }


@pytest.fixture
def pack(tmp_path: Path, pack_files: dict[str, Path | bytes]) -> tuple[Path, str]:
    path = tmp_path / "out" / "pack.zip"
    return path, build_pack(path, pack_files, MANIFEST)


def entries(path: Path) -> list[tuple[zipfile.ZipInfo, bytes]]:
    with zipfile.ZipFile(path) as archive:
        return [(info, archive.read(info)) for info in archive.infolist()]


def rewrite(source: Path, target: Path,
            change: Callable[[list[tuple[zipfile.ZipInfo, bytes]]], list[tuple[zipfile.ZipInfo, bytes]]]) -> Path:
    """A copy of the zip with its entries passed through ``change`` (what someone with a zip tool could do)."""
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for info, data in change(entries(source)):
            archive.writestr(info, data)
    return target


def replace(name: str, data: bytes) -> Callable:
    return lambda items: [(info, data if info.filename == name else old) for info, old in items]


def test_pack_contents_and_manifests(pack: tuple[Path, str], pack_files: dict) -> None:
    path, fingerprint = pack
    items = {info.filename: (info, data) for info, data in entries(path)}
    assert set(items) == set(pack_files) | {MANIFEST_JSON, MANIFEST_SHA256}
    for info, _ in items.values():
        assert info.date_time == STAMP
        assert info.compress_type == zipfile.ZIP_DEFLATED
    for name, content in pack_files.items():
        assert items[name][1] == (content.read_bytes() if isinstance(content, Path) else content)

    manifest_text = items[MANIFEST_JSON][1].decode("utf-8")
    assert "2023年第三季度政府网站检查证据包" in manifest_text  # ensure_ascii=False: readable Chinese
    manifest = json.loads(manifest_text)
    assert {k: v for k, v in manifest.items() if k != "files"} == MANIFEST
    assert manifest["files"] == [
        {"name": name, "bytes": len(items[name][1]), "sha256": hashlib.sha256(items[name][1]).hexdigest()}
        for name in sorted(pack_files)
    ]

    sums = items[MANIFEST_SHA256][1]
    lines = sums.decode("utf-8").splitlines()
    names = [line.split("  ", 1)[1] for line in lines]
    assert names == sorted(set(pack_files) | {MANIFEST_JSON})
    for line in lines:
        digest, name = line.split("  ", 1)
        assert digest == hashlib.sha256(items[name][1]).hexdigest()
    assert fingerprint == hashlib.sha256(sums).hexdigest()


def test_pack_checks_with_sha256sum_after_unzip(pack: tuple[Path, str], tmp_path: Path) -> None:
    if shutil.which("sha256sum") is None:
        pytest.skip("sha256sum (coreutils) not installed")
    folder = tmp_path / "unzipped"
    with zipfile.ZipFile(pack[0]) as archive:
        archive.extractall(folder)
    result = subprocess.run(["sha256sum", "-c", MANIFEST_SHA256], cwd=folder, capture_output=True, text=True,
                            check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count(": OK") == 5


def test_pack_verifies(pack: tuple[Path, str]) -> None:
    path, fingerprint = pack
    check = verify_pack(path)
    assert check.ok and check.manifest_ok
    assert (check.altered, check.missing, check.unlisted) == ([], [], [])
    assert check.fingerprint == fingerprint and check.fingerprint_ok is None
    assert "证据包完整" in check.messages[0]

    recorded = verify_pack(path, fingerprint.upper()[:32] + " " + fingerprint.upper()[32:])  # as copied from paper
    assert recorded.ok and recorded.fingerprint_ok is True


def test_pack_is_deterministic(tmp_path: Path, pack: tuple[Path, str], pack_files: dict) -> None:
    again = tmp_path / "again.zip"
    assert build_pack(again, pack_files, dict(MANIFEST)) == pack[1]
    assert again.read_bytes() == pack[0].read_bytes()


def test_pack_without_generation_date_uses_1980(tmp_path: Path) -> None:
    path = tmp_path / "p.zip"
    build_pack(path, {"a.txt": b"a"}, {"title": "t"})
    assert {info.date_time for info, _ in entries(path)} == {(1980, 1, 1, 0, 0, 0)}


def test_altered_file_is_named(pack: tuple[Path, str], tmp_path: Path) -> None:
    path, fingerprint = pack
    tampered = rewrite(path, tmp_path / "t.zip", replace("report.html", "<h1>已整改</h1>".encode()))
    check = verify_pack(tampered, fingerprint)
    assert not check.ok
    assert check.altered == ["report.html"]
    assert (check.missing, check.unlisted) == ([], [])
    assert check.manifest_ok and check.fingerprint_ok is True  # the manifests themselves are untouched
    assert any("report.html" in message and "改动" in message for message in check.messages)


def test_bytes_changed_in_place_are_altered(pack: tuple[Path, str], tmp_path: Path) -> None:
    """A byte flipped inside the zip (no re-zipping) breaks the entry: reported as altered, not a traceback."""
    path, _ = pack
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo("findings.json")
    data = bytearray(path.read_bytes())
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    data[start + info.compress_size // 2] ^= 0xFF
    damaged = tmp_path / "damaged.zip"
    damaged.write_bytes(bytes(data))
    check = verify_pack(damaged)
    assert check.altered == ["findings.json"] and not check.ok


def test_missing_file(pack: tuple[Path, str], tmp_path: Path) -> None:
    name = "报告/2023年第三季度检查报告.pdf"
    tampered = rewrite(pack[0], tmp_path / "t.zip",
                       lambda items: [(info, data) for info, data in items if info.filename != name])
    check = verify_pack(tampered, pack[1])
    assert check.missing == [name]
    assert (check.altered, check.unlisted) == ([], [])
    assert not check.ok


def test_unlisted_file(pack: tuple[Path, str], tmp_path: Path) -> None:
    extra = zipfile.ZipInfo("补充说明.txt", date_time=STAMP)
    tampered = rewrite(pack[0], tmp_path / "t.zip", lambda items: [*items, (extra, "后补材料".encode())])
    check = verify_pack(tampered, pack[1])
    assert check.unlisted == ["补充说明.txt"]
    assert (check.altered, check.missing) == ([], [])
    assert not check.ok


def test_file_and_manifests_changed_together_only_the_fingerprint_sees_it(pack: tuple[Path, str],
                                                                         tmp_path: Path) -> None:
    path, fingerprint = pack
    items = {info.filename: data for info, data in entries(path)}
    forged_report = "<h1>无问题</h1>".encode()
    manifest = json.loads(items[MANIFEST_JSON])
    for item in manifest["files"]:
        if item["name"] == "report.html":
            item.update(bytes=len(forged_report), sha256=hashlib.sha256(forged_report).hexdigest())
    forged_manifest = json.dumps(manifest, ensure_ascii=False, indent=2).encode()
    sums = {name: hashlib.sha256(data).hexdigest() for name, data in items.items() if name != MANIFEST_SHA256}
    sums.update({"report.html": hashlib.sha256(forged_report).hexdigest(),
                 MANIFEST_JSON: hashlib.sha256(forged_manifest).hexdigest()})
    forged_sums = "".join(f"{sums[name]}  {name}\n" for name in sorted(sums)).encode()
    forged = rewrite(path, tmp_path / "forged.zip", lambda old: [
        (info, {"report.html": forged_report, MANIFEST_JSON: forged_manifest,
                MANIFEST_SHA256: forged_sums}.get(info.filename, data)) for info, data in old])

    unchecked = verify_pack(forged)
    assert unchecked.ok  # internally consistent: without the recorded fingerprint nothing can tell
    assert any("未提供登记的指纹" in message for message in unchecked.messages)

    check = verify_pack(forged, fingerprint)
    assert not check.ok
    assert check.fingerprint_ok is False
    assert check.fingerprint == hashlib.sha256(forged_sums).hexdigest() != fingerprint
    assert check.altered == [] and check.manifest_ok
    assert any("指纹与登记的不一致" in message for message in check.messages)


def test_manifest_json_disagreeing_with_sha256_list(pack: tuple[Path, str], tmp_path: Path) -> None:
    """Only MANIFEST.sha256 changed along with the file: manifest.json no longer agrees."""
    path, fingerprint = pack
    items = {info.filename: data for info, data in entries(path)}
    forged_report = b"<h1>changed</h1>"
    sums = items[MANIFEST_SHA256].decode().replace(hashlib.sha256(items["report.html"]).hexdigest(),
                                                    hashlib.sha256(forged_report).hexdigest()).encode()
    forged = rewrite(path, tmp_path / "forged.zip", lambda old: [
        (info, {"report.html": forged_report, MANIFEST_SHA256: sums}.get(info.filename, data)) for info, data in old])
    check = verify_pack(forged, fingerprint)
    assert check.altered == []
    assert not check.manifest_ok and check.fingerprint_ok is False and not check.ok
    assert any("report.html" in message and MANIFEST_JSON in message for message in check.messages)


def test_not_a_pack_is_a_clear_error(tmp_path: Path, pack: tuple[Path, str]) -> None:
    text = tmp_path / "notes.zip"
    text.write_text("这不是压缩包", encoding="utf-8")
    with pytest.raises(PackError, match="不是有效的 zip 证据包.*not a valid zip"):
        verify_pack(text)
    truncated = tmp_path / "half.zip"
    truncated.write_bytes(pack[0].read_bytes()[: pack[0].stat().st_size // 2])
    with pytest.raises(PackError):
        verify_pack(truncated)
    with pytest.raises(PackError, match="文件不存在"):
        verify_pack(tmp_path / "nowhere.zip")
    plain = tmp_path / "plain.zip"
    with zipfile.ZipFile(plain, "w") as archive:
        archive.writestr("a.txt", b"a")
    with pytest.raises(PackError, match="不是 govcrawl 证据包"):
        verify_pack(plain)


@pytest.mark.parametrize("name", ["../escape.txt", "/etc/passwd", "a/../../b", "C:/x.txt", "a\\b.txt", "a//b",
                                  "./a", "a/", "line\nbreak", MANIFEST_JSON, MANIFEST_SHA256])
def test_unsafe_names_are_refused(tmp_path: Path, name: str) -> None:
    path = tmp_path / "p.zip"
    with pytest.raises(ValueError, match="文件名"):
        build_pack(path, {name: b"x"}, {})
    assert not path.exists()


def test_colliding_names_and_files_key_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="大小写"):
        build_pack(tmp_path / "p.zip", {"Report.html": b"a", "report.html": b"b"}, {})
    with pytest.raises(ValueError, match="既是文件又是"):
        build_pack(tmp_path / "p.zip", {"报告": b"a", "报告/附件.pdf": b"b"}, {})
    with pytest.raises(ValueError, match="files"):
        build_pack(tmp_path / "p.zip", {"a.txt": b"a"}, {"files": []})


def test_failed_build_keeps_the_old_pack(pack: tuple[Path, str], tmp_path: Path) -> None:
    """A build that fails half way (a source file vanished) leaves the previous pack and no temp file."""
    path, fingerprint = pack
    before = path.read_bytes()
    with pytest.raises(FileNotFoundError):
        build_pack(path, {"a.txt": b"a", "b.txt": tmp_path / "vanished.txt"}, MANIFEST)
    assert path.read_bytes() == before
    assert [p.name for p in path.parent.iterdir()] == ["pack.zip"]
    assert verify_pack(path, fingerprint).ok
