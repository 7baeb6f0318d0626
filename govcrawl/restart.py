"""``govcrawl run`` checks in a fresh image of its own process once its crawl is done (``exec``).

The crawl leaves Scrapy, Twisted, the spider's seen URLs and a heap fragmented by a
night of responses in the process that ran it, and the check phase that follows holds
every page: started from that, it would be the peak of a large run. ``crawler.apart``
avoids it by crawling in a child while the ``govcrawl`` process waits, but the waiting
process still holds its own imports, the config and the resource lane (68 MiB of the
226 at 5,000 pages, bench/RESULTS.md): three processes where two do the work.

Here the ``govcrawl`` process crawls itself, then replaces its image with a fresh run of
the same command line (``os.execv`` of ``sys.orig_argv``): same PID, same process group,
same terminal, so a scheduler, ``kill`` or Ctrl+C see one process from start to end, and
the check phase starts from an interpreter that never loaded Scrapy. What crosses the
``exec`` is the run's id, in the store already (status ``crawled``), and the site's run
lock, whose descriptor stays open (an ``flock`` belongs to the open file, which survives
``exec``), so no other run of the site can slip in between. Both go in one environment
variable, which the new image takes out of its environment before anything else runs, so
that no helper process inherits it.

Only the command line restarts itself (``govcrawl.cli.command``); ``main()`` called as a
library (tests, the demo, whose portal is served by threads of that process) keeps the
crawl in a child process.
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path

ENV = "GOVCRAWL_CHECK_PHASE_OF"


@dataclass(frozen=True)
class Continuation:
    """The run the previous image crawled, and the descriptor of the site's run lock it held."""

    site_id: str
    run_id: str
    lock_fd: int

    def holds(self, site_id: str, lock_path: Path) -> bool:
        """Whether the descriptor is ``site_id``'s lock file itself, still open (same device and inode).

        Only then is it adopted as held; otherwise the lock is taken as on any start, so
        nothing runs unlocked on the word of an environment variable.
        """
        if self.site_id != site_id:
            return False
        try:
            held, wanted = os.fstat(self.lock_fd), os.stat(lock_path)
        except OSError:
            return False
        return (held.st_dev, held.st_ino) == (wanted.st_dev, wanted.st_ino)


def restart_for_checks(site_id: str, run_id: str, lock_fd: int) -> None:
    """Replace this process by a fresh run of its own command line, which checks ``run_id``.

    Returns only when ``exec`` failed (the caller then checks in this process: slower
    to start from, never wrong); the environment is left as it was.
    """
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass
    os.environ[ENV] = json.dumps({"site": site_id, "run": run_id, "lock_fd": lock_fd})
    try:
        os.set_inheritable(lock_fd, True)
        os.execv(sys.executable, sys.orig_argv)
    except OSError:
        os.environ.pop(ENV, None)
        os.set_inheritable(lock_fd, False)


def take_continuation() -> Continuation | None:
    """The run this image is to check, taken out of the environment; None for an ordinary start.

    Called first thing by ``govcrawl.cli.main``, whatever the command, so the variable reaches no
    helper process. ``Continuation.holds`` then says whether it is to be trusted.
    """
    raw = os.environ.pop(ENV, None)
    if raw is None:
        return None
    try:
        data = json.loads(raw)
        return Continuation(str(data["site"]), str(data["run"]), int(data["lock_fd"]))
    except (ValueError, KeyError, TypeError):
        return None
