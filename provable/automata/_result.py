"""Result type of the automata learners."""

from __future__ import annotations

from provable._result import RichResult

__all__ = ["LearnResult"]


class LearnResult(RichResult):
    """Outcome of an automaton learner (a dict with attribute access).

    Fields
    ------
    model : DFA, MooreMachine or MealyMachine
        The learned machine (canonical BFS numbering), of the teacher's kind.
    algorithm : str
        ``"lstar-rs"``, ``"lstar-angluin"``, ``"kv"`` or ``"rpni"``.
    converged : bool
        True when the equivalence oracle accepted the model (active learners) or the
        sample was processed (RPNI). A round or state limit gives ``False``.
    message : str
    membership_queries : int
        Membership queries that reached the system (cache misses).
    equivalence_queries : int
    symbols_queried : int
        Total length of those membership queries.
    rounds : int
        Hypotheses built (= equivalence queries for the active learners).
    cache_hits : int
        Membership queries answered from the cache.
    eq_tests, eq_test_symbols : int
        Test words / symbols a testing equivalence oracle evaluated on the system.
    hypothesis_sizes : list of int
        Size of each hypothesis sent to the equivalence oracle, in order.
    steps, resets : int
        Interaction with the system: symbols fed and resets, for learning queries that
        missed the cache and for every test of a testing equivalence oracle (a
        :class:`SystemUnderLearning` is reset once per query or test word).
    seconds : float
        Wall time.
    """

    _fields = ("model", "algorithm", "converged", "message", "membership_queries",
               "equivalence_queries", "symbols_queried", "rounds", "cache_hits", "eq_tests",
               "eq_test_symbols", "hypothesis_sizes", "steps", "resets", "seconds")
