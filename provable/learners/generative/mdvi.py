r"""Mirror descent value iteration (MDVI) with a generative model.

MDVI (Geist et al. 2019; Vieillard et al. 2020; analysed with a generative model by
Kozuno et al. 2022) is value iteration with a KL penalty :math:`\tau` towards the
previous policy and an entropy bonus :math:`\kappa`:

.. math::

    \pi_{k+1} = \arg\max_\pi \langle \pi, q_k\rangle - \tau\,\mathrm{KL}(\pi\|\pi_k)
                + \kappa\,\mathcal H(\pi),\qquad
    q_{k+1} = r + \gamma \hat P_k \langle \pi_{k+1},
              q_k - \tau\log\tfrac{\pi_{k+1}}{\pi_k} - \kappa\log\pi_{k+1}\rangle .

With :math:`\alpha = \tau/(\tau+\kappa)` and :math:`\beta = 1/(\tau+\kappa)` this is the
"averaged" recursion used by Kozuno et al. (and implemented by :func:`mdvi`):

.. math::

    s_k = q_k + \alpha s_{k-1},\quad w_k = \tfrac1\beta \log\sum_a e^{\beta s_k(\cdot,a)},
    \quad v_k = w_k - \alpha w_{k-1},\quad q_{k+1} = r + \gamma \hat P_k v_k,

with :math:`\pi_{k+1} = \mathrm{softmax}(\beta s_k)`. :math:`\hat P_k` is the empirical
model of ``m`` fresh generative-model calls per pair at iteration ``k`` (the exact
``P`` when ``m=None``). For :math:`\kappa>0` the fixed point is the entropy-regularised
optimum :math:`Q = r + \gamma P\,\kappa\log\sum_a e^{Q/\kappa}`
(:func:`soft_value_iteration`).

The recursion above is reconstructed from Vieillard et al. (2020, "Leverage the
average") and Kozuno et al. (2022); :func:`mdvi_explicit` runs the explicit
KL-entropy form and agrees with :func:`mdvi` to rounding (tested).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy.special import logsumexp

from provable._result import RichResult
from provable._validation import as_generator, check_int, check_real
from provable.errors import InvalidType, NotSupported
from provable.mdp import TabularMDP

__all__ = ["MDVI_MUTATIONS", "MDVIResult", "mdvi", "mdvi_explicit", "soft_value_iteration"]

#: planted implementation mistakes :func:`mdvi` can run (``mutation=``), with the value
#: that is the algorithm itself
MDVI_MUTATIONS: dict[str, tuple[float, str]] = {
    "sample_power": (1.0, "floor(m^sample_power) of the m samples per pair are used"),
    "pool_actions": (0.0, "1: the sampled next states of a state are pooled over actions"),
    "alpha_sign": (1.0, "-1: v_k = w_k + alpha w_{k-1} (the sign of the KL correction)"),
    "kappa_in_beta": (1.0, "0: beta = 1/tau (the entropy coefficient left out of the "
                           "temperature)"),
}


def _mdvi_mutation(mutation: Any) -> dict[str, float]:
    from provable.errors import InvalidArgument

    vals = {k: v[0] for k, v in MDVI_MUTATIONS.items()}
    if mutation is None:
        return vals
    if not isinstance(mutation, dict):
        raise InvalidType(f"mutation={mutation!r} has type {type(mutation).__name__}, expected "
                          f"a dict with keys among {sorted(MDVI_MUTATIONS)}")
    for k in mutation:
        if k not in MDVI_MUTATIONS:
            raise InvalidArgument(f"mutation key {k!r} is not known, expected one of "
                                  f"{sorted(MDVI_MUTATIONS)}")
        vals[k] = check_real(f"mutation[{k!r}]", mutation[k])
    if not 0.0 < vals["sample_power"] <= 1.0:
        raise InvalidArgument(f"mutation={mutation!r}: expected 0 < sample_power <= 1")
    return vals


class MDVIResult(RichResult):
    """Result of :func:`mdvi`.

    Attributes
    ----------
    q : ndarray (S, A)
        Last q-iterate :math:`q_K`.
    s : ndarray (S, A)
        Last averaged iterate :math:`s_K`.
    v : ndarray (S,)
        Value estimate :math:`v_K = w_K - \\alpha w_{K-1}`.
    policy : ndarray (S, A)
        :math:`\\pi_{K+1} = \\mathrm{softmax}(\\beta s_K)`.
    iters, m : int
        Iterations and samples per pair per iteration (``m`` is None for the exact model).
    samples_per_pair : int or None
        ``iters * m``.
    alpha, beta : float
    """

    _fields = ("iters", "m", "samples_per_pair", "alpha", "beta", "v", "policy", "q", "s")


def _check(mdp: Any, tau: float, kappa: float) -> tuple[np.ndarray, np.ndarray, float]:
    if not isinstance(mdp, TabularMDP):
        raise InvalidType(f"mdp has type {type(mdp).__name__}, expected TabularMDP")
    if mdp.criterion != "discounted":
        raise NotSupported(f"mdvi needs a discounted MDP; this one is {mdp.criterion}")
    check_real("tau", tau, lower=0.0)
    check_real("kappa", kappa, lower=0.0)
    if tau + kappa <= 0:
        raise NotSupported(f"tau={tau}, kappa={kappa}: expected tau + kappa > 0")
    P = mdp.P_at(0)
    P = P.toarray() if hasattr(P, "toarray") else np.asarray(P, float)
    return P.reshape(mdp.S, mdp.A, mdp.S), np.asarray(mdp.R_at(0), float).reshape(mdp.S,
                                                                                    mdp.A), \
        float(mdp.gamma)


def mdvi(mdp: TabularMDP, iters: int, m: int | None = None, *, tau: float = 0.1,
         kappa: float = 0.1, seed: Any = 0,
         mutation: dict[str, float] | None = None) -> MDVIResult:
    r"""Run MDVI for ``iters`` iterations, ``m`` generative calls per (s, a) per iteration.

    Parameters
    ----------
    mdp : TabularMDP
        Discounted model (rewards known; transitions sampled).
    iters : int
        Number of iterations K.
    m : int or None
        Fresh samples per state-action pair per iteration; None uses the exact ``P``.
    tau, kappa : float
        KL and entropy coefficients (``tau + kappa > 0``).
    seed : int or Generator
    mutation : dict, optional
        A planted implementation mistake (see :data:`MDVI_MUTATIONS`); the defaults are
        the algorithm (same bits as no mutation).

    Examples
    --------
    >>> import provable as pv
    >>> mdp = pv.mdp.random_mdp(4, 2, gamma=0.8, seed=0, sparse=False)
    >>> exact = mdvi(mdp, 300, tau=0.1, kappa=0.1)
    >>> bool(abs(exact.v - soft_value_iteration(mdp, 0.1)[1]).max() < 1e-9)
    True
    """
    P, R, g = _check(mdp, tau, kappa)
    iters = check_int("iters", iters, min_value=1)
    if m is not None:
        m = check_int("m", m, min_value=1)
    mut = _mdvi_mutation(mutation)
    rng = as_generator(seed)
    S, A = R.shape
    alpha, beta = tau / (tau + kappa), 1.0 / (tau + kappa)
    if mut["kappa_in_beta"] != 1.0:
        if tau <= 0:
            raise NotSupported("mutation kappa_in_beta=0 needs tau > 0")
        beta = 1.0 / tau
    a_sign = mut["alpha_sign"]
    m_used = m
    if m is not None and mut["sample_power"] != 1.0:
        m_used = max(1, int(np.floor(m ** mut["sample_power"])))
    P2 = np.clip(P.reshape(S * A, S), 0.0, None)
    P2 = P2 / P2.sum(axis=1, keepdims=True)
    q = np.zeros((S, A))
    s = np.zeros((S, A))
    w_prev = np.full(S, np.log(A) / beta)  # w_{-1} of s_{-1} = 0 (pi_0 uniform)
    v = np.zeros(S)
    for _ in range(iters + 1):
        s = q + alpha * s
        w = logsumexp(beta * s, axis=1) / beta
        v = w - alpha * w_prev if a_sign == 1.0 else w + alpha * w_prev
        w_prev = w
        if _ == iters:
            break
        if m is None:
            Pv = P2 @ v
        else:
            counts = rng.multinomial(m_used, P2)
            if mut["pool_actions"]:
                counts = np.repeat(counts.reshape(S, A, S).sum(axis=1), A, axis=0) / A
            Pv = (counts @ v) / m_used
        q = R + g * Pv.reshape(S, A)
    z = beta * s
    pol = np.exp(z - logsumexp(z, axis=1, keepdims=True))
    return MDVIResult(iters=iters, m=m, samples_per_pair=None if m is None else iters * m,
                      alpha=alpha, beta=beta, v=v, policy=pol, q=q, s=s)


def mdvi_explicit(mdp: TabularMDP, iters: int, *, tau: float = 0.1, kappa: float = 0.1
                  ) -> tuple[np.ndarray, np.ndarray]:
    r"""Exact-model MDVI in its explicit KL-entropy form (the reference for :func:`mdvi`).

    Returns ``(v, policy)`` after the same number of iterations as ``mdvi(mdp, iters)``.

    Examples
    --------
    >>> import provable as pv
    >>> mdp = pv.mdp.random_mdp(3, 2, gamma=0.7, seed=1, sparse=False)
    >>> v, pol = mdvi_explicit(mdp, 20)
    >>> bool(abs(v - mdvi(mdp, 20).v).max() < 1e-12)
    True
    """
    P, R, g = _check(mdp, tau, kappa)
    iters = check_int("iters", iters, min_value=1)
    S, A = R.shape
    beta = 1.0 / (tau + kappa)
    alpha = tau * beta
    logpi = np.full((S, A), -np.log(A))
    q = np.zeros((S, A))
    v = np.zeros(S)
    for k in range(iters + 1):
        # pi_{k+1} = argmax <pi, q_k> - tau KL(pi || pi_k) + kappa H(pi)
        z = alpha * logpi + beta * q
        new = z - logsumexp(z, axis=1, keepdims=True)
        pi = np.exp(new)
        v = (pi * (q - tau * (new - logpi) - kappa * new)).sum(axis=1)
        logpi = new
        if k == iters:
            break
        q = R + g * (P @ v)
    return v, np.exp(logpi)


def soft_value_iteration(mdp: TabularMDP, kappa: float, *, tol: float = 1e-13,
                         max_iter: int = 100000) -> tuple[np.ndarray, np.ndarray]:
    r"""Entropy-regularised optimum :math:`Q = r + \gamma P\,\kappa\log\sum_a e^{Q/\kappa}`.

    Returns ``(Q, V)``; the iteration is a gamma-contraction and stops when the
    certified error :math:`\gamma\|V_{k}-V_{k-1}\|/(1-\gamma)` is below ``tol``.

    Examples
    --------
    >>> import provable as pv
    >>> mdp = pv.mdp.random_mdp(3, 2, gamma=0.5, seed=0, sparse=False)
    >>> Q, V = soft_value_iteration(mdp, 1e-3)
    >>> bool(abs(V - pv.solve(mdp).V).max() < 1e-2)
    True
    """
    P, R, g = _check(mdp, 0.0, kappa)
    check_real("kappa", kappa, lower=0.0, lower_open=True)
    V = np.zeros(mdp.S)
    Q = R.copy()
    for _ in range(max_iter):
        Q = R + g * (P @ V)
        V_new = kappa * logsumexp(Q / kappa, axis=1)
        if g * np.abs(V_new - V).max() / (1 - g) < tol:
            V = V_new
            break
        V = V_new
    Q = R + g * (P @ V)
    return Q, V
