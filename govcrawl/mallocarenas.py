"""Give the C library's free heap back to the system after a thread has ended (``release_free_memory``)."""

from __future__ import annotations

import ctypes


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
