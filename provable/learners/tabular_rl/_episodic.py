r"""Front end of the episodic tabular RL simulators: validation, dispatch, results.

``run_episodes(algorithm, mdp, K, seeds)`` validates once, looks the algorithm up in
:data:`ALGORITHMS` and runs a numba kernel vectorised (``prange``-parallel) over seeds.

Regret is the *expected* (pseudo-) regret of each episode, computed exactly against
the optimum of :func:`provable.solvers.backward_induction`:

.. math:: \mathrm{regret}_k = V^*_0(s_0) - V^{\pi_k}_0(s_0),

where :math:`\pi_k` is the deterministic policy the learner plays in episode ``k``
(its greedy policy at the start of the episode) and :math:`V^{\pi_k}` is evaluated
exactly under the true model. The cumulative regret after ``K`` episodes
(``T = KH`` steps) is the quantity of Azar et al. (2017) and Jin et al. (2018).
"""

from __future__ import annotations

import math
import time
from typing import Any

import numpy as np

from provable._result import RichResult
from provable._validation import check_choice, check_int, check_real
from provable.errors import InvalidArgument, InvalidType, NotSupported
from provable.learners._random import as_seed_list
from provable.learners._random import seed_keys as _seed_keys
from provable.learners.tabular_rl import _kernels as _k
from provable.mdp import TabularMDP

__all__ = ["ALGORITHMS", "MUTATIONS", "EpisodicResult", "run_episodes", "as_seed_list", "seed_keys",
           "episodic_arrays"]

#: algorithm name -> (kernel code, options with defaults, description)
ALGORITHMS: dict[str, tuple[int, dict[str, Any], str]] = {
    "ucbvi_h": (_k.UCBVI_H, {"c": 1.0, "delta": 0.1},
                "UCBVI-CH (Azar et al. 2017): bonus c * 7 H L sqrt(1/N), L = ln(5SAT/delta)"),
    "ucbvi_b": (_k.UCBVI_B, {"c": 1.0, "delta": 0.1},
                "UCBVI-BF (Azar et al. 2017): empirical-Bernstein-Freedman bonus_2, times c"),
    "ql_ucb_h": (_k.QL_H, {"c": 1.0, "p": 0.1},
                 "Q-learning UCB-Hoeffding (Jin et al. 2018): alpha_t = (H+1)/(H+t), "
                 "b_t = c sqrt(H^3 iota / t), iota = ln(SAT/p)"),
    "ql_ucb_b": (_k.QL_B, {"c": 1.0, "p": 0.1},
                 "Q-learning UCB-Bernstein (Jin et al. 2018, Algorithm 2), c1 = c2 = c"),
    "psrl": (_k.PSRL, {"prior": 1.0},
             "PSRL (Osband et al. 2013): Dirichlet(prior + counts) transitions, known rewards"),
    "eps_greedy_q": (_k.GREEDY, {"epsilon": 0.1},
                     "Q-learning without bonus, Q_0 = 0, constant epsilon-greedy (a control "
                     "with linear regret)"),
}


#: planted implementation mistakes :func:`run_episodes` can run (``mutation=``), with the
#: value that is the algorithm itself
MUTATIONS: dict[str, tuple[float, str]] = {
    "bonus_scale": (1.0, "multiplies the bonus constant c; 0 removes the bonus, a negative "
                         "value negates it"),
    "bonus_power": (0.5, "power of the visit count in the bonus: n^-power (the bonus is "
                         "multiplied by n^(0.5 - power))"),
    "forced_exploration": (0.0, "a: in episode k every step plays a uniform action with "
                                "probability (k+1)^-a (0: off)"),
}


def _episodic_mutation(mutation: Any, name: str) -> tuple[float, float, float]:
    vals = {k: v[0] for k, v in MUTATIONS.items()}
    if mutation is None:
        return vals["bonus_scale"], vals["bonus_power"], vals["forced_exploration"]
    if not isinstance(mutation, dict):
        raise InvalidType(f"mutation={mutation!r} has type {type(mutation).__name__}, expected "
                          f"a dict with keys among {sorted(MUTATIONS)}")
    for k in mutation:
        if k not in MUTATIONS:
            raise InvalidArgument(f"mutation key {k!r} is not known, expected one of "
                                  f"{sorted(MUTATIONS)}")
        vals[k] = check_real(f"mutation[{k!r}]", mutation[k])
    if vals["bonus_power"] <= 0.0 or vals["forced_exploration"] < 0.0:
        raise InvalidArgument(f"mutation={mutation!r}: expected bonus_power > 0 and "
                              "forced_exploration >= 0")
    if name in ("psrl", "eps_greedy_q") and (vals["bonus_scale"] != 1.0
                                            or vals["bonus_power"] != 0.5):
        raise NotSupported(f"algorithm={name!r} has no bonus; mutation= can only plant "
                           "forced_exploration")
    return vals["bonus_scale"], vals["bonus_power"], vals["forced_exploration"]


