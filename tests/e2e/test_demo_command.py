"""`govcrawl demo` as a new user runs it: twice on one data folder, and with its ports taken.

The demo serves on fixed ports so that a second run compares with the first as a nightly
run does; were the ports random, every finding of the second run would be "new" and the
first run's would stay open beside them (each finding twice).
"""

from __future__ import annotations

import json
import socket
import subprocess
from contextlib import ExitStack

import pytest

from govcrawl.cli import DEMO_PORTS, UsageError, _demo_server

from .conftest import GOVCRAWL

HOSTS = ("127.0.0.1", "127.0.0.2", "127.0.0.2")


def _demo(data, out) -> tuple[dict, str]:
    result = subprocess.run(
        [str(GOVCRAWL), "demo", "--no-browser", "--data", str(data), "--out", str(out), "--progress", "off"],
        capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads((out / "findings.json").read_text(encoding="utf-8")), result.stderr


def _free(host: str, port: int) -> bool:
    with socket.socket() as probe:
        try:
            probe.bind((host, port))
        except OSError:
            return False
        return True


def _hold(stack: ExitStack, host: str, port: int) -> None:
    sock = stack.enter_context(socket.socket())
    sock.bind((host, port))
    sock.listen()


def test_a_second_demo_on_the_same_data_folder_finds_the_same_problems_still_open(tmp_path):
    taken = [f"{h}:{p}" for h, p in zip(HOSTS, DEMO_PORTS, strict=True) if not _free(h, p)]
    assert not taken, f"the demo's fixed ports must be free for this test: {taken} are in use"
    first, first_err = _demo(tmp_path / "data", tmp_path / "one")
    second, second_err = _demo(tmp_path / "data", tmp_path / "two")
    assert "已被占用" not in first_err + second_err
    assert f"127.0.0.1:{DEMO_PORTS[0]}" in first_err  # where the portal was served, as the user reads it

    ids = [f["id"] for f in first["findings"]]
    assert len(ids) > 50 and {f["status"] for f in first["findings"]} == {"new"}
    assert sorted(f["id"] for f in second["findings"]) == sorted(ids)  # the same problems, not each twice
    assert {f["status"] for f in second["findings"]} == {"open"}
    assert second["summary"]["by_status"] == {"new": 0, "open": len(ids), "reopened": 0, "fixed": 0}


@pytest.mark.parametrize("busy", range(3))
def test_a_taken_demo_port_falls_back_to_free_ones_and_says_so(busy, capsys):
    with ExitStack() as stack:
        _hold(stack, HOSTS[busy], DEMO_PORTS[busy])
        server = _demo_server(serve=False)
        try:
            ports = {int(url.rsplit(":", 1)[1]) for url in (server.main, server.ext, server.refused)}
            assert not ports & set(DEMO_PORTS)
        finally:
            server.stop()
        # nothing of the failed attempt stays bound: the other fixed ports are free again
        assert all(_free(h, p) for i, (h, p) in enumerate(zip(HOSTS, DEMO_PORTS, strict=True)) if i != busy)
    assert "演示端口 8480/8481/8482 已被占用，改用空闲端口" in capsys.readouterr().err


def test_serve_with_a_taken_port_stops_with_a_clear_reason():
    with ExitStack() as stack:
        _hold(stack, HOSTS[0], DEMO_PORTS[0])
        with pytest.raises(UsageError, match="演示端口 8480/8481/8482 已被占用"):
            _demo_server(serve=True)
        assert _free(HOSTS[1], DEMO_PORTS[1]) and _free(HOSTS[2], DEMO_PORTS[2])


def test_serve_on_free_ports_serves_the_fixed_ones():
    server = _demo_server(serve=True)
    try:
        assert (server.main, server.ext, server.refused) == (
            "http://127.0.0.1:8480", "http://127.0.0.2:8481", "http://127.0.0.2:8482")
    finally:
        server.stop()
