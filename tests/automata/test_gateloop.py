"""GateLoop's three modes (recurrent, parallel scan, surrogate attention): outputs against
a brute-force unfolded sum and values worked by hand, multiply-add counts against
counts worked by hand, the factored attention form's range, argument checks, and the
claims ``gateloop.modes`` / ``gateloop.mode_costs`` with their mutant batteries."""

from __future__ import annotations

import numpy as np
import pytest

from provable import proofs_checks as pc
from provable.automata._gateloop import (
    GATELOOP_MODES,
    gateloop,
    gateloop_gates,
    gateloop_madds,
    gateloop_scale,
)
from provable.errors import InvalidArgument, InvalidType

FORMS = [("recurrent", "factored"), ("parallel", "factored"), ("attention", "factored"),
         ("attention", "relative")]


def brute_force(q, k, v, a):
    """y_n = sum_{m <= n} sum_i q_{n,i} k_{m,i} (prod_{j=m+1}^{n} a_{j,i}) v_m, by loops."""
    q, k, v, a = (np.asarray(x) for x in (q, k, v, a))
    l, dk = k.shape
    y = np.zeros((l, v.shape[1]), complex)
    for n in range(l):
        for m in range(n + 1):
            w = 0j
            for i in range(dk):
                g = 1.0 + 0j
                for j in range(m + 1, n + 1):
                    g *= a[j, i]
                w += q[n, i] * k[m, i] * g
            y[n] += w * v[m]
    return y


def instance(l, dk, dv, cplx, seed=0, lo=-3.0, hi=3.0):
    rng = np.random.default_rng(seed)
    q, k, v = rng.normal(size=(l, dk)), rng.normal(size=(l, dk)), rng.normal(size=(l, dv))
    r = rng.uniform(lo, hi, size=(l, dk))
    a = gateloop_gates(r, rng.uniform(-np.pi, np.pi, size=(l, dk)) if cplx else None)
    return q, k, v, a


