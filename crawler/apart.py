"""The crawl in a process of its own, so that what it leaves behind is gone before the checks start.

``govcrawl run`` crawls, then checks and reports. Done in one process, the
check phase started from everything the crawl left in it: Scrapy, Twisted and
lxml loaded, the spider's set of seen URLs and a heap fragmented by a night of
responses. Measured on a 20,000-page portal, the crawl process held 169 MiB
when the crawl ended (146 after ``gc`` and ``malloc_trim``) against 67 MiB for
a fresh process with the checks imported, and the difference grows with the
portal. The check phase is the peak of a large run, so that leftover was
added to the peak. Here the crawl runs in a spawned child that exits when it
is done; the parent, which only read the config and opened the run, waits,
and serves the crawl's resource lane from a thread meanwhile
(``crawler.linkstatus.LaneHost``).

The ``govcrawl`` command does without the waiting parent: it replaces its image
with a crawl image, which crawls in the process itself (``run_crawl_here``), and
then with a fresh CLI for the checks (``govcrawl.restart``). A child is for
``main()`` called as a library, whose process is not its own to replace.

Signals. The child stays in the parent's process group, so whatever kills or
stops the group (a terminal's Ctrl+C, ``kill -- -PGID``, a supervisor) reaches
the crawl and its helpers at once, as it did when they were one process. A
signal sent to the ``govcrawl`` process alone (``kill PID``, systemd with
``KillMode=mixed``, cron's ``timeout``) is passed on to the crawl once: Scrapy
stops cleanly on the first SIGINT or SIGTERM and forces on the second, so the
parent does not pass on a Ctrl+C typed in its terminal, which the crawl got
too. A SIGTERM sent to the whole group reaches the crawl twice: Scrapy then
stops at once, and the run stays resumable, as after a kill. If the parent is
killed outright the child notices and exits (``crawler.parentwatch``), and its
page workers after it.
"""

from __future__ import annotations

import os
import pickle
import select
import signal
import socket
import subprocess
import threading
from typing import Any

_FORWARDED = (signal.SIGINT, signal.SIGTERM)


class CrawlProcessDied(RuntimeError):
    """The crawl process ended without a result (killed, out of memory, crashed)."""


def run_crawl_apart(site: Any, host_lane: bool = True, **kwargs: Any) -> dict:
    """``crawler.runner.run_crawl(site, **kwargs)`` in a child process; its stats, or the exception it raised.

    The child is a fresh interpreter on a socket (``crawler.channel``), not a
    multiprocessing child: that would re-import the CLI in it and start
    multiprocessing's resource tracker, one more process for the whole run.
    ``host_lane``: the resource lane runs as a thread of this process while it
    waits (``crawler.linkstatus.LaneHost``); False: the crawl starts it as a
    process of its own, whose imports then never reach this process.
    """
    from crawler.channel import start_helper
    from crawler.plainsite import plain_site

    kwargs["site"] = plain_site(site)  # unpickled without pydantic in the child
    lane = None
    if host_lane:  # imported only then: the lane module loads asyncio and the model
        from crawler.linkstatus import LaneHost

        lane = LaneHost()
        kwargs["lane_fd"] = lane.child_fd
    try:
        child, ours = start_helper("crawler.apart", "_crawl_child", kwargs,
                                   pass_fds=(lane.child_fd,) if lane is not None else ())
    finally:
        if lane is not None:
            lane.started()
    restore = _forward_signals(child) if threading.current_thread() is threading.main_thread() else {}
    try:
        result = _wait(ours, child)
    finally:
        for signum, handler in restore.items():
            signal.signal(signum, handler)
        ours.close()
        child.wait()
        # Ended with the crawl process: it waited for the lane's last answer, or its end closed the lane's socket.
        if lane is not None and lane.join(timeout=60):
            import gc

            from govcrawl.mallocarenas import release_free_memory

            gc.collect()
            release_free_memory()  # what the lane thread freed, before the check phase builds on it
    if result is None:
        raise CrawlProcessDied(f"抓取进程意外退出（退出码 {child.returncode}），已抓取的页面已保存；再次运行同一命令即可继续"
                               f" / the crawl process died (exit code {child.returncode})")
    kind, value = result
    if kind == "error":
        raise value
    return value


