"""Shared pieces of the OCO learners: result type, domains, input checks."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from provable._result import RichResult
from provable._validation import check_choice, check_finite_array, check_int, check_real
from provable.errors import InvalidArgument, InvalidType

__all__ = ["OCOResult", "DOMAINS", "project", "as_gradients", "finish"]

DOMAINS = ("ball", "simplex", "unconstrained")


class OCOResult(RichResult):
    """Result of an online convex optimisation run.

    Attributes
    ----------
    iterates : ndarray, shape (T, d)
        The points :math:`x_t` played, one row per round.
    gradients : ndarray, shape (T, d)
        The (sub)gradients :math:`g_t` observed at the played points.
    losses : ndarray, shape (T,)
        :math:`\\ell_t(x_t)` (for linear losses :math:`\\langle g_t, x_t\\rangle`).
    comparator : ndarray, shape (d,)
        The fixed comparator :math:`u` the regret is measured against.
    comparator_losses : ndarray, shape (T,)
        :math:`\\ell_t(u)`.
    regret : ndarray, shape (T,)
        Cumulative regret :math:`\\sum_{s \\le t} \\ell_s(x_s) - \\ell_s(u)`.
    method : str
        Canonical method name.
    params : dict
        Step sizes and options used.
    """

    _fields = ("method", "iterates", "gradients", "losses", "comparator", "comparator_losses",
               "regret", "params")


def project(x: np.ndarray, domain: str, radius: float) -> np.ndarray:
    """Euclidean projection of ``x`` onto the domain.

    Examples
    --------
    >>> project(np.array([3.0, 4.0]), "ball", 1.0)
    array([0.6, 0.8])
    >>> project(np.array([0.5, 0.9]), "simplex", 1.0).round(6)
    array([0.3, 0.7])
    """
    if domain == "ball":
        n = float(np.linalg.norm(x))
        return x if n <= radius else x * (radius / n)
    if domain == "simplex":
        u = np.sort(x)[::-1]
        css = np.cumsum(u) - 1.0
        k = np.arange(1, x.size + 1)
        rho = int(np.nonzero(u - css / k > 0)[0][-1])
        tau = css[rho] / (rho + 1)
        return np.maximum(x - tau, 0.0)
    return x


def check_domain(domain: str, radius: float) -> tuple[str, float]:
    check_choice("domain", domain, DOMAINS)
    radius = check_real("radius", radius, lower=0.0, lower_open=True)
    return domain, radius


def as_gradients(gradient: Any, T: int | None, d: int | None
                 ) -> tuple[np.ndarray | None, Callable | None, int, int | None]:
    """Accept a ``(T, d)`` array of linear-loss gradients or a callable ``gradient(t, x)``."""
    if callable(gradient):
        if T is None:
            raise InvalidArgument("T=None with a callable gradient, expected the number of rounds")
        return None, gradient, check_int("T", T, min_value=1), d
    g = np.asarray(gradient, dtype=float)
    if g.ndim == 1:
        g = g[:, None]
    if g.ndim != 2 or g.shape[0] < 1:
        raise InvalidArgument(
            f"gradient has shape {np.shape(gradient)}, expected a (T, d) array or a callable")
    check_finite_array("gradient", g)
    if T is not None and check_int("T", T, min_value=1) != g.shape[0]:
        raise InvalidArgument(f"T={T!r} but gradient has {g.shape[0]} rows, expected them equal")
    return g, None, g.shape[0], g.shape[1]


def best_fixed(G: np.ndarray, domain: str, radius: float) -> np.ndarray:
    """Best fixed point in hindsight for the linear losses with gradients ``G``."""
    s = G.sum(axis=0)
    if domain == "ball":
        n = float(np.linalg.norm(s))
        return np.zeros_like(s) if n == 0 else -radius * s / n
    if domain == "simplex":
        u = np.zeros_like(s)
        u[int(np.argmin(s))] = 1.0
        return u
    raise InvalidArgument("comparator=None on domain='unconstrained', expected a comparator "
                          "(linear losses have no best point on an unbounded domain)")


def finish(method: str, X: np.ndarray, G: np.ndarray, *, loss: Callable | None,
           comparator: Any, domain: str, radius: float, params: dict) -> OCOResult:
    """Assemble an :class:`OCOResult` (regret against ``comparator`` or the best fixed point)."""
    T, d = X.shape
    if comparator is None:
        if loss is not None:
            raise InvalidArgument("comparator=None with a non-linear loss, expected a comparator")
        u = best_fixed(G, domain, radius)
    else:
        u = np.asarray(comparator, dtype=float).reshape(-1)
        if u.shape != (d,):
            raise InvalidArgument(f"comparator has shape {np.shape(comparator)}, expected ({d},)")
    if loss is None:
        lx = np.einsum("td,td->t", G, X)
        lu = G @ u
    else:
        lx = np.array([float(loss(t, X[t])) for t in range(T)])
        lu = np.array([float(loss(t, u)) for t in range(T)])
    return OCOResult(method=method, iterates=X, gradients=G, losses=lx, comparator=u,
                     comparator_losses=lu, regret=np.cumsum(lx - lu), params=params)


def check_start(x0: Any, d: int | None, domain: str, radius: float) -> np.ndarray:
    """Starting point: given, or the centre of the domain."""
    if x0 is None:
        if d is None:
            raise InvalidArgument("x0=None and d unknown, expected x0 or d")
        if domain == "simplex":
            return np.full(d, 1.0 / d)
        return np.zeros(d)
    x = np.asarray(x0, dtype=float).reshape(-1)
    if x.size == 0:
        raise InvalidArgument("x0 is empty, expected a point of dimension >= 1")
    check_finite_array("x0", x)
    if d is not None and x.size != d:
        raise InvalidArgument(f"x0 has {x.size} coordinates, expected d={d}")
    if domain == "simplex" and (np.any(x <= 0) or abs(x.sum() - 1) > 1e-9):
        raise InvalidArgument(f"x0={x!r}, expected a point in the interior of the simplex")
    if domain == "ball" and np.linalg.norm(x) > radius * (1 + 1e-12):
        raise InvalidArgument(f"x0 has norm {np.linalg.norm(x):g}, expected <= radius={radius:g}")
    return x


def check_callable(name: str, f: Any) -> None:
    if f is not None and not callable(f):
        raise InvalidType(f"{name}={f!r} has type {type(f).__name__}, expected a callable")
