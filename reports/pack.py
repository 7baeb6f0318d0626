"""The quarterly inspection evidence pack: one zip whose contents can be proven unaltered.

Why this shape: the office hands the pack to an inspector and keeps one number
on paper. Inside the zip, ``MANIFEST.sha256`` lists the SHA-256 of every file
(``sha256sum`` format, so ``unzip`` + ``sha256sum -c MANIFEST.sha256`` checks
it with no govcrawl installed) and ``manifest.json`` says what the pack is,
with the same hashes and sizes for programs. The *fingerprint* is the SHA-256
of ``MANIFEST.sha256`` itself: changing a file shows up against the manifest,
and changing a file *and* the manifest shows up against the fingerprint on paper.

The same inputs give the same zip bytes (fixed entry times and attributes,
sorted entries), so rebuilding a pack from the same files reproduces its
fingerprint; the zlib of the machine must be the same for byte equality.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import zipfile
import zlib
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path, PurePosixPath
from typing import IO

from reports.files import write_atomic

__all__ = ["MANIFEST_JSON", "MANIFEST_SHA256", "PackCheck", "PackError", "build_pack", "verify_pack"]

MANIFEST_JSON = "manifest.json"
MANIFEST_SHA256 = "MANIFEST.sha256"
RESERVED = (MANIFEST_JSON, MANIFEST_SHA256)
# Manifest keys whose date (ISO-8601 text, or a date/datetime) becomes every entry's time stamp.
GENERATED_KEYS = ("generated_at", "generated")
EPOCH = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip entry can carry
CHUNK = 1 << 20
COMPRESS_LEVEL = 9
# One line of sha256sum's output ("<hex>  <name>"; a "*" instead of the second space marks binary mode).
SUM_LINE = re.compile(r"^([0-9a-fA-F]{64}) [ *](.+)$")


class PackError(Exception):
    """The file is not a readable evidence pack (missing, not a zip, no manifest)."""


@dataclass
class PackCheck:
    """The result of :func:`verify_pack`; ``messages`` say it in Chinese for the office.

    ``fingerprint`` is the SHA-256 of the pack's ``MANIFEST.sha256`` as found;
    ``fingerprint_ok`` is None when no recorded fingerprint was given to compare.
    """

    ok: bool
    altered: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    unlisted: list[str] = field(default_factory=list)
    manifest_ok: bool = True
    fingerprint: str = ""
    fingerprint_ok: bool | None = None
    messages: list[str] = field(default_factory=list)


# -- building --------------------------------------------------------------------------------------


def build_pack(zip_path: Path, files: Mapping[str, Path | bytes], manifest: dict) -> str:
    """Write the pack ``zip_path`` with ``files`` (archive name -> file or bytes); return its fingerprint.

    ``manifest`` is written as ``manifest.json`` with a ``files`` list added
    (name, bytes, sha256 of each given file). Names use forward slashes and may be
    Chinese; absolute names, ``..``, backslashes and control characters are refused
    because unzip would write outside the folder or ``sha256sum -c`` could not read
    the line. The zip is written beside ``zip_path`` and moved into place.
    """
    names = sorted(files)
    for name in names:
        _check_name(name)
    _check_collisions(names)
    if "files" in manifest:
        raise ValueError("manifest 不能自带 files 键（由 build_pack 生成）/ manifest must not contain 'files'")
    stamp = _entry_time(manifest)
    fingerprint = ""

    def produce(tmp: Path) -> None:
        nonlocal fingerprint
        sums: dict[str, str] = {}
        listed = []
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=COMPRESS_LEVEL) as pack:
            for name in names:
                digest, size = _add(pack, name, files[name], stamp)
                sums[name] = digest
                listed.append({"name": name, "bytes": size, "sha256": digest})
            manifest_bytes = _manifest_json({**manifest, "files": listed})
            sums[MANIFEST_JSON], _ = _add(pack, MANIFEST_JSON, manifest_bytes, stamp)
            sums_bytes = _sum_lines(sums)
            _add(pack, MANIFEST_SHA256, sums_bytes, stamp)
        fingerprint = hashlib.sha256(sums_bytes).hexdigest()

    write_atomic(Path(zip_path), produce)
    return fingerprint


def _check_name(name: str) -> None:
    """Refuse an archive name that could escape the unzip folder or break a MANIFEST.sha256 line."""
    problem = None
    if not isinstance(name, str) or not name:
        problem = "名称为空 / empty name"
    elif name in RESERVED:
        problem = "与清单文件同名 / reserved for the manifest"
    elif "\\" in name or any(ord(char) < 32 or ord(char) == 127 for char in name):
        problem = "含反斜杠或控制字符 / contains a backslash or control character"
    elif name.startswith("/") or re.match(r"^[A-Za-z]:", name):
        problem = "是绝对路径 / is absolute"
    elif any(part in ("", ".", "..") for part in name.split("/")):
        problem = "含空段、“.”或“..” / has an empty, '.' or '..' segment"
    if problem:
        raise ValueError(f"证据包文件名不合法 / invalid pack entry name {name!r}: {problem}")


def _check_collisions(names: list[str]) -> None:
    """Refuse names that cannot all be unzipped: equal but for case (Windows), or a file that is also a folder."""
    seen: dict[str, str] = {}
    for name in names:
        folded = name.casefold()
        if folded in seen:
            raise ValueError(f"证据包文件名仅大小写不同 / names differ only in case: {seen[folded]!r}, {name!r}")
        seen[folded] = name
    for name in names:
        parts = name.casefold().split("/")
        for depth in range(1, len(parts)):
            folder = "/".join(parts[:depth])
            if folder in seen:
                raise ValueError(f"证据包文件名冲突：{seen[folder]!r} 既是文件又是 {name!r} 的目录"
                                 f" / {seen[folder]!r} is both a file and a folder of {name!r}")


def _entry_time(manifest: Mapping) -> tuple[int, int, int, int, int, int]:
    """The time stamp of every entry: the manifest's generation time, else 1980-01-01 (a fixed value either way)."""
    for key in GENERATED_KEYS:
        value = manifest.get(key)
        if isinstance(value, str):
            try:
                value = datetime.fromisoformat(value)
            except ValueError:
                continue
        if isinstance(value, datetime):
            stamp = (value.year, value.month, value.day, value.hour, value.minute, value.second)
        elif isinstance(value, date):
            stamp = (value.year, value.month, value.day, 0, 0, 0)
        else:
            continue
        if 1980 <= stamp[0] <= 2107:  # the range a zip time stamp can hold
            return stamp
    return EPOCH


