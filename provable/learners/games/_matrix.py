r"""Learning dynamics on two-player zero-sum matrix games.

Convention: the row player picks :math:`x\in\Delta_m` and *minimises*
:math:`x^\top A y`; the column player picks :math:`y\in\Delta_n` and maximises it. The
duality gap of :math:`(x, y)` is :math:`\max_j (A^\top x)_j - \min_i (A y)_i \ge 0`, zero
exactly at a Nash equilibrium; for the running averages of two no-regret learners it
equals the sum of their regrets divided by :math:`T`.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numba import njit

from provable._result import RichResult
from provable._validation import check_choice, check_finite_array, check_int, check_real
from provable.errors import InvalidArgument

__all__ = ["GameResult", "duality_gap", "matrix_game_selfplay", "GAME_METHODS"]

GAME_METHODS = ("hedge", "optimistic_hedge")


class GameResult(RichResult):
    """Result of :func:`matrix_game_selfplay` and the preference-game learners.

    Attributes
    ----------
    x, y : ndarray, shape (T, m) / (T, n)
        Iterates of the row (minimising) and column (maximising) player.
    x_avg, y_avg : ndarray
        Uniform averages of all iterates.
    gap : ndarray, shape (T,)
        Duality gap of the running averages after each round.
    last_gap : ndarray, shape (T,)
        Duality gap of the last iterates.
    method : str
    params : dict
    """

    _fields = ("method", "x", "y", "x_avg", "y_avg", "gap", "last_gap", "params")


def check_game_matrix(A: Any) -> np.ndarray:
    A = np.asarray(A, dtype=float)
    if A.ndim != 2 or min(A.shape) < 1:
        raise InvalidArgument(f"A has shape {A.shape}, expected a non-empty (m, n) matrix")
    check_finite_array("A", A)
    return A


def _check_strategy(name: str, x: Any, size: int) -> np.ndarray:
    x = np.asarray(x, dtype=float).reshape(-1)
    if x.shape != (size,):
        raise InvalidArgument(f"{name} has shape {x.shape}, expected ({size},)")
    check_finite_array(name, x)
    if np.any(x < 0) or abs(x.sum() - 1.0) > 1e-9:
        raise InvalidArgument(f"{name} sums to {x.sum():.10g} with min {x.min():g}, "
                              "expected a probability vector")
    return x


def duality_gap(A: Any, x: Any, y: Any) -> float:
    r"""Duality gap :math:`\max_j (A^\top x)_j - \min_i (Ay)_i` of the profile ``(x, y)``.

    Examples
    --------
    >>> import numpy as np
    >>> rps = np.array([[0, 1, -1], [-1, 0, 1], [1, -1, 0.0]])
    >>> duality_gap(rps, np.ones(3) / 3, np.ones(3) / 3)
    0.0
    >>> duality_gap(rps, [1, 0, 0], [1, 0, 0])
    2.0
    """
    A = check_game_matrix(A)
    x = _check_strategy("x", x, A.shape[0])
    y = _check_strategy("y", y, A.shape[1])
    return float((A.T @ x).max() - (A @ y).min())


@njit(cache=True)
def _softmax_into(z: np.ndarray, out: np.ndarray) -> None:  # pragma: no cover - jit
    m = z.max()
    s = 0.0
    for i in range(z.size):
        out[i] = np.exp(z[i] - m)
        s += out[i]
    for i in range(z.size):
        out[i] /= s


@njit(cache=True)
def _selfplay_kernel(A: np.ndarray, etas: np.ndarray, optimistic: bool, hint: float,
                     X: np.ndarray, Y: np.ndarray, gap: np.ndarray,
                     last_gap: np.ndarray) -> None:  # pragma: no cover
    m, n = A.shape
    T = etas.size
    Lx = np.zeros(m)   # cumulative losses of the row player (A y)
    Gy = np.zeros(n)   # cumulative gains of the column player (A^T x)
    lx_prev = np.zeros(m)
    gy_prev = np.zeros(n)
    sx = np.zeros(m)
    sy = np.zeros(n)
    x = np.empty(m)
    y = np.empty(n)
    for t in range(T):
        e = etas[t]
        if optimistic:
            _softmax_into(-e * (Lx + hint * lx_prev), x)
            _softmax_into(e * (Gy + hint * gy_prev), y)
        else:
            _softmax_into(-e * Lx, x)
            _softmax_into(e * Gy, y)
        X[t] = x
        Y[t] = y
        lx = A @ y
        gy = A.T @ x
        Lx += lx
        Gy += gy
        lx_prev = lx
        gy_prev = gy
        sx += x
        sy += y
        last_gap[t] = gy.max() - lx.min()
        gap[t] = (A.T @ sx).max() / (t + 1) - (A @ sy).min() / (t + 1)


def matrix_game_selfplay(A: Any, T: int, *, method: str = "hedge", eta: float = 0.1,
                         schedule: str = "constant", hint_weight: float = 1.0) -> GameResult:
    r"""Both players of a zero-sum matrix game run (optimistic) Hedge against each other.

    Hedge: :math:`x_t \propto \exp(-\eta_t\sum_{s<t} A y_s)`; optimistic Hedge adds the last
    loss once more as the hint, :math:`x_t \propto \exp(-\eta_t(\sum_{s<t}Ay_s + Ay_{t-1}))`
    (Rakhlin & Sridharan 2013; Syrgkanis et al. 2015). With a constant step optimistic
    Hedge's average duality gap is :math:`O(1/T)`; Hedge's is :math:`O(1/\sqrt T)` with
    :math:`\eta_t\propto 1/\sqrt t`.

    Parameters
    ----------
    A : array_like(float, ndim=2)
        Payoff matrix (row player minimises :math:`x^\top Ay`).
    T : int
        Rounds.
    method : {"hedge", "optimistic_hedge"}
    eta : float
        Step size.
    schedule : {"constant", "anytime"}
        ``"anytime"`` uses :math:`\eta_t = \eta/\sqrt t`.
    hint_weight : float, default 1
        Weight of the last loss in the optimistic hint (1 is optimistic Hedge; other
        values plant a mistake, e.g. -1 a sign error).

    Returns
    -------
    GameResult

    Examples
    --------
    >>> import numpy as np
    >>> rps = np.array([[0, 1, -1], [-1, 0, 1], [1, -1, 0.0]])
    >>> r = matrix_game_selfplay(rps, 2000, method="optimistic_hedge", eta=0.2)
    >>> bool(r.gap[-1] < 1e-2)
    True
    """
    A = check_game_matrix(A)
    T = check_int("T", T, min_value=1)
    check_choice("method", method, GAME_METHODS)
    eta = check_real("eta", eta, lower=0.0, lower_open=True)
    check_choice("schedule", schedule, ("constant", "anytime"))
    etas = np.full(T, eta) if schedule == "constant" else eta / np.sqrt(np.arange(1, T + 1))
    m, n = A.shape
    X, Y = np.empty((T, m)), np.empty((T, n))
    gap, last_gap = np.empty(T), np.empty(T)
    hint_weight = check_real("hint_weight", hint_weight)
    _selfplay_kernel(np.ascontiguousarray(A), etas, method == "optimistic_hedge", hint_weight,
                     X, Y, gap,
                     last_gap)
    return GameResult(method=method, x=X, y=Y, x_avg=X.mean(axis=0), y_avg=Y.mean(axis=0),
                      gap=gap, last_gap=last_gap, params={"eta": eta, "schedule": schedule})
