"""Episodic tabular RL: UCBVI (Hoeffding/Bernstein), optimistic Q-learning
(UCB-Hoeffding/Bernstein) and PSRL, simulated by numba kernels vectorised over seeds,
with exact per-episode regret against backward induction.

Examples
--------
>>> import provable as pv
>>> from provable.learners import tabular_rl
>>> fh = pv.mdp.river_swim(3, gamma=None).with_horizon(4)
>>> tabular_rl.run_episodes("ql_ucb_h", fh, K=50, seeds=[7]).regret.shape
(1, 50)
"""

from provable.learners.tabular_rl._actor_critic import actor_critic
from provable.learners.tabular_rl._demo_reg import (
    behaviour_cloning,
    kl_regularised_plan,
    policy_value,
    sample_trajectories,
    trajectory_kl,
)
from provable.learners.tabular_rl._dueling import (
    dueling_rl,
    enumerate_policies,
    expected_features,
    logistic_mle,
    maxinp_pair,
)
from provable.learners.tabular_rl._episodic import (
    ALGORITHMS,
    EpisodicResult,
    run_episodes,
)
from provable.learners.tabular_rl._instances import hard_bandit_mdp
from provable.learners.tabular_rl._q_learning import QLearningResult, q_learning

__all__ = ["ALGORITHMS", "EpisodicResult", "actor_critic", "behaviour_cloning", "dueling_rl",
           "enumerate_policies", "expected_features", "hard_bandit_mdp", "kl_regularised_plan",
           "logistic_mle", "maxinp_pair", "policy_value", "q_learning", "QLearningResult",
           "run_episodes", "sample_trajectories", "trajectory_kl"]
