"""The crawl process and its helpers (page workers, resource lane), each on the other end of one socket.

Why not ``multiprocessing``, as before (measured on the 5,000-page bench portal):

- a spawned child first re-imports the parent's ``__main__``, which for the
  ``govcrawl`` command is the whole CLI with its config models (pydantic):
  about 20 MiB in every helper that needs none of it;
- the first child started with the spawn method also starts multiprocessing's
  resource tracker (for the named semaphores of its queues and values): one
  more interpreter for the whole run (14 MiB);
- ``ProcessPoolExecutor`` moves each page through two threads of the crawl
  process (a manager and a queue feeder): 1.4 ms of CPU a page in the process
  that also runs Scrapy's engine.

Here a helper is ``python -P -c "from MODULE import FUNCTION; FUNCTION()" FD``
with one end of a ``socketpair`` as FD. Messages are pickles behind a 4-byte
length. The crawl side (``Channel``) is read and written by the crawl's own
event loop, without threads; a helper reads its end with plain blocking calls
(``receive``/``send``) or with asyncio streams (``read_message``). ``asyncio`` is
imported only where it is used: a page worker, which reads with plain calls,
is 3 MiB smaller without it and the ``ssl`` it loads (measured after its imports).

A helper learns that the crawl process died from end-of-file on its socket and
then exits at once, writing nothing more: a resumed run may be using the store.
"""

from __future__ import annotations

import os
import pickle
import select
import signal
import socket
import struct
import subprocess
import sys
import time
from collections import deque
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import asyncio

_HEADER = struct.Struct("!I")
ORPHANED = 70  # exit status of a helper whose crawl process went away (EX_SOFTWARE)


class HelperLost(RuntimeError):
    """The helper process ended (killed, crashed) before answering."""


class HelperFailed(RuntimeError):
    """The helper raised while handling a request; the message is its error."""


def frame(message: object) -> bytes:
    body = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    return _HEADER.pack(len(body)) + body


# -- helper side ----------------------------------------------------------------------------
def helper_socket(*, ignore_interrupt: bool = True) -> socket.socket:
    """This helper's end of the channel (its file descriptor is the last argument).

    SIGINT is ignored by default: a Ctrl+C reaches the whole process group, and
    the crawl process, which Scrapy stops cleanly, says when its helpers are done.
    """
    if ignore_interrupt:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    return socket.socket(fileno=int(sys.argv[-1]))


def _read_exactly(sock: socket.socket, size: int) -> bytes | None:
    data = bytearray()
    while len(data) < size:
        chunk = sock.recv(size - len(data))
        if not chunk:
            return None
        data += chunk
    return bytes(data)


def receive(sock: socket.socket) -> Any:
    """The next message, blocking; None at end-of-file (the crawl process is gone)."""
    header = _read_exactly(sock, _HEADER.size)
    if header is None:
        return None
    body = _read_exactly(sock, _HEADER.unpack(header)[0])
    return None if body is None else pickle.loads(body)


def send(sock: socket.socket, message: object) -> None:
    sock.sendall(frame(message))


async def read_message(reader: asyncio.StreamReader) -> Any:
    """The next message from an asyncio stream; None at end-of-file (or a reset: the other end is gone too)."""
    import asyncio

    try:
        header = await reader.readexactly(_HEADER.size)
        return pickle.loads(await reader.readexactly(_HEADER.unpack(header)[0]))
    except (asyncio.IncompleteReadError, ConnectionError):
        return None


def serve(sock: socket.socket, handlers: dict[str, Callable[..., Any]], last: str) -> None:
    """Answer requests ``(id, (name, args))`` with ``(id, ok, value)`` until ``last`` has been answered.

    End-of-file before that means the crawl process died: exit without
    running anything more (buffered pages are fetched again on resume).
    """
    while True:
        message = receive(sock)
        if message is None:
            os._exit(ORPHANED)
        ident, (name, args) = message
        try:
            reply = (ident, True, handlers[name](*args))
        except Exception as exc:  # noqa: BLE001 - the crawl decides what a failed request means
            reply = (ident, False, f"{exc.__class__.__name__}: {exc}")
        send(sock, reply)
        if name == last:
            return


