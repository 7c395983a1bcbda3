"""Rate operations: evaluate, errors, solve_for, compare, scale, latex."""

from __future__ import annotations

import math

import numpy as np
import pytest
import sympy as sp

from provable import bounds
from provable.errors import InvalidArgument, InvalidModel, InvalidType, ProvableError, UnknownName


def test_ucb1_explicit_auer_form():
    # Auer et al. (2002), Theorem 1: 8 sum ln T / Delta_i + (1 + pi^2/3) sum Delta_j,
    # K = 3 arms -> two suboptimal arms with gap 0.25, T = 10_000.
    expected = 8 * 2 * math.log(10_000) / 0.25 + (1 + math.pi ** 2 / 3) * 2 * 0.25
    r = bounds.get("ucb1.regret")
    assert r.evaluate(K=3, T=10_000, Delta=0.25) == pytest.approx(expected, rel=1e-12)
    assert r.evaluate("explicit", K=3, T=10_000, Delta=0.25) == pytest.approx(expected)
    # gap-free form 2 sqrt(8 K T ln T) + (1 + pi^2/3) K
    gf = 2 * math.sqrt(8 * 3 * 10_000 * math.log(10_000)) + (1 + math.pi ** 2 / 3) * 3
    assert r.evaluate("gap_free", K=3, T=10_000) == pytest.approx(gf, rel=1e-12)
    assert r.explicit is not None and r.constants == "explicit"


def test_paper_constants():
    assert bounds.get("moss.regret").evaluate(K=4, T=100) == pytest.approx(49 * 20)
    assert bounds.get("bandit.minimax_lower").evaluate(K=4, T=100) == pytest.approx(1.0)
    # EXP3: 2 sqrt(e - 1) sqrt(g K ln K) with g = T
    assert bounds.get("exp3.regret").evaluate(K=4, T=100) == pytest.approx(
        2 * math.sqrt(math.e - 1) * math.sqrt(100 * 4 * math.log(4)))
    # Hedge: sqrt(T ln K / 2)
    assert bounds.get("hedge.regret").evaluate(K=8, T=1000) == pytest.approx(
        math.sqrt(1000 * math.log(8) / 2))
    # OGD (Hazan, Thm 3.1): 3/2 G D sqrt(T)
    assert bounds.get("ogd.regret").evaluate(G=2, D=3, T=400) == pytest.approx(1.5 * 6 * 20)
    # best-of-N: log N - (N - 1)/N
    assert bounds.get("bon.kl").evaluate(N=2) == pytest.approx(math.log(2) - 0.5)
    assert bounds.get("bon.kl").evaluate(N=1) == 0.0
    # NPG: 2 / ((1 - gamma)^2 T)
    assert bounds.get("npg.convergence").evaluate(gamma=0.9, T=100) == pytest.approx(2.0)
    # Mei et al. (2020) Theorem 4: 16 S C / (c^2 (1 - gamma)^6 t)
    assert bounds.get("softmax_pg.convergence").evaluate(
        S=2, C=1, c=0.5, gamma=0.5, t=64) == pytest.approx(16 * 2 * 64 * 4 / 64)
    # L*: (k + 1)(n + m(n - 1)) n membership queries, <= n equivalence queries
    assert bounds.get("lstar.membership_queries").evaluate(k=2, n=5, m=3) == 3 * (5 + 12) * 5
    assert bounds.get("lstar.equivalence_queries").evaluate(n=7) == 7
    # VI: log(1/((1 - gamma) eps)) / (1 - gamma)
    assert bounds.get("vi.iterations").evaluate(gamma=0.9, epsilon=0.1) == pytest.approx(
        math.log(100) / 0.1)
    # Nash-MP: (1 + 2 beta)^(-N/2)
    assert bounds.get("nash_mp.kl").evaluate(beta=1.5, N=4) == pytest.approx(1 / 16)


def test_klucb_matches_lai_robbins_constant():
    # Bernoulli kl(0.4, 0.6) = 0.4 ln(2/3) + 0.6 ln(3/2)
    kl = 0.4 * math.log(0.4 / 0.6) + 0.6 * math.log(0.6 / 0.4)
    expected = 1 * 0.2 / kl * math.log(1e4)
    for rid in ("klucb.regret", "lai_robbins.lower"):
        assert bounds.get(rid).evaluate(K=2, T=1e4, mu=0.4, mu_star=0.6) == pytest.approx(
            expected)
    c = bounds.compare(bounds.get("klucb.regret"), bounds.get("lai_robbins.lower"), var="T")
    assert c.asymptotically_larger == "same order" and c.ratio_limit == 1


