"""Policy gradient on tabular MDPs with exact gradients: softmax PG (Mei et al. 2020)
and natural policy gradient (Kakade 2001; Agarwal et al. 2021).

Examples
--------
>>> import numpy as np, provable as pv
>>> from provable.learners import policy_gradient as pg
>>> mdp = pv.mdp.random_mdp(3, 2, gamma=0.9, seed=0)
>>> pg.gradient(mdp, np.zeros((3, 2))).shape
(3, 2)
"""

from provable.learners.policy_gradient import general_utility
from provable.learners.policy_gradient._exact import (
    METHODS,
    PGResult,
    gradient,
    objective,
    run_policy_gradient,
)
from provable.learners.policy_gradient._lqr import ScalarLQR
from provable.learners.policy_gradient._stochastic import (
    STOCHASTIC_METHODS,
    TRAJECTORIES_PER_ITERATION,
    StochasticPGResult,
    gpomdp_estimates,
    run_stochastic_pg,
)

__all__ = ["METHODS", "PGResult", "gradient", "objective", "run_policy_gradient", "ScalarLQR",
           "STOCHASTIC_METHODS", "TRAJECTORIES_PER_ITERATION", "StochasticPGResult",
           "gpomdp_estimates", "run_stochastic_pg", "general_utility"]