class EpisodicResult(RichResult):
    """Result of :func:`run_episodes`.

    Attributes
    ----------
    algorithm : str
        Canonical algorithm name.
    options : dict
        Options actually used (defaults filled in).
    K, H, S, A : int
        Episodes, horizon, states, actions.
    seeds : ndarray(int, ndim=1)
        One run per seed (rows of the arrays below).
    regret : ndarray(float, shape=(n_seeds, K))
        Expected regret of each episode, :math:`V^*_0(s_0) - V^{\\pi_k}_0(s_0)`.
    cumulative_regret : ndarray(float, shape=(n_seeds, K))
        Running sum of ``regret``.
    V_star : float
        :math:`V^*_0(s_0)`.
    Q : ndarray(float, shape=(n_seeds, H, S, A))
        The learner's action values after the last episode (UCBVI: the optimistic
        values planned from all K episodes; Q-learning: its table; PSRL: the last
        sampled model's values).
    visits : ndarray(int, shape=(n_seeds, H, S, A))
        Visits of each (h, s, a).
    seconds : float
        Wall time of the kernel call (compilation excluded after the first call).
    """

    _fields = ("algorithm", "options", "K", "H", "S", "A", "seeds", "V_star", "seconds",
               "regret", "cumulative_regret", "Q", "visits")

    def mean_cumulative(self) -> np.ndarray:
        """Cumulative regret averaged over seeds, shape (K,)."""
        return self["cumulative_regret"].mean(axis=0)


