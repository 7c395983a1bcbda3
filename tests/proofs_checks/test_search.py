"""Falsification search over instance spaces (provable.proofs_checks._search).

Planted false statements (the registered claims' searches with one constant or term
changed) must be found and shrunk to small instances within the quick budget; each
shrunk counterexample is checked against an independent computation (exact arithmetic
or a from-scratch implementation), and replayed from its printed form.
"""

from __future__ import annotations

import contextlib
import functools
import io
import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import strategies as st

from provable import proofs_checks as pc
from provable.errors import InvalidArgument, InvalidType, ProvableError
from provable.proofs_checks import _search
from provable.proofs_checks.claims.searches import run_search, searches

QUICK = {c: pc.get_claim(c).params("quick") for c in
         ("ucb1.explicit_bound", "bon.kl_bound", "lstar.exact", "vi.iterations",
          "kl_rl.bayes_posterior", "lssl.recurrence_equals_convolution", "dual_rl.lp_duality",
          "oful.regret", "dpo.implicit_q")}
QUICK["vi.certificate"] = QUICK["vi.iterations"]


@functools.cache
def _planted_once(claim_id: str) -> pc.Verdict:
    p = QUICK[claim_id]
    return searches(claim_id, p)[1].run(p["search_examples"], seed=0, database=None)


def _planted(claim_id: str) -> pc.Verdict:
    """The planted false statement's search at the quick budget (run once per session);
    replays rebuild the search, so they do not depend on this object."""
    return pc.Verdict.from_dict(_planted_once(claim_id).to_dict())


def _cex(v: pc.Verdict) -> dict:
    return v.data["search"]["counterexample"]


def _ucb1_pulls_deterministic(T: int) -> np.ndarray:
    """UCB1 (index mean + sqrt(2 ln t / n), ties to the lower index) on two arms with
    deterministic rewards 0 and 1, written from scratch: pulls of arm 0 after each round."""
    n, s = np.zeros(2), np.zeros(2)
    out = np.empty(T, int)
    for t in range(1, T + 1):
        if t <= 2:
            a = t - 1
        else:
            a = int(np.argmax(s / n + np.sqrt(2 * math.log(t - 1) / n)))
        n[a] += 1
        s[a] += float(a)
        out[t - 1] = n[0]
    return out


# ---------------------------------------------------------------------------
# planted false statements: found, shrunk, small, independently confirmed


def test_planted_ucb1_bound_with_constant_1_is_found_and_shrunk_to_two_arms():
    v = _planted("ucb1.explicit_bound")
    assert v.status == "violated", v.reason
    cex = _cex(v)
    assert cex["instance"] == "BernoulliBandit([0.0, 1.0])"  # K = 2, the smallest bandit
    assert cex["shrink_steps"] >= 1 and not cex["shrink_capped"]
    assert cex["confirmed"]["n_seeds"] == 2 * QUICK["ucb1.explicit_bound"]["search_seeds"]
    assert cex["confirmed"]["interval"][0] > 0          # confirmed margin beyond the bound
    # independent: rewards are deterministic, so the regret is the number of pulls of
    # arm 0 (gap 1) of a from-scratch UCB1; Auer's bound with 8 -> 1 is exceeded, with 8 not
    T = QUICK["ucb1.explicit_bound"]["T"]
    pulls = _ucb1_pulls_deterministic(T)
    ts = np.arange(1, T + 1)
    c1 = np.log(ts) + (1 + math.pi ** 2 / 3)
    c8 = 8 * np.log(ts) + (1 + math.pi ** 2 / 3)
    assert (pulls[10:] > c1[10:]).any()
    assert (pulls <= c8).all()
    # the confirmed score is the worst checkpoint's regret / bound (the grid is the
    # simulator's default checkpoints from K + 1 on)
    from provable.learners.bandits import BernoulliBandit, simulate

    ck = simulate("ucb1", BernoulliBandit([0.0, 1.0]), T, np.arange(2)).checkpoints
    ck = ck[ck >= 3]
    assert v.measured == pytest.approx(float(np.max(pulls[ck - 1] / c1[ck - 1])), rel=1e-12)


