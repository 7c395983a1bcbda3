"""Properties of the strategies themselves (they are what other suites build on)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from provable.errors import InvalidArgument
from provable.proofs_checks import strategies as pst


@given(pst.probability_vectors())
def test_probability_vectors_sum_to_one(p):
    assert p.ndim == 1 and p.size >= 1
    assert (p >= 0).all()
    assert abs(p.sum() - 1.0) < 1e-12


@given(pst.probability_vectors(5, full_support=True))
def test_full_support_vectors_are_positive(p):
    assert p.shape == (5,) and (p > 0).all()


@given(pst.stochastic_matrices(square=True))
def test_stochastic_matrices_rows_sum_to_one(M):
    assert M.shape[0] == M.shape[1]
    assert (M >= 0).all()
    np.testing.assert_allclose(M.sum(axis=1), 1.0, atol=1e-12)


@given(pst.preference_matrices())
def test_preference_matrices_are_antisymmetric(P):
    np.testing.assert_allclose(P + P.T, 1.0, atol=1e-15)
    np.testing.assert_array_equal(np.diag(P), 0.5)
    assert ((P >= 0) & (P <= 1)).all()


@given(pst.preference_matrices(condorcet_winner=True))
def test_condorcet_winner_beats_everyone(P):
    n = P.shape[0]
    winners = [i for i in range(n) if all(P[i, j] > 0.5 for j in range(n) if j != i)]
    assert len(winners) == 1


@given(pst.bandit_instances(min_gap=0.05), pst.bandit_instances("gaussian"))
def test_bandit_instances(b, g):
    assert ((b.means >= 0) & (b.means <= 1)).all()
    assert np.sort(b.gaps)[1] >= 0.05 - 1e-12  # unique best arm, ahead by min_gap
    assert g.kind == "gaussian" and g.gaps.min() == 0


@given(st.integers(2, 20), st.integers(20, 10_000), st.data())
def test_gap_scaled_bandits_gap(K, T, data):
    b, horizon = data.draw(pst.gap_scaled_bandits(K, T))
    assert horizon == T and b.K == K
    assert np.isclose(b.gaps.max(), min(np.sqrt(K / T), 0.5))
    assert np.count_nonzero(b.gaps == 0) == 1


@given(pst.loss_sequences(bound=3.0, signed=True))
def test_loss_sequences_are_bounded(L):
    assert L.ndim == 2 and (np.abs(L) <= 3.0).all()


@pytest.mark.parametrize("make", [
    lambda: pst.probability_vectors(0),
    lambda: pst.probability_vectors(min_size=4, max_size=2),
    lambda: pst.tabular_mdps(gamma=1.0),
    lambda: pst.tabular_mdps(min_states=0),
    lambda: pst.bandit_instances("cauchy"),
    lambda: pst.gap_scaled_bandits(K=10, T=5),
    lambda: pst.loss_sequences(bound=0.0),
])
def test_invalid_arguments_raise_at_call(make):
    with pytest.raises(InvalidArgument):
        make()


def _has_tabular_mdp() -> bool:
    try:
        from provable.mdp import TabularMDP  # noqa: F401
    except ImportError:
        return False
    return True


needs_mdp = pytest.mark.skipif(not _has_tabular_mdp(),
                               reason="provable.mdp.TabularMDP is not available")


@needs_mdp
@given(pst.tabular_mdps(max_states=4, max_actions=3))
def test_tabular_mdps_are_valid(mdp):
    assert 2 <= mdp.S <= 4 and 1 <= mdp.A <= 3
    assert mdp.gamma is not None and 0 <= mdp.gamma < 1


@needs_mdp
@given(pst.tabular_mdps(max_states=4, sparse=True, horizon=3))
def test_sparse_finite_horizon_mdps(mdp):
    assert mdp.horizon == 3 and mdp.sparse
