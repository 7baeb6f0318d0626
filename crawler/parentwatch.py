"""Helper processes die with the crawl.

The page workers and the resource lane are children of the crawl process. If
that process is killed (kill -9, the OOM killer, a lost SSH session), Python
runs no clean-up and the children would live on as orphans, still writing
facts of a run that a resumed crawl is now continuing. Each child therefore
watches its parent and exits as soon as it has been re-parented.
"""

from __future__ import annotations

import os
import threading
import time


def watch_parent(interval: float = 0.5) -> None:
    """Start a daemon thread that ends this process soon after its parent dies."""
    parent = os.getppid()

    def watch() -> None:
        while True:
            time.sleep(interval)
            if os.getppid() != parent:
                os._exit(70)  # EX_SOFTWARE: nothing to flush that a resumed run would trust

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


class GroupReaper:
    """Kills process groups (and removes their temp folders) when the crawl process dies.

    Chromedriver runs in its own session so a hung browser can be killed as a
    group; but then nothing ends it when the crawl itself is killed, and an
    orphan Chromium holds a core for ever. The reaper is a tiny process whose
    stdin is a pipe from the crawl: the crawl registers each group, and when
    the pipe reaches end-of-file — the crawl exited or was killed, however —
    the reaper kills every group still registered and removes its folder.
    """

    def __init__(self) -> None:
        import subprocess
        import sys

        self.process = subprocess.Popen(
            [sys.executable, "-m", "crawler.parentwatch"], stdin=subprocess.PIPE, start_new_session=True,
            text=True,
        )
        self._lock = threading.Lock()

    def _say(self, line: str) -> None:
        with self._lock:
            try:
                self.process.stdin.write(line + "\n")
                self.process.stdin.flush()
            except (BrokenPipeError, ValueError):  # the reaper is gone: nothing more it can do for us
                pass

    def add(self, pgid: int, folder: str | None = None) -> None:
        self._say(f"+{pgid} {folder or ''}".rstrip())

    def remove(self, pgid: int) -> None:
        self._say(f"-{pgid}")

    def close(self) -> None:
        with self._lock:
            if self.process.stdin and not self.process.stdin.closed:
                self.process.stdin.close()
        try:
            self.process.wait(10)
        except Exception:
            self.process.kill()


def _reap_on_eof() -> None:
    import shutil
    import signal
    import sys

    groups: dict[int, str] = {}
    for line in sys.stdin:
        line = line.strip()
        if line.startswith("+"):
            pgid, _, folder = line[1:].partition(" ")
            groups[int(pgid)] = folder
        elif line.startswith("-"):
            groups.pop(int(line[1:]), None)
    for pgid, folder in groups.items():
        try:
            os.killpg(pgid, signal.SIGKILL)
        except OSError:
            pass
        if folder:
            time.sleep(0.2)  # let the killed browser release its profile files
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    _reap_on_eof()
