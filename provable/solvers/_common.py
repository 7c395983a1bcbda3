"""Shared pieces of the tabular solvers: Q from V, greedy policies, policy matrices,
exact policy evaluation, occupancy measures and the floating-point slack of bounds."""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as spla
from scipy.sparse.csgraph import connected_components

from provable.errors import InvalidArgument, InvalidModel
from provable.mdp._tabular import TabularMDP

__all__ = ["q_from_v", "greedy", "policy_matrix", "evaluate_policy", "occupancy",
           "policy_gain", "rounding_slack", "as_stochastic_policy", "BellmanCertificate",
           "bellman_certificate", "contraction_modulus", "check_start_vector", "check_flag",
           "check_policy_vector"]

_U = np.finfo(float).eps
_UNIT = _U / 2  # unit roundoff of float64, 2**-53


def _up(x: float) -> float:
    return float(np.nextafter(x, np.inf))


def _width(mdp: TabularMDP) -> int:
    """Terms in the widest dot product of a sweep (stored entries of the widest row)."""
    if mdp.sparse:
        return int(np.diff(mdp.P.indptr).max())
    return mdp.S


def contraction_modulus(mdp: TabularMDP) -> tuple[float, float, int]:
    r"""``(rho, gamma_rho, row)``: a rigorous upper bound ``rho`` of the largest row sum
    :math:`\max_{s,a} \sum_j P(j \mid s,a)` of the stored (float) P, the upper bound
    ``gamma_rho`` of :math:`\gamma \rho` (the Bellman operator's modulus of contraction
    in sup norm, whatever the row sums) and the flat index ``s*A + a`` of that row.

    A row sum computed in float64 from ``n`` non-negative terms is at most
    :math:`\gamma_n` times its value away from it (Higham 2002, §3.1), whatever the
    order of summation; the bound divides by :math:`1 - \gamma_n` and rounds up.

    Examples
    --------
    >>> import numpy as np, provable as pv
    >>> m = pv.TabularMDP(np.array([[[1 + 9e-10]]]), np.array([[1.0]]), gamma=0.9999)
    >>> rho, grho, row = pv.solvers._common.contraction_modulus(m)
    >>> 1 + 9e-10 <= rho < 1 + 1e-9, grho > 0.9999
    (True, True)
    """
    P2 = mdp.P_at()
    sums = np.asarray(P2.sum(axis=1)).ravel()
    row = int(np.argmax(sums))
    from provable.backends._certificate import modulus_from_sums

    return modulus_from_sums(float(sums[row]), _width(mdp), float(mdp.gamma or 1.0)) + (row,)


class BellmanCertificate:
    r"""A-posteriori certificate of a value vector ``V`` for a discounted MDP.

    With :math:`T` the exact Bellman optimality operator of the stored model (its
    floats read as the rationals they are) and :math:`\kappa \ge \gamma \max_{s,a}
    \sum_j P(j|s,a)` rigorous, :math:`T` is a :math:`\kappa`-contraction in sup norm
    for *any* non-negative P (rows need not sum to 1), so

    .. math::

        \|V - V^*\|_\infty \le \frac{\|TV - V\|_\infty}{1 - \kappa}
        \le \frac{(1+u)\,\|\mathrm{fl}(TV) - V\|_\infty + E}{1 - \kappa},

    where :math:`E` bounds :math:`|\mathrm{fl}(TV) - TV|` entrywise: Higham's
    dot-product bound :math:`\gamma_n \sum_j |p_j||v_j| \le \gamma_n \rho
    \|V\|_\infty` (``n`` the widest row), the rounding of the products by
    :math:`\gamma` and of the reward additions, and underflow. The same sweep
    certifies a policy :math:`\pi`: :math:`V^* - V^\pi \le \|V - V^*\| +
    \|T_\pi V - V\| / (1 - \kappa)`.

    Attributes
    ----------
    bound : float
        Certified :math:`\max_s |V(s) - V^*(s)|` (``inf`` when V or the sweep is not
        finite).
    residual : float
        Upper bound of :math:`\|\mathrm{fl}(TV) - V\|_\infty` (times ``1 + u``).
    rounding : float
        ``E`` above.
    modulus : float
        :math:`\kappa`.
    Q : ndarray (S, A)
        The computed action values :math:`r + \gamma P V`.
    TV : ndarray (S,)
        Their maxima (``-inf`` for eliminated actions is never used: all actions count).
    finite : bool
        Whether V and the sweep were finite.
    """

    def __init__(self, bound: float, residual: float, rounding: float, modulus: float,
                 Q: np.ndarray, V: np.ndarray, finite: bool) -> None:
        self.bound = bound
        self.residual = residual
        self.rounding = rounding
        self.modulus = modulus
        self.Q = Q
        self.TV = Q.max(axis=1) if finite else np.full(Q.shape[0], np.nan)
        self.V = V
        self.finite = finite

    @property
    def floor(self) -> float:
        """The part of ``bound`` that is float64 rounding: ``E / (1 - kappa)``."""
        return self.rounding / (1.0 - self.modulus) if self.finite else np.inf

    def policy_bound(self, policy: np.ndarray) -> float:
        r"""Certified :math:`\max_s (V^*(s) - V^\pi(s))` of the deterministic ``policy``."""
        if not self.finite:
            return np.inf
        S = self.V.shape[0]
        q = self.Q[np.arange(S), np.asarray(policy, dtype=np.int64)]
        res = float(np.abs(q - self.V).max(initial=0.0)) * (1 + 2 * _UNIT) + self.rounding
        return _up((self.bound + res / (1.0 - self.modulus)) * (1 + 4 * _UNIT))


