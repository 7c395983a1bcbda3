r"""Closed forms of RLHF / alignment on a finite response set.

* best-of-N: the law of the highest-reward draw among :math:`N` i.i.d. draws from
  :math:`p` (ties broken uniformly), its KL to :math:`p`, and the bound
  :math:`\log N - (N-1)/N`;
* KL-regularised RL: the tilt :math:`\pi^*\propto p\,e^{r/\beta}`, the objective
  :math:`J_\beta(\pi) = E_\pi r - \beta\,\mathrm{KL}(\pi\|p)`, and the KL-constrained optimum;
* GDC (Khalifa et al. 2021): the minimum-KL distribution under moment constraints, the EBM
  :math:`a(x)e^{\lambda\cdot\phi(x)}/Z`, by Newton on the dual (and by cvxpy, to compare);
* DPO's population loss and the KL-regularised online optimum under partial coverage;
* the entropy change of a softmax policy under a logit update.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
from scipy.special import logsumexp

from provable._validation import check_choice, check_finite_array, check_int, check_real
from provable.errors import InvalidArgument, InvalidModel

__all__ = [
    "best_of_n_distribution", "best_of_n_kl", "best_of_n_kl_bound", "kl",
    "kl_tilt", "kl_regularized_objective", "kl_constrained_tilt", "ebm_moment_match",
    "min_kl_cvxpy", "dpo_population_loss", "dpo_minimizers", "entropy", "entropy_change",
]


def _check_dist(name: str, p: Any, *, full_support: bool = False) -> np.ndarray:
    p = np.asarray(p, dtype=float).reshape(-1)
    if p.size < 1:
        raise InvalidModel(f"{name} is empty, expected a probability vector")
    check_finite_array(name, p)
    if np.any(p < 0) or (full_support and np.any(p <= 0)):
        i = int(np.argmin(p))
        raise InvalidModel(f"{name}[{i}] = {p[i]!r}, expected "
                           f"{'> 0' if full_support else '>= 0'}")
    if abs(p.sum() - 1.0) > 1e-9:
        raise InvalidModel(f"{name} sums to {p.sum():.10g}, expected 1 (tol 1e-09)")
    return p


def _check_vec(name: str, r: Any, n: int) -> np.ndarray:
    r = np.asarray(r, dtype=float).reshape(-1)
    if r.shape != (n,):
        raise InvalidArgument(f"{name} has shape {r.shape}, expected ({n},)")
    check_finite_array(name, r)
    return r


def kl(q: Any, p: Any) -> float:
    r""":math:`\mathrm{KL}(q\|p) = \sum_i q_i\log(q_i/p_i)` (``inf`` when q is not
    absolutely continuous w.r.t. p).

    Examples
    --------
    >>> round(kl([1.0, 0.0], [0.5, 0.5]), 6)
    0.693147
    """
    q = np.asarray(q, dtype=float)
    p = np.asarray(p, dtype=float)
    m = q > 0
    if np.any(p[m] <= 0):
        return float("inf")
    return float(np.sum(q[m] * (np.log(q[m]) - np.log(p[m]))))


def best_of_n_distribution(p: Any, r: Any, N: int, *, draws_offset: int = 0,
                           ties: str = "proportional") -> np.ndarray:
    r"""Law of the best-of-:math:`N` response.

    Rewards are grouped into levels; level :math:`\ell` is selected with probability
    :math:`F_\ell^N - F_{\ell-1}^N` (:math:`F` the reward CDF under :math:`p`) and split
    within the level in proportion to :math:`p` (uniform tie-breaking among the draws).

    ``draws_offset`` (N + offset draws) and ``ties`` (``"first"``: the whole level to its
    first response; ``"count"``: split equally among the level's responses) plant
    implementation mistakes; the defaults are the law above.

    Examples
    --------
    >>> best_of_n_distribution([0.5, 0.5], [0.0, 1.0], 2)
    array([0.25, 0.75])
    """
    p = _check_dist("p", p)
    r = _check_vec("r", r, p.size)
    N = check_int("N", N, min_value=1)
    check_choice("ties", ties, ("proportional", "first", "count"))
    N = check_int("N + draws_offset", N + check_int("draws_offset", draws_offset), min_value=1)
    levels, inv = np.unique(r, return_inverse=True)
    mass = np.bincount(inv, weights=p, minlength=levels.size)
    F = np.cumsum(mass)
    F[-1] = 1.0
    Fprev = np.concatenate([[0.0], F[:-1]])
    sel = F ** N - Fprev ** N
    out = np.zeros_like(p)
    if ties == "proportional":
        nz = mass[inv] > 0
        out[nz] = p[nz] / mass[inv][nz] * sel[inv][nz]
    elif ties == "count":
        cnt = np.bincount(inv, minlength=levels.size).astype(float)
        out = sel[inv] / cnt[inv]
    else:
        first = np.unique(inv, return_index=True)[1]
        out[first] = sel[inv[first]]
    return out


def best_of_n_kl(p: Any, r: Any, N: int, **mistake: Any) -> float:
    r""":math:`\mathrm{KL}(\pi_{\mathrm{BoN}}\|p)`, exact (``mistake``: the planted-mistake
    options of :func:`best_of_n_distribution`).

    Examples
    --------
    >>> import numpy as np
    >>> bool(best_of_n_kl(np.ones(1000) / 1000, np.arange(1000.0), 4) <= np.log(4) - 0.75)
    True
    """
    p = _check_dist("p", p)
    return kl(best_of_n_distribution(p, r, N, **mistake), p)


def best_of_n_kl_bound(N: int) -> float:
    r"""The bound :math:`\log N - (N-1)/N` (Stiennon et al. 2020; Beirami et al. 2024).

    Examples
    --------
    >>> best_of_n_kl_bound(1)
    0.0
    """
    N = check_int("N", N, min_value=1)
    return float(np.log(N) - (N - 1) / N)


def kl_tilt(p: Any, r: Any, beta: float, *, reward_sign: float = 1.0,
            beta_power: float = 1.0) -> tuple[np.ndarray, float]:
    r"""The KL-regularised optimum :math:`\pi^* = p\,e^{r/\beta}/Z` and :math:`\log Z`.

    ``reward_sign`` and ``beta_power`` (:math:`e^{\pm r/\beta^{k}}`) plant mistakes; the
    defaults (1, 1) are the tilt above.

    Examples
    --------
    >>> pi, logZ = kl_tilt([0.5, 0.5], [0.0, 1.0], 1.0)
    >>> pi.round(4), round(logZ, 4)
    (array([0.2689, 0.7311]), 0.6201)
    """
    p = _check_dist("p", p, full_support=True)
    r = _check_vec("r", r, p.size)
    beta = check_real("beta", beta, lower=0.0, lower_open=True)
    if reward_sign == 1.0 and beta_power == 1.0:
        z = np.log(p) + r / beta
    else:
        z = np.log(p) + check_real("reward_sign", reward_sign) * r / beta ** check_real(
            "beta_power", beta_power)
    logZ = float(logsumexp(z))
    return np.exp(z - logZ), logZ


def kl_regularized_objective(pi: Any, p: Any, r: Any, beta: float, *,
                             kl_direction: str = "forward") -> float:
    r""":math:`J_\beta(\pi) = E_\pi[r] - \beta\,\mathrm{KL}(\pi\|p)`
    (``kl_direction="reverse"`` plants the mistake :math:`\mathrm{KL}(p\|\pi)`).

    Examples
    --------
    >>> pi, logZ = kl_tilt([0.5, 0.5], [0.0, 1.0], 2.0)
    >>> bool(abs(kl_regularized_objective(pi, [0.5, 0.5], [0.0, 1.0], 2.0) - 2.0 * logZ) < 1e-12)
    True
    """
    pi = _check_dist("pi", pi)
    p = _check_dist("p", p, full_support=True)
    r = _check_vec("r", r, p.size)
    beta = check_real("beta", beta, lower=0.0, lower_open=True)
    if pi.size != p.size:
        raise InvalidArgument(f"pi has {pi.size} entries and p {p.size}, expected equal")
    check_choice("kl_direction", kl_direction, ("forward", "reverse"))
    if kl_direction == "reverse":
        return float(pi @ r - beta * kl(p, pi))
    return float(pi @ r - beta * kl(pi, p))


def kl_constrained_tilt(p: Any, r: Any, delta: float, *, tol: float = 1e-13
                        ) -> tuple[np.ndarray, float]:
    r"""Solution of :math:`\max_\phi E_\phi r` s.t. :math:`\mathrm{KL}(\phi\|p)\le\Delta`:
    the tilt :math:`p e^{\lambda r}/Z` with :math:`\lambda` found by bisection so that the
    constraint is tight. Returns ``(phi, lam)``.

    Examples
    --------
    >>> phi, lam = kl_constrained_tilt([0.25] * 4, [0.0, 1.0, 2.0, 3.0], 0.1)
    >>> round(kl(phi, [0.25] * 4), 10)
    0.1
    """
    p = _check_dist("p", p, full_support=True)
    r = _check_vec("r", r, p.size)
    delta = check_real("delta", delta, lower=0.0, lower_open=True)
    top = r >= r.max()
    kmax = -np.log(p[top].sum())
    if delta >= kmax:
        raise InvalidArgument(f"delta={delta!r}, expected delta < log(1/p(argmax r)) = {kmax:g}"
                              " (larger budgets are met by the argmax alone)")

    def klof(lam: float) -> float:
        return kl(kl_tilt(p, r, 1.0 / lam)[0], p) if lam > 0 else 0.0

    lo, hi = 0.0, 1.0
    while klof(hi) < delta:
        hi *= 2.0
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        if klof(mid) < delta:
            lo = mid
        else:
            hi = mid
        if hi - lo <= tol * hi:
            break
    lam = 0.5 * (lo + hi)
    return kl_tilt(p, r, 1.0 / lam)[0], lam


def ebm_moment_match(a: Any, phi: Any, mu: Any, *, tol: float = 1e-14, max_iter: int = 200,
                     use_base: bool = True) -> tuple[np.ndarray, np.ndarray]:
    r"""Minimum-KL distribution :math:`\min_q \mathrm{KL}(q\|a)` s.t. :math:`E_q[\phi]=\mu`,
    as the EBM :math:`q = a e^{\lambda\cdot\phi}/Z`, by damped Newton on the convex dual
    :math:`\log Z(\lambda) - \lambda\cdot\mu`. Returns ``(q, lam)``.

    Parameters
    ----------
    a : array_like(float, ndim=1)
        Base distribution (full support), ``(n,)``.
    phi : array_like(float, ndim=2)
        Features ``(n, k)``.
    mu : array_like(float, ndim=1)
        Target moments ``(k,)`` (in the relative interior of the feature hull).
    tol, max_iter : float, int
        Stopping rule of Newton (gradient of the dual in max norm).
    use_base : bool, default True
        False plants a mistake: the tilt of the uniform distribution instead of ``a``.

    Examples
    --------
    >>> import numpy as np
    >>> q, lam = ebm_moment_match([0.25] * 4, np.arange(4.0)[:, None], [2.0])
    >>> bool(abs(q @ np.arange(4.0) - 2.0) < 1e-12)
    True
    """
    a = _check_dist("a", a, full_support=True)
    phi = np.asarray(phi, dtype=float)
    if phi.ndim == 1:
        phi = phi[:, None]
    if phi.ndim != 2 or phi.shape[0] != a.size:
        raise InvalidArgument(f"phi has shape {phi.shape}, expected ({a.size}, k)")
    check_finite_array("phi", phi)
    mu = _check_vec("mu", mu, phi.shape[1])
    la = np.log(a) if use_base else np.full(a.size, -np.log(a.size))
    lam = np.zeros(phi.shape[1])

    def dual(lv: np.ndarray) -> float:
        return float(logsumexp(la + phi @ lv) - lv @ mu)

    for _ in range(max_iter):
        z = la + phi @ lam
        q = np.exp(z - logsumexp(z))
        m = q @ phi
        grad = m - mu
        if np.abs(grad).max() <= tol:
            break
        C = (phi * q[:, None]).T @ phi - np.outer(m, m)
        step = np.linalg.lstsq(C + 1e-300 * np.eye(C.shape[0]), -grad, rcond=None)[0]
        t, f0 = 1.0, dual(lam)
        while dual(lam + t * step) > f0 + 1e-4 * t * float(grad @ step) and t > 1e-12:
            t *= 0.5
        lam = lam + t * step
    z = la + phi @ lam
    return np.exp(z - logsumexp(z)), lam


def min_kl_cvxpy(a: Any, phi: Any, mu: Any, *, solver: str | None = None) -> np.ndarray:
    r"""The same minimum-KL problem solved as a convex program with cvxpy
    (``sum(rel_entr(q, a))`` under ``phi.T @ q == mu``, ``q`` on the simplex).

    Examples
    --------
    >>> import numpy as np
    >>> q = min_kl_cvxpy([0.25] * 4, np.arange(4.0)[:, None], [2.0])
    >>> bool(abs(q @ np.arange(4.0) - 2.0) < 1e-6)
    True
    """
    import cvxpy as cp

    a = _check_dist("a", a, full_support=True)
    phi = np.asarray(phi, dtype=float)
    if phi.ndim == 1:
        phi = phi[:, None]
    mu = _check_vec("mu", mu, phi.shape[1])
    q = cp.Variable(a.size, nonneg=True)
    prob = cp.Problem(cp.Minimize(cp.sum(cp.rel_entr(q, a))),
                      [cp.sum(q) == 1, phi.T @ q == mu])
    kw: dict[str, Any] = {}
    if solver is None and "SCS" in cp.installed_solvers():
        # SCS at eps=1e-12 reaches ~1e-12 here; Clarabel's interior point stalls near 1e-6
        solver = "SCS"
        kw = {"eps": 1e-12, "max_iters": 100_000}
    with warnings.catch_warnings():
        # an inaccurate SCS stop is handled below (Clarabel fallback, then our own warning)
        warnings.filterwarnings("ignore", message="Solution may be inaccurate")
        prob.solve(solver=solver, **kw)
    if prob.status != cp.OPTIMAL and solver == "SCS" and "CLARABEL" in cp.installed_solvers():
        # SCS occasionally stops "optimal_inaccurate" (about 1 case in 60 at n=40, k=4);
        # Clarabel with tight tolerances then reaches ~1e-9 on these problems
        prob.solve(solver="CLARABEL", tol_gap_abs=1e-14, tol_gap_rel=1e-14, tol_feas=1e-14,
                   max_iter=500)
    if prob.status != cp.OPTIMAL and q.value is not None:
        warnings.warn(f"cvxpy status {prob.status!r}: the minimum-KL solution may be "
                      "inaccurate", RuntimeWarning, stacklevel=2)
    if q.value is None:
        raise InvalidArgument(f"cvxpy status {prob.status!r}: the moment constraints "
                              f"mu={mu!r} may be infeasible")
    v = np.maximum(np.asarray(q.value, float), 0.0)
    return v / v.sum()


def dpo_population_loss(pi: Any, pi_ref: Any, r: Any, pairs: Any, weights: Any, beta: float
                        ) -> float:
    r"""Population DPO loss on a preference data set with Bradley–Terry labels:

    .. math::
        \sum_{(i,j)} w_{ij}\big[-\sigma(r_i-r_j)\log\sigma(h_i-h_j)
        - \sigma(r_j-r_i)\log\sigma(h_j-h_i)\big],\quad h = \beta\log(\pi/\pi_{\mathrm{ref}}).

    Examples
    --------
    >>> round(dpo_population_loss([0.5, 0.5], [0.5, 0.5], [0.0, 0.0], [(0, 1)], [1.0], 1.0), 6)
    0.693147
    """
    pi = _check_dist("pi", pi)
    ref = _check_dist("pi_ref", pi_ref, full_support=True)
    r = _check_vec("r", r, ref.size)
    beta = check_real("beta", beta, lower=0.0, lower_open=True)
    pairs = np.asarray(pairs, dtype=int).reshape(-1, 2)
    w = np.asarray(weights, dtype=float).reshape(-1)
    if w.shape != (pairs.shape[0],):
        raise InvalidArgument(f"weights has shape {w.shape}, expected ({pairs.shape[0]},)")
    with np.errstate(divide="ignore"):
        h = beta * (np.log(pi) - np.log(ref))
    i, j = pairs[:, 0], pairs[:, 1]
    d = h[i] - h[j]
    pr = 1.0 / (1.0 + np.exp(-(r[i] - r[j])))
    return float(np.sum(w * (pr * np.logaddexp(0.0, -d) + (1 - pr) * np.logaddexp(0.0, d))))


def dpo_minimizers(pi_ref: Any, r: Any, covered: Any, beta: float, uncovered_mass: Any,
                   *, temperature_scale: float = 1.0) -> np.ndarray:
    r"""Members of the set of population-DPO minimisers when the data covers only the
    responses in ``covered``: :math:`\pi\propto\pi_{\mathrm{ref}}e^{r/\beta}` on the covered
    responses scaled to total mass :math:`1-m`, and the remaining mass :math:`m` put on the
    uncovered responses (in proportion to :math:`\pi_{\mathrm{ref}}`), one row per ``m``.
    ``temperature_scale`` c plants a mistake (:math:`e^{r/(c\beta)}`; 1 is the minimiser).

    Examples
    --------
    >>> dpo_minimizers([0.5, 0.5], [0.0, 0.0], [0], 1.0, [0.0, 0.9]).round(3)
    array([[1. , 0. ],
           [0.1, 0.9]])
    """
    ref = _check_dist("pi_ref", pi_ref, full_support=True)
    r = _check_vec("r", r, ref.size)
    beta = check_real("beta", beta, lower=0.0, lower_open=True)
    cov = np.zeros(ref.size, bool)
    cov[np.asarray(covered, dtype=int)] = True
    ms = np.asarray(uncovered_mass, dtype=float).reshape(-1)
    if np.any(ms < 0) or np.any(ms >= 1):
        raise InvalidArgument(f"uncovered_mass={ms!r}, expected values in [0, 1)")
    tb = beta if temperature_scale == 1.0 else check_real(
        "temperature_scale", temperature_scale, lower=0.0, lower_open=True) * beta
    tilt = np.where(cov, ref * np.exp((r - r[cov].max()) / tb), 0.0)
    tilt /= tilt.sum()
    rest = np.where(cov, 0.0, ref)
    out = np.empty((ms.size, ref.size))
    for k, m in enumerate(ms):
        out[k] = (1 - m) * tilt + (m * rest / rest.sum() if rest.sum() > 0 else 0.0)
    return out


def entropy(z: Any) -> float:
    r"""Entropy of :math:`\mathrm{softmax}(z)`.

    Examples
    --------
    >>> round(entropy([0.0, 0.0]), 6)
    0.693147
    """
    z = np.asarray(z, dtype=float)
    lp = z - logsumexp(z)
    return float(-np.sum(np.exp(lp) * lp))


def entropy_change(z: Any, dz: Any, eta: float, *, mutation: dict | None = None
                   ) -> tuple[float, float]:
    r"""Entropy change :math:`H(\mathrm{softmax}(z+\eta\,\Delta z)) - H(\mathrm{softmax}(z))`
    and its first-order prediction :math:`-\eta\,\mathrm{Cov}_{a\sim\pi}(\log\pi(a),
    \Delta z(a))` (Cui et al. 2025). Returns ``(dH, prediction)``.

    ``mutation`` plants a mistake in the prediction: ``{"sign": 1.0}`` (+eta Cov),
    ``{"centred": False}`` (:math:`E[\log\pi\,\Delta z]`), ``{"scale": c}``,
    ``{"log_prob": False}`` (Cov of :math:`\pi` instead of :math:`\log\pi`),
    ``{"at_new_logits": True}`` (the covariance at :math:`z + \eta\Delta z`).

    Examples
    --------
    >>> dH, pred = entropy_change([0.0, 1.0, 2.0], [1.0, 0.0, -1.0], 1e-4)
    >>> bool(abs(dH - pred) < 1e-7)
    True
    """
    z = np.asarray(z, dtype=float).reshape(-1)
    dz = _check_vec("dz", dz, z.size)
    check_finite_array("z", z)
    eta = check_real("eta", eta)
    known = {"sign": -1.0, "centred": True, "scale": 1.0, "log_prob": True,
             "at_new_logits": False}
    m = dict(known)
    for k, v in (mutation or {}).items():
        if k not in known:
            raise InvalidArgument(f"mutation key {k!r} is not known, expected one of "
                                  f"{sorted(known)}")
        m[k] = v
    zc = z + eta * dz if m["at_new_logits"] else z
    lp = zc - logsumexp(zc)
    p = np.exp(lp)
    f = lp if m["log_prob"] else p
    if m["centred"]:
        cov = float(p @ (f * dz) - (p @ f) * (p @ dz))
    else:
        cov = float(p @ (f * dz))
    pred = -eta * cov if (m["sign"] == -1.0 and m["scale"] == 1.0) else \
        m["sign"] * m["scale"] * eta * cov
    return entropy(z + eta * dz) - entropy(z), pred
