"""The hostile run's report.html in real headless Chromium: page payloads are text, nothing runs.

The crawled page put ``<script>``, ``javascript:`` and ``" onmouseover=``
payloads into its title, link texts, hrefs and (through the accessibility
snippets) raw HTML. A hook installed before any script of the report
(DevTools ``Page.addScriptToEvaluateOnNewDocument``) records every call of
``alert``/``confirm``/``prompt`` and every Content-Security-Policy violation;
then every element is hovered, focused and (where it is no navigation) clicked.

The report's CSP would block an injected inline handler even if escaping
failed, so the same checks run a second time on a copy with the CSP meta tag
removed: escaping alone must hold, and a blocked attempt (a CSP violation) in
the real report counts as a failure too.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from selenium.common.exceptions import NoAlertPresentException, WebDriverException
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.remote.webdriver import WebDriver

from tests.browser import chromium
from tests.hostile.conftest import HostileRun
from tests.hostile.server import XSS_ATTR, XSS_JS_HREF, XSS_LINK_TEXT, XSS_TITLE

HOOK = """
window.__fired = [];
window.__csp = [];
for (const name of ['alert', 'confirm', 'prompt', 'print']) {
  window[name] = function () { window.__fired.push(name + '(' + Array.from(arguments).join(',') + ')'); };
}
document.addEventListener('securitypolicyviolation', function (e) {
  window.__csp.push(e.violatedDirective + ' ' + (e.sample || ''));
});
"""

# Every element gets the events a visitor's mouse and keyboard would send; anchors with a
# non-http(s) href are clicked too (an http(s) link would only leave the page).
PROVOKE = """
const events = ['mouseover', 'mouseenter', 'mousemove', 'mousedown', 'mouseup', 'focus', 'focusin'];
let count = 0;
for (const el of document.querySelectorAll('body *')) {
  for (const type of events) { el.dispatchEvent(new MouseEvent(type, {bubbles: true})); }
  count++;
}
for (const a of document.querySelectorAll('a[href]')) {
  const href = a.getAttribute('href');
  if (!/^(https?:|#|screenshots\\/)/i.test(href)) { a.click(); }
}
return count;
"""

CARRIERS = """
return Array.from(document.querySelectorAll('body *')).filter(el =>
  Array.from(el.childNodes).some(n => n.nodeType === 3 && /alert\\(|javascript:|onmouseover/.test(n.nodeValue))
  && el.getClientRects().length > 0);
"""

# Structure, not behaviour: nothing from a page became an element, an attribute or a script URL.
INJECTED = """
const found = [];
for (const el of document.querySelectorAll('*')) {
  for (const attr of el.attributes) {
    if (/^on/i.test(attr.name)) found.push(el.tagName + '[' + attr.name + ']');
    if (/^\\s*(javascript|vbscript|data):/i.test(attr.value) && /^(href|src|action|formaction|xlink:href)$/i.test(attr.name))
      found.push(el.tagName + '[' + attr.name + '=' + attr.value + ']');
  }
}
for (const s of document.querySelectorAll('script')) { if (/alert\\(/.test(s.textContent)) found.push('script'); }
for (const el of document.querySelectorAll('img, iframe, object, embed, math, svg script')) found.push(el.tagName);
return found;
"""


@pytest.fixture(scope="module")
def browser() -> Iterator[WebDriver]:
    with chromium() as driver:
        driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": HOOK})
        yield driver


@pytest.fixture(scope="module")
def without_csp(hostile: HostileRun, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of report.html with its Content-Security-Policy meta tag removed."""
    html = (hostile.run.out / "report.html").read_text(encoding="utf-8")
    stripped, count = re.subn(r"<meta[^>]+Content-Security-Policy[^>]*>", "", html, flags=re.I)
    assert count == 1, "the report no longer carries its CSP meta tag"
    path = tmp_path_factory.mktemp("nocsp") / "report.html"
    path.write_text(stripped, encoding="utf-8")
    return path


def _open_and_provoke(driver: WebDriver, path: Path) -> dict:
    driver.get(path.as_uri())
    assert driver.execute_script("return Array.isArray(window.__fired)"), "the hook did not run before the page"
    # A real pointer over every visible element whose own text carries a payload (each move costs a
    # round trip, so only those); the synthetic events of PROVOKE reach every other element.
    hovered = 0
    for element in driver.execute_script(CARRIERS):
        try:
            ActionChains(driver).move_to_element(element).perform()
            hovered += 1
        except WebDriverException:  # moved or hidden meanwhile
            continue
    provoked = driver.execute_script(PROVOKE)
    with pytest.raises(NoAlertPresentException):
        _ = driver.switch_to.alert  # a native dialog would mean the hook itself was bypassed
    return {
        "fired": driver.execute_script("return window.__fired"),
        "csp": driver.execute_script("return window.__csp"),
        "injected": driver.execute_script(INJECTED),
        "text": driver.execute_script("return document.body.textContent"),
        "visible": driver.find_element("tag name", "body").text,
        "hovered": hovered,
        "provoked": provoked,
    }


@pytest.mark.parametrize("variant", ["report", "report-without-csp"])
def test_payloads_are_inert_text_in_chromium(
    hostile: HostileRun, browser: WebDriver, without_csp: Path, variant: str
) -> None:
    path = hostile.run.out / "report.html" if variant == "report" else without_csp
    seen = _open_and_provoke(browser, path)
    assert seen["hovered"] >= 3 and seen["provoked"] > 50
    assert seen["fired"] == [], f"script from a crawled page ran: {seen['fired']}"
    assert seen["csp"] == [], f"something tried to run and was blocked by the CSP: {seen['csp']}"
    assert seen["injected"] == [], f"page data became markup: {seen['injected']}"
    # ... and every payload is there for the webmaster to read, as text.
    assert XSS_TITLE in seen["visible"]
    for payload in (XSS_TITLE, XSS_ATTR, XSS_LINK_TEXT, XSS_JS_HREF, 'onerror="alert(6)"'):
        assert payload in seen["text"], payload


def test_the_detector_sees_a_payload_that_does_run(browser: WebDriver, without_csp: Path, tmp_path: Path) -> None:
    """Guard against a silent hook: a copy with markup injected the way a broken escape would must trip it."""
    html = without_csp.read_text(encoding="utf-8")
    tampered = re.sub(r"(<body[^>]*>)", r'\1<img src=x onerror="alert(99)"><a href="javascript:alert(98)">x</a>',
                      html, count=1)
    path = tmp_path / "report.html"
    path.write_text(tampered, encoding="utf-8")
    seen = _open_and_provoke(browser, path)
    assert "alert(99)" in seen["fired"] and "alert(98)" in seen["fired"]
    assert "IMG[onerror]" in seen["injected"]
