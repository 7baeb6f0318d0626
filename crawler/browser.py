"""The browser pass: render pages in headless Chromium, run axe-core and govcrawl's own rules.

Why a browser at all: font sizes, line spacing, focus styles, floating windows,
moving content and reflow exist only after CSS and scripts ran; the static pass
over the served HTML cannot see them. This module only *records*: one
:class:`~govcrawl.model.PageAudit` per URL with :class:`~govcrawl.model.A11yNode`
records and measurements. Severity and findings are the checks' business.

Use::

    with BrowserPool(site.accessibility, base_dir=config_path.parent) as pool:
        for audit in pool.audit(urls):      # yielded as pages finish, any order
            store.add_audits(run_id, [audit])

``workers`` local Chromium processes (one WebDriver per worker thread, because
Selenium is synchronous), or Selenium Grid sessions when ``remote_url`` is set.

Selectors: a node's ``selector`` is axe-core's target, or govcrawl's own
(unique ``#id``, else an ``nth-of-type`` path). An element inside an iframe is
written ``<iframe selector> >>> <selector inside the frame>``; inside a shadow
root ``<host selector> >> <selector inside the shadow root>``.

Robustness: every page has ``page_timeout`` seconds (load + axe + own rules).
A page load timeout, a watchdog that fires when a command hangs past the
limit, or a dead browser ("tab crashed", "chrome not reachable") kills the
browser (quit; then the process group of chromedriver and Chromium), starts a
new one and retries the page once; the second failure is returned as
``status="timeout"`` or ``"crashed"``. ``audit`` never raises for a page.
"""

from __future__ import annotations

import contextlib
import json
import os
import queue
import shutil
import signal
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from selenium import webdriver
from selenium.common.exceptions import JavascriptException, TimeoutException, WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.client_config import ClientConfig
from selenium.webdriver.remote.webdriver import WebDriver

from crawler.extract.regions import ARTICLE, NO_MARKER, apply_marker, classify
from crawler.parentwatch import GroupReaper
from govcrawl.config import Accessibility
from govcrawl.model import A11yNode, PageAudit, Region

__all__ = ["BrowserPool", "CHROMIUM", "CHROMEDRIVER", "CHROMIUM_FLAGS", "region_of"]

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",  # runs as root in containers, where the sandbox cannot start
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",  # no update checks, field trials or safe-browsing traffic
    "--disable-component-update",
    "--disable-sync",
    # Play media as a visitor's browser does once the site has engagement: the autoplay rule must
    # see the sound a returning visitor hears, not headless Chromium's stricter default.
    "--autoplay-policy=no-user-gesture-required",
)
WINDOW = (1280, 900)
# Installed before any page script (DevTools Page.addScriptToEvaluateOnNewDocument): marks each
# element that gets a mouse or key listener, so click-no-keyboard and role-button-key can tell
# script-bound handlers (jQuery's .click() included) from none. Marks only; behaviour unchanged.
LISTENER_HOOK = (
    "(function(){var add=EventTarget.prototype.addEventListener;"
    "EventTarget.prototype.addEventListener=function(t,f,o){try{"
    "if(/^(click|mousedown|mouseup|keydown|keyup|keypress)$/.test(t)){this.__gcListen=(this.__gcListen||' ')+t+' ';}"
    "}catch(e){}return add.call(this,t,f,o);};})();"
)
FAKE_HEADING_RATIO = 1.5
RULES_JS = Path(__file__).with_name("browser_rules.js")
AXE_JS = Path(__import__("axe_selenium_python").__file__).with_name("node_modules") / "axe-core" / "axe.min.js"

# -- thresholds of govcrawl's own rules (each documented at its rule function) --------------------
MIN_FONT_PX = 14.0
MIN_LINE_RATIO = 1.3
FLOATING_MIN_SHARE = 0.02
MOTION_MIN_MS = 5000
MOTION_MIN_AREA = 400  # px²: a 20x20 spinner dot is not "content"
AUTOPLAY_MIN_S = 3.0
REFLOW_WIDTH = 320
REFLOW_HEIGHT = 256
REFLOW_TOLERANCE_PX = 20
TEXT_ZOOM = 2
FOCUS_PRESSES_MIN = 12
FOCUS_PRESSES_MAX = 60
FOCUS_CHECKED = 30
SAMPLE_GAP_S = 0.5
MAX_NODES_PER_RULE = 10
MAX_SCREENSHOTS = 5
MAX_FRAMES = 5
HTML_LIMIT = 300
DETAIL_LIMIT = 500


def region_of(chain: Iterable[Iterable[Any]]) -> Region:
    """The template region of an element from its ancestor chain ``[(tag, id, class), ...]``.

    The same walk as the static pass (``crawler.extract.scan``) so that a node found
    by axe and the same node found statically land in the same region.
    """
    region = Region.BODY
    level = 0
    for tag, element_id, cls in chain:
        if tag == "head":
            return Region.HEADER
        if not element_id and not cls and tag not in ("header", "nav", "footer", "article", "main"):
            continue
        marker = classify(tag, element_id or None, cls or None)
        if marker is NO_MARKER:
            continue
        if marker.content == ARTICLE:
            return Region.BODY  # article text: nothing below it is template
        region, level = apply_marker(marker, region, level)
    return region


