"""Online convex optimisation: OGD, Hedge, (optimistic) OMD, FTRL, generalized implicit
FTRL and an unconstrained learner for losses with growing gradients.

All learners return an :class:`OCOResult` (iterates, gradients, losses, regret).
"""

from provable.learners.oco._basic import ftrl, hedge, ogd, omd, optimistic_omd
from provable.learners.oco._common import OCOResult, project
from provable.learners.oco._implicit import (
    LinearModelLosses,
    generalized_implicit_ftrl,
    implicit_ftrl,
)
from provable.learners.oco._unbounded import unbounded_ftrl

__all__ = [
    "LinearModelLosses",
    "OCOResult",
    "ftrl",
    "generalized_implicit_ftrl",
    "hedge",
    "implicit_ftrl",
    "ogd",
    "omd",
    "optimistic_omd",
    "project",
    "unbounded_ftrl",
]