# -- crawl side ---------------------------------------------------------------------------------
def start_helper(module: str, function: str, init: object,
                 pass_fds: tuple[int, ...] = ()) -> tuple[subprocess.Popen, socket.socket]:
    """Start ``module.function()`` in a fresh interpreter; send it ``init``; return it and our end.

    ``-P``: the working directory (cron's ``/``, a user's checkout) is not put on
    the helper's import path. ``pass_fds``: more descriptors the helper keeps
    (the crawl process's end of a lane hosted by its parent).
    """
    ours, theirs = socket.socketpair()
    try:
        process = subprocess.Popen(
            [sys.executable, "-P", "-c", f"from {module} import {function}; {function}()", str(theirs.fileno())],
            pass_fds=(theirs.fileno(), *pass_fds), stdin=subprocess.DEVNULL,
        )
    finally:
        theirs.close()
    send(ours, init)
    return process, ours


# Helpers started ahead of the channel that will serve them (``prestart``): (module, function, init, process, socket).
_prestarted: list[tuple[str, str, object, subprocess.Popen, socket.socket]] = []


def prestart(module: str, function: str, init: object, count: int = 1) -> None:
    """Start ``count`` helpers now, for the ``Channel``s that will ask for them with the same arguments later.

    Why: starting a process forks this one, and until the child has become the helper it shows
    all of this process's memory as its own. A crawl process that has imported Scrapy is ~80 MiB,
    and a memory sampler that caught that instant saw the run's peak at twice that (bench/RESULTS.md).
    Started before the crawl's imports, the copy is ~20 MiB, and the helper's own start-up
    overlaps theirs.
    """
    for _ in range(count):
        process, sock = start_helper(module, function, init)
        _prestarted.append((module, function, init, process, sock))


def _take_prestarted(module: str, function: str, init: object) -> tuple[subprocess.Popen, socket.socket] | None:
    for i, (mod, func, given, process, sock) in enumerate(_prestarted):
        if mod == module and func == function and given == init:
            del _prestarted[i]
            return process, sock
    return None


def discard_prestarted(timeout: float = 10.0) -> None:
    """Stop the helpers started ahead that no channel took (a crawl that failed before it needed them)."""
    while _prestarted:
        *_, process, sock = _prestarted.pop()
        sock.close()  # end-of-file: the helper exits without doing anything
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _closed_by_peer(sock: socket.socket, timeout: float) -> bool:
    """Whether the other end closes ``sock`` within ``timeout`` seconds (anything it still sends is dropped)."""
    deadline = time.monotonic() + timeout
    while (remaining := deadline - time.monotonic()) > 0:
        if not select.select([sock], [], [], remaining)[0]:
            return False
        try:
            if not sock.recv(1 << 16):
                return True
        except BlockingIOError:
            continue
        except OSError:
            return True
    return False