class _PageFailed(Exception):
    """One attempt at a page failed; ``status`` is timeout or crashed."""

    def __init__(self, status: str, message: str) -> None:
        super().__init__(message)
        self.status = status


class _Page:
    """The work on one loaded page: collects nodes, metrics and screenshots within a deadline."""

    def __init__(self, driver: WebDriver, settings: Accessibility, axe_source: str, deadline: float,
                 cdp: bool) -> None:
        self.driver = driver
        self.settings = settings
        self.axe_source = axe_source
        self.deadline = deadline
        self.cdp = cdp
        self.nodes: list[A11yNode] = []
        self.metrics: dict[str, Any] = {}
        self.axe_version: str | None = None

    # -- helpers ----------------------------------------------------------------------------------
    def left(self) -> float:
        return self.deadline - time.monotonic()

    def js(self, body: str, *args: Any) -> Any:
        return self.driver.execute_script("return window.__govcrawl." + body, *args)

    def guarded(self, name: str, rule: Callable[[], None], needs: float = 0.0) -> None:
        """Run one rule; a script error is recorded, a dead browser propagates."""
        if self.left() < needs:
            self.metrics.setdefault("skipped", []).append(name)
            return
        try:
            rule()
        except JavascriptException as exc:
            self.metrics.setdefault("rule_errors", {})[name] = exc.msg[:200] if exc.msg else "script error"

    def add(self, rule: str, raw: dict, *, prefix: str = "", prefix_chain: list | None = None) -> None:
        chain = (prefix_chain or []) + list(raw.get("chain") or [])
        self.nodes.append(A11yNode(
            rule=rule, selector=(prefix + raw.get("sel", "")) if raw.get("sel") else prefix.removesuffix(" >>> "),
            html=(raw.get("html") or "")[:HTML_LIMIT], region=region_of(chain),
            detail=(raw.get("detail") or "")[:DETAIL_LIMIT], source="browser",
        ))

    def add_patterned(self, rule: str, raws: list[dict]) -> None:
        """One node per selector pattern, body-region nodes first, at most ``MAX_NODES_PER_RULE``."""
        seen: set[str] = set()
        unique = []
        for raw in raws:
            if raw.get("pattern") in seen:
                continue
            seen.add(raw.get("pattern"))
            unique.append(raw)
        unique.sort(key=lambda raw: region_of(raw.get("chain") or []) is not Region.BODY)
        for raw in unique[:MAX_NODES_PER_RULE]:
            self.add(rule, raw)

    def inject(self) -> None:
        self.driver.execute_script(_RULES or RULES_JS.read_text(encoding="utf-8"))

    # -- the sequence -----------------------------------------------------------------------------
    def run(self) -> None:
        self.inject()
        self.js("sample()")
        sampled = time.monotonic()
        # the work between samples is the 500 ms gap, so a static page pays no waiting
        self.guarded("axe", self.axe)
        self.guarded("text", self.rule_text)
        self.guarded("structure", self.rule_structure)
        self.guarded("floating-window", self.rule_floating)
        self.guarded("autoplay-media", self.rule_autoplay)
        self.guarded("keyboard", self.rule_keyboard, needs=1.0)
        time.sleep(max(0.0, SAMPLE_GAP_S - (time.monotonic() - sampled)))
        self.js("sample()")
        sampled = time.monotonic()
        if self.js("moving()"):
            # something moved: look once more to tell a short entrance animation from lasting motion
            time.sleep(max(0.0, SAMPLE_GAP_S - (time.monotonic() - sampled)))
            self.js("sample()")
            self.js("moving()")
        self.guarded("motion-no-pause", self.rule_motion)
        self.guarded("reflow", self.rule_reflow, needs=1.0)
        self.guarded("resize-text", self.rule_resize_text, needs=0.5)
        self.guarded("select-change-context", self.rule_select_change, needs=1.0)

    # -- axe-core ---------------------------------------------------------------------------------
    def axe(self) -> None:
        """axe-core with the configured tags in the top document and each same-origin iframe.

        ``preload: false`` because axe otherwise waits for every image and stylesheet
        again (about 10 s on pages whose media cannot load); ``iframes: false`` because
        frames are run one by one below and axe would wait for frames it is not in.
        """
        options = {
            "runOnly": {"type": "tag", "values": list(self.settings.tags)},
            "resultTypes": ["violations"],
            "preload": False,
            "iframes": False,
            "performanceTimer": False,
        }
        self.axe_document(options, "", [])
        frames = self.driver.execute_script(
            "var out=[];var f=document.querySelectorAll('iframe,frame');"
            "for(var i=0;i<f.length&&out.length<arguments[0];i++){try{if(f[i].contentDocument&&"
            "f[i].contentDocument.body){out.push([f[i],window.__govcrawl.path(f[i]),window.__govcrawl.chain(f[i])])}}"
            "catch(e){}}return out;", MAX_FRAMES)
        self.metrics["same_origin_frames"] = len(frames)
        for element, selector, chain in frames:
            if self.left() < 1.0:
                self.metrics.setdefault("skipped", []).append("axe-frames")
                break
            self.driver.switch_to.frame(element)
            try:
                self.inject()
                self.axe_document(options, selector + " >>> ", chain)
            except JavascriptException as exc:
                self.metrics.setdefault("rule_errors", {})["axe-frame"] = (exc.msg or "")[:200]
            finally:
                self.driver.switch_to.default_content()

    def axe_document(self, options: dict, prefix: str, prefix_chain: list) -> None:
        if not self.driver.execute_script("return typeof window.axe === 'object'"):
            self.driver.execute_script(self.axe_source)
        result = self.driver.execute_async_script(
            "var done = arguments[arguments.length - 1];"
            "axe.run(document, JSON.parse(arguments[0])).then(function (r) {"
            "  done({version: axe.version, violations: r.violations.map(function (v) {"
            "    return {id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map(function (n) {"
            "      var t = n.target[0];"
            "      return {target: n.target, html: n.html, impact: n.impact, summary: n.failureSummary,"
            "              chain: typeof t === 'string' ? window.__govcrawl.chainOf(t)"
            "                   : (t && t.length ? window.__govcrawl.chainOf(t[0]) : null)};"
            "    })};"
            "  })});"
            "}, function (e) { done({error: String(e)}); });",
            json.dumps(options),
        )
        if result.get("error"):
            raise JavascriptException(result["error"])
        self.axe_version = result.get("version")
        for violation in result["violations"]:
            for node in violation["nodes"]:
                self.nodes.append(A11yNode(
                    rule=violation["id"],
                    selector=prefix + _target_selector(node["target"]),
                    html=(node.get("html") or "")[:HTML_LIMIT],
                    region=region_of(prefix_chain + (node.get("chain") or [])),
                    impact=node.get("impact") or violation.get("impact"),
                    detail=(node.get("summary") or "")[:DETAIL_LIMIT],
                    source="axe",
                    help=violation.get("help") or "",
                ))

    # -- govcrawl's rules -------------------------------------------------------------------------
    def rule_text(self) -> None:
        """``small-font`` and ``line-height``: body text size and line spacing.

        Source: 工信部《互联网网站适老化通用设计规范》(2021) and GB/T 37668-2019 — body
        text at least 14px (``MIN_FONT_PX``), line spacing at least 1.3 times the font
        size (``MIN_LINE_RATIO``). Measured on visible p, li, td, th, dd, dt, div, span,
        a, font and label elements with at least two characters of their own text.

        ``small-font``: computed font-size < 14px; detail is the size ("12px").
        ``line-height``: computed line-height / font-size < 1.3, only on block text that
        actually wraps (two or more rendered lines): spacing between lines is what the
        rule is about, and single-line list rows with ``line-height = height`` are common
        and harmless. ``line-height: normal`` is never flagged: its value is the font's
        own (≈1.32 for Microsoft YaHei, ≈1.15 for SimSun, ≈1.45 for Noto Sans CJK here),
        so it depends on the reader's fonts, not on the site; the ratio rendered here is
        recorded in ``metrics["line_height_ratio"]`` and the share of text using
        ``normal`` in ``metrics["line_height_normal_share"]``.
        """
        result = self.js("text(arguments[0], arguments[1])", MIN_FONT_PX, MIN_LINE_RATIO)
        self.metrics.update(result["metrics"])
        self.add_patterned("small-font", result["small"])
        self.add_patterned("line-height", result["tight"])

    def rule_structure(self) -> None:
        """Structure and operability read from the rendered page (govcrawl's own rules).

        ``click-no-keyboard`` (WCAG 2.1 SC 2.1.1 Keyboard, failure F54): a visible element
        with text that has a click/mousedown/mouseup handler (an ``onclick`` attribute or a
        listener added by script, marked by ``LISTENER_HOOK``) while neither it, an ancestor
        nor a descendant can take focus (``a[href]``, form controls, ``label``, ``summary``,
        ``[tabindex]``…): a mouse user can operate it, a keyboard user cannot reach it.

        ``role-button-key`` (SC 2.1.1 and 4.1.2): ``a[href][role=button]`` without any key
        handler on it, an ancestor, the document or the window. The role promises a button,
        which Space activates; a link only reacts to Enter.

        ``heading-fake`` (SC 1.3.1, failure F2): a block that is not a heading, holds one line
        of 2–60 characters of its own text and no child elements, is bold (weight >= 600)
        and at least 1.5 times (``FAKE_HEADING_RATIO``) the page's median text size, and is
        followed by a sibling with text: it looks like a heading and is not one.

        ``text-justified`` (SC 1.4.8 Visual Presentation, AAA: "text is not justified"):
        ``text-align: justify`` on a block of at least 80 characters, two or more lines,
        of Latin-script text (>= 80% of its letters). Chinese text is left out on purpose:
        justification stretches the spaces between words, and CJK text has none.

        ``css-generated-content`` (SC 1.3.1, failure F87): ``::before``/``::after`` content
        that is a string with two or more letters (icon-font glyphs, bullets and
        punctuation are not letters): words that assistive technology may not read and
        that disappear with the style sheet.

        ``focus-order`` (SC 2.4.3, also): two tab stops in a row on one line where focus
        moves from right to left in a left-to-right page.

        ``reading-order`` (SC 1.3.2 Meaningful Sequence, failure F1): two or more
        consecutive siblings with text floated right, the second rendered left of the
        first: what is seen left to right is read in reverse.
        """
        for rule, raws in (("click-no-keyboard", self.js("clickOnly()")),
                           ("role-button-key", self.js("roleButtonLinks()")),
                           ("heading-fake", self.js("fakeHeadings(arguments[0], arguments[1])",
                                                    self.metrics.get("body_font_px") or 16, FAKE_HEADING_RATIO)),
                           ("text-justified", self.js("justified()")),
                           ("css-generated-content", self.js("cssContent()")),
                           ("focus-order", self.js("visualOrder()")),
                           ("reading-order", self.js("reversedFloats()"))):
            for raw in raws[:MAX_NODES_PER_RULE]:
                self.add(rule, raw)

    def rule_select_change(self) -> None:
        """``select-change-context``: WCAG 2.1 SC 3.2.2 On Input (failure F37).

        Last rule of a page, because it may leave it. For up to five visible single
        ``select`` elements, the last (or first) option is chosen as a user would and
        ``input``/``change`` are dispatched. ``window.open`` and form submission are
        intercepted (nothing is opened or sent); a new window, a submission, a navigation
        or a reload of the page (govcrawl's script gone) within 300 ms is a change of
        context without warning and fails.
        """
        driver = self.driver
        count = int(self.js("selectSetup()") or 0)
        if not count:
            return
        url_before = driver.current_url
        windows_before = set(driver.window_handles)
        for k in range(count):
            if self.left() < 0.5:
                break
            result = self.js("selectTry(arguments[0])", k)
            time.sleep(0.3)
            gone = not driver.execute_script("return !!window.__govcrawl")
            new_windows = [h for h in driver.window_handles if h not in windows_before]
            for handle in new_windows:
                with contextlib.suppress(WebDriverException):
                    driver.switch_to.window(handle)
                    driver.close()
            if new_windows:
                driver.switch_to.window(next(iter(windows_before)))
            if result["changed"] or gone or new_windows or driver.current_url != url_before:
                what = "reloaded or left the page" if gone or driver.current_url != url_before else \
                    "opened a window or submitted the form"
                self.add("select-change-context", dict(result["node"], detail=f"choosing an option {what}"))
                return

    def rule_floating(self) -> None:
        """``floating-window``: layers that float over the content (飘窗).

        Source: 工信部《互联网网站适老化通用设计规范》(2021): no floating advertising
        windows that cover content. A ``position:fixed`` element covering more than 2%
        (``FLOATING_MIN_SHARE``) of the 1280x900 viewport fails, unless it is a bar at the
        top edge at least 90% wide and at most 25% high (the header or navigation bar).
        Small buttons (back to top, 2% or less) pass. Script-animated floating windows
        (a fixed, or page-level absolute, element whose position changed between samples
        500 ms apart, see ``rule_motion``) fail too. ``position:sticky`` is not counted:
        sticky elements keep their place in the flow and are headers and sidebars.
        """
        for raw in self.js("floating(arguments[0])", FLOATING_MIN_SHARE)[:MAX_NODES_PER_RULE]:
            self.add("floating-window", raw)

    def rule_autoplay(self) -> None:
        """``autoplay-media``: WCAG 2.1 SC 1.4.2 Audio Control.

        A video/audio element that is playing after load (not paused, not ended), with
        sound (not muted, volume > 0, and for video an audio track decoded), longer than
        3 s (``AUTOPLAY_MIN_S``; duration, loop or a live stream) and without ``controls``
        or a pause/stop/close control within four ancestor levels fails. Chromium runs
        with ``--autoplay-policy=no-user-gesture-required`` so autoplay is what a
        returning visitor gets.
        """
        for raw in self.js("media(arguments[0])", AUTOPLAY_MIN_S)[:MAX_NODES_PER_RULE]:
            self.add("autoplay-media", raw)

    def rule_motion(self) -> None:
        """``motion-no-pause``: WCAG 2.1 SC 2.2.2 Pause, Stop, Hide.

        Moving content without a pause/stop/close/hide control (button, link, input or
        image labelled 暂停/停止/关闭/隐藏/pause/stop/close/hide within four ancestor
        levels) fails: a visible ``<marquee>``; a running CSS animation with infinite
        iterations or ending after 5 s (``MOTION_MIN_MS``) on an element of at least
        400px² (``MOTION_MIN_AREA``); an element moved by script (its position, or a
        box's scroll offset, changed in every interval of samples 500 ms apart — two
        or three samples spread over the page's audit, so a one-off entrance animation
        of under a second does not count). We do not wait 5 s per page: motion still
        going on after the audit's samples is taken to be the endless kind (scrolling
        news tickers, floating windows, carousels). Pausing only on mouse hover is
        noted in the detail and still fails (a keyboard user cannot hover).
        """
        result = self.js("motion(arguments[0], arguments[1])", MOTION_MIN_MS, MOTION_MIN_AREA)
        for raw in result["motion"][:MAX_NODES_PER_RULE]:
            self.add("motion-no-pause", raw)
        known = {node.selector for node in self.nodes if node.rule == "floating-window"}
        for raw in result["floating"][:MAX_NODES_PER_RULE]:
            if raw["sel"] not in known:
                self.add("floating-window", raw)

    def rule_keyboard(self) -> None:
        """``focus-visible``, ``keyboard-trap`` and ``focus-order`` from real Tab key presses.

        The page's tabbable elements are counted, then Tab is pressed
        ``clamp(tabbable + 3, 12, 60)`` times in one W3C actions command (real key events).
        A keydown listener records where focus is before each press, in the top document
        and in same-origin frames, with the focused element's computed style.

        ``focus-visible`` (WCAG 2.1 SC 2.4.7; GB/T 37668-2019 5.2.4.7): for the first 30
        focused elements (``FOCUS_CHECKED``), the focused style is compared with the same
        element unfocused afterwards: outline (style, width, colour, offset), box-shadow,
        border (style, width, colour of each side), background (colour and image),
        text-decoration, position/size, and ``::before``/``::after`` content and colours.
        When none of these changes the element fails. A colour change of the text alone
        is not counted: it is rarely perceivable (WCAG 2.2 asks a 3:1 contrast change).

        ``keyboard-trap`` (WCAG 2.1 SC 2.1.2): fails when (a) a key press opened a
        window (``window.open`` or a new window handle) or navigated away — the GOV.UK
        audit's trap; or (b) in the second half of the presses focus never reached the
        document boundary (the body, where a browser hands focus to its own UI), every
        element there had been focused before (a cycle), and the cycle has fewer
        elements than the page has tabbable elements. Only judged when every press was
        recorded (cross-origin frames swallow key events).

        ``focus-order`` (WCAG 2.1 SC 2.4.3): elements with a positive ``tabindex``, which
        pull focus ahead of the visual order.
        """
        driver = self.driver
        url_before = driver.current_url
        windows_before = set(driver.window_handles)
        setup = self.js("focusSetup()")
        for raw in setup["positive"][:MAX_NODES_PER_RULE]:
            self.add("focus-order", raw)
        tabbable = int(setup["tabbable"])
        self.metrics["tabbable"] = tabbable
        if tabbable == 0:
            return
        presses = max(FOCUS_PRESSES_MIN, min(FOCUS_PRESSES_MAX, tabbable + 3))
        ActionChains(driver).send_keys(Keys.TAB * presses).perform()
        self.metrics["tab_presses"] = presses
        new_windows = [h for h in driver.window_handles if h not in windows_before]
        for handle in new_windows:  # close pop-ups the presses opened, return to the page
            with contextlib.suppress(WebDriverException):
                driver.switch_to.window(handle)
                driver.close()
        if new_windows:
            driver.switch_to.window(next(iter(windows_before)))
        if driver.current_url != url_before:
            self.nodes.append(A11yNode("keyboard-trap", "", region=Region.BODY, source="browser",
                                       detail=f"Tab key presses navigated to {driver.current_url[:200]}"))
            raise _Navigated()
        result = self.js("focusResult()")
        elems = result["elems"]
        log = result["log"]

        failing = []
        checked: set[int] = set()
        for entry in log:
            index = entry.get("i", -1)
            if index < 0 or index in checked or "changed" not in entry:
                continue
            checked.add(index)
            if len(checked) > FOCUS_CHECKED:
                break
            elem = elems[index]
            if elem.get("tag") == "IFRAME" or not elem.get("visible"):
                continue
            if not entry["changed"]:
                elem = dict(elem, detail="focused = unfocused: outline, box-shadow, border, background, "
                                         "text-decoration, position/size, ::before/::after")
                failing.append(elem)
        self.metrics["focus_checked"] = len(checked)
        self.add_patterned("focus-visible", failing)

        opened = result["opened"]
        if opened or new_windows:
            where = elems[opened[0]] if opened and opened[0] >= 0 else {"sel": "", "chain": []}
            self.add("keyboard-trap", dict(where, detail=f"pressing Tab opened {max(len(new_windows), len(opened))} "
                                                           "new window(s)"))
            return
        positions = [entry.get("i", -1) for entry in log] + [result["final"]]
        complete = len(log) == presses
        self.metrics["focus_log_complete"] = complete
        if not complete:
            return
        tail = positions[len(positions) // 2:]
        head = positions[:len(positions) // 2]
        cycle = set(tail)
        if -1 in cycle or any(p not in head for p in cycle):
            return
        inside = [p for p in cycle if p >= 0]
        if len(cycle) < tabbable and inside:
            first = min(inside, key=tail.index)
            self.add("keyboard-trap", dict(elems[first], detail=f"Tab cycles among {len(cycle)} element(s) of "
                                                                  f"{tabbable} tabbable and never leaves"))

    def rule_reflow(self) -> None:
        """``reflow``: WCAG 2.1 SC 1.4.10 Reflow — 320 CSS px wide without horizontal scrolling.

        The viewport is set to 320x256 CSS px (the same as 1280px at 400% zoom) with
        DevTools device metrics (the window size on a Grid). An element fails when it
        has text, starts inside the viewport and ends more than 20px (``REFLOW_TOLERANCE_PX``)
        beyond it, while its parent still fits (so the cause is reported, not its
        children), unless it is or lies in content allowed to scroll in two dimensions
        (tables, images, video, canvas, svg, pre/code, maps, iframes, role=grid/img/
        application/toolbar) or is a slide cut off inside its own clipping box. Text cut
        off by ``body{overflow-x:hidden}`` still fails. ``metrics["scroll_width_at_320"]``
        is the document's scrollWidth there.
        """
        driver = self.driver
        size = None
        if self.cdp:
            driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
                "width": REFLOW_WIDTH, "height": REFLOW_HEIGHT, "deviceScaleFactor": 1, "mobile": False})
        else:
            size = driver.get_window_size()
            driver.set_window_size(REFLOW_WIDTH, REFLOW_HEIGHT + 100)
        try:
            result = self.js("reflow(arguments[0])", REFLOW_TOLERANCE_PX)
        finally:
            if self.cdp:
                driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
            elif size:
                driver.set_window_size(size["width"], size["height"])
        self.metrics["scroll_width_at_320"] = result["scroll_width"]
        self.metrics["client_width_at_320"] = result["client_width"]
        for raw in result["nodes"][:MAX_NODES_PER_RULE]:
            self.add("reflow", raw)

    def rule_resize_text(self) -> None:
        """``resize-text``: WCAG 2.1 SC 1.4.4 Resize Text (failure F69: text cut off at 200%).

        Every visible text element's font size is doubled (inline ``!important``, like
        a text-only zoom) and each box that hides overflow around text (up to five
        ancestors) is measured: a box that did not overflow before and now has content
        more than 2px wider or taller than itself, with overflow hidden in that
        direction, fails. Sizes are restored afterwards. Overlapping text whose box
        does not clip is not detected.
        """
        for raw in self.js("textZoom(arguments[0])", TEXT_ZOOM)[:MAX_NODES_PER_RULE]:
            self.add("resize-text", raw)

    # -- screenshots ------------------------------------------------------------------------------
    def screenshots(self) -> dict[str, bytes]:
        """A viewport PNG with the first offending element of up to five rules outlined in red."""
        shots: dict[str, bytes] = {}
        rules: set[str] = set()
        for node in self.nodes:
            if len(rules) >= MAX_SCREENSHOTS or self.left() < 0.5:
                break
            if node.rule in rules or not node.selector:
                continue
            target = node.selector.split(" >>> ")[0].split(" >> ")[0]  # frames and shadow hosts: the outer one
            try:
                if not self.js("mark(arguments[0])", target):
                    continue
                rules.add(node.rule)
                shots[f"{node.rule}|{node.selector}"] = self.driver.get_screenshot_as_png()
            except JavascriptException:
                continue
            finally:
                with contextlib.suppress(JavascriptException):
                    self.js("unmark()")
        return shots


