"""The demo's data files with their placeholders filled in.

``config.yaml`` and ``expected.yaml`` are written with ``{main}``, ``{ext}`` and
``{refused}`` because the ports are chosen when the server starts; every
consumer (the CLI's demo command, the end-to-end tests, a webmaster trying
the tool) needs the same substitution, so it lives here once.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

DEMO_DIR = Path(__file__).resolve().parent
CONFIG_FILE = DEMO_DIR / "config.yaml"
EXPECTED_FILE = DEMO_DIR / "expected.yaml"
PLACEHOLDERS = ("{main}", "{ext}", "{refused}")


def fill(text: str, main: str, ext: str, refused: str) -> str:
    """Replace the three placeholders (base URLs, without a trailing slash)."""
    return (
        text.replace("{main}", main.rstrip("/"))
        .replace("{ext}", ext.rstrip("/"))
        .replace("{refused}", refused.rstrip("/"))
    )


def config_text(main: str, ext: str, refused: str) -> str:
    """The demo config as YAML text, ready to write to a file."""
    return fill(CONFIG_FILE.read_text(encoding="utf-8"), main, ext, refused)


def config_data(main: str, ext: str, refused: str) -> dict[str, Any]:
    """The demo config as loaded YAML (validate it with ``govcrawl.config.parse_config``)."""
    return yaml.safe_load(config_text(main, ext, refused))


def expected_raw() -> dict[str, Any]:
    """expected.yaml as written (placeholders kept)."""
    return yaml.safe_load(EXPECTED_FILE.read_text(encoding="utf-8"))


def expected_data(main: str, ext: str, refused: str) -> dict[str, Any]:
    """expected.yaml with real base URLs, for comparing with a run's findings.json."""
    return yaml.safe_load(fill(EXPECTED_FILE.read_text(encoding="utf-8"), main, ext, refused))
