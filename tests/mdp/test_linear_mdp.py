"""LinearMDP: validation messages, tabular round trips, generators."""

from __future__ import annotations

import numpy as np
import pytest

from provable.errors import InvalidModel, InvalidType, NotSupported, ProvableError
from provable.mdp import random_mdp
from provable.mdp._linear import LinearMDP
from provable.mdp._linear_generators import combination_lock, low_rank_mdp, random_linear_mdp


def _toy() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    phi = np.array([[[1.0, 0.0], [0.0, 1.0]], [[0.5, 0.5], [0.0, 1.0]]])
    mu = np.eye(2)
    return phi, mu, np.array([0.0, 1.0])


def test_basic_shapes_and_products() -> None:
    phi, mu, theta = _toy()
    lin = LinearMDP(phi, mu, theta, horizon=3)
    assert (lin.S, lin.A, lin.d, lin.horizon) == (2, 2, 2, 3)
    np.testing.assert_allclose(lin.P_at(0)[1, 0], [0.5, 0.5])
    np.testing.assert_allclose(lin.R_at(2), [[0.0, 1.0], [0.5, 1.0]])
    assert lin.R.shape == (3, 2, 2)
    assert repr(lin) == "LinearMDP(S=2, A=2, d=2, horizon=3)"


@pytest.mark.parametrize(("kwargs", "match"), [
    ({"mu": [[1.0, 0.0], [0.0, 0.9]]},
     r"phi\[0, 1\] @ mu \(= P_0\(\. \| s=0, a=1\)\) sums to 0\.9, expected 1"),
    ({"mu": [[1.2, -0.2], [0.0, 1.0]]},
     r"phi\[0, 0\] @ mu\[:, 1\] \(= P_0\(s'=1 \| s=0, a=0\)\) = -0\.2 is negative"),
    ({"theta": [0.0, 1.5]}, r"r_0\(s=0, a=1\) = phi\[0, 1\] @ theta = 1\.5, expected a reward "
                            r"in reward_range=\[0, 1\]"),
    ({"theta": [[0.0, 1.0], [0.0, 1.0], [2.0, 0.0]]}, r"r_2\(s=0, a=0\) = phi\[0, 0\] @ theta\[2\]"),
    ({"mu": np.ones((2, 3)) / 3}, r"mu has shape \(2, 3\), expected \(d, S\) = \(2, 2\)"),
    ({"theta": [1.0]}, r"theta has shape \(1,\), expected \(d,\) = \(2,\)"),
    ({"phi": np.ones((2, 2))}, r"phi has shape \(2, 2\), expected \(S, A, d\)"),
    ({"mu": [[np.nan, 1.0], [0.0, 1.0]]}, r"mu\[0, 0\] = nan, expected a finite number"),
    ({"horizon": 0}, r"horizon=0, expected horizon >= 1"),
    ({"reward_range": (1.0, 0.0)}, r"Cannot have reward_range\[1\]=0\.0 < reward_range\[0\]=1\.0"),
])
def test_invalid_models_name_the_place(kwargs: dict, match: str) -> None:
    phi, mu, theta = _toy()
    args = {"phi": phi, "mu": mu, "theta": theta, "horizon": 3, **kwargs}
    with pytest.raises(ProvableError, match=match) as info:
        LinearMDP(**args)
    assert isinstance(info.value, ValueError)


def test_time_varying_mu_row_error_names_step() -> None:
    phi, mu, theta = _toy()
    mus = np.stack([mu, mu, np.array([[0.5, 0.4], [0.0, 1.0]])])
    with pytest.raises(InvalidModel, match=r"phi\[0, 0\] @ mu\[2\] \(= P_2\(\. \| s=0, a=0\)\) "
                                           r"sums to 0\.9"):
        LinearMDP(phi, mus, theta, horizon=3)


def test_bad_types() -> None:
    phi, mu, theta = _toy()
    with pytest.raises(InvalidType):
        LinearMDP("phi", mu, theta, horizon=2)
    with pytest.raises(InvalidType):
        LinearMDP(phi, mu, theta, horizon=2.0)


