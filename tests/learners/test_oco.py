"""Tests of the OCO learners against closed forms and named special cases."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as hst

from provable.errors import InvalidArgument, InvalidType, ProvableError, UnknownName
from provable.learners.oco import (
    LinearModelLosses,
    ftrl,
    generalized_implicit_ftrl,
    hedge,
    implicit_ftrl,
    ogd,
    omd,
    optimistic_omd,
    project,
    unbounded_ftrl,
)


@settings(derandomize=True, max_examples=15, deadline=None)
@given(hst.integers(1, 40), hst.integers(1, 6), hst.floats(0.01, 3.0), hst.integers(0, 10**6))
def test_hedge_weights_are_closed_form(T, K, eta, seed):
    L = np.random.default_rng(seed).random((T, K))
    W = hedge(L, eta=eta).iterates
    cum = np.vstack([np.zeros(K), np.cumsum(L, axis=0)[:-1]])
    ref = np.exp(-eta * (cum - cum.min(axis=1, keepdims=True)))
    ref /= ref.sum(axis=1, keepdims=True)
    np.testing.assert_allclose(W, ref, atol=1e-12)


def test_hedge_regret_bound():
    L = np.random.default_rng(0).random((2000, 5))
    eta = np.sqrt(8 * np.log(5) / 2000)
    r = hedge(L, eta=eta)
    assert r.regret[-1] <= np.log(5) / eta + eta * 2000 / 8


@settings(derandomize=True, max_examples=10, deadline=None)
@given(hst.integers(0, 10**6), hst.sampled_from(["euclidean", "entropic"]))
def test_optimistic_omd_with_zero_hints_is_omd(seed, mirror):
    G = np.random.default_rng(seed).standard_normal((60, 4))
    dom = "simplex" if mirror == "entropic" else "ball"
    a = optimistic_omd(G, mirror=mirror, hints="zero", eta=0.2, domain=dom)
    b = omd(G, mirror=mirror, eta=0.2, domain=dom)
    np.testing.assert_allclose(a.iterates, b.iterates, atol=1e-12)


def test_entropic_omd_and_entropy_ftrl_are_hedge():
    L = np.random.default_rng(1).random((80, 3))
    h = hedge(L, eta=0.4).iterates
    np.testing.assert_allclose(omd(L, mirror="entropic", eta=0.4, domain="simplex").iterates, h,
                               atol=1e-12)
    np.testing.assert_allclose(ftrl(L, regularizer="entropy", eta=0.4, domain="simplex").iterates,
                               h, atol=1e-12)


def test_optimistic_hints_help_on_predictable_sequence():
    G = np.tile([[1.0, -1.0], [1.0, -1.0]], (200, 1))
    a = optimistic_omd(G, hints="last", eta=0.5).regret[-1]
    b = omd(G, eta=0.5).regret[-1]
    assert a <= b + 1e-12


def test_ogd_regret_sqrt_t_and_callable_path():
    rng = np.random.default_rng(2)
    G = rng.choice([-1.0, 1.0], size=(3000, 3)) + 0.2
    r = ogd(G, eta=1.0)
    assert 0 <= r.regret[-1] <= 3 * 2 * np.sqrt(3) * np.sqrt(3000)
    r2 = ogd(lambda t, x: G[t], 3000, d=3, eta=1.0, domain="ball")
    np.testing.assert_allclose(r.iterates, r2.iterates, atol=1e-12)


def test_projection():
    p = project(np.array([0.2, 0.9, -1.0]), "simplex", 1.0)
    assert abs(p.sum() - 1) < 1e-12 and p.min() >= 0
    assert np.linalg.norm(project(np.array([3.0, 4.0]), "ball", 2.0)) == pytest.approx(2.0)


@pytest.mark.parametrize("kind", ["square", "abs", "hinge"])
def test_generalized_implicit_special_cases(kind):
    rng = np.random.default_rng(3)
    A = rng.standard_normal((100, 3))
    b = np.sign(rng.standard_normal(100)) if kind == "hinge" else rng.standard_normal(100)
    L = LinearModelLosses(kind, A, b)
    lin = generalized_implicit_ftrl(L, eta=0.3, update="linearized")
    named = ftrl(lambda t, x: L.grad(t, x), 100, regularizer="l2", eta=0.3,
                 domain="unconstrained", d=3, loss=L.value, comparator=np.zeros(3))
    np.testing.assert_allclose(lin.iterates, named.iterates, atol=1e-12)
    imp = implicit_ftrl(L, eta=0.3)
    # implicit point x' = prox(-eta theta): optimality 0 in x'/eta + theta + d l(x')
    theta = np.cumsum(imp.duals, axis=0) - imp.duals
    for t in range(100):
        xp = L.prox(t, -0.3 * theta[t], 0.3)
        if kind == "square":
            ref = np.linalg.solve(np.eye(3) / 0.3 + np.outer(A[t], A[t]), -theta[t] + b[t] * A[t])
            np.testing.assert_allclose(xp, ref, atol=1e-12)
    assert imp.regret[-1] <= imp.bound + 1e-9
    assert lin.regret[-1] <= lin.bound + 1e-9
    ap = generalized_implicit_ftrl(L, eta=0.3, update="aprox")
    assert ap.regret[-1] <= ap.bound + 1e-9


def test_unbounded_ftrl_tracks_far_comparator():
    u = 20.0
    res = unbounded_ftrl(lambda t, w: np.sign(w - u) + 0.5 * (w - u), 3000, G=1 + 0.5 * u, L=0.5)
    assert abs(res.iterates[-1, 0] - u) < 1.0


@pytest.mark.parametrize("call, exc", [
    (lambda: hedge(np.ones(3)), InvalidArgument),
    (lambda: hedge(np.ones((3, 2)), eta=-1.0), InvalidArgument),
    (lambda: hedge([[np.nan, 1.0]]), InvalidArgument),
    (lambda: ogd(np.ones((3, 2)), domain="cube"), UnknownName),
    (lambda: ogd(np.ones((3, 2)), x0=[5.0, 0.0]), InvalidArgument),
    (lambda: omd(np.ones((3, 2)), mirror="entropic", domain="ball"), InvalidArgument),
    (lambda: optimistic_omd(np.ones((3, 2)), hints=np.ones((2, 2))), InvalidArgument),
    (lambda: ftrl(np.ones((3, 2)), regularizer="l3"), UnknownName),
    (lambda: LinearModelLosses("hinge", np.ones((2, 1)), [0.5, 1.0]), InvalidArgument),
    (lambda: unbounded_ftrl(lambda t, w: w, 0), InvalidArgument),
    (lambda: unbounded_ftrl(lambda t, w: w, 10, L=-1.0), InvalidArgument),
    (lambda: unbounded_ftrl(lambda t, w: w, 10, d=1.5), InvalidType),
])
def test_bad_input(call, exc):
    with pytest.raises(exc) as e:
        call()
    assert isinstance(e.value, ProvableError)
