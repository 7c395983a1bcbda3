"""numba kernels for the OCO learners (compiled lazily, on first call)."""

from __future__ import annotations

import numpy as np
from numba import njit

__all__ = ["hedge_weights", "euclid_omd_ball", "optimistic_omd_ball"]


@njit(cache=True)
def hedge_weights(losses: np.ndarray, etas: np.ndarray, out: np.ndarray) -> None:  # pragma: no cover - jit
    """``out[t] = softmax(-etas[t] * sum_{s<t} losses[s])`` (FTRL form of Hedge)."""
    T, K = losses.shape
    cum = np.zeros(K)
    for t in range(T):
        m = np.inf
        for k in range(K):
            v = etas[t] * cum[k]
            if v < m:
                m = v
        z = 0.0
        for k in range(K):
            w = np.exp(-(etas[t] * cum[k] - m))
            out[t, k] = w
            z += w
        for k in range(K):
            out[t, k] /= z
            cum[k] += losses[t, k]


@njit(cache=True)
def _proj_ball(x: np.ndarray, radius: float) -> None:  # pragma: no cover - jit
    n = np.sqrt(np.sum(x * x))
    if n > radius:
        x *= radius / n


@njit(cache=True)
def euclid_omd_ball(G: np.ndarray, x0: np.ndarray, etas: np.ndarray, radius: float,
                    out: np.ndarray) -> None:  # pragma: no cover - jit
    """Projected gradient steps on the ball: ``x_{t+1} = P(x_t - etas[t] g_t)``."""
    T = G.shape[0]
    x = x0.copy()
    for t in range(T):
        out[t] = x
        x = x - etas[t] * G[t]
        _proj_ball(x, radius)


@njit(cache=True)
def optimistic_omd_ball(G: np.ndarray, M: np.ndarray, x0: np.ndarray, eta: float, eta_max: float,
                        adaptive: bool, radius: float, out: np.ndarray) -> None:  # pragma: no cover
    """Optimistic OMD with the Euclidean mirror map on the ball.

    ``x_t = P(y_{t-1} - eta_t M_t)``, ``y_t = P(y_{t-1} - eta_t g_t)``; with ``adaptive``
    ``eta_t = min(eta_max, eta / sqrt(sum_{s<t} |g_s - M_s|^2))``.
    """
    T = G.shape[0]
    y = x0.copy()
    acc = 0.0
    for t in range(T):
        if adaptive:
            e = eta_max if acc <= 0.0 else min(eta_max, eta / np.sqrt(acc))
        else:
            e = eta
        x = y - e * M[t]
        _proj_ball(x, radius)
        out[t] = x
        y = y - e * G[t]
        _proj_ball(y, radius)
        diff = G[t] - M[t]
        acc += np.sum(diff * diff)
