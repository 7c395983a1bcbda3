"""Every validation error of TabularMDP is triggered and its message names the problem."""

import numpy as np
import pytest
import scipy.sparse as sp

import provable as pv
from provable.errors import InvalidArgument, InvalidModel, InvalidType, ProvableError


def good():
    P = np.zeros((3, 2, 3))
    P[:, :, 0] = 1.0
    return P, np.zeros((3, 2))


@pytest.mark.parametrize(
    "mutate, exc, fragment",
    [
        (lambda P, R: (P[:, :, :2], R), InvalidModel, "expected the last axis"),
        (lambda P, R: (P[0], R), InvalidModel, "expected (S, A, S)"),
        (lambda P, R: (np.where(np.arange(3)[:, None, None] == 2, np.nan, P), R), InvalidModel,
         "P[2, 0, 0] = nan"),
        (lambda P, R: (P, np.full((3, 2), np.inf)), InvalidModel, "R[0, 0] = inf"),
        (lambda P, R: (P * 0.93, R), InvalidModel, "P[0, 0, :] sums to 0.93"),
        (lambda P, R: (P[:, :0, :], R[:, :0]), InvalidModel, "empty action set"),
        (lambda P, R: (P, np.zeros((2, 2))), InvalidModel, "R has shape (2, 2)"),
        (lambda P, R: ("P", R), InvalidType, "P has type str"),
    ],
)
def test_bad_models_are_named(mutate, exc, fragment):
    P, R = mutate(*good())
    with pytest.raises(exc) as e:
        pv.TabularMDP(P, R, gamma=0.9)
    assert fragment in str(e.value)
    assert isinstance(e.value, ProvableError)


def test_negative_probability_is_named():
    P, R = good()
    P[1, 1, 0], P[1, 1, 1] = 1.5, -0.5
    with pytest.raises(InvalidModel, match=r"P\[1, 1, 1\] = -0.5 is negative"):
        pv.TabularMDP(P, R, gamma=0.9)


def test_row_sum_names_row_and_sum():
    P, R = good()
    P[2, 1, 0] = 0.5
    with pytest.raises(InvalidModel, match=r"P\[2, 1, :\] sums to 0.5, expected 1"):
        pv.TabularMDP(P, R, gamma=0.9)


@pytest.mark.parametrize("gamma", [1.0, 1.5, -0.1])
def test_gamma_outside_unit_interval(gamma):
    with pytest.raises(InvalidArgument, match=f"gamma={gamma!r}"):
        pv.TabularMDP(*good(), gamma=gamma)


def test_gamma_must_be_real():
    with pytest.raises(InvalidType, match="gamma='0.9'"):
        pv.TabularMDP(*good(), gamma="0.9")


@pytest.mark.parametrize("H", [0, -3])
def test_horizon_at_least_one(H):
    with pytest.raises(InvalidArgument, match=f"horizon={H}, expected horizon >= 1"):
        pv.TabularMDP(*good(), horizon=H)


def test_time_inhomogeneous_needs_matching_horizon():
    P, R = good()
    P4 = np.stack([P, P])
    with pytest.raises(InvalidModel, match="needs horizon"):
        pv.TabularMDP(P4, R, gamma=0.9)
    with pytest.raises(InvalidModel, match="horizon=3"):
        pv.TabularMDP(P4, R, horizon=3)
    assert pv.TabularMDP(P4, np.zeros((2, 3, 2)), horizon=2).time_varying


def test_sparse_validation_names_state_action():
    P = sp.csr_matrix(np.array([[1.0, 0.0], [0.5, 0.4], [0, 1.0], [0, 1.0]]))
    with pytest.raises(InvalidModel, match=r"row 1 = \(s=0, a=1\).*sums to 0.9"):
        pv.TabularMDP(P, np.zeros((2, 2)), gamma=0.9)
    P = sp.csr_matrix(np.array([[1.5, -0.5], [0.5, 0.5], [0, 1.0], [0, 1.0]]))
    with pytest.raises(InvalidModel, match=r"s=0, a=0.*negative"):
        pv.TabularMDP(P, np.zeros((2, 2)), gamma=0.9)
    with pytest.raises(InvalidModel, match="not a multiple"):
        pv.TabularMDP(sp.csr_matrix(np.ones((3, 2)) / 2), np.zeros((1, 3)), gamma=0.9)


def test_nothing_is_normalised_or_densified():
    mdp = pv.mdp.random_mdp(50, 3, nnz_per_row=4, seed=1)
    assert mdp.sparse and sp.issparse(mdp.P)
    # a row within tolerance is kept as given, not renormalised
    P, R = good()
    P[0, 0, 0] = 1 + 5e-10
    m = pv.TabularMDP(P, R, gamma=0.9)
    assert m.P[0, 0, 0] == 1 + 5e-10


def test_transition_rewards_are_reduced_to_expectations():
    P = np.zeros((2, 1, 2))
    P[0, 0] = [0.25, 0.75]
    P[1, 0] = [0.0, 1.0]
    Rt = np.zeros((2, 1, 2))
    Rt[0, 0] = [4.0, 8.0]
    m = pv.TabularMDP(P, Rt, gamma=0.5)
    assert m.R[0, 0] == pytest.approx(0.25 * 4 + 0.75 * 8)
    ms = pv.TabularMDP(sp.csr_matrix(P.reshape(2, 2)), Rt, gamma=0.5)
    np.testing.assert_allclose(ms.R, m.R)


def test_criterion():
    P, R = good()
    assert pv.TabularMDP(P, R, gamma=0.5).criterion == "discounted"
    assert pv.TabularMDP(P, R, horizon=4).criterion == "finite_horizon"
    assert pv.TabularMDP(P, R).criterion == "average"
