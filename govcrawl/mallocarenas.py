"""Threads of the check phase share glibc's malloc arenas instead of each growing its own.

glibc gives a thread that allocates while another holds the main arena an arena
of its own, up to eight per core, and memory freed in one arena serves only that
arena. The streamed check phase runs ~35 checks in threads side by side
(``SiteFacts.walk_together``); every one decodes pages and drops them, and each
arena kept its own high-water mark. Measured with ``govcrawl check`` of a stored
100,038-page run (bench/RESULTS.md): the check phase peaked at 507 MiB, and at
470 MiB when started with ``MALLOC_ARENA_MAX=2`` in the environment, the same
findings. Python objects of up to 512 bytes come from Python's own allocator and
are not concerned; what the arenas hold is the larger blocks (decompressed page
blobs, decoded JSON, SQLite rows).

``mallopt(M_ARENA_MAX, n)`` sets the same limit from inside the process. It
counts for arenas made after the call, so it is called before the check
threads start. Other C libraries (musl) ignore it or lack it: nothing happens.
"""

from __future__ import annotations

import ctypes

M_ARENA_MAX = -8  # glibc's malloc.h
ARENAS = 2  # one per core of the 2-core machines this is measured on; also what MALLOC_ARENA_MAX=2 gave

_done = False


def limit_malloc_arenas(arenas: int = ARENAS) -> bool:
    """Ask the C library for at most ``arenas`` malloc arenas; whether it accepted (False: not glibc)."""
    global _done
    if _done:
        return True
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return False
    mallopt.argtypes = (ctypes.c_int, ctypes.c_int)
    mallopt.restype = ctypes.c_int
    _done = bool(mallopt(M_ARENA_MAX, arenas))
    return _done


def release_free_memory() -> bool:
    """Give the C library's free heap pages back to the system (glibc ``malloc_trim(0)``); whether it could.

    A thread's allocations come from its own arena, and what it frees stays mapped there
    after it ends, for the next thread to reuse. The resource lane runs as a thread of the
    ``govcrawl`` process during the crawl (``crawler.linkstatus.LaneHost``); what it leaves
    would otherwise sit under the check phase that follows, the peak of a large run.
    """
    try:
        malloc_trim = ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):
        return False
    malloc_trim.argtypes = (ctypes.c_size_t,)
    malloc_trim.restype = ctypes.c_int
    malloc_trim(0)
    return True
