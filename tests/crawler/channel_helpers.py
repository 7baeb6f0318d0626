"""A helper process for tests/crawler/test_channel.py (started as ``from … import echo_serve``)."""

from __future__ import annotations

import os
import sys

from crawler import channel


def echo_serve() -> None:
    sock = channel.helper_socket()
    init = channel.receive(sock)

    def boom(text: str) -> None:
        raise ValueError(text)

    def die() -> None:
        os._exit(3)

    handlers = {
        "echo": lambda value: (init, value),
        "length": len,
        "boom": boom,
        "die": die,
        "modules": lambda *names: sorted(name for name in names if name in sys.modules),
        "close": lambda: "bye",
    }
    channel.serve(sock, handlers, last="close")
