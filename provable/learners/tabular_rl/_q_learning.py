r"""Discounted tabular Q-learning (Watkins 1989) with the schedule of the MATLAB/Octave
MDPtoolbox and pymdptoolbox's ``QLearning``.

One simulated trajectory of ``n_iter`` transitions, restarted from a uniform state
every ``reset_every`` steps. At step :math:`n = 1, 2, \ldots` the action is greedy in
the current Q with probability :math:`1 - 1/\ln(n + 2)` and uniform otherwise; the next
state is drawn from :math:`P(\cdot \mid s, a)` by inversion of its cumulative row; the
update is

.. math:: Q(s, a) \leftarrow Q(s, a) + \frac{1}{\sqrt{n + 2}}
          \bigl(r(s, a) + \gamma \max_b Q(s', b) - Q(s, a)\bigr).

The step size is indexed by the global step, not by the visits to (s, a), and
:math:`\sum_n \alpha_n^2 = \sum_n 1/(n + 2)` diverges, so neither the Robbins–Monro
conditions of the almost-sure convergence theorems (Watkins & Dayan 1992; Jaakkola,
Jordan & Singh 1994) nor the polynomial rates :math:`1/n^\omega`, :math:`\omega \in
(1/2, 1]`, of Even-Dar & Mansour (2003) cover it as stated: the result is an estimate,
reported with its distance ``V_error`` to the certified :math:`V^*`.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from provable._result import RichResult
from provable._validation import as_generator, check_int
from provable.errors import InvalidType, NotSupported
from provable.mdp._tabular import TabularMDP

__all__ = ["QLearningResult", "q_learning"]


class QLearningResult(RichResult):
    """Outcome of :func:`q_learning`.

    Attributes
    ----------
    Q : ndarray (S, A)
    V : ndarray (S,)
        ``Q.max(axis=1)``.
    policy : ndarray (S,) of int
        ``Q.argmax(axis=1)``.
    iterations : int
        Transitions simulated.
    mean_discrepancy : ndarray
        Mean of ``|dQ|`` over each block of 100 updates (pymdptoolbox's diagnostic).
    V_star : ndarray (S,)
        The optimal values (policy iteration, certified to ``V_star_error_bound``).
    V_error : float
        ``max |V - V_star|``.
    """

    _fields = ("iterations", "V_error", "V", "policy", "Q", "V_star")


def q_learning(mdp: TabularMDP, n_iter: int = 10_000, seed: Any = None, *,
               reset_every: int = 100) -> QLearningResult:
    r"""Q-learning on a discounted tabular MDP with pymdptoolbox's schedule.

    Parameters
    ----------
    mdp : TabularMDP
        Discounted; dense or sparse. Rewards are the expected ``r(s, a)``.
    n_iter : int, default 10 000
        Transitions simulated.
    seed : int, numpy Generator or numpy RandomState, optional
        With a ``numpy.random.RandomState`` the draws are those of pymdptoolbox's
        ``QLearning.run`` under ``numpy.random.seed``: ``RandomState(0)`` reproduces its
        published runs bit for bit. An int or Generator draws from a Generator.
    reset_every : int, default 100
        Restart from a uniform state every this many transitions.

    Returns
    -------
    QLearningResult

    Examples
    --------
    >>> import numpy as np, provable as pv
    >>> from provable.learners.tabular_rl import q_learning
    >>> P = np.array([[[0.5, 0.5], [0.8, 0.2]], [[0, 1], [0.1, 0.9]]])
    >>> small = pv.TabularMDP.from_mdptoolbox(P, [[5, 10], [-1, 2]], gamma=0.9)
    >>> res = q_learning(small, seed=np.random.RandomState(0))
    >>> res.policy.tolist(), res.V.round(6).tolist()
    ([1, 0], [40.821096, 34.37431])
    """
    if not isinstance(mdp, TabularMDP):
        raise InvalidType(f"mdp has type {type(mdp).__name__}, expected TabularMDP")
    if mdp.criterion != "discounted":
        raise NotSupported(f"q_learning needs a discounted MDP; this one is {mdp.criterion}")
    n_iter = check_int("n_iter", n_iter, min_value=1)
    reset_every = check_int("reset_every", reset_every, min_value=1)
    if isinstance(seed, np.random.RandomState):
        rs = seed

        def randint(n: int) -> int:
            return int(rs.randint(0, n))

        def uniform() -> float:
            return float(rs.random_sample())
    else:
        gen = as_generator(seed)

        def randint(n: int) -> int:
            return int(gen.integers(0, n))

        def uniform() -> float:
            return float(gen.random())

    S, A, g = mdp.S, mdp.A, float(mdp.gamma)
    R = mdp.R
    P2 = mdp.P_at()
    if mdp.sparse:
        data, indices, indptr = P2.data, P2.indices, P2.indptr
        cums = [np.cumsum(data[indptr[k]:indptr[k + 1]]) for k in range(S * A)]
        cols = [indices[indptr[k]:indptr[k + 1]] for k in range(S * A)]
    else:
        cums = list(np.cumsum(P2, axis=1))
        cols = None
    Q = np.zeros((S, A))
    discrepancy: list[float] = []
    mean_disc: list[float] = []
    s = randint(S)
    for n in range(1, n_iter + 1):
        if n % reset_every == 0:
            s = randint(S)
        if uniform() < 1 - 1 / math.log(n + 2):
            a = int(Q[s].argmax())
        else:
            a = randint(A)
        u = uniform()
        c = cums[s * A + a]
        # first successor whose cumulative probability reaches u (the last state if none)
        j = int(np.searchsorted(c, u, side="left")) if u > 0 else len(c)
        if cols is None:
            s_new = min(j, S - 1) if u > 0 else S - 1
        else:
            s_new = int(cols[s * A + a][j]) if j < len(c) else S - 1
        delta = R[s, a] + g * Q[s_new].max() - Q[s, a]
        dQ = delta / math.sqrt(n + 2)
        Q[s, a] += dQ
        s = s_new
        discrepancy.append(abs(dQ))
        if len(discrepancy) == 100:
            mean_disc.append(float(np.mean(discrepancy)))
            discrepancy = []
    from provable.solvers import policy_iteration

    ref = policy_iteration(mdp)
    V = Q.max(axis=1)
    return QLearningResult(Q=Q, V=V, policy=Q.argmax(axis=1), iterations=n_iter,
                           mean_discrepancy=np.array(mean_disc), V_star=ref.V,
                           V_star_error_bound=float(ref.error_bound),
                           V_error=float(np.abs(V - ref.V).max()))
