r"""Stochastic and delayed multi-armed bandits, simulated with numba and vectorised over seeds.

>>> from provable.learners.bandits import BernoulliBandit, simulate
>>> res = simulate("moss", BernoulliBandit([0.6, 0.5, 0.5]), T=1000, seeds=8)
>>> res.regret.shape[0], int(res.checkpoints[-1])
(8, 1000)

Algorithms (see :data:`ALGORITHMS`): UCB1, KL-UCB, MOSS, Thompson sampling (Beta and
Gaussian), EXP3, explore-then-commit, epsilon-greedy (a planted linear-regret baseline)
and Banker-OMD for delayed feedback. Any algorithm runs with delayed feedback through
``simulate(..., delay=d)``. A policy of your own (``select(t)``, ``update(arm, reward)``)
runs on the same environment through :func:`simulate_policy`.
"""

from provable.learners.bandits._instances import (
    BanditInstance,
    BernoulliBandit,
    GaussianBandit,
    SwitchingBandit,
    auer_ucb1_bound,
    kl_bernoulli,
    lai_robbins_constant,
)
from provable.learners.bandits._policy import NumbaPolicy, Policy, simulate_policy
from provable.learners.bandits._simulate import (
    ALGORITHMS,
    MUTATIONS,
    BanditResult,
    as_seed_list,
    default_checkpoints,
    etc_default_m,
    exp3_gamma,
    exp3_probabilities,
    klucb_index,
    moss_index,
    simulate,
    ucb1_index,
)

__all__ = [
    "ALGORITHMS",
    "BanditInstance",
    "BanditResult",
    "BernoulliBandit",
    "GaussianBandit",
    "MUTATIONS",
    "NumbaPolicy",
    "Policy",
    "SwitchingBandit",
    "as_seed_list",
    "auer_ucb1_bound",
    "default_checkpoints",
    "etc_default_m",
    "exp3_gamma",
    "exp3_probabilities",
    "kl_bernoulli",
    "klucb_index",
    "lai_robbins_constant",
    "moss_index",
    "simulate",
    "simulate_policy",
    "ucb1_index",
]
