r"""Demonstration-regularised RL, tabular pieces (Tiapkin et al., 2023).

* :func:`sample_trajectories` draws episodes of a stochastic policy ``(H, S, A)``;
* :func:`behaviour_cloning` is the tabular BC estimator with add-:math:`\kappa`
  smoothing, :math:`\pi^{BC}_h(a|s) = (N_h(s,a) + \kappa)/(N_h(s) + A\kappa)` (the
  maximiser of the log-likelihood plus :math:`\kappa \sum_a \log \pi_h(a|s)`, which keeps
  every action's probability away from zero);
* :func:`trajectory_kl` is the exact KL divergence between the trajectory distributions
  of two policies in the same MDP (the transitions cancel):
  :math:`\sum_h \mathbb{E}_{s \sim d^p_h}\,\mathrm{KL}(p_h(\cdot|s)\,\|\,q_h(\cdot|s))`;
* :func:`kl_regularised_plan` solves the KL-regularised (towards a reference policy)
  finite-horizon problem exactly by soft backward induction;
* :func:`policy_value` is the exact value of a stochastic policy.

Examples
--------
>>> import numpy as np, provable as pv
>>> from provable.learners.tabular_rl import behaviour_cloning, sample_trajectories
>>> fh = pv.mdp.random_mdp(3, 2, gamma=None, seed=0).with_horizon(2)
>>> pi = np.full((2, 3, 2), 0.5)
>>> s, a = sample_trajectories(fh, pi, 100, seed=0)
>>> behaviour_cloning(s, a, S=3, A=2).shape
(2, 3, 2)
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy.special import logsumexp

from provable._validation import check_int, check_real
from provable.errors import InvalidArgument
from provable.mdp import TabularMDP

__all__ = ["behaviour_cloning", "sample_trajectories", "trajectory_kl", "kl_regularised_plan",
           "policy_value", "state_distributions"]


def _arrays(mdp: TabularMDP) -> tuple[np.ndarray, np.ndarray]:
    from provable.learners.tabular_rl._episodic import episodic_arrays

    P, _, R, _ = episodic_arrays(mdp)
    return P.reshape(mdp.horizon, mdp.S, mdp.A, mdp.S), R


def _check_policy(pi: Any, H: int, S: int, A: int, name: str = "policy") -> np.ndarray:
    pi = np.asarray(pi, dtype=float)
    if pi.shape != (H, S, A):
        raise InvalidArgument(f"{name} has shape {pi.shape}, expected (H, S, A) = {(H, S, A)}")
    if (pi < 0).any() or np.abs(pi.sum(axis=2) - 1).max() > 1e-9:
        raise InvalidArgument(f"{name} rows must be probability vectors (tol 1e-9)")
    return pi


def sample_trajectories(mdp: TabularMDP, policy: Any, n: int, seed: Any = 0,
                        initial_state: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """``n`` episodes of the stochastic ``policy`` (H, S, A): states and actions, (n, H) each.

    The same seed gives the same bits (``numpy.random.default_rng(seed)``).
    """
    H, S, A = mdp.horizon, mdp.S, mdp.A
    n = check_int("n", n, min_value=1)
    pi = _check_policy(policy, H, S, A)
    P, _ = _arrays(mdp)
    rng = np.random.default_rng(seed)
    states = np.empty((n, H), np.int64)
    actions = np.empty((n, H), np.int64)
    s = np.full(n, check_int("initial_state", initial_state, min_value=0, max_value=S - 1))
    for h in range(H):
        states[:, h] = s
        cdf = np.cumsum(pi[h, s], axis=1)
        a = np.minimum((rng.random(n)[:, None] >= cdf).sum(axis=1), A - 1)
        actions[:, h] = a
        cdfs = np.cumsum(P[h, s, a], axis=1)
        s = np.minimum((rng.random(n)[:, None] >= cdfs).sum(axis=1), S - 1)
    return states, actions


def behaviour_cloning(states: Any, actions: Any, S: int, A: int, kappa: float = 1.0
                      ) -> np.ndarray:
    r"""Tabular BC: :math:`(N_h(s,a) + \kappa)/(N_h(s) + A\kappa)`, shape (H, S, A).

    ``states`` and ``actions`` are (n, H) arrays of expert episodes. ``kappa = 0`` gives
    the plain maximum-likelihood estimate (uniform at unvisited states).
    """
    st = np.asarray(states, np.int64)
    ac = np.asarray(actions, np.int64)
    if st.shape != ac.shape or st.ndim != 2:
        raise InvalidArgument(f"states {st.shape} and actions {ac.shape}, expected equal (n, H)")
    kappa = check_real("kappa", kappa, lower=0.0)
    H = st.shape[1]
    N = np.zeros((H, S, A))
    for h in range(H):
        np.add.at(N[h], (st[:, h], ac[:, h]), 1.0)
    Ns = N.sum(axis=2, keepdims=True)
    out = np.where(Ns + A * kappa > 0, (N + kappa) / np.maximum(Ns + A * kappa, 1e-300),
                   1.0 / A)
    return out


def state_distributions(mdp: TabularMDP, policy: Any, initial_state: int = 0) -> np.ndarray:
    """Exact state distributions d_h of ``policy`` from ``initial_state``, shape (H, S)."""
    H, S, A = mdp.horizon, mdp.S, mdp.A
    pi = _check_policy(policy, H, S, A)
    P, _ = _arrays(mdp)
    d = np.zeros((H, S))
    d[0, initial_state] = 1.0
    for h in range(H - 1):
        d[h + 1] = np.einsum("s,sa,sat->t", d[h], pi[h], P[h])
    return d


def trajectory_kl(mdp: TabularMDP, p: Any, q: Any, initial_state: int = 0) -> float:
    """Exact KL(trajectory law of ``p`` || trajectory law of ``q``) in ``mdp``."""
    H, S, A = mdp.horizon, mdp.S, mdp.A
    p = _check_policy(p, H, S, A, "p")
    q = _check_policy(q, H, S, A, "q")
    d = state_distributions(mdp, p, initial_state)
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(p > 0, p * (np.log(p) - np.log(q)), 0.0)
    return float((d * terms.sum(axis=2)).sum())


def kl_regularised_plan(mdp: TabularMDP, reference: Any, lam: float
                        ) -> tuple[np.ndarray, np.ndarray]:
    r"""Exact optimum of :math:`\mathbb{E}[\sum_h r_h] - \lambda\,\mathrm{KL}(\pi\|\pi_{ref})`.

    Soft backward induction: :math:`V_h(s) = \lambda \log \sum_a \pi_{ref}(a|s)
    e^{Q_h(s,a)/\lambda}`, :math:`\pi_h = \pi_{ref} e^{(Q_h - V_h)/\lambda}`.
    Returns ``(policy (H, S, A), V (H+1, S))``.
    """
    H, S, A = mdp.horizon, mdp.S, mdp.A
    ref = _check_policy(reference, H, S, A, "reference")
    lam = check_real("lam", lam, lower=0.0, lower_open=True)
    P, R = _arrays(mdp)
    V = np.zeros((H + 1, S))
    pi = np.empty((H, S, A))
    with np.errstate(divide="ignore"):
        logref = np.log(ref)
    for h in range(H - 1, -1, -1):
        Q = R[h] + P[h] @ V[h + 1]
        z = logref[h] + Q / lam
        V[h] = lam * logsumexp(z, axis=1)
        pi[h] = np.exp(z - V[h][:, None] / lam)
    return pi, V


def policy_value(mdp: TabularMDP, policy: Any, initial_state: int = 0) -> float:
    """Exact value V^pi_0(initial_state) of a stochastic policy (H, S, A)."""
    H, S, A = mdp.horizon, mdp.S, mdp.A
    pi = _check_policy(policy, H, S, A)
    P, R = _arrays(mdp)
    V = np.zeros(S)
    for h in range(H - 1, -1, -1):
        V = ((R[h] + P[h] @ V) * pi[h]).sum(axis=1)
    return float(V[initial_state])