def run_crawl_here(site: Any, host_lane: bool = True, **kwargs: Any) -> dict:
    """``crawler.runner.run_crawl`` in this process, its resource lane a thread beside it.

    For a process that replaces itself once the crawl is done (``govcrawl.restart``), so
    that nothing the crawl leaves behind reaches the check phase; no child to wait for.
    The crawl closes its end of the lane's socket when it ends: the lane then writes its
    last answers and stops, and is waited for here. ``host_lane`` False: the crawl starts
    the lane as a process of its own, with a core and a GIL to itself, as a large site needs.
    """
    from crawler.plainsite import plain_site
    from crawler.runner import run_crawl

    if not host_lane:
        return run_crawl(site=plain_site(site), **kwargs)
    from crawler.linkstatus import LaneHost

    lane = LaneHost()
    kwargs["lane_fd"] = os.dup(lane.child_fd)  # the crawl's socket owns its descriptor; the host closes its own
    lane.started()
    try:
        return run_crawl(site=plain_site(site), **kwargs)
    finally:
        # An ended crawl has waited for its lane's last answer; one that failed early may never have opened it.
        if not lane.join(timeout=5):
            lane.stop()
            lane.join(timeout=60)


def _wait(ours: socket.socket, child: subprocess.Popen) -> tuple[str, Any] | None:
    """The child's one message, or None when it ended without sending one."""
    from crawler.channel import receive

    while True:
        readable, _, _ = select.select([ours], [], [], 0.5)  # a forwarded signal does not end it (PEP 475)
        if readable:
            try:
                return receive(ours)
            except (EOFError, OSError, pickle.UnpicklingError):
                return None
        if child.poll() is not None:
            return None


def _forward_signals(child: subprocess.Popen) -> dict:
    """Pass SIGINT and SIGTERM on to the child while it runs; the handlers they replace, to restore."""

    def forward(signum: int, frame: object) -> None:
        if signum == signal.SIGINT and _typed_in_our_terminal():
            return  # the terminal sent it to the whole foreground group: the crawl has it already
        if child.poll() is None:
            try:
                os.kill(child.pid, signum)
            except ProcessLookupError:
                pass

    return {signum: signal.signal(signum, forward) for signum in _FORWARDED}


def _typed_in_our_terminal() -> bool:
    """Whether this process group is the foreground of a terminal: then a SIGINT came from a Ctrl+C there."""
    for fd in (0, 1, 2):
        try:
            if os.isatty(fd):
                return os.tcgetpgrp(fd) == os.getpgrp()
        except OSError:
            continue
    return False


def _crawl_child() -> None:
    """The child: read the arguments, crawl, send the stats (or the exception) back, exit.

    Unlike the crawl's own helpers it keeps SIGINT: Scrapy stops cleanly on it.
    """
    from crawler import channel
    from crawler.parentwatch import watch_parent

    watch_parent()
    sock = channel.helper_socket(ignore_interrupt=False)
    kwargs = channel.receive(sock)
    if kwargs is None:
        os._exit(channel.ORPHANED)
    try:
        from crawler.runner import run_crawl

        message: tuple[str, Any] = ("stats", _picklable(run_crawl(**kwargs)))
    except BaseException as exc:  # noqa: BLE001 - every failure goes back to the parent, which reports it
        message = ("error", exc if _can_pickle(exc) else RuntimeError(f"{type(exc).__name__}: {exc}"))
    channel.send(sock, message)
    sock.close()


def _can_pickle(value: object) -> bool:
    try:
        pickle.loads(pickle.dumps(value))
    except Exception:  # noqa: BLE001 - any failure means: send it as text
        return False
    return True


def _picklable(stats: dict) -> dict:
    """Scrapy's stats with any value that cannot cross the pipe as its text."""
    return {key: value if _can_pickle(value) else str(value) for key, value in stats.items()}
