"""Rates: symbolic bound calculators with provenance, and generated rate tables.

>>> from provable import bounds
>>> r = bounds.get("ucbvi.regret")
>>> r.exponent("T"), r.polylog
(1/2, log(T))
>>> bounds.get("avg_reward.tmix").exponent("t_mix")
1
"""

from provable.bounds._api import all, get, search
from provable.bounds._citation import Citation
from provable.bounds._rate import Comparison, Growth, Rate, compare
from provable.bounds._table import table
from provable.bounds._variables import Variable

__all__ = ["Rate", "Citation", "Variable", "Growth", "Comparison", "get", "search", "all",
           "table", "compare"]
