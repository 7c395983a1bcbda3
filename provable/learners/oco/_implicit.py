r"""Generalized implicit FTRL (Chen & Orabona 2023) on linear-model losses.

FTRL with the quadratic regulariser :math:`\psi_t(x) = \|x\|^2/(2\eta_t)` on an
unbounded domain plays :math:`x_t = -\eta_t\theta_{t-1}`, :math:`\theta_t=\sum_{s\le t} g_s`.
Generalized implicit FTRL keeps this form but chooses the vector :math:`g_t` added to
the state so that the per-round term of the regret bound,

.. math::
    \delta_t(g) = \ell_t(x_t) + \ell_t^*(g) + \psi^*_{t+1}(-\theta_{t-1} - g)
                  - \psi^*_t(-\theta_{t-1}),

is small (the linearisation of the loss is replaced by the Fenchel–Young inequality
:math:`\ell_t(u) \ge \langle g, u\rangle - \ell_t^*(g)`). Then
:math:`R_T(u) \le \psi_{T+1}(u) + \sum_t \delta_t(g_t)`.

* ``update="linearized"``: :math:`g_t = \nabla\ell_t(x_t)` — FTRL on linearised losses.
* ``update="implicit"``: :math:`g_t` minimises :math:`\delta_t` exactly; equivalently
  :math:`x_{t+1}' = \arg\min_x \psi_{t+1}(x) + \langle\theta_{t-1},x\rangle + \ell_t(x)` and
  :math:`g_t \in \partial\ell_t(x_{t+1}')` — implicit FTRL.
* ``update="aprox"``: the implicit step on the truncated linear model
  :math:`\max(\ell_t(x_t) + \langle\nabla\ell_t(x_t), x - x_t\rangle, 0)` (aProx as FTRL).

Losses are :math:`\ell_t(x) = h_t(\langle a_t, x\rangle)` with ``square``
(:math:`\tfrac12(z-b_t)^2`), ``abs`` (:math:`|z-b_t|`) or ``hinge``
(:math:`\max(0, 1-b_t z)`, :math:`b_t\in\{-1,1\}`), whose proximal steps and conjugates are
closed form.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from provable._validation import check_choice, check_finite_array, check_real
from provable.errors import InvalidArgument
from provable.learners.oco._common import OCOResult

__all__ = ["LinearModelLosses", "generalized_implicit_ftrl", "implicit_ftrl", "UPDATES"]

UPDATES = ("linearized", "implicit", "aprox")
LOSS_KINDS = ("square", "abs", "hinge")


class LinearModelLosses:
    r"""A sequence of losses :math:`\ell_t(x) = h(\langle a_t, x\rangle; b_t)`.

    Parameters
    ----------
    kind : {"square", "abs", "hinge"}
    A : array_like(float, ndim=2)
        Features ``(T, d)``.
    b : array_like(float, ndim=1)
        Targets ``(T,)`` (labels in {-1, 1} for ``hinge``).

    Examples
    --------
    >>> import numpy as np
    >>> L = LinearModelLosses("abs", np.eye(2), np.array([1.0, 0.0]))
    >>> L.value(0, np.array([3.0, 5.0]))
    2.0
    >>> L.prox(0, np.array([3.0, 0.0]), 0.5)   # moves 0.5 towards the kink at z = 1
    array([2.5, 0. ])
    """

    def __init__(self, kind: str, A: Any, b: Any) -> None:
        check_choice("kind", kind, LOSS_KINDS)
        A = np.asarray(A, dtype=float)
        b = np.asarray(b, dtype=float).reshape(-1)
        if A.ndim != 2 or A.shape[0] < 1:
            raise InvalidArgument(f"A has shape {A.shape}, expected (T, d) with T >= 1")
        if b.shape != (A.shape[0],):
            raise InvalidArgument(f"b has shape {b.shape}, expected ({A.shape[0]},)")
        check_finite_array("A", A)
        check_finite_array("b", b)
        if kind == "hinge" and not np.all(np.abs(b) == 1):
            i = int(np.argmax(np.abs(b) != 1))
            raise InvalidArgument(f"b[{i}]={b[i]!r}, expected a label in {{-1, 1}} for hinge")
        self.kind, self.A, self.b = kind, A, b
        self.T, self.d = A.shape

    def _h(self, t: int, z: float) -> float:
        b = self.b[t]
        if self.kind == "square":
            return 0.5 * (z - b) ** 2
        if self.kind == "abs":
            return abs(z - b)
        return max(0.0, 1.0 - b * z)

    def _dh(self, t: int, z: float) -> float:
        b = self.b[t]
        if self.kind == "square":
            return z - b
        if self.kind == "abs":
            return float(np.sign(z - b))
        return -b if b * z < 1.0 else 0.0

    def value(self, t: int, x: np.ndarray) -> float:
        """:math:`\\ell_t(x)`."""
        return float(self._h(t, float(self.A[t] @ x)))

    def grad(self, t: int, x: np.ndarray) -> np.ndarray:
        """A subgradient of :math:`\\ell_t` at ``x``."""
        return self._dh(t, float(self.A[t] @ x)) * self.A[t]

    def prox_scalar(self, t: int, v: np.ndarray, eta: float) -> float:
        r"""The ``s`` with :math:`\mathrm{prox}_{\eta\ell_t}(v) = v - \eta s a_t`,
        :math:`s \in \partial h(\langle a_t, \mathrm{prox}\rangle)`."""
        a, b = self.A[t], self.b[t]
        z0 = float(a @ v)
        c = eta * float(a @ a)
        if c == 0.0:
            return self._dh(t, z0)
        if self.kind == "square":
            return (z0 - b) / (1.0 + c)
        if self.kind == "abs":
            r = z0 - b
            return 1.0 if r > c else (-1.0 if r < -c else r / c)
        m0 = b * z0
        alpha = 0.0 if m0 >= 1.0 else (1.0 if m0 + c <= 1.0 else (1.0 - m0) / c)
        return -b * alpha

    def prox(self, t: int, v: np.ndarray, eta: float) -> np.ndarray:
        r""":math:`\arg\min_x \|x - v\|^2/(2\eta) + \ell_t(x)`."""
        return v - eta * self.prox_scalar(t, v, eta) * self.A[t]

    def conjugate_scalar(self, t: int, s: float) -> float:
        r""":math:`h_t^*(s)`, so that :math:`\ell_t^*(s a_t) = h_t^*(s)`."""
        b = self.b[t]
        if self.kind == "square":
            return 0.5 * s * s + s * b
        if self.kind == "abs":
            return s * b if abs(s) <= 1 + 1e-12 else np.inf
        alpha = -s * b
        return -alpha if -1e-12 <= alpha <= 1 + 1e-12 else np.inf


def generalized_implicit_ftrl(losses: LinearModelLosses, *, eta: float = 1.0,
                              update: str = "implicit", schedule: str = "constant",
                              comparator: Any = None, mutation: dict | None = None
                              ) -> OCOResult:
    r"""Generalized implicit FTRL with :math:`\psi_t = \|x\|^2/(2\eta_t)` (see module doc).

    Parameters
    ----------
    losses : LinearModelLosses
    eta : float
        Step size; ``schedule="anytime"`` uses :math:`\eta_t = \eta/\sqrt t`.
    update : {"linearized", "implicit", "aprox"}
    schedule : {"constant", "anytime"}
    comparator : array_like, optional
        Regret comparator (default: the origin).
    mutation : dict, optional
        A planted implementation mistake: ``{"prox_step": "current"}`` solves the
        implicit step with :math:`\eta_t` instead of :math:`\eta_{t+1}` (off by one),
        ``{"dual_sign": -1.0}`` subtracts :math:`g_t` from the state, ``{"conjugate":
        False}`` drops :math:`\ell_t^*(g)` from the bound term. Default: the algorithm.

    Returns
    -------
    OCOResult
        With extra fields ``duals`` (the :math:`g_t` added to the state, ``(T, d)``) and
        ``bound_terms`` (:math:`\delta_t(g_t)`, ``(T,)``), and ``bound``
        (:math:`\psi_{T+1}(u) + \sum_t\delta_t`).

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> L = LinearModelLosses("square", rng.standard_normal((50, 3)), rng.standard_normal(50))
    >>> r = generalized_implicit_ftrl(L, eta=0.5, update="implicit")
    >>> bool(r.regret[-1] <= r.bound + 1e-9)
    True
    """
    if not isinstance(losses, LinearModelLosses):
        raise InvalidArgument(f"losses={losses!r}, expected a LinearModelLosses")
    eta = check_real("eta", eta, lower=0.0, lower_open=True)
    check_choice("update", update, UPDATES)
    check_choice("schedule", schedule, ("constant", "anytime"))
    known = {"prox_step": "next", "dual_sign": 1.0, "conjugate": True}
    if mutation is not None and not isinstance(mutation, dict):
        raise InvalidArgument(f"mutation={mutation!r}, expected a dict with keys {sorted(known)}")
    for key in mutation or {}:
        if key not in known:
            raise InvalidArgument(f"mutation key {key!r} is not known, expected one of "
                                  f"{sorted(known)}")
    mut = {**known, **(mutation or {})}
    check_choice("mutation['prox_step']", mut["prox_step"], ("next", "current"))
    sign = check_real("mutation['dual_sign']", mut["dual_sign"])
    nxt = 1 if mut["prox_step"] == "next" else 0
    T, d = losses.T, losses.d
    if schedule == "constant":
        etas = np.full(T + 1, eta)
    else:
        etas = eta / np.sqrt(np.arange(1, T + 2))
    u = np.zeros(d) if comparator is None else np.asarray(comparator, float).reshape(-1)
    if u.shape != (d,):
        raise InvalidArgument(f"comparator has shape {np.shape(comparator)}, expected ({d},)")
    theta = np.zeros(d)
    X = np.empty((T, d))
    Gd = np.empty((T, d))
    Gx = np.empty((T, d))
    delta = np.empty(T)
    for t in range(T):
        x = 0.0 - etas[t] * theta
        X[t] = x
        Gx[t] = losses.grad(t, x)
        a = losses.A[t]
        if update == "linearized":
            g = Gx[t]
            fy = float(g @ x)  # l(x) + l*(g) = <g, x> (Fenchel-Young equality)
        elif update == "implicit":
            s = losses.prox_scalar(t, -etas[t + nxt] * theta, etas[t + nxt])
            g = s * a
            fy = losses.value(t, x) + (losses.conjugate_scalar(t, s) if mut["conjugate"]
                                       else 0.0)
        else:
            gl = Gx[t]
            c0 = losses.value(t, x) - float(gl @ x)
            v = -etas[t + 1] * theta
            lin = c0 + float(gl @ v)
            nn = float(gl @ gl)
            if lin <= 0 or nn == 0:
                alpha = 0.0
            elif lin - etas[t + 1] * nn >= 0:
                alpha = 1.0
            else:
                alpha = lin / (etas[t + 1] * nn)
            g = alpha * gl
            # conjugate of the truncated model max(c0 + <gl, x>, 0) at alpha*gl is -alpha*c0
            fy = losses.value(t, x) - alpha * c0
        Gd[t] = g
        nt = theta + g if sign == 1.0 else theta + sign * g
        delta[t] = fy + 0.5 * etas[t + 1] * float(nt @ nt) - 0.5 * etas[t] * float(theta @ theta)
        theta = nt
    lx = np.array([losses.value(t, X[t]) for t in range(T)])
    lu = np.array([losses.value(t, u) for t in range(T)])
    return OCOResult(method=f"generalized_implicit_ftrl[{update}]", iterates=X, gradients=Gx,
                     losses=lx, comparator=u, comparator_losses=lu, regret=np.cumsum(lx - lu),
                     params={"eta": eta, "schedule": schedule, "update": update},
                     duals=Gd, bound_terms=delta,
                     bound=float(u @ u) / (2 * etas[T]) + float(delta.sum()))


def implicit_ftrl(losses: LinearModelLosses, *, eta: float = 1.0, schedule: str = "constant",
                  comparator: Any = None) -> OCOResult:
    r"""Implicit FTRL: :math:`x_{t+1} = \arg\min_x \psi_{t+1}(x) + \sum_{s<t}\langle g_s, x\rangle
    + \ell_t(x)`, :math:`g_t\in\partial\ell_t(x_{t+1})` — the ``update="implicit"`` case of
    :func:`generalized_implicit_ftrl`.

    Examples
    --------
    >>> import numpy as np
    >>> L = LinearModelLosses("hinge", np.ones((3, 1)), np.array([1.0, 1.0, -1.0]))
    >>> implicit_ftrl(L, eta=1.0).iterates.ravel().tolist()
    [0.0, 1.0, 1.0]
    """
    return generalized_implicit_ftrl(losses, eta=eta, update="implicit", schedule=schedule,
                                     comparator=comparator)
