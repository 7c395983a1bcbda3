r"""Front end of the bandit simulators: validation, dispatch, :class:`BanditResult`.

``simulate(algorithm, instance, T, seeds)`` validates once, looks the algorithm up in
:data:`ALGORITHMS` and runs a numba kernel vectorised (and ``prange``-parallel) over
seeds. The regret reported is the *pseudo-regret* of each run,
:math:`\sum_{t\le n} \Delta_{a_t}`, read at the checkpoints ``n``.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from typing import Any

import numpy as np

from provable._result import RichResult
from provable._validation import check_choice, check_int, check_real
from provable.errors import InvalidArgument, InvalidType, NotSupported
from provable.learners._random import as_seed_list, seed_keys
from provable.learners.bandits import _kernels as _k
from provable.learners.bandits._instances import (
    BanditInstance,
    BernoulliBandit,
    GaussianBandit,
    SwitchingBandit,
)

__all__ = ["BanditResult", "ALGORITHMS", "MUTATIONS", "simulate", "default_checkpoints", "ucb1_index",
           "moss_index", "klucb_index", "exp3_probabilities", "exp3_gamma", "etc_default_m",
           "as_seed_list"]

_CODES = {"ucb1": _k.UCB1, "klucb": _k.KLUCB, "moss": _k.MOSS, "thompson": _k.THOMPSON,
          "exp3": _k.EXP3, "etc": _k.ETC, "eps_greedy": _k.EPS_GREEDY}

#: algorithm name -> (options with defaults, one-line description)
ALGORITHMS: dict[str, tuple[dict[str, Any], str]] = {
    "ucb1": ({}, "UCB1 (Auer et al. 2002): mean + sqrt(2 ln t / n)"),
    "klucb": ({"c": 0.0, "tol": 1e-10},
              "KL-UCB (Garivier & Cappe 2011): max q, n KL(mean, q) <= ln t + c ln ln t"),
    "moss": ({"horizon": None},
             "MOSS (Audibert & Bubeck 2009): mean + sqrt(max(ln(T/(K n)), 0) / n)"),
    "thompson": ({}, "Thompson sampling: Beta(1+S, 1+F) (Bernoulli) or "
                     "N(S/(n+1), sigma^2/(n+1)) (Gaussian, Agrawal & Goyal 2013)"),
    "exp3": ({"gamma": None}, "EXP3 (Auer et al. 2002b), gamma = min(1, sqrt(K ln K/((e-1)T)))"),
    "etc": ({"m": None}, "explore-then-commit: m pulls per arm round-robin, then the best mean"),
    "eps_greedy": ({"epsilon": 0.1}, "epsilon-greedy with a constant epsilon (linear regret)"),
    "banker_omd": ({"eta_scale": 1.0, "delay_adaptive": True, "scale_free": True,
                    "loss_power": 2.0, "delay_m2": True, "strength_power": 0.5},
                   "delayed scale-free log-barrier FTRL, stand-in for Banker-OMD "
                   "(Huang, Dai & Huang 2023)"),
}


class BanditResult(RichResult):
    """Result of :func:`simulate`.

    Attributes
    ----------
    algorithm : str
        Canonical algorithm name.
    options : dict
        Algorithm options actually used (defaults filled in).
    instance : str
        ``repr`` of the instance.
    T : int
        Horizon.
    seeds : ndarray(int, ndim=1)
        One run per seed (rows of ``regret`` and ``pulls``).
    checkpoints : ndarray(int, ndim=1)
        Rounds ``n`` at which the regret was read (ascending, last = ``T``).
    regret : ndarray(float, shape=(n_seeds, n_checkpoints))
        Pseudo-regret :math:`\\sum_{t \\le n} \\Delta_{a_t}` of each run.
    pulls : ndarray(int, shape=(n_seeds, K))
        Number of pulls of each arm (rows sum to ``T``).
    reward_sums, observations : ndarray(shape=(n_seeds, K))
        Sum and number of the rewards *observed* (arrived) per arm at the end; with
        delays, ``observations`` may be below ``pulls``.
    seconds : float
        Wall time of the kernel call (compile excluded after the first call).
    """

    _fields = ("algorithm", "options", "instance", "T", "seeds", "checkpoints", "regret",
               "pulls", "seconds")

    @property
    def mean_regret(self) -> np.ndarray:
        """Regret averaged over seeds, one value per checkpoint."""
        return self["regret"].mean(axis=0)


def _keys(seeds: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return seed_keys(seeds, 0x62616E64)


def default_checkpoints(T: int, n: int = 20) -> np.ndarray:
    """About ``n`` geometrically spaced rounds in ``[1, T]``, always ending with ``T``.

    Examples
    --------
    >>> default_checkpoints(1000, 4).tolist()
    [1, 10, 100, 1000]
    """
    T = check_int("T", T, min_value=1)
    c = np.unique(np.round(np.geomspace(1, T, num=max(min(T, n), 1))).astype(np.int64))
    c[-1] = T
    return np.unique(c)


def _checkpoints(checkpoints: Any, T: int) -> np.ndarray:
    if checkpoints is None:
        return default_checkpoints(T)
    c = np.asarray(checkpoints)
    if c.ndim != 1 or c.size == 0 or not np.issubdtype(c.dtype, np.integer):
        raise InvalidArgument(f"checkpoints={checkpoints!r}, expected a 1-D sequence of ints")
    c = c.astype(np.int64)
    if c.min() < 1 or c.max() > T:
        raise InvalidArgument(f"checkpoints range [{c.min()}, {c.max()}], expected within [1, T={T}]")
    if np.any(np.diff(c) <= 0):
        raise InvalidArgument("checkpoints must be strictly increasing")
    return c


def _delays(delay: Any, T: int) -> tuple[np.ndarray, np.ndarray, int, bool]:
    """Arrival schedule: rounds sorted by arrival, start offsets per round, ring size."""
    if delay is None:
        d = np.zeros(T, np.int64)
    elif isinstance(delay, (int, np.integer)) and not isinstance(delay, bool):
        d = np.full(T, check_int("delay", delay, min_value=0), np.int64)
    else:
        d = np.asarray(delay)
        if d.shape != (T,) or not np.issubdtype(d.dtype, np.integer):
            raise InvalidArgument(f"delay has shape {d.shape} and dtype {d.dtype}, expected an int "
                                  f"or an integer array of shape (T,)=({T},)")
        if (d < 0).any():
            i = int(np.argmax(d < 0))
            raise InvalidArgument(f"delay[{i}]={int(d[i])}, expected a non-negative delay")
        d = d.astype(np.int64)
    arrival = np.arange(T, dtype=np.int64) + d + 1
    order = np.argsort(arrival, kind="stable").astype(np.int64)
    start = np.searchsorted(arrival[order], np.arange(T + 1), side="left").astype(np.int64)
    return order, start, int(d.max()) + 1, bool(d.any())


def etc_default_m(T: int, K: int) -> int:
    r"""Default exploration length of ETC: :math:`m = \max(1, \lceil (T/K)^{2/3} \rceil)`
    pulls per arm (capped at :math:`\lfloor T/K \rfloor`), the gap-free tuning with regret
    :math:`O(K^{1/3} T^{2/3})` (Lattimore & Szepesvári 2020, ch. 6 notes)."""
    return int(max(1, min(math.ceil((T / K) ** (2 / 3)), T // K)))


def exp3_gamma(T: int, K: int) -> float:
    r"""EXP3's exploration rate of Auer et al. (2002b), Corollary 3.2 with :math:`g = T`:
    :math:`\gamma = \min\{1, \sqrt{K \ln K / ((e - 1) T)}\}` (regret :math:`\le 2.63\sqrt{TK\ln K}`)."""
    return float(min(1.0, math.sqrt(K * math.log(K) / ((math.e - 1) * T))))


def _options(algorithm: str, given: dict[str, Any]) -> dict[str, Any]:
    defaults = ALGORITHMS[algorithm][0]
    for k in given:
        if k not in defaults:
            raise InvalidArgument(f"option {k}={given[k]!r} is not known for algorithm="
                                  f"{algorithm!r}, expected one of {sorted(defaults)}")
    return {**defaults, **given}


#: planted implementation mistakes :func:`simulate` can run (``mutation=``), with the
#: value that is the algorithm itself
MUTATIONS: dict[str, tuple[float, str]] = {
    "bonus_scale": (1.0, "multiplies the exploration bonus (UCB1, MOSS) or the KL-UCB "
                         "level; 0 removes it, a negative value negates it"),
    "bonus_power": (0.5, "power of the pull count in the bonus: n^-power (UCB1, MOSS)"),
    "forced_exploration": (0.0, "a: with probability t^-a a uniformly random arm is pulled "
                                "(0: off)"),
    "importance_weighting": (1.0, "EXP3 divides the reward by the arm's probability (1) or "
                                  "not (0)"),
}


def _mutation(mutation: Any, algorithm: str) -> np.ndarray:
    vec = np.array([MUTATIONS[k][0] for k in MUTATIONS], np.float64)
    if mutation is None:
        return vec
    if not isinstance(mutation, dict):
        raise InvalidType(f"mutation={mutation!r} has type {type(mutation).__name__}, expected "
                          f"a dict with keys among {sorted(MUTATIONS)}")
    for i, k in enumerate(MUTATIONS):
        if k in mutation:
            vec[i] = check_real(f"mutation[{k!r}]", mutation[k])
    for k in mutation:
        if k not in MUTATIONS:
            raise InvalidArgument(f"mutation key {k!r} is not known, expected one of "
                                  f"{sorted(MUTATIONS)}")
    if algorithm == "banker_omd" and any(mutation[k] != MUTATIONS[k][0] for k in mutation
                                         if k in ("bonus_scale", "bonus_power")):
        raise NotSupported("mutation= is not implemented for algorithm='banker_omd'")
    if not 0.0 <= vec[2] or vec[1] <= 0.0:
        raise InvalidArgument(f"mutation={mutation!r}: expected forced_exploration >= 0 and "
                              "bonus_power > 0")
    return vec


def simulate(algorithm: str, instance: BanditInstance, T: int, seeds: Any = 8, *,
             checkpoints: Sequence[int] | None = None, delay: Any = None,
             record: bool = False, mutation: dict[str, float] | None = None,
             **options: Any) -> BanditResult:
    r"""Simulate a bandit algorithm on an instance for ``T`` rounds, once per seed.

    Parameters
    ----------
    algorithm : str, or a policy of your own
        One of :data:`ALGORITHMS`, or a factory ``policy(K, T, seed)`` of objects with
        ``select(t) -> arm`` and ``update(arm, reward)`` or a
        :class:`~provable.learners.bandits.NumbaPolicy`, run on the same environment by
        :func:`~provable.learners.bandits.simulate_policy`. The names:
        ``"ucb1"``, ``"klucb"`` (options ``c=0``, ``tol``),
        ``"moss"`` (``horizon=T``), ``"thompson"``, ``"exp3"`` (``gamma``), ``"etc"``
        (``m``), ``"eps_greedy"`` (``epsilon``), ``"banker_omd"`` (``eta_scale``,
        ``delay_adaptive``, ``scale_free``).
    instance : BernoulliBandit or GaussianBandit
        The environment. Rewards of ``BernoulliBandit(scale=L)`` are in ``{0, L}``; the
        index policies divide by ``L``; Banker-OMD sees the losses ``L - reward``.
    T : int
        Horizon, ``T >= 1``.
    seeds : int or sequence of int, default 8
        ``n`` means seeds ``0..n-1``. A run depends only on its own seed.
    checkpoints : sequence of int, optional
        Rounds at which the regret is recorded (default :func:`default_checkpoints`).
    delay : int or array_like(int, shape=(T,)), optional
        Feedback delay: the reward of round ``t`` is observed at round ``t + d_t + 1``
        (``0`` = the usual bandit). Index policies treat an arm with no observed reward
        yet as having an infinite index.
    record : bool, default False
        Keep the pulled arms and rewards (``arms``, ``rewards``, shape ``(n_seeds, T)``).
    mutation : dict, optional
        A planted implementation mistake (see :data:`MUTATIONS`), e.g.
        ``{"bonus_scale": 0.0}`` (no exploration bonus) or
        ``{"forced_exploration": 0.3}``; used by the claims' mutant batteries.
    **options
        Algorithm options (unknown names raise :class:`~provable.errors.InvalidArgument`).

    Returns
    -------
    BanditResult

    Notes
    -----
    UCB1 and MOSS bonuses are for rewards in [0, 1]; on a Gaussian instance they are
    multiplied by :math:`2\sigma` (a [0, 1] variable is 1/2-sub-Gaussian). KL-UCB uses
    the Bernoulli KL on Bernoulli instances and the Gaussian KL
    :math:`(q - \mu)^2 / (2\sigma^2)` on Gaussian ones. EXP3 and Banker-OMD need
    Bernoulli instances (bounded rewards). Ties go to the lowest arm index.

    ``"banker_omd"`` is a *stand-in* for Banker-OMD (Huang, Dai & Huang, ICML 2023,
    arXiv 2301.10500): log-barrier FTRL on the importance-weighted losses that have
    arrived, with the scale-free, delay-adaptive strength
    :math:`\sigma_t = c\sqrt{(Q_t + M_t^2 D_t)/(K \ln(t+2))}` (Q: sum of squared
    observed losses, M: their max, D_t: delay accrued so far). Without delay it equals
    the Banker-OMD recursion with a loan from the previous round only; the paper's
    budget-lending rule under delay was not reconstructed (see the claim's citation).

    Examples
    --------
    >>> from provable.learners.bandits import BernoulliBandit, simulate
    >>> res = simulate("ucb1", BernoulliBandit([0.9, 0.8]), T=2000, seeds=4)
    >>> res.regret.shape[0], int(res.pulls.sum(axis=1)[0])
    (4, 2000)
    >>> again = simulate("ucb1", BernoulliBandit([0.9, 0.8]), T=2000, seeds=4)
    >>> bool((res.regret == again.regret).all())
    True
    """
    if not isinstance(algorithm, str):   # a user's own policy
        from provable.learners.bandits._policy import simulate_policy

        extra = [k for k, x in (("delay", delay), ("mutation", mutation)) if x is not None]
        extra += ["record=True"] * bool(record) + sorted(options)
        if extra:
            raise NotSupported(f"{', '.join(extra)} is for the built-in algorithms; a policy "
                               "of your own runs without delay, record, mutation or options")
        return simulate_policy(algorithm, instance, T, seeds, checkpoints=checkpoints)
    algorithm = check_choice("algorithm", algorithm, ALGORITHMS)
    if not isinstance(instance, (BernoulliBandit, GaussianBandit)):
        raise InvalidType(f"instance={instance!r} has type {type(instance).__name__}, expected "
                          "BernoulliBandit or GaussianBandit")
    T = check_int("T", T, min_value=1)
    seed_arr = as_seed_list(seeds)
    ckpt = _checkpoints(checkpoints, T)
    order, start, ring, delayed = _delays(delay, T)
    opts = _options(algorithm, options)
    mut = _mutation(mutation, algorithm)
    K = instance.K
    gauss = isinstance(instance, GaussianBandit)
    sigma = instance.sigma if gauss else 0.0
    env_keys, alg_keys = _keys(seed_arr)
    n = seed_arr.size
    regret = np.zeros((n, ckpt.size))
    pulls = np.zeros((n, K), np.int64)
    means = np.ascontiguousarray(instance.means, dtype=np.float64)
    gaps = np.ascontiguousarray(instance.gaps, dtype=np.float64)
    rec_a = np.zeros((n, T) if record else (1, 1), np.int64)

    if algorithm == "banker_omd" and isinstance(instance, SwitchingBandit):
        raise NotSupported("algorithm='banker_omd' is not implemented for a SwitchingBandit")
    if algorithm in ("exp3", "banker_omd") and gauss:
        raise NotSupported(f"algorithm={algorithm!r} needs bounded rewards; got a GaussianBandit")

    if algorithm == "banker_omd":
        eta = check_real("eta_scale", opts["eta_scale"], lower=0.0, lower_open=True)
        opts["eta_scale"] = eta
        opts["delay_adaptive"] = bool(opts["delay_adaptive"])
        opts["scale_free"] = bool(opts["scale_free"])
        loss_tot = np.zeros((n, K))
        realized = np.zeros((n, ckpt.size))
        t0 = time.perf_counter()
        _k.simulate_banker(means, gaps, float(instance.scale), int(instance.block), T, ckpt,
                           order, start, ring, eta, opts["delay_adaptive"], opts["scale_free"], env_keys, alg_keys,
                           regret, pulls, loss_tot, realized, rec_a, bool(record), mut,
                           float(opts["loss_power"]), bool(opts["delay_m2"]),
                           float(opts["strength_power"]))
        secs = time.perf_counter() - t0
        res = BanditResult(algorithm=algorithm, options=opts, instance=repr(instance), T=T,
                           seeds=seed_arr, checkpoints=ckpt, regret=regret, pulls=pulls,
                           seconds=secs, realized_regret=realized, loss_totals=loss_tot,
                           total_delay=_total_delay(delay, T))
        if record:
            res["arms"] = rec_a
        return res

    scale = float(instance.scale)
    bonus = 2.0 * sigma if gauss else scale
    if algorithm == "ucb1":
        prm = [bonus]
    elif algorithm == "klucb":
        c = check_real("c", opts["c"], lower=0.0)
        tol = check_real("tol", opts["tol"], lower=0.0, lower_open=True)
        opts.update(c=c, tol=tol)
        prm = [c, tol]
    elif algorithm == "moss":
        h = T if opts["horizon"] is None else check_int("horizon", opts["horizon"], min_value=1)
        opts["horizon"] = h
        prm = [float(h), bonus]
    elif algorithm == "exp3":
        g = exp3_gamma(T, K) if opts["gamma"] is None else check_real(
            "gamma", opts["gamma"], lower=0.0, upper=1.0, lower_open=True)
        opts["gamma"] = g
        prm = [g]
    elif algorithm == "etc":
        m = etc_default_m(T, K) if opts["m"] is None else check_int("m", opts["m"], min_value=1)
        opts["m"] = m
        prm = [float(m)]
    elif algorithm == "eps_greedy":
        prm = [check_real("epsilon", opts["epsilon"], lower=0.0, upper=1.0)]
    else:
        prm = [0.0]
    sums = np.zeros((n, K))
    obs = np.zeros((n, K), np.int64)
    rec_r = np.zeros((n, T) if record else (1, 1))
    t0 = time.perf_counter()
    if isinstance(instance, SwitchingBandit):
        g1, g2 = instance.phase_gaps()
        gaps = np.ascontiguousarray(g1, dtype=np.float64)
        gaps2 = np.ascontiguousarray(g2, dtype=np.float64)
        means2 = np.ascontiguousarray(instance.means_after, dtype=np.float64)
        switch = int(round(instance.switch * T))
    else:
        means2, gaps2, switch = means, gaps, T
    _k.simulate_stochastic(_CODES[algorithm], np.asarray(prm, np.float64), mut, means, gaps,
                           means2, gaps2, switch, gauss,
                           float(sigma), scale, int(instance.block), T, ckpt, order, start,
                           delayed, ring, env_keys, alg_keys, regret, pulls, sums, obs, rec_a,
                           rec_r, bool(record))
    secs = time.perf_counter() - t0
    res = BanditResult(algorithm=algorithm, options=opts, instance=repr(instance), T=T,
                       seeds=seed_arr, checkpoints=ckpt, regret=regret, pulls=pulls,
                       seconds=secs, reward_sums=sums, observations=obs)
    if record:
        res["arms"] = rec_a
        res["rewards"] = rec_r
    return res


def _total_delay(delay: Any, T: int) -> int:
    if delay is None:
        return 0
    if isinstance(delay, (int, np.integer)):
        return int(delay) * T
    return int(np.asarray(delay).sum())


# ---------------------------------------------------------------------------
# index functions: the same code the kernels run, callable from Python


def ucb1_index(sums: Any, counts: Any, t: int) -> np.ndarray:
    r"""UCB1 indices :math:`\bar x_i + \sqrt{2 \ln t / n_i}` (``inf`` where :math:`n_i = 0`).

    Examples
    --------
    >>> ucb1_index([3.0, 1.0], [4, 2], 6).round(4).tolist()
    [1.6965, 1.8386]
    """
    s = np.asarray(sums, float)
    c = np.asarray(counts, float)
    with np.errstate(divide="ignore", invalid="ignore"):
        v = s / c + np.sqrt(2.0 * math.log(t) / c)
    return np.where(c > 0, v, np.inf)


def moss_index(sums: Any, counts: Any, horizon: int) -> np.ndarray:
    r"""MOSS indices :math:`\bar x_i + \sqrt{\max(\ln(T/(K n_i)), 0)/n_i}`.

    Examples
    --------
    >>> moss_index([3.0, 1.0], [4, 2], 100).round(4).tolist()
    [1.5446, 1.7686]
    """
    s = np.asarray(sums, float)
    c = np.asarray(counts, float)
    K = s.size
    with np.errstate(divide="ignore", invalid="ignore"):
        v = s / c + np.sqrt(np.maximum(np.log(horizon / (K * c)), 0.0) / c)
    return np.where(c > 0, v, np.inf)


def klucb_index(mean: float, n: int, t: int, c: float = 0.0, tol: float = 1e-12) -> float:
    r"""KL-UCB index: the largest :math:`q \in [\hat\mu, 1]` with
    :math:`n\,\mathrm{KL}(\hat\mu, q) \le \ln t + c \ln\ln t` (Bernoulli KL).

    Computed by the kernel's safeguarded Newton iteration (from above, bracketed) to
    ``tol``.

    Examples
    --------
    >>> q = klucb_index(0.5, 10, 100)
    >>> from provable.learners.bandits import kl_bernoulli
    >>> abs(10 * kl_bernoulli(0.5, q) - math.log(100)) < 1e-9
    True
    """
    mean = check_real("mean", mean, lower=0.0, upper=1.0)
    n = check_int("n", n, min_value=1)
    t = check_int("t", t, min_value=1)
    lt = math.log(t)
    lvl = lt + c * math.log(lt) if lt > 1 else lt
    return float(_k.klucb_root(mean, float(n), lvl, tol))


def exp3_probabilities(log_weights: Any, gamma: float) -> np.ndarray:
    r"""EXP3's distribution :math:`(1-\gamma)\,w_i / \sum_j w_j + \gamma / K` from log-weights.

    Examples
    --------
    >>> exp3_probabilities([0.0, math.log(3.0)], 0.2).round(12).tolist()
    [0.3, 0.7]
    """
    lw = np.ascontiguousarray(log_weights, dtype=np.float64)
    g = check_real("gamma", gamma, lower=0.0, upper=1.0)
    out = np.empty_like(lw)
    _k.exp3_probs(lw, g, out)
    return out