class _Navigated(Exception):
    """Tab key presses left the page; the rules after them cannot run."""


def _target_selector(target: list) -> str:
    """axe's target as one string: frames joined by ``" >>> "``, shadow roots by ``" >> "``."""
    parts = []
    for part in target:
        parts.append(" >> ".join(part) if isinstance(part, list) else str(part))
    return " >>> ".join(parts)


_RULES: str | None = None
_AXE: dict[str, str] = {}


def _axe_source(path: Path) -> str:
    if str(path) not in _AXE:
        _AXE[str(path)] = path.read_text(encoding="utf-8")
    return _AXE[str(path)]


class _Browser:
    """One worker's browser: started on demand, killed and restarted after a failure."""

    def __init__(self, pool: BrowserPool) -> None:
        self.pool = pool
        self.driver: WebDriver | None = None
        self.profile: str | None = None
        self.pgid: int | None = None
        self.busy_until: float | None = None  # watchdog deadline of the current attempt
        self.fired = False

    def start(self) -> WebDriver:
        settings = self.pool.settings
        options = webdriver.ChromeOptions()
        for flag in CHROMIUM_FLAGS:
            options.add_argument(flag)
        options.add_argument(f"--window-size={WINDOW[0]},{WINDOW[1]}")
        options.page_load_strategy = "eager"  # DOMContentLoaded; the load event is waited for below, bounded
        if settings.remote_url:
            config = ClientConfig(remote_server_addr=settings.remote_url,
                                  timeout=int(settings.page_timeout) + 30)
            driver: WebDriver = webdriver.Remote(command_executor=settings.remote_url, options=options,
                                                 client_config=config)
        else:
            self.profile = tempfile.mkdtemp(prefix="govcrawl-chromium-")
            options.binary_location = self.pool.chromium
            options.add_argument(f"--user-data-dir={self.profile}")
            service = Service(executable_path=self.pool.chromedriver, popen_kw={"start_new_session": True})
            driver = webdriver.Chrome(service=service, options=options)
            self.pgid = service.process.pid  # its own session: chromedriver's pid is the group id
            self.pool.reaper.add(self.pgid, self.profile)
        driver.set_page_load_timeout(settings.page_timeout)
        driver.set_script_timeout(settings.page_timeout)
        with contextlib.suppress(WebDriverException, AttributeError):
            driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": LISTENER_HOOK})
        self.driver = driver
        return driver

    def kill(self) -> None:
        """Quit the browser; if quitting hangs or fails, kill chromedriver's process group."""
        driver, self.driver = self.driver, None
        quit_bounded(driver, self.pgid, wait=5)
        if self.pgid is not None:
            self.pool.reaper.remove(self.pgid)
            self.pgid = None
        if self.profile:
            shutil.rmtree(self.profile, ignore_errors=True)
            self.profile = None

    def hard_kill(self) -> None:
        """From the watchdog thread: end a hung attempt so the worker's pending command returns."""
        self.fired = True
        if self.pgid is not None:
            with contextlib.suppress(OSError):
                os.killpg(self.pgid, signal.SIGKILL)
        elif self.driver is not None:
            driver = self.driver

            def quit_() -> None:
                with contextlib.suppress(Exception):
                    driver.quit()

            threading.Thread(target=quit_, daemon=True).start()

    def connect(self) -> bool:
        """On a Grid, get a session before taking a page; False when none came in time.

        A Grid with fewer free slots than ``workers`` queues the request until a slot frees,
        and the other workers keep theirs until the pool closes: such a worker must not hold
        a page meanwhile.
        """
        if self.driver is not None or not self.pool.settings.remote_url:
            return True
        try:
            self.start()
        except Exception:  # noqa: BLE001 - a queue timeout surfaces as urllib3 or WebDriver errors
            self.kill()
            return False
        return True

    def audit(self, url: str) -> PageAudit:
        """Audit ``url``; after a failure restart the browser and try once more."""
        started = time.monotonic()
        failure = _PageFailed("error", "not attempted")
        for _attempt in range(2):
            try:
                audit = self.attempt(url)
                audit.elapsed_ms = int((time.monotonic() - started) * 1000)
                return audit
            except _PageFailed as exc:
                failure = exc
            self.kill()
        return PageAudit(url, status=failure.status, error=str(failure)[:500],
                         elapsed_ms=int((time.monotonic() - started) * 1000))

    def attempt(self, url: str) -> PageAudit:
        timeout = self.pool.settings.page_timeout
        self.fired = False
        # chromedriver does not always honour its page load timeout (a server that never answers
        # keeps it waiting for the renderer for 30 s): the watchdog ends the attempt shortly after.
        grace = max(0.5, timeout * 0.1)
        self.busy_until = time.monotonic() + timeout + grace + (0 if self.driver else 30)
        try:
            driver = self.driver or self.start()
            self.busy_until = time.monotonic() + timeout + grace
            page = _Page(driver, self.pool.settings, self.pool.axe_source, time.monotonic() + timeout,
                         cdp=not self.pool.settings.remote_url)
            started = time.monotonic()
            driver.get(url)
            page.metrics["dom_ready_ms"] = int((time.monotonic() - started) * 1000)
            self.wait_loaded(driver, page)
            if self.pool.settings.care_selector:
                # The elder-friendly check asks whether the homepage offers the configured entry.
                page.metrics["care_entry"] = bool(driver.execute_script(
                    "try { return !!document.querySelector(arguments[0]); } catch (e) { return false; }",
                    self.pool.settings.care_selector,
                ))
            try:
                page.run()
            except _Navigated:
                pass
            shots = page.screenshots() if self.pool.settings.screenshots else {}
            return PageAudit(url, "ok", nodes=page.nodes, axe_version=page.axe_version, metrics=page.metrics,
                             screenshots=shots)
        except TimeoutException as exc:
            raise _PageFailed("timeout", f"page took longer than {timeout:g}s: {exc.msg or 'timeout'}") from None
        except Exception as exc:  # noqa: BLE001 - a dead browser surfaces as many exception types
            if self.fired:
                raise _PageFailed("timeout", f"page hung longer than {timeout:g}s; browser killed") from None
            message = getattr(exc, "msg", None) or str(exc) or type(exc).__name__
            status = "crashed" if isinstance(exc, WebDriverException | OSError) or "crash" in message else "error"
            raise _PageFailed(status, f"{type(exc).__name__}: {message.splitlines()[0] if message else ''}") from None
        finally:
            self.busy_until = None

    @staticmethod
    def wait_loaded(driver: WebDriver, page: _Page) -> None:
        """Wait for the load event, but at most half the page's time: a stuck image or counter
        script must not cost the page its audit (the DOM and CSS are there)."""
        limit = time.monotonic() + max(0.0, page.left() / 2)
        while driver.execute_script("return document.readyState") != "complete":
            if time.monotonic() > limit:
                page.metrics["load_incomplete"] = True
                return
            time.sleep(0.05)


