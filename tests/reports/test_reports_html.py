"""report.html as text: escaped page data, no external resource, a CSP that matches its own code."""

from __future__ import annotations

import base64
import hashlib
import html
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from reports.data import ReportInput
from reports.html import environment, render
from tests.reports.sample_run import DEPARTMENTS, EMPTY_DEPARTMENT, HOSTILE_URL, JS_TARGET, SCRIPT_TITLE


@pytest.fixture(scope="module")
def page(written: dict[str, Path]) -> str:
    return written["html"].read_text(encoding="utf-8")


def test_every_template_autoescapes() -> None:
    env = environment()
    for name in env.list_templates(extensions=["j2"]):
        assert env.from_string("{{ x }}").render(x="<b>") == "&lt;b&gt;", name
        template = env.get_template(name)
        assert template.environment.autoescape is True


def test_page_data_is_escaped(page: str) -> None:
    assert SCRIPT_TITLE not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<img" not in page
    assert page.count("<script") == 1  # only our own filter script
    assert 'onerror="' not in page


def test_non_web_urls_are_not_links(page: str) -> None:
    assert 'href="javascript:' not in page.replace(" ", "")
    assert "javascript:window.__xss=3;alert(3)" in page  # shown, as text
    assert JS_TARGET.startswith("javascript:")


def test_hostile_url_is_a_quoted_attribute(page: str) -> None:
    escaped = (
        HOSTILE_URL.replace("&", "&amp;").replace('"', "&#34;").replace("<", "&lt;").replace(">", "&gt;")
    )
    assert f'href="{escaped}"' in page


class _Tags(HTMLParser):
    """Every start tag with its attributes, as a browser would tokenize them."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def _tags(page: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = _Tags()
    parser.feed(page)
    return parser.tags


def test_self_contained(page: str) -> None:
    tags = _tags(page)
    loading = {"src", "srcset", "data", "poster", "background", "action", "formaction"}
    assert not [(t, a) for t, a in tags if loading & set(a)]
    assert not [
        t for t, _ in tags if t in {"link", "img", "iframe", "object", "embed", "video", "audio", "base"}
    ]
    assert {t for t, a in tags if "href" in a} == {"a"}
    assert [t for t, _ in tags].count("script") == 1
    assert "@import" not in page and "url(" not in page and "@font-face" not in page


def test_csp_allows_exactly_the_inline_blocks(page: str) -> None:
    csp = html.unescape(re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page).group(1))
    assert "default-src 'none'" in csp
    for tag in ("style", "script"):
        body = re.search(rf"<{tag}>(.*?)</{tag}>", page, re.S).group(1)
        digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
        assert f"{tag}-src 'sha256-{digest}'" in csp


def test_sections_and_catalogue(page: str, report_input: ReportInput) -> None:
    for i, name in enumerate(DEPARTMENTS, start=1):
        assert f'id="dept-{i}"' in page
        assert name in page
    empty = page.split(f'id="dept-{DEPARTMENTS.index(EMPTY_DEPARTMENT) + 1}"')[1].split("</section>")[0]
    assert "本次未发现问题" in empty
    catalogue = page.split('id="catalogue"')[1]
    for check in report_input.catalogue:
        assert check.id in catalogue and check.title in catalogue and check.basis in catalogue
    assert "<summary>另见 8 个页面</summary>" in page
    assert "<summary>共 20 项</summary>" in page  # the 20 linking pages are folded away
    assert "修改建议" in page


def test_header_facts(page: str) -> None:
    assert "检查日期" in page and "2023-11-01" in page
    assert "20231101T020000-test" in page
    assert "42 个" in page


def test_render_is_deterministic(report_input: ReportInput) -> None:
    assert render(report_input) == render(report_input)


def test_templates_compiled_by_an_earlier_run_give_the_same_report(tmp_path: Path, report_input: ReportInput) -> None:
    """Each run keeps the templates it compiled (reports.html._compiled_templates); the next one loads them."""
    from jinja2 import FileSystemBytecodeCache

    from reports.html import context

    env = environment()
    assert isinstance(env.bytecode_cache, FileSystemBytecodeCache)
    fresh = env.overlay(bytecode_cache=FileSystemBytecodeCache(str(tmp_path)))
    compiled = fresh.get_template("report.html.j2").render(context(report_input))
    kept = sorted(path.name for path in tmp_path.iterdir())
    assert len(kept) == 1 and kept[0].endswith(".cache")  # what the first run left
    reloaded = env.overlay(bytecode_cache=FileSystemBytecodeCache(str(tmp_path)))
    assert reloaded.get_template("report.html.j2").render(context(report_input)) == compiled
    assert render(report_input) == compiled
