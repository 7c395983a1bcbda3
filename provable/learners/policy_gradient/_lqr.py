r"""A scalar linear-quadratic regulator with a Gaussian linear policy, solved exactly.

Dynamics :math:`x_{t+1} = a x_t + b u_t + w\,\zeta_t`, :math:`x_0 \sim N(0, s_0^2)`,
policy :math:`u_t = -k x_t + \sigma \xi_t` (fixed exploration :math:`\sigma > 0`),
reward :math:`r_t = -(q x_t^2 + r u_t^2)`, objective
:math:`J(k) = \mathbb{E}\sum_{t=0}^{H-1} \gamma^t r_t` (to be maximised).

The Gaussian policy is Fisher-non-degenerate: its score
:math:`\partial_k \log\pi(u\mid x) = -\xi x/\sigma` has Fisher information
:math:`\mathbb{E}[x^2]/\sigma^2 \ge s_0^2/\sigma^2 > 0` (Fatkhullin et al. 2023,
Assumption 2), unlike a tabular softmax policy whose Fisher matrix degenerates as the
policy becomes deterministic.

With :math:`m_t = \mathbb{E}[x_t^2]`, :math:`m_{t+1} = (a-bk)^2 m_t + b^2\sigma^2 + w^2`
and :math:`\mathbb{E}[r_t] = -((q + r k^2) m_t + r\sigma^2)`, so :math:`J`, its
derivative and its second derivative follow by forward-mode recursions in closed form.

Examples
--------
>>> from provable.learners.policy_gradient import ScalarLQR
>>> lqr = ScalarLQR()
>>> k_star, j_star = lqr.optimum()
>>> abs(lqr.gradient(k_star)) < 1e-10
True
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numba import njit

from provable._validation import check_int, check_real
from provable.errors import InvalidArgument

__all__ = ["ScalarLQR"]


@njit(cache=True)
def _derivs(k, a, b, q, r, sig, w, m0, H, gamma):
    """(J, J', J'', E[gamma^t r_t] for t < H) by forward-mode recursion on m_t = E[x_t^2]."""
    f = a - b * k
    c = b * b * sig * sig + w * w
    m, dm, ddm = m0, 0.0, 0.0
    J = dJ = ddJ = 0.0
    g = 1.0
    base = np.empty(H)
    for t in range(H):
        cost = (q + r * k * k) * m + r * sig * sig
        dcost = 2.0 * r * k * m + (q + r * k * k) * dm
        ddcost = 2.0 * r * m + 4.0 * r * k * dm + (q + r * k * k) * ddm
        base[t] = -g * cost
        J -= g * cost
        dJ -= g * dcost
        ddJ -= g * ddcost
        # m_{t+1} = f^2 m + c, f' = -b
        ddm_n = 2.0 * b * b * m - 4.0 * f * b * dm + f * f * ddm
        dm_n = -2.0 * f * b * m + f * f * dm
        m = f * f * m + c
        dm, ddm = dm_n, ddm_n
        g *= gamma
    return J, dJ, ddJ, base


@dataclass(frozen=True)
class ScalarLQR:
    """Scalar finite-horizon discounted LQR with the Gaussian linear policy ``u = -k x + sigma xi``.

    Parameters
    ----------
    a, b : float
        Dynamics ``x' = a x + b u + w zeta``.
    q, r : float
        State and control cost weights (reward ``-(q x^2 + r u^2)``), ``q, r > 0``.
    sigma : float
        Policy exploration standard deviation (fixed, ``> 0``).
    w : float
        Process-noise standard deviation (``>= 0``).
    x0_std : float
        Standard deviation of ``x_0 ~ N(0, x0_std^2)`` (``> 0``).
    horizon : int
        Number of steps ``H``.
    gamma : float
        Discount in ``(0, 1]``.
    """

    a: float = 0.9
    b: float = 1.0
    q: float = 1.0
    r: float = 0.5
    sigma: float = 0.5
    w: float = 0.3
    x0_std: float = 1.0
    horizon: int = 8
    gamma: float = 0.95

    def __post_init__(self) -> None:
        check_real("a", self.a)
        check_real("b", self.b)
        if self.b == 0:
            raise InvalidArgument("b=0, expected b != 0 (the control must act on the state)")
        check_real("q", self.q, lower=0.0, lower_open=True)
        check_real("r", self.r, lower=0.0, lower_open=True)
        check_real("sigma", self.sigma, lower=0.0, lower_open=True)
        check_real("w", self.w, lower=0.0)
        check_real("x0_std", self.x0_std, lower=0.0, lower_open=True)
        check_int("horizon", self.horizon, min_value=1)
        check_real("gamma", self.gamma, lower=0.0, upper=1.0, lower_open=True)

    # tuple passed to the numba kernels
    def _params(self) -> tuple:
        return (float(self.a), float(self.b), float(self.q), float(self.r), float(self.sigma),
                float(self.w), float(self.x0_std) ** 2, int(self.horizon), float(self.gamma))

    def _all(self, k: float) -> tuple[float, float, float, np.ndarray]:
        check_real("k", k)
        return _derivs(float(k), *self._params())

    def objective(self, k: float) -> float:
        """Exact ``J(k)``."""
        return float(self._all(k)[0])

    def gradient(self, k: float) -> float:
        """Exact ``dJ/dk``."""
        return float(self._all(k)[1])

    def hessian(self, k: float) -> float:
        """Exact ``d^2J/dk^2``."""
        return float(self._all(k)[2])

    def mean_rewards(self, k: float) -> np.ndarray:
        """Exact ``E[gamma^t r_t]`` for ``t = 0..H-1`` (a valid constant baseline)."""
        return self._all(k)[3].copy()

    def optimum(self) -> tuple[float, float]:
        """``(k*, J(k*))``: grid search over the closed-loop-stable gains
        ``|a - b k| <= 1.5`` followed by Newton steps on the exact derivatives."""
        ks = (self.a + np.linspace(-1.5, 1.5, 3001)) / self.b
        vals = np.array([self.objective(k) for k in ks])
        k = float(ks[int(np.argmax(vals))])
        for _ in range(100):
            _, d, dd, _ = self._all(k)
            if dd >= 0:
                raise InvalidArgument(f"J''(k={k:g}) = {dd:g} >= 0 near the grid maximiser: "
                                      "the objective is not locally concave there")
            step = d / dd
            k -= step
            if abs(step) <= 1e-15 * max(1.0, abs(k)):
                break
        return k, self.objective(k)

    def fisher(self, k: float) -> float:
        """Fisher information of the trajectory score, ``sum_t E[x_t^2] / sigma^2``."""
        a, b, _, _, sig, w, m0, H, _ = self._params()
        f = a - b * float(k)
        m, tot = m0, 0.0
        for _ in range(H):
            tot += m
            m = f * f * m + b * b * sig * sig + w * w
        return tot / sig ** 2
