"""The availability probe against a real local server: verdicts, timings, and the deadline held.

Every test talks to 127.0.0.1 only. Timeouts are short (about 1 s) so that the
deadline is exercised without waiting the real 15 s; each probe's wall time is
measured, because "never much longer than the timeout" is the promise cron
relies on.
"""

from __future__ import annotations

import contextlib
import gzip
import socket
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from crawler import probe
from crawler.probe import judge_page, probe_site, probe_url

TIMEOUT = 1.0
BOUND = TIMEOUT + 1.5  # the brief's ceiling for any probe, in seconds

NEWS = "".join(
    f'<li><a href="/xwdt/{n}.html">兴庆区召开第{n}次常务会议 研究部署重点工作</a><span>2023-10-{n % 28 + 1:02d}</span></li>'
    for n in range(40)
)
NAV = "".join(f'<a href="/col{n}/">栏目{n}</a>' for n in range(25))
FOOTER = "<p>主办：银川市兴庆区人民政府办公室 地址：宁夏银川市兴庆区解放东街 电话：0951-1234567 网站标识码6401040001</p>"


def homepage(extra_news: str = "", headline: str = "") -> str:
    return (
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>银川市兴庆区人民政府</title></head><body>"
        f"<div class='nav'>{NAV}</div>{headline}<h2>政务动态</h2><ul>{extra_news}{NEWS}</ul>"
        "<h2>通知公告</h2><p>为进一步优化营商环境，兴庆区持续推进“放管服”改革，各部门要按照要求做好相关工作。</p>"
        f"{FOOTER}</body></html>"
    )


PAGES: dict[str, tuple[int, dict[str, str], bytes]] = {
    "/utf8": (200, {"Content-Type": "text/html; charset=utf-8"}, homepage().encode()),
    "/gbk": (
        200,
        {"Content-Type": "text/html; charset=gbk"},
        homepage().replace("charset='utf-8'", "charset='gbk'").encode("gbk"),
    ),
    "/500": (500, {"Content-Type": "text/html"}, b"<h1>Internal Server Error</h1>"),
    "/404": (404, {"Content-Type": "text/html"}, "<title>页面不存在</title>".encode()),
    "/maintenance": (
        200,
        {"Content-Type": "text/html; charset=utf-8"},
        "<html><head><title>银川市兴庆区人民政府</title></head><body><div class='box'>"
        "<p>尊敬的用户：网站维护中，预计今日18:00恢复访问，给您带来不便敬请谅解。</p></div></body></html>".encode(),
    ),
    "/maintenance-title": (
        200,
        {"Content-Type": "text/html; charset=utf-8"},
        f"<html><head><title>系统升级维护</title></head><body>{NAV}{FOOTER}</body></html>".encode(),
    ),
    "/soft404": (
        200,
        {"Content-Type": "text/html; charset=utf-8"},
        "<html><head><title>银川市兴庆区人民政府</title></head><body>"
        "<div class='error'>抱歉，您访问的页面不存在或已被删除！</div><a href='/'>返回首页</a></body></html>".encode(),
    ),
    "/soft404-title": (
        200,
        {"Content-Type": "text/html; charset=utf-8"},
        f"<html><head><title>404 Not Found</title></head><body>{NAV}{NEWS}</body></html>".encode(),
    ),
    "/bad-gateway": (200, {"Content-Type": "text/html"}, b"<html><body><h1>502 Bad Gateway</h1><hr>nginx</body></html>"),
    "/blank": (200, {"Content-Type": "text/html; charset=utf-8"}, b""),
    "/blank-whitespace": (200, {"Content-Type": "text/html"}, b"<html><head><title></title></head><body>\n  &nbsp; </body></html>"),
    "/app-shell": (
        200,
        {"Content-Type": "text/html"},
        b"<html><body><div id='app'></div><script src='/js/app.js'></script></body></html>",
    ),
    "/lookalike-maintenance": (
        200,
        {"Content-Type": "text/html; charset=utf-8"},
        homepage(
            extra_news='<li><a href="/tzgg/1.html">关于系统维护的通知</a></li>',
            headline="<h1>关于网站改版升级的公告</h1><p>本站将于11月1日进行系统维护，暂停访问2小时。</p>",
        ).encode(),
    ),
    "/lookalike-404": (
        200,
        {"Content-Type": "text/html; charset=utf-8"},
        homepage(extra_news='<li><a href="/help/404.html">404错误页面说明</a></li>').encode(),
    ),
    "/redirect-once": (302, {"Location": "/utf8"}, b""),
    "/loop-a": (302, {"Location": "/loop-b"}, b""),
    "/loop-b": (301, {"Location": "/loop-a"}, b""),
    "/meta-stub": (
        200,
        {"Content-Type": "text/html"},
        b"<html><head><meta http-equiv='Refresh' content='0; url=/gbk'></head><body></body></html>",
    ),
    "/js-stub": (200, {"Content-Type": "text/html"}, b"<script>window.location.href = '/utf8';</script>"),
    "/gzip": (
        200,
        {"Content-Type": "text/html; charset=utf-8", "Content-Encoding": "gzip"},
        gzip.compress(homepage().encode()),
    ),
    "/huge": (200, {"Content-Type": "text/html; charset=utf-8"}, homepage().encode() + b"<p>x</p>" * 400_000),
}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        if self.path.startswith("/chain/"):
            hop = int(self.path.rsplit("/", 1)[1])
            self._send(302, {"Location": f"/chain/{hop + 1}"} if hop < 12 else {}, b"")
        elif self.path == "/slow":
            time.sleep(TIMEOUT * 3)
            with contextlib.suppress(OSError):  # the probe has long hung up
                self._send(200, {"Content-Type": "text/html"}, homepage().encode())
        elif self.path == "/trickle":
            self._trickle()
        elif self.path in PAGES:
            self._send(*PAGES[self.path])
        else:
            self._send(404, {}, b"")

    def _send(self, status: int, headers: dict[str, str], body: bytes) -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _trickle(self) -> None:
        """Each byte well within any socket timeout, the whole far beyond the deadline."""
        body = homepage().encode()[:40]
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.flush()
        try:
            for byte in body:
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
                time.sleep(0.2)
        except OSError:
            pass  # the probe hung up at its deadline, as it should