def quit_bounded(driver: WebDriver | None, pgid: int | None, *, wait: float) -> None:
    """Quit the driver without hanging on a hung browser, then kill chromedriver's process group."""
    if driver is not None:
        done = threading.Event()

        def quit_() -> None:
            with contextlib.suppress(Exception):
                driver.quit()
            done.set()

        threading.Thread(target=quit_, daemon=True).start()
        done.wait(wait)
    if pgid is not None:
        with contextlib.suppress(OSError):
            os.killpg(pgid, signal.SIGKILL)


class BrowserPool:
    """Headless Chromium browsers (or Grid sessions) that audit pages in parallel.

    ``BrowserPool(settings, base_dir)`` with ``settings`` an
    :class:`~govcrawl.config.Accessibility` and ``base_dir`` the directory
    ``settings.axe_script`` is relative to (the config file's). Browsers start on
    first use and are kept open between pages and between ``audit`` calls (a kept
    browser renders a simple page in well under a second; starting one takes about
    one). Use as a context manager, or call :meth:`close`.
    """

    def __init__(self, settings: Accessibility, base_dir: str | Path | None = None, *,
                 chromium: str = CHROMIUM, chromedriver: str = CHROMEDRIVER) -> None:
        global _RULES
        self.settings = settings
        self.chromium = chromium
        self.chromedriver = chromedriver
        script = AXE_JS
        if settings.axe_script:
            script = Path(settings.axe_script)
            if not script.is_absolute():
                script = Path(base_dir or ".") / script
        self.axe_source = _axe_source(script)
        if _RULES is None:
            _RULES = RULES_JS.read_text(encoding="utf-8")
        self._browsers = [_Browser(self) for _ in range(settings.workers)]
        self._lock = threading.Lock()
        self._closed = False
        self.reaper = GroupReaper()  # ends the browsers if this process is killed (kill -9)

    def __enter__(self) -> BrowserPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Quit every browser and remove its profile."""
        self._closed = True
        for browser in self._browsers:
            browser.kill()
        self.reaper.close()

    def audit(self, urls: Iterable[str]) -> Iterator[PageAudit]:
        """Render and audit each URL; yield one :class:`PageAudit` per URL as pages finish.

        Never raises for a page: failures come back as ``status`` timeout, crashed or error.
        Closing the iterator early lets the pages being rendered finish and stops the rest.
        """
        todo: queue.Queue[str] = queue.Queue()
        count = 0
        for url in urls:
            todo.put(url)
            count += 1
        if count == 0:
            return
        done: queue.Queue[PageAudit] = queue.Queue()
        stop = threading.Event()
        browsers = self._browsers[:count]
        alive = [len(browsers)]  # workers still taking pages
        alive_lock = threading.Lock()

        def work(browser: _Browser) -> None:
            while not stop.is_set():
                if not browser.connect():
                    with alive_lock:
                        if alive[0] > 1:  # the Grid's slots are taken by the other workers: leave it to them
                            alive[0] -= 1
                            return
                    # the last worker goes on: its pages are tried (and recorded as failed) as before
                try:
                    url = todo.get_nowait()
                except queue.Empty:
                    with alive_lock:
                        alive[0] -= 1
                    return
                try:
                    result = browser.audit(url)
                except Exception as exc:  # noqa: BLE001 - never lose a page to a bug in a rule
                    browser.kill()
                    result = PageAudit(url, "error", error=f"{type(exc).__name__}: {exc}"[:500])
                done.put(result)

        def watch() -> None:
            while not stop.wait(0.2):
                now = time.monotonic()
                for browser in browsers:
                    deadline = browser.busy_until
                    if deadline is not None and now > deadline and not browser.fired:
                        browser.hard_kill()

        threads = [threading.Thread(target=work, args=(b,), daemon=True, name=f"govcrawl-browser-{i}")
                   for i, b in enumerate(browsers)]
        watchdog = threading.Thread(target=watch, daemon=True, name="govcrawl-browser-watchdog")
        for thread in threads:
            thread.start()
        watchdog.start()
        try:
            for _ in range(count):
                yield done.get()
        finally:
            stop.set()
            for thread in threads:
                thread.join()
            watchdog.join()

