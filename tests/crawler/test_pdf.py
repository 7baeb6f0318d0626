"""Printing the report to PDF with real headless Chromium (Debian chromium + chromium-driver; no mocks).

Why extracting the text proves the Chinese is readable: Chromium embeds the
glyphs it drew with a ToUnicode map. With a CJK font installed the heading comes
back as text; without one Chromium draws .notdef boxes and the same extraction
returns NUL characters instead of 汉字 (tried on this machine by hiding the font
from fontconfig). So the text assertions below fail exactly when the PDF would
show boxes, and :func:`print_pdf` refuses to print in that case.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path

import pytest
from pypdf import PdfReader

import crawler.pdf
from crawler.pdf import PdfError, print_pdf

HEADING = "2023年第三季度政府网站检查报告"
ROWS = "".join(f"<tr><td>{i}</td><td>司法局</td><td>栏目“通知公告”超过两周未更新</td></tr>" for i in range(1, 80))
REPORT = f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>{HEADING}</title>
<style>body {{ font-family: sans-serif; }} th {{ background: #dde; }} td, th {{ border: 1px solid #999; }}</style>
</head><body>
<h1>{HEADING}</h1>
<p>检查对象：银川市兴庆区人民政府门户网站</p>
<table><thead><tr><th>序号</th><th>部门</th><th>问题</th></tr></thead><tbody>{ROWS}</tbody></table>
</body></html>"""


def squeeze(text: str) -> str:
    """Text without whitespace: pypdf puts spaces where the font changes (between "2023" and "年")."""
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int, list[str]]:
    """The report printed once (starting Chromium costs a second or two); records the profile folders used."""
    folder = tmp_path_factory.mktemp("pdf")
    html = folder / "报告.html"
    html.write_text(REPORT, encoding="utf-8")
    profiles: list[str] = []
    real_mkdtemp = tempfile.mkdtemp

    def recording_mkdtemp(*args, **kwargs) -> str:
        made = real_mkdtemp(*args, **kwargs)
        profiles.append(made)
        return made

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(crawler.pdf.tempfile, "mkdtemp", recording_mkdtemp)
        pages = print_pdf(html, folder / "out" / "report.pdf", timeout=60)
    return folder / "out" / "report.pdf", pages, profiles


def test_chinese_heading_and_table_are_text_on_page_one(printed: tuple[Path, int, list[str]]) -> None:
    pdf, _, _ = printed
    first = PdfReader(pdf).pages[0].extract_text()
    assert "\x00" not in first, "Chinese printed as .notdef boxes: install a CJK font (fonts-noto-cjk)"
    assert HEADING in squeeze(first)
    assert "检查对象：银川市兴庆区人民政府门户网站" in squeeze(first)
    assert "司法局" in first and "栏目“通知公告”超过两周未更新" in squeeze(first)


def test_page_count_a4_and_footer(printed: tuple[Path, int, list[str]]) -> None:
    pdf, pages, _ = printed
    reader = PdfReader(pdf)
    assert pages == len(reader.pages) >= 2  # the returned number is the page count
    width, height = float(reader.pages[0].mediabox.width), float(reader.pages[0].mediabox.height)
    assert abs(width - 595.3) < 1.5 and abs(height - 841.9) < 1.5  # A4 in points
    assert f"第1页/共{pages}页" in squeeze(reader.pages[0].extract_text())
    assert f"第{pages}页/共{pages}页" in squeeze(reader.pages[-1].extract_text())


def test_outline_and_no_leftovers(printed: tuple[Path, int, list[str]]) -> None:
    pdf, _, profiles = printed
    assert [item.title for item in PdfReader(pdf).outline] == [HEADING]  # bookmarks from the headings
    assert [p.name for p in pdf.parent.iterdir()] == ["report.pdf"]  # written atomically, no temp file
    assert profiles and not any(Path(profile).exists() for profile in profiles)  # browser profile removed


def test_hanging_page_times_out_with_a_clear_error(tmp_path: Path) -> None:
    html = tmp_path / "hang.html"
    html.write_text("<!DOCTYPE html><meta charset='utf-8'><p>加载中</p><script>while (true) {}</script>",
                    encoding="utf-8")
    with pytest.raises(PdfError, match="打印超过 3 秒"):
        print_pdf(html, tmp_path / "hang.pdf", timeout=3)
    assert not (tmp_path / "hang.pdf").exists()


def test_refuses_without_a_cjk_font(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Fontconfig pointed at a configuration without fonts: the same view Chromium would get."""
    if shutil.which("fc-list") is None:
        pytest.skip("fc-list (fontconfig) not installed: print_pdf cannot check fonts either")
    config = tmp_path / "fonts.conf"
    config.write_text(f'<?xml version="1.0"?><fontconfig><cachedir>{tmp_path / "cache"}</cachedir></fontconfig>',
                      encoding="utf-8")
    monkeypatch.setenv("FONTCONFIG_FILE", str(config))
    html = tmp_path / "a.html"
    html.write_text(REPORT, encoding="utf-8")
    with pytest.raises(PdfError, match="未安装中文字体.*fonts-noto-cjk"):
        print_pdf(html, tmp_path / "a.pdf")
    assert not (tmp_path / "a.pdf").exists()


def test_missing_browser_or_file_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(PdfError, match="找不到要打印的 HTML 文件"):
        print_pdf(tmp_path / "none.html", tmp_path / "none.pdf")
    html = tmp_path / "a.html"
    html.write_text(REPORT, encoding="utf-8")
    monkeypatch.setattr(crawler.pdf, "CHROMEDRIVER", str(tmp_path / "chromedriver"))
    with pytest.raises(PdfError, match="请安装 Debian 软件包 chromium 和 chromium-driver"):
        print_pdf(html, tmp_path / "a.pdf")
