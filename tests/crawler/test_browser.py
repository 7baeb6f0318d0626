"""The browser pass against real headless Chromium and a real loopback HTTP server (no mocks).

Each own rule is shown failing on a crafted page and passing on a look-alike, so a
rule that fires on everything (or nothing) cannot pass. One pool is shared by most
tests because starting Chromium costs about a second; the robustness tests use
their own pools with a short ``page_timeout``.
"""

from __future__ import annotations

import io
import math
import os
import signal
import struct
import threading
import time
import wave
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler

import pytest

from crawler.browser import BrowserPool, region_of
from govcrawl.config import Accessibility
from govcrawl.model import PageAudit, Region
from tests.sites import serve


def _tone(seconds: float = 6.0, rate: int = 8000) -> bytes:
    """A 440 Hz sine as a WAV file: audible media without any downloaded fixture."""
    frames = b"".join(struct.pack("<h", int(12000 * math.sin(2 * math.pi * 440 * i / rate)))
                      for i in range(int(seconds * rate)))
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(frames)
    return out.getvalue()


def page(body: str, head: str = "") -> str:
    return (f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>测试页</title>{head}</head>'
            f"<body>{body}</body></html>")


LONG = "这是一段很长的正文内容，用来检查行距是否足够宽松，老年人阅读时需要较大的行间距。" * 3