def test_evaluate_arrays_broadcast():
    r = bounds.get("moss.regret")
    out = r.evaluate(K=np.array([[1.0], [4.0]]) + 1, T=np.array([100.0, 400.0]))
    assert out.shape == (2, 2)
    np.testing.assert_allclose(out, 49 * np.sqrt(np.array([[2.0], [5.0]])
                                                 * np.array([100.0, 400.0])))
    assert isinstance(r.evaluate(K=2, T=100), float)


BAD = [
    ("ucbvi.regret", {"H": 10, "S": 5, "A": 3, "T": 1e5, "Tee": 3}, UnknownName, "Tee"),
    ("ucbvi.regret", {"H": 10, "S": 5, "A": 3}, InvalidArgument, "T"),
    ("generative.minimax", {"S": 5, "A": 2, "gamma": 0.9, "delta": 0.1, "epsilon": 0.0},
     InvalidArgument, "epsilon=0.0"),
    ("generative.minimax", {"S": 5, "A": 2, "gamma": 0.9, "delta": 0.1, "epsilon": -1},
     InvalidArgument, "epsilon=-1"),
    ("generative.minimax", {"S": 5, "A": 2, "gamma": 1.0, "delta": 0.1, "epsilon": 0.1},
     InvalidArgument, "gamma=1.0"),
    ("generative.minimax", {"S": 5, "A": 2, "gamma": 1.5, "delta": 0.1, "epsilon": 0.1},
     InvalidArgument, "gamma=1.5"),
    ("generative.minimax", {"S": 5, "A": 2, "gamma": 0.9, "delta": 1.0, "epsilon": 0.1},
     InvalidArgument, "delta=1.0"),
    ("moss.regret", {"K": 4, "T": float("nan")}, InvalidArgument, "T=nan"),
    ("moss.regret", {"K": True, "T": 10}, InvalidType, "K=True"),
    ("moss.regret", {"K": "4", "T": 10}, InvalidType, "K='4'"),
    ("moss.regret", {"K": 4, "T": np.array([10.0, -1.0])}, InvalidArgument, r"T\[1\]"),
    ("klucb.regret", {"K": 2, "T": 100, "mu": 0.7, "mu_star": 0.6}, InvalidArgument,
     "mu < mu_star"),
]


@pytest.mark.parametrize("rid,values,exc,match", BAD)
def test_bad_input_raises_named_errors(rid, values, exc, match):
    with pytest.raises(exc, match=match) as e:
        bounds.get(rid).evaluate(**values)
    assert isinstance(e.value, ProvableError)


def test_unknown_variable_suggests():
    with pytest.raises(UnknownName, match="Did you mean 't_mix'"):
        bounds.get("avg_reward.tmix").evaluate(S=1, A=1, epsilon=0.1, tmix=3)
    with pytest.raises(UnknownName, match="var='tmix'"):
        bounds.get("avg_reward.tmix").exponent("tmix")
    with pytest.raises(UnknownName, match="form='gapfree'"):
        bounds.get("ucb1.regret").evaluate("gapfree", K=2, T=10)


def test_solve_for_episodes_needed():
    # UCBVI in T = KH steps restated in episodes K: regret/K <= eps with polylog
    r = bounds.get("moss.regret")
    # 49 sqrt(K T) = 4900 -> T = 100^2 / K
    assert r.solve_for("T", 4900.0, K=4) == pytest.approx(2500.0, rel=1e-10)
    g = bounds.get("generative.minimax")
    eps = g.solve_for("epsilon", 1e9, S=10, A=4, gamma=0.99, delta=0.05)
    assert g.evaluate(S=10, A=4, gamma=0.99, delta=0.05, epsilon=eps) == pytest.approx(1e9)
    # gamma solved on (0, 1)
    v = bounds.get("vi.iterations")
    gam = v.solve_for("gamma", 100.0, epsilon=0.1)
    assert 0 < gam < 1
    assert v.evaluate(gamma=gam, epsilon=0.1) == pytest.approx(100.0, rel=1e-9)
    with pytest.raises(InvalidArgument, match="not attained"):
        bounds.get("dynamic_submodular.ratio").solve_for("epsilon", 0.9)
    with pytest.raises(InvalidArgument, match="needs values"):
        r.solve_for("T", 10.0)


