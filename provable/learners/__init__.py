"""Learners: the algorithms the theorems are about, simulated fast and vectorised over seeds.

Subpackages (imported explicitly; this module imports none of them, so that
``import provable.learners`` does no work and no subpackage depends on another):

- :mod:`provable.learners.bandits` — stochastic and delayed multi-armed bandits
  (UCB1, KL-UCB, MOSS, Thompson sampling, EXP3, ETC, Banker-OMD).
- :mod:`provable.learners.oco` — online convex optimisation.
- :mod:`provable.learners.games` — learning in games.
- :mod:`provable.learners.alignment` — closed forms of RLHF / alignment (best-of-N, KL-RL, GDC).
- :mod:`provable.learners.tabular_rl`, :mod:`provable.learners.generative`,
  :mod:`provable.learners.policy_gradient`, :mod:`provable.learners.linear_rl` —
  reinforcement learning.

Examples
--------
>>> from provable.learners import bandits
>>> bandits.BernoulliBandit([0.5, 0.4]).K
2
"""

# subpackages are listed, never imported here (``from provable.learners import bandits``)
__all__ = ["alignment", "bandits", "games", "generative", "linear_rl", "oco", "policy_gradient",
           "tabular_rl"]