def bellman_certificate(mdp: TabularMDP, V: Any) -> BellmanCertificate:
    r"""Certify ``V`` by one Bellman backup in float64 with its rounding bounded.

    The bound holds for the model as stored (rows summing to ``1 ± tol``, float32
    inputs promoted to float64: the certificate is about those float values, exactly
    as :func:`~provable.solvers.exact_solve` reads them) and does not depend on how V
    was obtained. One pass over P computes ``P @ [V, 1]``: the backup and the row sums.
    Raises :class:`~provable.errors.InvalidModel` when :math:`\gamma \rho \ge 1`
    (the operator is not a contraction and V* need not exist).

    Examples
    --------
    >>> import numpy as np, provable as pv
    >>> from fractions import Fraction
    >>> m = pv.TabularMDP(np.array([[[1 + 9e-10]]]), np.array([[1e8]]), gamma=0.9999)
    >>> V_star = Fraction(10**8) / (1 - Fraction(0.9999) * Fraction(1 + 9e-10))
    >>> cert = pv.solvers._common.bellman_certificate(m, np.array([1e12]))
    >>> abs(Fraction(1e12) - V_star) <= Fraction(cert.bound)
    True
    """
    if mdp.criterion != "discounted":
        raise InvalidModel(f"bellman_certificate needs a discounted MDP; this one is "
                           f"{mdp.criterion}")
    S, A = mdp.S, mdp.A
    V = np.asarray(V, dtype=float)
    if V.shape != (S,):
        raise InvalidArgument(f"V has shape {V.shape}, expected ({S},)")
    from provable.backends._certificate import certify_backup

    bound, res, E, kappa, Q, finite = certify_backup(mdp.P_at(), mdp.R.ravel(),
                                                     float(mdp.gamma), V, _width(mdp), A)
    return BellmanCertificate(bound, res, E, kappa, Q, V, finite)


def check_start_vector(name: str, V0: Any, S: int) -> np.ndarray:
    """``V0`` as a float (S,) array of finite numbers (a copy), or an error naming the entry."""
    try:
        V = np.array(V0, dtype=float)
    except (TypeError, ValueError) as e:
        raise InvalidArgument(f"{name}={_short(V0)}, expected {S} finite numbers ({e})") from None
    if V.shape != (S,):
        raise InvalidArgument(f"{name} has shape {V.shape}, expected ({S},)")
    bad = ~np.isfinite(V)
    if bad.any():
        s = int(np.argmax(bad))
        raise InvalidArgument(f"{name}[{s}]={float(V[s])!r}, expected a finite number")
    return V


def check_flag(name: str, value: Any) -> bool:
    """``value`` as a bool; anything but a bool (``"yes"``, 1) is an error."""
    if not isinstance(value, (bool, np.bool_)):
        from provable.errors import InvalidType

        raise InvalidType(f"{name}={_short(value)} has type {type(value).__name__}, "
                          "expected True or False")
    return bool(value)


