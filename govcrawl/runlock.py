"""One run per site at a time: an advisory lock file beside the site's store.

A nightly cron job that overruns (a slow portal, a long browser pass) must not
start a second crawl of the same site writing the same store. The lock is an
``flock`` on ``data/SITE.lock``: the kernel releases it when the process dies,
however it dies (kill -9, power loss), so a lock left by a dead process is
never in the way — the file may remain, with the dead process's details, and
is simply taken over. The file records who holds it, for the error message.
"""

from __future__ import annotations

import fcntl
import json
import os
import time
from pathlib import Path


class SiteBusy(Exception):
    """Another live process is running this site; ``str()`` says which."""


class RunLock:
    def __init__(self, root: Path, site_id: str):
        self.path = Path(root) / f"{site_id}.lock"
        self.site_id = site_id
        self._fd: int | None = None

    def __enter__(self) -> RunLock:
        if self._fd is not None:  # adopted: held already
            return self
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _read(fd)
            os.close(fd)
            raise SiteBusy(
                f"站点 {self.site_id} 正在由另一个进程检查（PID {holder.get('pid', '?')}，"
                f"开始于 {holder.get('started', '?')}）；等它结束后再运行 / another run of this site is in progress"
            ) from None
        os.ftruncate(fd, 0)
        os.write(fd, json.dumps({"pid": os.getpid(), "started": time.strftime("%Y-%m-%d %H:%M:%S")}).encode())
        self._fd = fd
        return self

    @classmethod
    def adopt(cls, root: Path, site_id: str, fd: int) -> RunLock:
        """The lock this process already holds on ``fd``: taken before an ``exec`` (``govcrawl.restart``)."""
        lock = cls(root, site_id)
        os.set_inheritable(fd, False)
        lock._fd = fd
        return lock

    @property
    def fd(self) -> int | None:
        """The descriptor holding the lock while it is held."""
        return self._fd

    def __exit__(self, *exc: object) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None


def _read(fd: int) -> dict:
    try:
        os.lseek(fd, 0, os.SEEK_SET)
        return json.loads(os.read(fd, 4096) or b"{}")
    except (OSError, ValueError):
        return {}
