"""Dispute reasons: the card schemes' reason codes QA reaches for, with category and description.

A dispute names its reason as the issuer does (Visa ``10.4``, Mastercard ``4837`` ...); a code
in this table brings its scheme category and description along, so providers that report them
(Macropay's ``chargebackInfo``) show believable ones. Any other code up to 20 characters is
taken as given, with category ``Other``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

#: What a dispute names when its caller names nothing: the most frequent chargeback reason.
DEFAULT_REASON = "10.4"


@dataclass(frozen=True, slots=True)
class DisputeReason:
    code: str
    category: str
    description: str


_REASONS = (
    DisputeReason("10.4", "Fraud", "Other Fraud - Card-Absent Environment"),
    DisputeReason("11.3", "Authorization", "No Authorization"),
    DisputeReason("12.6.1", "Processing Errors", "Duplicate Processing"),
    DisputeReason("13.1", "Consumer Disputes", "Merchandise/Services Not Received"),
    DisputeReason("13.2", "Consumer Disputes", "Cancelled Recurring Transaction"),
    DisputeReason("13.3", "Consumer Disputes", "Not as Described or Defective Merchandise"),
    DisputeReason("13.6", "Consumer Disputes", "Credit Not Processed"),
    DisputeReason("4837", "Fraud", "No Cardholder Authorization"),
    DisputeReason("4834", "Point-of-Interaction Error", "Duplicate or Late Presentment"),
    DisputeReason("4853", "Cardholder Dispute", "Goods or Services Not Provided"),
)
REASONS: Mapping[str, DisputeReason] = {r.code: r for r in _REASONS}


def reason_of(code: str | None) -> DisputeReason:
    """The reason for a code (the default reason for none)."""
    wanted = code or DEFAULT_REASON
    return REASONS.get(wanted) or DisputeReason(wanted, "Other", "")