def check_policy_vector(name: str, policy: Any, S: int, A: int) -> np.ndarray:
    """A deterministic policy: (S,) integer actions in ``[0, A)``; floats must be whole."""
    try:
        pol = np.asarray(policy)
    except (TypeError, ValueError) as e:
        raise InvalidArgument(f"{name}={_short(policy)}, expected ({S},) integer actions "
                              f"({e})") from None
    if pol.shape != (S,):
        raise InvalidArgument(f"{name}={_short(policy)} has shape {pol.shape}, expected ({S},) "
                              f"integer actions in [0, {A - 1}]")
    if pol.dtype == bool or not (np.issubdtype(pol.dtype, np.integer)
                                 or np.issubdtype(pol.dtype, np.floating)):
        raise InvalidArgument(f"{name} has dtype {pol.dtype}, expected ({S},) integer actions "
                              f"in [0, {A - 1}]")
    if np.issubdtype(pol.dtype, np.floating):
        bad = ~np.isfinite(pol) | (np.mod(np.where(np.isfinite(pol), pol, 0), 1) != 0)
        if bad.any():
            s = int(np.argmax(bad))
            raise InvalidArgument(f"{name}[{s}]={pol[s]!r}, expected an integer action in "
                                  f"[0, {A - 1}]")
    out = pol.astype(np.int64)
    bad = (out < 0) | (out >= A)
    if bad.any():
        s = int(np.argmax(bad))
        raise InvalidArgument(f"{name}[{s}]={pol[s]!r}, expected an integer action in "
                              f"[0, {A - 1}]")
    return out


def _short(value: Any, n: int = 60) -> str:
    s = repr(value)
    return s if len(s) <= n else s[:n] + "..."


def rounding_slack(mdp: TabularMDP, V: np.ndarray, gamma: float) -> float:
    """Upper bound on the floating-point error of a Bellman fixed point, propagated by
    the contraction: ``(w + 4) u (max|V| + max|r|) / (1 - gamma)`` with ``w`` the widest
    row of P (Higham's dot-product bound)."""
    w = _width(mdp)
    scale = float(np.abs(V).max(initial=0.0) + np.abs(mdp.R).max(initial=0.0))
    return (w + 4) * _U * scale / max(1.0 - gamma, 1e-300)


def q_from_v(mdp: TabularMDP, V: np.ndarray, h: int = 0, gamma: float | None = None
             ) -> np.ndarray:
    r"""Action values :math:`Q(s,a) = r(s,a) + \gamma \sum_{s'} P(s'|s,a) V(s')`, shape (S, A).

    For average-reward models (``gamma=None``) the undiscounted backup is used
    (``V`` is then the bias).

    Examples
    --------
    >>> import numpy as np, provable as pv
    >>> mdp = pv.mdp.river_swim(3, gamma=0.5)
    >>> pv.solvers.q_from_v(mdp, np.zeros(3))[0]
    array([0.005, 0.   ])
    """
    g = mdp.gamma if gamma is None else gamma
    g = 1.0 if g is None else g
    V = np.asarray(V, dtype=float)
    if V.shape != (mdp.S,):
        raise InvalidArgument(f"V has shape {V.shape}, expected ({mdp.S},)")
    return (mdp.R_at(h).ravel() + g * (mdp.P_at(h) @ V)).reshape(mdp.S, mdp.A)


def greedy(Q: np.ndarray) -> np.ndarray:
    """Greedy deterministic policy: ``argmax_a Q[s, a]`` (lowest index among ties)."""
    return np.asarray(Q).argmax(axis=-1)


def as_stochastic_policy(mdp: TabularMDP, policy: Any) -> np.ndarray:
    """Validate ``policy`` ((S,) actions or (S, A) probabilities) and return (S, A)."""
    pol = np.asarray(policy)
    S, A = mdp.S, mdp.A
    if pol.shape == (S,):
        if not np.issubdtype(pol.dtype, np.integer):
            if not np.all(np.equal(np.mod(pol, 1), 0)):
                raise InvalidArgument("policy of shape (S,) must hold integer actions")
            pol = pol.astype(np.int64)
        bad = (pol < 0) | (pol >= A)
        if bad.any():
            s = int(np.argmax(bad))
            raise InvalidArgument(f"policy[{s}]={int(pol[s])}, expected an action in [0, {A - 1}]")
        out = np.zeros((S, A))
        out[np.arange(S), pol] = 1.0
        return out
    if pol.shape == (S, A):
        from provable._validation import check_stochastic

        pol = pol.astype(float)
        check_stochastic("policy", pol, tol=1e-9)
        return pol
    raise InvalidArgument(f"policy has shape {pol.shape}, expected ({S},) actions or ({S}, {A}) "
                          "probabilities")


def policy_matrix(mdp: TabularMDP, policy: Any, h: int = 0) -> tuple[Any, np.ndarray]:
    r"""``(P_pi, r_pi)``: the state chain and reward under ``policy``
    (CSR when the model is sparse)."""
    pi = as_stochastic_policy(mdp, policy)
    S, A = mdp.S, mdp.A
    r_pi = (pi * mdp.R_at(h)).sum(axis=1)
    rows = np.repeat(np.arange(S), A)
    Pi = sp.csr_matrix((pi.ravel(), (rows, np.arange(S * A))), shape=(S, S * A))
    return Pi @ mdp.P_at(h), r_pi


