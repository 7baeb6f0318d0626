"""Process-tree helpers for the tests that kill or interrupt a run (read from /proc)."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path


def descendants(root: int) -> set[int]:
    """Every process below ``root`` (children, their children …), as the tree is now."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = parent_of(int(entry.name))
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    out, todo = set(), [root]
    while todo:
        for child in children.get(todo.pop(), []):
            out.add(child)
            todo.append(child)
    return out


def parent_of(pid: int) -> int:
    return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])


def alive(pid: int) -> bool:
    """Running (a zombie waiting for its parent to reap it counts as gone)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def command_line(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def stored_pages(store: Path) -> int:
    """Pages in a SQLite store so far (0 before it exists)."""
    if not store.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{store}?mode=ro", uri=True, timeout=5) as db:
            return db.execute("SELECT COUNT(*) FROM pages").fetchone()[0]
    except sqlite3.OperationalError:  # tables not created yet
        return 0


def wait_for_pages(proc, store: Path, count: int, timeout: float = 120) -> None:  # noqa: ANN001 - a Popen
    """Until ``store`` holds ``count`` pages, while the run ``proc`` is still going (it must not end first)."""
    deadline = time.monotonic() + timeout
    while stored_pages(store) < count:
        assert proc.poll() is None, "the crawl ended before it could be interrupted"
        assert time.monotonic() < deadline, f"{count} pages were not stored within {timeout:.0f} s"
        time.sleep(0.2)


def still_alive(pids: set[int], grace: float = 15) -> list[int]:
    """Those of ``pids`` still running after waiting up to ``grace`` seconds for them to exit."""
    deadline = time.monotonic() + grace
    while any(alive(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.2)
    return [pid for pid in pids if alive(pid)]