@pytest.mark.parametrize(("mode", "form"), FORMS)
@pytest.mark.parametrize("cplx", [False, True])
@pytest.mark.parametrize(("l", "dk", "dv"), [(1, 1, 1), (2, 3, 1), (7, 2, 3), (16, 4, 2)])
def test_every_mode_equals_the_unfolded_sum(mode, form, cplx, l, dk, dv):
    q, k, v, a = instance(l, dk, dv, cplx, seed=l * 10 + dk)
    y = gateloop(q, k, v, a, mode=mode, attention_form=form).y
    np.testing.assert_allclose(y, brute_force(q, k, v, a), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize(("mode", "form"), FORMS)
def test_two_steps_by_hand(mode, form):
    # h1 = 3*5 = 15, y1 = 1*15; h2 = 0.25*15 + 4*6 = 27.75, y2 = 2*27.75
    q, k, v, a = [[1.0], [2.0]], [[3.0], [4.0]], [[5.0], [6.0]], [[0.5], [0.25]]
    y = gateloop(q, k, v, a, mode=mode, attention_form=form).y
    np.testing.assert_allclose(y.ravel(), [15.0, 55.5], rtol=1e-15)


@pytest.mark.parametrize(("mode", "form"), FORMS)
def test_unit_gates_are_causal_linear_attention(mode, form):
    q, k, v, _ = instance(12, 3, 2, False, seed=3)
    want = np.tril(q @ k.T) @ v
    y = gateloop(q, k, v, np.ones((12, 3)), mode=mode, attention_form=form).y
    np.testing.assert_allclose(y, want, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize(("mode", "form"), [f for f in FORMS if f[1] == "relative"
                                            or f[0] != "attention"])
def test_zero_gates_keep_only_the_current_pair(mode, form):
    q, k, v, _ = instance(9, 2, 3, False, seed=4)
    want = np.sum(q * k, axis=1)[:, None] * v
    y = gateloop(q, k, v, np.zeros((9, 2)), mode=mode, attention_form=form).y
    np.testing.assert_allclose(y, want, rtol=1e-13)


@pytest.mark.parametrize(("mode", "form"), FORMS)
def test_constant_rotation_is_a_rotary_relative_position(mode, form):
    # a_j = e^{i theta}: y_n = sum_m (q_n . k_m) e^{i theta (n - m)} v_m
    q, k, v, _ = instance(10, 1, 2, False, seed=5)
    theta = 0.7
    n = np.arange(10)
    want = (np.tril(q @ k.T) * np.exp(1j * theta * (n[:, None] - n[None, :]))) @ v
    y = gateloop(q, k, v, np.full((10, 1), np.exp(1j * theta)), mode=mode,
                 attention_form=form).y
    np.testing.assert_allclose(y, want, rtol=1e-12, atol=1e-12)


def test_madds_counted_by_hand():
    q, k, v, a = instance(5, 2, 3, True, seed=6)
    # recurrent: 5 steps of 6 (gate) + 6 (outer product) + 6 (readout)
    assert gateloop(q, k, v, a, mode="recurrent").madds == 90
    # parallel: 5 outer products of 6, offsets 1, 2, 4 combine 4 + 3 + 1 pairs of 2 + 6,
    # 5 readouts of 6
    assert gateloop(q, k, v, a, mode="parallel").madds == 30 + 8 * 8 + 30
    # factored attention: 4 x 2 cumulative product, 5 x 2 inverses, 2 x 5 x 2 for Qbar and
    # Kbar, 25 x 2 scores, 25 mask, 25 x 3 for the values
    assert gateloop(q, k, v, a, mode="attention").madds == 8 + 10 + 20 + 50 + 25 + 75
    # relative attention: diagonal 0: 5 x 2 (q k) + 5 x 3; diagonals 1..4 (10 entries):
    # 10 x 2 gate factors, 10 x 2 x 2 (q k G), 10 x 3 for the values
    assert gateloop(q, k, v, a, mode="attention", attention_form="relative").madds == \
        10 + 15 + 20 + 40 + 30


@pytest.mark.parametrize(("l", "dk", "dv"), [(1, 1, 1), (2, 1, 2), (3, 2, 1), (17, 3, 2),
                                              (64, 1, 1)])
def test_counted_madds_match_the_closed_forms(l, dk, dv):
    q, k, v, a = instance(l, dk, dv, True, seed=7)
    for mode, form in FORMS:
        got = gateloop(q, k, v, a, mode=mode, attention_form=form).madds
        assert got == gateloop_madds(mode, l, dk, dv, attention_form=form), (mode, form)


def test_parallel_cost_is_l_log2_l():
    # (d_k + d_k d_v) (l log2 l - (l - 1)) + 2 l d_k d_v for l a power of two
    for e in range(1, 12):
        l = 2 ** e  # noqa: E741
        assert gateloop_madds("parallel", l, 1, 1) == 2 * (l * e - (l - 1)) + 2 * l


def test_factored_attention_leaves_the_range_on_long_sequences():
    q, k, v, _ = instance(1200, 1, 1, False, seed=8)
    a = np.full((1200, 1), 0.5)                    # 0.5^1200 < 1e-308: underflows
    ref = gateloop(q, k, v, a).y
    fac = gateloop(q, k, v, a, mode="attention")
    rel = gateloop(q, k, v, a, mode="attention", attention_form="relative")
    assert not fac.in_range
    with np.errstate(invalid="ignore"):
        assert not np.allclose(fac.y, ref, rtol=1e-10, atol=0)
    np.testing.assert_allclose(rel.y, ref, rtol=1e-12, atol=1e-12)
    assert rel.in_range
    short = gateloop(q[:900], k[:900], v[:900], a[:900], mode="attention")
    assert short.in_range                           # 0.5^900 ~ 1e-271
    np.testing.assert_allclose(short.y, ref[:900], rtol=1e-12, atol=1e-12)


def test_scale_is_the_absolute_value_sum():
    q, k, v, a = instance(8, 2, 2, True, seed=9)
    want = brute_force(np.abs(q), np.abs(k), np.abs(v), np.abs(a)).real
    np.testing.assert_allclose(gateloop_scale(q, k, v, a), want, rtol=1e-13)
    assert np.all(np.abs(brute_force(q, k, v, a)) <= want * (1 + 1e-12))


def test_gates():
    assert gateloop_gates([0.0, 40.0]).tolist() == [0.5, 1.0]
    g = gateloop_gates([0.0, 2.0], [np.pi, 1.0])
    np.testing.assert_allclose(g, [-0.5, np.exp(1j) / (1 + np.exp(-2.0))], rtol=1e-15,
                               atol=1e-16)


@pytest.mark.parametrize(("args", "kwargs", "exc"), [
    ((np.ones((3, 2)), np.ones((3, 2)), np.ones((3, 1)), np.ones((4, 2))), {}, InvalidArgument),
    ((np.ones((3, 2)), np.ones((3, 1)), np.ones((3, 1)), np.ones((3, 2))), {}, InvalidArgument),
    ((np.ones((3, 2)), np.ones((3, 2)), np.ones((2, 1)), np.ones((3, 2))), {}, InvalidArgument),
    ((np.ones(3), np.ones(3), np.ones(3), np.ones(3)), {}, InvalidArgument),
    ((np.ones((0, 1)),) * 4, {}, InvalidArgument),
    ((np.ones((2, 1)), np.ones((2, 1)), np.ones((2, 1)), [[np.nan], [1.0]]), {},
     InvalidArgument),
    (("abc", np.ones((2, 1)), np.ones((2, 1)), np.ones((2, 1))), {}, InvalidType),
    ((np.ones((2, 1)),) * 4, {"mode": "scan"}, InvalidArgument),
    ((np.ones((2, 1)),) * 4, {"mode": "attention", "attention_form": "log"}, InvalidArgument),
])
def test_invalid_arguments(args, kwargs, exc):
    with pytest.raises(exc):
        gateloop(*args, **kwargs)


def test_modes_constant():
    assert GATELOOP_MODES == ("recurrent", "parallel", "attention")


# ---------------------------------------------------------------------------- claims

@pytest.mark.parametrize("cid", ["gateloop.modes", "gateloop.mode_costs"])
def test_claim_holds_with_a_rejected_control(cid):
    c = pc.get_claim(cid)
    v = c.experiment(c.params("quick"), 0)
    assert v.status == "holds", v.reason
    assert v.control.status == "violated", v.control.reason


def test_modes_claim_reports_the_factored_form_out_of_range():
    c = pc.get_claim("gateloop.modes")
    v = c.experiment(c.params("quick"), 0)
    out = v.data["factored_out_of_range"]
    assert {tuple(r["r_range"]) for r in out} >= {(-700.0, -600.0)}
    assert all(not r["factored_error"] <= 1e-10 for r in out)
    assert max(r["parallel"] for r in v.data["configs"]) <= 1e-12


def test_cost_claim_counts_match_the_closed_forms():
    c = pc.get_claim("gateloop.mode_costs")
    v = c.experiment(c.params("quick"), 0)
    assert all(v.data["counts_match_closed_forms"].values())
    assert v.data["complex_gates_same_counts"]


@pytest.mark.slow
@pytest.mark.parametrize(("cid", "need"), [("gateloop.modes", 2), ("gateloop.mode_costs", 4)])
def test_mutant_batteries_are_killed(cid, need):
    c = pc.get_claim(cid)
    assert sum(not m.equivalent for m in c.mutants) >= need
    assert all(m.rationale for m in c.mutants)
    r = pc.run_mutants(cid)
    assert r.score == 1.0, r.survivors
    assert not r.false_alarms
