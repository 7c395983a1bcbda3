r"""First-order OCO learners: OGD, Hedge, OMD, optimistic OMD and FTRL.

Every learner takes the losses either as a ``(T, d)`` array of linear-loss gradients
(:math:`\ell_t(x) = \langle g_t, x\rangle`; regret against the best fixed point) or as a
callable ``gradient(t, x)`` (optionally with ``loss(t, x)`` and a ``comparator``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from provable._validation import check_choice, check_finite_array, check_real
from provable.errors import InvalidArgument
from provable.learners.oco import _kernels as K
from provable.learners.oco._common import (
    OCOResult,
    as_gradients,
    check_callable,
    check_domain,
    check_start,
    finish,
    project,
)

__all__ = ["ogd", "hedge", "omd", "optimistic_omd", "ftrl"]

SCHEDULES = ("constant", "anytime")


def _etas(eta: float, T: int, schedule: str) -> np.ndarray:
    check_choice("schedule", schedule, SCHEDULES)
    if schedule == "constant":
        return np.full(T, eta)
    return eta / np.sqrt(np.arange(1, T + 1))


def _grad_at(G: np.ndarray | None, f: Callable | None, t: int, x: np.ndarray) -> np.ndarray:
    if G is not None:
        return G[t]
    g = np.asarray(f(t, x), dtype=float).reshape(-1)
    if g.shape != x.shape or not np.all(np.isfinite(g)):
        raise InvalidArgument(f"gradient({t}, x) returned {g!r}, expected a finite vector of "
                              f"shape {x.shape}")
    return g


def ogd(gradient: Any, T: int | None = None, *, eta: float = 1.0, domain: str = "ball",
        radius: float = 1.0, x0: Any = None, d: int | None = None, loss: Callable | None = None,
        comparator: Any = None, schedule: str = "anytime") -> OCOResult:
    r"""Projected online gradient descent, :math:`x_{t+1} = \Pi(x_t - \eta_t g_t)`.

    With ``schedule="anytime"`` the step is :math:`\eta_t = \eta/\sqrt t`, which gives
    regret :math:`O(D G \sqrt T)` for :math:`\eta \approx D/G` (Zinkevich 2003).

    Parameters
    ----------
    gradient : array_like(float, ndim=2) or callable
        Linear-loss gradients ``(T, d)`` or ``gradient(t, x) -> g_t`` (``t`` from 0).
    T : int, optional
        Rounds (needed with a callable).
    eta : float
        Base step size.
    domain : {"ball", "simplex", "unconstrained"}
    radius : float
        Ball radius.
    x0 : array_like, optional
        Starting point (default: centre of the domain).
    d : int, optional
        Dimension (needed with a callable and no ``x0``).
    loss : callable, optional
        ``loss(t, x)``; without it losses are linear.
    comparator : array_like, optional
        Fixed comparator (default: best fixed point in hindsight for linear losses).
    schedule : {"anytime", "constant"}

    Returns
    -------
    OCOResult

    Examples
    --------
    >>> import numpy as np
    >>> G = np.random.default_rng(0).choice([-1.0, 1.0], size=(400, 2)) + [0.3, 0.0]
    >>> res = ogd(G, eta=1.0)
    >>> bool(res.regret[-1] < 2 * np.sqrt(400) * np.sqrt(2) * 1.5)
    True
    """
    eta = check_real("eta", eta, lower=0.0, lower_open=True)
    domain, radius = check_domain(domain, radius)
    check_callable("loss", loss)
    G, f, T, d = as_gradients(gradient, T, d)
    x = check_start(x0, d, domain, radius)
    etas = _etas(eta, T, schedule)
    X = np.empty((T, x.size))
    if G is not None and domain == "ball":
        K.euclid_omd_ball(G, x, etas, radius, X)
    else:
        Gs = np.empty((T, x.size))
        for t in range(T):
            X[t] = x
            Gs[t] = _grad_at(G, f, t, x)
            x = project(x - etas[t] * Gs[t], domain, radius)
        G = Gs
    return finish("ogd", X, G, loss=loss, comparator=comparator, domain=domain, radius=radius,
                  params={"eta": eta, "schedule": schedule})


def hedge(losses: Any, *, eta: float = 1.0, schedule: str = "constant") -> OCOResult:
    r"""Hedge (exponential weights) over ``K`` experts.

    :math:`w_t(k) \propto \exp(-\eta_t \sum_{s<t} \ell_s(k))`; with the anytime schedule
    :math:`\eta_t = \eta/\sqrt t`. Regret :math:`\le \log K/\eta + \eta T/8` for losses in
    [0, 1] and constant :math:`\eta` (Freund & Schapire 1997).

    Parameters
    ----------
    losses : array_like(float, ndim=2)
        Loss matrix ``(T, K)``.
    eta : float
        Learning rate.
    schedule : {"constant", "anytime"}

    Returns
    -------
    OCOResult
        Iterates are the weight vectors; the comparator is the best expert.

    Examples
    --------
    >>> import numpy as np
    >>> L = np.array([[1.0, 0.0], [1.0, 0.0]])
    >>> hedge(L, eta=np.log(2)).iterates
    array([[0.5       , 0.5       ],
           [0.33333333, 0.66666667]])
    """
    eta = check_real("eta", eta, lower=0.0, lower_open=True)
    Lm = np.asarray(losses, dtype=float)
    if Lm.ndim != 2 or Lm.shape[0] < 1 or Lm.shape[1] < 1:
        raise InvalidArgument(f"losses has shape {Lm.shape}, expected (T, K) with T, K >= 1")
    check_finite_array("losses", Lm)
    T = Lm.shape[0]
    etas = _etas(eta, T, schedule)
    W = np.empty_like(Lm)
    K.hedge_weights(np.ascontiguousarray(Lm), etas, W)
    return finish("hedge", W, Lm, loss=None, comparator=None, domain="simplex", radius=1.0,
                  params={"eta": eta, "schedule": schedule})


def _mirror_step(y: np.ndarray, g: np.ndarray, eta: float, mirror: str, domain: str,
                 radius: float) -> np.ndarray:
    if mirror == "entropic":
        z = np.log(y) - eta * g
        z -= z.max()
        w = np.exp(z)
        return w / w.sum()
    return project(y - eta * g, domain, radius)


def _check_mirror(mirror: str, domain: str) -> None:
    check_choice("mirror", mirror, ("entropic", "euclidean"))
    if mirror == "entropic" and domain != "simplex":
        raise InvalidArgument(f"mirror='entropic' with domain={domain!r}, expected domain='simplex'")


def omd(gradient: Any, T: int | None = None, *, mirror: str = "euclidean", eta: float = 1.0,
        domain: str = "ball", radius: float = 1.0, x0: Any = None, d: int | None = None,
        loss: Callable | None = None, comparator: Any = None, schedule: str = "constant"
        ) -> OCOResult:
    r"""Online mirror descent with the entropic or Euclidean mirror map.

    :math:`x_{t+1} = \arg\min_x \eta_t\langle g_t, x\rangle + D_\psi(x, x_t)`. The entropic
    map on the simplex gives multiplicative weights (Hedge with constant :math:`\eta`);
    the Euclidean map gives projected gradient descent.

    Parameters are those of :func:`ogd` plus ``mirror`` (``"entropic"`` needs
    ``domain="simplex"``).

    Returns
    -------
    OCOResult

    Examples
    --------
    >>> import numpy as np
    >>> L = np.random.default_rng(1).random((50, 3))
    >>> a = omd(L, mirror="entropic", eta=0.3, domain="simplex").iterates
    >>> b = hedge(L, eta=0.3).iterates
    >>> bool(np.allclose(a, b, atol=1e-12))
    True
    """
    eta = check_real("eta", eta, lower=0.0, lower_open=True)
    domain, radius = check_domain(domain, radius)
    _check_mirror(mirror, domain)
    check_callable("loss", loss)
    G, f, T, d = as_gradients(gradient, T, d)
    x = check_start(x0, d, domain, radius)
    etas = _etas(eta, T, schedule)
    X = np.empty((T, x.size))
    Gs = np.empty((T, x.size))
    for t in range(T):
        X[t] = x
        Gs[t] = _grad_at(G, f, t, x)
        x = _mirror_step(x, Gs[t], etas[t], mirror, domain, radius)
    return finish(f"omd[{mirror}]", X, Gs, loss=loss, comparator=comparator, domain=domain,
                  radius=radius, params={"eta": eta, "schedule": schedule, "mirror": mirror})


def optimistic_omd(gradient: Any, T: int | None = None, *, mirror: str = "euclidean",
                   eta: float = 1.0, hints: Any = "last", domain: str = "ball",
                   radius: float = 1.0, x0: Any = None, d: int | None = None,
                   loss: Callable | None = None, comparator: Any = None,
                   schedule: str = "constant", eta_max: float | None = None) -> OCOResult:
    r"""Optimistic online mirror descent (Chiang et al. 2012; Rakhlin & Sridharan 2013).

    .. math::
        x_t = \arg\min_x \eta_t\langle M_t, x\rangle + D_\psi(x, y_{t-1}),\qquad
        y_t = \arg\min_x \eta_t\langle g_t, x\rangle + D_\psi(x, y_{t-1}),

    where :math:`M_t` is the hint (``"last"``: :math:`M_t = g_{t-1}`, ``"zero"``: plain
    OMD, or a ``(T, d)`` array). ``schedule="adaptive"`` uses the step of Chen, Zhang and
    Zhou's SEA analysis, :math:`\eta_t = \min(\eta_{\max}, \eta/\sqrt{\sum_{s<t}
    \|g_s - M_s\|^2})` with ``eta`` playing the role of the diameter :math:`D`.

    Parameters
    ----------
    gradient, T, mirror, eta, domain, radius, x0, d, loss, comparator
        As in :func:`omd`.
    hints : {"last", "zero"} or array_like(float, ndim=2)
    schedule : {"constant", "anytime", "adaptive"}
    eta_max : float, optional
        Cap of the adaptive step (default ``eta``).

    Returns
    -------
    OCOResult

    Examples
    --------
    >>> import numpy as np
    >>> G = np.random.default_rng(2).standard_normal((100, 3))
    >>> a = optimistic_omd(G, hints="zero", eta=0.1).iterates
    >>> b = omd(G, eta=0.1).iterates
    >>> bool(np.allclose(a, b, atol=1e-12))
    True
    """
    eta = check_real("eta", eta, lower=0.0, lower_open=True)
    domain, radius = check_domain(domain, radius)
    _check_mirror(mirror, domain)
    check_callable("loss", loss)
    check_choice("schedule", schedule, (*SCHEDULES, "adaptive"))
    eta_max = eta if eta_max is None else check_real("eta_max", eta_max, lower=0.0,
                                                     lower_open=True)
    G, f, T, d = as_gradients(gradient, T, d)
    y = check_start(x0, d, domain, radius)
    n = y.size
    if isinstance(hints, str):
        check_choice("hints", hints, ("last", "zero"))
        H = None
    else:
        H = np.asarray(hints, dtype=float)
        if H.shape != (T, n):
            raise InvalidArgument(f"hints has shape {H.shape}, expected ({T}, {n})")
        check_finite_array("hints", H)
    X = np.empty((T, n))
    if (G is not None and mirror == "euclidean" and domain == "ball"
            and schedule in ("constant", "adaptive")):
        if H is None:
            H = np.zeros_like(G)
            if hints == "last":
                H[1:] = G[:-1]
        K.optimistic_omd_ball(G, H, y, eta, eta_max, schedule == "adaptive", radius, X)
        Gs = G
    else:
        etas = _etas(eta, T, schedule) if schedule != "adaptive" else None
        Gs = np.empty((T, n))
        prev = np.zeros(n)
        acc = 0.0
        for t in range(T):
            m = H[t] if H is not None else (prev if hints == "last" else np.zeros(n))
            if etas is None:
                e = eta_max if acc <= 0 else min(eta_max, eta / np.sqrt(acc))
            else:
                e = etas[t]
            x = _mirror_step(y, m, e, mirror, domain, radius)
            X[t] = x
            g = _grad_at(G, f, t, x)
            Gs[t] = g
            y = _mirror_step(y, g, e, mirror, domain, radius)
            acc += float((g - m) @ (g - m))
            prev = g
    return finish(f"optimistic_omd[{mirror}]", X, Gs, loss=loss, comparator=comparator,
                  domain=domain, radius=radius,
                  params={"eta": eta, "schedule": schedule, "mirror": mirror,
                          "hints": hints if isinstance(hints, str) else "array",
                          "eta_max": eta_max})


def ftrl(gradient: Any, T: int | None = None, *, regularizer: str = "l2", eta: float = 1.0,
         domain: str = "ball", radius: float = 1.0, d: int | None = None,
         loss: Callable | None = None, comparator: Any = None, schedule: str = "constant"
         ) -> OCOResult:
    r"""Follow the regularised leader on linearised losses.

    :math:`x_t = \arg\min_x \langle \theta_{t-1}, x\rangle + \psi(x)/\eta_t` with
    :math:`\theta_{t-1} = \sum_{s<t} g_s`. ``regularizer="l2"`` (:math:`\tfrac12\|x\|^2`)
    gives :math:`x_t = \Pi(-\eta_t\theta_{t-1})`; ``"entropy"`` (simplex only) gives
    :math:`x_t = \mathrm{softmax}(-\eta_t\theta_{t-1})`.

    Returns
    -------
    OCOResult

    Examples
    --------
    >>> import numpy as np
    >>> L = np.random.default_rng(3).random((30, 4))
    >>> a = ftrl(L, regularizer="entropy", eta=0.5, domain="simplex").iterates
    >>> bool(np.allclose(a, hedge(L, eta=0.5).iterates, atol=1e-12))
    True
    """
    eta = check_real("eta", eta, lower=0.0, lower_open=True)
    domain, radius = check_domain(domain, radius)
    check_choice("regularizer", regularizer, ("l2", "entropy"))
    if regularizer == "entropy" and domain != "simplex":
        raise InvalidArgument(f"regularizer='entropy' with domain={domain!r}, "
                              "expected domain='simplex'")
    check_callable("loss", loss)
    G, f, T, d = as_gradients(gradient, T, d)
    if d is None:
        raise InvalidArgument("d=None with a callable gradient, expected the dimension d")
    etas = _etas(eta, T, schedule)
    theta = np.zeros(d)
    X = np.empty((T, d))
    Gs = np.empty((T, d))
    for t in range(T):
        if regularizer == "entropy":
            z = -etas[t] * theta
            z -= z.max()
            x = np.exp(z) / np.exp(z).sum()
        else:
            x = project(-etas[t] * theta, domain, radius)
        X[t] = x
        Gs[t] = _grad_at(G, f, t, x)
        theta = theta + Gs[t]
    return finish(f"ftrl[{regularizer}]", X, Gs, loss=loss, comparator=comparator,
                  domain=domain, radius=radius,
                  params={"eta": eta, "schedule": schedule, "regularizer": regularizer})