def test_planted_lstar_eq_at_most_n_over_4_is_found_on_a_one_state_dfa():
    v = _planted("lstar.exact")
    assert v.status == "violated", v.reason
    text = _cex(v)["instance"]
    d = _search._rebuild(text)
    assert d.n_states == 1        # the smallest DFA: L* asks at least one EQ > 1/4
    assert v.measured == 4.0      # EQ = 1 against n/4 = 1/4


def test_planted_vi_bound_with_log10_is_found_and_matches_exact_arithmetic():
    v = _planted("vi.iterations")
    assert v.status == "violated", v.reason
    mdp = _search._rebuild(_cex(v)["instance"])
    assert (mdp.S, mdp.A) == (2, 1)
    R = np.asarray(mdp.R_at(0))
    assert (R == R.flat[0]).all()        # constant reward: V_k = r (1 - g^k) / (1 - g)
    g, r, eps = Fraction(mdp.gamma), Fraction(float(R.flat[0])), Fraction(1, 10 ** 6)
    k = 0
    while r * g ** k / (1 - g) > eps:    # exact ||V_k - V*|| = r g^k / (1 - g)
        k += 1
    b10 = math.ceil(math.log10(1 / (float(1 - g) * 1e-6)) / float(1 - g))
    bln = math.ceil(math.log(1 / (float(1 - g) * 1e-6)) / float(1 - g))
    assert k > b10 and k <= bln
    assert v.measured == pytest.approx(k / b10, abs=0)


def test_planted_bon_bound_log_n_minus_1_is_found_on_one_atom():
    v = _planted("bon.kl_bound")
    assert v.status == "violated", v.reason
    p, r, N = _search._rebuild(_cex(v)["instance"])
    assert len(p) == 1 and N == 2        # one atom, the smallest N of the space
    # KL(BoN || p) = 0 on one atom, and log 2 - 1 < 0
    assert v.measured == pytest.approx(0.0 - (math.log(2) - 1), abs=1e-15)


@pytest.mark.parametrize("cid", ["kl_rl.bayes_posterior", "lssl.recurrence_equals_convolution",
                                 "dual_rl.lp_duality"])
def test_planted_identities_are_found_and_small(cid):
    v = _planted(cid)
    assert v.status == "violated", v.reason
    assert "replay:" in v.reason


def test_planted_lssl_kernel_shrinks_to_one_state_one_step():
    x = _search._rebuild(_cex(_planted("lssl.recurrence_equals_convolution"))["instance"])
    assert x[:2] == (1, 1)


def test_planted_dpo_identity_without_v_shrinks_to_one_token_step():
    v = _planted("dpo.implicit_q")
    assert v.status == "violated", v.reason
    V, H, beta, refs, rews = _search._rebuild(_cex(v)["instance"])
    assert (V, H) == (2, 1)
    # equal rewards r: pi* = pi_ref, so beta log(pi*/pi_ref) = 0 while Q* = r, V* = r;
    # against Q* alone the residual is |r| / max(1, |r|)
    r = np.asarray(rews[0])
    if (r == r.flat[0]).all():
        assert v.measured == pytest.approx(abs(r.flat[0]) / max(1.0, abs(r.flat[0])), abs=1e-12)


def test_planted_oful_bound_is_found_on_one_dimension():
    v = _planted("oful.regret")
    assert v.status == "violated", v.reason
    X, th = _search._rebuild(_cex(v)["instance"])
    assert X.shape[1] == 1 and X.shape[0] == 2
    # the planted bound at T = 10 is below one pull of an arm with gap |x1 - x0| = 2
    d, T = 1, 10.0
    b = 0.1 * math.sqrt(T * d * math.log(1 + T / d)) * (
        1 + 0.5 * math.sqrt(2 * math.log(20) + d * math.log(1 + T / d)))
    assert b < 2.0
    assert v.measured > 0.05


def test_planted_certificate_without_its_factor_is_found_on_two_states():
    v = _planted("vi.certificate")
    assert v.status == "violated", v.reason
    mdp = _search._rebuild(_cex(v)["instance"])
    assert mdp.S <= 2 and mdp.A == 1
    # the true certificate holds on the same instance
    assert pc.replay_search("vi.certificate", _cex(v)["instance"]).status == "holds"


