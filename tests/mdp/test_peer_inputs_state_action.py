"""State-action-pair models (QuantEcon's formulation): ragged action sets and -inf
rewards, every solver and its certificate against exact rational answers of the ragged
model, the errors for bad pairs, ownership, and the QuantEcon conversions."""

from __future__ import annotations

import itertools
import sys
from fractions import Fraction
from types import SimpleNamespace

import numpy as np
import pytest
import scipy.sparse as sp
from _fraction_solve import fsolve as frac_solve

import provable as pv
from provable.errors import InvalidModel, InvalidType, NotSupported, ProvableError

# A ragged model with 3 states: state 0 has actions {1, 2}, state 1 only {0}, state 2 {0, 2}.
# Listed unsorted on purpose. Action 0 is absent at state 0 and is listed first in the
# product order, so a stand-in that tied with a real action would win argmax ties.
PAIRS = [(2, 2), (0, 1), (1, 0), (0, 2), (2, 0)]
REWARD = {(0, 1): 1.0, (0, 2): 0.5, (1, 0): 0.0, (2, 0): 2.0, (2, 2): -1.0}
ROWS = {(0, 1): [0.5, 0.5, 0.0], (0, 2): [0.0, 0.0, 1.0], (1, 0): [0.25, 0.25, 0.5],
        (2, 0): [1.0, 0.0, 0.0], (2, 2): [0.0, 0.5, 0.5]}
FEAS = {0: [1, 2], 1: [0], 2: [0, 2]}


def arrays(sparse=False):
    s = [p[0] for p in PAIRS]
    a = [p[1] for p in PAIRS]
    R = [REWARD[p] for p in PAIRS]
    Q = np.array([ROWS[p] for p in PAIRS])
    return R, (sp.csr_matrix(Q) if sparse else Q), s, a




def exact_discounted(gamma):
    """V* of the ragged model by enumerating its feasible deterministic policies."""
    g = Fraction(gamma)
    best = None
    for pol in itertools.product(*(FEAS[s] for s in range(3))):
        M = [[(1 if s == t else 0) - g * Fraction(ROWS[(s, pol[s])][t]) for t in range(3)]
             for s in range(3)]
        V = frac_solve(M, [Fraction(REWARD[(s, pol[s])]) for s in range(3)])
        best = V if best is None else [max(x, y) for x, y in zip(best, V)]
    return best


def exact_finite(H):
    V = [Fraction(0)] * 3
    out = [V]
    for _ in range(H):
        V = [max(Fraction(REWARD[(s, a)]) + sum(Fraction(ROWS[(s, a)][t]) * V[t]
                                                for t in range(3)) for a in FEAS[s])
             for s in range(3)]
        out.append(V)
    return out[::-1]


@pytest.fixture(params=[False, True], ids=["dense", "sparse"])
def sparse(request):
    return request.param


def model(sparse, gamma=0.9, **kw):
    R, Q, s, a = arrays(sparse)
    return pv.TabularMDP.from_state_action(R, Q, gamma, s, a, **kw)


def test_layout(sparse):
    m = model(sparse)
    assert (m.S, m.A, m.sparse) == (3, 3, sparse)
    assert m.feasible.tolist() == [[False, True, True], [True, False, False],
                                   [True, False, True]]
    assert not m.feasible.flags.writeable
    R, Q, gamma, s, a = m.to_state_action()
    order = sorted(PAIRS)
    assert list(zip(s.tolist(), a.tolist())) == order
    assert R.tolist() == [REWARD[p] for p in order] and gamma == 0.9
    Qd = Q.toarray() if sp.issparse(Q) else Q
    assert Qd.tolist() == [ROWS[p] for p in order]
    assert sp.issparse(Q) == sparse


@pytest.mark.parametrize("method, kw", [("vi", {"tol": 1e-10}), ("vi", {"gauss_seidel": True}),
                                        ("pi", {}), ("mpi", {"tol": 1e-10}),
                                        ("mpi", {"m": 1}), ("lp", {}), ("exact", {})])
