"""DOT files: reading published models, writing, exact round trips, errors."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import provable.automata as am
from provable.errors import InvalidArgument, InvalidModel, ProvableError

DATA = Path(__file__).parent / "data"
FILES = sorted(DATA.glob("*.dot"))

# states / inputs of the published models, as their sources state them (AALpy's
# DotModels and LearnLib's BitVise.dot); not computed by the reader
SIZES = {
    "BitVise.dot": ("mealy", 66, 13),
    "tcp_server_windows_trans.dot": ("mealy", 38, 13),
    "TCP_Linux_Client.dot": ("mealy", 15, 10),
    "mosquitto__two_client_will_retain.dot": ("mealy", 18, 9),
    "tomita_3.dot": ("dfa", 5, 2),
    "coffee_moore.dot": ("moore", 3, 2),
    "mooreModel.dot": ("moore", 9, 2),
    "simple_abc_mealy.dot": ("mealy", 1, 3),
    "JSSE_1.8.0_25_server_regular.dot": ("mealy", 9, 8),
}
# files whose labels AALpy's line-based loader cannot parse (HTML labels)
AALPY_UNREADABLE = {"JSSE_1.8.0_25_server_regular.dot"}
KIND = {"dfa": am.DFA, "moore": am.MooreMachine, "mealy": am.MealyMachine}


def same(a, b) -> bool:
    """Identical tables, start, alphabet and labels (not only isomorphic)."""
    if type(a) is not type(b) or a.alphabet != b.alphabet or a.start != b.start:
        return False
    if not np.array_equal(a.delta, b.delta):
        return False
    if isinstance(a, am.DFA):
        return bool(np.array_equal(a.accepting, b.accepting))
    return a.outputs == b.outputs


def test_shipped_files_present_with_readme():
    assert len(FILES) >= 20
    readme = (DATA / "README.md").read_text()
    for f in FILES:
        assert f.name in readme, f"{f.name} has no source line in data/README.md"


@pytest.mark.parametrize("path", FILES, ids=[f.name for f in FILES])
def test_every_shipped_file_reads_and_round_trips(path, tmp_path):
    m = am.read_dot(path)
    if path.name in SIZES:
        kind, n, k = SIZES[path.name]
        assert isinstance(m, KIND[kind]) and (m.n_states, m.n_symbols) == (n, k)
    out = am.write_dot(m, tmp_path / path.name)
    back = am.read_dot(out)
    assert same(back, m)
    assert same(am.read_dot(am.to_dot(m)), m)
    # the published models are minimal: minimisation keeps every state
    assert am.minimize(m).n_states == m.n_states


def _aalpy_outputs(a, word):
    a.reset_to_initial()
    return [a.step(s) for s in word]


@pytest.mark.parametrize("path", FILES, ids=[f.name for f in FILES])
def test_aalpy_reads_the_same_machine(path, tmp_path):
    """AALpy's loader on the published file and on the file write_dot wrote agrees
    with read_dot on random words (AALpy turns digit labels into ints and keeps the
    blank after '/': compared as stripped text)."""
    utils = pytest.importorskip("aalpy.utils")
    m = am.read_dot(path)
    kind = {am.DFA: "dfa", am.MooreMachine: "moore", am.MealyMachine: "mealy"}[type(m)]
    written = am.write_dot(m, tmp_path / path.name)
    rng = np.random.default_rng(0)
    for src in (path, written):
        if src == path and path.name in AALPY_UNREADABLE:
            continue
        a = utils.load_automaton_from_file(str(src), kind)
        conv = {str(s).strip(): s for s in a.get_input_alphabet()}
        for _ in range(30):
            word = [m.alphabet.symbols[c] for c in rng.integers(0, m.n_symbols, size=12)]
            theirs = [str(o).strip() for o in _aalpy_outputs(a, [conv[s] for s in word])]
            if isinstance(m, am.MealyMachine):
                mine = m.transduce(word)
            elif isinstance(m, am.MooreMachine):
                mine = m.trace(word)[1:]
            else:
                mine = [str(bool(m.accepting[m.run(word[:i + 1])])) for i in range(len(word))]
            assert theirs == [str(o) for o in mine]


def test_round_trip_of_awkward_symbols(tmp_path):
    syms = ["ACK(V,V,0)", "a/b", 'say "hi"', " padded ", "back\\", "", "x|y", "{z}"]
    outs = ["RST(ZERO,ZERO,0)", "p/q", "", "r|s", '"', "back\\", "  ", "ok"]
    n, k = 3, len(syms)
    delta = [[(q + a) % n for a in range(k)] for q in range(n)]
    me = am.MealyMachine(delta, [[outs[(q + a) % k] for a in range(k)] for q in range(n)],
                         alphabet=syms)
    assert same(am.read_dot(am.write_dot(me, tmp_path / "m.dot")), me)
    mo = am.MooreMachine(delta, [outs[0], outs[3], outs[2]], start=2, alphabet=syms)
    assert same(am.read_dot(am.write_dot(mo, tmp_path / "o.dot")), mo)
    d = am.DFA(delta, [True, False, True], start=1, alphabet=syms)
    assert same(am.read_dot(am.write_dot(d, tmp_path / "d.dot")), d)


def test_parallel_edges_are_separate_statements():
    d = am.from_regex("(a|b)*abb", "ab")
    text = am.to_dot(d)
    # a pair of states joined on both symbols gets two edge statements, no "a,b" label
    assert '"a,b"' not in text
    assert text.count("->") == d.n_states * d.n_symbols + 1


def test_learnlib_and_aalpy_layouts():
    text = """
    // LearnLib layout: no semicolons, bare node statements, spaced labels
    digraph G {
    __start0 [label="" shape="none"];
    __start0 -> s1;
    s0
    s1
    s1 -> s0[label="KEXINIT / KEXINIT"]
    s1 -> s1[label="NEWKEYS / NO_RESP"]
    s0 -> s0[label="KEXINIT / DISCONNECT"] s0 -> s1[label="NEWKEYS / NO_RESP"]
    /* a comment
       over two lines */
    }"""
    m = am.read_dot(text)
    assert isinstance(m, am.MealyMachine) and m.start == 1
    assert m.transduce(["KEXINIT", "KEXINIT", "NEWKEYS"]) == ["KEXINIT", "DISCONNECT",
                                                                "NO_RESP"]
    moore = am.read_dot('digraph g { __start0 -> A; A [shape="record", label="{ A | 0 }"];\n'
                        'B [label="{ B | 1 }"]; A -> B [label="x"]; B -> A [label="x"]; }')
    assert isinstance(moore, am.MooreMachine) and moore.trace("xx") == ["0", "1", "0"]
    chain = am.read_dot('digraph { __start0 -> p; p -> q -> p [label="t"] }')
    assert isinstance(chain, am.DFA) and chain.n_states == 2 and chain.run("t") == 1


def test_html_labels_with_several_inputs():
    """The automata wiki's compact layout: inputs joined by '|', a line break, the output."""
    m = am.read_dot('digraph { __start0 -> s0;\n'
                    's0 -> s1 [label=<Hello | Retry<br />Hello &amp; Done>];\n'
                    's0 -> s0 [label=<Bye<br/>Closed>];\n'
                    's1 -> s1 [label=<Hello | Retry | Bye<br />Empty>]; }')
    assert isinstance(m, am.MealyMachine) and m.alphabet.symbols == ("Hello", "Retry", "Bye")
    assert m.transduce(["Retry", "Bye", "Hello"]) == ["Hello & Done", "Empty", "Empty"]
    assert m.transduce(["Bye"]) == ["Closed"]