# rule -> (failing page, passing look-alike)
RULE_PAGES: dict[str, tuple[str, str]] = {
    "small-font": (
        page('<main><p style="font-size:12px">政务公开正文小字</p></main>'),
        page('<main><p style="font-size:14px">政务公开正文小字</p></main>'),
    ),
    "line-height": (
        page(f'<main><p style="font-size:16px;line-height:1.1;width:300px">{LONG}</p></main>'),
        page(f'<main><p style="font-size:16px;line-height:1.5;width:300px">{LONG}</p></main>'),
    ),
    "focus-visible": (
        page('<main><a href="#a">第一条</a> <a href="#b">第二条</a></main>', "<style>a:focus{outline:none}</style>"),
        page('<main><a href="#a">第一条</a> <a href="#b">第二条</a></main>'),
    ),
    "keyboard-trap": (
        page('<main><input id="one"> <input id="two"> <a href="#c">出口</a></main><script>'
             'document.getElementById("two").addEventListener("keydown",function(e){'
             'if(e.key==="Tab"){e.preventDefault();document.getElementById("one").focus();}});</script>'),
        page('<main><input id="one"> <input id="two"> <a href="#c">出口</a></main>'),
    ),
    "focus-order": (
        page('<main><a href="#a">一</a> <a href="#b" tabindex="3">二</a></main>'),
        page('<main><a href="#a">一</a> <a href="#b" tabindex="0">二</a></main>'),
    ),
    "floating-window": (
        page('<main><p>正文内容</p></main><div style="position:fixed;left:400px;top:300px;width:300px;'
             'height:200px;background:#fc0">飘窗广告</div>'),
        page('<div style="position:fixed;top:0;left:0;right:0;height:60px;background:#036">网站导航</div>'
             '<main style="margin-top:70px"><p>正文内容</p></main><a href="#top" style="position:fixed;'
             'right:10px;bottom:10px;width:40px;height:40px">顶部</a>'),
    ),
    "reflow": (
        page('<div style="width:1000px;margin:0 auto"><p>固定宽度的政府网站版心，窄屏下需要横向滚动。</p></div>'),
        page('<div style="max-width:1000px;margin:0 auto"><p>自适应宽度的版心，窄屏下自动换行。</p>'
             '<table><tr><td style="width:900px">数据表格可以横向滚动</td></tr></table></div>'),
    ),
    "resize-text": (
        page('<ul><li style="height:20px;line-height:20px;overflow:hidden;width:400px">'
             '<a href="#n">新闻标题在放大文字后会被截断的列表项目</a></li></ul>'),
        page('<ul><li style="min-height:20px;line-height:20px;width:400px">'
             '<a href="#n">新闻标题在放大文字后会被截断的列表项目</a></li></ul>'),
    ),
    "autoplay-media": (
        page('<main><p>背景音乐</p><audio src="/tone.wav" autoplay loop></audio></main>'),
        page('<main><p>背景音乐</p><audio src="/tone.wav" autoplay loop muted></audio></main>'),
    ),
    "motion-no-pause": (
        page("<main><marquee>通知公告滚动显示</marquee></main>"),
        page("<main><div>通知公告静态显示</div></main>"),
    ),
    "click-no-keyboard": (
        page('<main><div id="chat">在线咨询</div></main><script>document.getElementById("chat")'
             '.addEventListener("click",function(){location.hash="c";});</script>'),
        page('<main><div id="chat" role="button" tabindex="0">在线咨询</div></main><script>document.getElementById'
             '("chat").addEventListener("click",function(){location.hash="c";});</script>'),
    ),
    "role-button-key": (
        page('<main><a href="#next" role="button">下一步</a></main>'),
        page('<main><a href="#next" role="button" onkeydown="if(event.key===\' \')this.click()">下一步</a></main>'),
    ),
    "heading-fake": (
        page('<main><div style="font-size:28px;font-weight:bold">通知公告</div><p>正文内容</p></main>'),
        page('<main><h2 style="font-size:28px;font-weight:bold">通知公告</h2><p>正文内容</p></main>'),
    ),
    "text-justified": (
        page('<main><p style="text-align:justify;width:300px">Opening hours of the service centre change during public holidays, so please check before you travel. Opening hours of the service centre change during public holidays, so please check before you travel. </p></main>'),
        page(f'<main><p style="text-align:justify;width:300px">{LONG}</p></main>'),
    ),
    "css-generated-content": (
        page('<main><p id="t">咨询：</p></main>', '<style>#t::after{content:"12345 热线"}</style>'),
        page('<main><p id="t">咨询：</p></main>', '<style>#t::after{content:"\\bb"}</style>'),
    ),
    "reading-order": (
        page('<main><div style="float:right;width:30%">第一步</div><div style="float:right;width:30%">第二步</div>'
             '<div style="float:right;width:30%">第三步</div></main>'),
        page('<main><div style="float:left;width:30%">第一步</div><div style="float:left;width:30%">第二步</div>'
             '<div style="float:left;width:30%">第三步</div></main>'),
    ),
    "select-change-context": (
        page('<main><label>友情链接 <select onchange="window.open(this.value)"><option value="">请选择</option>'
             '<option value="/p1">某某网</option></select></label></main>'),
        page('<main><label>友情链接 <select><option value="">请选择</option><option value="/p1">某某网</option>'
             '</select></label> <button type="button">前往</button></main>'),
    ),
}

BAD_FORM = page('<div class="header"><img src="/logo.png"></div><main><h1>标题</h1>'
                '<form><input type="text" name="q"></form><img src="/photo.png"></main>')
GOOD_FORM = page('<div class="header"><img src="/logo.png" alt="网站标识"></div><main><h1>标题</h1>'
                 '<form><label>搜索 <input type="text" name="q"></label></form><img src="/photo.png" alt="照片">'
                 "</main>")

SITE: dict[str, tuple[str, bytes, float]] = {
    "/bad": ("text/html", BAD_FORM.encode(), 0),
    "/good": ("text/html", GOOD_FORM.encode(), 0),
    "/frame-outer": ("text/html", page('<main><p>外层</p><iframe id="f" src="/frame-inner"></iframe></main>').encode(), 0),
    "/frame-inner": ("text/html", page('<img src="/x.png">').encode(), 0),
    "/tone.wav": ("audio/wav", _tone(), 0),
    "/slow": ("text/html", page("<p>慢</p>").encode(), 1.5),
    "/hang": ("text/html", page("<p>挂起</p>").encode(), 30),
}
for _rule, (_bad, _good) in RULE_PAGES.items():
    SITE[f"/{_rule}/fail"] = ("text/html", _bad.encode(), 0)
    SITE[f"/{_rule}/pass"] = ("text/html", _good.encode(), 0)