def _add(pack: zipfile.ZipFile, name: str, content: Path | bytes, stamp: tuple) -> tuple[str, int]:
    """Add one entry with fixed metadata; return its SHA-256 and size, taken from the bytes written."""
    info = zipfile.ZipInfo(name, date_time=stamp)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.create_system = 3  # Unix, on every platform, so the bytes do not depend on where the pack is built
    info.external_attr = 0o100644 << 16  # a regular file, rw-r--r--
    digest = hashlib.sha256()
    size = 0
    with _source(content) as source:
        info.file_size = source.seek(0, 2)
        source.seek(0)
        with pack.open(info, "w") as entry:
            while chunk := source.read(CHUNK):
                digest.update(chunk)
                entry.write(chunk)
                size += len(chunk)
    return digest.hexdigest(), size


@contextmanager
def _source(content: Path | bytes) -> Iterator[IO[bytes]]:
    """A seekable binary stream over bytes or a file."""
    if isinstance(content, bytes | bytearray | memoryview):
        yield io.BytesIO(bytes(content))
    else:
        with Path(content).open("rb") as stream:
            yield stream


def _manifest_json(manifest: dict) -> bytes:
    return (json.dumps(manifest, ensure_ascii=False, indent=2, default=_json_value) + "\n").encode("utf-8")


def _json_value(value: object) -> str:
    """Dates and paths as text; anything else JSON cannot say is a caller's mistake."""
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, PurePosixPath | Path):
        return str(value)
    raise TypeError(f"manifest value of type {type(value).__name__} is not JSON serialisable")


def _sum_lines(sums: Mapping[str, str]) -> bytes:
    """sha256sum's format: ``<hex>  <name>``, one line per file, sorted by name, UTF-8."""
    return "".join(f"{sums[name]}  {name}\n" for name in sorted(sums)).encode("utf-8")


