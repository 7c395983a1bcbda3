"""Planning with a known linear MDP."""

from provable.solvers.linear.lsvi import lsvi

__all__ = ["lsvi"]