# above this many unknowns a sparse LU of a random transition structure fills in
# (its cost grows like n^3: 4 s at n = 4000, days at 10^5); GMRES takes milliseconds
_SPARSE_ITERATIVE_MIN = 1000


def _solve(M: Any, b: np.ndarray) -> np.ndarray:
    """Solve ``M x = b``: dense LU; sparse LU for small sparse M; for larger sparse M,
    GMRES, re-run on the true residual (iterative refinement) up to three times and
    accepted only once every residual is at the level of an LU solve's backward error
    (``64 eps (|M| |x| + |b|)``); else sparse LU after all."""
    if not sp.issparse(M):
        return np.linalg.solve(M, b)
    n = M.shape[0]
    if n >= _SPARSE_ITERATIVE_MIN:
        absM = abs(M)
        x = np.zeros(n)
        for _ in range(3):  # GMRES, then refinement on the true residual
            res = b - M @ x
            scale = absM @ np.abs(x) + np.abs(b)
            if np.all(np.abs(res) <= 64 * _U * scale):
                return x
            dx, _ = spla.gmres(M, res, rtol=1e-12, atol=0.0, restart=min(n, 50),
                                  maxiter=200)
            x = x + dx
        res = b - M @ x
        if np.all(np.abs(res) <= 64 * _U * (absM @ np.abs(x) + np.abs(b))):
            return x
    return spla.spsolve(sp.csc_matrix(M), b)


def _closed_classes(P: sp.csr_matrix) -> tuple[np.ndarray, np.ndarray]:
    """Strongly connected components of the chain ``P`` and which of them are closed
    (recurrent): ``(labels, closed)`` with ``closed[c]`` for component ``c``."""
    n, labels = connected_components(P, directed=True, connection="strong")
    closed = np.ones(n, dtype=bool)
    coo = P.tocoo()
    mask = coo.data > 0
    cross = labels[coo.row[mask]] != labels[coo.col[mask]]
    closed[np.unique(labels[coo.row[mask][cross]])] = False
    return labels, closed


def _stationary_distribution(Pc: Any) -> np.ndarray:
    r"""Stationary distribution :math:`\mu = \mu P_c`, :math:`\sum \mu = 1` of an
    irreducible sparse chain ``Pc`` (one closed class).

    Small chains: least squares on the bordered dense system. From 1000 states: the
    sparse system with its first balance equation replaced by the normalisation
    (non-singular for an irreducible chain), solved as in policy evaluation; the
    answer is checked (balance residual at most ``1e-12``), never assumed.
    """
    m = Pc.shape[0]
    if m < _SPARSE_ITERATIVE_MIN:
        M = np.vstack([Pc.toarray().T - np.eye(m), np.ones((1, m))])
        b = np.zeros(m + 1)
        b[-1] = 1.0
        return np.linalg.lstsq(M, b, rcond=None)[0]
    M = (sp.identity(m, format="csr") - Pc.T.tocsr()).tocsr()
    M = sp.vstack([sp.csr_matrix(np.ones((1, m))), M[1:]]).tocsr()
    b = np.zeros(m)
    b[0] = 1.0
    mu = _solve(M, b)
    resid = float(np.abs(mu @ Pc - mu).max())
    # written so that a NaN anywhere fails it (nan > 1e-12 is False)
    if not (resid <= 1e-12 and mu.min() >= -1e-12 and np.all(np.isfinite(mu))):
        raise InvalidModel(f"stationary distribution not found to 1e-12 (balance residual "
                           f"{resid:.2g}, min {mu.min():.2g}); is the chain irreducible?")
    return mu


def policy_gain(P_pi: Any, r_pi: np.ndarray) -> np.ndarray:
    """Exact long-run average reward of every state under a fixed chain ``P_pi``.

    Recurrent classes (closed strongly connected components) get the stationary
    average of ``r_pi``; transient states the absorption-weighted average of those.
    """
    P = sp.csr_matrix(P_pi)
    S = P.shape[0]
    labels, closed = _closed_classes(P)
    g = np.full(S, np.nan)
    for c in np.flatnonzero(closed):
        idx = np.flatnonzero(labels == c)
        g[idx] = _stationary_distribution(P[idx][:, idx]) @ r_pi[idx]
    trans = np.isnan(g)
    if trans.any():
        T = np.flatnonzero(trans)
        C = np.flatnonzero(~trans)
        PTT = P[T][:, T]
        rhs = P[T][:, C] @ g[C]
        g[T] = _solve(sp.identity(len(T), format="csr") - PTT, rhs)
    return g


