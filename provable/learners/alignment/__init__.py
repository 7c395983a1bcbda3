"""Closed forms of alignment: best-of-N, KL-regularised RL tilts, GDC's EBM, DPO under
partial coverage, and softmax entropy dynamics."""

from provable.learners.alignment._closed_forms import (
    best_of_n_distribution,
    best_of_n_kl,
    best_of_n_kl_bound,
    dpo_minimizers,
    dpo_population_loss,
    ebm_moment_match,
    entropy,
    entropy_change,
    kl,
    kl_constrained_tilt,
    kl_regularized_objective,
    kl_tilt,
    min_kl_cvxpy,
)
from provable.learners.alignment._memoryless import bon_vs_klrl_memoryless

__all__ = [
    "best_of_n_distribution",
    "best_of_n_kl",
    "best_of_n_kl_bound",
    "bon_vs_klrl_memoryless",
    "dpo_minimizers",
    "dpo_population_loss",
    "ebm_moment_match",
    "entropy",
    "entropy_change",
    "kl",
    "kl_constrained_tilt",
    "kl_regularized_objective",
    "kl_tilt",
    "min_kl_cvxpy",
]
