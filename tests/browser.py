"""A real headless Chromium for tests, driven through Selenium.

Tests that need a browser use the Debian ``chromium`` and ``chromium-driver``
packages at fixed paths, never a downloaded browser (Selenium Manager is kept
out by naming the driver explicitly). If they are missing the tests must
fail, not skip: a green run without the browser would prove nothing about
what webmasters will see.

Every session gets a fresh profile directory, so no state leaks between
tests, and the flags below stop Chromium's own background traffic (updates,
sync, field trials, QUIC probing), so a "no network request" assertion
measures the page, not the browser.
"""

from __future__ import annotations

import base64
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from selenium import webdriver
from selenium.webdriver.chrome.service import Service

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")

CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",  # tests run as root in CI, where the sandbox cannot start
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)


class BrowserUnavailable(RuntimeError):
    """Raised (so the test fails) when the Debian Chromium packages are not installed."""


def _require(path: Path, package: str) -> None:
    if not path.exists():
        raise BrowserUnavailable(f"{path} not found: install the Debian package {package}")


@contextmanager
def chromium(
    width: int = 1280, height: int = 900, *, performance_log: bool = False
) -> Iterator[webdriver.Chrome]:
    """A headless Chromium WebDriver, quit and its profile removed on exit.

    ``performance_log`` records DevTools network events, readable afterwards
    with ``driver.get_log("performance")``.
    """
    _require(CHROMIUM, "chromium")
    _require(CHROMEDRIVER, "chromium-driver")
    profile = tempfile.mkdtemp(prefix="govcrawl-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={profile}")
    options.add_argument(f"--window-size={width},{height}")
    if performance_log:
        options.set_capability("goog:loggingPrefs", {"performance": "ALL"})
    driver = None
    try:
        driver = webdriver.Chrome(service=Service(executable_path=str(CHROMEDRIVER)), options=options)
        yield driver
    finally:
        if driver is not None:
            driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def full_page_screenshot(driver: webdriver.Chrome, path: Path) -> Path:
    """Save a PNG of the whole page, not just the window (DevTools ``captureBeyondViewport``)."""
    shot = driver.execute_cdp_cmd("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True})
    path.write_bytes(base64.b64decode(shot["data"]))
    return path