SITE["/visual-order/fail"] = ("text/html", page(
    '<main><a href="#a" style="float:left">一</a> <a href="#b" style="float:right">二</a> <a href="#c">三</a></main>'
).encode(), 0)
SITE["/visual-order/pass"] = ("text/html", page(
    '<main><a href="#a" style="float:left">一</a> <a href="#b">二</a> <a href="#c" style="float:right">三</a></main>'
).encode(), 0)
for _i in range(6):
    SITE[f"/p{_i}"] = ("text/html", page(f"<main><h1>页面 {_i}</h1><p>正文</p></main>").encode(), 0)


class Handler(BaseHTTPRequestHandler):
    """Serves ``SITE``; a path's delay makes a slow or hanging page (sleeps in small steps)."""

    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_GET(self):
        path = self.path.split("?")[0]
        if path not in SITE:
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        kind, body, delay = SITE[path]
        end = time.monotonic() + delay
        while time.monotonic() < end:
            time.sleep(0.1)
        self.send_response(200)
        self.send_header("Content-Type", kind + ("; charset=utf-8" if kind == "text/html" else ""))
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            self.wfile.write(body)
        except OSError:
            pass


@pytest.fixture(scope="module")
def base() -> Iterator[str]:
    with serve(Handler) as url:
        yield url


@pytest.fixture(scope="module")
def pool() -> Iterator[BrowserPool]:
    with BrowserPool(Accessibility(workers=1, page_timeout=15)) as shared:
        yield shared


def audit_one(pool: BrowserPool, url: str) -> PageAudit:
    (result,) = list(pool.audit([url]))
    assert result.status == "ok", result.error
    return result


def rules(result: PageAudit) -> set[str]:
    return {node.rule for node in result.nodes}


def test_axe_finds_image_alt_and_label_on_the_bad_page_only(pool, base):
    bad = audit_one(pool, base + "/bad")
    good = audit_one(pool, base + "/good")
    assert {"image-alt", "label"} <= rules(bad)
    assert not {"image-alt", "label"} & rules(good)
    assert bad.axe_version and bad.axe_version.startswith("4.")
    alt = [node for node in bad.nodes if node.rule == "image-alt"]
    assert all(node.source == "axe" and node.help and node.impact for node in alt)
    assert {node.region for node in alt} == {Region.HEADER, Region.BODY}
    assert bad.elapsed_ms > 0


@pytest.mark.parametrize("rule", sorted(RULE_PAGES))
def test_own_rule_fails_the_crafted_page_and_passes_its_look_alike(pool, base, rule):
    failing = audit_one(pool, f"{base}/{rule}/fail")
    passing = audit_one(pool, f"{base}/{rule}/pass")
    found = [node for node in failing.nodes if node.rule == rule]
    assert found, (rule, [(n.rule, n.detail) for n in failing.nodes], failing.metrics)
    assert all(node.source == "browser" for node in found)
    assert rule not in rules(passing), [(n.rule, n.selector, n.detail) for n in passing.nodes if n.rule == rule]


def test_focus_order_right_to_left_on_one_line(pool, base):
    failing = audit_one(pool, f"{base}/visual-order/fail")
    passing = audit_one(pool, f"{base}/visual-order/pass")
    assert any(n.rule == "focus-order" and "right to left" in n.detail for n in failing.nodes)
    assert "focus-order" not in rules(passing)


def test_measurements_and_details(pool, base):
    small = audit_one(pool, f"{base}/small-font/fail")
    node = next(n for n in small.nodes if n.rule == "small-font")
    assert node.detail == "12px" and node.selector and "<p" in node.html
    assert small.metrics["body_font_px"] == 12
    wide = audit_one(pool, f"{base}/reflow/fail")
    assert wide.metrics["scroll_width_at_320"] >= 1000


