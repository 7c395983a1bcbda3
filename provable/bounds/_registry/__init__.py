"""The rate registry: one module per setting, loaded lazily on first use."""

from __future__ import annotations

import importlib

from provable.bounds._rate import Rate
from provable.errors import InvalidModel

__all__ = ["MODULES", "registry"]

MODULES = (
    "bandits", "oco", "games", "rlhf", "tabular_mdp", "average_reward", "linear_mdp",
    "policy_gradient", "automata", "diffusion", "submodular", "online_algorithms",
    "sequence_models",
)

_REGISTRY: dict[str, Rate] | None = None


def registry() -> dict[str, Rate]:
    """All rates by id (built on first call)."""
    global _REGISTRY
    if _REGISTRY is None:
        reg: dict[str, Rate] = {}
        for name in MODULES:
            mod = importlib.import_module(f"{__name__}.{name}")
            for rate in mod.rates():
                if rate.id in reg:
                    raise InvalidModel(f"duplicate rate id {rate.id!r} in module {name!r}")
                reg[rate.id] = rate
        _REGISTRY = reg
    return _REGISTRY