def seed_keys(seeds: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(environment key, algorithm key) per seed, from ``SeedSequence([seed, tag])``."""
    return _seed_keys(seeds, 0x74616272)


def episodic_arrays(mdp: TabularMDP) -> tuple[np.ndarray, np.ndarray, np.ndarray, bool]:
    """``(P, cdf, R, stationary)``: dense ``(H, S*A, S)`` transitions and their row
    cumulative sums (last column exactly 1), rewards ``(H, S, A)``, and whether the
    transitions are the same at every step."""
    if not isinstance(mdp, TabularMDP):
        raise InvalidType(f"mdp has type {type(mdp).__name__}, expected TabularMDP")
    if mdp.criterion != "finite_horizon":
        raise NotSupported(f"episodic learners need a finite-horizon MDP; this one is "
                           f"{mdp.criterion} (use mdp.with_horizon(H))")
    H, S, A = mdp.horizon, mdp.S, mdp.A
    P = np.empty((H, S * A, S))
    R = np.empty((H, S, A))
    for h in range(H):
        Ph = mdp.P_at(h)
        P[h] = Ph.toarray() if hasattr(Ph, "toarray") else np.asarray(Ph)
        R[h] = mdp.R_at(h)
    if R.min() < 0 or R.max() > 1:
        raise InvalidArgument(f"rewards span [{R.min():g}, {R.max():g}], expected rewards in "
                              "[0, 1] (the bonuses of UCBVI and Q-learning assume it)")
    cdf = np.cumsum(P, axis=2)
    cdf[:, :, -1] = 1.0
    stationary = bool(np.all(P == P[0:1]))
    return P, cdf, R, stationary


def run_episodes(algorithm: str, mdp: TabularMDP, K: int, seeds: Any = 8, *,
                 initial_state: int = 0, mutation: dict[str, float] | None = None,
                 **options: Any) -> EpisodicResult:
    r"""Run an episodic tabular RL algorithm for ``K`` episodes on every seed.

    Parameters
    ----------
    algorithm : str
        One of :data:`ALGORITHMS`: ``"ucbvi_h"``, ``"ucbvi_b"``, ``"ql_ucb_h"``,
        ``"ql_ucb_b"``, ``"psrl"``, ``"eps_greedy_q"``.
    mdp : TabularMDP
        Finite-horizon model (``horizon=H``), rewards in [0, 1]. UCBVI and PSRL pool
        transitions over steps (Azar et al.'s stationary setting) and need a stationary
        ``P``; the Q-learning variants allow ``P`` of shape (H, S, A, S).
    K : int
        Number of episodes.
    seeds : int or sequence of int
        ``n`` means seeds ``0..n-1``. The same seed gives the same bits.
    initial_state : int
        The fixed start state :math:`s_0` of every episode.
    mutation : dict, optional
        A planted implementation mistake (see :data:`MUTATIONS`): ``bonus_scale``,
        ``bonus_power`` (0.5 is the paper's n^-1/2), ``forced_exploration``. Omitted
        keys keep the algorithm's own value, and the defaults give the same bits as no
        mutation.
    **options
        Algorithm options (see :data:`ALGORITHMS`): ``c`` scales the paper's bonus
        (``c=1`` is the paper's constant for UCBVI; Jin et al. leave ``c`` as an
        unspecified absolute constant), ``delta``/``p`` the failure probability in the
        log term, ``prior`` the Dirichlet prior of PSRL, ``epsilon`` of the control.

    Returns
    -------
    EpisodicResult

    Notes
    -----
    UCBVI follows Azar et al. (2017), Algorithm 2:
    :math:`Q_{k,h}(s,a) = \min(Q_{k-1,h}(s,a),\, H - h,\, r + \hat P_k V_{k,h+1} + b)`,
    with unvisited pairs at :math:`H - h`. The paper clips at :math:`H`; clipping at
    the remaining horizon keeps optimism (:math:`Q^*_h \le H - h`) and is tighter.
    The log term is :math:`L = \ln(5 S A T/\delta)`, :math:`T = KH`.

    Q-learning follows Jin et al. (2018), Algorithms 1 and 2, with time-inhomogeneous
    tables, :math:`\alpha_t = (H+1)/(H+t)` and :math:`\iota = \ln(SAT/p)`.

    Examples
    --------
    >>> import provable as pv
    >>> from provable.learners.tabular_rl import run_episodes
    >>> fh = pv.mdp.random_mdp(4, 2, gamma=None, seed=0).with_horizon(3)
    >>> res = run_episodes("ucbvi_h", fh, K=200, seeds=2, c=0.05)
    >>> res.regret.shape, bool((res.regret >= -1e-12).all())
    ((2, 200), True)
    """
    from provable.solvers import backward_induction

    name = check_choice("algorithm", algorithm, ALGORITHMS)
    code, defaults, _ = ALGORITHMS[name]
    for key in options:
        if key not in defaults:
            raise InvalidArgument(f"option {key}={options[key]!r} is not an option of "
                                  f"algorithm={name!r}; valid: {sorted(defaults)}")
    opts = {**defaults, **options}
    scale, power, forced = _episodic_mutation(mutation, name)
    K = check_int("K", K, min_value=1)
    seeds_arr = as_seed_list(seeds)
    P, cdf, R, stationary = episodic_arrays(mdp)
    H, S, A = mdp.horizon, mdp.S, mdp.A
    s0 = check_int("initial_state", initial_state, min_value=0, max_value=S - 1)
    if name in ("ucbvi_h", "ucbvi_b", "psrl") and not stationary:
        raise NotSupported(f"algorithm={name!r} pools transitions over steps and needs "
                           "stationary P; this model's P changes with h (use 'ql_ucb_h')")
    T = K * H
    c = eps = 0.0
    prior = 1.0
    log_term = 1.0
    if "c" in opts:
        c = check_real("c", opts["c"], lower=0.0)
    if "delta" in opts:
        delta = check_real("delta", opts["delta"], lower=0.0, upper=1.0, lower_open=True,
                           upper_open=True)
        log_term = math.log(5 * S * A * T / delta)
    if "p" in opts:
        p = check_real("p", opts["p"], lower=0.0, upper=1.0, lower_open=True, upper_open=True)
        log_term = math.log(S * A * T / p)
    if "prior" in opts:
        prior = check_real("prior", opts["prior"], lower=0.0, lower_open=True)
    if "epsilon" in opts:
        eps = check_real("epsilon", opts["epsilon"], lower=0.0, upper=1.0)
    vstar0 = float(backward_induction(mdp).V[0, s0])
    n = seeds_arr.size
    env_keys, alg_keys = seed_keys(seeds_arr)
    regret = np.zeros((n, K))
    Q = np.zeros((n, H, S, A))
    visits = np.zeros((n, H, S, A), dtype=np.int64)
    t0 = time.perf_counter()
    _k.run_episodic(code, P, cdf, R, H, S, A, K, s0, env_keys, alg_keys, c * scale, log_term,
                    prior, eps, vstar0, regret, Q, visits, power, forced)
    seconds = time.perf_counter() - t0
    return EpisodicResult(algorithm=name, options=opts, K=K, H=H, S=S, A=A, seeds=seeds_arr,
                          V_star=vstar0, seconds=seconds, regret=regret,
                          cumulative_regret=np.cumsum(regret, axis=1), Q=Q, visits=visits)
