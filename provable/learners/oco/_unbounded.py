r"""Unconstrained online learning with losses whose gradients grow with the iterate.

Setting of Jacobsen & Cutkosky (2023): unbounded domain, subgradients with
:math:`\|g_t\| \le G + L\|w_t\|`, regret :math:`\tilde O(G\|u\|\sqrt T + L\|u\|^2\sqrt T)`.

**Stand-in, not the paper's algorithm.** :func:`unbounded_ftrl` is FTRL with a radial
regulariser made of two parts, which is the mechanism the paper's bound describes:

* a parameter-free part, the convex conjugate of the exponential potential
  :math:`F_t(\theta) = \varepsilon\exp(\theta^2/(2V_t))`,
  :math:`V_t = k(G^2 + \sum_{s\le t}\|g_s\|^2)`, which gives the
  :math:`\tilde O(\|u\|\sqrt{V_T})` term without knowing :math:`\|u\|`
  (Orabona & Pál 2016; Orabona's monograph, ch. 9);
* a composite quadratic penalty :math:`\tfrac{\lambda_t}{2}\|w\|^2` with
  :math:`\lambda_t = L\sqrt t`, which pays :math:`L\|u\|^2\sqrt T` and keeps the iterates
  stable when the gradient grows like :math:`L\|w_t\|`.

The iterate is :math:`w_{t+1} = -\tfrac{\theta_t}{\|\theta_t\|}F_t'(y)` where :math:`y` solves
:math:`y + \lambda_t F_t'(y) = \|\theta_t\|` (a monotone scalar equation, bisection).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from numba import njit

from provable._validation import check_finite_array, check_int, check_real
from provable.errors import InvalidArgument
from provable.learners.oco._common import OCOResult, check_callable

__all__ = ["unbounded_ftrl"]


@njit(cache=True)
def _magnitude(norm_theta: float, eps: float, V: float, lam: float) -> float:  # pragma: no cover
    """Solve ``y + lam * F'(y) = norm_theta`` with ``F'(y) = eps*y/V*exp(y^2/(2V))``; return F'(y)."""
    if norm_theta <= 0.0:
        return 0.0
    lo, hi = 0.0, norm_theta
    if lam > 0.0:
        for _ in range(200):
            mid = 0.5 * (lo + hi)
            e = mid * mid / (2.0 * V)
            if e > 700.0:
                hi = mid
                continue
            f = mid + lam * eps * mid / V * np.exp(e) - norm_theta
            if f > 0.0:
                hi = mid
            else:
                lo = mid
            if hi - lo <= 1e-15 * max(1.0, hi):
                break
        y = lo
    else:
        y = norm_theta
    e = min(y * y / (2.0 * V), 700.0)
    return eps * y / V * np.exp(e)


def unbounded_ftrl(gradient: Callable[[int, np.ndarray], Any], T: int, *, d: int = 1,
                   G: float = 1.0, L: float = 1.0, eps: float = 1.0, k: float = 3.0,
                   loss: Callable | None = None, comparator: Any = None,
                   penalty_power: float = 0.5) -> OCOResult:
    r"""Parameter-free FTRL with a composite quadratic penalty (a documented stand-in for
    Jacobsen & Cutkosky 2023; see the module docstring).

    Parameters
    ----------
    gradient : callable
        ``gradient(t, w) -> g_t`` with :math:`\|g_t\| \le G + L\|w\|`.
    T : int
        Rounds.
    d : int
        Dimension.
    G, L : float
        Constants of the gradient growth condition (``L=0`` gives plain parameter-free FTRL).
    eps : float
        Initial "wealth" of the parameter-free part (the regret against ``u=0``).
    k : float
        Variance inflation of the potential (``k >= 1``).
    loss : callable, optional
        ``loss(t, w)`` for the regret (default: linearised regret).
    comparator : array_like, optional
        Comparator ``u`` (default: the origin).
    penalty_power : float, default 0.5
        Exponent p of the penalty strength :math:`\lambda_t = L t^p` (1/2 is the
        construction; other values plant a mistake).

    Returns
    -------
    OCOResult

    Examples
    --------
    >>> import numpy as np
    >>> grad = lambda t, w: np.sign(w - 3.0) + 0.5 * (w - 3.0)    # |g| <= 2.5 + 0.5|w|
    >>> res = unbounded_ftrl(grad, 2000, G=2.5, L=0.5, comparator=[3.0],
    ...                      loss=lambda t, w: float(abs(w[0] - 3) + 0.25 * (w[0] - 3) ** 2))
    >>> bool(abs(res.iterates[-1, 0] - 3.0) < 0.5)
    True
    """
    check_callable("gradient", gradient)
    check_callable("loss", loss)
    T = check_int("T", T, min_value=1)
    d = check_int("d", d, min_value=1)
    G = check_real("G", G, lower=0.0, lower_open=True)
    L = check_real("L", L, lower=0.0)
    eps = check_real("eps", eps, lower=0.0, lower_open=True)
    k = check_real("k", k, lower=1.0)
    penalty_power = check_real("penalty_power", penalty_power, lower=0.0)
    u = np.zeros(d) if comparator is None else np.asarray(comparator, float).reshape(-1)
    if u.shape != (d,):
        raise InvalidArgument(f"comparator has shape {np.shape(comparator)}, expected ({d},)")
    check_finite_array("comparator", u)
    theta = np.zeros(d)
    V = k * G * G
    w = np.zeros(d)
    X = np.empty((T, d))
    Gs = np.empty((T, d))
    for t in range(T):
        X[t] = w
        g = np.asarray(gradient(t, w), dtype=float).reshape(-1)
        if g.shape != (d,) or not np.all(np.isfinite(g)):
            raise InvalidArgument(f"gradient({t}, w) returned {g!r}, expected a finite vector "
                                  f"of shape ({d},)")
        Gs[t] = g
        theta += g
        V += k * float(g @ g)
        nt = float(np.linalg.norm(theta))
        lam = L * (np.sqrt(t + 1.0) if penalty_power == 0.5 else (t + 1.0) ** penalty_power)
        r = _magnitude(nt, eps, V, lam)
        w = np.zeros(d) if nt == 0 else -theta / nt * r
    if loss is None:
        lx = np.einsum("td,td->t", Gs, X)
        lu = Gs @ u
    else:
        lx = np.array([float(loss(t, X[t])) for t in range(T)])
        lu = np.array([float(loss(t, u)) for t in range(T)])
    return OCOResult(method="unbounded_ftrl", iterates=X, gradients=Gs, losses=lx, comparator=u,
                     comparator_losses=lu, regret=np.cumsum(lx - lu),
                     params={"G": G, "L": L, "eps": eps, "k": k,
                             "penalty_power": penalty_power})
