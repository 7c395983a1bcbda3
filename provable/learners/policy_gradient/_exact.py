r"""Policy gradient on tabular MDPs with exact gradients.

Softmax policies :math:`\pi_\theta(a\mid s) \propto e^{\theta_{s,a}}`, objective
:math:`J(\theta) = \rho^\top V^{\pi_\theta}` (discounted). The exact gradient is
(Agarwal et al. 2021, Lemma C.1)

.. math:: \frac{\partial J}{\partial \theta_{s,a}}
          = \frac{1}{1-\gamma}\, d^{\pi}_\rho(s)\, \pi(a\mid s)\, A^{\pi}(s, a),

with :math:`d^\pi_\rho = (1-\gamma)\rho^\top (I - \gamma P_\pi)^{-1}`. Natural policy
gradient with the softmax parametrisation is the update
:math:`\theta \leftarrow \theta + \frac{\eta}{1-\gamma} A^{\pi_\theta}`.
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np

from provable._result import RichResult
from provable._validation import check_choice, check_int, check_real
from provable.errors import InvalidArgument, InvalidType, NotSupported
from provable.learners.policy_gradient import _kernels as _k
from provable.mdp import TabularMDP

__all__ = ["PGResult", "objective", "gradient", "run_policy_gradient", "METHODS",
           "PG_MUTATIONS"]

METHODS = {"softmax_pg": _k.SOFTMAX_PG, "npg": _k.NPG}

#: planted implementation mistakes :func:`run_policy_gradient` can run (``mutation=``),
#: with the value that is the algorithm itself
PG_MUTATIONS: dict[str, tuple[float, str]] = {
    "sign": (1.0, "multiplies the update; -1 is gradient descent"),
    "step_decay": (0.0, "step t is multiplied by (t + 1)^-step_decay (0: the constant step)"),
    "baseline": (1.0, "1: the advantage Q - V; 0: Q without the baseline V"),
}


def _pg_mutation(mutation: Any) -> tuple[float, float, float]:
    vals = {k: v[0] for k, v in PG_MUTATIONS.items()}
    if mutation is not None:
        if not isinstance(mutation, dict):
            raise InvalidType(f"mutation={mutation!r} has type {type(mutation).__name__}, "
                              f"expected a dict with keys among {sorted(PG_MUTATIONS)}")
        for k in mutation:
            if k not in PG_MUTATIONS:
                raise InvalidArgument(f"mutation key {k!r} is not known, expected one of "
                                      f"{sorted(PG_MUTATIONS)}")
            vals[k] = check_real(f"mutation[{k!r}]", mutation[k])
        if vals["baseline"] not in (0.0, 1.0) or vals["step_decay"] < 0:
            raise InvalidArgument(f"mutation={mutation!r}: expected baseline in {{0, 1}} and "
                                  "step_decay >= 0")
    return vals["sign"], vals["step_decay"], vals["baseline"]


class PGResult(RichResult):
    """Result of :func:`run_policy_gradient`.

    Attributes
    ----------
    method : str
        ``"softmax_pg"`` or ``"npg"``.
    eta : float
        Initial step size.
    gaps : ndarray(float, shape=(iters + 1,))
        :math:`V^*(\\rho) - V^{\\pi_t}(\\rho)` at iterations ``t = 0..iters``.
    theta : ndarray(float, shape=(S, A))
        Final parameters.
    V_star : float
        :math:`V^*(\\rho)`.
    seconds : float
    """

    _fields = ("method", "eta", "V_star", "seconds", "gaps", "theta")


def _arrays(mdp: TabularMDP, rho: Any) -> tuple[np.ndarray, np.ndarray, float, np.ndarray]:
    if not isinstance(mdp, TabularMDP):
        raise InvalidType(f"mdp has type {type(mdp).__name__}, expected TabularMDP")
    if mdp.criterion != "discounted":
        raise NotSupported(f"policy gradient here is for discounted MDPs; this one is "
                           f"{mdp.criterion}")
    P = mdp.P_at(0)
    P = P.toarray() if hasattr(P, "toarray") else np.ascontiguousarray(P, dtype=float)
    S = mdp.S
    r = np.full(S, 1.0 / S) if rho is None else np.asarray(rho, dtype=float)
    if r.shape != (S,) or (r < 0).any() or abs(r.sum() - 1) > 1e-9:
        raise InvalidArgument(f"rho has shape {r.shape} and sum {r.sum():.6g}, expected a "
                              f"distribution over {S} states")
    return P, np.ascontiguousarray(mdp.R_at(0), dtype=float), float(mdp.gamma), r


def _check_theta(mdp: TabularMDP, theta: Any) -> np.ndarray:
    th = np.array(theta, dtype=float)
    if th.shape != (mdp.S, mdp.A):
        raise InvalidArgument(f"theta has shape {th.shape}, expected ({mdp.S}, {mdp.A})")
    return th


def objective(mdp: TabularMDP, theta: Any, rho: Any = None) -> float:
    r"""Exact :math:`J(\theta) = \rho^\top V^{\pi_\theta}` (``rho`` default uniform).

    Examples
    --------
    >>> import numpy as np, provable as pv
    >>> mdp = pv.mdp.random_mdp(3, 2, gamma=0.9, seed=0)
    >>> J = objective(mdp, np.zeros((3, 2)))
    >>> 0 <= J <= 10
    True
    """
    P, R, gamma, r = _arrays(mdp, rho)
    th = _check_theta(mdp, theta)
    pi = np.empty_like(th)
    _k.softmax_rows(th, pi)
    S, A = th.shape
    return float(_k.evaluate(P, R, gamma, r, pi, np.empty(S), np.empty((S, A)), np.empty(S)))


def gradient(mdp: TabularMDP, theta: Any, rho: Any = None) -> np.ndarray:
    r"""Exact :math:`\nabla_\theta J`, shape (S, A) (policy gradient theorem).

    Examples
    --------
    >>> import numpy as np, provable as pv
    >>> mdp = pv.mdp.random_mdp(3, 2, gamma=0.9, seed=0)
    >>> g = gradient(mdp, np.zeros((3, 2)))
    >>> np.allclose(g.sum(axis=1), 0)
    True
    """
    P, R, gamma, r = _arrays(mdp, rho)
    th = _check_theta(mdp, theta)
    S, A = th.shape
    pi = np.empty_like(th)
    _k.softmax_rows(th, pi)
    V, Q, d = np.empty(S), np.empty((S, A)), np.empty(S)
    _k.evaluate(P, R, gamma, r, pi, V, Q, d)
    return d[:, None] * pi * (Q - V[:, None]) / (1.0 - gamma)


def run_policy_gradient(mdp: TabularMDP, method: str = "softmax_pg", iters: int = 1000, *,
                        eta: float | None = None, growth: float = 1.0, rho: Any = None,
                        theta0: Any = None, mutation: dict[str, float] | None = None
                        ) -> PGResult:
    r"""Exact softmax policy gradient or natural policy gradient.

    Parameters
    ----------
    mdp : TabularMDP
        Discounted model, rewards in [0, 1].
    method : {"softmax_pg", "npg"}
    iters : int
    eta : float, optional
        Step size. Defaults: :math:`(1-\gamma)^3/8` for softmax PG (Mei et al. 2020,
        Theorem 4) and :math:`(1-\gamma)^2 \log|A|` for NPG (Agarwal et al. 2021,
        Theorem 16).
    growth : float, default 1
        Step-size multiplier per iteration (``1/gamma`` gives the geometrically
        increasing steps of Xiao 2022 / Lan 2022 for NPG).
    rho : array_like (S,), optional
        Start distribution (default uniform).
    theta0 : array_like (S, A), optional
        Initial parameters (default 0, the uniform policy).
    mutation : dict, optional
        A planted implementation mistake (see :data:`PG_MUTATIONS`); omitted keys and
        the defaults give the same bits as no mutation.

    Returns
    -------
    PGResult

    Examples
    --------
    >>> import provable as pv
    >>> mdp = pv.mdp.random_mdp(4, 2, gamma=0.8, seed=0)
    >>> res = run_policy_gradient(mdp, "npg", iters=50)
    >>> bool(res.gaps[-1] < res.gaps[0])
    True
    """
    from provable.solvers import solve

    name = check_choice("method", method, METHODS)
    iters = check_int("iters", iters, min_value=0)
    P, R, gamma, r = _arrays(mdp, rho)
    if eta is None:
        eta = (1 - gamma) ** 3 / 8 if name == "softmax_pg" else (1 - gamma) ** 2 * np.log(mdp.A)
    eta = check_real("eta", eta, lower=0.0, lower_open=True)
    growth = check_real("growth", growth, lower=1.0)
    sign, decay, baseline = _pg_mutation(mutation)
    th = np.zeros((mdp.S, mdp.A)) if theta0 is None else _check_theta(mdp, theta0)
    vstar = float(r @ np.asarray(solve(mdp, method="pi", tol=1e-12).V))
    gaps = np.empty(iters + 1)
    t0 = time.perf_counter()
    _k.run_pg(METHODS[name], P, R, gamma, r, th, float(eta), float(growth), iters, vstar, gaps,
              sign, decay, baseline)
    return PGResult(method=name, eta=float(eta), V_star=vstar,
                    seconds=time.perf_counter() - t0, gaps=gaps, theta=th)
