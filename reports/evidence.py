"""Evidence and URLs made readable: a small tree for HTML, indented text for spreadsheets.

Evidence is check-specific (strings, numbers, lists, nested dicts). The
writers show it as it is, keys included, so a webmaster can verify a finding
without re-crawling; they never reinterpret it. Turning it into a tree here
keeps the Jinja template free of type tests.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

# A list longer than this is folded away (HTML <details>) so one finding with
# 300 linking pages does not push every other finding off the screen.
INLINE_LIST_MAX = 5


def web_href(value: object) -> str | None:
    """The value as a link target when it is an http(s) URL, else None.

    Only http and https become links: a crawled ``javascript:`` or ``data:``
    URL must stay inert text in a report that webmasters click through.
    """
    if not isinstance(value, str) or not value:
        return None
    try:
        scheme = urlsplit(value.strip()).scheme.lower()
    except ValueError:
        return None
    return value.strip() if scheme in ("http", "https") else None


def scalar_text(value: object) -> str:
    """One evidence leaf as Chinese-friendly text."""
    if value is None:
        return "（无）"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


@dataclass
class EvidenceNode:
    """One key or list item: ``kind`` is text, list or map; ``href`` is set for web URLs."""

    kind: str
    key: str | None = None
    text: str = ""
    href: str | None = None
    children: list[EvidenceNode] = field(default_factory=list)

    @property
    def folded(self) -> bool:
        """Whether HTML should collapse this list behind <details>."""
        return self.kind == "list" and len(self.children) > INLINE_LIST_MAX

    @property
    def inline(self) -> bool:
        """Whether a short list fits on one line (only plain values do)."""
        return self.kind == "list" and all(c.kind == "text" for c in self.children)


def _node(key: str | None, value: Any, labels: Mapping[str, str]) -> EvidenceNode:
    shown = labels.get(key, key) if key is not None else None
    if isinstance(value, Mapping):
        return EvidenceNode("map", shown, children=[_node(str(k), v, labels) for k, v in value.items()])
    if isinstance(value, list | tuple | set | frozenset):
        items = sorted(value, key=str) if isinstance(value, set | frozenset) else value
        return EvidenceNode("list", shown, children=[_node(None, v, labels) for v in items])
    text = scalar_text(value)
    return EvidenceNode("text", shown, text=text, href=web_href(text))


def evidence_tree(evidence: Mapping[str, Any] | None, labels: Mapping[str, str] | None = None) -> list[EvidenceNode]:
    """The evidence dict as nodes in its own key order; keys shown by their Chinese ``labels``.

    The labels are declared by the checks beside their code (the JSON keeps the
    machine keys); a key without a label is shown as it is.
    """
    labels = labels or {}
    return [_node(str(k), v, labels) for k, v in (evidence or {}).items()]


def _lines(node: EvidenceNode, depth: int) -> list[str]:
    pad = "  " * depth
    label = f"{node.key}: " if node.key is not None else "- "
    if node.kind == "text":
        return [f"{pad}{label}{node.text}"]
    if node.kind == "list" and all(c.kind == "text" for c in node.children):
        joined = ", ".join(c.text for c in node.children)
        if len(joined) <= 80:
            return [f"{pad}{label}{joined}" if node.children else f"{pad}{label}（空）"]
    head = f"{pad}{node.key}:" if node.key is not None else f"{pad}-"
    return [head] + [line for child in node.children for line in _lines(child, depth + 1)]


def evidence_text(evidence: Mapping[str, Any] | None, labels: Mapping[str, str] | None = None) -> str:
    """Evidence as indented ``key: value`` lines, for one spreadsheet cell."""
    return "\n".join(line for node in evidence_tree(evidence, labels) for line in _lines(node, 0))