# ---------------------------------------------------------------------------
# true statements hold, with the search reported


@pytest.mark.parametrize("cid", ["bon.kl_bound", "lstar.exact", "vi.iterations",
                                 "lssl.recurrence_equals_convolution", "dpo.implicit_q",
                                 "vi.certificate"])
def test_true_statements_hold_with_instances_tried(cid):
    v = run_search(cid, QUICK[cid], 0)
    assert v.status == "holds", v.reason
    s = v.data["search"]
    assert s["instances_tried"] >= 5 and s["instances_tried"] == len(s["scores"])
    assert f"{s['instances_tried']} instances tried" in v.reason
    assert s["worst"]["score"] == max(s["scores"])
    assert v.control.status == "violated"


def test_lstar_worst_case_is_tight_on_one_state():
    # EQ <= n is tight: the one-state DFA needs its one (final) equivalence query
    v = run_search("lstar.exact", QUICK["lstar.exact"], 0)
    assert v.data["search"]["worst"]["score"] == 1.0


# ---------------------------------------------------------------------------
# replay from the printed form


def test_violation_replays_from_its_printed_form():
    v = _planted("vi.iterations")
    cex = _cex(v)
    line = cex["replay"]
    assert line.startswith("from provable import proofs_checks as pc; print(pc.replay_search(")
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        exec(line, {})  # noqa: S102 - the line the verdict prints
    assert "violated" in buf.getvalue()
    r = pc.replay_search("vi.iterations.control", cex["instance"])
    assert r.status == "violated" and r.measured == v.measured
    assert pc.replay_search("vi.iterations", cex["instance"]).status == "holds"


def test_noisy_violation_replays_with_its_parameters():
    v = _planted("ucb1.explicit_bound")
    cex = _cex(v)
    assert "params=" in cex["replay"]
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        exec(cex["replay"], {})  # noqa: S102
    assert "violated" in buf.getvalue()


@pytest.mark.parametrize("text", [
    "BernoulliBandit([0.0, 1.0])",
    "GaussianBandit([0.5, -0.25], sigma=2.0)",
    "TabularMDP(np.array([[[0.5, 0.5]], [[1.0, 0.0]]]), np.array([[1.0], [0.0]]), gamma=0.9)",
    "DFA([[0, 1], [1, 0]], [True, False], start=0, alphabet='ab')",
    "(np.array([0.25, 0.75]), 3, 0.5)",
])
def test_describe_round_trips(text):
    assert _search.describe(_search._rebuild(text)) == text


def test_describe_is_exact_on_floats():
    x = np.array([0.1 + 0.2, 1e-300, 1 / 3])
    assert (_search._rebuild(_search.describe(x)) == x).all()


# ---------------------------------------------------------------------------
# the engine on constructions whose answer is known


def test_shrinks_to_the_least_counterexample():
    # n^2 <= 1000 fails first at n = 32 (31^2 = 961); hypothesis shrinks integers to it
    v = pc.falsify(st.integers(0, 10 ** 6), lambda n: n * n, threshold=1000,
                   max_examples=50, database=None)
    assert v.status == "violated" and _cex(v)["instance"] == "32"


def test_lower_kind():
    v = pc.falsify(st.integers(-100, 100), lambda n: n, threshold=-50, kind="lower",
                   max_examples=50, database=None)
    assert v.status == "violated" and _cex(v)["instance"] == "-51"


def test_noisy_candidate_is_confirmed_on_fresh_seeds():
    # mean 1.5 from x >= 500, else 0.5; noise sd 0.1 per seed
    def score(x, seeds):
        rng = np.random.default_rng([x, int(seeds[0])])
        return (1.5 if x >= 500 else 0.5) + 0.1 * rng.standard_normal(len(seeds))

    v = pc.falsify(st.integers(0, 1000), score, threshold=1.0, n_seeds=8, max_examples=50,
                   database=None)
    assert v.status == "violated", v.reason
    cex = _cex(v)
    assert cex["instance"] == "500"
    assert cex["confirmed"]["n_seeds"] == 16
    lo, hi = v.ci
    assert 1.0 < lo < 1.5 < hi < 2.0


