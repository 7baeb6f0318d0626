"""Print a local HTML report to PDF with headless Chromium, for the quarterly evidence pack.

Why Chromium and not an HTML-to-PDF library: the report's layout, CSS and
Chinese text must look in the PDF exactly as the office saw it in the browser,
and this project already ships and drives Chromium (``crawler.browser``). The
DevTools command ``Page.printToPDF`` is Chromium's own print path: A4 unless the
page's CSS asks for another size, backgrounds printed, a page-number footer, a
tagged PDF (screen readers) with an outline from the headings.

Chinese text needs a CJK font on the machine. Without one Chromium prints
empty boxes (.notdef glyphs) and the PDF has no extractable Chinese at all, so
an evidence PDF would be useless; :func:`print_pdf` therefore refuses to print
when fontconfig reports no Chinese font (``apt-get install fonts-noto-cjk``).

Process hygiene as in ``crawler.browser``: a fresh profile, chromedriver in its
own session so the whole browser can be killed as one group, a
:class:`~crawler.parentwatch.GroupReaper` so a killed govcrawl leaves no
Chromium behind, and a watchdog that kills the group when printing hangs.
"""

from __future__ import annotations

import base64
import contextlib
import os
import re
import shutil
import signal
import subprocess
import tempfile
import threading
from pathlib import Path

from selenium import webdriver
from selenium.common.exceptions import TimeoutException, WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.remote.webdriver import WebDriver

from crawler.browser import CHROMEDRIVER, CHROMIUM, CHROMIUM_FLAGS, quit_bounded
from crawler.parentwatch import GroupReaper

__all__ = ["PdfError", "print_pdf"]

A4_INCHES = (210 / 25.4, 297 / 25.4)
MARGIN_INCHES = {"marginTop": 0.5, "marginBottom": 0.6, "marginLeft": 0.5, "marginRight": 0.5}
# The families a Chinese office machine or Debian may have; Chromium falls back per character anyway.
CJK_FONTS = "'Noto Sans CJK SC','Source Han Sans SC','WenQuanYi Micro Hei','WenQuanYi Zen Hei'," \
            "'Microsoft YaHei','PingFang SC',sans-serif"
# An empty header: without a template Chromium prints the date and the page title at the top.
HEADER_TEMPLATE = "<span></span>"
# Header/footer templates default to a near-invisible font size, hence the explicit style.
FOOTER_TEMPLATE = (
    f'<div style="width:100%;font-size:9px;text-align:center;color:#555;font-family:{CJK_FONTS}">'
    '第 <span class="pageNumber"></span> 页 / 共 <span class="totalPages"></span> 页</div>'
)
# Page objects of the PDF ("/Type /Pages" is a node of the page tree, not a page).
PAGE_OBJECT = re.compile(rb"/Type\s*/Page(?![A-Za-z])")
# The report is self-contained; a stray http(s) reference must neither reach the network nor stall printing.
BLOCKED_URLS = ["http://*", "https://*", "ws://*", "wss://*"]
WINDOW = (1280, 900)


class PdfError(RuntimeError):
    """Printing failed for a reason the operator can act on (message in Chinese and English)."""


def print_pdf(html_path: Path, pdf_path: Path, *, timeout: float = 60) -> int:
    """Render ``html_path`` in headless Chromium and print it to ``pdf_path``; return the PDF's page count.

    ``timeout`` bounds the whole print (load, fonts, printing); past it the browser
    is killed and :class:`PdfError` raised. The PDF is written beside ``pdf_path``
    and moved into place, so a failed print leaves no half file.
    """
    html_path = Path(html_path)
    if not html_path.is_file():
        raise PdfError(f"找不到要打印的 HTML 文件 / HTML file not found: {html_path}")
    _require_browser()
    _require_cjk_font()
    pdf = _render(html_path.resolve().as_uri(), timeout)
    _write_atomic(Path(pdf_path), pdf)
    return len(PAGE_OBJECT.findall(pdf))


def _require_browser() -> None:
    for path, package in ((CHROMIUM, "chromium"), (CHROMEDRIVER, "chromium-driver")):
        if not os.access(path, os.X_OK):
            raise PdfError(
                f"未找到 {path}：请安装 Debian 软件包 chromium 和 chromium-driver（make system-deps）"
                f" / {path} not found: install the Debian package {package}"
            )


