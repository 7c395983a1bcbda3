r"""Instance-space searches of the registered claims (see :mod:`provable.proofs_checks._search`).

Each statement that quantifies over instances is searched by hypothesis over its
instance space, steering towards the worst score, next to the claim's fixed
instances; each search has a *planted false statement* (the claim with one constant
or term changed) that the same search must find and shrink, as its negative control.

==================================  ===================================  ====================================
search                              statement searched                   planted false statement
==================================  ===================================  ====================================
``ucb1.explicit_bound``             mean regret / Auer's bound <= 1      the bound with 8 replaced by 1
``bon.kl_bound``                    KL(BoN || p) <= log N - (N-1)/N      KL <= log N - 1
``kl_rl.bayes_posterior``           the identity's relative residual     the KL term without the factor beta
``lssl.recurrence_equals_convolution``  recurrence = convolution         kernel off by one power of Abar
``lstar.exact``                     EQ <= n (n: states of the minimal    EQ <= n/4
                                    DFA)
``vi.iterations``                   k* <= ceil(ln(1/((1-g)eps))/(1-g))   the same with log10
``dual_rl.lp_duality``              primal LP = dual LP = PI (rel 1e-8)  dual objective without 1/(1-g)
``oful.regret``                     P(R_t > Theorem-3 bound) <= delta    the bound with 4 replaced by 0.1
``dpo.implicit_q``                  beta log(pi*/pi_ref) = Q* - V*       the identity without V*
``vi.certificate``                  ||V_VI - V*|| <= VI's error_bound    the bound times (1 - gamma)
==================================  ===================================  ====================================

A claim experiment calls :func:`run_search` with its parameters: ``search_examples``
(hypothesis' budget) and, for noisy scores, ``search_seeds``.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from provable.proofs_checks import strategies as pst
from provable.proofs_checks._search import InstanceSearch, register, register_builder
from provable.proofs_checks._verdict import Verdict

__all__ = ["run_search", "with_claim_search", "SEARCH_SPECS"]


_PARAMS: dict[str, Any] = {}


def _pair(name: str, strategy: Any, score: Any, control: Any, **kw: Any
          ) -> tuple[InstanceSearch, InstanceSearch]:
    what = kw.pop("what")
    params = _PARAMS.get("current", {})
    s = register(InstanceSearch(name, strategy, score, what=what, params=params, **kw))
    c = register(InstanceSearch(name + ".control", strategy, control,
                                what=what + " (planted false statement)", params=params, **kw))
    return s, c


def _relevant(params: dict) -> dict:
    """The parameters a search depends on (not its budget), for the replay line."""
    return {k: v for k, v in params.items() if k not in ("search_examples",)}


# ---------------------------------------------------------------------------
# UCB1: mean regret / Auer's bound at every checkpoint, over Bernoulli bandits


def _ucb1_score(c: float, T: int, mutation: Any = None) -> Any:
    def score(inst: Any, seeds: np.ndarray) -> np.ndarray:
        from provable.learners.bandits import auer_ucb1_bound, simulate

        kw = {"mutation": mutation} if mutation else {}
        res = simulate("ucb1", inst, int(T), seeds, **kw)
        keep = res.checkpoints >= inst.K + 1
        ck, reg = res.checkpoints[keep], res.regret[:, keep]
        b = np.asarray(auer_ucb1_bound(inst, ck, c=c), float)
        return np.where(b > 0, reg / np.where(b > 0, b, 1.0), 0.0)
    score.__name__ = f"ucb1_regret_over_bound_c{c:g}"
    return score


def _ucb1(params: dict) -> tuple[InstanceSearch, InstanceSearch]:
    T, mut = int(params.get("search_T", params["T"])), params.get("mutation")
    return _pair("ucb1.explicit_bound", pst.bandit_instances(max_arms=6), _ucb1_score(8.0, T, mut),
                 _ucb1_score(1.0, T, mut), threshold=1.0, what="mean regret / Auer bound",
                 n_seeds=int(params.get("search_seeds", 8)))


# ---------------------------------------------------------------------------
# best-of-N: KL(BoN || p) - bound over discrete reward laws (ties included)


@st.composite
def bon_instances(draw: Any, max_support: int = 12, max_N: int = 64) -> tuple:
    """``(p, r, N)``: a reward law on ``M <= max_support`` atoms (zeros allowed) with
    integer rewards in [0, 5] (ties on purpose) and ``2 <= N <= max_N``."""
    M = draw(st.integers(1, max_support))
    p = draw(pst.probability_vectors(M))
    r = draw(hnp.arrays(np.float64, M, elements=st.integers(0, 5).map(float)))
    return p, r, draw(st.integers(2, max_N))


def _bon_excess(x: tuple) -> float:
    from provable.learners.alignment import best_of_n_kl, best_of_n_kl_bound

    p, r, N = x
    return best_of_n_kl(p, r, N) - best_of_n_kl_bound(N)


def _bon_excess_wrong(x: tuple) -> float:
    from provable.learners.alignment import best_of_n_kl

    p, r, N = x
    return best_of_n_kl(p, r, N) - (math.log(N) - 1.0)


def _bon(params: dict) -> tuple[InstanceSearch, InstanceSearch]:
    return _pair("bon.kl_bound", bon_instances(), _bon_excess, _bon_excess_wrong,
                 threshold=0.0, tol=1e-12, what="KL(BoN || p) - bound")


# ---------------------------------------------------------------------------
# KL-regularised RL = variational inference


@st.composite
def klrl_instances(draw: Any, max_support: int = 12) -> tuple:
    """``(pi0, pi, r, beta)``: full-support prior and policy, rewards in [-10, 10],
    ``beta`` in [0.05, 20]."""
    n = draw(st.integers(2, max_support))
    p0 = draw(pst.probability_vectors(n, full_support=True))
    pi = draw(pst.probability_vectors(n, full_support=True))
    r = draw(hnp.arrays(np.float64, n, elements=st.floats(-10, 10, allow_nan=False,
                                                          allow_subnormal=False)))
    beta = draw(st.floats(0.05, 20.0))
    return p0, pi, r, beta


def _klrl_residual(beta_on_kl: bool) -> Any:
    def score(x: tuple) -> float:
        from provable.learners.alignment import kl_regularized_objective, kl_tilt

        p0, pi, r, beta = x
        _, logZ = kl_tilt(p0, r, beta)
        kl_star = float(pi @ (np.log(pi) - (np.log(p0) + r / beta - logZ)))
        J = kl_regularized_objective(pi, p0, r, beta)
        rhs = beta * logZ - (beta if beta_on_kl else 1.0) * kl_star
        return abs(J - rhs) / (1.0 + abs(J))
    return score


def _klrl(params: dict) -> tuple[InstanceSearch, InstanceSearch]:
    return _pair("kl_rl.bayes_posterior", klrl_instances(), _klrl_residual(True),
                 _klrl_residual(False), threshold=1e-9,
                 what="relative |J - (beta log Z - beta KL(pi||pi*))|")


# ---------------------------------------------------------------------------
# LSSL: recurrence = convolution over (N, L, dt) and the input


def _lssl_instances() -> Any:
    return st.tuples(st.integers(1, 16), st.integers(1, 512), st.floats(0.005, 0.5),
                     st.integers(0, 2**32 - 1))


def _lssl_score(x: tuple) -> float:
    from provable.automata._claims import lssl_recurrence_equals_convolution

    N, L, dt, s = x
    return lssl_recurrence_equals_convolution(N=N, L=L, dt=dt, seed=s)["max_rel_error"]


def _lssl_wrong(x: tuple) -> float:
    from provable.proofs_checks.claims.automata import _lssl_off_by_one

    N, L, dt, s = x
    return _lssl_off_by_one(N, L, dt, np.random.default_rng(s))


def _lssl(params: dict) -> tuple[InstanceSearch, InstanceSearch]:
    return _pair("lssl.recurrence_equals_convolution", _lssl_instances(), _lssl_score,
                 _lssl_wrong, threshold=1e-10,
                 what="max relative |recurrence - convolution| on (N, L, dt, input seed)")


# ---------------------------------------------------------------------------
# L*: equivalence queries against the number of states of the minimal DFA


def _lstar_score(fraction: float) -> Any:
    def score(d: Any) -> float:
        from provable.automata import Teacher, lstar, minimize

        n = minimize(d).n_states
        return lstar(Teacher.from_dfa(d)).equivalence_queries / (fraction * n)
    return score


def _lstar(params: dict) -> tuple[InstanceSearch, InstanceSearch]:
    return _pair("lstar.exact", pst.dfas(max_states=int(params.get("search_states", 12)),
                                         k=int(params.get("k", 2))),
                 _lstar_score(1.0), _lstar_score(0.25), threshold=1.0,
                 what="EQ / (states of the minimal DFA)")


# ---------------------------------------------------------------------------
# value iteration: first k with ||V_k - V*|| <= eps against the explicit bound


def vi_first_iteration(mdp: Any, eps: float) -> int:
    """Least ``k`` with ``||T^k 0 - V*||_inf <= eps`` (numpy VI from ``V_0 = 0``; ``V*`` by
    policy iteration), capped at 20 times the explicit bound."""
    import provable as pv

    P, R, g = mdp.dense_P(), np.asarray(mdp.R_at(0), float), float(mdp.gamma)
    Vs = np.asarray(pv.solvers.policy_iteration(mdp).V, float)
    V = np.zeros(mdp.S)
    cap = int(20 * math.log(1 / ((1 - g) * eps)) / (1 - g)) + 10
    k = 0
    while np.abs(V - Vs).max() > eps and k < cap:
        V = (R + g * (P @ V)).max(axis=1)
        k += 1
    return k


def _vi_score(log: Any, eps: float) -> Any:
    def score(mdp: Any) -> float:
        g = float(mdp.gamma)
        return vi_first_iteration(mdp, eps) / math.ceil(log(1 / ((1 - g) * eps)) / (1 - g))
    return score


def vi_mdps(max_states: int = 5, max_actions: int = 3, max_gamma: float = 0.999) -> Any:
    """Dense tabular MDPs with rewards in [0, 1] and ``gamma`` in ``[0.5, max_gamma]``."""
    return st.floats(0.5, max_gamma).flatmap(
        lambda g: pst.tabular_mdps(max_states=max_states, max_actions=max_actions,
                                   sparse=False, gamma=g))


def _vi(params: dict) -> tuple[InstanceSearch, InstanceSearch]:
    eps = float(params["tol"])
    return _pair("vi.iterations", vi_mdps(max_gamma=float(params.get("search_gamma", 0.999))),
                 _vi_score(math.log, eps), _vi_score(math.log10, eps), threshold=1.0,
                 what="k* / ceil(ln(1/((1-gamma) eps)) / (1-gamma))")


# ---------------------------------------------------------------------------
# value iteration's certificate: its error bound covers the exact error


@st.composite
def certificate_mdps(draw: Any, max_states: int = 4, max_actions: int = 3) -> Any:
    """Dense MDPs built to stress a certificate: gamma in [0.5, 0.999], rewards from
    {0, 1, 1e3, 1e6} plus offsets in {0, +-1e-9, 1e-6} (near-ties between actions)."""
    import provable as pv

    g = draw(st.floats(0.5, 0.999))
    S, A = draw(st.integers(1, max_states)), draw(st.integers(1, max_actions))
    P = draw(pst.stochastic_matrices(S * A, S)).reshape(S, A, S)
    base = draw(hnp.arrays(np.float64, (S, A), elements=st.sampled_from([0.0, 1.0, 1e3, 1e6])))
    tie = draw(hnp.arrays(np.float64, (S, A),
                          elements=st.sampled_from([0.0, 1e-9, -1e-9, 1e-6])))
    return pv.TabularMDP(P, np.maximum(base + tie, 0.0), gamma=g)


def _certificate_score(scale: Any, tol: float) -> Any:
    def score(mdp: Any) -> float:
        import provable as pv

        res = pv.solvers.value_iteration(mdp, tol=tol, backend="numpy")
        exact = np.array([float(v) for v in pv.solvers.exact_solve(mdp).V_exact])
        err = float(np.abs(np.asarray(res.V, float) - exact).max())
        bound = float(res.error_bound) * scale(float(mdp.gamma))
        return err / bound if bound > 0 else (0.0 if err == 0 else math.inf)
    return score


def _vi_certificate(params: dict) -> tuple[InstanceSearch, InstanceSearch]:
    tol = float(params.get("tol", 1e-6))
    return _pair("vi.certificate", certificate_mdps(), _certificate_score(lambda g: 1.0, tol),
                 _certificate_score(lambda g: 1.0 - g, tol), threshold=1.0,
                 what="||V_VI - V*_exact|| / VI's error_bound")


# ---------------------------------------------------------------------------
# LP duality: primal LP, dual (occupancy) LP and policy iteration agree


def _dual_score(with_factor: bool) -> Any:
    def score(mdp: Any) -> float:
        import provable as pv

        S_ = pv.solvers
        rho = np.full(mdp.S, 1.0 / mdp.S)
        ref = float(rho @ np.asarray(S_.policy_iteration(mdp).V, float))
        primal = float(rho @ np.asarray(S_.linear_program(mdp, formulation="primal").V, float))
        d = np.asarray(S_.linear_program(mdp, formulation="dual").occupancy)
        dual = float((d * mdp.R_at(0)).sum() / ((1 - mdp.gamma) if with_factor else 1.0))
        return max(abs(primal - ref), abs(dual - ref)) / max(abs(ref), 1.0)
    return score


def _dual(params: dict) -> tuple[InstanceSearch, InstanceSearch]:
    mdps = st.floats(0.5, 0.9).flatmap(
        lambda g: pst.tabular_mdps(max_states=int(params.get("S_max", 5)),
                                   max_actions=int(params.get("A_max", 3)), sparse=False,
                                   gamma=g))
    return _pair("dual_rl.lp_duality", mdps, _dual_score(True), _dual_score(False),
                 threshold=1e-8, what="relative |LP value - PI value| (primal and dual)")


# ---------------------------------------------------------------------------
# OFUL: the Theorem-3 high-probability regret bound on finite feature sets


def _unit(v: np.ndarray) -> np.ndarray:
    """Rows scaled to the unit sphere; a (near-)zero row becomes e_1."""
    n = np.linalg.norm(v, axis=-1, keepdims=True)
    e = np.zeros_like(v)
    e[..., 0] = 1.0
    return np.where(n > 1e-6, v / np.where(n > 1e-6, n, 1.0), e)


@st.composite
def feature_sets(draw: Any, max_d: int = 5, max_arms: int = 20) -> tuple:
    """``(arms, theta)``: ``2..max_arms`` arms and ``theta`` on the unit sphere of R^d,
    ``d <= max_d`` (so every mean lies in [-1, 1], L = S = 1)."""
    d = draw(st.integers(1, max_d))
    K = draw(st.integers(2, max_arms))
    el = st.floats(-1, 1, allow_nan=False, allow_subnormal=False)
    X = _unit(draw(hnp.arrays(np.float64, (K, d), elements=el)))
    th = _unit(draw(hnp.arrays(np.float64, d, elements=el)))
    return X, th


def oful_bound(T: Any, d: int, *, sigma: float = 0.5, lam: float = 1.0, delta: float = 0.05,
               c: float = 4.0) -> np.ndarray:
    """Abbasi-Yadkori, Pal, Szepesvari (2011), Theorem 3 with L = S = 1: with probability
    at least 1 - delta, for all T, R_T <= c sqrt(T d log(lam + T/d)) (sqrt(lam) +
    sigma sqrt(2 log(1/delta) + d log(1 + T/(lam d)))), c = 4."""
    T = np.asarray(T, float)
    return c * np.sqrt(T * d * np.log(lam + T / d)) * (
        math.sqrt(lam) + sigma * np.sqrt(2 * math.log(1 / delta) + d * np.log(1 + T / (lam * d))))


def _oful_score(c: float, T: int) -> Any:
    def score(inst: tuple, seeds: np.ndarray) -> np.ndarray:
        from provable.learners.linear_rl import oful

        X, th = inst
        ck = np.unique(np.geomspace(10, T, 12).astype(np.int64))
        res = oful(X, th, int(T), seeds, sigma=0.5, checkpoints=ck)
        return (res.regret > oful_bound(ck, X.shape[1], c=c)).any(axis=1).astype(float)
    return score


def _oful(params: dict) -> tuple[InstanceSearch, InstanceSearch]:
    T = int(params.get("search_T", 2000))
    return _pair("oful.regret", feature_sets(), _oful_score(4.0, T), _oful_score(0.1, T),
                 threshold=0.05, n_seeds=int(params.get("search_seeds", 8)),
                 what="fraction of runs whose regret exceeds the Theorem-3 bound at some T")


# ---------------------------------------------------------------------------
# DPO's implicit Q*: token trees


@st.composite
def token_trees(draw: Any, max_V: int = 3, max_H: int = 4) -> tuple:
    """``(V, H, beta, refs, rewards)``: a depth-H tree over V tokens, ``refs[h]`` the
    full-support reference conditionals at level h (``(V**h, V)``), ``rewards[h]`` the
    per-step rewards in [0, 1], ``beta`` in [0.02, 10]."""
    V = draw(st.integers(2, max_V))
    H = draw(st.integers(1, max_H))
    beta = draw(st.floats(0.02, 10.0))
    refs = [np.array([draw(pst.probability_vectors(V, full_support=True))
                      for _ in range(V ** h)]) for h in range(H)]
    rews = [draw(hnp.arrays(np.float64, (V ** h, V),
                            elements=st.floats(0, 1, allow_nan=False, allow_subnormal=False)))
            for h in range(H)]
    return V, H, beta, refs, rews


def _dpo_residual(drop_V: bool) -> Any:
    def score(x: tuple) -> float:
        from scipy.special import logsumexp

        from provable.learners.alignment import kl_tilt

        V, H, beta, refs, rews = x
        logref = [np.log(np.asarray(r, float)) for r in refs]
        lp, Rs = np.zeros(1), np.zeros(1)
        for h in range(H):                      # sequence-level log pi_ref(y) and R(y)
            lp = (lp[:, None] + logref[h]).ravel()
            Rs = (Rs[:, None] + np.asarray(rews[h], float)).ravel()
        pi_seq, _ = kl_tilt(np.exp(lp), Rs, beta)
        logm = [None] * (H + 1)                 # log marginals of pi* on prefixes
        logm[H] = np.log(pi_seq)
        for h in range(H - 1, -1, -1):
            logm[h] = logsumexp(logm[h + 1].reshape(V ** h, V), axis=1)
        Vs = [None] * (H + 1)                   # soft Bellman backward recursion
        Vs[H] = np.zeros(V ** H)
        Qs = [None] * H
        for h in range(H - 1, -1, -1):
            Qs[h] = np.asarray(rews[h], float) + Vs[h + 1].reshape(V ** h, V)
            Vs[h] = beta * logsumexp(logref[h] + Qs[h] / beta, axis=1)
        res = 0.0
        for h in range(H):
            lhs = beta * (logm[h + 1].reshape(V ** h, V) - logm[h][:, None] - logref[h])
            rhs = Qs[h] if drop_V else Qs[h] - Vs[h][:, None]
            res = max(res, float(np.abs(lhs - rhs).max()) / max(1.0, float(np.abs(Qs[h]).max())))
        return res
    return score


def _dpo(params: dict) -> tuple[InstanceSearch, InstanceSearch]:
    return _pair("dpo.implicit_q", token_trees(), _dpo_residual(False), _dpo_residual(True),
                 threshold=1e-10,
                 what="max |beta log(pi*/pi_ref) - (Q* - V*)| / max(1, |Q*|)")


SEARCH_SPECS = {"ucb1.explicit_bound": _ucb1, "bon.kl_bound": _bon,
                "kl_rl.bayes_posterior": _klrl, "lssl.recurrence_equals_convolution": _lssl,
                "lstar.exact": _lstar, "vi.iterations": _vi, "dual_rl.lp_duality": _dual,
                "oful.regret": _oful, "dpo.implicit_q": _dpo, "vi.certificate": _vi_certificate}
#: claim id -> the searches it runs (the first is labelled "search" in its verdict)
CLAIM_SEARCHES = {"vi.iterations": ("vi.iterations", "vi.certificate")}


def searches(claim_id: str, params: dict) -> tuple[InstanceSearch, InstanceSearch]:
    """The search of ``claim_id`` and its planted false twin, built for ``params``."""
    _PARAMS["current"] = _relevant(params)
    try:
        return SEARCH_SPECS[claim_id](params)
    finally:
        _PARAMS.pop("current", None)


def run_search(claim_id: str, params: dict, seed: int) -> Verdict:
    """Run the search of ``claim_id`` on ``params["search_examples"]`` instances, with the
    planted false statement's search attached as its control."""
    s, c = searches(claim_id, params)
    n = int(params.get("search_examples", 30))
    v = s.run(n, seed=seed)
    v["control"] = c.run(n, seed=seed)
    return v


def _builder(claim_id: str, which: int) -> Any:
    return lambda params: searches(claim_id, params)[which]


# every search registered at import (for replay_search), with the quick parameters, and a
# builder for the parameters a verdict's replay line names
_DEFAULTS = {"ucb1.explicit_bound": {"T": 10_000}, "vi.iterations": {"tol": 1e-6},
             "vi.certificate": {"tol": 1e-6}}
for _cid in SEARCH_SPECS:
    searches(_cid, _DEFAULTS.get(_cid, {}))
    register_builder(_cid, _builder(_cid, 0))
    register_builder(_cid + ".control", _builder(_cid, 1))


def with_claim_search(v: Verdict, claim_id: str, params: dict, seed: int) -> Verdict:
    """``v`` (the claim's fixed-instance verdict) combined with the search of ``claim_id``
    (:func:`~provable.proofs_checks.with_search`)."""
    from provable.proofs_checks._search import with_search

    for i, name in enumerate(CLAIM_SEARCHES.get(claim_id, (claim_id,))):
        v = with_search(v, run_search(name, params, seed),
                        label="search" if i == 0 else f"search {name}")
    return v
