r"""Simulating a user's own bandit policy on provable's instances.

A *policy* is anything with two methods,

* ``select(t) -> arm``: the arm (an int in ``0..K-1``) to pull after ``t`` rounds
  (``t = 0`` for the first pull, ``T - 1`` for the last: the "number of plays so far"
  of the index policies' formulas);
* ``update(arm, reward)``: the reward the pulled arm paid;

built afresh for every seed by a factory ``make(K, T, seed)`` (a class whose
``__init__`` takes ``(K, T, seed)`` is such a factory). :func:`simulate_policy` runs it
on a :class:`BernoulliBandit`, :class:`GaussianBandit` or :class:`SwitchingBandit` with
the environment of :func:`~provable.learners.bandits.simulate`: the reward of arm ``a``
at round ``t`` of seed ``s`` is the same number the built-in algorithms see, so a
user's UCB1 and ``simulate("ucb1", ...)`` can be compared run by run.

For speed, :class:`NumbaPolicy` takes numba-compiled ``select(state, t)`` and
``update(state, arm, reward)`` functions over a float64 ``state`` array: the whole
loop then runs compiled.
"""

from __future__ import annotations

import numbers
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

import numpy as np

from provable.errors import InvalidArgument, InvalidType, NotSupported
from provable.learners.bandits import _kernels as _k
from provable.learners.bandits._instances import (
    BanditInstance,
    BernoulliBandit,
    GaussianBandit,
    SwitchingBandit,
)
from provable.learners.bandits._simulate import (
    BanditResult,
    _checkpoints,
    _keys,
    as_seed_list,
)

__all__ = ["Policy", "NumbaPolicy", "simulate_policy"]


@runtime_checkable
class Policy(Protocol):
    """The protocol of a user's bandit policy (one object per run)."""

    def select(self, t: int) -> int:
        """The arm to pull after ``t`` rounds (``0..T-1``)."""

    def update(self, arm: int, reward: float) -> None:
        """Observe the reward of the arm pulled this round."""


@dataclass(frozen=True)
class NumbaPolicy:
    """A policy whose steps are numba-compiled functions over a float64 state array.

    Parameters
    ----------
    init : callable
        ``init(K, T, seed) -> numpy.ndarray(float64, ndim=1)``: the initial state of one
        run (plain Python).
    select : numba dispatcher
        ``select(state, t) -> int`` after ``t`` rounds, compiled with ``numba.njit``.
    update : numba dispatcher
        ``update(state, arm, reward) -> None``, compiled with ``numba.njit``; it changes
        ``state`` in place.
    name : str
        Name recorded as the result's ``algorithm``.
    """

    init: Callable[[int, int, int], np.ndarray]
    select: Any
    update: Any
    name: str = "numba policy"


def _is_dispatcher(f: Any) -> bool:
    return hasattr(f, "py_func") and hasattr(f, "signatures")


def _check_arm(arm: Any, K: int, seed: int, t: int) -> int:
    if isinstance(arm, bool) or not isinstance(arm, numbers.Integral):
        raise InvalidType(f"select(t={t}) returned {arm!r} (type {type(arm).__name__}) for "
                          f"seed={seed}, expected an int arm in 0..{K - 1}")
    a = int(arm)
    if not 0 <= a < K:
        raise InvalidArgument(f"select(t={t}) returned arm {a} for seed={seed}, expected an "
                              f"arm in 0..{K - 1}")
    return a


def _environment(instance: BanditInstance, T: int) -> tuple:
    gauss = isinstance(instance, GaussianBandit)
    means = np.ascontiguousarray(instance.means, dtype=np.float64)
    if isinstance(instance, SwitchingBandit):
        g1, g2 = instance.phase_gaps()
        gaps = np.ascontiguousarray(g1, dtype=np.float64)
        gaps2 = np.ascontiguousarray(g2, dtype=np.float64)
        means2 = np.ascontiguousarray(instance.means_after, dtype=np.float64)
        switch = int(round(instance.switch * T))
    else:
        gaps = np.ascontiguousarray(instance.gaps, dtype=np.float64)
        means2, gaps2, switch = means, gaps, T
    sigma = float(instance.sigma) if gauss else 0.0
    block = int(getattr(instance, "block", 1))
    return (gauss, means, gaps, means2, gaps2, switch, sigma, float(instance.scale), block)


_LOOP = None