def test_the_alphagov_style_keydown_window_trap(pool, base):
    SITE["/trap-window"] = ("text/html", page(
        '<ul><li><a class="trap" href="#booby">trap</a></li><li><a href="#honey">honey</a></li></ul><script>'
        'document.querySelector(".trap").addEventListener("keydown",function(){window.open("/p0")});</script>'
    ).encode(), 0)
    result = audit_one(pool, base + "/trap-window")
    trap = [n for n in result.nodes if n.rule == "keyboard-trap"]
    assert trap and "trap" in trap[0].html
    assert len(pool._browsers[0].driver.window_handles) == 1  # the pop-ups were closed


def test_iframe_violation_has_the_frame_prefix(pool, base):
    result = audit_one(pool, base + "/frame-outer")
    inner = [n for n in result.nodes if n.rule == "image-alt"]
    assert inner and inner[0].selector.startswith("#f >>> ")


def test_screenshot_is_a_png_keyed_by_rule_and_selector(pool, base):
    result = audit_one(pool, base + "/bad")
    assert result.screenshots
    key, png = next(iter(result.screenshots.items()))
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    rule, selector = key.split("|", 1)
    assert any(n.rule == rule and n.selector == selector for n in result.nodes)


def test_region_of_follows_the_static_rules():
    assert region_of([["html", None, None], ["body", None, None], ["div", "footer", None]]) is Region.FOOTER
    assert region_of([["html", None, None], ["nav", None, None], ["a", None, None]]) is Region.NAV
    assert region_of([["div", None, "header"], ["div", None, "TRS_Editor"], ["img", None, None]]) is Region.BODY


def test_a_hanging_page_times_out_and_the_next_page_is_audited(base):
    settings = Accessibility(workers=1, page_timeout=2, screenshots=False)
    with BrowserPool(settings) as pool:
        started = time.monotonic()
        results = {r.url.rsplit("/", 1)[1]: r for r in pool.audit([base + "/hang", base + "/p1"])}
        elapsed = time.monotonic() - started
    assert results["hang"].status == "timeout" and results["hang"].error
    # two attempts plus a browser restart (a restart alone can take seconds on a loaded 2-core machine)
    assert results["hang"].elapsed_ms < 2 * 2000 + 8000
    assert results["p1"].status == "ok"
    assert elapsed < 20


def test_a_crashed_renderer_is_recovered(base):
    with BrowserPool(Accessibility(workers=1, page_timeout=10, screenshots=False)) as pool:
        results = {r.url: r for r in pool.audit(["chrome://crash", base + "/p2"])}
    assert results["chrome://crash"].status in ("crashed", "timeout"), results["chrome://crash"]
    assert results[base + "/p2"].status == "ok"


def test_a_browser_killed_mid_page_is_restarted(base):
    with BrowserPool(Accessibility(workers=1, page_timeout=10, screenshots=False)) as pool:
        audit_one(pool, base + "/p3")  # the browser is up
        browser = pool._browsers[0]

        def kill() -> None:
            time.sleep(0.5)
            os.killpg(browser.pgid, signal.SIGKILL)

        killer = threading.Thread(target=kill)
        killer.start()
        results = {r.url: r for r in pool.audit([base + "/slow", base + "/p4"])}
        killer.join()
    assert results[base + "/slow"].status == "ok"  # retried on a fresh browser
    assert results[base + "/p4"].status == "ok"


def test_two_workers_audit_six_pages(base):
    urls = [f"{base}/p{i}" for i in range(6)]
    with BrowserPool(Accessibility(workers=2, page_timeout=15, screenshots=False)) as pool:
        results = list(pool.audit(urls))
    assert sorted(r.url for r in results) == sorted(urls)
    assert all(r.status == "ok" for r in results)
