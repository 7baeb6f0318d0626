"""The README's catalogue equals the registry; the layering contracts hold."""

import re
import subprocess
import sys
from pathlib import Path

from checks import ALL_CHECKS
from govcrawl.cli import catalogue_markdown

ROOT = Path(__file__).resolve().parents[2]


def test_readme_catalogue_is_generated_from_registry():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"<!-- catalogue:start -->\n(.*?)\n<!-- catalogue:end -->", readme, re.S)
    assert block, "README.md lacks the catalogue markers"
    assert block.group(1).strip() == catalogue_markdown().strip(), (
        "README catalogue is stale: paste the output of `govcrawl checks --markdown`"
    )


def test_every_check_declares_its_metadata():
    ids = [c.id for c in ALL_CHECKS]
    assert len(ids) == len(set(ids))
    for check in ALL_CHECKS:
        assert re.fullmatch(r"[a-z][a-z0-9]*(-[a-z0-9]+)*", check.id)  # a11y has a digit
        assert re.search(r"[\u4e00-\u9fff]", check.title), check.id
        assert check.basis and check.fix and check.summary and check.func is not None


def test_import_layering_contracts():
    lint = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(lint)], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