def _numba_loop() -> Any:
    """The compiled loop (built on first use; it takes the policy's functions as
    arguments, so numba specialises it per policy)."""
    global _LOOP
    if _LOOP is None:
        from numba import njit

        reward = _k._reward

        @njit
        def loop(select, update, state, gauss, means, gaps, means2, gaps2, switch, sigma,
                 scale, block, ekey, T, ckpt, regret, pulls, sums):
            K = means.shape[0]
            reg = 0.0
            c_i = 0
            for t in range(T):
                arm = select(state, t)
                if arm < 0 or arm >= K:
                    return t + 1, arm
                if t < switch:
                    r = reward(gauss, means, sigma, scale, block, ekey, t, arm, K)
                    reg += gaps[arm]
                else:
                    r = reward(gauss, means2, sigma, scale, block, ekey, t, arm, K)
                    reg += gaps2[arm]
                pulls[arm] += 1
                sums[arm] += r
                update(state, arm, r)
                while c_i < ckpt.shape[0] and ckpt[c_i] == t + 1:
                    regret[c_i] = reg
                    c_i += 1
            return 0, 0

        _LOOP = loop
    return _LOOP


def simulate_policy(policy: Callable[[int, int, int], Policy] | NumbaPolicy,
                    instance: BanditInstance, T: int, seeds: Any = 8, *,
                    checkpoints: Sequence[int] | None = None,
                    name: str | None = None) -> BanditResult:
    r"""Run a user's bandit policy on an instance for ``T`` rounds, once per seed.

    Parameters
    ----------
    policy : callable or NumbaPolicy
        ``policy(K, T, seed)`` returns a fresh object with ``select(t) -> arm`` (``t``
        rounds played so far) and ``update(arm, reward)`` (a class taking
        ``(K, T, seed)`` will do); or a
        :class:`NumbaPolicy` of compiled functions (the whole loop runs compiled).
    instance : BernoulliBandit, GaussianBandit or SwitchingBandit
        The environment, with the reward table of
        :func:`~provable.learners.bandits.simulate`: run ``s`` sees the same rewards as
        a built-in algorithm on seed ``s``.
    T : int
        Horizon, ``T >= 1``.
    seeds : int or sequence of int, default 8
        ``n`` means seeds ``0..n-1``.
    checkpoints : sequence of int, optional
        Rounds at which the regret is read (default
        :func:`~provable.learners.bandits.default_checkpoints`); pass a
        :func:`~provable.proofs_checks.check_rate` grid to read a whole curve from one run.
    name : str, optional
        Recorded as the result's ``algorithm`` (default: the factory's name).

    Returns
    -------
    BanditResult
        ``regret`` is the pseudo-regret :math:`\sum_{t \le n} \Delta_{a_t}` at the
        checkpoints, as for the built-in algorithms.

    Raises
    ------
    InvalidArgument
        When ``select`` returns an arm outside ``0..K-1`` (the message names the seed
        and the round).

    Examples
    --------
    A user's own UCB1 (index :math:`\hat\mu_a + \sqrt{2 \ln t} / \sqrt{n_a}` after
    :math:`t` plays, each arm once first, ties to the lowest arm), checked against
    ``simulate("ucb1")`` run by run and
    then for a :math:`\sqrt{T}` regret bound with :func:`~provable.proofs_checks.check_rate`:

    >>> import math
    >>> import numpy as np
    >>> from provable.learners.bandits import BernoulliBandit, simulate, simulate_policy
    >>> class MyUCB1:
    ...     def __init__(self, K, T, seed):
    ...         self.n = [0] * K
    ...         self.s = [0.0] * K
    ...     def select(self, t):
    ...         for a, n in enumerate(self.n):
    ...             if n == 0:
    ...                 return a
    ...         bonus = math.sqrt(2 * math.log(t))
    ...         idx = [s / n + bonus / math.sqrt(n) for s, n in zip(self.s, self.n)]
    ...         return idx.index(max(idx))
    ...     def update(self, arm, reward):
    ...         self.n[arm] += 1
    ...         self.s[arm] += reward
    >>> bandit = BernoulliBandit([0.7, 0.5, 0.4])
    >>> mine = simulate_policy(MyUCB1, bandit, T=500, seeds=4)
    >>> ref = simulate("ucb1", bandit, T=500, seeds=4)
    >>> bool((mine.regret == ref.regret).all()), mine.algorithm
    (True, 'MyUCB1')
    >>> from provable import proofs_checks as pc
    >>> def worst_case_regret(T, seed):      # one arm ahead by sqrt(K/T): the minimax family
    ...     family = BernoulliBandit.gap_family(3, gap=math.sqrt(3 / T))
    ...     return simulate_policy(MyUCB1, family, T=T, seeds=[seed]).regret[0, -1]
    >>> v = pc.check_rate(worst_case_regret, grid=[100, 1000, 10000], expected=0.5,
    ...                   polylog=0.5, seeds=8, quantity="regret of MyUCB1")
    >>> v.status, v.control.status
    ('holds', 'violated')

    On a fixed instance, ``checkpoints=`` reads a whole curve from one run per seed,
    for :func:`~provable.proofs_checks.check_rate` with ``curve=True``:
    ``simulate_policy(MyUCB1, bandit, T=max(Ts), seeds=[seed], checkpoints=Ts).regret[0]``.
    """
    if not isinstance(instance, (BernoulliBandit, GaussianBandit)):
        raise InvalidType(f"instance={instance!r} has type {type(instance).__name__}, expected "
                          "BernoulliBandit, GaussianBandit or SwitchingBandit")
    from provable._validation import check_int

    T = check_int("T", T, min_value=1)
    seed_arr = as_seed_list(seeds)
    ckpt = _checkpoints(checkpoints, T)
    env = _environment(instance, T)
    K = instance.K
    n = seed_arr.size
    env_keys, _ = _keys(seed_arr)
    regret = np.zeros((n, ckpt.size))
    pulls = np.zeros((n, K), np.int64)
    sums = np.zeros((n, K))
    compiled = isinstance(policy, NumbaPolicy)
    if compiled:
        if not (_is_dispatcher(policy.select) and _is_dispatcher(policy.update)):
            raise InvalidType("NumbaPolicy.select and .update must be numba.njit functions "
                              "(for plain Python ones pass a factory of objects instead)")
        if not callable(policy.init):
            raise InvalidType(f"NumbaPolicy.init={policy.init!r} is not callable, expected "
                              "init(K, T, seed) -> float64 state array")
        label = name or policy.name
    elif callable(policy):
        label = name or getattr(policy, "__name__", type(policy).__name__)
    else:
        raise InvalidType(f"policy={policy!r} has type {type(policy).__name__}, expected a "
                          "factory policy(K, T, seed) of objects with select(t) and "
                          "update(arm, reward), or a NumbaPolicy")
    if isinstance(policy, str):
        raise NotSupported("a built-in algorithm name goes to simulate(name, ...)")
    gauss, means, gaps, means2, gaps2, switch, sigma, scale, block = env
    t0 = time.perf_counter()
    for i, seed in enumerate(seed_arr.tolist()):
        if compiled:
            state = policy.init(K, T, seed)
            if not isinstance(state, np.ndarray) or state.dtype != np.float64 \
                    or state.ndim != 1:
                raise InvalidType(f"NumbaPolicy.init(K={K}, T={T}, seed={seed}) returned "
                                  f"{type(state).__name__}, expected a 1-D float64 array")
            bad_t, bad_arm = _numba_loop()(
                policy.select, policy.update, state, gauss, means, gaps, means2, gaps2,
                switch, sigma, scale, block, env_keys[i], T, ckpt, regret[i], pulls[i],
                sums[i])
            if bad_t:
                _check_arm(int(bad_arm), K, seed, int(bad_t) - 1)
            continue
        run = policy(K, T, seed)
        for meth in ("select", "update"):
            if not callable(getattr(run, meth, None)):
                raise InvalidType(f"policy(K, T, seed) returned {type(run).__name__} without "
                                  f"a {meth}() method, expected select(t) -> arm and "
                                  "update(arm, reward)")
        select, update = run.select, run.update
        key = env_keys[i]
        reg = 0.0
        c_i = 0
        for t in range(T):
            arm = _check_arm(select(t), K, seed, t)
            if t < switch:
                r = _k._reward(gauss, means, sigma, scale, block, key, t, arm, K)
                reg += gaps[arm]
            else:
                r = _k._reward(gauss, means2, sigma, scale, block, key, t, arm, K)
                reg += gaps2[arm]
            pulls[i, arm] += 1
            sums[i, arm] += r
            update(arm, float(r))
            while c_i < ckpt.size and ckpt[c_i] == t + 1:
                regret[i, c_i] = reg
                c_i += 1
    secs = time.perf_counter() - t0
    return BanditResult(algorithm=label, options={}, instance=repr(instance), T=T,
                        seeds=seed_arr, checkpoints=ckpt, regret=regret, pulls=pulls,
                        seconds=secs, reward_sums=sums, observations=pulls.copy())
