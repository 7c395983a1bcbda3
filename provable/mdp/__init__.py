"""Models: tabular and linear MDPs, generators and converters."""

from provable.mdp._generators import (
    chain,
    gridworld,
    random_mdp,
    river_swim,
    sutton_barto_gridworld,
    two_state_gadget,
)
from provable.mdp._io import load, save
from provable.mdp._linear import LinearMDP
from provable.mdp._linear_generators import combination_lock, low_rank_mdp, random_linear_mdp
from provable.mdp._tabular import LayoutWarning, TabularMDP

__all__ = [
    "LayoutWarning",
    "LinearMDP",
    "TabularMDP",
    "chain",
    "combination_lock",
    "gridworld",
    "load",
    "low_rank_mdp",
    "random_linear_mdp",
    "random_mdp",
    "river_swim",
    "save",
    "sutton_barto_gridworld",
    "two_state_gadget",
]