def test_every_discounted_solver_certifies_the_ragged_optimum(sparse, method, kw):
    m = model(sparse)
    res = pv.solve(m, method, **kw)
    V_star = exact_discounted(0.9)
    err = max(abs(Fraction(float(v)) - e) for v, e in zip(res.V, V_star))
    assert err <= Fraction(res.error_bound)
    assert res.converged
    assert all(m.feasible[s, a] for s, a in enumerate(res.policy))
    # the policy is optimal for the ragged model: its exact value is V*
    g = Fraction(0.9)
    pol = res.policy.tolist()
    M = [[(1 if s == t else 0) - g * Fraction(ROWS[(s, pol[s])][t]) for t in range(3)]
         for s in range(3)]
    assert frac_solve(M, [Fraction(REWARD[(s, pol[s])]) for s in range(3)]) == V_star


def test_policy_iteration_starts_feasible(sparse):
    """Greedy in the rewards picks a real action even where the absent action 0 comes
    first; V0 = 0 and a large V0 too."""
    m = model(sparse)
    for kw in ({}, {"V0": np.zeros(3)}, {"V0": np.full(3, 1e6)}):
        assert all(m.feasible[s, a] for s, a in enumerate(pv.solve(m, "pi", **kw).policy))


def test_finite_horizon(sparse):
    m = model(sparse, gamma=1.0, horizon=4)
    res = pv.solve(m, "bi")
    exp = exact_finite(4)
    assert np.abs(res.V - np.array([[float(x) for x in row] for row in exp])).max() < 1e-12
    assert all(m.feasible[s, a] for row in res.policy for s, a in enumerate(row))


def test_average_reward(sparse):
    m = model(sparse, gamma=None)
    res = pv.solve(m, "rvi")
    assert all(m.feasible[s, a] for s, a in enumerate(res.policy))
    # exact optimal gain by enumeration: the policies are unichain here (state 1 reaches all)
    best = None
    for pol in itertools.product(*(FEAS[s] for s in range(3))):
        # g + h = r + P h, h[0] = 0
        M = [[Fraction(1)] + [(1 if s == t else 0) - Fraction(ROWS[(s, pol[s])][t])
                              for t in (1, 2)] for s in range(3)]
        gain = frac_solve(M, [Fraction(REWARD[(s, pol[s])]) for s in range(3)])[0]
        best = gain if best is None else max(best, gain)
    assert abs(Fraction(float(res.gain)) - best) <= Fraction(res.error_bound)


def test_minus_inf_reward_is_an_absent_pair(sparse):
    R, Q, s, a = arrays(sparse)
    R2 = [*R, -np.inf]
    Q2 = sp.vstack([Q, sp.csr_matrix([[0.0, 0.0, 0.0]])]) if sparse else \
        np.vstack([Q, np.zeros((1, 3))])     # an infeasible pair's row is not read
    m = pv.TabularMDP.from_state_action(R2, Q2, 0.9, [*s, 1], [*a, 2])
    assert m.feasible.tolist() == model(sparse).feasible.tolist()
    assert pv.solve(m, "pi").V.tolist() == pv.solve(model(sparse), "pi").V.tolist()


def test_with_gamma_keeps_the_action_sets(sparse):
    m = model(sparse).with_gamma(0.5)
    assert m.feasible.tolist() == model(sparse).feasible.tolist()
    assert model(sparse).with_horizon(2).feasible.tolist() == m.feasible.tolist()


def test_rectangular_models_are_all_feasible():
    m = pv.mdp.random_mdp(4, 2, gamma=0.9, seed=0)
    assert m.feasible.all() and m.feasible.shape == (4, 2)


# ------------------------------------------------------------------ errors
def _build(R=None, Q=None, s=None, a=None, **kw):
    R0, Q0, s0, a0 = arrays()
    return pv.TabularMDP.from_state_action(R0 if R is None else R, Q0 if Q is None else Q,
                                           0.9, s0 if s is None else s,
                                           a0 if a is None else a, **kw)


