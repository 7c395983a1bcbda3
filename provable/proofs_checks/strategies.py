r"""Hypothesis strategies for learning-theory objects.

Every strategy validates its arguments when called (a bad argument raises
:class:`~provable.errors.InvalidArgument` naming it) and returns a
``hypothesis.strategies.SearchStrategy`` that composes with the rest of hypothesis::

    from hypothesis import given
    from provable.proofs_checks import strategies as pst

    @given(pst.tabular_mdps(max_states=5, gamma=0.9))
    def test_value_iteration_is_certified(mdp):
        ...

Shrinking goes towards small models with simple numbers (few states and actions,
one-hot transition rows, zero rewards).

The first call of :func:`tabular_mdps` in a process solves a two-state model of each
kind it draws (dense, sparse; discounted or finite horizon), and the first call of
:func:`bandit_instances` or :func:`gap_scaled_bandits` runs the bandit simulator once,
so that numba's compiled kernels are loaded when the strategy is built, while pytest
collects the test, and not in the first example: loading them takes about a second,
longer than hypothesis's default deadline. Tests that call :func:`provable.solve` or
:func:`~provable.learners.bandits.simulate` on the drawn objects then run under any
profile on the first try. The ``thorough`` profile (1000 examples, no
deadline) is registered by provable's pytest plugin, loaded automatically
(``pytest --hypothesis-profile thorough``).

=========================  ===========================================================
strategy                   draws
=========================  ===========================================================
``probability_vectors``    1-D arrays ``p >= 0`` with ``p.sum() == 1`` (to 1e-12)
``stochastic_matrices``    2-D arrays whose rows are probability vectors
``tabular_mdps``           :class:`provable.TabularMDP` (dense or sparse CSR ``P``)
``bandit_instances``       Bernoulli or Gaussian bandits (``provable.learners.bandits``)
``gap_scaled_bandits``     one arm ahead by :math:`\Delta = c\sqrt{K/T}` (minimax family)
``preference_matrices``    ``P + P.T == 1`` with ``1/2`` on the diagonal
``loss_sequences``         ``(T, d)`` loss arrays bounded by ``bound``
``dfas``                   :class:`provable.automata.DFA` (transition table, accepting set)
=========================  ===========================================================
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from provable._validation import check_choice, check_int, check_real, check_valid_interval
from provable.errors import InvalidArgument

__all__ = [
    "bandit_instances",
    "dfas",
    "gap_scaled_bandits",
    "loss_sequences",
    "preference_matrices",
    "probability_vectors",
    "stochastic_matrices",
    "tabular_mdps",
]

_BANDIT_KINDS = ("bernoulli", "gaussian")


# ---------------------------------------------------------------------------
# helpers


def _sizes(name: str, value: int | None, min_name: str, min_size: int, max_name: str,
           max_size: int, floor: int = 1) -> st.SearchStrategy[int]:
    """Strategy of sizes: ``just(value)`` when given, else ``integers(min_size, max_size)``."""
    if value is not None:
        return st.just(check_int(name, value, min_value=floor))
    min_size = check_int(min_name, min_size, min_value=floor)
    max_size = check_int(max_name, max_size, min_value=floor)
    check_valid_interval(min_size, max_size, min_name, max_name)
    return st.integers(min_size, max_size)


_UNIT = st.floats(0.0, 1.0, allow_nan=False, allow_subnormal=False)


def _normalise_rows(draw: Any, w: np.ndarray) -> np.ndarray:
    """Divide each last-axis row of non-negative weights by its sum; a zero row gets a
    one-hot entry at a drawn index (so shrinking reaches deterministic rows)."""
    w = np.array(w, dtype=float)
    flat = w.reshape(-1, w.shape[-1])
    for i in np.flatnonzero(flat.sum(axis=1) <= 0):
        flat[i, draw(st.integers(0, w.shape[-1] - 1))] = 1.0
    return flat / flat.sum(axis=1, keepdims=True)


def _weights(draw: Any, shape: tuple[int, ...], full_support: bool) -> np.ndarray:
    elements = st.floats(1e-3, 1.0, allow_nan=False) if full_support else _UNIT
    return draw(hnp.arrays(np.float64, shape, elements=elements))


# ---------------------------------------------------------------------------
# distributions


@st.composite
def _probability_vectors(draw: Any, sizes: st.SearchStrategy[int], full_support: bool
                         ) -> np.ndarray:
    n = draw(sizes)
    return _normalise_rows(draw, _weights(draw, (1, n), full_support))[0]


def probability_vectors(n: int | None = None, *, min_size: int = 1, max_size: int = 10,
                        full_support: bool = False) -> st.SearchStrategy[np.ndarray]:
    """Probability vectors: 1-D float arrays, non-negative, summing to 1 (to 1e-12).

    Parameters
    ----------
    n : int, optional
        Fixed length; otherwise drawn in ``[min_size, max_size]``.
    min_size, max_size : int
        Length range when ``n`` is ``None``.
    full_support : bool
        Every entry strictly positive.

    Examples
    --------
    >>> from provable.proofs_checks import strategies as pst
    >>> p = pst.probability_vectors(4).example()
    >>> p.shape, bool(abs(p.sum() - 1) < 1e-12), bool((p >= 0).all())
    ((4,), True, True)
    """
    return _probability_vectors(_sizes("n", n, "min_size", min_size, "max_size", max_size), bool(full_support))


@st.composite
def _stochastic_matrices(draw: Any, rows: st.SearchStrategy[int], cols: st.SearchStrategy[int],
                         full_support: bool) -> np.ndarray:
    r, c = draw(rows), draw(cols)
    return _normalise_rows(draw, _weights(draw, (r, c), full_support))


def stochastic_matrices(n_rows: int | None = None, n_cols: int | None = None, *,
                        min_size: int = 1, max_size: int = 8, square: bool = False,
                        full_support: bool = False) -> st.SearchStrategy[np.ndarray]:
    """Row-stochastic matrices: each row is a probability vector.

    Parameters
    ----------
    n_rows, n_cols : int, optional
        Fixed shape; each missing one is drawn in ``[min_size, max_size]``.
    min_size, max_size : int
        Size range of drawn dimensions.
    square : bool
        ``n_cols == n_rows`` (a Markov chain's transition matrix).
    full_support : bool
        Every entry strictly positive (an irreducible, aperiodic chain when square).

    Examples
    --------
    >>> from provable.proofs_checks import strategies as pst
    >>> M = pst.stochastic_matrices(3, square=True).example()
    >>> M.shape, bool(abs(M.sum(axis=1) - 1).max() < 1e-12)
    ((3, 3), True)
    """
    rows = _sizes("n_rows", n_rows, "min_size", min_size, "max_size", max_size)
    if square:
        if n_cols is not None and n_rows is not None and n_cols != n_rows:
            raise InvalidArgument(f"n_cols={n_cols!r} != n_rows={n_rows!r} with square=True")
        fixed = n_rows if n_rows is not None else n_cols
        rows = _sizes("n_rows", fixed, "min_size", min_size, "max_size", max_size)

        @st.composite
        def _square(draw: Any) -> np.ndarray:
            n = draw(rows)
            return draw(_stochastic_matrices(st.just(n), st.just(n), bool(full_support)))

        return _square()
    cols = _sizes("n_cols", n_cols, "min_size", min_size, "max_size", max_size)
    return _stochastic_matrices(rows, cols, bool(full_support))


# ---------------------------------------------------------------------------
# MDPs


@st.composite
def _tabular_mdps(draw: Any, states: st.SearchStrategy[int], actions: st.SearchStrategy[int],
                  sparse: bool | None, gamma: float | None, horizon: int | None,
                  max_reward: float) -> Any:
    from provable.mdp import TabularMDP  # imported lazily: mdp is optional for this module

    S, A = draw(states), draw(actions)
    w = _weights(draw, (S, A, S), False)
    is_sparse = draw(st.booleans()) if sparse is None else sparse
    if is_sparse:  # drop entries so the CSR matrix is genuinely sparse
        keep = draw(hnp.arrays(np.bool_, (S, A, S)))
        w = np.where(keep, w, 0.0)
    P = _normalise_rows(draw, w).reshape(S, A, S)
    R = draw(hnp.arrays(np.float64, (S, A),
                        elements=st.floats(0.0, max_reward, allow_nan=False,
                                           allow_subnormal=False)))
    if horizon is None:
        g = draw(st.floats(0.0, 0.99, allow_nan=False)) if gamma is None else gamma
    else:
        g = 1.0 if gamma is None else gamma
    if is_sparse:
        import scipy.sparse as sp

        P = sp.csr_matrix(P.reshape(S * A, S))
    return TabularMDP(P, R, gamma=g, horizon=horizon)


_WARM: set[tuple[bool, bool]] = set()


def _warm_up(sparse: bool | None, finite_horizon: bool) -> None:
    """Solve a two-state model of each kind drawn, once per process (numba's kernels are
    loaded from its cache on the first call)."""
    kinds = [(s, finite_horizon) for s in ((False, True) if sparse is None else (sparse,))]
    todo = [k for k in kinds if k not in _WARM]
    if not todo:
        return
    import scipy.sparse as sp

    from provable.mdp import TabularMDP
    from provable.solvers import solve

    P = np.array([[[1.0, 0.0], [0.0, 1.0]], [[0.0, 1.0], [1.0, 0.0]]])
    R = np.array([[0.0, 1.0], [1.0, 0.0]])
    for is_sparse, fh in todo:
        P_k = sp.csr_matrix(P.reshape(4, 2)) if is_sparse else P
        solve(TabularMDP(P_k, R, gamma=None if fh else 0.9, horizon=2 if fh else None))
        _WARM.add((is_sparse, fh))


_WARM_BANDITS: set[str] = set()


def _warm_up_bandits(kind: str) -> None:
    """Run the bandit simulator once on a two-arm instance of ``kind``, once per process
    (its numba kernel is loaded on the first call, about a second)."""
    if kind in _WARM_BANDITS:
        return
    from provable.learners.bandits import BernoulliBandit, GaussianBandit, simulate

    inst = BernoulliBandit([0.5, 0.4]) if kind == "bernoulli" else GaussianBandit([0.5, 0.4])
    simulate("ucb1", inst, T=2, seeds=1)
    _WARM_BANDITS.add(kind)


def tabular_mdps(min_states: int = 2, max_states: int = 6, min_actions: int = 1,
                 max_actions: int = 3, sparse: bool | None = None, gamma: float | None = None,
                 horizon: int | None = None, max_reward: float = 1.0
                 ) -> st.SearchStrategy[Any]:
    r"""Random finite MDPs as :class:`provable.TabularMDP`.

    Parameters
    ----------
    min_states, max_states : int
        Range of the number of states ``S``.
    min_actions, max_actions : int
        Range of the number of actions ``A``.
    sparse : bool, optional
        ``True``: ``P`` is a scipy CSR matrix ``(S*A, S)`` with dropped entries;
        ``False``: dense ``(S, A, S)``; ``None``: both.
    gamma : float, optional
        Discount factor in [0, 1); drawn in [0, 0.99] when ``None``. With ``horizon``
        it may be 1 (the default there).
    horizon : int, optional
        Draw finite-horizon MDPs with this ``H`` instead of discounted ones.
    max_reward : float
        Rewards ``r(s, a)`` lie in ``[0, max_reward]``.

    Notes
    -----
    The first call in a process for each kind of model (dense or sparse, discounted or
    finite horizon) solves a two-state model of that kind, so that the solvers' compiled
    kernels are loaded before any example runs (see the module's notes).

    Examples
    --------
    >>> from provable.proofs_checks import strategies as pst
    >>> mdp = pst.tabular_mdps(max_states=3, gamma=0.9).example()  # doctest: +SKIP
    >>> 2 <= mdp.S <= 3  # doctest: +SKIP
    True
    """
    states = _sizes("S", None, "min_states", min_states, "max_states", max_states)
    actions = _sizes("A", None, "min_actions", min_actions, "max_actions", max_actions)
    if sparse is not None and not isinstance(sparse, bool):
        raise InvalidArgument(f"sparse={sparse!r}, expected True, False or None")
    if horizon is not None:
        horizon = check_int("horizon", horizon, min_value=1)
        if gamma is not None:
            gamma = check_real("gamma", gamma, lower=0.0, upper=1.0)
    elif gamma is not None:
        gamma = check_real("gamma", gamma, lower=0.0, upper=1.0, upper_open=True)
    max_reward = check_real("max_reward", max_reward, lower=0.0)
    _warm_up(sparse, horizon is not None)
    return _tabular_mdps(states, actions, sparse, gamma, horizon, max_reward)


# ---------------------------------------------------------------------------
# bandits


def _bandit(kind: str, means: np.ndarray, sigma: float) -> Any:
    from provable.learners.bandits import BernoulliBandit, GaussianBandit

    return BernoulliBandit(means) if kind == "bernoulli" else GaussianBandit(means, sigma=sigma)


@st.composite
def _bandit_instances(draw: Any, arms: st.SearchStrategy[int], kind: str, sigma: float,
                      min_gap: float) -> Any:
    K = draw(arms)
    lo, hi = (0.0, 1.0) if kind == "bernoulli" else (-1.0, 1.0)
    means = draw(hnp.arrays(np.float64, K, elements=st.floats(lo, hi, allow_nan=False,
                                                              allow_subnormal=False)))
    if min_gap > 0:  # push the best arm ahead of the others by at least min_gap
        best = int(np.argmax(means))
        others = np.delete(means, best)
        top = float(others.max()) + min_gap
        if top > hi:
            shift = top - hi
            means = np.clip(means - shift, lo, hi)
            top = hi
        means[best] = top
    return _bandit(kind, means, sigma)


def bandit_instances(kind: str = "bernoulli", *, min_arms: int = 2, max_arms: int = 10,
                     sigma: float = 1.0, min_gap: float = 0.0
                     ) -> st.SearchStrategy[Any]:
    """Stochastic bandits (:class:`provable.learners.bandits.BernoulliBandit` with means in
    [0, 1] or :class:`~provable.learners.bandits.GaussianBandit` with means in [-1, 1]).

    Parameters
    ----------
    kind : {"bernoulli", "gaussian"}
        Reward distribution.
    min_arms, max_arms : int
        Range of the number of arms ``K`` (at least 2).
    sigma : float
        Standard deviation of Gaussian rewards.
    min_gap : float
        The best arm is ahead of every other by at least this much (a unique best arm
        when positive). At most 0.5.

    Examples
    --------
    >>> from provable.proofs_checks import strategies as pst
    >>> b = pst.bandit_instances("gaussian", max_arms=4, min_gap=0.1).example()
    >>> bool(sorted(b.gaps)[1] >= 0.1 - 1e-12)
    True
    """
    kind = check_choice("kind", kind, _BANDIT_KINDS)
    arms = _sizes("K", None, "min_arms", min_arms, "max_arms", max_arms, floor=2)
    sigma = check_real("sigma", sigma, lower=0.0, lower_open=True)
    min_gap = check_real("min_gap", min_gap, lower=0.0, upper=0.5)
    _warm_up_bandits(kind)
    return _bandit_instances(arms, kind, sigma, min_gap)


@st.composite
def _gap_scaled_bandits(draw: Any, arms: st.SearchStrategy[int],
                        horizons: st.SearchStrategy[int], kind: str, scale: float
                        ) -> tuple[Any, int]:
    K = draw(arms)
    T = max(draw(horizons), K)
    delta = min(scale * math.sqrt(K / T), 0.5)
    base = 0.5 - delta / 2 if kind == "bernoulli" else 0.0
    means = np.full(K, base)
    means[draw(st.integers(0, K - 1))] = base + delta
    return _bandit(kind, means, 1.0), T


def gap_scaled_bandits(K: int | None = None, T: int | None = None, *, kind: str = "bernoulli",
                       min_arms: int = 2, max_arms: int = 10, min_T: int = 100,
                       max_T: int = 100_000, scale: float = 1.0
                       ) -> st.SearchStrategy[tuple[Any, int]]:
    r"""The minimax lower-bound family, as ``(bandit, T)`` pairs: one arm ahead by
    :math:`\Delta = c\sqrt{K/T}` for the horizon ``T``.

    Every other arm has the same mean, the best arm's index is drawn, and ``Δ`` is
    capped at 1/2. On these instances any algorithm suffers regret
    :math:`\Omega(\sqrt{KT})` for some placement of the best arm.

    Parameters
    ----------
    K, T : int, optional
        Number of arms and horizon; each missing one is drawn in its range
        (``T >= K`` always).
    kind : {"bernoulli", "gaussian"}
        Bernoulli means centred on 1/2, or Gaussian (σ = 1) means centred on 0.
    min_arms, max_arms, min_T, max_T : int
        Ranges of the drawn ``K`` and ``T``.
    scale : float
        The constant ``c``.

    Examples
    --------
    >>> from provable.proofs_checks import strategies as pst
    >>> b, T = pst.gap_scaled_bandits(K=4, T=400).example()
    >>> T, round(float(b.gaps.max()), 6)
    (400, 0.1)
    """
    kind = check_choice("kind", kind, _BANDIT_KINDS)
    arms = _sizes("K", K, "min_arms", min_arms, "max_arms", max_arms, floor=2)
    horizons = _sizes("T", T, "min_T", min_T, "max_T", max_T)
    if K is not None and T is not None and T < K:
        raise InvalidArgument(f"T={T!r} < K={K!r}, expected a horizon at least the number of arms")
    scale = check_real("scale", scale, lower=0.0, lower_open=True)
    _warm_up_bandits(kind)
    return _gap_scaled_bandits(arms, horizons, kind, scale)


# ---------------------------------------------------------------------------
# preferences and online losses


@st.composite
def _preference_matrices(draw: Any, sizes: st.SearchStrategy[int], condorcet: bool
                         ) -> np.ndarray:
    n = draw(sizes)
    P = np.full((n, n), 0.5)
    iu = np.triu_indices(n, 1)
    upper = draw(hnp.arrays(np.float64, len(iu[0]), elements=_UNIT))
    P[iu] = upper
    P[(iu[1], iu[0])] = 1.0 - upper
    if condorcet and n > 1:
        w = draw(st.integers(0, n - 1))
        margin = draw(hnp.arrays(np.float64, n, elements=st.floats(0.01, 0.5)))
        for j in range(n):
            if j != w:
                P[w, j] = 0.5 + margin[j]
                P[j, w] = 1.0 - P[w, j]
    return P


def preference_matrices(n: int | None = None, *, min_size: int = 2, max_size: int = 8,
                        condorcet_winner: bool = False) -> st.SearchStrategy[np.ndarray]:
    r"""Pairwise preference matrices: ``P[i, j]`` is the probability that ``i`` beats ``j``.

    ``P + P.T == 1`` (to rounding: ``P[j, i]`` is computed as ``1 - P[i, j]``) and
    the diagonal is 1/2.

    Parameters
    ----------
    n : int, optional
        Number of items; drawn in ``[min_size, max_size]`` otherwise.
    min_size, max_size : int
        Size range.
    condorcet_winner : bool
        Plant an item that beats every other with probability > 1/2.

    Examples
    --------
    >>> import numpy as np
    >>> from provable.proofs_checks import strategies as pst
    >>> P = pst.preference_matrices(3).example()
    >>> bool(np.allclose(P + P.T, 1.0)), np.diag(P).tolist()
    (True, [0.5, 0.5, 0.5])
    """
    return _preference_matrices(_sizes("n", n, "min_size", min_size, "max_size", max_size), bool(condorcet_winner))


@st.composite
def _loss_sequences(draw: Any, horizons: st.SearchStrategy[int], dims: st.SearchStrategy[int],
                    lo: float, hi: float) -> np.ndarray:
    T, d = draw(horizons), draw(dims)
    return draw(hnp.arrays(np.float64, (T, d),
                           elements=st.floats(lo, hi, allow_nan=False, allow_subnormal=False)))


def loss_sequences(T: int | None = None, d: int | None = None, bound: float = 1.0, *,
                   signed: bool = False, min_T: int = 1, max_T: int = 50, min_d: int = 1,
                   max_d: int = 5) -> st.SearchStrategy[np.ndarray]:
    r"""Adversarial loss sequences for online learning: arrays of shape ``(T, d)``.

    Entries lie in ``[0, bound]`` (or ``[-bound, bound]`` with ``signed=True``); row
    ``t`` is the loss vector of round ``t`` over ``d`` experts / coordinates.

    Parameters
    ----------
    T, d : int, optional
        Fixed number of rounds and dimension; drawn in their ranges otherwise.
    bound : float
        Bound on :math:`|\ell_t(i)|`.
    signed : bool
        Allow negative losses (gains).
    min_T, max_T, min_d, max_d : int
        Ranges of the drawn ``T`` and ``d``.

    Examples
    --------
    >>> from provable.proofs_checks import strategies as pst
    >>> L = pst.loss_sequences(T=10, d=3, bound=2.0).example()
    >>> L.shape, bool((0 <= L).all() and (L <= 2).all())
    ((10, 3), True)
    """
    bound = check_real("bound", bound, lower=0.0, lower_open=True)
    horizons = _sizes("T", T, "min_T", min_T, "max_T", max_T)
    dims = _sizes("d", d, "min_d", min_d, "max_d", max_d)
    return _loss_sequences(horizons, dims, -bound if signed else 0.0, bound)


# ---------------------------------------------------------------------------
# automata


@st.composite
def _dfas(draw: Any, states: st.SearchStrategy[int], symbols: st.SearchStrategy[int],
          minimal: bool) -> Any:
    from provable.automata import DFA, minimize  # imported lazily, like the MDPs

    n, k = draw(states), draw(symbols)
    delta = draw(hnp.arrays(np.int64, (n, k), elements=st.integers(0, n - 1)))
    accepting = draw(hnp.arrays(np.bool_, n))
    d = DFA(delta, accepting, start=0)
    return minimize(d) if minimal else d


def dfas(min_states: int = 1, max_states: int = 8, *, k: int | None = 2,
         max_symbols: int = 3, minimal: bool = False) -> st.SearchStrategy[Any]:
    """Deterministic finite automata as :class:`provable.automata.DFA`, start state 0.

    Every transition ``delta[q, a]`` and every accepting bit is drawn, so shrinking goes
    towards one state, every edge back to state 0, nothing accepted.

    Parameters
    ----------
    min_states, max_states : int
        Range of the number of states of the drawn table.
    k : int, optional
        Alphabet size (letters ``a``, ``b``, ...); drawn in ``[1, max_symbols]`` when
        ``None``.
    max_symbols : int
        Largest alphabet drawn when ``k`` is ``None``.
    minimal : bool
        Return the minimal equivalent DFA (Hopcroft), so its size is that of the language.

    Examples
    --------
    >>> from provable.proofs_checks import strategies as pst
    >>> d = pst.dfas(max_states=4, minimal=True).example()
    >>> 1 <= d.n_states <= 4, d.n_symbols
    (True, 2)
    """
    states = _sizes("n", None, "min_states", min_states, "max_states", max_states)
    symbols = _sizes("k", k, "min_symbols", 1, "max_symbols", max_symbols)
    return _dfas(states, symbols, bool(minimal))