@pytest.fixture(scope="module")
def base() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def dead_port() -> Iterator[int]:
    """A port bound but not listening: connecting to it is refused."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    yield sock.getsockname()[1]
    sock.close()


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A port that accepts connections (kernel backlog) and never says a word."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    yield sock.getsockname()[1]
    sock.close()


def timed(call: Callable[[], probe.ProbeResult]) -> tuple[probe.ProbeResult, float]:
    start = time.monotonic()
    result = call()
    return result, time.monotonic() - start


def run(url: str, timeout: float = TIMEOUT) -> probe.ProbeResult:
    result, wall = timed(lambda: probe_url(url, timeout=timeout))
    assert wall <= timeout + 1.5, (url, wall)
    assert result.total_ms is not None and result.total_ms <= (timeout + 1.5) * 1000
    if result.ttfb_ms is not None:
        assert 0 <= result.ttfb_ms <= result.total_ms
    assert result.ok is (result.kind == "ok")
    return result


@pytest.mark.parametrize("path", ["/utf8", "/gbk", "/gzip", "/lookalike-maintenance", "/lookalike-404", "/app-shell"])
def test_real_pages_are_ok(base, path):
    result = run(base + path)
    assert (result.kind, result.ok, result.status, result.reason) == ("ok", True, 200, "")
    assert result.final_url == base + path
    assert result.size > 0 and result.ttfb_ms is not None


def test_redirect_once_then_ok_records_the_final_url(base):
    result = run(base + "/redirect-once")
    assert (result.kind, result.status, result.final_url) == ("ok", 200, base + "/utf8")


@pytest.mark.parametrize(("path", "final"), [("/meta-stub", "/gbk"), ("/js-stub", "/utf8")])
def test_redirect_stubs_are_followed(base, path, final):
    result = run(base + path)
    assert (result.kind, result.final_url) == ("ok", base + final)


def test_body_past_the_cap_is_loaded_not_failed(base):
    result = run(base + "/huge", timeout=5.0)
    assert result.kind == "ok"
    assert probe.BODY_CAP <= result.size < probe.BODY_CAP + probe.CHUNK


@pytest.mark.parametrize(
    ("path", "kind", "words"),
    [
        ("/500", "http-error", "HTTP 500"),
        ("/404", "http-error", "HTTP 404"),
        ("/maintenance", "maintenance", "网站维护"),
        ("/maintenance-title", "maintenance", "升级维护"),
        ("/soft404", "error-page", "页面不存在"),
        ("/soft404-title", "error-page", "Not Found"),
        ("/bad-gateway", "error-page", "Bad Gateway"),
        ("/blank", "blank", "为空"),
        ("/blank-whitespace", "blank", "没有可见内容"),
    ],
)
def test_failed_pages(base, path, kind, words):
    result = run(base + path)
    assert (result.kind, result.ok) == (kind, False)
    assert words in result.reason
    assert result.status == int(path[1:]) if path[1:].isdigit() else result.status == 200


def test_slow_answer_times_out_at_the_deadline(base):
    result = run(base + "/slow")
    assert (result.kind, result.ok, result.status, result.ttfb_ms) == ("timeout", False, None, None)
    assert result.reason == "1 秒内未加载完成"
    assert result.total_ms >= TIMEOUT * 1000 * 0.9


def test_trickled_body_times_out_although_every_byte_is_quick(base):
    result = run(base + "/trickle")
    assert (result.kind, result.status) == ("timeout", 200)
    assert result.ttfb_ms is not None and result.ttfb_ms < TIMEOUT * 1000
    assert 0 < result.size < 40


def test_silent_server_times_out(silent_port):
    result = run(f"http://127.0.0.1:{silent_port}/")
    assert (result.kind, result.status) == ("timeout", None)


def test_hanging_dns_cannot_hold_the_caller(monkeypatch):
    release = threading.Event()
    monkeypatch.setattr(socket, "getaddrinfo", lambda *args, **kwargs: release.wait(10) and [])
    try:
        result = run("http://portal.example.gov.cn/", timeout=0.5)
    finally:
        release.set()
    assert result.kind == "timeout" and result.total_ms <= 600


def test_dns_failure_is_network(monkeypatch):
    def fail(*args, **kwargs):
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", fail)
    result = run("http://portal.example.gov.cn/")
    assert (result.kind, result.reason, result.status) == ("network", "域名无法解析", None)


def test_refused_port_is_network(dead_port):
    result = run(f"http://127.0.0.1:{dead_port}/")
    assert (result.kind, result.ok, result.reason) == ("network", False, "连接被拒绝")
    assert result.ttfb_ms is None and result.total_ms < 1000


def test_tls_to_a_plain_http_server_is_network(base):
    result = run(base.replace("http://", "https://") + "/utf8")
    assert result.kind == "network" and result.reason.startswith("HTTPS")


def test_redirect_loop_and_too_many_redirects(base):
    loop = run(base + "/loop-a")
    assert (loop.kind, loop.reason, loop.status) == ("network", "重定向循环", 301)
    chain = run(base + "/chain/0")
    assert (chain.kind, chain.reason) == ("network", f"重定向超过 {probe.MAX_REDIRECTS} 次")


def test_ten_redirects_are_still_allowed(base):
    result = run(base + "/chain/2")  # 2 -> 12: ten hops, the last answers 302 without Location
    assert result.kind == "http-error" and result.reason == "HTTP 302"


def test_started_at_is_shanghai_time():
    at = datetime(2023, 10, 31, 16, 10, tzinfo=UTC)
    result = probe_url("ftp://127.0.0.1/", now=lambda: at)
    assert result.at == "2023-11-01T00:10:00+08:00"
    assert (result.kind, result.status) == ("network", None)


def test_probe_site_probes_homepage_first_and_each_url_once(base):
    urls = [base + "/500", base + "/utf8", base + "/slow", base + "/500"]
    results, wall = timed(lambda: probe_site(urls, base + "/utf8", timeout=TIMEOUT))
    assert [(r.url, r.homepage, r.kind) for r in results] == [
        (base + "/utf8", True, "ok"),
        (base + "/500", False, "http-error"),
        (base + "/slow", False, "timeout"),
    ]
    assert wall <= TIMEOUT + 1.5  # concurrent: one slow page does not queue the others


def test_a_crash_while_judging_a_loaded_page_is_not_a_failed_visit(base, monkeypatch):
    def crash(*args, **kwargs):
        raise ValueError("pathological page")

    monkeypatch.setattr(probe, "read_page", crash)
    result = run(base + "/utf8")
    assert (result.kind, result.ok, result.status) == ("ok", True, 200)
    assert "ValueError" in result.reason


# The judgement alone, on bodies the server tests do not cover.
@pytest.mark.parametrize(
    ("html", "kind"),
    [
        ("<title>页面不存在 - 兴庆区人民政府</title><body>" + NAV * 2 + "</body>", "error-page"),
        ("<title>兴庆区人民政府</title><body><h1>出错了！</h1><p>请稍后再试</p></body>", "error-page"),
        ("<title>提示</title><body><p>404</p><p>您要找的页面去火星了</p></body>", "error-page"),
        ("<title>Welcome to nginx!</title><body><h1>Welcome to nginx!</h1></body>", "error-page"),
        ("<body><img src='/weihu.png' alt='网站升级改版中，敬请期待'></body>", "maintenance"),
        ("<title>兴庆区人民政府</title><body><p>网站建设中……</p></body>", "maintenance"),
        # look-alikes: words that only resemble a verdict
        ("<title>500强企业名录</title><body>" + NAV + NEWS + "</body>", "ok"),
        ("<title>城乡建设中心</title><body>" + NAV + NEWS + "</body>", "ok"),
        ("<title>兴庆区人民政府</title><body><p>坚决维护中央权威，推进法治政府建设</p><a href='/a'>更多</a></body>", "ok"),
        ("<body><img src='/banner.jpg'></body>", "ok"),
        ("<frameset><frame src='/main.html'></frameset>", "ok"),
    ],
)
def test_judge_page(html, kind):
    assert judge_page(200, html.encode(), "text/html; charset=utf-8")[0] == kind


def test_non_html_bodies_are_not_judged():
    assert judge_page(200, b"%PDF-1.4 \x00\x01\x02 binary", "application/pdf") == ("ok", "")
    assert judge_page(200, b"Service Unavailable", "text/plain")[0] == "error-page"
