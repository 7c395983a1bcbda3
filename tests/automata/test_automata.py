"""Tests for provable.automata: models, algorithms, learners, oracles, errors."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import provable.automata as am
from provable.errors import (
    InvalidArgument,
    InvalidModel,
    InvalidType,
    OracleInconsistency,
    ProvableError,
    UnknownName,
)

FAST = settings(derandomize=True, max_examples=15, deadline=None)


def dfas(max_n: int = 60, max_k: int = 4):
    return st.builds(lambda n, k, s: am.random_dfa(n, k, seed=s),
                     st.integers(1, max_n), st.integers(1, max_k), st.integers(0, 2**31))


def arbitrary_dfas(max_n: int = 12, max_k: int = 3):
    """Not necessarily minimal or reachable."""
    @st.composite
    def build(draw):
        n = draw(st.integers(1, max_n))
        k = draw(st.integers(1, max_k))
        delta = draw(st.lists(st.lists(st.integers(0, n - 1), min_size=k, max_size=k),
                              min_size=n, max_size=n))
        acc = draw(st.lists(st.booleans(), min_size=n, max_size=n))
        start = draw(st.integers(0, n - 1))
        return am.DFA(delta, acc, start, "abcd"[:k])
    return build()


def words_upto(alphabet, L):
    for n in range(L + 1):
        yield from itertools.product(alphabet, repeat=n)


def test_exports_match_dir():
    public = {n for n in dir(am) if not n.startswith(("_", "@"))}  # "@py_builtins": pytest
    # rewrites the whole package when its pytest11 plugin is loaded
    assert set(am.__all__) == public - {"automata"}


# --------------------------------------------------------------------------- models
def test_dfa_runs_single_and_batch_words():
    d = am.DFA([[1, 0], [0, 1]], [True, False], alphabet="ab")
    assert d.accepts("abba") and not d.accepts("ab")
    ws = ["", "a", "aa", "bab", "abab"]
    np.testing.assert_array_equal(d.accepts_batch(ws), [d.accepts(w) for w in ws])
    codes, lens = d.alphabet.encode_batch(ws)
    for backend in ("numba", "numpy", "torch"):
        out = d.accepts_batch(codes, lens, backend=backend, device="cpu")
        np.testing.assert_array_equal(np.asarray(out), [d.accepts(w) for w in ws])


def test_hashable_symbols_and_from_transitions():
    d = am.DFA([[1, 0], [1, 0]], [False, True], alphabet=[("x", 1), None])
    assert d.accepts([None, ("x", 1)])
    t = am.DFA.from_transitions([(0, "a", 1), (1, "a", 0)], accepting={1}, start=0,
                                complete=True, alphabet="ab")
    assert t.n_states == 3 and t.accepts("a") and not t.accepts("ab")


def test_moore_and_mealy_minimize_and_equivalent():
    m = am.MooreMachine([[1], [2], [3], [0]], outputs=[0, 1, 0, 1], alphabet="a")
    assert am.minimize(m).n_states == 2
    ok, w = am.equivalent(m, am.MooreMachine([[1], [0]], [0, 1], alphabet="a"))
    assert ok and w is None
    me = am.MealyMachine([[1], [0]], [["x"], ["y"]], alphabet="a")
    me2 = am.MealyMachine([[0]], [["x"]], alphabet="a")
    assert am.equivalent(me, me2) == (False, "aa")
    assert am.minimize(am.MealyMachine([[1], [0]], [["x"], ["x"]], alphabet="a")).n_states == 1


@FAST
@given(st.integers(1, 60), st.integers(1, 4), st.integers(0, 2**31))
def test_random_dfa_minimal_reachable_exact_size(n, k, seed):
    d = am.random_dfa(n, k, seed=seed)
    assert d.n_states == n and am.trim(d).n_states == n and am.minimize(d).n_states == n


def test_random_dfa_is_deterministic_in_seed():
    a, b = am.random_dfa(40, 3, seed=7), am.random_dfa(40, 3, seed=7)
    assert np.array_equal(a.delta, b.delta) and np.array_equal(a.accepting, b.accepting)


# --------------------------------------------------------------------------- algorithms
@FAST
@given(arbitrary_dfas())
def test_minimize_idempotent_and_language_preserving(d):
    m = am.minimize(d)
    assert am.isomorphic(am.minimize(m), m)
    assert am.equivalent(d, m) == (True, None)
    ws = [w for w in words_upto(d.alphabet.symbols, 5)]
    np.testing.assert_array_equal(d.accepts_batch(["".join(w) for w in ws]),
                                  m.accepts_batch(["".join(w) for w in ws]))
    # Moore's algorithm count of classes as an independent check
    t = am.trim(d)
    cls = t.accepting.astype(int)
    while True:
        sig = [(cls[q], *cls[t.delta[q]]) for q in range(t.n_states)]
        new = np.unique(np.array(sig), axis=0, return_inverse=True)[1].reshape(-1)
        if len(set(new)) == len(set(cls)):
            break
        cls = new
    assert m.n_states == len(set(cls))


@FAST
@given(arbitrary_dfas(max_n=6, max_k=2), arbitrary_dfas(max_n=6, max_k=2))
def test_equivalence_counterexample_is_shortest(a, b):
    if a.alphabet != b.alphabet:
        return
    ok, w = am.equivalent(a, b)
    brute = None
    for cand in words_upto(a.alphabet.symbols, 12):
        if a.accepts(cand) != b.accepts(cand):
            brute = "".join(cand)
            break
    if ok:
        assert brute is None
    else:
        assert a.accepts(w) != b.accepts(w)
        assert brute is not None and len(w) == len(brute) and w == brute  # shortlex-least


@FAST
@given(arbitrary_dfas(max_n=5, max_k=2), arbitrary_dfas(max_n=5, max_k=2))
def test_boolean_operations(a, b):
    if a.alphabet != b.alphabet:
        return
    for w in words_upto(a.alphabet.symbols, 5):
        x, y = a.accepts(w), b.accepts(w)
        assert am.union(a, b).accepts(w) == (x or y)
        assert am.intersection(a, b).accepts(w) == (x and y)
        assert am.difference(a, b).accepts(w) == (x and not y)
        assert am.complement(a).accepts(w) == (not x)


def test_regex_examples():
    d = am.from_regex("(a|b)*abb", "ab")
    assert d.n_states == 4
    for w in words_upto("ab", 6):
        s = "".join(w)
        assert d.accepts(s) == s.endswith("abb")
    assert am.from_regex("a+b?", "ab").accepts("aab")
    assert not am.from_regex("∅", "ab").accepting.any()
    assert am.from_regex("()", "a").accepts("")
    assert am.from_regex(r"\*", "*").accepts("*")
    assert am.from_regex(".a", "ab").accepts("ba")


def test_to_dot_and_aalpy_roundtrip():
    d = am.random_dfa(15, 3, seed=2)
    assert am.to_dot(d).startswith('digraph "automaton"')
    assert am.isomorphic(am.from_aalpy(am.to_aalpy(d)), d)


# --------------------------------------------------------------------------- learners
def _mq_bound_lstar(n, k, m):
    return (k + 1) * n * n + (n - 1) * (math.ceil(math.log2(max(m, 1) + 1)) + 1)


@settings(derandomize=True, max_examples=12, deadline=None)
@given(dfas(), st.sampled_from(["lstar-rs", "lstar-angluin", "kv"]))
def test_active_learners_exact(target, alg):
    teacher = am.Teacher.from_dfa(target)
    if alg == "kv":
        res = am.kv(teacher)
    else:
        res = am.lstar(teacher, cex_processing=alg.split("-")[1])
    n, k = target.n_states, target.n_symbols
    assert res.converged
    assert am.isomorphic(res.model, am.minimize(target))
    assert res.equivalence_queries <= n
    m = 2 * n  # shortest counterexamples of two DFAs with <= n states each are < 2n long
    if alg == "lstar-rs":
        assert res.membership_queries <= _mq_bound_lstar(n, k, m)
    elif alg == "lstar-angluin":
        assert res.membership_queries <= (k + 1) * (n + m * (n - 1)) * n + 1
    else:
        assert res.membership_queries <= k * n * (n - 1) + n * (math.ceil(math.log2(m)) + 1) + 1


def test_learners_match_aalpy_query_counts():
    aalpy = pytest.importorskip("aalpy")
    from aalpy.learning_algs import run_Lstar
    from aalpy.oracles import PerfectKnowledgeEqOracle
    from aalpy.SULs import AutomatonSUL
    for seed in range(3):
        target = am.random_dfa(40, 2, seed=seed)
        mine = am.lstar(am.Teacher.from_dfa(target))
        a = am.to_aalpy(target)
        sul = AutomatonSUL(a)
        eq = PerfectKnowledgeEqOracle(list(target.alphabet), sul, a)
        hyp, info = run_Lstar(list(target.alphabet), sul, eq, "dfa", cex_processing="rs",
                              return_data=True, print_level=0)
        assert am.isomorphic(am.from_aalpy(hyp, list(target.alphabet)), mine.model)
        assert mine.membership_queries <= info["queries_learning"]
    assert aalpy is not None


@pytest.mark.parametrize("oracle,opts", [("random_word", {"num_tests": 3000, "max_length": 12}),
                                         ("random_walk", {"num_steps": 20000}),
                                         ("pac", {"epsilon": 0.01, "delta": 0.01})])
def test_testing_oracles_learn_small_targets(oracle, opts):
    target = am.from_regex("(a|b)*a(a|b)(a|b)", "ab")
    res = am.lstar(am.Teacher.from_dfa(target, oracle, seed=0, **opts))
    assert am.equivalent(res.model, target)[0]
    assert res.eq_tests > 0


def test_pac_schedule():
    o = am.PACOracle(epsilon=0.1, delta=0.05)
    for i in (1, 2, 7):
        assert o.tests_for_round(i) == math.ceil(10 * (math.log(20) + i * math.log(2)))


def test_cache_hits_counted():
    mq = am.DFAMembership(am.from_regex("a*b", "ab"))
    mq.query("aab")
    mq.query("aa")      # prefix of a word already asked: answered from the cache
    mq.query("aab")
    assert (mq.queries, mq.cache_hits, mq.symbols) == (1, 2, 3)
    fm = am.FunctionMembership("ab", lambda w: len(w) % 2 == 0)
    fm.query("ab")
    fm.query("a")
    assert (fm.queries, fm.cache_hits) == (2, 0)
    fm.query("ab")
    assert fm.cache_hits == 1


@FAST
@given(st.integers(1, 10), st.integers(1, 3), st.integers(0, 2**31))
def test_rpni_characteristic_sample_identifies(n, k, seed):
    target = am.random_dfa(n, k, seed=seed)
    pos, neg = am.characteristic_sample(target)
    res = am.rpni(pos, neg, alphabet=target.alphabet)
    assert am.isomorphic(res.model, am.minimize(target))


@FAST
@given(st.lists(st.text("ab", max_size=8), max_size=30, unique=True), st.integers(0, 2**31))
def test_rpni_consistent_with_sample(words, seed):
    rng = np.random.default_rng(seed)
    labels = rng.random(len(words)) < 0.5
    pos = [w for w, lab in zip(words, labels) if lab]
    neg = [w for w, lab in zip(words, labels) if not lab]
    model = am.rpni(pos, neg, alphabet="ab").model
    assert all(model.accepts(w) for w in pos) and not any(model.accepts(w) for w in neg)


# --------------------------------------------------------------------------- bad input
def test_error_nondeterministic_table():
    with pytest.raises(InvalidModel, match=r"delta\[0\]\[1\].*non-deterministic"):
        am.DFA([[0, [0, 1]], [1, 1]], [True, False], alphabet="ab")


def test_error_nondeterministic_transitions():
    with pytest.raises(InvalidModel, match="non-deterministic"):
        am.DFA.from_transitions([(0, "a", 0), (0, "a", 1), (1, "a", 1)], {1}, 0)


def test_error_state_out_of_range():
    with pytest.raises(InvalidModel, match=r"delta\[1, 0\]=5 is out of range.*\[0, 2\)"):
        am.DFA([[0], [5]], [True, False])


def test_error_start_out_of_range():
    with pytest.raises(InvalidModel, match=r"start=3 is out of range"):
        am.DFA([[0], [1]], [True, False], start=3)


def test_error_symbol_not_in_alphabet():
    d = am.DFA([[0, 0]], [True], alphabet="ab")
    with pytest.raises(InvalidArgument, match=r"word\[1\]='c' is not in the alphabet"):
        d.accepts("ac")
    with pytest.raises(InvalidArgument, match=r"words\[1\]\[0\]='z' is not in the alphabet"):
        d.accepts_batch(["a", "z"])


def test_error_empty_alphabet():
    with pytest.raises(InvalidArgument, match="alphabet=.*is empty"):
        am.DFA(np.zeros((1, 0), dtype=int), [True], alphabet="")
    with pytest.raises(InvalidModel, match="alphabet is empty"):
        am.DFA(np.zeros((1, 0), dtype=int), [True])


def test_error_mismatched_alphabet_size():
    with pytest.raises(InvalidModel, match="alphabet='abc' has 3 symbols but delta has 2"):
        am.DFA([[0, 0]], [True], alphabet="abc")


def test_error_accepting_shape():
    with pytest.raises(InvalidModel, match=r"accepting has shape \(3,\), expected \(2,\)"):
        am.DFA([[0], [1]], [True, False, True])


def test_error_inconsistent_oracle_stops_learner():
    flips = {"n": 0}

    def liar(word):  # answers differ from the target the exact oracle compares against
        flips["n"] += 1
        return flips["n"] % 3 == 0

    target = am.from_regex("a*", "ab")
    teacher = am.Teacher.from_function("ab", liar, "exact", target=target)
    with pytest.raises(OracleInconsistency, match="counterexample '.*'.*inconsistent"):
        am.lstar(teacher)
    teacher = am.Teacher.from_function("ab", liar, "exact", target=target)
    with pytest.raises(OracleInconsistency, match="counterexample '.*'"):
        am.kv(teacher)


def test_error_prefix_answers_inconsistent():
    class Bad(am.MembershipOracle):
        prefix_outputs = True

        def answer(self, word):
            return False

        def _answer_array(self, codes, lens):
            out = np.zeros((codes.shape[0], codes.shape[1] + 1), dtype=bool)
            out[:, 0] = self.queries % 2 == 1
            return out

    mq = Bad("ab")
    mq.query("a")
    with pytest.raises(OracleInconsistency, match="for word ''"):
        mq.query("b")


def test_error_unknown_option_names_valid_ones():
    t = am.Teacher.from_dfa(am.from_regex("a", "a"))
    with pytest.raises(UnknownName, match="cex_processing='bogus'.*'angluin', 'rs'"):
        am.lstar(t, cex_processing="bogus")
    with pytest.raises(UnknownName, match="oracle='exactly'"):
        am.Teacher.from_dfa(am.from_regex("a", "a"), "exactly")


def test_error_rpni_conflicting_sample():
    with pytest.raises(InvalidArgument, match="word 'ab' is in both positive and negative"):
        am.rpni(["ab", "a"], ["ab"])


def test_error_regex_syntax():
    with pytest.raises(InvalidArgument, match=r"regex='\(ab' at position 3: missing '\)'"):
        am.from_regex("(ab")
    with pytest.raises(InvalidArgument, match="symbol 'c', which is not in the alphabet"):
        am.from_regex("abc", "ab")


def test_error_wrong_types():
    with pytest.raises(InvalidType, match="teacher has type int"):
        am.lstar(3)
    with pytest.raises(InvalidArgument, match="alphabet.*differs"):
        am.equivalent(am.from_regex("a", "ab"), am.from_regex("a", "ac"))
    assert issubclass(InvalidModel, ProvableError)


def test_round_limit_reported_not_raised():
    res = am.lstar(am.Teacher.from_dfa(am.random_dfa(30, 2, seed=0)), max_rounds=1)
    assert not res.converged and "max_rounds=1" in res.message


# --------------------------------------------------------------------------- claims
def test_claim_experiments_small():
    from provable.automata import _claims as c
    assert c.lstar_exact(ns=(8, 16, 32), seeds=2)["ok"]
    r = c.lrnn_parity_negative_eigs(length=20000, n_positive=20, n_triangular=50,
                                    n_automata=3, word_length=500)
    assert r["ok"] and r["residual"] == 0
    assert c.ssm_diagonal_commutative(trials=5, n_dfas=2, emulate_length=500)["ok"]
    assert c.bounded_context_finite_automaton(n_strings=200)["ok"]
    assert c.lm_markov_chain()["ok"]
    assert c.lssl_recurrence_equals_convolution(L=128)["ok"]


def test_torch_cuda_batch_if_available():
    torch = pytest.importorskip("torch")
    if not torch.cuda.is_available():
        pytest.skip("no CUDA device")
    d = am.random_dfa(50, 3, seed=0)
    codes = np.random.default_rng(0).integers(0, 3, size=(256, 40))
    out = d.accepts_batch(torch.as_tensor(codes, device="cuda"))
    np.testing.assert_array_equal(out.cpu().numpy(), d.accepts_batch(codes))
