"""Action elimination in value iteration (MacQueen's test): an action is dropped only
when it is suboptimal in exact arithmetic, the certificate survives, and the dense
matvec-then-rows path agrees with the plain loops."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import provable as pv
from provable.backends import value_iteration_loop
from provable.proofs_checks import strategies as pst

SMALL = pst.tabular_mdps(min_states=2, max_states=8, max_actions=4)


def _eliminated_after(mdp, backend, tol=1e-12):
    active = np.ones(mdp.S * mdp.A, dtype=bool)
    value_iteration_loop(mdp.P_at(), mdp.R.ravel(), mdp.gamma, np.zeros(mdp.S), tol, 10_000,
                         True, backend, active)
    return ~active.reshape(mdp.S, mdp.A)


@settings(max_examples=40)
@given(mdp=SMALL, backend=st.sampled_from(["numpy", "numba"]))
def test_only_strictly_suboptimal_actions_are_eliminated(mdp, backend):
    exact = pv.solvers.exact_solve(mdp)
    gone = _eliminated_after(mdp, backend)
    for s, a in zip(*np.nonzero(gone)):
        assert exact.Q_exact[s, a] < exact.V_exact[s], (s, a)
    # every state keeps at least one action, and an optimal one
    for s in range(mdp.S):
        live = [a for a in range(mdp.A) if not gone[s, a]]
        assert live and max(exact.Q_exact[s, a] for a in live) == exact.V_exact[s]


def test_tied_optimal_actions_both_survive():
    """Two copies of the best action: neither may be dropped, however long VI runs."""
    base = pv.mdp.random_mdp(6, 3, gamma=0.9, seed=4)
    P = np.concatenate([base.P, base.P[:, :1]], axis=1)
    R = np.concatenate([base.R, base.R[:, :1]], axis=1)
    mdp = pv.TabularMDP(P, R, gamma=0.9)
    exact = pv.solvers.exact_solve(mdp)
    for backend in ("numpy", "numba"):
        gone = _eliminated_after(mdp, backend, tol=1e-14)
        for s in range(mdp.S):
            if exact.Q_exact[s, 0] == exact.V_exact[s]:
                assert not gone[s, 0] and not gone[s, 3]
        assert gone.any()  # and the test is not vacuous: something was eliminated


@given(mdp=pst.tabular_mdps(min_states=2, max_states=30, max_actions=4),
       tol=st.sampled_from([1e-3, 1e-8]))
def test_elimination_keeps_the_certificate(mdp, tol):
    exact = pv.solvers.exact_solve(mdp)
    on = pv.solvers.value_iteration(mdp, tol=tol, eliminate=True)
    off = pv.solvers.value_iteration(mdp, tol=tol, eliminate=False)
    assert off.eliminated == 0
    for res in (on, off):
        assert res.converged
        assert np.abs(res.V - exact.V).max() <= res.error_bound <= tol
        gap = np.abs(pv.solvers.evaluate_policy(mdp, res.policy) - exact.V).max()
        assert gap <= res.policy_error_bound + 1e-12


@pytest.mark.parametrize("sparse", [False, True])
def test_large_problem_eliminates_and_agrees(sparse):
    """S=400, A=8 dense is 1.28e6 entries, past the size where a sweep is a BLAS
    matvec: that path, the all-numba loop and numpy's reference must agree."""
    kw = {"nnz_per_row": 12} if sparse else {}
    mdp = pv.mdp.random_mdp(400, 8, gamma=0.95, seed=11, **kw)
    ref = pv.solvers.policy_iteration(mdp)
    results = [pv.solvers.value_iteration(mdp, tol=1e-8, backend=b, eliminate=True)
               for b in ("auto", "numba", "numpy")]
    results.append(pv.solvers.value_iteration(mdp, tol=1e-8, eliminate=False))
    for res in results:
        assert res.converged
        assert np.abs(res.V - ref.V).max() <= res.error_bound + 1e-9
        np.testing.assert_array_equal(res.policy, ref.policy)
    assert min(r.eliminated for r in results[:3]) > 0.5 * mdp.S * mdp.A
    assert "eliminated" in results[0].message
    # the eliminated pairs are suboptimal by more than PI's own rounding
    gone = _eliminated_after(mdp, "auto")
    assert (ref.V[:, None] - ref.Q)[gone].min() > 0


def test_default_eliminates_only_where_rows_are_long():
    dense = pv.mdp.random_mdp(300, 4, gamma=0.9, seed=1)  # rows of 300 entries
    short = pv.mdp.random_mdp(30_000, 4, gamma=0.9, nnz_per_row=8, seed=1)
    tiny = pv.mdp.random_mdp(10, 3, gamma=0.9, seed=1)
    assert pv.solvers.value_iteration(dense, tol=1e-6).eliminated > 0
    assert pv.solvers.value_iteration(short, tol=1e-6).eliminated == 0
    assert pv.solvers.value_iteration(tiny, tol=1e-6).eliminated == 0
    assert pv.solvers.value_iteration(tiny, tol=1e-6, eliminate=True).eliminated > 0
    with pytest.raises(pv.errors.InvalidType, match="eliminate"):
        pv.solvers.value_iteration(tiny, eliminate="yes")
