"""L* and Kearns–Vazirani for Mealy and Moore machines (output queries).

An output query on a word returns the system's outputs along it; the teacher's cache
answers every prefix of a word asked before. Table cells and discriminators use the
*last* output of ``u·e`` (Mealy: of the last transition; Moore: of the state reached).
When a counterexample suffix ``v`` is added, every prefix of ``v`` is added too, which
holds the same information as a cell with all the outputs along ``v`` (AALpy's
``all_prefixes_in_obs_table``) at no query cost: the prefixes of ``u·v`` are cache hits.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from provable.automata._models import MealyMachine, MooreMachine
from provable.automata._oracles import OutputOracle, Teacher, _pack
from provable.errors import OracleInconsistency

Word = tuple[int, ...]


def _hyp_last_outputs(hyp: Any, mq: OutputOracle, w: Word) -> list[int]:
    """Codes of the hypothesis' last output on every prefix of ``w`` (index j: prefix
    of length j; Mealy: index 0 unused)."""
    out = [mq._none if isinstance(hyp, MealyMachine) else mq._code(hyp.outputs[hyp.start])]
    q = hyp.start
    for c in w:
        if isinstance(hyp, MealyMachine):
            out.append(mq._code(hyp.outputs[q][c]))
            q = int(hyp.delta[q, c])
        else:
            q = int(hyp.delta[q, c])
            out.append(mq._code(hyp.outputs[q]))
    return out


def _disagreement(hyp: Any, mq: OutputOracle, w: Word) -> int | None:
    """Length of the shortest prefix of ``w`` whose last output the hypothesis gets
    wrong (cached output queries on ``w``), or None when it agrees everywhere."""
    mealy = isinstance(hyp, MealyMachine)
    sysout = mq._mq_batch([w[:j] for j in range(len(w), 0 if mealy else -1, -1)])[::-1]
    hy = _hyp_last_outputs(hyp, mq, w)[1 if mealy else 0:]
    for j, (a, b) in enumerate(zip(sysout, hy)):
        if int(a) != b:
            return j + (1 if mealy else 0)
    return None


def _rs_split(mq: OutputOracle, hyp: Any, access: list[Word], w: Word) -> tuple[int, Word]:
    """Rivest–Schapire on a counterexample ``w`` whose *last* output the hypothesis gets
    wrong: ``i`` and the suffix ``v = w[i+1:]`` such that the system's last outputs on
    ``access(q_i)·w[i:]`` and ``access(q_{i+1})·w[i+1:]`` differ from / agree with the
    hypothesis (``q_i`` the hypothesis state after ``w[:i]``)."""
    states = [hyp.start]
    q = hyp.start
    for c in w:
        q = int(hyp.delta[q, c])
        states.append(q)
    target = _hyp_last_outputs(hyp, mq, w)[-1]
    mealy = isinstance(hyp, MealyMachine)
    lo, hi = 0, len(w) - 1 if mealy else len(w)
    if hi <= lo:
        raise OracleInconsistency(
            f"counterexample {mq.alphabet.decode(w)!r}: the hypothesis' first output comes "
            "from an output query, yet the system now answers differently: the output "
            "answers are inconsistent")
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if int(mq._mq(access[states[mid]] + w[mid:])) == target:
            hi = mid
        else:
            lo = mid
    return lo, w[lo + 1:]


def lstar_output(teacher: Teacher, counters: Any, max_rounds: int | None,
                 max_states: int | None) -> Any:
    """L* with Rivest–Schapire counterexample processing for Mealy / Moore teachers."""
    from provable.automata._kernels import _concat_pairs
    mq: OutputOracle = teacher.membership  # type: ignore[assignment]
    eq = teacher.equivalence
    mealy = teacher.kind == "mealy"
    k = len(teacher.alphabet)
    alg = "lstar-rs"
    E: list[Word] = [(a,) for a in range(k)] if mealy else [()]
    E_set = set(E)
    rows: dict[Word, list[int]] = {}
    S: list[Word] = [()]
    S_set: set[Word] = {()}

    def fill(words: list[Word], cols: list[Word]) -> None:
        if not words or not cols:
            return
        c, ln = _pack(words)
        ec, el = _pack(cols)
        ans = mq._mq_array(*_concat_pairs(c, ln, ec, el)).reshape(len(words), len(cols))
        for u, r in zip(words, ans.tolist()):
            rows.setdefault(u, []).extend(r)

    def add_rows(words: list[Word]) -> None:
        fill([u for u in dict.fromkeys(words) if u not in rows], E)

    def add_columns(cols: list[Word]) -> None:
        cols = [e for e in dict.fromkeys(cols) if e not in E_set]
        if cols:
            E.extend(cols)
            E_set.update(cols)
            fill(list(rows), cols)

    add_rows([()] + [(a,) for a in range(k)])

    keys: dict[Word, tuple] = {}  # row tuples, dropped when columns are added

    def key(u: Word) -> tuple:
        r = keys.get(u)
        if r is None:
            r = keys[u] = tuple(rows[u])
        return r

    def close() -> None:
        keys.clear()
        srows = {key(s) for s in S}
        pending = [s + (a,) for s in S for a in range(k)]
        while True:
            new: list[Word] = []
            for u in pending:
                if u in S_set:
                    continue
                r = key(u)
                if r not in srows:
                    srows.add(r)
                    new.append(u)
            if not new:
                return
            S.extend(new)
            S_set.update(new)
            pending = [u + (a,) for u in new for a in range(k)]
            add_rows(pending)

    def hypothesis() -> Any:
        idx = {key(s): i for i, s in enumerate(S)}
        delta = np.array([[idx[key(s + (a,))] for a in range(k)] for s in S],
                         dtype=np.int64)
        vals = mq._values
        if mealy:
            outs = [[vals[rows[s][a]] for a in range(k)] for s in S]
            return MealyMachine._trusted(delta, outs, 0, teacher.alphabet)
        return MooreMachine._trusted(delta, [vals[rows[s][0]] for s in S], 0,
                                     teacher.alphabet)

    rounds, sizes = 0, []
    pending: Word | None = None
    last = 0
    while True:
        close()
        hyp = hypothesis()
        if hyp.n_states <= last:
            raise OracleInconsistency(
                f"hypothesis did not grow after a counterexample ({last} -> "
                f"{hyp.n_states} states): the output answers are inconsistent")
        last = hyp.n_states
        cut = None if pending is None else _disagreement(hyp, mq, pending)
        if cut is None:
            rounds += 1
            if max_states is not None and hyp.n_states > max_states:
                sizes.append(hyp.n_states)
                return counters.result(hyp, alg, False, f"hypothesis has {hyp.n_states} > "
                                       f"max_states={max_states} states", rounds, sizes)
            sizes.append(hyp.n_states)
            w = eq._find_codes(hyp, mq)
            if w is None:
                return counters.result(hyp, alg, True, "equivalence oracle accepted the "
                                       "hypothesis", rounds, sizes)
            if max_rounds is not None and rounds >= max_rounds:
                return counters.result(hyp, alg, False, f"stopped after max_rounds="
                                       f"{max_rounds} hypotheses", rounds, sizes)
            cut = _disagreement(hyp, mq, w)
            if cut is None:
                raise OracleInconsistency(
                    f"the equivalence oracle returned the counterexample "
                    f"{mq.alphabet.decode(w)!r}, but the output queries on it agree with the "
                    "hypothesis: the two oracles are inconsistent")
            pending = w
        _, v = _rs_split(mq, hyp, S, pending[:cut])
        add_columns([v[:j] for j in range(len(v), 0, -1)])


def kv_output(teacher: Teacher, counters: Any, max_rounds: int | None,
              max_states: int | None) -> Any:
    """Kearns–Vazirani with a multi-way discrimination tree for Mealy / Moore teachers."""
    mq: OutputOracle = teacher.membership  # type: ignore[assignment]
    eq = teacher.equivalence
    mealy = teacher.kind == "mealy"
    k = len(teacher.alphabet)
    alg = "kv"
    # tree nodes: disc[node] (None: a leaf), children[node]: answer code -> node
    disc: list[Word | None] = [None]
    children: list[dict[int, int]] = [{}]
    leaf_state: list[int] = [0]
    access: list[Word] = [()]
    leaf_of: list[int] = [0]
    trans: list[list[int]] = []  # trans[q][a] = leaf node
    into: dict[int, list[tuple[int, int]]] = {}
    st_out: list[int] = [] if mealy else [int(mq._mq(()))]
    tr_out: list[list[int]] = []

    def new_state(w: Word, leaf: int) -> int:
        q = len(access)
        access.append(w)
        leaf_of.append(leaf)
        leaf_state[leaf] = q
        if not mealy:
            st_out.append(int(mq._mq(w)))
        return q

    def sift(items: list[tuple[int, int]], nodes: list[int]) -> None:
        """Sift transitions (q, a) from the given nodes; a missing branch is a new state."""
        cur = list(nodes)
        active = [i for i in range(len(items)) if disc[cur[i]] is not None]
        while active:
            words = [access[items[i][0]] + (items[i][1],) + disc[cur[i]] for i in active]
            ans = mq._mq_batch(words)
            nxt = []
            for i, r in zip(active, ans.tolist()):
                node = cur[i]
                ch = children[node].get(r)
                if ch is None:  # distinguished from every state below: a new state
                    ch = len(disc)
                    disc.append(None)
                    children.append({})
                    leaf_state.append(-1)
                    children[node][r] = ch
                    q, a = items[i]
                    new_state(access[q] + (a,), ch)
                    grow_new.append(len(access) - 1)
                cur[i] = ch
                if disc[ch] is not None:
                    nxt.append(i)
            active = nxt
        for (q, a), node in zip(items, cur):
            trans[q][a] = node
            into.setdefault(node, []).append((q, a))

    grow_new: list[int] = []

    def add_state_rows(qs: list[int]) -> None:
        for _ in qs:
            trans.append([-1] * k)
            tr_out.append([-1] * k)
        sift([(q, a) for q in qs for a in range(k)], [0] * (len(qs) * k))
        if mealy:  # after sifting: u·a is a prefix of the sifting queries (cache hits)
            ans = mq._mq_batch([access[q] + (a,) for q in qs for a in range(k)]).tolist()
            for j, q in enumerate(qs):
                tr_out[q] = ans[j * k:(j + 1) * k]

    def settle() -> None:
        while grow_new:
            qs = list(grow_new)
            grow_new.clear()
            add_state_rows(qs)

    if mealy:  # one state, self-loops; the first counterexample splits the root leaf
        trans.append([0] * k)
        tr_out.append([int(x) for x in mq._mq_batch([(a,) for a in range(k)])])
        into[0] = [(0, a) for a in range(k)]
    else:  # the root discriminates by the state output (the empty suffix)
        disc[:] = [(), None]
        children[:] = [{st_out[0]: 1}, {}]
        leaf_state[:] = [-1, 0]
        leaf_of[:] = [1]
        add_state_rows([0])

    def hypothesis() -> Any:
        n = len(access)
        delta = np.array([[leaf_state[trans[q][a]] for a in range(k)] for q in range(n)],
                         dtype=np.int64)
        vals = mq._values
        if mealy:
            return MealyMachine._trusted(delta, [[vals[c] for c in tr_out[q]] for q in range(n)],
                                         0, teacher.alphabet)
        return MooreMachine._trusted(delta, [vals[c] for c in st_out], 0, teacher.alphabet)

    rounds, sizes = 0, []
    pending: Word | None = None
    while True:
        settle()
        hyp = hypothesis()
        cut = None if pending is None else _disagreement(hyp, mq, pending)
        if cut is None:
            rounds += 1
            sizes.append(hyp.n_states)
            if max_states is not None and hyp.n_states > max_states:
                return counters.result(hyp, alg, False, f"hypothesis has {hyp.n_states} > "
                                       f"max_states={max_states} states", rounds, sizes)
            w = eq._find_codes(hyp, mq)
            if w is None:
                return counters.result(hyp, alg, True, "equivalence oracle accepted the "
                                       "hypothesis", rounds, sizes)
            if max_rounds is not None and rounds >= max_rounds:
                return counters.result(hyp, alg, False, f"stopped after max_rounds="
                                       f"{max_rounds} hypotheses", rounds, sizes)
            cut = _disagreement(hyp, mq, w)
            if cut is None:
                raise OracleInconsistency(
                    f"the equivalence oracle returned the counterexample "
                    f"{mq.alphabet.decode(w)!r}, but the output queries on it agree with the "
                    "hypothesis: the two oracles are inconsistent")
            pending = w
        w = pending[:cut]
        i, v = _rs_split(mq, hyp, access, w)
        states = [hyp.start]
        for c in w:
            states.append(int(hyp.delta[states[-1], c]))
        p, a, q = states[i], w[i], states[i + 1]
        new_access = access[p] + (a,)
        ans_r = int(mq._mq(new_access + v))
        ans_q = int(mq._mq(access[q] + v))
        if ans_r == ans_q:
            raise OracleInconsistency(
                f"counterexample {mq.alphabet.decode(pending)!r}: binary search found no "
                "distinguishing suffix, the output answers are inconsistent")
        # split the leaf of q: inner node with discriminator v, two leaves
        L = leaf_of[q]
        lq, lr = len(disc), len(disc) + 1
        disc.extend([None, None])
        children.extend([{}, {}])
        leaf_state.extend([q, -1])
        leaf_of[q] = lq
        disc[L] = v
        leaf_state[L] = -1
        children[L] = {ans_q: lq, ans_r: lr}
        r = new_state(new_access, lr)
        moved = into.pop(L, [])
        trans.append([-1] * k)
        tr_out.append([-1] * k)
        sift(moved + [(r, b) for b in range(k)], [L] * len(moved) + [0] * k)
        if mealy:
            tr_out[r] = [int(x) for x in mq._mq_batch([new_access + (b,) for b in range(k)])]