# -- verifying -------------------------------------------------------------------------------------


def verify_pack(zip_path: Path, fingerprint: str | None = None) -> PackCheck:
    """Recompute every hash of the pack and compare with its manifests and the recorded fingerprint.

    Raises :class:`PackError` only when the file cannot be read as a pack at all;
    every kind of tampering comes back in the :class:`PackCheck`.
    """
    with _open_pack(Path(zip_path)) as pack:
        entries = _entries(pack)
        sums_bytes = _read_member(pack, MANIFEST_SHA256) if MANIFEST_SHA256 in entries else None
        manifest_bytes = _read_member(pack, MANIFEST_JSON) if MANIFEST_JSON in entries else None
        if sums_bytes is None and manifest_bytes is None:
            raise PackError(f"{zip_path}: 缺少 {MANIFEST_SHA256} 和 {MANIFEST_JSON}，不是 govcrawl 证据包"
                            f" / not a govcrawl evidence pack (no {MANIFEST_SHA256} or {MANIFEST_JSON})")
        check = PackCheck(ok=False)
        listed = _listed(sums_bytes, manifest_bytes, check)
        _compare_files(pack, entries, listed, check)
    _check_manifest_json(manifest_bytes, listed, check)
    _check_fingerprint(sums_bytes, fingerprint, check)
    check.ok = (not check.altered and not check.missing and not check.unlisted and check.manifest_ok
                and check.fingerprint_ok is not False)
    if check.ok:
        check.messages.insert(0, f"证据包完整：{len(listed)} 个文件与清单一致。")
    return check


@contextmanager
def _open_pack(path: Path) -> Iterator[zipfile.ZipFile]:
    """The zip opened for reading, with an unreadable file turned into a :class:`PackError`."""
    try:
        pack = zipfile.ZipFile(path)
    except FileNotFoundError:
        raise PackError(f"{path}: 文件不存在 / no such file") from None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise PackError(f"{path}: 不是有效的 zip 证据包（文件损坏或格式不对）"
                        f" / not a valid zip evidence pack: {exc}") from None
    with pack:
        yield pack


def _entries(pack: zipfile.ZipFile) -> dict[str, list[zipfile.ZipInfo]]:
    """Entries by name; a name can occur twice in a zip, and which copy unzip keeps varies by tool."""
    entries: dict[str, list[zipfile.ZipInfo]] = {}
    for info in pack.infolist():
        if not info.is_dir():
            entries.setdefault(info.filename, []).append(info)
    return entries


def _read_member(pack: zipfile.ZipFile, name: str) -> bytes | None:
    try:
        return pack.read(name)
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError):
        return None  # a damaged manifest is reported as altered by the comparison below


def _listed(sums_bytes: bytes | None, manifest_bytes: bytes | None, check: PackCheck) -> dict[str, str]:
    """name -> SHA-256 as MANIFEST.sha256 lists them (manifest.json's list if MANIFEST.sha256 is gone)."""
    if sums_bytes is not None:
        listed, bad = _parse_sums(sums_bytes)
        if bad:
            check.manifest_ok = False
            check.messages.append(f"{MANIFEST_SHA256} 有 {bad} 行无法识别。")
        return listed
    check.missing.append(MANIFEST_SHA256)
    check.manifest_ok = False
    check.messages.append(f"缺少 {MANIFEST_SHA256}：改用 {MANIFEST_JSON} 中的文件清单核对。")
    return {item["name"]: item["sha256"] for item in _json_files(manifest_bytes) or []}


def _parse_sums(data: bytes) -> tuple[dict[str, str], int]:
    listed: dict[str, str] = {}
    bad = 0
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return {}, 1
    for line in text.splitlines():
        if not line.strip():
            continue
        match = SUM_LINE.match(line)
        if match is None:
            bad += 1
            continue
        listed[match.group(2)] = match.group(1).lower()
    return listed, bad