def test_kind_can_be_forced():
    text = 'digraph { __start0 -> s0; s0 [shape=doublecircle]; s0 -> s0 [label="a/b"] }'
    assert isinstance(am.read_dot(text), am.MealyMachine)
    d = am.read_dot(text, kind="dfa")
    assert isinstance(d, am.DFA) and d.alphabet.symbols == ("a/b",) and d.accepts(["a/b"])


def test_input_incomplete_needs_complete():
    text = """digraph { __start0 -> s0;
    s0 -> s1 [label="a/x"];
    s1 -> s0 [label="b/y"];
    }"""
    with pytest.raises(am.DotError, match=r"<text>:2 at token 's0'.*no transition on 'b'.*"
                                          r"complete=True"):
        am.read_dot(text)
    m = am.read_dot(text, complete=True, fill_output="-")
    assert m.n_states == 3
    assert m.transduce("ab") == ["x", "y"] and m.transduce("b") == ["-"]
    assert m.transduce("bab") == ["-", "-", "-"]  # the sink loops
    d = am.read_dot('digraph { __start0 -> s0; s0 [shape=doublecircle]; s0 -> s0 '
                    '[label="a"]; }', alphabet="ab", complete=True)
    assert d.accepts("aa") and not d.accepts("ab") and d.n_states == 2


