"""Automata: DFA / Moore / Mealy models, minimisation, equivalence, learners, DOT files.

Models (:class:`DFA`, :class:`MooreMachine`, :class:`MealyMachine`) store a transition
table ``delta`` of shape ``(n, k)`` over an alphabet of hashable symbols. Algorithms:
:func:`trim`, :func:`minimize` (Hopcroft, O(k n log n)), :func:`canonical`,
:func:`isomorphic`, :func:`equivalent` (shortest counterexample), products,
:func:`from_regex`. Files: :func:`read_dot` / :func:`write_dot` / :func:`to_dot` (the
AALpy, LearnLib and automata-wiki layout), :func:`to_aalpy` / :func:`from_aalpy`.
Learners: :func:`lstar`, :func:`kv` (active, through a :class:`Teacher`; DFAs by
membership queries, Mealy and Moore machines by output queries, also on a step-wise
:class:`SystemUnderLearning`) and :func:`rpni` (passive), each returning a
:class:`LearnResult`. Equivalence oracles: exact, random words / walks, PAC, and
conformance testing (:class:`WMethodOracle`, :class:`WpMethodOracle`,
:class:`RandomWMethodOracle`).

Examples
--------
>>> from provable import automata as am
>>> target = am.random_dfa(40, 2, seed=0)
>>> res = am.lstar(am.Teacher.from_dfa(target))
>>> am.equivalent(res.model, target)
(True, None)
>>> coffee = am.read_dot('''digraph { __start0 -> s0;
...   s0 -> s1 [label="coin/beep"]; s0 -> s0 [label="button/init"];
...   s1 -> s1 [label="coin/beep"]; s1 -> s0 [label="button/coffee"]; }''')
>>> am.equivalent(am.kv(am.Teacher.from_model(coffee, "wp")).model, coffee)
(True, None)
"""

from provable.automata._algorithms import (
    canonical,
    complement,
    difference,
    equivalent,
    intersection,
    isomorphic,
    minimize,
    product,
    symmetric_difference,
    to_dot,
    trim,
    union,
)
from provable.automata._alphabet import Alphabet
from provable.automata._conformance import (
    RandomWMethodOracle,
    WMethodOracle,
    WpMethodOracle,
    characterization_set,
    separating_words,
)
from provable.automata._dot import DotError, read_dot, write_dot
from provable.automata._interop import from_aalpy, to_aalpy
from provable.automata._learners import kv, lstar
from provable.automata._models import DFA, MealyMachine, MooreMachine, random_dfa
from provable.automata._oracles import (
    DFAMembership,
    EquivalenceOracle,
    ExactOracle,
    FunctionMembership,
    MachineMembership,
    MachineSUL,
    MembershipOracle,
    OutputOracle,
    PACOracle,
    RandomWalkOracle,
    RandomWordOracle,
    SULMembership,
    SystemUnderLearning,
    Teacher,
)
from provable.automata._regex import from_regex
from provable.automata._result import LearnResult
from provable.automata._rpni import characteristic_sample, rpni

__all__ = [
    "Alphabet",
    "DFA",
    "DFAMembership",
    "DotError",
    "EquivalenceOracle",
    "ExactOracle",
    "FunctionMembership",
    "LearnResult",
    "MachineMembership",
    "MachineSUL",
    "MealyMachine",
    "MembershipOracle",
    "MooreMachine",
    "OutputOracle",
    "PACOracle",
    "RandomWMethodOracle",
    "RandomWalkOracle",
    "RandomWordOracle",
    "SULMembership",
    "SystemUnderLearning",
    "Teacher",
    "WMethodOracle",
    "WpMethodOracle",
    "canonical",
    "characteristic_sample",
    "characterization_set",
    "complement",
    "difference",
    "equivalent",
    "from_aalpy",
    "from_regex",
    "intersection",
    "isomorphic",
    "kv",
    "lstar",
    "minimize",
    "product",
    "random_dfa",
    "read_dot",
    "rpni",
    "separating_words",
    "symmetric_difference",
    "to_aalpy",
    "to_dot",
    "trim",
    "union",
    "write_dot",
]
