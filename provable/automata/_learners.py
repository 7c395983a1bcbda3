"""Active learners: Angluin's L* (Rivest–Schapire and plain Angluin counterexample
processing) and Kearns–Vazirani (discrimination tree).

Both work on integer-coded words, ask membership queries in batches (one kernel call per
table column when the teacher simulates a DFA) and check every counterexample against
the membership oracle, so a teacher whose two oracles disagree stops the learner with
:class:`~provable.errors.OracleInconsistency` naming the word.
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np

from provable._validation import check_choice, check_int
from provable.automata._models import DFA
from provable.automata._oracles import MembershipOracle, Teacher, _pack
from provable.automata._result import LearnResult
from provable.errors import InvalidArgument, InvalidType, OracleInconsistency

__all__ = ["lstar", "kv"]

Word = tuple[int, ...]


class _Counters:
    """Snapshot of teacher counters so a result reports this run only."""

    def __init__(self, teacher: Teacher):
        self.t = teacher
        self.base = self._now()
        self.t0 = time.perf_counter()

    def _now(self) -> tuple[int, ...]:
        m, e = self.t.membership, self.t.equivalence
        return (m.queries, m.symbols, m.cache_hits, e.queries, e.tests, e.test_symbols,
                m.steps, m.resets)

    def result(self, model: Any, algorithm: str, converged: bool, message: str, rounds: int,
               sizes: list[int]) -> LearnResult:
        d = [a - b for a, b in zip(self._now(), self.base)]
        from provable.automata._algorithms import canonical
        return LearnResult(model=canonical(model), algorithm=algorithm, converged=converged,
                           message=message, membership_queries=d[0], equivalence_queries=d[3],
                           symbols_queried=d[1], rounds=rounds, cache_hits=d[2], eq_tests=d[4],
                           eq_test_symbols=d[5], hypothesis_sizes=sizes, steps=d[6],
                           resets=d[7], seconds=time.perf_counter() - self.t0)


def _check_teacher(teacher: Any) -> Teacher:
    if not isinstance(teacher, Teacher):
        raise InvalidType(f"teacher has type {type(teacher).__name__}, expected a Teacher "
                          "(e.g. Teacher.from_dfa(target))")
    return teacher


def _check_cex(mq: MembershipOracle, hyp: DFA, w: Word) -> bool:
    """MQ(w); raise when the hypothesis already agrees with it (oracles inconsistent)."""
    v = mq._mq(w)
    q = hyp.start
    for c in w:
        q = int(hyp.delta[q, c])
    if bool(hyp.accepting[q]) == v:
        raise OracleInconsistency(
            f"the equivalence oracle returned the counterexample {mq.alphabet.decode(w)!r}, but "
            f"the membership oracle answers {v} on it, the same as the hypothesis: the two "
            "oracles are inconsistent")
    return v


def _hyp_states(hyp_delta: np.ndarray, start: int, w: Word) -> list[int]:
    states = [start]
    q = start
    for c in w:
        q = int(hyp_delta[q, c])
        states.append(q)
    return states


def _rs_breakpoint(mq: MembershipOracle, access: list[Word], states: list[int], w: Word,
                   v0: bool) -> int:
    """Rivest–Schapire binary search: i with alpha(i) != alpha(i+1), where
    alpha(i) = MQ(access(state after w[:i]) + w[i:]); alpha(0) = v0 != alpha(len(w))."""
    lo, hi = 0, len(w)
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if mq._mq(access[states[mid]] + w[mid:]) == v0:
            lo = mid
        else:
            hi = mid
    return lo


def _limits(max_rounds: Any, max_states: Any) -> tuple[int | None, int | None]:
    mr = None if max_rounds is None else check_int("max_rounds", max_rounds, min_value=1)
    ms = None if max_states is None else check_int("max_states", max_states, min_value=1)
    return mr, ms


def lstar(teacher: Teacher, *, cex_processing: str = "rs", max_rounds: int | None = None,
          max_states: int | None = None) -> LearnResult:
    r"""Angluin's L* with an observation table.

    Parameters
    ----------
    teacher : Teacher
    cex_processing : {"rs", "angluin"}
        ``"rs"`` (Rivest & Schapire 1993): binary search on the counterexample for one
        distinguishing suffix, added to the columns ``E``; the rows ``S`` stay pairwise
        distinct, so no consistency check is needed. ``"angluin"`` (Angluin 1987): add
        every prefix of the counterexample to ``S`` and restore consistency by adding
        suffixes ``a·e``. When the teacher answers every prefix in one run
        (``prefix_outputs``), every prefix of a new suffix is also added to ``E`` at no
        query cost (as AALpy's ``all_prefixes_in_obs_table``).
    max_rounds, max_states : int, optional
        Stop (``converged=False``) after this many hypotheses / when the hypothesis
        exceeds this size.

    Returns
    -------
    LearnResult

    Notes
    -----
    Query bounds for a target whose minimal DFA has ``n`` states, ``k`` symbols and
    counterexamples of length at most ``m`` (counting membership queries that reach the
    system; cache hits are free):

    * equivalence queries: at most ``n`` (each counterexample adds at least one state);
    * ``"rs"``: membership queries at most :math:`(k+1)n^2 + (n-1)(\lceil\log_2 m\rceil+1)`
      (|S| ≤ n, |S·A| ≤ kn, at most n−1 counterexample suffixes plus ε as query
      columns, one query for the counterexample and a binary search per counterexample;
      Rivest & Schapire, *Inference of finite automata using homing sequences*, Inf.
      Comput. 103, 1993, O(kn² + n log m));
    * ``"angluin"``: :math:`|S| \le n + m(n-1)`, :math:`|E| \le n`, so at most
      :math:`(k+1)(n + m(n-1))\,n` (Angluin 1987, Theorem 6: O(m k n²)).

    Mealy and Moore machines (a teacher of kind ``"mealy"`` / ``"moore"``, e.g.
    :meth:`Teacher.from_model` or :meth:`Teacher.from_sul`) are learned through output
    queries, with ``"rs"`` processing; a cell holds the last output of ``u·e``, the
    columns start as the ``k`` single symbols (Mealy) or ε (Moore), and a counterexample
    suffix enters with all its prefixes (one query per row: the prefixes are cache
    hits), so with ``n`` states (minimal machine) at most ``n`` equivalence queries and

    * Mealy: :math:`(k+1)\,n\,(k+n-1) + (n-1)(\lceil\log_2 m\rceil+1)` output queries;
    * Moore: :math:`(k+1)\,n^2 + (n-1)(\lceil\log_2 m\rceil+1)`

    (``n(k+1)`` rows, ``k + n - 1`` (Mealy) or ``n`` (Moore) query columns per row, one
    query for the counterexample's outputs and a binary search per counterexample; a
    counterexample is reprocessed, without a new equivalence query, while the new
    hypothesis still gets it wrong, as in AALpy).

    Examples
    --------
    >>> from provable import automata as am
    >>> target = am.random_dfa(30, 2, seed=0)
    >>> res = am.lstar(am.Teacher.from_dfa(target))
    >>> am.isomorphic(res.model, am.minimize(target)), res.equivalence_queries <= 30
    (True, True)
    """
    teacher = _check_teacher(teacher)
    mode = check_choice("cex_processing", cex_processing, ("rs", "angluin"))
    max_rounds, max_states = _limits(max_rounds, max_states)
    if teacher.kind != "dfa":
        if mode != "rs":
            raise InvalidArgument(f"cex_processing={mode!r} is for DFAs; Mealy and Moore "
                                  "machines are learned with cex_processing='rs'")
        from provable.automata._learners_io import lstar_output
        return lstar_output(teacher, _Counters(teacher), max_rounds, max_states)
    from provable.automata._kernels import _concat_pairs
    counters = _Counters(teacher)
    mq, eq = teacher.membership, teacher.equivalence
    k = len(teacher.alphabet)
    free_prefixes = mq.prefix_outputs

    # Every word with a row (S ∪ S·A) has an integer id, in the order rows were added;
    # rowv[id] is its row as a bitmask over E (bit j = answer on E[j]).
    S: list[int] = []                  # ids of S, in order
    S_set: set[Word] = set()
    E: list[Word] = [()]
    E_set: set[Word] = {()}
    wid: dict[Word, int] = {}          # word -> id
    words: list[Word] = []             # id -> word
    rowv: list[int] = []               # id -> row bitmask
    succ: dict[int, list[int]] = {}    # id in S -> ids of its k one-letter extensions
    # packed codes of all row words, in id order (capacity grows by doubling)
    buf = [np.zeros((0, 0), dtype=np.int64), np.zeros(0, dtype=np.int64)]
    E_packed = [_pack(E)]

    def rows_packed() -> tuple[np.ndarray, np.ndarray]:
        R = len(words)
        return buf[0][:R], buf[1][:R]

    def append_rows(c: np.ndarray, ln: np.ndarray) -> None:
        R0, R = len(words) - c.shape[0], len(words)
        codes, lens = buf
        if R > codes.shape[0] or c.shape[1] > codes.shape[1]:
            cap = max(R, 2 * codes.shape[0], 16) if R > codes.shape[0] else codes.shape[0]
            width = max(c.shape[1], codes.shape[1])
            nc = np.zeros((cap, width), dtype=np.int64)
            nc[:R0, : codes.shape[1]] = codes[:R0]
            nl = np.zeros(cap, dtype=np.int64)
            nl[:R0] = lens[:R0]
            buf[0], buf[1] = codes, lens = nc, nl
        codes[R0:R, : c.shape[1]] = c
        lens[R0:R] = ln

    def to_ints(ans: np.ndarray) -> list[int]:
        packed = np.packbits(ans, axis=1, bitorder="little")
        nb = packed.shape[1]
        if nb <= 8:  # one 64-bit word per row
            p8 = np.zeros((packed.shape[0], 8), dtype=np.uint8)
            p8[:, :nb] = packed
            return p8.view("<u8").reshape(-1).tolist()
        raw = packed.tobytes()
        fb = int.from_bytes
        return [fb(raw[i:i + nb], "little") for i in range(0, len(raw), nb)]

    def add_rows(new_words: list[Word]) -> list[int]:
        """Ids of the words, adding (and querying) the rows not there yet."""
        # a word repeated within the batch gets a row (and queries) per occurrence, as
        # it always has: the query and cache-hit counts depend on it
        fresh = [u for u in new_words if u not in wid]
        if fresh:
            c, ln = _pack(fresh)
            ec, el = E_packed[0]
            ans = mq._mq_array(*_concat_pairs(c, ln, ec, el)).reshape(len(fresh), len(E))
            for u in fresh:
                wid.setdefault(u, len(words))
                words.append(u)
            rowv.extend(to_ints(ans))
            append_rows(c, ln)
        return [wid[u] for u in new_words]

    def add_columns(cols: list[Word]) -> None:
        cols = [e for e in cols if e not in E_set]
        if not cols:
            return
        j0 = len(E)
        E.extend(cols)
        E_set.update(cols)
        E_packed[0] = _pack(E)
        c, ln = _pack(cols)
        rc, rl = rows_packed()
        ans = mq._mq_array(*_concat_pairs(rc, rl, c, ln)).reshape(len(words), len(cols))
        rowv[:] = [r | (x << j0) for r, x in zip(rowv, to_ints(ans))]

    def add_to_S(ids: list[int]) -> None:
        """Append rows to S and add (query) their one-letter extensions."""
        exts = [words[i] + (a,) for i in ids for a in range(k)]
        for i in ids:
            S.append(i)
            S_set.add(words[i])
        ext_ids = add_rows(exts)
        for j, i in enumerate(ids):
            succ[i] = ext_ids[j * k:(j + 1) * k]

    add_rows([()] + [(a,) for a in range(k)])
    S.append(0)
    S_set.add(())
    succ[0] = list(range(1, k + 1))

    def close_and_hypothesis() -> tuple[DFA, list[Word]]:
        # (rs) S rows distinct; (angluin) S may repeat rows: representatives = first seen
        while True:
            rep: dict[int, int] = {}
            reps: list[int] = []
            for i in S:
                r = rowv[i]
                if r not in rep:
                    rep[r] = len(reps)
                    reps.append(i)
            # closedness: scan S·A once, then only the extensions of the rows promoted to S
            pending = [j for i in S for j in succ[i]]
            while pending:
                new: list[int] = []
                for j in pending:
                    r = rowv[j]
                    if r not in rep:
                        rep[r] = len(reps)
                        reps.append(j)
                        new.append(j)
                if not new:
                    break
                add_to_S(new)
                pending = [j for i in new for j in succ[i]]
            if mode == "angluin":
                bad = _inconsistency(S, rowv, succ)
                if bad is not None:
                    a, diff = bad
                    j = (diff & -diff).bit_length() - 1
                    cols = [(a,) + E[j]]
                    if free_prefixes:
                        cols = [cols[0][:i] for i in range(len(cols[0]), 0, -1)]
                    add_columns(cols)
                    continue
            delta = np.array([[rep[rowv[j]] for j in succ[i]] for i in reps], dtype=np.int64)
            acc = np.array([rowv[i] & 1 for i in reps], dtype=bool)
            return (DFA._trusted(delta, acc, 0, teacher.alphabet),
                    [words[i] for i in reps])

    rounds = 0
    sizes: list[int] = []
    while True:
        hyp, reps = close_and_hypothesis()
        rounds += 1
        sizes.append(hyp.n_states)
        if len(sizes) > 1 and sizes[-1] <= sizes[-2]:
            raise OracleInconsistency(
                f"hypothesis did not grow after a counterexample ({sizes[-2]} -> {sizes[-1]} "
                "states): the membership answers are inconsistent")
        if max_states is not None and hyp.n_states > max_states:
            return counters.result(hyp, f"lstar-{mode}", False,
                                   f"hypothesis has {hyp.n_states} > max_states={max_states} "
                                   "states", rounds, sizes)
        w = eq._find_codes(hyp, mq)
        if w is None:
            return counters.result(hyp, f"lstar-{mode}", True,
                                   "equivalence oracle accepted the hypothesis", rounds, sizes)
        if max_rounds is not None and rounds >= max_rounds:
            return counters.result(hyp, f"lstar-{mode}", False,
                                   f"stopped after max_rounds={max_rounds} hypotheses", rounds,
                                   sizes)
        v0 = _check_cex(mq, hyp, w)
        if mode == "rs":
            states = _hyp_states(hyp.delta, 0, w)
            i = _rs_breakpoint(mq, reps, states, w, v0)
            suffix = w[i + 1:]
            cols = ([suffix[:j] for j in range(len(suffix), 0, -1)] if free_prefixes
                    else [suffix])
            add_columns(cols)
        else:
            pre = [w[:j] for j in range(1, len(w) + 1) if w[:j] not in S_set]
            ids = add_rows(pre + [u + (a,) for u in pre for a in range(k)])
            for i in ids[: len(pre)]:
                S.append(i)
                S_set.add(words[i])
            for j, i in enumerate(ids[: len(pre)]):
                succ[i] = ids[len(pre) + j * k: len(pre) + (j + 1) * k]


def _inconsistency(S: list[int], rowv: list[int],
                   succ: dict[int, list[int]]) -> tuple[int, int] | None:
    """(a, differing-bits) for two S rows that agree but whose a-successors differ."""
    first: dict[int, int] = {}
    for u in S:
        r = rowv[u]
        if r not in first:
            first[r] = u
            continue
        v = first[r]
        for a, (x, y) in enumerate(zip(succ[u], succ[v])):
            d = rowv[x] ^ rowv[y]
            if d:
                return a, d
    return None


def kv(teacher: Teacher, *, max_rounds: int | None = None,
       max_states: int | None = None) -> LearnResult:
    r"""Kearns–Vazirani learning with a discrimination tree.

    States are access words (leaves of a binary tree whose inner nodes hold
    distinguishing suffixes, the root holding ε); a transition ``u·a`` is found by
    *sifting* ``u·a`` down the tree. A counterexample is decomposed by the
    Rivest–Schapire binary search into ``u·a·v`` where ``v`` separates ``u·a`` from the
    state the hypothesis sends it to; that leaf is split with discriminator ``v`` and
    only the transitions into it are re-sifted (one query each). A counterexample is
    reprocessed until the hypothesis agrees with it, so there are at most ``n``
    equivalence queries.

    Parameters
    ----------
    teacher : Teacher
    max_rounds, max_states : int, optional
        As in :func:`lstar`.

    Returns
    -------
    LearnResult

    Notes
    -----
    With ``n`` states, ``k`` symbols and counterexamples of length at most ``m``: at
    most ``n`` equivalence queries and at most :math:`kn(n-1) + n(\lceil\log_2 m\rceil
    + 1) + 1` membership queries that reach the system (a transition pays one query per
    tree level it descends, and leaves have depth at most ``n-1``; one query and a
    binary search per counterexample). Kearns & Vazirani, *An Introduction to
    Computational Learning Theory*, MIT Press 1994, ch. 8; binary search from Rivest &
    Schapire 1993.

    Mealy and Moore machines: the tree branches on the last output of ``u·v`` (one
    child per output seen; sifting into an unseen output creates a state), a Moore
    tree's root discriminator is ε; at most ``n`` equivalence queries and

    * Mealy: :math:`k n^2 + (n-1)(\lceil\log_2 m\rceil + 3)` output queries;
    * Moore: :math:`k n (n-1) + n + (n-1)(\lceil\log_2 m\rceil + 3)`

    (``kn`` transitions each descend at most ``n - 1`` levels, one query per level; the
    output of each transition (Mealy) or state (Moore); per counterexample one query, a
    binary search and the two answers on the new discriminator).

    Examples
    --------
    >>> from provable import automata as am
    >>> target = am.random_dfa(30, 2, seed=0)
    >>> res = am.kv(am.Teacher.from_dfa(target))
    >>> am.isomorphic(res.model, am.minimize(target))
    True
    """
    teacher = _check_teacher(teacher)
    max_rounds, max_states = _limits(max_rounds, max_states)
    if teacher.kind != "dfa":
        from provable.automata._learners_io import kv_output
        return kv_output(teacher, _Counters(teacher), max_rounds, max_states)
    counters = _Counters(teacher)
    mq, eq = teacher.membership, teacher.equivalence
    k = len(teacher.alphabet)
    alg = "kv"

    v_eps = mq._mq(())
    hyp = DFA(np.zeros((1, k), dtype=np.int64), [v_eps], 0, teacher.alphabet)
    rounds, sizes = 1, [1]
    w = eq._find_codes(hyp, mq)
    if w is None:
        return counters.result(hyp, alg, True, "equivalence oracle accepted the hypothesis",
                               rounds, sizes)
    if max_rounds is not None and rounds >= max_rounds:
        return counters.result(hyp, alg, False, f"stopped after max_rounds={max_rounds} "
                               "hypotheses", rounds, sizes)
    _check_cex(mq, hyp, w)

    # tree: node arrays; leaves carry a state, inner nodes a discriminator
    disc: list[Word | None] = [(), None, None]
    child: list[list[int]] = [[0, 0], [-1, -1], [-1, -1]]
    leaf_state: list[int] = [-1, -1, -1]
    access: list[Word] = [(), w]
    acc: list[bool] = [v_eps, not v_eps]
    # child[node][answer]: answer False -> index 0, True -> index 1
    child[0][int(v_eps)] = 1
    child[0][int(not v_eps)] = 2
    leaf_state[1], leaf_state[2] = 0, 1
    leaf_of = [1, 2]
    trans: list[list[int]] = []          # trans[q][a] = leaf node
    into: dict[int, list[tuple[int, int]]] = {}

    def sift(items: list[tuple[int, int]], nodes: list[int]) -> None:
        """Sift transitions (q, a) starting at the given nodes; record the leaves."""
        cur = list(nodes)
        active = [i for i in range(len(items)) if disc[cur[i]] is not None]
        while active:
            words = [access[items[i][0]] + (items[i][1],) + disc[cur[i]] for i in active]
            ans = mq._mq_batch(words)
            nxt = []
            for i, r in zip(active, ans):
                cur[i] = child[cur[i]][int(r)]
                if disc[cur[i]] is not None:
                    nxt.append(i)
            active = nxt
        for (q, a), node in zip(items, cur):
            trans[q][a] = node
            into.setdefault(node, []).append((q, a))
            hdelta[0][q, a] = leaf_state[node]

    hdelta = [np.zeros((64, k), dtype=np.int64)]

    def grow(n: int) -> None:
        if n > hdelta[0].shape[0]:
            new = np.zeros((2 * n, k), dtype=np.int64)
            new[: hdelta[0].shape[0]] = hdelta[0]
            hdelta[0] = new

    def add_state_rows(qs: list[int]) -> None:
        grow(len(access))
        for _ in qs:
            trans.append([-1] * k)
        items = [(q, a) for q in qs for a in range(k)]
        sift(items, [0] * len(items))

    add_state_rows([0, 1])

    def hypothesis() -> DFA:
        n = len(access)
        return DFA._trusted(hdelta[0][:n].copy(), np.array(acc, dtype=bool), 0,
                            teacher.alphabet)

    pending: Word | None = None
    v_pending = False
    while True:
        hyp = hypothesis()
        if pending is not None:
            states = _hyp_states(hyp.delta, 0, pending)
            if bool(hyp.accepting[states[-1]]) == v_pending:
                pending = None
        if pending is None:
            rounds += 1
            sizes.append(hyp.n_states)
            if max_states is not None and hyp.n_states > max_states:
                return counters.result(hyp, alg, False, f"hypothesis has {hyp.n_states} > "
                                       f"max_states={max_states} states", rounds, sizes)
            w = eq._find_codes(hyp, mq)
            if w is None:
                return counters.result(hyp, alg, True,
                                       "equivalence oracle accepted the hypothesis", rounds,
                                       sizes)
            if max_rounds is not None and rounds >= max_rounds:
                return counters.result(hyp, alg, False, f"stopped after max_rounds="
                                       f"{max_rounds} hypotheses", rounds, sizes)
            v_pending = _check_cex(mq, hyp, w)
            pending = w
            states = _hyp_states(hyp.delta, 0, w)
        w = pending
        i = _rs_breakpoint(mq, access, states, w, v_pending)
        p, a, q = states[i], w[i], states[i + 1]
        v = w[i + 1:]
        r = len(access)
        new_access = access[p] + (a,)
        ans_r = mq._mq(new_access + v)
        ans_q = mq._mq(access[q] + v)
        if ans_r == ans_q:
            raise OracleInconsistency(
                f"counterexample {mq.alphabet.decode(w)!r}: binary search found no "
                "distinguishing suffix, the membership answers are inconsistent")
        access.append(new_access)
        acc.append(mq._mq(new_access))
        # split the leaf of q
        L = leaf_of[q]
        lq, lr = len(disc), len(disc) + 1
        disc.extend([None, None])
        child.extend([[-1, -1], [-1, -1]])
        leaf_state.extend([q, r])
        leaf_of[q] = lq
        leaf_of.append(lr)
        disc[L] = v
        leaf_state[L] = -1
        child[L] = [0, 0]
        child[L][int(ans_q)] = lq
        child[L][int(ans_r)] = lr
        moved = into.pop(L, [])
        trans.append([-1] * k)
        grow(len(access))
        sift(moved + [(r, b) for b in range(k)], [L] * len(moved) + [0] * k)
