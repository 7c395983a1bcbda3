"""Seeded generators of tabular MDPs: random dense/sparse MDPs, RiverSwim, the chain
of Strens (2000), gridworlds (including Sutton & Barto's Example 3.5) and the
two-state average-reward gadget parameterised by the mixing time."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import scipy.sparse as sp

from provable._validation import (
    as_generator,
    check_int,
    check_memory,
    check_probability,
    check_real,
)
from provable.errors import InvalidArgument, InvalidType
from provable.mdp._tabular import TabularMDP

__all__ = ["random_mdp", "river_swim", "chain", "gridworld", "sutton_barto_gridworld",
           "two_state_gadget"]


def random_mdp(S: int, A: int, gamma: float | None = 0.9, density: float = 1.0,
               seed: Any = 0, *, sparse: bool | None = None, nnz_per_row: int | None = None,
               reward_range: tuple[float, float] = (0.0, 1.0),
               horizon: int | None = None, max_bytes: int | None = None) -> TabularMDP:
    r"""A random MDP: each row :math:`P(\cdot\mid s,a)` has ``k`` random successors with
    uniform-then-normalised weights; rewards uniform in ``reward_range``.

    Parameters
    ----------
    S, A : int
        Numbers of states and actions.
    gamma : float or None, default 0.9
        Discount (None with ``horizon=None``: average reward).
    density : float in (0, 1], default 1
        Fraction of next states with positive probability: ``k = max(1, round(density*S))``.
    seed : int or Generator
        Seed; the same seed gives the same MDP.
    sparse : bool, optional
        Store P as CSR ``(S*A, S)``. Default: sparse when ``density < 1``.
    nnz_per_row : int, optional
        Overrides ``density``: exactly this many successor draws per row (duplicates
        are merged, so a row may have fewer distinct successors).
    reward_range : (float, float)
        Bounds of the uniform rewards.
    horizon : int, optional
        Make it a finite-horizon problem.
    max_bytes : int, optional
        Cap on the memory the construction may take (default 4 GiB, or the environment
        variable ``PROVABLE_MAX_BYTES``); a larger request is refused before anything is
        allocated, naming the size (a dense P takes ``8 * S * A * S`` bytes).

    Examples
    --------
    >>> import provable as pv
    >>> pv.mdp.random_mdp(S=5, A=2, gamma=0.9, seed=0)
    TabularMDP(S=5, A=2, gamma=0.9, dense)
    >>> pv.mdp.random_mdp(S=1000, A=4, nnz_per_row=10, seed=0).nnz <= 40000
    True
    >>> pv.mdp.random_mdp(S=100000, A=4)
    Traceback (most recent call last):
    ...
    provable.errors.InvalidArgument: random_mdp(S=100000, A=4, k=100000 successors per row): dense P needs 596 GiB, above max_bytes=4 GiB ...
    """
    S = check_int("S", S, min_value=1)
    A = check_int("A", A, min_value=1)
    density = check_real("density", density, lower=0.0, upper=1.0, lower_open=True)
    if isinstance(reward_range, (str, bytes)) or not hasattr(reward_range, "__len__") \
            or len(reward_range) != 2:
        raise InvalidType(f"reward_range={reward_range!r}, expected a pair (low, high)")
    lo, hi = (check_real("reward_range[0]", reward_range[0]),
              check_real("reward_range[1]", reward_range[1]))
    if hi < lo:
        raise InvalidArgument(f"reward_range={reward_range!r}, expected low <= high")
    rng = as_generator(seed)
    k = max(1, int(round(density * S))) if nnz_per_row is None else check_int(
        "nnz_per_row", nnz_per_row, min_value=1, max_value=S)
    if sparse is None:
        sparse = nnz_per_row is not None or density < 1.0
    n = S * A
    # the arrays built below, at their peak (values, column indices, the row sort)
    need = 8 * n * k * (3 if sparse or k < S else 2)
    if k < S and nnz_per_row is None and S <= 4096:
        need = max(need, 16 * n * S)
    if not sparse:
        need = max(need, 16 * n * S)
    check_memory(f"random_mdp(S={S}, A={A}, k={k} successors per row): "
                 f"{'sparse' if sparse else 'dense'} P", need, max_bytes)
    R = rng.uniform(lo, hi, size=(S, A))
    if k == S and not sparse:
        P = rng.random((S, A, S))
        P /= P.sum(axis=2, keepdims=True)
        return TabularMDP(P, R, gamma=gamma, horizon=horizon)
    if k == S:
        cols = np.tile(np.arange(S), n)
    elif nnz_per_row is None:
        # k distinct successors per row
        cols = np.argsort(rng.random((n, S)), axis=1)[:, :k].ravel() if S <= 4096 else \
            np.concatenate([rng.choice(S, size=k, replace=False) for _ in range(n)])
    else:
        cols = rng.integers(0, S, size=n * k)
    w = rng.random(n * k) + 1e-3
    w = w.reshape(n, k)
    w /= w.sum(axis=1, keepdims=True)
    P = sp.csr_matrix((w.ravel(), cols, np.arange(0, n * k + 1, k)), shape=(n, S))
    P.sum_duplicates()
    if not sparse:
        P = P.toarray().reshape(S, A, S)
    return TabularMDP(P, R, gamma=gamma, horizon=horizon)


def river_swim(n: int = 6, gamma: float | None = 0.95, *, small_reward: float = 0.005,
               large_reward: float = 1.0) -> TabularMDP:
    """RiverSwim (Strehl & Littman 2008), in the form used by Osband et al. (2013).

    Action 0 swims left (deterministic); action 1 swims right against the current:
    from an interior state right w.p. 0.35, stay 0.6, left 0.05; from the left bank
    right 0.4, stay 0.6; from the right bank stay 0.6, left 0.4. Reward
    ``small_reward`` for action 0 in state 0 and ``large_reward`` for action 1 in
    state n-1.

    Examples
    --------
    >>> import provable as pv
    >>> pv.mdp.river_swim(6).P[0, 1]
    array([0.6, 0.4, 0. , 0. , 0. , 0. ])
    """
    n = check_int("n", n, min_value=2)
    P = np.zeros((n, 2, n))
    for s in range(n):
        P[s, 0, max(s - 1, 0)] = 1.0
        if s == 0:
            P[s, 1, 0], P[s, 1, 1] = 0.6, 0.4
        elif s == n - 1:
            P[s, 1, s], P[s, 1, s - 1] = 0.6, 0.4
        else:
            P[s, 1, s + 1], P[s, 1, s], P[s, 1, s - 1] = 0.35, 0.6, 0.05
    R = np.zeros((n, 2))
    R[0, 0] = small_reward
    R[n - 1, 1] = large_reward
    return TabularMDP(P, R, gamma=gamma)


def chain(n: int = 5, slip: float = 0.2, gamma: float | None = 0.99, *,
          forward_reward: float = 0.0, end_reward: float = 10.0,
          return_reward: float = 2.0) -> TabularMDP:
    """The chain of Strens (2000), "A Bayesian framework for reinforcement learning".

    Action 0 ("forward") moves one state right (staying in the last state with reward
    ``end_reward``); action 1 ("return") goes back to state 0 with reward
    ``return_reward``. With probability ``slip`` the other action's effect happens.

    Examples
    --------
    >>> import provable as pv
    >>> pv.mdp.chain(5).R[4]
    array([8.4, 3.6])
    """
    n = check_int("n", n, min_value=2)
    slip = check_probability("slip", slip)
    P = np.zeros((n, 2, n))
    Rt = np.zeros((n, 2, n))
    for s in range(n):
        fwd = min(s + 1, n - 1)
        for a, p_fwd in ((0, 1 - slip), (1, slip)):
            P[s, a, fwd] += p_fwd
            P[s, a, 0] += 1 - p_fwd
        Rt[s, :, fwd] = forward_reward if s < n - 1 else end_reward
        Rt[s, :, 0] = return_reward
    return TabularMDP(P, Rt, gamma=gamma)


_MOVES = ((-1, 0), (0, 1), (1, 0), (0, -1))  # up, right, down, left


def gridworld(shape: tuple[int, int] = (4, 4), *, walls: Iterable[tuple[int, int]] = (),
              rewards: Mapping[tuple[int, int], float] | None = None,
              terminals: Iterable[tuple[int, int]] = (),
              teleports: Mapping[tuple[int, int], tuple[tuple[int, int], float]] | None = None,
              slip: float = 0.0, step_reward: float = 0.0, bump_reward: float = 0.0,
              gamma: float | None = 0.9) -> TabularMDP:
    """A rectangular gridworld with actions up, right, down, left (0..3).

    States are the non-wall cells in row-major order. A move into the boundary or a
    wall leaves the agent in place and pays ``bump_reward``; with probability ``slip``
    the agent moves in one of the two perpendicular directions instead (split equally).

    Parameters
    ----------
    shape : (rows, cols)
    walls : cells that cannot be entered
    rewards : reward for *entering* a cell (added to ``step_reward``)
    terminals : absorbing cells with zero reward afterwards
    teleports : ``{cell: (target, reward)}``: every action from ``cell`` moves to
        ``target`` and pays ``reward`` (Sutton & Barto's A and B cells)
    slip, step_reward, bump_reward, gamma : see above

    Returns
    -------
    TabularMDP
        With attribute ``cells``: the list of (row, col) of each state.

    Examples
    --------
    >>> import provable as pv
    >>> g = pv.mdp.gridworld((2, 2), rewards={(1, 1): 1.0}, terminals=[(1, 1)])
    >>> g.S, g.A
    (4, 4)
    """
    rows = check_int("shape[0]", shape[0], min_value=1)
    cols = check_int("shape[1]", shape[1], min_value=1)
    slip = check_probability("slip", slip)
    walls = {tuple(w) for w in walls}
    rewards = dict(rewards or {})
    teleports = dict(teleports or {})
    terminals = {tuple(t) for t in terminals}
    for name, cells in (("walls", walls), ("rewards", rewards), ("terminals", terminals),
                        ("teleports", teleports)):
        for c in cells:
            if not (0 <= c[0] < rows and 0 <= c[1] < cols):
                raise InvalidArgument(f"{name} cell {c!r} is outside the grid of shape {(rows, cols)}")
    cells = [(i, j) for i in range(rows) for j in range(cols) if (i, j) not in walls]
    if not cells:
        raise InvalidArgument("every cell is a wall; expected at least one free cell")
    index = {c: k for k, c in enumerate(cells)}
    S = len(cells)
    P = np.zeros((S, 4, S))
    R = np.zeros((S, 4))
    for c, s in index.items():
        if c in terminals:
            P[s, :, s] = 1.0
            continue
        if c in teleports:
            target, rew = teleports[c]
            P[s, :, index[tuple(target)]] = 1.0
            R[s, :] = rew
            continue
        for a in range(4):
            outcomes = [(a, 1 - slip)]
            if slip > 0:
                outcomes += [((a + 1) % 4, slip / 2), ((a + 3) % 4, slip / 2)]
            for move, p in outcomes:
                di, dj = _MOVES[move]
                nxt = (c[0] + di, c[1] + dj)
                if nxt in index:
                    P[s, a, index[nxt]] += p
                    R[s, a] += p * (step_reward + rewards.get(nxt, 0.0))
                else:
                    P[s, a, s] += p
                    R[s, a] += p * (step_reward + bump_reward)
    mdp = TabularMDP(P, R, gamma=gamma)
    mdp.cells = cells
    return mdp


def sutton_barto_gridworld(gamma: float = 0.9) -> TabularMDP:
    """The 5x5 gridworld of Sutton & Barto, *Reinforcement Learning: An Introduction*
    (2nd ed., 2018), Example 3.5: from A = (0, 1) every action jumps to A' = (4, 1) with
    reward +10, from B = (0, 3) to B' = (2, 3) with +5, moves off the grid leave the
    agent in place with reward -1, all other moves 0; gamma = 0.9.

    Examples
    --------
    >>> import provable as pv
    >>> res = pv.solve(pv.mdp.sutton_barto_gridworld())
    >>> round(float(res.V[1]), 1)     # state A: 24.4 in Figure 3.5
    24.4
    """
    return gridworld((5, 5), teleports={(0, 1): ((4, 1), 10.0), (0, 3): ((2, 3), 5.0)},
                     bump_reward=-1.0, gamma=gamma)


def two_state_gadget(t_mix: float, epsilon: float = 0.1) -> TabularMDP:
    r"""Two-state average-reward MDP with mixing time ``t_mix`` and gain gap ``epsilon``.

    State 1 pays reward 1 and is left with probability ``p`` (action 0) or ``p + δ``
    (action 1); state 0 pays 0 and returns to state 1 with probability ``q``
    (both actions). With :math:`p = q = 1/t_{mix}` the gain of action 0 is 1/2 and
    :math:`\delta = 2\varepsilon / (t_{mix}(1/2 - \varepsilon))` makes action 1's gain
    exactly :math:`1/2 - \varepsilon`. This is the hard instance behind the
    :math:`\Omega(|S||A| t_{mix}\varepsilon^{-2})` lower bound (Wang et al., "Optimal
    Sample Complexity for Average Reward Markov Decision Processes").

    Examples
    --------
    >>> import provable as pv
    >>> res = pv.solvers.average_reward(pv.mdp.two_state_gadget(10, 0.1))
    >>> round(res.gain, 12), int(res.policy[1])
    (0.5, 0)
    """
    t_mix = check_real("t_mix", t_mix, lower=2.0)
    epsilon = check_real("epsilon", epsilon, lower=0.0, upper=0.5, lower_open=True,
                         upper_open=True)
    p = q = 1.0 / t_mix
    delta = 2 * epsilon / (t_mix * (0.5 - epsilon))
    if p + delta > 1:
        raise InvalidArgument(f"epsilon={epsilon!r} with t_mix={t_mix!r} needs a leave "
                              f"probability p + delta = {p + delta:.3g} > 1; expected a smaller epsilon")
    P = np.zeros((2, 2, 2))
    P[0, :, 1], P[0, :, 0] = q, 1 - q
    P[1, 0, 0], P[1, 0, 1] = p, 1 - p
    P[1, 1, 0], P[1, 1, 1] = p + delta, 1 - p - delta
    R = np.array([[0.0, 0.0], [1.0, 1.0]])
    return TabularMDP(P, R)
