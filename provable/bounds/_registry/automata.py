"""Exact learning of automata with membership and equivalence queries."""

from __future__ import annotations

from provable.bounds._rate import Rate
from provable.bounds._registry._common import ref, syms


def rates() -> list[Rate]:
    n, m, k = syms("n m k")
    angluin = ref("Learning Regular Sets from Queries and Counterexamples", "Angluin", 1987,
                  note="Information and Computation 75(2).")
    kv = ref("An Introduction to Computational Learning Theory", "Kearns, Vazirani", 1994,
             note="MIT Press, ch. 8. Query counts as tabulated by Isberner, Howar, Steffen "
                  "(The TTT Algorithm, 2014): O(k n^2 + n m) membership queries, at most n "
                  "equivalence queries.")
    conv = ("n states of the minimal target DFA, alphabet size k, longest counterexample "
            "length m")
    return [
        Rate("lstar.equivalence_queries", n, explicit=n, constants="explicit", kind="upper",
             quantity="query complexity", setting="automata", algorithm="L*",
             main_var="n", monotone=["n"], citation=angluin, convention=conv,
             note="At most n - 1 counterexamples, hence at most n equivalence queries."),
        Rate("lstar.membership_queries", k * m * n ** 2, measure="membership queries",
             explicit=(k + 1) * (n + m * (n - 1)) * n, constants="explicit", kind="upper",
             quantity="query complexity", setting="automata", algorithm="L*",
             main_var="n", monotone=["n", "m", "k"], citation=angluin, convention=conv,
             note="Observation table of at most (k + 1)(n + m(n - 1)) rows and n columns."),
        Rate("kv.queries", k * n ** 2 + n * m, kind="upper", quantity="query complexity",
             setting="automata", algorithm="Kearns-Vazirani (membership queries)",
             main_var="n", monotone=["n", "m", "k"], citation=kv, convention=conv,
             note="Membership queries; constants hidden."),
        Rate("kv.equivalence_queries", n, explicit=n, constants="explicit", kind="upper",
             quantity="query complexity", setting="automata",
             algorithm="Kearns-Vazirani (equivalence queries)", main_var="n",
             monotone=["n"], citation=kv, convention=conv),
    ]