class Channel:
    """The crawl process's end of one helper: requests answered as futures, notices to a callback.

    Everything runs on the crawl's event loop (Scrapy's asyncio reactor): the
    socket is non-blocking, written as far as it takes and the rest when it is
    writable again, and read whenever it is readable. ``wait`` serves the
    socket synchronously for the few calls that cannot await (the spider's
    ``closed``, a fleet worker's idle flush).
    """

    def __init__(self, module: str, function: str, init: object,
                 on_notice: Callable[[Any], None] | None = None, sock: socket.socket | None = None):
        """``sock``: a helper that already runs elsewhere (a thread of the parent, ``LaneHost``) is on its
        other end; it gets ``init`` as its first message like a started one, and ``close`` waits for it
        to close its end instead of for a process to exit. Without, a helper ``prestart`` started with
        the same arguments is taken if there is one, else one is started now."""
        import asyncio

        if sock is None:
            self.process: subprocess.Popen | None
            self.process, self.sock = _take_prestarted(module, function, init) or start_helper(module, function, init)
        else:
            self.process, self.sock = None, sock
            send(sock, init)
        self.sock.setblocking(False)
        self.loop = asyncio.get_event_loop()
        self.on_notice = on_notice
        self.lost = False
        self._in = bytearray()
        self._backlog: deque[tuple] = deque()  # messages not yet sent, in order
        self._sending: memoryview | None = None  # the rest of the message being sent
        self._writing = False
        self._waiting: dict[int, asyncio.Future] = {}
        self._next = 0
        self.loop.add_reader(self.sock.fileno(), self._readable)

    def request(self, name: str, *args: object) -> asyncio.Future:
        """Ask the helper to run ``name(*args)``; the future gets its value, or HelperFailed / HelperLost."""
        future = self.loop.create_future()
        if self.lost:
            future.set_exception(HelperLost("helper process is gone"))
            return future
        ident = self._next
        self._next += 1
        self._waiting[ident] = future
        self._backlog.append((ident, (name, args)))
        self._pump()
        return future

    @property
    def pending(self) -> int:
        """Requests asked and not yet answered (sent or waiting to be)."""
        return len(self._waiting)

    def collect(self) -> None:
        """Take in the answers already in the socket now, not at the event loop's next turn.

        ``pending`` counts a request until its answer is read. In a busy process the
        loop reads only between callbacks, so answers can wait there while the helper
        idles, and ``pending`` says the helper is behind when it is not.
        """
        for _ in range(64):  # 64 KiB a read: a burst of answers, not a stream without end
            if self.lost or not self._readable():
                return

    def notify(self, name: str, *args: object) -> None:
        """Tell the helper something that needs no answer."""
        if not self.lost:
            self._backlog.append((None, (name, args)))
            self._pump()

    def wait(self, future: asyncio.Future, timeout: float) -> Any:
        """Serve the socket here, blocking, until ``future`` is done; its result (or its exception raised)."""
        deadline = time.monotonic() + timeout
        while not future.done():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError("helper did not answer in time")
            readable, writable, _ = select.select([self.sock], [self.sock] if self._writing else [], [], remaining)
            if writable:
                self._pump()
            if readable:
                self._readable()
        return future.result()

    def close(self, timeout: float = 10.0) -> int | None:
        """Stop serving the socket, wait for the helper to exit (killing it after ``timeout``); its exit code.

        A helper hosted elsewhere (no process here): 0 once it has closed its end, None if it has not
        within ``timeout`` (its socket is closed here all the same, which tells it to stop)."""
        self._detach()
        if self.process is None:
            ended = _closed_by_peer(self.sock, timeout)
            self.sock.close()
            return 0 if ended else None
        self.sock.close()
        try:
            return self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            return self.process.wait()

    # -- the socket -----------------------------------------------------------------------------
    def _pump(self) -> None:
        """Send what the socket takes now, one message after another; wait for it to be writable for the rest.

        Messages wait in the backlog as they are (a page's body is the response's
        own bytes) and are pickled only when it is their turn: when the crawl
        fetches faster than a worker parses, hundreds of pages wait, and pickled
        ahead they were one more copy of each (6 MB more in the crawl process on
        the 5,000-page bench portal).
        """
        while not self.lost:
            if self._sending is None:
                if not self._backlog:
                    break
                self._sending = memoryview(frame(self._backlog.popleft()))
            try:
                sent = self.sock.send(self._sending)
            except BlockingIOError:
                break
            except OSError:
                self._lose()
                return
            self._sending = self._sending[sent:] if sent < len(self._sending) else None
        waiting = self._sending is not None and not self.lost
        if waiting != self._writing:
            if waiting:
                self.loop.add_writer(self.sock.fileno(), self._pump)
            else:
                self.loop.remove_writer(self.sock.fileno())
            self._writing = waiting

    def _readable(self) -> bool:
        """Read what the socket holds (up to 64 KiB) and dispatch the whole answers; whether anything came."""
        try:
            data = self.sock.recv(1 << 16)
        except BlockingIOError:
            return False
        except OSError:
            data = b""
        if not data:
            self._lose()
            return False
        self._in += data
        while len(self._in) >= _HEADER.size:
            size = _HEADER.unpack_from(self._in)[0]
            end = _HEADER.size + size
            if len(self._in) < end:
                break
            message = pickle.loads(memoryview(self._in)[_HEADER.size:end])
            del self._in[:end]
            self._dispatch(message)
        return True

    def _dispatch(self, message: tuple) -> None:
        ident = message[0]
        if ident is None:
            if self.on_notice is not None:
                self.on_notice(message[1])
            return
        _, ok, value = message
        future = self._waiting.pop(ident, None)
        if future is None or future.done():
            return
        if ok:
            future.set_result(value)
        else:
            future.set_exception(HelperFailed(value))

    def _detach(self) -> None:
        if self.sock.fileno() >= 0:
            self.loop.remove_reader(self.sock.fileno())
            if self._writing:
                self.loop.remove_writer(self.sock.fileno())
                self._writing = False

    def _lose(self) -> None:
        """The helper is gone: every request still waiting fails with HelperLost."""
        if self.lost:
            return
        self.lost = True
        self._detach()
        self._backlog.clear()
        self._sending = None
        waiting, self._waiting = self._waiting, {}
        for future in waiting.values():
            if not future.done():
                future.set_exception(HelperLost("helper process is gone"))
