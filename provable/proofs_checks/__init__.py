"""Claim checks: theorems as executable experiments with honest verdicts.

See :func:`verify`, :func:`verify_all`, :func:`check_rate`, :func:`fit_exponent`,
:func:`run_mutants`, :func:`falsify` (claims over instance spaces) and :func:`catalogue`;
hypothesis strategies live in :mod:`provable.proofs_checks.strategies`.
"""

from provable.proofs_checks._check_rate import check_rate
from provable.proofs_checks._claim import (
    Claim,
    Mutant,
    catalogue,
    claim,
    flags_verdict,
    get_claim,
    rate_verdict,
    residual_verdict,
)
from provable.proofs_checks._mutants import MutationReport, mutation_table, run_mutants
from provable.proofs_checks._report import read_results, write_report
from provable.proofs_checks._runner import (
    exit_code,
    failures,
    load_claim_modules,
    verify,
    verify_all,
)
from provable.proofs_checks._search import (
    InstanceSearch,
    falsify,
    replay_search,
    with_search,
    worst_case_curve,
)
from provable.proofs_checks._stats import (
    MIN_SEEDS,
    ExponentFit,
    fit_exponent,
    judge_exponent,
    projected_interval,
)
from provable.proofs_checks._verdict import Verdict

__all__ = [
    "Claim",
    "Mutant",
    "MutationReport",
    "ExponentFit",
    "InstanceSearch",
    "Verdict",
    "catalogue",
    "check_rate",
    "claim",
    "exit_code",
    "failures",
    "falsify",
    "fit_exponent",
    "flags_verdict",
    "get_claim",
    "judge_exponent",
    "MIN_SEEDS",
    "projected_interval",
    "load_claim_modules",
    "rate_verdict",
    "run_mutants",
    "mutation_table",
    "read_results",
    "replay_search",
    "residual_verdict",
    "verify",
    "verify_all",
    "with_search",
    "worst_case_curve",
    "write_report",
]
