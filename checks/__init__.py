"""The checks: pure functions over stored facts. ``ALL_CHECKS`` is the catalogue, in order."""

from checks import (
    a11y,
    backdated_post,
    broken_anchor,
    broken_link,
    elder_friendly,
    empty_column,
    expired_document,
    hidden_link,
    intranet_link,
    late_interpretation,
    late_reply,
    link_unverified,
    missing_interpretation,
    missing_metadata,
    missing_validity,
    privacy_leak,
    short_consultation,
    site_unavailable,
    stale_column,
    unanswered_message,
    unsafe_link,
    wording,
)
from checks.registry import Check, CheckContext, check_jobs, run_checks

ALL_CHECKS: list[Check] = [
    broken_link.CHECK,
    broken_anchor.CHECK,
    link_unverified.CHECK,
    privacy_leak.CHECK,
    intranet_link.CHECK,
    unsafe_link.CHECK,
    hidden_link.CHECK,
    missing_validity.CHECK,
    expired_document.CHECK,
    stale_column.CHECK,
    empty_column.CHECK,
    missing_interpretation.CHECK,
    late_interpretation.CHECK,
    a11y.CHECK,
    elder_friendly.CHECK,
    missing_metadata.CHECK,
    short_consultation.CHECK,
    wording.CHECK,
    backdated_post.CHECK,
    unanswered_message.CHECK,
    late_reply.CHECK,
    site_unavailable.CHECK,
]

__all__ = ["ALL_CHECKS", "Check", "CheckContext", "check_jobs", "run_checks"]
