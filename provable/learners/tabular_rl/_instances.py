"""Instances for episodic regret experiments."""

from __future__ import annotations

import numpy as np

from provable._validation import check_int, check_real
from provable.errors import InvalidArgument
from provable.mdp import TabularMDP

__all__ = ["hard_bandit_mdp"]


def hard_bandit_mdp(A: int = 3, H: int = 5, gap: float = 0.1, base: float = 0.5,
                    best: int | None = None) -> TabularMDP:
    r"""The bandit-in-an-MDP instance behind the :math:`\Omega(\sqrt{HSAT})` lower bounds.

    States: 0 (start), 1 (good, absorbing, reward 1 per step), 2 (bad, absorbing,
    reward 0). From state 0 action ``a`` leads to the good state with probability
    ``base`` (``base + gap`` for ``a == best``). The optimal value is
    :math:`(H-1)(\text{base} + \text{gap})`; every other first action loses
    :math:`(H-1)\,\text{gap}`.

    Parameters
    ----------
    A : int
        Actions (>= 2).
    H : int
        Horizon (>= 2).
    gap : float
        Advantage of the best action's success probability.
    base : float
        Success probability of the other actions.
    best : int, optional
        Index of the best action; default the last, so that a learner breaking ties
        towards low indices gets no free ride.

    Examples
    --------
    >>> import provable as pv
    >>> fh = hard_bandit_mdp(A=2, H=3, gap=0.1)
    >>> round(float(pv.solvers.backward_induction(fh).V[0, 0]), 12)
    1.2
    """
    A = check_int("A", A, min_value=2)
    H = check_int("H", H, min_value=2)
    base = check_real("base", base, lower=0.0, upper=1.0)
    gap = check_real("gap", gap, lower=0.0)
    best = A - 1 if best is None else check_int("best", best, min_value=0, max_value=A - 1)
    if base + gap > 1:
        raise InvalidArgument(f"base + gap = {base + gap:g}, expected <= 1")
    P = np.zeros((3, A, 3))
    P[0, :, 1] = base
    P[0, best, 1] = base + gap
    P[0, :, 2] = 1 - P[0, :, 1]
    P[1, :, 1] = 1.0
    P[2, :, 2] = 1.0
    R = np.zeros((3, A))
    R[1, :] = 1.0
    return TabularMDP(P, R, horizon=H)