def test_winners_curse_is_not_a_violation():
    # the search seeds see 2.0, fresh seeds see 0: a candidate that does not confirm
    first_fresh = _search._FRESH_OFFSET

    def score(x, seeds):
        return np.where(seeds < first_fresh, 2.0, 0.0) + 1e-3 * np.arange(len(seeds))

    v = pc.falsify(st.integers(0, 10), score, threshold=1.0, n_seeds=4, max_examples=10,
                   database=None)
    assert v.status == "inconclusive"
    assert "not confirmed" in v.reason


def test_holds_needs_the_planted_statement_found():
    v = pc.falsify(st.floats(0, 1), lambda p: p * (1 - p), threshold=0.25,
                   control=lambda p: p * (1 - p), max_examples=20, database=None)
    assert v.status == "inconclusive" and v.control.status == "holds"


def test_search_is_reproducible():
    a = run_search("bon.kl_bound", QUICK["bon.kl_bound"], 0)
    b = run_search("bon.kl_bound", QUICK["bon.kl_bound"], 0)
    assert a.data["search"]["scores"] == b.data["search"]["scores"]


def test_search_does_not_depend_on_the_modules_imported(tmp_path, monkeypatch):
    """Hypothesis draws the literal constants of local modules in sys.modules; a search
    switches that pool off, so importing a module full of constants between two runs
    with the same seed changes nothing."""
    s = _search.InstanceSearch("demo", st.floats(0, 1e6), lambda x: x, threshold=2e6,
                               what="x")
    before = s.run(200, seed=3, database=None).data["search"]["scores"]
    mod = tmp_path / "pv_constants_module.py"
    mod.write_text("C = [" + ", ".join(f"{1000.0 + 0.37 * k!r}" for k in range(400)) + "]\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    import importlib
    importlib.import_module("pv_constants_module")
    after = s.run(200, seed=3, database=None).data["search"]["scores"]
    assert after == before


# ---------------------------------------------------------------------------
# the example database: the worst instances come back first


def test_database_replays_the_counterexample_first(tmp_path):
    s = searches("vi.iterations", QUICK["vi.iterations"])[1]
    first = s.run(20, seed=0, database=tmp_path)
    assert first.status == "violated"
    again = s.run(20, seed=1, database=tmp_path)   # another seed: found from the database
    assert again.status == "violated"
    assert again.data["search"]["scores"][0] == first.measured
    assert _cex(again)["instance"] == _cex(first)["instance"]
    assert again.data["search"]["instances_tried"] < first.data["search"]["instances_tried"]


def test_verify_keeps_the_database_under_the_cache(tmp_path):
    v = pc.verify("lssl.recurrence_equals_convolution", out=tmp_path)
    assert v.status == "holds"
    db = tmp_path / "cache" / "search"
    assert db.is_dir() and any(db.iterdir())
    assert v.data["search"]["database"].startswith(str(db))


# ---------------------------------------------------------------------------
# a user's claim registered with @claim


def test_user_claim_over_an_instance_space(empty_registry):
    from provable.bounds._citation import Citation

    @pc.claim(id="demo.sum_of_squares", statement="sum x_i^2 <= 10 for x in [0, 3]^3 (false)",
              kind="bound_holds", citation=Citation("demo", "demo", 2024, origin="reference"),
              budgets={"quick": {"search_examples": 50}, "full": {"search_examples": 500}})
    def _demo(params, seed):
        from hypothesis.extra import numpy as hnp

        space = hnp.arrays(np.float64, 3, elements=st.floats(0, 3))
        return pc.falsify(space, lambda x: float(x @ x), threshold=10.0,
                          control=lambda x: float(x @ x) + 100.0,
                          max_examples=params["search_examples"], seed=seed,
                          name="demo.sum_of_squares", what="|x|^2")

    v = pc.verify("demo.sum_of_squares")
    assert v.status == "violated"
    x = _search._rebuild(_cex(v)["instance"])
    assert float(x @ x) > 10.0
    assert pc.replay_search("demo.sum_of_squares", _cex(v)["instance"]).status == "violated"


# ---------------------------------------------------------------------------
# misuse


@pytest.mark.parametrize("kw, err", [
    ({"kind": "middle"}, InvalidArgument),
    ({"n_seeds": 1}, InvalidArgument),
    ({"confirm_seeds": 4}, InvalidArgument),
    ({"tol": -1.0}, InvalidArgument),
    ({"max_examples": 0}, InvalidArgument),
    ({"database": 3}, InvalidType),
])
def test_bad_arguments_raise(kw, err):
    with pytest.raises(err):
        pc.falsify(st.integers(0, 3), lambda n: n, **{"database": None, **kw})


def test_not_a_strategy_raises():
    with pytest.raises(InvalidType, match="strategy"):
        pc.falsify([1, 2, 3], lambda n: n)


def test_score_that_raises_names_the_shrunk_instance():
    def score(n):
        if n >= 7:
            raise ZeroDivisionError("boom")
        return 0.0

    with pytest.raises(_search.ScoreError, match="boom on the instance 7"):
        pc.falsify(st.integers(0, 100), score, max_examples=50, database=None)


def test_score_of_wrong_shape_raises():
    with pytest.raises(InvalidArgument, match="one row per seed"):
        pc.falsify(st.integers(0, 3), lambda n, seeds: np.zeros(3), n_seeds=4, database=None)


def test_unknown_search_and_bad_replay_text():
    with pytest.raises(ProvableError, match="not registered"):
        pc.replay_search("no.such.search", "1")
    with pytest.raises(InvalidArgument, match="cannot be rebuilt"):
        pc.replay_search("vi.iterations", "TabularMDP(")


# ---------------------------------------------------------------------------
# rates whose worst case is searched at each grid point


def _power_family(exponent_of):
    """measure(c, x, seeds): x^exponent_of(c) with 5 % lognormal noise per seed."""
    def measure(c, x, seeds):
        rng = np.random.default_rng([int(seeds[0]), int(round(c * 1e6)), int(x)])
        return x ** exponent_of(c) * rng.lognormal(0.0, 0.05, len(seeds))
    return measure


XS = np.geomspace(10, 1e4, 7)


def test_worst_case_curve_finds_the_instance_that_breaks_a_rate():
    # every fixed instance c grows like x^(0.5 + 0.5 c): O(x^0.5) holds on c = 0 and fails
    # on the worst case (c = 1, exponent 1)
    measure = _power_family(lambda c: 0.5 + 0.5 * c)
    fixed = np.array([measure(0.0, x, np.arange(16)) for x in XS]).T
    v0 = pc.rate_verdict(XS, fixed, expected=0.5, kind="upper", tol=0.1, var="x")
    assert v0.status == "holds", v0.reason
    ys, worst = pc.worst_case_curve(st.floats(0, 1), measure, XS, n_seeds=8,
                                         max_examples=20)
    assert ys.shape == (16, len(XS))
    assert all(float(w) > 0.8 for w in worst)      # towards c = 1, the worst exponent
    v = pc.rate_verdict(XS, ys, expected=0.5, kind="upper", tol=0.1, var="x")
    assert v.status == "violated", v.reason


def test_worst_case_curve_of_a_true_rate_holds():
    measure = _power_family(lambda c: 0.5)     # constant factors only: x^0.5 everywhere
    ys, _ = pc.worst_case_curve(st.floats(0, 1), measure, XS, n_seeds=8, max_examples=10)
    v = pc.rate_verdict(XS, ys, expected=0.5, kind="upper", tol=0.1, var="x")
    assert v.status == "holds", v.reason


def test_nan_in_a_noisy_score_counts_as_a_violation():
    def score(x, seeds):
        out = np.zeros(len(seeds))
        if x >= 3:
            out[0] = np.nan
        return out

    v = pc.falsify(st.integers(0, 10), score, threshold=1.0, n_seeds=4, max_examples=20,
                   database=None)
    assert v.status == "violated" and _cex(v)["instance"] == "3"
