"""Native Mealy / Moore learning: published models, AALpy cross-checks, query bounds,
the step-wise system adapter, interop with AALpy, errors."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import provable.automata as am
from provable.errors import InvalidArgument, InvalidModel, InvalidType, OracleInconsistency

DATA = Path(__file__).parent / "data"
FILES = sorted(DATA.glob("*.dot"))
FAST = settings(derandomize=True, max_examples=15, deadline=None)
KIND = {am.DFA: "dfa", am.MealyMachine: "mealy", am.MooreMachine: "moore"}


def random_machine(kind: str, n: int, k: int, n_out: int, seed: int):
    """A random Mealy / Moore machine (not necessarily minimal or reachable)."""
    rng = np.random.default_rng(seed)
    delta = rng.integers(0, n, size=(n, k))
    alph = "abcdefgh"[:k]
    if kind == "mealy":
        outs = rng.integers(0, n_out, size=(n, k)).tolist()
        return am.MealyMachine(delta, [[f"o{x}" for x in row] for row in outs], 0, alph)
    return am.MooreMachine(delta, [f"o{x}" for x in rng.integers(0, n_out, size=n)], 0, alph)


def machines(kind: str, max_n: int = 25, max_k: int = 4):
    return st.builds(lambda n, k, o, s: am.minimize(random_machine(kind, n, k, o, s)),
                     st.integers(1, max_n), st.integers(1, max_k), st.integers(1, 3),
                     st.integers(0, 2**31))


def _aalpy_learn(alg: str, model):
    from aalpy.learning_algs import run_KV, run_Lstar
    from aalpy.oracles import PerfectKnowledgeEqOracle
    from aalpy.SULs import AutomatonSUL
    a = am.to_aalpy(model)
    sul = AutomatonSUL(a)
    alphabet = list(model.alphabet)
    eq = PerfectKnowledgeEqOracle(alphabet, sul, a)
    fn = run_Lstar if alg == "lstar" else run_KV
    hyp, info = fn(alphabet, sul, eq, KIND[type(model)], cex_processing="rs",
                   return_data=True, print_level=0)
    return hyp, info["queries_learning"]


@pytest.mark.parametrize("path", FILES, ids=[f.name for f in FILES])
def test_published_models_learn_exactly_and_with_no_more_queries_than_aalpy(path):
    """Each shipped model (DFA, Mealy or Moore) is learned by L* and KV; the result is
    equivalent to the target by provable's product search and by AALpy's bisimulation
    check; AALpy's native learner, run in the same test on the same model, asks at least
    as many membership / output queries."""
    utils = pytest.importorskip("aalpy.utils")
    target = am.read_dot(path)
    for alg, fn in (("lstar", am.lstar), ("kv", am.kv)):
        res = fn(am.Teacher.from_model(target))
        assert res.converged and isinstance(res.model, type(target))
        assert am.equivalent(res.model, target) == (True, None)
        assert res.model.n_states == target.n_states  # minimal targets
        assert utils.bisimilar(am.to_aalpy(res.model), am.to_aalpy(target))
        hyp, theirs = _aalpy_learn(alg, target)
        assert am.equivalent(am.from_aalpy(hyp, list(target.alphabet)), target)[0]
        assert res.membership_queries <= theirs, (alg, res.membership_queries, theirs)


def _lstar_bound(kind, n, k, m):
    cols = k + n - 1 if kind == "mealy" else n
    return (k + 1) * n * cols + (n - 1) * (math.ceil(math.log2(m)) + 1)


def _kv_bound(kind, n, k, m):
    base = k * n * n if kind == "mealy" else k * n * (n - 1) + n
    return base + (n - 1) * (math.ceil(math.log2(m)) + 3)


@FAST
@given(st.sampled_from(["mealy", "moore"]).flatmap(lambda kd: machines(kd)),
       st.sampled_from(["lstar", "kv"]))
def test_random_machines_learned_within_the_stated_bounds(target, alg):
    kind = KIND[type(target)]
    res = (am.lstar if alg == "lstar" else am.kv)(am.Teacher.from_model(target))
    n, k = target.n_states, target.n_symbols
    assert res.converged and am.isomorphic(res.model, target)  # target is minimal
    assert res.equivalence_queries <= n
    m = 2 * n  # exact oracle: shortest counterexamples, shorter than n_hyp + n_target
    bound = (_lstar_bound if alg == "lstar" else _kv_bound)(kind, n, k, m)
    assert res.membership_queries <= bound
    # every query that missed the cache ran the simulated system once
    assert res.resets == res.membership_queries and res.steps == res.symbols_queried


def test_bounds_on_bitvise():
    target = am.read_dot(DATA / "BitVise.dot")
    n, k = target.n_states, target.n_symbols
    for alg, fn, bound in (("lstar", am.lstar, _lstar_bound), ("kv", am.kv, _kv_bound)):
        res = fn(am.Teacher.from_model(target))
        assert res.membership_queries <= bound("mealy", n, k, 2 * n)
        assert res.equivalence_queries <= n


class CountingSUL(am.SystemUnderLearning):
    """Simulates a machine and counts the calls itself."""

    def __init__(self, model):
        self.inner = am.MachineSUL(model)
        self.n_reset = self.n_step = 0

    def reset(self):
        self.n_reset += 1
        return self.inner.reset()

    def step(self, symbol):
        self.n_step += 1
        return self.inner.step(symbol)


@pytest.mark.parametrize("name", ["coffee_moore.dot", "TCP_Linux_Client.dot",
                                  "miTLS_0.1.3_server_regular.dot"])
@pytest.mark.parametrize("alg", ["lstar", "kv"])
def test_step_wise_system_learned_and_counted(name, alg):
    target = am.read_dot(DATA / name)
    sul = CountingSUL(target)
    kind = KIND[type(target)]
    teacher = am.Teacher.from_sul(sul, target.alphabet, kind=kind, oracle="wp",
                                  extra_states=1)
    res = (am.lstar if alg == "lstar" else am.kv)(teacher)
    assert res.converged and am.equivalent(res.model, target) == (True, None)
    assert (res.resets, res.steps) == (sul.n_reset, sul.n_step)
    assert res.resets == res.membership_queries + res.eq_tests
    assert res.steps == res.symbols_queried + res.eq_test_symbols
    # the simulated oracle asks the same learning queries
    sim = (am.lstar if alg == "lstar" else am.kv)(
        am.Teacher.from_model(target, "wp", extra_states=1))
    assert sim.membership_queries == res.membership_queries


def test_output_queries_are_cached_by_prefix():
    target = am.read_dot(DATA / "coffee_mealy.dot")
    sul = CountingSUL(target)
    mq = am.SULMembership(sul, target.alphabet, "mealy")
    assert mq.query(["coin", "button", "coin"]) == ["beep", "coffee", "beep"]
    assert mq.query(["coin", "button"]) == ["beep", "coffee"]  # a prefix: cache hit
    assert (mq.queries, mq.cache_hits, sul.n_reset, sul.n_step) == (1, 1, 1, 3)
    moore = am.MachineMembership(am.read_dot(DATA / "coffee_moore.dot"))
    assert moore.query([]) == ["init"] and moore.query(["coin"]) == ["init", "beep"]


def test_inconsistent_system_is_reported():
    target = am.read_dot(DATA / "coffee_mealy.dot")

    class Flaky(CountingSUL):
        def step(self, symbol):
            out = super().step(symbol)
            return out if self.n_reset % 5 else "glitch"

    teacher = am.Teacher.from_sul(Flaky(target), target.alphabet, kind="mealy",
                                  oracle="exact", target=target)
    with pytest.raises(OracleInconsistency):
        am.lstar(teacher)


# --------------------------------------------------------------------------- interop
@pytest.mark.parametrize("name", ["coffee_moore.dot", "BitVise.dot", "tomita_3.dot"])
def test_aalpy_round_trip(name):
    pytest.importorskip("aalpy")
    m = am.read_dot(DATA / name)
    back = am.from_aalpy(am.to_aalpy(m), list(m.alphabet))
    assert am.isomorphic(back, m)


def test_from_aalpy_refuses_dropped_symbols_and_completes():
    aa = pytest.importorskip("aalpy.automata")
    m = am.read_dot(DATA / "coffee_mealy.dot")
    a = am.to_aalpy(m)
    with pytest.raises(InvalidArgument, match="leaves out the symbol 'button'"):
        am.from_aalpy(a, alphabet=["coin"])
    # an input-incomplete Mealy machine: s1 has no 'button' transition
    s0, s1 = aa.MealyState("s0"), aa.MealyState("s1")
    s0.transitions.update({"coin": s1, "button": s0})
    s0.output_fun.update({"coin": "beep", "button": "init"})
    s1.transitions["coin"] = s1
    s1.output_fun["coin"] = "beep"
    inc = aa.MealyMachine(s0, [s0, s1])
    with pytest.raises(InvalidModel, match="'s1' has no transition on 'button'.*complete=True"):
        am.from_aalpy(inc)
    full = am.from_aalpy(inc, ["coin", "button"], complete=True, fill_output="-")
    assert full.n_states == 3
    assert full.transduce(["coin", "button", "coin"]) == ["beep", "-", "-"]
    assert full.transduce(["button", "coin"]) == ["init", "beep"]
    # extra symbols in the alphabet are missing transitions
    d = am.from_aalpy(am.to_aalpy(am.from_regex("a*", "a")), alphabet="ab", complete=True)
    assert d.accepts("aa") and not d.accepts("ab")


# --------------------------------------------------------------------------- errors
def test_errors_for_output_learning():
    coffee = am.read_dot(DATA / "coffee_mealy.dot")
    with pytest.raises(InvalidArgument, match="cex_processing='angluin' is for DFAs"):
        am.lstar(am.Teacher.from_model(coffee), cex_processing="angluin")
    with pytest.raises(InvalidType, match="model has type str"):
        am.Teacher.from_model("coffee")
    with pytest.raises(InvalidType, match="has no reset"):
        am.Teacher.from_sul(object(), "ab")
    with pytest.raises(InvalidArgument, match="oracle='exact' needs target"):
        am.Teacher.from_sul(am.MachineSUL(coffee), coffee.alphabet, oracle="exact")
    with pytest.raises(InvalidArgument, match="kind='dfa'"):
        am.SULMembership(am.MachineSUL(coffee), coffee.alphabet, kind="dfa")
    eq = am.WMethodOracle()
    with pytest.raises(InvalidArgument, match="hypothesis is a DFA but the membership oracle "
                                              "answers 'mealy'"):
        eq.find_counterexample(am.DFA([[0, 0]], [True], alphabet=coffee.alphabet),
                               am.MachineMembership(coffee))
    with pytest.raises(InvalidArgument, match="symbol='tea' is not in the alphabet"):
        am.MachineSUL(coffee).step("tea")


class AcceptorSUL:
    """A step-wise acceptor for a DFA (duck-typed: reset and step only)."""

    def __init__(self, dfa):
        self.dfa, self.n_reset, self.n_step = dfa, 0, 0

    def reset(self):
        self.n_reset += 1
        self.q = self.dfa.start
        return bool(self.dfa.accepting[self.q])

    def step(self, symbol):
        self.n_step += 1
        self.q = int(self.dfa.delta[self.q, self.dfa.alphabet.index[symbol]])
        return bool(self.dfa.accepting[self.q])


@pytest.mark.parametrize("alg", ["lstar", "kv"])
def test_step_wise_acceptor_learned_as_dfa_with_prefix_answers(alg):
    target = am.random_dfa(30, 3, seed=5)
    sul = AcceptorSUL(target)
    teacher = am.Teacher.from_sul(sul, target.alphabet, kind="dfa", oracle="exact",
                                  target=target)
    res = (am.lstar if alg == "lstar" else am.kv)(teacher)
    assert am.isomorphic(res.model, am.minimize(target))
    assert (res.resets, res.steps) == (sul.n_reset, sul.n_step)
    # prefix answers from one run: as many queries as the simulated DFA teacher
    sim = (am.lstar if alg == "lstar" else am.kv)(am.Teacher.from_dfa(target))
    assert res.membership_queries == sim.membership_queries
