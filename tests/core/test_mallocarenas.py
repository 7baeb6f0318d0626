"""What a finished thread freed goes back to the system (govcrawl.mallocarenas)."""

from __future__ import annotations

import subprocess
import sys


def test_what_a_finished_thread_freed_goes_back_to_the_system():
    """The hosted resource lane's case (crawler.apart): a thread allocates, frees and ends; the trim returns its pages.

    In a fresh interpreter: a thread allocates ~60 MB in 4 KB blocks (malloc, not Python's small-object
    allocator), keeps one block in 64 so the freed ones are holes glibc does not give back by itself, and ends.
    """
    code = (
        "import threading\n"
        "from govcrawl.mallocarenas import release_free_memory\n"
        "def rss():\n"
        "    return int(open('/proc/self/status').read().split('VmRSS:')[1].split()[0]) // 1024\n"
        "kept = []\n"
        "def work():\n"
        "    blocks = [bytes(4000) + bytes([n % 256]) for n in range(15000)]\n"
        "    kept.extend(blocks[::64])\n"
        "thread = threading.Thread(target=work)\n"
        "thread.start()\n"
        "thread.join()\n"
        "before = rss()\n"
        "print(release_free_memory(), before - rss())\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    done, freed_mib = out.stdout.split()
    assert done == "True"
    assert int(freed_mib) >= 30, out.stdout