@pytest.mark.parametrize("kw, exc, pattern", [
    ({"s": [2, 0, 1, 0, 2], "a": [2, 1, 0, 1, 0]}, InvalidModel,
     r"pair \(s=0, a=1\) appears twice, at positions 1 and 3"),
    ({"Q": np.array([ROWS[p] for p in PAIRS]) * [[1], [0.9], [1], [1], [1]]}, InvalidModel,
     r"Q\[1, :\] \(pair s=0, a=1\) sums to 0\.9, expected 1"),
    ({"Q": np.array([[0.0, 1.5, -0.5]] + [ROWS[p] for p in PAIRS[1:]])}, InvalidModel,
     r"Q\[0, 2\] = -0\.5 \(pair s=2, a=2\) is negative"),
    ({"Q": sp.csr_matrix(np.array([[0.0, 1.5, -0.5]] + [ROWS[p] for p in PAIRS[1:]]))},
     InvalidModel, r"Q\[0, 2\] = -0\.5 \(pair s=2, a=2\) is negative"),
    ({"R": [1.0, np.inf, 0, 0, 0]}, InvalidModel, r"R\[1\] = inf, expected a finite reward"),
    ({"R": [1.0, np.nan, 0, 0, 0]}, InvalidModel, r"R\[1\] = nan"),
    ({"R": [1.0, 0, 0]}, InvalidModel, r"R has shape \(3,\), expected \(5,\)"),
    ({"s": [2, 0, 1, 0]}, InvalidModel, r"s_indices has shape \(4,\), expected \(5,\)"),
    ({"s": [2, 0, 3, 0, 2]}, InvalidModel, r"s_indices\[2\] = 3, expected a state in \[0, 3\)"),
    ({"a": [2, 1, -1, 2, 0]}, InvalidModel, r"a_indices\[2\] = -1"),
    ({"s": [2.5, 0, 1, 0, 2]}, InvalidType, r"s_indices has dtype float64"),
    ({"s": "abc"}, InvalidType, r"s_indices has type str"),
    ({"s": [2, 0, 0, 0, 2], "a": [2, 1, 0, 2, 0]}, InvalidModel, r"state 1 has no action"),
    ({"R": [1.0, 1.0, -np.inf, 1.0, 1.0]}, InvalidModel,
     r"every action of state 1 has reward -inf"),
    ({"num_actions": 2}, InvalidModel, r"num_actions=2, but a_indices holds action 2"),
    ({"Q": np.ones((5, 3, 1))}, InvalidModel, r"Q has shape \(5, 3, 1\), expected \(L, S\)"),
    ({"Q": "Q"}, InvalidType, r"Q has type str"),
    ({"Q": np.array([ROWS[p] for p in PAIRS]) + 0j}, InvalidType, r"Q holds complex"),
])
def test_errors_name_the_pair(kw, exc, pattern):
    with pytest.raises(exc, match=pattern) as info:
        _build(**kw)
    assert isinstance(info.value, ProvableError)


def test_unsorted_pairs_are_sorted_not_refused():
    R, Q, s, a = arrays()
    order = np.argsort([p[0] * 3 + p[1] for p in PAIRS])
    m1 = pv.TabularMDP.from_state_action(R, Q, 0.9, s, a)
    m2 = pv.TabularMDP.from_state_action(np.array(R)[order], Q[order], 0.9,
                                         np.array(s)[order], np.array(a)[order])
    assert m1.dense_P().tolist() == m2.dense_P().tolist() and m1.R.tolist() == m2.R.tolist()


def test_inputs_mutated_after_construction_change_nothing(sparse):
    R, Q, s, a = arrays(sparse)
    R, s, a = np.array(R), np.array(s), np.array(a)
    m = pv.TabularMDP.from_state_action(R, Q, 0.9, s, a)
    before = pv.solve(m, "pi").V.copy()
    R[:] = 100.0
    s[:] = 0
    a[:] = 0
    if sparse:
        Q.data[:] = 0.0
    else:
        Q[:] = 0.0
    assert pv.solve(m, "pi").V.tolist() == before.tolist()
    assert m.feasible[1].tolist() == [True, False, False]


