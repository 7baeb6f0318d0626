"""Write a report file so that it is either the old one or the complete new one.

The reports are written by a nightly job and read by people and other
programs at any hour; a reader must never see half a workbook because the
job was killed mid-write. Each file is written beside its target and moved
into place with ``os.replace``, which is atomic on one file system.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path


def write_atomic(path: Path, produce: Callable[[Path], None]) -> Path:
    """Call ``produce(tmp_path)`` and move the result to ``path``; clean up on failure."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        produce(tmp)
        os.chmod(tmp, 0o644)  # mkstemp makes it 0600; reports are meant to be shared
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


def write_text_atomic(path: Path, text: str, encoding: str = "utf-8") -> Path:
    """Atomically write text (``newline=""`` so the caller decides line endings)."""
    return write_chunks_atomic(path, (text,), encoding)


def write_chunks_atomic(path: Path, chunks: Iterable[str], encoding: str = "utf-8") -> Path:
    """Atomically write text produced piece by piece (``newline=""``, as :func:`write_text_atomic`).

    The large reports (tens of MB of HTML or JSON for a 100,000-page site) are
    generated as a stream of chunks: joining them first would hold the whole
    document, and its encoded copy, in memory at once.
    """

    def produce(tmp: Path) -> None:
        with tmp.open("w", encoding=encoding, newline="") as handle:
            handle.writelines(chunks)

    return write_atomic(path, produce)