@pytest.mark.parametrize("text,match", [
    ('digraph { __start0 -> s0; s0 -> s0 [label="a/x"]; s0 -> s0 [label="a/y"]; }',
     r"<text>:1 at token 'a'.*already has a transition.*line 1.*output 'x'.*non-deterministic"),
    ('digraph {\n s0 -> s0 [label="a"];\n}', r"<text>: no start state.*__start0"),
    ('digraph {\n __start0 -> s0;\n __start0 -> s1;\n s0 -> s1 [label="a"]; s1 -> s0 '
     '[label="a"] }', r"<text>:3 at token 's1': a second start edge"),
    ('digraph {\n __start0 -> s0;\n s0 -> s0 [label="a" ;\n', r"<text>:3.*file ends inside"),
    ('digraph {\n __start0 -> s0;\n s0 -> s0 [label="a];\n}', r"<text>:3.*not closed"),
    ('graph { a -- b }', r"<text>:1 at token 'graph': an undirected graph"),
    ('digraph { __start0 -> s0; s0 -> s0 [label="a/x"]; s0 -> s0 [label="b"]; }',
     r"at token 'b': Mealy edge label has no '/'"),
    ('digraph { __start0 -> s0; s0 [shape=record, label="s0|1"]; s1 [shape=record]; '
     's0 -> s1 [label="a"]; s1 -> s0 [label="a"]; }', r"at token 's1': Moore state has no output"),
    ('digraph {\n __start0 -> s0;\n s0 -> s0 [label="a"] ! }', r"<text>:3 at token '!'"),
    ('digraph { __start0 -> s0; s0 -> s0; }', r"edge has no label"),
])
def test_bad_files_name_line_and_token(text, match):
    with pytest.raises(am.DotError, match=match) as info:
        am.read_dot(text)
    assert isinstance(info.value, InvalidModel) and isinstance(info.value, ProvableError)


def test_bad_file_names_the_path(tmp_path):
    p = tmp_path / "broken.dot"
    p.write_text('digraph {\n__start0 -> s0;\ns0 -> s0 [label="a/x"]\ns0 -> s0 [label="a/y"]\n}')
    with pytest.raises(am.DotError, match=r"broken\.dot:4 at token 'a'") as info:
        am.read_dot(p)
    assert (info.value.line, info.value.token) == (4, "a")
    with pytest.raises(InvalidArgument, match="cannot read DOT file"):
        am.read_dot(tmp_path / "missing.dot")
    with pytest.raises(am.DotError, match="symbol is not in alphabet"):
        am.read_dot('digraph { __start0 -> s0; s0 -> s0 [label="c"]; }', alphabet="ab")


def test_write_refuses_symbols_with_the_same_text(tmp_path):
    d = am.DFA([[0, 0]], [True], alphabet=[1, "1"])
    with pytest.raises(InvalidArgument, match=r"symbols 1 and '1' are both written '1'"):
        am.write_dot(d, tmp_path / "x.dot")


def test_non_string_symbols_come_back_as_their_text(tmp_path):
    d = am.random_dfa(12, 3, seed=4, alphabet=[0, 1, 2])
    back = am.read_dot(am.write_dot(d, tmp_path / "d.dot"))
    assert back.alphabet.symbols == ("0", "1", "2")
    for w in itertools.product(range(3), repeat=4):
        assert back.accepts([str(c) for c in w]) == d.accepts(w)


_TEXT = st.text(alphabet=st.sampled_from(list('ab/|"\\ {}<>,;=\n-_#') + ["é", "→"]),
                max_size=6)


@settings(derandomize=True, max_examples=40, deadline=None)
@given(st.sampled_from(["dfa", "moore", "mealy"]), st.integers(1, 5),
       st.lists(_TEXT, min_size=1, max_size=4, unique=True), st.lists(_TEXT, min_size=1,
                                                                      max_size=4),
       st.integers(0, 2**31))
def test_random_machines_with_awkward_labels_round_trip(kind, n, syms, outs, seed):
    rng = np.random.default_rng(seed)
    k = len(syms)
    delta = rng.integers(0, n, size=(n, k))
    start = int(rng.integers(0, n))
    if kind == "dfa":
        m = am.DFA(delta, rng.random(n) < 0.5, start, syms)
    elif kind == "moore":
        m = am.MooreMachine(delta, [outs[i] for i in rng.integers(0, len(outs), n)], start,
                            syms)
    else:
        m = am.MealyMachine(delta, [[outs[i] for i in row] for row in
                                    rng.integers(0, len(outs), (n, k))], start, syms)
    # only the states that appear in the file are numbered: every state has edges
    assert same(am.read_dot(am.to_dot(m)), m)
