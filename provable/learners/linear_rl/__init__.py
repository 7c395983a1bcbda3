"""Learners for linear function approximation: LSVI-UCB (linear MDPs) and OFUL / LinUCB
(stochastic linear bandits)."""

from provable.learners.linear_rl._lsvi_ucb import LinearRLResult, lsvi_ucb, lsvi_ucb_beta
from provable.learners.linear_rl._oful import linucb, oful, random_linear_bandit

__all__ = ["LinearRLResult", "linucb", "lsvi_ucb", "lsvi_ucb_beta", "oful",
           "random_linear_bandit"]
