"""Property tests (hypothesis, derandomised): monotonicity, inversion, minimax pairs."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from provable import bounds

ALL = bounds.all()
MONO = [(r, v) for r in ALL for v in r.monotone]
PROFILE = settings(derandomize=True, max_examples=12, deadline=None)


def _range(rate, var):
    v = rate.variables[var]
    lo = max(rate.typical[var] / 10, v.lower if not v.lower_open else v.lower * 1.001 + 1e-9)
    hi = rate.typical[var] * 1e3
    if v.upper is not None:
        hi = min(hi, v.upper * (0.999 if v.upper_open else 1.0))
    return lo, hi


def test_monotone_declarations_cover_horizons():
    declared = {(r.id, v) for r, v in MONO}
    for rid in ["ucb1.regret", "moss.regret", "ucbvi.regret", "lsvi_ucb.regret",
                "qlearning_ucb_h.regret", "exp3.regret", "ogd.regret", "oful.regret"]:
        assert (rid, "T") in declared
    assert ("ucbvi.regret", "H") in declared and ("avg_reward.tmix", "t_mix") in declared
    assert len(MONO) >= 60


@pytest.mark.parametrize("rate,var", MONO, ids=[f"{r.id}-{v}" for r, v in MONO])
@PROFILE
@given(a=st.floats(0.0, 1.0), b=st.floats(0.0, 1.0))
def test_upper_bounds_monotone_where_stated(rate, var, a, b):
    lo, hi = _range(rate, var)
    x1, x2 = sorted(lo * (hi / lo) ** t for t in (a, b))
    for form in (None, "order"):
        names = rate._form_vars(form)
        if var not in names:
            continue
        base = {n: rate.typical[n] for n in names if n != var}
        f1 = rate.evaluate(form, **base, **{var: x1})
        f2 = rate.evaluate(form, **base, **{var: x2})
        assert f1 <= f2 * (1 + 1e-12), (form, x1, x2, f1, f2)


@pytest.mark.parametrize("rate,var", MONO, ids=[f"{r.id}-{v}" for r, v in MONO])
@PROFILE
@given(t=st.floats(0.0, 1.0))
def test_solve_for_inverts_evaluate(rate, var, t):
    lo, hi = _range(rate, var)
    x = lo * (hi / lo) ** t
    names = rate._form_vars(None)
    base = {n: rate.typical[n] for n in names if n != var}
    y = rate.evaluate(**base, **{var: x})
    x_back = rate.solve_for(var, y, **base)
    assert rate.evaluate(**base, **{var: x_back}) == pytest.approx(y, rel=1e-9)
    assert x_back == pytest.approx(x, rel=1e-6)


@PROFILE
@given(eps=st.floats(1e-3, 0.5), gamma=st.floats(0.0, 0.999))
def test_generative_inversion_in_epsilon(eps, gamma):
    r = bounds.get("generative.minimax")
    vals = dict(S=10, A=3, gamma=gamma, delta=0.05)
    n = r.evaluate(epsilon=eps, **vals)
    assert r.solve_for("epsilon", n, **vals) == pytest.approx(eps, rel=1e-7)


# Upper bound and matching lower bound: same exponent where the literature says minimax.
MINIMAX = [
    ("moss.regret", "bandit.minimax_lower", "T"),
    ("moss.regret", "bandit.minimax_lower", "K"),
    ("avg_reward.tmix", "avg_reward.tmix_lower", "t_mix"),
    ("avg_reward.tmix", "avg_reward.tmix_lower", "epsilon"),
    ("ucbvi.regret", "ucbvi.lower", "T"),
    ("generative.minimax", "generative.lower", "epsilon"),
    ("generative.minimax", "generative.lower", "gamma"),
    ("mdvi.sample_complexity", "generative.lower", "epsilon"),
    ("klucb.regret", "lai_robbins.lower", "T"),
    ("banker_omd.regret_nodelay", "banker_omd.lower", "T"),
    ("ogd.regret", "oco.lower", "T"),
    ("oful.regret", "linear_bandit.lower", "T"),
    ("diffusion_lm.kl", "diffusion_lm.lower", "T"),
    ("mixing_predictions.ratio", "mixing_predictions.lower", "ell"),
]


@pytest.mark.parametrize("upper,lower,var", MINIMAX)
def test_minimax_pairs_agree_in_exponent(upper, lower, var):
    u, lo = bounds.get(upper), bounds.get(lower)
    assert u.kind == "upper" and lo.kind == "lower"
    assert u.exponent(var) == lo.exponent(var)
    c = bounds.compare(u, lo, var=var)
    assert c.exponent_a == c.exponent_b


def test_prior_average_reward_bound_is_not_minimax():
    prior = bounds.get("avg_reward.tmix_prior")
    assert prior.exponent("t_mix") == 2
    assert bounds.get("avg_reward.tmix_lower").exponent("t_mix") == 1


def test_upper_not_below_lower_with_stated_constants():
    # MOSS 49 sqrt(KT) >= (1/20) sqrt(KT); EXP3 explicit >= (1/20) sqrt(KT)
    for up in ("moss.regret", "exp3.regret", "ucb1.regret_gap_free"):
        for K in (2, 10, 100):
            for T in (100, 1e4, 1e6):
                assert bounds.get(up).evaluate(K=K, T=T) >= bounds.get(
                    "bandit.minimax_lower").evaluate(K=K, T=T)
    assert math.isclose(bounds.get("bandit.minimax_lower").evaluate(K=25, T=16), 1.0)
