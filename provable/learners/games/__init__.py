"""Learning in games: (optimistic) Hedge self-play on matrix games, duality gaps, Nash
mirror prox on regularised preference games, self-play preference optimisation, and
extensive-form games (Kuhn poker, exact exploitability, LocalOMD)."""

from provable.learners.games._efg import (
    KUHN_VALUE,
    ExtensiveFormGame,
    LocalOMDResult,
    balanced_policy,
    best_response_value,
    exploitability,
    kuhn_poker,
    local_omd,
    plan_to_policy,
    realization_plan,
    sequence_form_lp,
    uniform_policy,
)
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
    "KUHN_VALUE",
    "ExtensiveFormGame",
    "LocalOMDResult",
    "balanced_policy",
    "best_response_value",
    "exploitability",
    "kuhn_poker",
    "local_omd",
    "plan_to_policy",
    "realization_plan",
    "sequence_form_lp",
    "uniform_policy",
]