@pytest.mark.parametrize("sparse", [False, True])
def test_round_trip_with_tabular(sparse: bool) -> None:
    fh = random_mdp(S=5, A=3, gamma=None, density=0.5 if sparse else 1.0, seed=1,
                    sparse=sparse).with_horizon(4)
    lin = LinearMDP.from_tabular(fh)
    assert lin.d == 15 and lin.horizon == 4
    back = lin.to_tabular()
    np.testing.assert_array_equal(back.dense_P(), fh.dense_P())
    np.testing.assert_array_equal(back.R, fh.R)
    again = LinearMDP.from_tabular(back)
    np.testing.assert_array_equal(again.phi, lin.phi)
    np.testing.assert_array_equal(again.mu, lin.mu)


def test_round_trip_time_varying_tabular() -> None:
    rng = np.random.default_rng(0)
    P = rng.dirichlet(np.ones(4), size=(3, 4, 2))
    R = rng.uniform(size=(3, 4, 2))
    from provable.mdp import TabularMDP

    fh = TabularMDP(P, R, horizon=3)
    lin = LinearMDP.from_tabular(fh)
    assert lin.time_varying and lin.theta.shape == (3, 8)
    back = lin.to_tabular()
    np.testing.assert_array_equal(back.P, P)
    np.testing.assert_array_equal(back.R, R)


def test_from_tabular_needs_a_horizon() -> None:
    mdp = random_mdp(S=3, A=2, gamma=0.9, seed=0)
    with pytest.raises(InvalidModel, match="pass horizon=H"):
        LinearMDP.from_tabular(mdp)
    assert LinearMDP.from_tabular(mdp, horizon=5).horizon == 5
    with pytest.raises(NotSupported, match="gamma=0.5"):
        LinearMDP.from_tabular(random_mdp(S=3, A=2, gamma=None, seed=0, horizon=2).__class__(
            mdp.P, mdp.R, gamma=0.5, horizon=2))
    with pytest.raises(InvalidType):
        LinearMDP.from_tabular("mdp", horizon=2)


def test_generators_are_seeded_and_valid() -> None:
    a = random_linear_mdp(S=12, A=3, d=4, horizon=5, seed=3)
    b = random_linear_mdp(S=12, A=3, d=4, horizon=5, seed=3)
    np.testing.assert_array_equal(a.phi, b.phi)
    assert not np.array_equal(a.phi, random_linear_mdp(S=12, A=3, d=4, horizon=5, seed=4).phi)
    assert (a.phi >= 0).all() and np.allclose(a.phi.sum(-1), 1)
    tv = random_linear_mdp(S=6, A=2, d=3, horizon=4, seed=0, time_varying=True)
    assert tv.mu.shape == (4, 3, 6) and tv.theta.shape == (4, 3)


def test_low_rank_mdp_has_rank_d_and_signed_features() -> None:
    lin = low_rank_mdp(S=40, A=5, d=4, horizon=3, seed=2)
    P2 = lin.P_at(0).reshape(200, 40)
    assert np.linalg.matrix_rank(P2, tol=1e-8) == 4
    assert (lin.phi < 0).any() and (lin.mu < 0).any()
    np.testing.assert_allclose(P2.sum(1), 1.0, atol=1e-9)


def test_combination_lock_values() -> None:
    from provable.solvers import evaluate_policy  # noqa: F401  (tabular API is importable)
    from provable.solvers.linear.lsvi import lsvi

    H, A = 6, 3
    lock = combination_lock(horizon=H, A=A, seed=5)
    res = lsvi(lock)
    assert res.V[0, 0] == 1.0 and res.V[0, 1] == 0.0
    np.testing.assert_array_equal(res.policy[:, 0], lock.secret)
    # uniformly random actions open the lock with probability A^-H
    tab = lock.to_tabular()
    V = np.zeros(2)
    for h in range(H - 1, -1, -1):
        V = (tab.R_at(h) + tab.P_at(h).reshape(2, A, 2) @ V).mean(axis=1)
    assert V[0] == pytest.approx(A ** -H, rel=1e-12)
