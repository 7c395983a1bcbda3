"""Claim checks: theorems as executable experiments with honest verdicts.

See :func:`verify`, :func:`check_rate`, :func:`fit_exponent` and :func:`catalogue`.
"""

from provable.proofs_checks._claim import (
    Claim,
    catalogue,
    claim,
    flags_verdict,
    get_claim,
    rate_verdict,
    residual_verdict,
)
from provable.proofs_checks._stats import ExponentFit, fit_exponent, judge_exponent
from provable.proofs_checks._verdict import Verdict

__all__ = [
    "Claim",
    "ExponentFit",
    "Verdict",
    "catalogue",
    "claim",
    "fit_exponent",
    "flags_verdict",
    "get_claim",
    "judge_exponent",
    "rate_verdict",
    "residual_verdict",
]