def evaluate_policy(mdp: TabularMDP, policy: Any) -> np.ndarray:
    r"""Exact value of a policy by a linear solve (dense LU; sparse LU, or for 1000+
    sparse states GMRES refined until its residual is at LU's backward-error level).

    Discounted: :math:`V^\pi = (I - \gamma P_\pi)^{-1} r_\pi`, shape (S,).
    Finite horizon: ``policy`` (H, S) or (S,) (stationary); values (H+1, S).
    Average reward: the gain of every state, shape (S,).

    Examples
    --------
    >>> import numpy as np, provable as pv
    >>> mdp = pv.mdp.river_swim(4, gamma=0.9)
    >>> np.allclose(pv.solvers.evaluate_policy(mdp, pv.solve(mdp).policy), pv.solve(mdp).V)
    True
    """
    if mdp.criterion == "finite_horizon":
        H = mdp.horizon
        pol = np.asarray(policy)
        pols = [pol] * H if pol.ndim in (1,) or pol.shape == (mdp.S, mdp.A) else list(pol)
        if len(pols) != H:
            raise InvalidArgument(f"policy has shape {pol.shape}, expected (H={H}, S) or (S,)")
        V = np.zeros((H + 1, mdp.S))
        for h in range(H - 1, -1, -1):
            P_pi, r_pi = policy_matrix(mdp, pols[h], h)
            V[h] = r_pi + mdp.gamma * (P_pi @ V[h + 1])
        return V
    P_pi, r_pi = policy_matrix(mdp, policy)
    if mdp.criterion == "average":
        return policy_gain(P_pi, r_pi)
    I = sp.identity(mdp.S, format="csr") if mdp.sparse else np.eye(mdp.S)
    return _solve(I - mdp.gamma * P_pi, r_pi)


def occupancy(mdp: TabularMDP, policy: Any, initial: Any = None) -> np.ndarray:
    r"""State-action occupancy measure of ``policy`` from ``initial`` (default uniform).

    Discounted: :math:`d(s,a) = (1-\gamma)\sum_t \gamma^t \Pr(s_t=s, a_t=a)`, shape (S, A),
    summing to 1. Finite horizon: :math:`d_h(s,a)`, shape (H, S, A), each slice summing
    to 1. Average reward: the stationary state-action distribution (unichain chains).

    Examples
    --------
    >>> import numpy as np, provable as pv
    >>> mdp = pv.mdp.random_mdp(4, 2, gamma=0.9, seed=1)
    >>> d = pv.solvers.occupancy(mdp, np.zeros(4, int))
    >>> round(float(d.sum()), 12)
    1.0
    """
    S = mdp.S
    rho = np.full(S, 1.0 / S) if initial is None else np.asarray(initial, dtype=float)
    if rho.shape != (S,):
        raise InvalidArgument(f"initial has shape {rho.shape}, expected ({S},)")
    from provable._validation import check_stochastic

    check_stochastic("initial", rho[None, :])
    if mdp.criterion == "finite_horizon":
        pol = np.asarray(policy)
        pols = [pol] * mdp.horizon if pol.shape in ((S,), (S, mdp.A)) else list(pol)
        out = np.zeros((mdp.horizon, S, mdp.A))
        mu = rho
        for h in range(mdp.horizon):
            pi = as_stochastic_policy(mdp, pols[h])
            out[h] = mu[:, None] * pi
            mu = out[h].ravel() @ mdp.P_at(h)
        return out
    pi = as_stochastic_policy(mdp, policy)
    P_pi, r_pi = policy_matrix(mdp, policy)
    if mdp.criterion == "average":
        P = sp.csr_matrix(P_pi)
        labels, closed = _closed_classes(P)
        if closed.sum() > 1:
            raise InvalidModel("the chain of this policy has several recurrent classes; "
                               "its stationary distribution is not unique")
        idx = np.flatnonzero(labels == np.flatnonzero(closed)[0])
        mu = np.zeros(S)  # transient states have no stationary mass
        mu[idx] = _stationary_distribution(P[idx][:, idx])
        return mu[:, None] * pi
    I = sp.identity(S, format="csr") if mdp.sparse else np.eye(S)
    M = (I - mdp.gamma * P_pi)
    d_s = (1 - mdp.gamma) * _solve(M.T, rho)
    return d_s[:, None] * pi
