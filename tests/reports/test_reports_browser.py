"""report.html in a real headless Chromium: it renders, filters, runs no injected code, loads nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from selenium.common.exceptions import NoAlertPresentException
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.ui import Select, WebDriverWait

from tests.reports.sample_run import DEPARTMENTS, EMPTY_DEPARTMENT, OWNER, SCRIPT_TITLE, make_report_input

# Installed before any page script: records CSP violations, which is how a blocked
# injection attempt or a blocked external load would show.
# Schemes that never touch the network; chrome: is Chromium's own built-in
# resources (e.g. the icon of a form control), served from the browser binary.
LOCAL_SCHEMES = ("file:", "data:", "about:", "blob:", "chrome:")

RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', function (e) {
  window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI);
});
"""


@pytest.fixture(scope="module")
def loaded(browser: WebDriver, written: dict[str, Path]) -> WebDriver:
    browser.get_log("performance")  # drop events from before this page
    browser.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": RECORD_VIOLATIONS})
    browser.get(written["html"].resolve().as_uri())
    WebDriverWait(browser, 10).until(lambda d: d.find_element(By.ID, "filters").is_displayed())
    return browser


def _visible_findings(driver: WebDriver) -> list:
    return [el for el in driver.find_elements(By.CSS_SELECTOR, ".finding") if el.is_displayed()]


def test_department_sections_render(loaded: WebDriver) -> None:
    for i, name in enumerate(DEPARTMENTS, start=1):
        heading = loaded.find_element(By.ID, f"h-dept-{i}")
        assert heading.is_displayed()
        assert name in heading.text
    empty = loaded.find_element(By.ID, f"dept-{DEPARTMENTS.index(EMPTY_DEPARTMENT) + 1}")
    assert "本次未发现问题" in empty.text


def test_hostile_data_shows_as_text_and_never_runs(loaded: WebDriver) -> None:
    assert SCRIPT_TITLE in loaded.find_element(By.TAG_NAME, "body").text
    with pytest.raises(NoAlertPresentException):
        loaded.switch_to.alert  # noqa: B018 - the property access is the assertion
    assert loaded.execute_script("return typeof window.__xss") == "undefined"
    assert loaded.execute_script("return document.querySelectorAll('img').length") == 0
    assert loaded.execute_script("return document.scripts.length") == 1
    assert loaded.execute_script("return window.__cspViolations") == []


def test_no_network_request(loaded: WebDriver) -> None:
    resources = loaded.execute_script(
        "return performance.getEntriesByType('resource').map(function (e) { return e.name; })"
    )
    assert all(url.startswith(LOCAL_SCHEMES) for url in resources), resources
    requested = []
    for entry in loaded.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            requested.append(message["params"]["request"]["url"])
    assert requested, "the performance log recorded no request at all: the probe is broken"
    assert all(url.startswith(LOCAL_SCHEMES) for url in requested), requested


def test_department_filter_hides_other_departments(loaded: WebDriver) -> None:
    findings = make_report_input().findings
    before = _visible_findings(loaded)
    assert len(before) == len(findings)
    status = loaded.find_element(By.ID, "f-status")
    assert status.text == f"显示 {len(findings)} / {len(findings)} 条问题"

    owner_index = str(DEPARTMENTS.index(OWNER) + 1)
    Select(loaded.find_element(By.ID, "f-dept")).select_by_value(owner_index)
    after = _visible_findings(loaded)
    owner_count = sum(f.department == OWNER for f in findings)
    assert 0 < len(after) == owner_count < len(before)
    assert {el.get_attribute("data-dept") for el in after} == {owner_index}
    for i in range(1, len(DEPARTMENTS) + 1):
        assert loaded.find_element(By.ID, f"dept-{i}").is_displayed() == (str(i) == owner_index)
    assert status.text == f"显示 {owner_count} / {len(findings)} 条问题"

    Select(loaded.find_element(By.ID, "f-sev")).select_by_value("minor")
    minor = _visible_findings(loaded)
    assert len(minor) == sum(f.department == OWNER and f.severity == "minor" for f in findings) == 1

    loaded.find_element(By.ID, "f-reset").click()
    assert len(_visible_findings(loaded)) == len(findings)


def test_check_filter_hides_empty_groups(loaded: WebDriver) -> None:
    Select(loaded.find_element(By.ID, "f-check")).select_by_value("missing-validity")
    visible = _visible_findings(loaded)
    assert [el.get_attribute("data-check") for el in visible] == ["missing-validity"]
    groups = [g for g in loaded.find_elements(By.CSS_SELECTOR, ".check-group") if g.is_displayed()]
    assert [g.get_attribute("data-check") for g in groups] == ["missing-validity"]
    loaded.find_element(By.ID, "f-reset").click()


def test_fits_a_phone_screen(loaded: WebDriver) -> None:
    loaded.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": 375, "height": 740, "deviceScaleFactor": 2, "mobile": True},
    )
    try:
        overflow = loaded.execute_script(
            "return document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0
    finally:
        loaded.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
