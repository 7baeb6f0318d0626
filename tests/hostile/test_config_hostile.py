"""Hostile and careless config files: refused with exit 2 and a message naming the file, key and problem.

What tests/core/test_config.py already covers (key paths of wrong values,
unknown keys under a site, invalid YAML) is not repeated; this adds what a
config file can do beyond a wrong value: YAML tags that would run code,
tabs, duplicate keys, alias bombs, absurd nesting, undecodable bytes, and the
contract's demand that the message also names the file (issue 8).
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from govcrawl.config import ConfigError, load_config
from tests.hostile.harness import run_cli

SITE = """\
sites:
  x:
    name: 测试
    start_urls: ["http://127.0.0.1:9/"]
    owner: 办公室
"""


def _file(tmp_path: Path, text: str | bytes, name: str = "sites.yaml") -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def _refused(path: Path) -> str:
    with pytest.raises(ConfigError) as err:
        load_config(path)
    return str(err.value)


# -- YAML that would run code ---------------------------------------------------------------------
@pytest.mark.parametrize("tag", [
    '!!python/object/apply:os.system ["touch {marker}"]',
    "!!python/name:os.system",
    '!!python/object/new:subprocess.Popen [["touch", "{marker}"]]',
    "!!python/module:os",
])
def test_python_tags_are_refused_and_never_run(tmp_path: Path, tag: str) -> None:
    marker = tmp_path / "pwned"
    path = _file(tmp_path, f"sites: {tag.format(marker=marker)}\n")
    message = _refused(path)
    assert str(path) in message and "line 1" in message
    assert not marker.exists()


def test_cli_refuses_python_tag_with_exit_2(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    path = _file(tmp_path, SITE + f'    region_code: !!python/object/apply:os.system ["touch {marker}"]\n')
    result = run_cli(["run", "x", "-c", str(path), "--no-browser"], timeout=120, cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert str(path) in result.stderr and "line 6" in result.stderr
    assert not marker.exists() and not (tmp_path / "reports").exists()


# -- syntax -------------------------------------------------------------------------------------------
def test_tab_indentation_names_file_and_line(tmp_path: Path) -> None:
    path = _file(tmp_path, SITE + "\tcrawl: {}\n")
    message = _refused(path)
    assert str(path) in message and "line 6" in message


def test_tab_indentation_says_what_is_wrong(tmp_path: Path) -> None:
    path = _file(tmp_path, SITE + "\tcrawl: {}\n")
    assert "tab" in _refused(path).replace(str(path), "").lower()


def test_undecodable_bytes_name_the_file(tmp_path: Path) -> None:
    path = _file(tmp_path, SITE.encode("gbk"))
    message = _refused(path)
    assert str(path) in message and "utf-8" in message.lower()


def test_duplicate_keys_are_refused(tmp_path: Path) -> None:
    path = _file(tmp_path, SITE + "    crawl: {concurrency: 4}\n    crawl: {delay: 1}\n")
    message = _refused(path)
    assert "crawl" in message and "duplicate" in message.lower()


# -- shapes that attack the parser ------------------------------------------------------------------
def _laughs(level: int) -> str:
    """Billion laughs in one flow sequence: each level defines its anchor, then repeats it by alias."""
    if level == 0:
        return "&l0 [" + ", ".join(["lol"] * 9) + "]"
    return f"&l{level} [{_laughs(level - 1)}, " + ", ".join([f"*l{level - 1}"] * 8) + "]"


def test_alias_bomb_is_refused_quickly(tmp_path: Path) -> None:
    """9**9 strings by alias: safe loading shares the nodes, and validation stops at the first wrong type."""
    text = SITE.replace('["http://127.0.0.1:9/"]', _laughs(8))
    started = time.monotonic()
    message = _refused(_file(tmp_path, text))
    assert time.monotonic() - started < 10
    assert message.startswith("sites.x.start_urls[0]:")


@pytest.mark.parametrize("text", ["sites: " + "[" * 5000 + "]" * 5000 + "\n",
                                  "sites: " + "{a: " * 3000 + "1" + "}" * 3000 + "\n"], ids=["lists", "maps"])
@pytest.mark.parametrize("kind", ["sites", "waivers"])
def test_absurd_nesting_is_a_config_error(tmp_path: Path, text: str, kind: str) -> None:
    from govcrawl.waivers import load_waivers

    path = _file(tmp_path, text if kind == "sites" else text.replace("sites:", "waivers:"), f"{kind}.yaml")
    with pytest.raises(ConfigError) as err:
        load_config(path) if kind == "sites" else load_waivers(path)
    assert str(path) in str(err.value)


def test_waivers_file_refuses_python_tags(tmp_path: Path) -> None:
    from govcrawl.waivers import load_waivers

    marker = tmp_path / "pwned"
    path = _file(tmp_path, f'waivers: !!python/object/apply:os.system ["touch {marker}"]\n', "waivers.yaml")
    with pytest.raises(ConfigError) as err:
        load_waivers(path)
    assert str(path) in str(err.value) and not marker.exists()


# -- the file's name in every message ---------------------------------------------------------------
BAD_VALUES = {
    "wrong-type": SITE.replace('["http://127.0.0.1:9/"]', '"http://127.0.0.1:9/"'),
    "unknown-top-level-key": "dataa_dir: ../data\n" + SITE,
    "unknown-site-key": SITE + "    crawl: {speed: 3}\n",
    "bad-value": SITE + "    crawl: {concurrency: 0}\n",
    "empty-file": "",
    "not-a-mapping": "- sites\n",
}


@pytest.mark.parametrize("case", sorted(BAD_VALUES))
def test_validation_errors_name_the_key_path(tmp_path: Path, case: str) -> None:
    message = _refused(_file(tmp_path, BAD_VALUES[case]))
    expected = {
        "wrong-type": "sites.x.start_urls: Input should be a valid list",
        "unknown-top-level-key": "dataa_dir: unknown key",
        "unknown-site-key": "sites.x.crawl.speed: unknown key",
        "bad-value": "sites.x.crawl.concurrency: Input should be greater than or equal to 1",
        "empty-file": "must be a mapping",
        "not-a-mapping": "must be a mapping",
    }[case]
    assert expected in message


@pytest.mark.parametrize("case", sorted(BAD_VALUES))
def test_validation_errors_name_the_file(tmp_path: Path, case: str) -> None:
    path = _file(tmp_path, BAD_VALUES[case])
    assert str(path) in _refused(path)


def test_cli_validation_error_exits_2_before_any_crawl(tmp_path: Path) -> None:
    path = _file(tmp_path, BAD_VALUES["unknown-site-key"])
    result = run_cli(["run", "x", "-c", str(path), "--no-browser"], timeout=120, cwd=tmp_path)
    assert result.returncode == 2
    assert "sites.x.crawl.speed: unknown key" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1  # one line, no traceback
    assert not (tmp_path / "data").exists() and not (tmp_path / "reports").exists()
