"""What a single-machine crawl process loads: not the fleet's Redis client (about 10 MiB of RSS)."""

from __future__ import annotations

import ast
import subprocess
import sys

CRAWL_MODULES = ("crawler.apart", "crawler.runner", "crawler.spiders.portal", "crawler.pipelines",
                 "crawler.download", "crawler.robots", "crawler.progress", "crawler.pageworker",
                 "crawler.linkstatus")


def _loaded(*names: str) -> list[str]:
    script = (f"import {', '.join(CRAWL_MODULES)}\n"
              "import sys\n"
              f"print(sorted(n for n in {names!r} if n in sys.modules))\n")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=True)
    return ast.literal_eval(result.stdout)


def test_a_single_machine_crawl_does_not_load_redis():
    assert _loaded("redis", "scrapy_redis", "crawler.fleet") == []


def test_the_probe_sees_what_is_loaded():
    """The same probe does see a module the crawl really imports (so the test above can fail)."""
    assert _loaded("scrapy", "lxml") == ["lxml", "scrapy"]
