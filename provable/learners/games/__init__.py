"""Learning in games: (optimistic) Hedge self-play on matrix games, duality gaps, Nash
mirror prox on regularised preference games and self-play preference optimisation."""

from provable.learners.games._matrix import (
    GAME_METHODS,
    GameResult,
    duality_gap,
    matrix_game_selfplay,
)
from provable.learners.games._preference import (
    NashMPResult,
    check_preference_matrix,
    kl_divergence,
    nash_mp,
    preference_gap,
    random_preference_matrix,
    regularized_nash,
    spo_selfplay,
)

__all__ = [
    "GAME_METHODS",
    "GameResult",
    "NashMPResult",
    "check_preference_matrix",
    "duality_gap",
    "kl_divergence",
    "matrix_game_selfplay",
    "nash_mp",
    "preference_gap",
    "random_preference_matrix",
    "regularized_nash",
    "spo_selfplay",
]
