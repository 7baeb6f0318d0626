"""``govcrawl run`` checks in a fresh image of its own process once its crawl is done (``exec``).

The crawl leaves Scrapy, Twisted, the spider's seen URLs and a heap fragmented by a
night of responses in the process that ran it, and the check phase that follows holds
every page: started from that, it would be the peak of a large run. ``crawler.apart``
avoids it by crawling in a child while the ``govcrawl`` process waits, but the waiting
process still holds its own imports, the config and the resource lane (68 MiB of the
226 at 5,000 pages, bench/RESULTS.md): three processes where two do the work.

Here the ``govcrawl`` process crawls itself (in an image of its own, below), then replaces
its image with a fresh run of the command line it started with (``os.execv`` of
``sys.orig_argv``): same PID, same process group, same terminal, so a scheduler, ``kill``
or Ctrl+C see one process from start to end, and the check phase starts from an
interpreter that never loaded Scrapy. What crosses the
``exec`` is the run's id, in the store already (status ``crawled``), and the site's run
lock, whose descriptor stays open (an ``flock`` belongs to the open file, which survives
``exec``), so no other run of the site can slip in between. Both go in one environment
variable, which the new image takes out of its environment before anything else runs, so
that no helper process inherits it.

The crawl itself runs in an image of its own too, between the two (``start_crawl_image``):
the CLI, once it has opened the run, hands the crawl's plan to ``python -P -c`` running
``govcrawl.crawlphase.crawl_image``, which never imports the CLI or the config models
(9.6 MiB of the crawl phase's imports, the peak of a 5,000-page run: bench/RESULTS.md). The plan
is a pickle in an anonymous memory file (``memfd_create``) whose descriptor, with the
lock's, is named in a second variable; the crawl image hands back to the command line
the CLI started with, naming the run, the lock and, when the crawl failed or was
interrupted, what to report. So a ``govcrawl run`` is three images of one process.
If the crawl image cannot be started, the CLI crawls in its own image, as before. If the
CLI cannot be started again, the crawl image says so and exits: the run is stored as
``crawled``, and the same command resumes it straight into its checks.

Only the command line restarts itself (``govcrawl.cli.command``); ``main()`` called as a
library (tests, the demo, whose portal is served by threads of that process) keeps the
crawl in a child process.
"""

from __future__ import annotations

import json
import os
import pickle
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ENV = "GOVCRAWL_CHECK_PHASE_OF"
HANDOFF_ENV = "GOVCRAWL_CRAWL_PHASE_OF"
_PLAN_FILE = "govcrawl-crawl-plan"  # the memory file's name, as /proc shows it ("/memfd:NAME (deleted)")
CRAWL_IMAGE = "from govcrawl.crawlphase import crawl_image; crawl_image()"


@dataclass(frozen=True)
class Continuation:
    """The run the previous image crawled, and the descriptor of the site's run lock it held."""

    site_id: str
    run_id: str
    lock_fd: int
    error: dict | None = None  # the crawl's failure to report (``govcrawl.crawlphase.crawl_error``), if any

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


def _flush() -> None:
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass


def restart_for_checks(site_id: str, run_id: str, lock_fd: int, *, argv: list[str] | None = None,
                       error: dict | None = None) -> None:
    """Replace this process by a fresh run of the command line, which checks ``run_id`` (or reports ``error``).

    ``argv``: the command line to run, by default this image's own (the crawl image passes on
    the one the CLI started with). Returns only when ``exec`` failed; the environment is then
    left as it was.
    """
    _flush()
    os.environ[ENV] = json.dumps({"site": site_id, "run": run_id, "lock_fd": lock_fd, "error": error})
    try:
        os.set_inheritable(lock_fd, True)
        os.execv(sys.executable, argv or sys.orig_argv)
    except OSError:
        os.environ.pop(ENV, None)
        os.set_inheritable(lock_fd, False)


@dataclass(frozen=True)
class Handoff:
    """What the crawl image gets from the CLI: the crawl's plan, the command line to go back to, the lock."""

    plan: dict[str, Any]
    argv: list[str]
    lock_fd: int


def start_crawl_image(plan: dict[str, Any], lock_fd: int, label: str) -> None:
    """Replace this process by the crawl image (``govcrawl.crawlphase.crawl_image``), handing it ``plan``.

    ``label`` follows the code on the new command line, for ``ps`` and ``pgrep`` to show what
    the process is. Returns only when the crawl image could not be started (no memory files on
    this system, ``exec`` failing); the caller then crawls in this image.
    """
    memfd_create = getattr(os, "memfd_create", None)
    if memfd_create is None:
        return
    try:
        fd = memfd_create(_PLAN_FILE, 0)
    except OSError:
        return
    try:
        os.set_inheritable(fd, True)  # the descriptor survives exec
        with open(fd, "wb", closefd=False) as out:
            pickle.dump({"plan": plan, "argv": list(sys.orig_argv)}, out, protocol=pickle.HIGHEST_PROTOCOL)
        os.lseek(fd, 0, os.SEEK_SET)
        _flush()
        os.environ[HANDOFF_ENV] = json.dumps({"fd": fd, "lock_fd": lock_fd})
        os.set_inheritable(lock_fd, True)
        os.execv(sys.executable, [sys.executable, "-P", "-c", CRAWL_IMAGE, "govcrawl", "run", label])
    except OSError:
        os.environ.pop(HANDOFF_ENV, None)
        os.set_inheritable(lock_fd, False)
    finally:
        os.close(fd)  # reached only when exec failed


def take_handoff() -> Handoff | None:
    """The plan the CLI handed to this crawl image, taken out of the environment; None if there is none.

    The descriptor is read only if it is the CLI's memory file (its name in /proc), so the crawl
    image never unpickles whatever some other descriptor named in a hand-set variable holds.
    """
    raw = os.environ.pop(HANDOFF_ENV, None)
    if raw is None:
        return None
    try:
        data = json.loads(raw)
        fd, lock_fd = int(data["fd"]), int(data["lock_fd"])
        if not os.readlink(f"/proc/self/fd/{fd}").startswith(f"/memfd:{_PLAN_FILE}"):
            return None
        with open(fd, "rb") as source:
            payload = pickle.load(source)
        return Handoff(payload["plan"], list(payload["argv"]), lock_fd)
    except (OSError, ValueError, KeyError, TypeError, EOFError, pickle.UnpicklingError):
        return None


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
        error = data.get("error")
        if error is not None and not (isinstance(error, dict) and all(isinstance(error.get(key), str)
                                                                       for key in ("kind", "message"))):
            return None
        return Continuation(str(data["site"]), str(data["run"]), int(data["lock_fd"]), error)
    except (ValueError, KeyError, TypeError, AttributeError):
        return None
