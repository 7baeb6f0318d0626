"""CPU per HEAD request of the resource lane's two clients: aiohttp and ``crawler.headclient``.

Why: the lane asks ~18,000 HEADs at 5,000 pages from a thread of the crawling
process, whose GIL bounds a fast crawl; what one HEAD costs is crawl time. Run
from the project folder (needs nginx, as the crawl benchmarks do):

    .venv/bin/python bench/head_bench.py [--files 3000] [--rounds 5] [--concurrency 16]

nginx serves ``--files`` small files on 127.0.0.1; each round asks every one of
them once with each client, alternately, ``--concurrency`` at a time over kept
connections, as the lane does. Printed: CPU ms per request of this process
(user + system, ``resource.getrusage``) per round and the median of the rounds.
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import aiohttp  # noqa: E402
import crawl_bench as cb  # noqa: E402

from crawler.headclient import HeadClient  # noqa: E402

HEADERS = {"User-Agent": "govcrawl-bench (政务网站检查)", "Accept": "*/*"}


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


async def _with_aiohttp(urls: list[str], concurrency: int) -> list[int]:
    connector = aiohttp.TCPConnector(limit=256, limit_per_host=0, ttl_dns_cache=600)
    gate = asyncio.Semaphore(concurrency)
    async with aiohttp.ClientSession(connector=connector, headers=HEADERS, auto_decompress=False,
                                     cookie_jar=aiohttp.DummyCookieJar()) as session:
        timeout = aiohttp.ClientTimeout(total=30)

        async def one(url: str) -> int:
            async with gate, session.request("HEAD", url, allow_redirects=True, max_redirects=11,
                                             timeout=timeout) as resp:
                return resp.status

        return await asyncio.gather(*(one(u) for u in urls))


async def _with_headclient(urls: list[str], concurrency: int) -> list[int]:
    client = HeadClient(HEADERS)
    gate = asyncio.Semaphore(concurrency)

    async def one(url: str) -> int:
        async with gate:
            return (await client.head(url, 30)).status

    try:
        return await asyncio.gather(*(one(u) for u in urls))
    finally:
        client.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=3000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--concurrency", type=int, default=16)
    args = parser.parse_args(argv)
    site = cb.WORK / "heads" / "site"
    site.mkdir(parents=True, exist_ok=True)
    (site / "index.html").write_text("<html><body>heads</body></html>", encoding="utf-8")  # nginx's ready check
    for i in range(args.files):
        path = site / f"{i % 50:02d}" / f"P{i:06d}.pdf"
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(b"%PDF-1.4\n" + b"x" * (i % 997))
    nginx = cb.Nginx(cb.find_nginx(), site, (cb.WORK / "heads" / "nginx").resolve())
    nginx.start()
    try:
        urls = [f"{nginx.base}{i % 50:02d}/P{i:06d}.pdf" for i in range(args.files)]
        clients = {"aiohttp": _with_aiohttp, "crawler.headclient": _with_headclient}
        costs: dict[str, list[float]] = {name: [] for name in clients}
        for round_no in range(1, args.rounds + 1):
            for name, client in clients.items():
                before = _cpu()
                statuses = asyncio.run(client(urls, args.concurrency))
                costs[name].append(1000 * (_cpu() - before) / len(urls))
                if set(statuses) != {200}:
                    raise SystemExit(f"{name}: unexpected statuses {sorted(set(statuses))}")
                print(f"round {round_no}: {name:20} {costs[name][-1]:.3f} CPU ms per HEAD", flush=True)
    finally:
        nginx.stop()
    print(f"\n{args.files} HEADs a round, {args.concurrency} at a time, median of {args.rounds} rounds:")
    for name, values in costs.items():
        print(f"  {name:20} {statistics.median(values):.3f} CPU ms per HEAD")
    lean, aio = statistics.median(costs["crawler.headclient"]), statistics.median(costs["aiohttp"])
    print(f"  saved per HEAD: {aio - lean:.3f} ms ({100 * (aio - lean) / aio:.0f} %)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
