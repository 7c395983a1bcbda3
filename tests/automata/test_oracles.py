"""Conformance-testing oracles (W-method, Wp-method, random W-method) and the random
testing oracles on Mealy / Moore machines."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import provable.automata as am

DATA = Path(__file__).parent / "data"
FAST = settings(derandomize=True, max_examples=20, deadline=None)


def lock(length: int, planted: bool) -> am.MealyMachine:
    """Combination lock over {a, b, c}: ``a`` advances along a chain of ``length``
    states, ``b`` and ``c`` return to the start; only ``a`` at the last state outputs 1. ``planted``: one extra state X, entered by ``b`` from the last state,
    behaves as the start except that ``c`` there outputs 2, so the two machines differ
    exactly on the words containing ``a^(length-1) b c`` read from the start."""
    n = length + (1 if planted else 0)
    delta = np.zeros((n, 3), dtype=int)
    outs = [["0", "0", "0"] for _ in range(n)]
    for q in range(length):
        delta[q] = [min(q + 1, length - 1), 0, 0]
    outs[length - 1][0] = "1"
    if planted:
        delta[length - 1, 1] = length
        delta[length] = [1, 0, 0]
        outs[length][2] = "2"
    return am.MealyMachine(delta, outs, alphabet="abc")


def _differs(a, b, w) -> bool:
    return a.transduce(w) != b.transduce(w)


@pytest.mark.parametrize("oracle_cls", [am.WMethodOracle, am.WpMethodOracle])
def test_conformance_oracle_finds_planted_difference_random_walk_misses(oracle_cls):
    hyp, target = lock(12, False), lock(12, True)
    assert am.minimize(hyp).n_states == 12 and am.minimize(target).n_states == 13
    eq = oracle_cls(extra_states=1)
    w = eq.find_counterexample(hyp, am.MachineMembership(target))
    assert w is not None and _differs(hyp, target, w) and "a" * 11 + "bc" in w
    budget = eq.test_symbols
    assert budget > 0
    # A random walk with the same number of symbols (about 21 000) sees the difference
    # only by reading a^11 b c: probability 3^-13 (< 6.3e-7) per position for uniform
    # symbols, so below 1.4 % per walk (union bound); the seeds are fixed.
    for seed in range(5):
        rw = am.RandomWalkOracle(num_steps=budget, reset_prob=0.09, seed=seed)
        assert rw.find_counterexample(hyp, am.MachineMembership(target)) is None
        assert rw.test_symbols == budget


def test_wp_runs_fewer_tests_than_w():
    hyp, target = lock(10, False), lock(10, False)
    w, wp = am.WMethodOracle(extra_states=1), am.WpMethodOracle(extra_states=1)
    assert w.find_counterexample(hyp, am.MachineMembership(target)) is None
    assert wp.find_counterexample(hyp, am.MachineMembership(target)) is None
    assert 0 < wp.tests < w.tests
    # the W-method suite size: |P| (k^0 + k^1) |W|, P the (distinct) transition cover
    W = am.characterization_set(hyp)
    assert w.tests == len({*_transition_cover(hyp)}) * (1 + 3) * len(W)


def _transition_cover(m):
    from collections import deque
    acc = {m.start: ()}
    dq = deque([m.start])
    while dq:
        p = dq.popleft()
        for a in range(m.n_symbols):
            q = int(m.delta[p, a])
            if q not in acc:
                acc[q] = acc[p] + (a,)
                dq.append(q)
    return [*acc.values()] + [u + (a,) for u in acc.values() for a in range(m.n_symbols)]


def random_machine(kind, n, k, seed):
    rng = np.random.default_rng(seed)
    delta = rng.integers(0, n, size=(n, k))
    if kind == "mealy":
        outs = rng.integers(0, 2, size=(n, k)).tolist()
        return am.minimize(am.MealyMachine(delta, outs, 0, "abc"[:k]))
    return am.minimize(am.MooreMachine(delta, rng.integers(0, 2, size=n).tolist(), 0,
                                       "abc"[:k]))


@FAST
@given(st.sampled_from(["mealy", "moore"]), st.integers(1, 7), st.integers(1, 3),
       st.integers(0, 2**31), st.integers(0, 2**31), st.integers(0, 2))
def test_w_and_wp_are_exact_up_to_extra_states(kind, n, k, s1, s2, d):
    """Chow / Fujiwara: if the system has at most n + d states and differs from the
    hypothesis (n states), the suite with extra_states=d contains a failing test."""
    hyp = random_machine(kind, n, k, s1)
    target = random_machine(kind, hyp.n_states + d, k, s2)
    differ = not am.equivalent(hyp, target)[0]
    for cls in (am.WMethodOracle, am.WpMethodOracle):
        w = cls(extra_states=d).find_counterexample(hyp, am.MachineMembership(target))
        if differ:
            assert w is not None
            assert hyp.output(w) != target.output(w) or (
                kind == "mealy" and hyp.transduce(w) != target.transduce(w))
        else:
            assert w is None


@FAST
@given(st.sampled_from(["mealy", "moore", "dfa"]), st.integers(1, 6), st.integers(1, 2),
       st.integers(0, 2**31))
def test_separating_words_are_shortest_and_characterise(kind, n, k, seed):
    m = (am.random_dfa(n, k, seed=seed) if kind == "dfa" else random_machine(kind, n, k, seed))
    seps = am.separating_words(m)
    W = am.characterization_set(m)

    def behaviour(q, w):
        if isinstance(m, am.MealyMachine):
            out, s = [], q
            for c in m.alphabet.encode(w):
                out.append(m.outputs[s][c])
                s = int(m.delta[s, c])
            return out
        s = m.run(w, state=q)
        return m.accepting[s] if isinstance(m, am.DFA) else m.outputs[s]

    words = [""] + ["".join(w) for L in range(1, 2 * m.n_states)
                    for w in itertools.product(m.alphabet.symbols, repeat=L)]
    for p in range(m.n_states):
        for q in range(p + 1, m.n_states):  # minimal: every pair is distinguishable
            w = seps[(p, q)]
            assert behaviour(p, w) != behaviour(q, w)
            shortest = next(x for x in words if behaviour(p, x) != behaviour(q, x))
            assert len(w) == len(shortest)
            assert any(behaviour(p, x) != behaviour(q, x) for x in W)


@pytest.mark.parametrize("oracle,opts", [
    ("random_w", {"walks_per_state": 100, "walk_len": 12}),
    ("random_walk", {"num_steps": 100_000}),
    ("random_word", {"num_tests": 5000, "max_length": 12}),
    ("wp", {"extra_states": 2}),
    ("w", {"extra_states": 2}),
])
@pytest.mark.parametrize("name", ["miTLS_0.1.3_server_regular.dot",
                                  "mosquitto__two_client_will_retain.dot"])
def test_testing_oracles_learn_published_models(oracle, opts, name):
    target = am.read_dot(DATA / name)
    res = am.lstar(am.Teacher.from_model(target, oracle, seed=0, **opts))
    assert res.converged and am.equivalent(res.model, target) == (True, None)
    assert res.eq_tests > 0 and res.eq_test_symbols >= res.eq_tests
    assert res.steps == res.symbols_queried + res.eq_test_symbols


def test_conformance_oracles_on_dfas():
    target = am.read_dot(DATA / "tomita_3.dot")
    for oracle in ("w", "wp"):
        res = am.kv(am.Teacher.from_dfa(target, oracle, extra_states=2))
        assert am.equivalent(res.model, target) == (True, None)


def test_bad_oracle_options():
    from provable.errors import InvalidArgument
    with pytest.raises(InvalidArgument, match="extra_states=-1"):
        am.WpMethodOracle(extra_states=-1)
    with pytest.raises(InvalidArgument, match="oracle='w'.*unexpected keyword"):
        am.Teacher.from_model(lock(3, False), "w", depth=2)
