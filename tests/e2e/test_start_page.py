"""A run whose start page cannot be read says so: on the command line, in the report, in findings.json.

The night the homepage is down, the crawl gets one failed page and the checks have next to nothing to
judge; "1 page, 0 problems" must not read as a clean site. Real servers on 127.0.0.1: one that answers
404 at the start URL, one port that refuses connections, and (the look-alike) the demo portal.
"""

from __future__ import annotations

import json
import socket
import subprocess
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import openpyxl
import pytest
import yaml

from tests.e2e.conftest import GOVCRAWL
from tests.sites import serve, static_handler

HOME_WITHOUT_CARE_ENTRY = (
    '<html lang="zh-CN"><head><meta charset="utf-8"><title>某区人民政府</title></head>'
    '<body><a href="/zwgk/">政务公开</a></body></html>'
)


def _run(start: str, tmp: Path, **site) -> tuple[subprocess.CompletedProcess, dict, Path]:
    config = {
        "data_dir": str(tmp / "data"),
        "sites": {"t": {
            "name": "测试站", "start_urls": [start], "owner": "办公室",
            "external_links": {"check": False},
            "crawl": {"concurrency": 2, "delay": 0, "autothrottle": False, "obey_robots": False},
            **site,
        }},
    }
    tmp.mkdir(parents=True, exist_ok=True)
    path = tmp / "sites.yaml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    out = tmp / "out"
    done = subprocess.run(
        [str(GOVCRAWL), "run", "t", "-c", str(path), "--out", str(out), "--today", "2023-11-01",
         "--no-browser", "--progress", "off"],
        capture_output=True, text=True, timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]  # contract: a completed run exits 0 whatever it found
    return done, json.loads((out / "findings.json").read_text(encoding="utf-8")), out


def _said_everywhere(done, findings, out: Path, reason: str) -> None:
    unread = findings["run"]["stats"]["start_pages_unread"]
    assert [item["reason"] for item in unread] == [reason]
    assert f"起始页无法读取：{unread[0]['url']}（{reason}）" in done.stderr
    assert "检查结果不完整" in done.stderr
    html = (out / "report.html").read_text(encoding="utf-8")
    assert '<section class="incomplete" role="alert"' in html and f"（{reason}）" in html
    sheet = openpyxl.load_workbook(out / "findings.xlsx", read_only=True)["汇总"]
    labels = {row[0]: row[1] for row in sheet.iter_rows(min_row=2, max_col=2, values_only=True) if row[0]}
    assert reason in labels["检查不完整"]
    # Nothing is judged on a page nobody saw: no "homepage has no elder-mode entry".
    assert [f for f in findings["findings"] if f["check"] == "elder-friendly"] == []


def test_start_page_answering_404(tmp_path):
    with serve(static_handler({"/other.html": (200, HOME_WITHOUT_CARE_ENTRY)})) as base:
        done, findings, out = _run(base + "/", tmp_path)
    _said_everywhere(done, findings, out, "HTTP 404")


def test_start_page_refusing_connections(tmp_path):
    # A bound socket that does not listen: the kernel refuses every connection to its port.
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
        done, findings, out = _run(f"http://127.0.0.1:{port}/", tmp_path)
    _said_everywhere(done, findings, out, "连接被拒绝")
    # The page's own failure is in the webmaster's words, not an exception's class name.
    assert "DownloadConnectionRefusedError" not in json.dumps(findings, ensure_ascii=False)


@pytest.mark.parametrize("start", ["/", "/index.html"])
def test_start_page_read_is_not_warned_about(tmp_path, start):
    pages = {"/": (200, HOME_WITHOUT_CARE_ENTRY), "/index.html": (200, HOME_WITHOUT_CARE_ENTRY),
             "/zwgk/": (200, "<html><body>公开</body></html>")}
    with serve(static_handler(pages)) as base:
        done, findings, out = _run(base + start, tmp_path)
    assert findings["run"]["stats"]["start_pages_unread"] == []
    assert findings["run"]["stats"]["start_pages_offsite"] == []
    assert "起始页" not in done.stderr
    assert 'class="incomplete"' not in (out / "report.html").read_text(encoding="utf-8")
    # The homepage was read, and it really has no entry: that is still found.
    assert [f["target"] for f in findings["findings"] if f["check"] == "elder-friendly"] == ["no-care-entry"]