# ------------------------------------------------------------------ QuantEcon objects
def test_from_quantecon_product_form_with_zero_rows():
    """QuantEcon's to_product_form writes -inf rewards and zero rows at absent pairs."""
    Rp = np.full((3, 3), -np.inf)
    Qp = np.zeros((3, 3, 3))
    for (s, a), r in REWARD.items():
        Rp[s, a] = r
        Qp[s, a] = ROWS[(s, a)]
    m = pv.TabularMDP.from_quantecon(SimpleNamespace(R=Rp, Q=Qp, beta=0.9, s_indices=None))
    ref = model(False)
    assert m.feasible.tolist() == ref.feasible.tolist()
    assert pv.solve(m, "pi").V.tolist() == pv.solve(ref, "pi").V.tolist()


def test_from_quantecon_errors():
    with pytest.raises(InvalidType, match="no attribute 'R'"):
        pv.TabularMDP.from_quantecon(object())
    with pytest.raises(InvalidModel, match=r"ddp.R has shape \(2, 2\) and ddp.Q \(2, 2\)"):
        pv.TabularMDP.from_quantecon(SimpleNamespace(R=np.zeros((2, 2)), Q=np.eye(2),
                                                     beta=0.9, s_indices=None))
    with pytest.raises(ProvableError, match="ddp.beta"):
        pv.TabularMDP.from_quantecon(SimpleNamespace(R=np.zeros((2, 2)), Q=np.eye(2),
                                                     beta=1.5, s_indices=None))


def test_to_quantecon_without_quantecon(monkeypatch):
    monkeypatch.setitem(sys.modules, "quantecon", None)
    monkeypatch.setitem(sys.modules, "quantecon.markov", None)
    with pytest.raises(NotSupported, match="needs the quantecon package"):
        model(False).to_quantecon()


def test_to_quantecon_average_reward_is_not_supported():
    with pytest.raises(NotSupported, match="average-reward"):
        model(False, gamma=None).to_quantecon()


def test_real_discrete_dp_round_trip(sparse):
    """With quantecon installed (it is not a dependency): to_quantecon gives a DiscreteDP
    whose own solvers agree with provable, and from_quantecon reads it back."""
    qe = pytest.importorskip("quantecon", reason="quantecon is not installed (optional peer)")
    m = model(sparse)
    ddp = m.to_quantecon()
    assert isinstance(ddp, qe.markov.DiscreteDP)
    assert sp.issparse(ddp.Q) == sparse
    ours = pv.solve(m, "pi")
    theirs = ddp.solve(method="policy_iteration")
    assert np.abs(theirs.v - ours.V).max() < 1e-10
    assert theirs.sigma.tolist() == ours.policy.tolist()
    back = pv.TabularMDP.from_quantecon(ddp)
    assert back.feasible.tolist() == m.feasible.tolist()
    assert pv.solve(back, "pi").V.tolist() == ours.V.tolist()
    for d in (ddp.to_product_form(), ddp.to_sa_pair_form(sparse=not sparse)):
        assert pv.solve(pv.TabularMDP.from_quantecon(d), "pi").V == pytest.approx(ours.V)
    rect = pv.mdp.random_mdp(5, 2, gamma=0.9, seed=3)
    d = rect.to_quantecon()
    assert d.Q.ndim == 3 and np.abs(d.solve("pi").v - pv.solve(rect, "pi").V).max() < 1e-10


def test_constructor_points_minus_inf_to_the_pair_constructors():
    P = np.stack([np.eye(2)] * 2, axis=1)
    with pytest.raises(InvalidModel, match=r"R\[1, 1\] = -inf, expected a finite number; "
                                           r"for an infeasible action use"):
        pv.TabularMDP(P, [[5.0, 10.0], [-1.0, -np.inf]], gamma=0.95, layout="sas")


def test_rewards_too_large_for_a_stand_in_are_refused():
    with pytest.raises(InvalidModel, match="no finite reward for a dominated stand-in"):
        pv.TabularMDP.from_state_action([1e308, -1e308], [[1.0, 0.0], [0.0, 1.0]], 0.9,
                                        [0, 1], [0, 1])