def _compare_files(pack: zipfile.ZipFile, entries: Mapping[str, list[zipfile.ZipInfo]],
                   listed: Mapping[str, str], check: PackCheck) -> None:
    for name in sorted(listed):
        copies = entries.get(name)
        if not copies:
            check.missing.append(name)
            check.messages.append(f"缺少文件：{name}")
        elif len(copies) > 1:
            check.altered.append(name)
            check.messages.append(f"文件被改动：{name}（压缩包中出现 {len(copies)} 次）")
        else:
            actual = _hash_entry(pack, copies[0])
            if actual != listed[name]:
                check.altered.append(name)
                reason = "条目已损坏，无法读取" if actual is None else "内容与清单中的哈希值不符"
                check.messages.append(f"文件被改动：{name}（{reason}）")
    if len(entries.get(MANIFEST_SHA256, ())) > 1:
        check.altered.append(MANIFEST_SHA256)
        check.messages.append(f"文件被改动：{MANIFEST_SHA256}（压缩包中出现 {len(entries[MANIFEST_SHA256])} 次）")
    for name in sorted(entries):
        if name not in listed and name not in RESERVED:
            check.unlisted.append(name)
            check.messages.append(f"清单之外的文件：{name}")


def _hash_entry(pack: zipfile.ZipFile, info: zipfile.ZipInfo) -> str | None:
    """SHA-256 of an entry, or None when it cannot be read (a CRC error means its bytes were changed)."""
    digest = hashlib.sha256()
    try:
        with pack.open(info) as entry:
            for chunk in _chunks(entry):
                digest.update(chunk)
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, NotImplementedError):
        return None
    return digest.hexdigest()


def _chunks(stream: IO[bytes]) -> Iterator[bytes]:
    while chunk := stream.read(CHUNK):
        yield chunk


def _json_files(manifest_bytes: bytes | None) -> list[dict] | None:
    """manifest.json's ``files`` list, or None when it is unreadable or malformed."""
    if manifest_bytes is None:
        return None
    try:
        files = json.loads(manifest_bytes.decode("utf-8")).get("files")
    except (UnicodeDecodeError, json.JSONDecodeError, AttributeError):
        return None
    if not isinstance(files, list) or not all(
        isinstance(item, dict) and isinstance(item.get("name"), str) and isinstance(item.get("sha256"), str)
        and isinstance(item.get("bytes"), int) for item in files
    ):
        return None
    return files


def _check_manifest_json(manifest_bytes: bytes | None, listed: Mapping[str, str], check: PackCheck) -> None:
    """manifest.json's ``files`` must name the same files with the same hashes as MANIFEST.sha256.

    Sizes need no check of their own: a file whose hash matches has the listed size.
    """
    files = _json_files(manifest_bytes)
    if files is None:
        check.manifest_ok = False
        if manifest_bytes is None and MANIFEST_JSON not in check.missing:
            check.missing.append(MANIFEST_JSON)
        check.messages.append(f"{MANIFEST_JSON} 缺失或无法解析，未能与 {MANIFEST_SHA256} 对照。")
        return
    in_json = {item["name"]: item["sha256"].lower() for item in files}
    expected = {name: digest for name, digest in listed.items() if name != MANIFEST_JSON}
    if in_json != expected or len(files) != len(in_json):
        check.manifest_ok = False
        differing = sorted(set(in_json.items()) ^ set(expected.items()))
        names = "、".join(sorted({name for name, _ in differing})) or "重复条目"
        check.messages.append(f"{MANIFEST_JSON} 与 {MANIFEST_SHA256} 的文件清单不一致：{names}")


def _check_fingerprint(sums_bytes: bytes | None, recorded: str | None, check: PackCheck) -> None:
    check.fingerprint = hashlib.sha256(sums_bytes).hexdigest() if sums_bytes is not None else ""
    if recorded is None:
        check.messages.append("未提供登记的指纹：无法发现同时改动文件和清单的篡改。")
        return
    wanted = re.sub(r"[\s-]", "", recorded).lower()
    check.fingerprint_ok = bool(check.fingerprint) and check.fingerprint == wanted
    if check.fingerprint_ok:
        check.messages.append("指纹与登记的一致。")
    else:
        check.messages.append(f"指纹与登记的不一致：登记 {wanted}，实际 {check.fingerprint or '（无清单）'}。"
                              "证据包在登记后被改动过（可能连同清单一起）。")
