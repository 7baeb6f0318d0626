"""findings.csv: BOM for Excel, one row per finding, formula-like cells neutralised."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from reports.csv import HEADER
from reports.tabular import FORMULA_TRIGGERS, is_formula_like, neutralise_formula
from tests.reports.sample_run import FORMULA_MESSAGE, FORMULA_TARGET, SCRIPT_TITLE, make_report_input


@pytest.fixture(scope="module")
def rows(written: dict[str, Path]) -> list[list[str]]:
    text = written["csv"].read_bytes().decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text, newline="")))


def test_starts_with_bom(written: dict[str, Path]) -> None:
    assert written["csv"].read_bytes().startswith(b"\xef\xbb\xbf")


def test_header_and_one_row_per_finding(rows: list[list[str]]) -> None:
    assert tuple(rows[0]) == HEADER
    assert HEADER[0] == "部门"
    assert len(rows) == 1 + len(make_report_input().findings)
    assert all(len(row) == len(HEADER) for row in rows)
    assert [row[0] for row in rows[1:]] == [f.department for f in make_report_input().findings]


def test_values_survive_including_multiline_evidence(rows: list[list[str]]) -> None:
    first = dict(zip(HEADER, rows[1], strict=True))
    assert first["页面标题"] == SCRIPT_TITLE
    assert first["另见页面数"] == "8"
    assert "http_status: 404\n" in first["证据"]


def test_formula_like_cells_get_an_apostrophe(rows: list[list[str]]) -> None:
    cells = [cell for row in rows for cell in row]
    assert "'" + FORMULA_MESSAGE in cells
    assert "'" + FORMULA_TARGET in cells
    assert "'-3 张图片缺少替代文本（alt）。" in cells
    assert not [cell for cell in cells if is_formula_like(cell)]


@pytest.mark.parametrize("trigger", FORMULA_TRIGGERS)
def test_every_trigger_is_neutralised(trigger: str) -> None:
    assert neutralise_formula(f"{trigger}1+1") == f"'{trigger}1+1"
    assert neutralise_formula(f"  {trigger}1+1").startswith("'")


def test_ordinary_text_is_untouched() -> None:
    for text in ("链接已失效", "https://www.example.gov.cn/", "404", "a-b", ""):
        assert neutralise_formula(text) == text
