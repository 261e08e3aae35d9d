"""Messages the templates translate from data (statuses, scenarios, modes, nav labels, flashes).

They are listed here with ``N_`` so the catalogue test extracts them and fails when one lacks a
translation; the templates translate the value at render time with ``_(value)``.
"""

from __future__ import annotations


def N_(message: str) -> str:
    return message


DYNAMIC = (
    # grant and event statuses, outcomes
    N_("active"),
    N_("pending"),
    N_("expired"),
    N_("revoked"),
    N_("allowed"),
    N_("refused"),
    N_("error"),
    N_("succeeded"),
    N_("failed"),
    # scenarios and access modes
    N_("tourism"),
    N_("governance"),
    N_("transit"),
    N_("housing_fund"),
    N_("common"),
    N_("open"),
    N_("masked"),
    N_("aggregate"),
    N_("dp"),
    N_("deny"),
    # export states
    N_("DRAFT"),
    N_("CHECKING"),
    N_("BLOCKED"),
    N_("AWAITING_REVIEW"),
    N_("RETURNED"),
    N_("APPROVED"),
    N_("REJECTED"),
    N_("RELEASED"),
    N_("REVOKED"),
    # navigation
    N_("Audit events"),
    N_("Integrity"),
    N_("Grants"),
    N_("Catalogue"),
    N_("Overdue reports"),
    N_("My grants"),
    N_("Export requests"),
    N_("Half-yearly report"),
    N_("Review queue"),
    N_("Usage and credits"),
    N_("Statements and certificates"),
    # risk and finding severities, review decisions
    N_("high"),
    N_("medium"),
    N_("low"),
    N_("block"),
    N_("review"),
    N_("info"),
    # flashes
    N_("Your decision was recorded."),
    N_("Your half-yearly report was submitted."),
    N_("Grant revoked."),
    N_("Grant already revoked."),
)
