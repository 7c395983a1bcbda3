r"""LSVI-UCB (Jin, Yang, Wang & Jordan 2020, arXiv:1907.05388, Algorithm 1).

Episode k, step h = H-1 … 0, with :math:`\Lambda_h = \lambda I + \sum_\tau
\phi(s^\tau_h, a^\tau_h)\phi(s^\tau_h, a^\tau_h)^\top`:

.. math::

    w_h = \Lambda_h^{-1} \sum_\tau \phi(s^\tau_h, a^\tau_h)
          \big[r_h(s^\tau_h, a^\tau_h) + \max_a Q_{h+1}(s^\tau_{h+1}, a)\big], \qquad
    Q_h = \min\{\phi^\top w_h + \beta \|\phi\|_{\Lambda_h^{-1}},\ H\},

then act greedily. :math:`\Lambda_h^{-1}` is kept by Sherman–Morrison rank-one
updates. Because the state space is finite, the regression target is accumulated
through transition counts (:math:`\sum_\tau \phi_\tau V(s'_\tau) = \Phi^\top N_h V`),
which is the same sum in O(SA·S) per step instead of O(k) — an exact rewrite, not an
approximation. Regret is the *expected* pseudo-regret
:math:`\sum_k V^*_0(s_0) - V^{\pi_k}_0(s_0)`, each term computed exactly on the model.
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np

from provable._result import RichResult
from provable._validation import as_generator, check_int, check_real
from provable.errors import InvalidArgument, InvalidType
from provable.mdp._linear import LinearMDP

__all__ = ["LinearRLResult", "lsvi_ucb", "lsvi_ucb_beta", "seed_list", "checkpoint_grid",
           "bonus_mutation"]

_MUTATION_DEFAULTS = {"bonus_scale": 1.0, "bonus_power": 0.5, "forced_exploration": 0.0}


class LinearRLResult(RichResult):
    """Result of :func:`lsvi_ucb`, :func:`~provable.learners.linear_rl.oful` and
    :func:`~provable.learners.linear_rl.linucb`.

    Attributes
    ----------
    algorithm : str
    options : dict
        Parameters used (beta, lambda, …).
    seeds : ndarray(int) (n_seeds,)
    checkpoints : ndarray(int)
        Episodes (LSVI-UCB) or rounds (bandits) at which regret was read.
    regret : ndarray (n_seeds, n_checkpoints)
        Expected pseudo-regret of each run.
    optimum : float
        :math:`V^*_0(s_0)` or the best arm's mean.
    state : dict
        Final learner statistics per seed (``Lambda_inv``, ``counts``, ``Q``, ``w`` …)
        for inspection and tests.
    seconds : float
    """

    _fields = ("algorithm", "options", "seeds", "checkpoints", "regret", "optimum", "seconds")

    @property
    def mean_regret(self) -> np.ndarray:
        """Regret averaged over seeds, one value per checkpoint."""
        return self["regret"].mean(axis=0)


def seed_list(seeds: Any) -> np.ndarray:
    """``int n`` -> seeds ``0..n-1``; a sequence of non-negative ints -> itself."""
    if isinstance(seeds, (int, np.integer)) and not isinstance(seeds, bool):
        return np.arange(check_int("seeds", seeds, min_value=1), dtype=np.int64)
    arr = np.asarray(seeds)
    if arr.ndim != 1 or arr.size == 0 or not np.issubdtype(arr.dtype, np.integer) or (arr < 0).any():
        raise InvalidArgument(f"seeds={seeds!r}, expected an int n >= 1 or a non-empty 1-D "
                              "sequence of non-negative ints")
    return arr.astype(np.int64)


def checkpoint_grid(n: int, checkpoints: Any, name: str) -> np.ndarray:
    """Validate checkpoints (increasing, in [1, n]); default: only ``n``."""
    if checkpoints is None:
        return np.array([n], dtype=np.int64)
    cp = np.asarray(checkpoints, dtype=np.int64)
    if cp.ndim != 1 or cp.size == 0 or cp.min() < 1 or cp.max() > n or (np.diff(cp) <= 0).any():
        raise InvalidArgument(f"checkpoints={checkpoints!r}, expected increasing values in "
                              f"[1, {name}={n}]")
    return cp


def bonus_mutation(mutation: Any) -> tuple[float, float, float]:
    r"""Validate a planted-mistake dict of the optimistic linear learners.

    Keys (all optional): ``bonus_scale`` (multiplies the bonus; 0 removes it, a negative
    value makes it pessimistic), ``bonus_power`` (the exponent p of the bonus
    :math:`\beta (\phi^\top\Lambda^{-1}\phi)^p`; 1/2 is the algorithm, 1/4 shrinks
    like :math:`n^{-1/4}`), ``forced_exploration`` (a > 0: a uniform action with
    probability :math:`t^{-a}`). ``None`` or the defaults are the algorithm bit for bit.

    Returns ``(bonus_scale, bonus_power, forced_exploration)``.

    Examples
    --------
    >>> from provable.learners.linear_rl._lsvi_ucb import bonus_mutation
    >>> bonus_mutation(None), bonus_mutation({"bonus_scale": 0.0})
    ((1.0, 0.5, 0.0), (0.0, 0.5, 0.0))
    """
    if mutation is None:
        mutation = {}
    if not isinstance(mutation, dict):
        raise InvalidType(f"mutation={mutation!r}, expected a dict with keys "
                          f"{sorted(_MUTATION_DEFAULTS)}")
    for k in mutation:
        if k not in _MUTATION_DEFAULTS:
            raise InvalidArgument(f"mutation key {k!r} is not known, expected one of "
                                  f"{sorted(_MUTATION_DEFAULTS)}")
    m = {**_MUTATION_DEFAULTS, **mutation}
    scale = check_real("mutation['bonus_scale']", m["bonus_scale"])
    power = check_real("mutation['bonus_power']", m["bonus_power"], lower=0.0, lower_open=True)
    forced = check_real("mutation['forced_exploration']", m["forced_exploration"], lower=0.0)
    return scale, power, forced


def lsvi_ucb_beta(d: int, H: int, K: int, delta: float = 0.05, c: float = 1.0) -> float:
    r"""The bonus scale of Jin et al. (2020, Thm 3.1): :math:`\beta = c\, d H \sqrt{\iota}`,
    :math:`\iota = \log(2 d T / \delta)`, T = KH (the theorem needs an absolute
    constant c; c = 1 here by default).

    Examples
    --------
    >>> round(lsvi_ucb_beta(d=4, H=5, K=1000), 3)
    73.736
    """
    return float(c * d * H * np.sqrt(np.log(2 * d * K * H / delta)))


def lsvi_ucb(lin: LinearMDP, K: int, seeds: Any = 8, *, beta: float | None = None,
             c_beta: float = 1.0, lam: float = 1.0, delta: float = 0.05, eps: float = 0.0,
             s0: int = 0, checkpoints: Any = None, mutation: dict | None = None
             ) -> LinearRLResult:
    r"""Run LSVI-UCB for K episodes on a known-to-the-experimenter linear MDP.

    The learner sees only the features, the observed rewards and the sampled
    transitions; the model is used to sample and to score the regret exactly.

    Parameters
    ----------
    lin : LinearMDP
    K : int
        Episodes per run.
    seeds : int or sequence of int, default 8
        One independent run per seed.
    beta : float, optional
        Bonus scale; default :func:`lsvi_ucb_beta` ``(d, H, K, delta, c_beta)``.
    c_beta : float, default 1
        Constant in the default beta.
    lam : float, default 1
        Ridge parameter :math:`\lambda`.
    delta : float, default 0.05
    eps : float, default 0
        Probability of a uniformly random action at each step (0 = LSVI-UCB; a
        positive value with ``beta=0`` is the epsilon-greedy LSVI baseline).
    s0 : int, default 0
        Initial state of every episode.
    checkpoints : array_like(int), optional
        Episodes at which to read the regret (default: K only).
    mutation : dict, optional
        A planted implementation mistake (see :func:`bonus_mutation`); the default is
        the algorithm.

    Returns
    -------
    LinearRLResult
        ``state`` holds per seed: ``Lambda_inv`` (H, d, d), ``counts`` (H, S*A, S),
        ``visits`` (H, S*A), ``Q`` (H, S, A) and ``w`` (H, d) of the planning step
        after the last episode.

    Examples
    --------
    >>> from provable.mdp._linear_generators import random_linear_mdp
    >>> from provable.learners.linear_rl import lsvi_ucb
    >>> lin = random_linear_mdp(S=6, A=2, d=3, horizon=3, seed=0)
    >>> res = lsvi_ucb(lin, K=200, seeds=2, c_beta=0.1, checkpoints=[100, 200])
    >>> res.regret.shape
    (2, 2)
    """
    from provable.learners.linear_rl import _kernels as _k
    from provable.solvers.linear.lsvi import lsvi

    if not isinstance(lin, LinearMDP):
        raise InvalidType(f"lin has type {type(lin).__name__}, expected LinearMDP")
    K = check_int("K", K, min_value=1)
    lam = check_real("lam", lam, lower=0.0, lower_open=True)
    delta = check_real("delta", delta, lower=0.0, upper=1.0, lower_open=True, upper_open=True)
    eps = check_real("eps", eps, lower=0.0, upper=1.0)
    s0 = check_int("s0", s0, min_value=0, max_value=lin.S - 1)
    H, S, A, d = lin.horizon, lin.S, lin.A, lin.d
    if beta is None:
        beta = lsvi_ucb_beta(d, H, K, delta, check_real("c_beta", c_beta, lower=0.0))
    beta = check_real("beta", beta, lower=0.0)
    scale, power, forced = bonus_mutation(mutation)
    seeds = seed_list(seeds)
    cps = checkpoint_grid(K, checkpoints, "K")
    Phi = np.ascontiguousarray(lin.features)
    P = np.ascontiguousarray(np.stack([lin.P_at(h).reshape(S * A, S) for h in range(H)]))
    R = np.ascontiguousarray(lin.R.reshape(H, S * A))
    v_star = float(lsvi(lin).V[0, s0])
    t0 = time.perf_counter()
    regret = np.zeros((seeds.size, cps.size))
    st = {"Lambda_inv": np.zeros((seeds.size, H, d, d)),
          "counts": np.zeros((seeds.size, H, S * A, S)),
          "visits": np.zeros((seeds.size, H, S * A)),
          "Q": np.zeros((seeds.size, H, S * A)), "w": np.zeros((seeds.size, H, d))}
    for i, sd in enumerate(seeds):
        rng = as_generator(int(sd))
        U = rng.random((K, 3, H))
        _k.lsvi_ucb_run(Phi, P, R, s0, v_star, beta * scale, lam, eps, U[:, 0], U[:, 1],
                        U[:, 2], cps, H, S, A, regret[i], st["Lambda_inv"][i],
                        st["counts"][i], st["visits"][i], st["Q"][i], st["w"][i], power,
                        forced)
    st["Q"] = st["Q"].reshape(seeds.size, H, S, A)
    return LinearRLResult(algorithm="lsvi_ucb" if eps == 0 else "lsvi_eps_greedy",
                          options={"beta": beta, "lam": lam, "delta": delta, "eps": eps,
                                   "s0": s0, "K": K, **({"mutation": dict(mutation)}
                                                         if mutation else {})},
                          seeds=seeds, checkpoints=cps, regret=regret, optimum=v_star,
                          seconds=time.perf_counter() - t0, state=st)
