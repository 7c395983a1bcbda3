"""exact_solve on FLINT's rationals against the Fraction path, and its limits."""

from fractions import Fraction

import numpy as np
import pytest

import provable as pv
from provable.errors import InvalidArgument, NotSupported
from provable.solvers.tabular import exact as exact_mod

flint = pytest.importorskip("flint")


@pytest.mark.parametrize("S,A,seed", [(1, 1, 0), (3, 2, 1), (8, 3, 2), (15, 2, 3)])
def test_flint_and_fractions_give_the_same_rationals(S, A, seed):
    mdp = pv.mdp.random_mdp(S, A, gamma=0.95, seed=seed)
    a = pv.solvers.exact_solve(mdp, backend="flint")
    b = pv.solvers.exact_solve(mdp, backend="fractions")
    assert a.backend == "flint" and b.backend == "fractions"
    assert list(a.V_exact) == list(b.V_exact)
    assert (a.Q_exact == b.Q_exact).all()
    assert a.policy.tolist() == b.policy.tolist()
    assert all(isinstance(v, Fraction) for v in a.V_exact)


def test_flint_path_on_decimals_and_rows_off_one():
    # rows summing to 1 + 5e-10 are solved as stored; max_denominator reads 0.1 as 1/10
    P = np.array([[[0.5, 0.5 + 5e-10], [1.0, 0.0]], [[0.1, 0.9], [0.0, 1.0]]])
    R = np.array([[1.0, 0.0], [0.0, 0.3]])
    mdp = pv.TabularMDP(P, R, gamma=0.9, layout="sas")
    a = pv.solvers.exact_solve(mdp, backend="flint")
    b = pv.solvers.exact_solve(mdp, backend="fractions")
    assert list(a.V_exact) == list(b.V_exact)
    P2 = np.array([[[0.1, 0.9], [1.0, 0.0]], [[0.5, 0.5], [0.0, 1.0]]])
    m2 = pv.TabularMDP(P2, R, gamma=0.9, layout="sas")
    c = pv.solvers.exact_solve(m2, max_denominator=10, backend="flint")
    d = pv.solvers.exact_solve(m2, max_denominator=10, backend="fractions")
    assert list(c.V_exact) == list(d.V_exact)
    assert all(v.denominator < 10**6 for v in c.V_exact)  # small fractions, not floats'


def test_flint_answer_is_a_fixed_point_of_the_exact_bellman_operator():
    # V* by hand: the Bellman optimality equation holds exactly, in Fractions, on a
    # 60-state chain the Fraction path would refuse to take beyond a minute
    mdp = pv.mdp.river_swim(60, gamma=0.95)
    res = pv.solvers.exact_solve(mdp)
    assert res.backend == "flint"
    P, R = mdp.dense_P(), mdp.R
    g = Fraction(mdp.gamma)
    V = list(res.V_exact)
    for s in range(mdp.S):
        q = [Fraction(float(R[s, a])) + g * sum(Fraction(float(P[s, a, j])) * V[j]
                                                for j in np.flatnonzero(P[s, a]))
             for a in range(mdp.A)]
        assert max(q) == V[s]
        assert q[int(res.policy[s])] == V[s]
    vi = pv.solvers.value_iteration(mdp, tol=1e-9)
    assert np.max(np.abs(vi.V - res.V)) <= vi.error_bound + res.error_bound


def test_default_state_limits_and_missing_flint(monkeypatch):
    big = pv.mdp.random_mdp(101, 2, gamma=0.9, nnz_per_row=2, seed=0)
    with pytest.raises(InvalidArgument, match="max_states=100"):
        pv.solvers.exact_solve(big, backend="fractions")
    huge = pv.mdp.random_mdp(1001, 2, gamma=0.9, nnz_per_row=2, seed=0)
    with pytest.raises(InvalidArgument, match="max_states=1000"):
        pv.solvers.exact_solve(huge)
    monkeypatch.setattr(exact_mod, "_flint", lambda: None)
    with pytest.raises(NotSupported, match="python-flint"):
        pv.solvers.exact_solve(pv.mdp.river_swim(3), backend="flint")
    res = pv.solvers.exact_solve(pv.mdp.river_swim(3))
    assert res.backend == "fractions"
    with pytest.raises(InvalidArgument, match="max_states=100"):
        pv.solvers.exact_solve(big)
    with pytest.raises(InvalidArgument, match="backend"):
        pv.solvers.exact_solve(pv.mdp.river_swim(3), backend="sympy")


def test_flint_backend_does_not_fall_back_to_fractions(monkeypatch):
    # the FLINT path must do its own solves: the Fraction eliminator is never called
    def refuse(*args, **kwargs):
        raise AssertionError("rational_solve called on the FLINT path")

    monkeypatch.setattr(exact_mod, "rational_solve", refuse)
    res = pv.solvers.exact_solve(pv.mdp.random_mdp(6, 2, gamma=0.9, seed=4), backend="flint")
    assert res.backend == "flint" and res.converged
    with pytest.raises(AssertionError, match="rational_solve"):
        pv.solvers.exact_solve(pv.mdp.random_mdp(6, 2, gamma=0.9, seed=4),
                               backend="fractions")


def test_refusal_names_the_cost_of_its_backend():
    mdp = pv.mdp.random_mdp(5, 2, gamma=0.9, seed=0)
    with pytest.raises(InvalidArgument, match="2 minutes at S=1000 with FLINT"):
        pv.solvers.exact_solve(mdp, max_states=4, backend="flint")
    with pytest.raises(InvalidArgument, match=r"S\^4.5 with fractions"):
        pv.solvers.exact_solve(mdp, max_states=4, backend="fractions")
