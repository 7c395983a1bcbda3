"""The query cache (a prefix tree stored as a hash of edges): answers, hit / miss
counts against a reference model of the caching rule, and memory per cached prefix."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import provable.automata as am

FAST = settings(derandomize=True, max_examples=25, deadline=None)


def _batches(draw_k: int, seed: int, n_batches: int, max_len: int):
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(n_batches):
        B = int(rng.integers(1, 40))
        out.append([tuple(int(c) for c in rng.integers(0, draw_k, size=int(rng.integers(0,
                    max_len + 1)))) for _ in range(B)])
    return out


def _reference_prefix_cache(batches):
    """A word reaches the system iff it is not a prefix of a word asked before; within
    a batch the missed words are asked longest first (ties in batch order)."""
    asked: set = set()  # every prefix of every word sent
    queries = hits = 0
    for batch in batches:
        missed = [i for i, w in enumerate(batch) if w not in asked]
        hits += len(batch) - len(missed)
        for i in sorted(missed, key=lambda i: -len(batch[i])):
            w = batch[i]
            if w in asked:  # a prefix of a longer word of this batch
                hits += 1
                continue
            queries += 1
            asked.update(w[:t] for t in range(len(w) + 1))
    return queries, hits


@pytest.mark.parametrize("k", [1, 2, 3, 4, 13])  # dense child table up to 3 symbols
def test_membership_cache_on_dense_and_hashed_tables(k):
    for seed in range(3):
        _check_membership_cache(k, seed)


@FAST
@given(st.integers(1, 150), st.integers(0, 2**31))
def test_membership_cache_counts_and_answers_match_the_reference(k, seed):
    _check_membership_cache(k, seed)


def _check_membership_cache(k, seed):
    target = am.random_dfa(7, k, seed=seed)
    mq = am.DFAMembership(target)
    batches = _batches(k, seed, 12, 30)
    for batch in batches:
        got = mq._mq_batch(batch)
        want = [target.accepts(target.alphabet.decode(w)) if target.alphabet._chars else
                target.accepts([target.alphabet.symbols[c] for c in w]) for w in batch]
        assert got.tolist() == want
    q, h = _reference_prefix_cache(batches)
    assert (mq.queries, mq.cache_hits) == (q, h)
    assert mq.symbols == mq.steps and mq.resets == mq.queries


@FAST
@given(st.integers(1, 40), st.integers(0, 2**31))
def test_output_cache_counts_and_answers(k, seed):
    rng = np.random.default_rng(seed)
    n = 6
    model = am.MealyMachine(rng.integers(0, n, size=(n, k)),
                            rng.integers(0, 3, size=(n, k)).tolist(), 0, range(k))
    mq = am.MachineMembership(model)
    batches = _batches(k, seed + 1, 10, 25)
    for batch in batches:
        got = mq._mq_batch(batch)
        want = [(model.transduce(w) or [None])[-1] for w in batch]
        assert [mq._values[c] for c in got] == want
    q, h = _reference_prefix_cache(batches)
    assert (mq.queries, mq.cache_hits) == (q, h)
    w = batches[0][0]
    assert mq.query(w) == model.transduce(w)


def test_function_oracle_caches_exact_words_only():
    calls = []
    mq = am.FunctionMembership("ab", lambda w: calls.append(w) or len(w) % 2 == 0)
    assert mq.query("abab") and not mq.query("aba") and mq.query("abab")
    assert calls == ["abab", "aba"] and (mq.queries, mq.cache_hits) == (2, 1)


def _cache_bytes(mq) -> int:
    return (mq._tab.nbytes + mq._par.nbytes + mq._sym.nbytes + mq._label.nbytes
            + mq._child.nbytes)


def test_cache_memory_per_prefix_does_not_grow_with_the_alphabet():
    """A dense int64 child table cost 8k bytes per cached prefix; the hash of edges
    costs about 4 bytes per slot (at least 35 % of slots used) plus 9 per node, grown by
    half (k = 2 uses a dense int32 table: 8 + 9 bytes per node)."""
    per_node = {}
    for k in (2, 150):
        teacher = am.Teacher.from_dfa(am.random_dfa(60, k, seed=0))
        res = am.lstar(teacher)
        assert am.equivalent(res.model, teacher.equivalence.target)[0]
        mq = teacher.membership
        assert mq._size > 500
        per_node[k] = _cache_bytes(mq) / mq._size
    assert per_node[150] <= 40 and per_node[2] <= 40
    assert per_node[150] < 8 * 150 / 20
