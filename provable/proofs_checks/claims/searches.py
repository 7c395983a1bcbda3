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


SEARCH_SPECS = {"ucb1.explicit_bound": _ucb1, "bon.kl_bound": _bon,
                "kl_rl.bayes_posterior": _klrl, "lssl.recurrence_equals_convolution": _lssl,
                "lstar.exact": _lstar, "vi.iterations": _vi, "dual_rl.lp_duality": _dual}


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
_DEFAULTS = {"ucb1.explicit_bound": {"T": 10_000}, "vi.iterations": {"tol": 1e-6}}
for _cid in SEARCH_SPECS:
    searches(_cid, _DEFAULTS.get(_cid, {}))
    register_builder(_cid, _builder(_cid, 0))
    register_builder(_cid + ".control", _builder(_cid, 1))


def with_claim_search(v: Verdict, claim_id: str, params: dict, seed: int) -> Verdict:
    """``v`` (the claim's fixed-instance verdict) combined with the search of ``claim_id``
    (:func:`~provable.proofs_checks.with_search`)."""
    from provable.proofs_checks._search import with_search

    return with_search(v, run_search(claim_id, params, seed))