def test_compare_minimax_and_crossover():
    prior, new = bounds.get("avg_reward.tmix_prior"), bounds.get("avg_reward.tmix")
    c = bounds.compare(prior, new, var="t_mix")
    assert (c.exponent_a, c.exponent_b, c.asymptotically_larger) == (2, 1, "a")
    # S A t^2/eps^2 vs S A t/eps^2: equal at t_mix = 1 (the domain's left end)
    assert c.regions[-1][2] == "a"
    # EXP3 (2 sqrt(e-1) sqrt(KT ln K)) vs MOSS (49 sqrt(KT)): cross where K is large;
    # in T they never cross (same exponent, constant ratio).
    c2 = bounds.compare(bounds.get("exp3.regret"), bounds.get("moss.regret"), var="T")
    assert c2.asymptotically_larger == "same order" and c2.crossovers == []
    # UCB1 (8 ln T / Delta + c Delta) vs MOSS (49 sqrt(2T)) at Delta = 0.05: MOSS is larger
    # near T = 1, UCB1 from T ~ 1.8 (160 ln T vs 69 sqrt(T)) until T ~ 124, MOSS after.
    c3 = bounds.compare(bounds.get("ucb1.regret"), bounds.get("moss.regret"), var="T",
                        K=2, Delta=0.05)
    assert c3.asymptotically_larger == "b"
    assert len(c3.crossovers) == 2
    assert 1.5 < c3.crossovers[0] < 2.0 and 100 < c3.crossovers[1] < 150
    assert [side for _, _, side in c3.regions] == ["b", "a", "b"]
    for x in c3.crossovers:
        a = bounds.get("ucb1.regret").evaluate(K=2, T=x, Delta=0.05)
        b = bounds.get("moss.regret").evaluate(K=2, T=x)
        assert a == pytest.approx(b, rel=1e-8)
    with pytest.raises(UnknownName):
        bounds.compare(prior, new, var="T")


def test_scale_convention_t_equals_kh():
    r = bounds.get("ucbvi.lower").scale(T="K*H")
    assert r.main_var == "K" and "T" not in r.variables
    assert r.exponent("K") == sp.Rational(1, 2)
    # sqrt(H S A T) with T = K H -> H sqrt(S A K)
    assert r.evaluate(H=10, S=5, A=2, K=1000) == pytest.approx(10 * math.sqrt(5 * 2 * 1000))
    assert "T = K*H" in r.convention
    rewards = bounds.get("moss.regret").scale("H")
    assert rewards.evaluate(K=4, T=100, H=2) == pytest.approx(2 * 49 * 20)


def test_latex_and_text():
    r = bounds.get("avg_reward.tmix")
    assert r.latex() == r"\tilde{O}\left(\frac{A S t_{\mathrm{mix}}}{\varepsilon^{2}}\right)"
    assert bounds.get("moss.regret").latex("explicit") == r"49 \sqrt{K T}"
    assert bounds.get("moss.regret").text() == "O(√(K·T))"
    assert bounds.get("ucbvi.lower").text() == "Ω(√(A·H·S·T))"
    assert repr(bounds.get("moss.regret")).startswith("Rate('moss.regret'")


def test_rate_validation():
    T = sp.Symbol("T", positive=True)
    cite = bounds.Citation("X", "Y", 2000, origin="reference")
    with pytest.raises(UnknownName, match="kind"):
        bounds.Rate("x", T, kind="uper", quantity="regret", setting="bandit",
                    algorithm="a", citation=cite, main_var="T")
    with pytest.raises(InvalidModel, match="main_var"):
        bounds.Rate("x", T, kind="upper", quantity="regret", setting="bandit",
                    algorithm="a", citation=cite, main_var="K")
    with pytest.raises(InvalidModel, match="no description"):
        bounds.Rate("x", T * sp.Symbol("zz", positive=True), kind="upper",
                    quantity="regret", setting="bandit", algorithm="a", citation=cite,
                    main_var="T")
    with pytest.raises(InvalidModel, match="not declared positive"):
        bounds.Rate("x", sp.Symbol("T"), kind="upper", quantity="regret",
                    setting="bandit", algorithm="a", citation=cite, main_var="T")