def _require_cjk_font() -> None:
    """Refuse to print Chinese as empty boxes. Skipped when ``fc-list`` itself is not installed."""
    try:
        listing = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True, timeout=30,
                                 check=False).stdout
    except (OSError, subprocess.TimeoutExpired):
        return
    if not listing.strip():
        raise PdfError(
            "未安装中文字体，PDF 中的汉字会显示为方框：请安装 fonts-noto-cjk 或 fonts-wqy-zenhei"
            " / no CJK font installed (Chinese would print as empty boxes): install fonts-noto-cjk"
        )


def _render(url: str, timeout: float) -> bytes:
    """Start a browser, print ``url``, always quit the browser and remove its profile."""
    profile = tempfile.mkdtemp(prefix="govcrawl-chromium-")
    reaper = GroupReaper()
    driver: WebDriver | None = None
    pgid: int | None = None
    fired = threading.Event()
    watchdog: threading.Timer | None = None
    try:
        service = Service(executable_path=CHROMEDRIVER, popen_kw={"start_new_session": True})
        try:
            driver = webdriver.Chrome(service=service, options=_options(profile))
        except WebDriverException as exc:
            raise PdfError(f"无法启动 Chromium / Chromium did not start: {_first_line(exc)}") from None
        pgid = service.process.pid  # its own session: chromedriver's pid is the group id
        reaper.add(pgid, profile)
        watchdog = threading.Timer(timeout, _kill_group, args=(pgid, fired))
        watchdog.daemon = True
        watchdog.start()
        try:
            return _print(driver, url, timeout)
        except Exception as exc:  # noqa: BLE001 - a killed or crashed browser surfaces as many exception types
            if fired.is_set() or isinstance(exc, TimeoutException):
                raise PdfError(f"打印超过 {timeout:g} 秒，已终止浏览器 / printing took longer than {timeout:g}s"
                               ) from None
            raise PdfError(f"打印 PDF 失败 / printing failed: {_first_line(exc)}") from None
    finally:
        if watchdog is not None:
            watchdog.cancel()
        quit_bounded(driver, pgid, wait=10)
        if pgid is not None:
            reaper.remove(pgid)
        reaper.close()
        shutil.rmtree(profile, ignore_errors=True)


def _options(profile: str) -> webdriver.ChromeOptions:
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={profile}")
    options.add_argument(f"--window-size={WINDOW[0]},{WINDOW[1]}")
    return options


def _print(driver: WebDriver, url: str, timeout: float) -> bytes:
    driver.set_page_load_timeout(timeout)
    driver.set_script_timeout(timeout)
    driver.execute_cdp_cmd("Network.enable", {})
    driver.execute_cdp_cmd("Network.setBlockedURLs", {"urls": BLOCKED_URLS})
    driver.get(url)  # returns after the load event
    # Web fonts and the CJK fallback fonts must be loaded, or the first page prints in a fallback face.
    driver.execute_async_script("var done = arguments[arguments.length - 1];"
                                "document.fonts.ready.then(function () { done(true); });")
    result = driver.execute_cdp_cmd("Page.printToPDF", {
        "paperWidth": A4_INCHES[0],
        "paperHeight": A4_INCHES[1],
        **MARGIN_INCHES,
        "printBackground": True,
        "preferCSSPageSize": True,  # an @page size in the report's CSS wins over A4
        "displayHeaderFooter": True,
        "headerTemplate": HEADER_TEMPLATE,
        "footerTemplate": FOOTER_TEMPLATE,
        "generateTaggedPDF": True,
        "generateDocumentOutline": True,
        "transferMode": "ReturnAsBase64",
    })
    return base64.b64decode(result["data"])


def _kill_group(pgid: int, fired: threading.Event) -> None:
    """Watchdog: the pending WebDriver command returns with an error once the browser is gone."""
    fired.set()
    with contextlib.suppress(OSError):
        os.killpg(pgid, signal.SIGKILL)


def _write_atomic(path: Path, data: bytes) -> None:
    """Write beside ``path`` and rename, so a reader never finds half a PDF."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _first_line(exc: Exception) -> str:
    message = getattr(exc, "msg", None) or str(exc) or type(exc).__name__
    return message.strip().splitlines()[0] if message.strip() else type(exc).__name__
