"""The checks: pure functions over stored facts. ``ALL_CHECKS`` is the catalogue, in order."""

from checks import broken_anchor, broken_link, intranet_link, link_unverified
from checks.registry import Check, CheckContext, run_checks

ALL_CHECKS: list[Check] = [
    broken_link.CHECK,
    broken_anchor.CHECK,
    link_unverified.CHECK,
    intranet_link.CHECK,
]

__all__ = ["ALL_CHECKS", "Check", "CheckContext", "run_checks"]