def _moving_handler(port_of):
    """127.0.0.1 redirects every request to localhost, as a bare domain sends readers on to www.…"""

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def do_GET(self):
            if self.headers.get("Host", "").startswith("127.0.0.1"):
                self.send_response(301)
                self.send_header("Location", f"http://localhost:{port_of()}{self.path}")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            body = {"/": HOME_WITHOUT_CARE_ENTRY, "/zwgk/": "<html><body>公开</body></html>"}.get(self.path)
            data = (body or "<html>404</html>").encode("utf-8")
            self.send_response(200 if body else 404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    return Handler


def test_start_page_redirecting_off_the_site(tmp_path):
    port: list[int] = []
    with serve(_moving_handler(lambda: port[0])) as base:
        port.append(int(base.rsplit(":", 1)[1]))
        done, findings, out = _run(base + "/", tmp_path)
        moved = findings["run"]["stats"]["start_pages_offsite"]
        assert moved == [{"url": base + "/", "final_url": f"http://localhost:{port[0]}/"}]
        assert findings["run"]["stats"]["start_pages_unread"] == []  # it was read: the site just is elsewhere
        assert f"起始页重定向到了本站域名以外的地址：{base}/ → http://localhost:{port[0]}/" in done.stderr
        assert "allowed_hosts" in done.stderr
        assert '<section class="incomplete" role="alert"' in (out / "report.html").read_text(encoding="utf-8")
        # The look-alike: the same site with the host it moves to named as its own is crawled, and not warned about.
        done, findings, out = _run(base + "/", tmp_path / "named", allowed_hosts=["127.0.0.1", "localhost"])
    assert findings["run"]["stats"]["start_pages_offsite"] == []
    assert "起始页" not in done.stderr
    assert findings["run"]["pages_crawled"] >= 2


def test_demo_run_has_no_start_page_warning(demo_run):
    assert demo_run.findings["run"]["stats"]["start_pages_unread"] == []
    assert demo_run.findings["run"]["stats"]["start_pages_offsite"] == []
    assert "起始页" not in demo_run.stderr


def test_other_hosts_of_the_site_domain_are_pointed_out(tmp_path):
    # The site is "localhost"; its 信息公开 platform "xxgk.localhost" is linked but not one of its hosts.
    # (Never fetched: external links are not checked here, and a link to loopback is not followed.)
    home = ('<html lang="zh-CN"><head><meta charset="utf-8"><title>首页</title></head><body>'
            '<a href="http://xxgk.localhost/zfwj/1.html">文件</a><a href="http://xxgk.localhost/zfwj/2.html">文件</a>'
            '<a href="http://hd.xxgk.localhost/x.html">互动</a>'
            # look-alikes: a name that only contains the site's, another government's site, the site itself
            '<a href="http://notlocalhost.example/">友情链接</a><a href="http://www.gov.cn/">中国政府网</a>'
            '<a href="/zwgk/">政务公开</a></body></html>')
    with serve(static_handler({"/": (200, home), "/zwgk/": (200, HOME_WITHOUT_CARE_ENTRY)})) as base:
        done, findings, out = _run(base.replace("127.0.0.1", "localhost") + "/", tmp_path)
    assert findings["run"]["stats"]["sibling_hosts"] == [{"host": "xxgk.localhost", "urls": 2},
                                                         {"host": "hd.xxgk.localhost", "urls": 1}]
    assert "提示 / note: 本站页面链接了同一域名下的其他主机：xxgk.localhost（2 个地址）、hd.xxgk.localhost（1 个地址）" in done.stderr
    assert "allowed_hosts" in done.stderr
    html = (out / "report.html").read_text(encoding="utf-8")
    assert '<section class="sibling-note"' in html and "xxgk.localhost（2 个地址）" in html
    # A hint, not a warning: the run itself is complete.
    assert "警告" not in done.stderr and 'class="incomplete"' not in html


def test_no_hint_when_the_site_links_no_other_host_of_its_domain(tmp_path):
    home = ('<html lang="zh-CN"><head><meta charset="utf-8"><title>首页</title></head><body>'
            '<a href="http://notlocalhost.example/">友情链接</a><a href="http://www.gov.cn/">中国政府网</a>'
            '<a href="/zwgk/">政务公开</a></body></html>')
    with serve(static_handler({"/": (200, home), "/zwgk/": (200, HOME_WITHOUT_CARE_ENTRY)})) as base:
        done, findings, out = _run(base.replace("127.0.0.1", "localhost") + "/", tmp_path)
    assert findings["run"]["stats"]["sibling_hosts"] == []
    assert "提示 / note" not in done.stderr
    assert "<section class=\"sibling-note\"" not in (out / "report.html").read_text(encoding="utf-8")
