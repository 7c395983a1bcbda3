"""Tests of the alignment closed forms."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as hst

from provable.errors import InvalidArgument, InvalidModel
from provable.learners.alignment import (
    best_of_n_distribution,
    best_of_n_kl,
    best_of_n_kl_bound,
    bon_vs_klrl_memoryless,
    dpo_minimizers,
    ebm_moment_match,
    entropy_change,
    kl,
    kl_constrained_tilt,
    kl_regularized_objective,
    kl_tilt,
)


def test_bon_distribution_by_enumeration():
    p = np.array([0.2, 0.3, 0.1, 0.4])
    r = np.array([1.0, 0.0, 1.0, 2.0])
    N = 3
    ref = np.zeros(4)
    import itertools
    for draw in itertools.product(range(4), repeat=N):
        pr = np.prod(p[list(draw)])
        best = max(r[i] for i in draw)
        winners = [i for i in draw if r[i] == best]
        for i in winners:
            ref[i] += pr / len(winners)
    np.testing.assert_allclose(best_of_n_distribution(p, r, N), ref, atol=1e-14)


@settings(derandomize=True, max_examples=20, deadline=None)
@given(hst.integers(2, 30), hst.integers(1, 50), hst.integers(0, 10**6))
def test_bon_kl_below_bound(M, N, seed):
    rng = np.random.default_rng(seed)
    p = rng.dirichlet(np.ones(M))
    r = rng.integers(0, 4, M).astype(float)
    assert best_of_n_kl(p, r, N) <= best_of_n_kl_bound(N) + 1e-12


@settings(derandomize=True, max_examples=20, deadline=None)
@given(hst.integers(2, 20), hst.floats(0.05, 10.0), hst.integers(0, 10**6))
def test_tilt_maximises_objective(n, beta, seed):
    rng = np.random.default_rng(seed)
    p = rng.dirichlet(np.ones(n))
    r = rng.standard_normal(n)
    star, logZ = kl_tilt(p, r, beta)
    assert kl_regularized_objective(star, p, r, beta) == pytest.approx(beta * logZ, abs=1e-10)
    other = rng.dirichlet(np.ones(n))
    assert kl_regularized_objective(other, p, r, beta) <= beta * logZ + 1e-12


def test_kl_constrained_tilt_and_ebm():
    p = np.array([0.4, 0.3, 0.2, 0.1])
    phi, lam = kl_constrained_tilt(p, np.arange(4.0), 0.2)
    assert kl(phi, p) == pytest.approx(0.2, abs=1e-10) and lam > 0
    q, lv = ebm_moment_match(p, np.arange(4.0)[:, None], [phi @ np.arange(4.0)])
    np.testing.assert_allclose(q, phi, atol=1e-10)
    assert lv[0] == pytest.approx(lam, rel=1e-8)


def test_bon_memoryless_gap_shrinks():
    out = bon_vs_klrl_memoryless([0.4, 0.3, 0.2, 0.1], [0, 1, 2, 3], [10, 40, 160], 0.1)
    assert np.all(np.diff(np.abs(out["gap"])) < 0)


def test_entropy_change_second_order():
    z, dz = np.array([0.3, -1.0, 2.0]), np.array([1.0, 0.5, -2.0])
    e1 = abs(np.subtract(*entropy_change(z, dz, 1e-3)))
    e2 = abs(np.subtract(*entropy_change(z, dz, 1e-4)))
    assert e1 / e2 == pytest.approx(100, rel=0.05)


def test_dpo_minimizer_family_mass():
    fam = dpo_minimizers([0.25] * 4, [0.0, 1.0, 0.5, -5.0], [0, 1, 2], 1.0, [0.0, 0.7])
    assert fam[0, 3] == 0.0 and fam[1, 3] == pytest.approx(0.7)


@pytest.mark.parametrize("call, exc", [
    (lambda: best_of_n_distribution([0.5, 0.6], [0, 1], 2), InvalidModel),
    (lambda: best_of_n_distribution([0.5, 0.5], [0, 1, 2], 2), InvalidArgument),
    (lambda: best_of_n_kl_bound(0), InvalidArgument),
    (lambda: kl_tilt([0.5, 0.5], [0, 1], 0.0), InvalidArgument),
    (lambda: kl_tilt([1.0, 0.0], [0, 1], 1.0), InvalidModel),
    (lambda: kl_constrained_tilt([0.5, 0.5], [0.0, 1.0], 5.0), InvalidArgument),
    (lambda: bon_vs_klrl_memoryless([0.5, 0.5], [0.5, 1.0], [10], 0.1), InvalidArgument),
    (lambda: dpo_minimizers([0.5, 0.5], [0, 1], [0], 1.0, [1.0]), InvalidArgument),
])
def test_bad_input(call, exc):
    with pytest.raises(exc):
        call()
