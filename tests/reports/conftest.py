"""Fixtures for the report writers: the sample run written once, and a real browser."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from reports import ReportInput, write_all
from tests.browser import chromium
from tests.reports.sample_run import make_report_input


@pytest.fixture
def report_input() -> ReportInput:
    return make_report_input()


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """All four files of the sample run, written once per test module."""
    return write_all(make_report_input(), tmp_path_factory.mktemp("report"))


@pytest.fixture(scope="module")
def browser() -> Iterator:
    """One headless Chromium per module; a missing Chromium is an error, never a skip."""
    with chromium(performance_log=True) as driver:
        yield driver
