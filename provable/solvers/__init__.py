"""Planning with a known model: certified tabular solvers (and LSVI for linear MDPs).

Every solver returns a :class:`SolveResult` whose ``error_bound`` certifies its values.
"""

from provable.solvers._common import evaluate_policy, greedy, occupancy, policy_gain, q_from_v
from provable.solvers._result import SolveResult
from provable.solvers._solve import METHODS, solve
from provable.solvers.linear.lsvi import lsvi
from provable.solvers.tabular.average_reward import average_reward
from provable.solvers.tabular.exact import exact_solve
from provable.solvers.tabular.finite_horizon import backward_induction
from provable.solvers.tabular.linear_program import linear_program
from provable.solvers.tabular.policy_iteration import modified_policy_iteration, policy_iteration
from provable.solvers.tabular.value_iteration import value_iteration

__all__ = [
    "METHODS",
    "SolveResult",
    "average_reward",
    "backward_induction",
    "evaluate_policy",
    "exact_solve",
    "greedy",
    "linear_program",
    "lsvi",
    "modified_policy_iteration",
    "occupancy",
    "policy_gain",
    "policy_iteration",
    "q_from_v",
    "solve",
    "value_iteration",
]
