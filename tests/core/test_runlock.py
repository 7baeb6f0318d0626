"""One run per site: a live holder blocks a second run; a holder killed with SIGKILL does not."""

import os
import signal
import subprocess
import sys

import pytest

from govcrawl.runlock import RunLock, SiteBusy

HOLD = """
import sys, time
from pathlib import Path
from govcrawl.runlock import RunLock
with RunLock(Path(sys.argv[1]), "xq"):
    print("locked", flush=True)
    time.sleep(60)
"""


def test_busy_while_held_and_free_after_kill_9(tmp_path):
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(tmp_path)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        with pytest.raises(SiteBusy) as busy:
            with RunLock(tmp_path, "xq"):
                pass
        assert f"PID {holder.pid}" in str(busy.value)
        with RunLock(tmp_path, "other"):  # another site is not blocked
            pass
    finally:
        os.kill(holder.pid, signal.SIGKILL)
        holder.wait()
    with RunLock(tmp_path, "xq"):  # the dead holder's lock file is simply taken over
        assert (tmp_path / "xq.lock").read_text().count(str(os.getpid())) == 1
