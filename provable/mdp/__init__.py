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
from provable.mdp._tabular import TabularMDP

__all__ = [
    "TabularMDP",
    "chain",
    "gridworld",
    "load",
    "random_mdp",
    "river_swim",
    "save",
    "sutton_barto_gridworld",
    "two_state_gadget",
]
