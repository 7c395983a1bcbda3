r"""Seeded generators of linear MDPs.

* :func:`random_linear_mdp` — features on the probability simplex and rows of
  :math:`\mu` that are distributions over next states, so every
  :math:`P(\cdot \mid s, a)` is a mixture of d fixed distributions (the construction
  used in the experiments of Jin, Yang, Wang & Jordan 2020 style linear MDPs).
* :func:`low_rank_mdp` — a rank-d MDP (d much smaller than S*A) presented through
  *signed, non-simplex* features: a simplex factorisation mixed by a random invertible
  d x d matrix, :math:`\phi' = \phi G`, :math:`\mu' = G^{-1}\mu`,
  :math:`\theta' = G^{-1}\theta` (same P and r, different coordinates).
* :func:`combination_lock` — the combination lock used for exploration lower
  bounds (Du, Kakade, Wang & Yang 2019, arXiv:1910.03016, Sec. on the
  "combination lock"; Misra, Henaff, Krishnamurthy & Langford 2020, arXiv:1911.05815),
  written as an exact linear MDP with one-hot (state, action) features, d = 2A.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from provable._validation import as_generator, check_int, check_real
from provable.mdp._linear import LinearMDP

__all__ = ["random_linear_mdp", "low_rank_mdp", "combination_lock"]


def _simplex_model(S: int, A: int, d: int, H: int, rng: np.random.Generator,
                   time_varying: bool, alpha_phi: float, alpha_mu: float
                   ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    phi = rng.dirichlet(np.full(d, alpha_phi), size=(S, A))
    shape_mu = (H, d) if time_varying else (d,)
    mu = rng.dirichlet(np.full(S, alpha_mu), size=shape_mu)          # rows are distributions
    theta = rng.uniform(0.0, 1.0, size=(H, d) if time_varying else (d,))
    return phi, mu, theta


def random_linear_mdp(S: int, A: int, d: int, horizon: int, seed: Any = 0, *,
                      time_varying: bool = False, alpha_phi: float = 1.0,
                      alpha_mu: float = 1.0) -> LinearMDP:
    r"""A random linear MDP whose transitions are mixtures of d distributions.

    :math:`\phi(s, a) \sim \mathrm{Dirichlet}(\alpha_\phi \mathbf 1_d)` (on the simplex),
    each row :math:`\mu[i, :] \sim \mathrm{Dirichlet}(\alpha_\mu \mathbf 1_S)` (a
    distribution over next states), :math:`\theta \sim U[0, 1]^d`; hence
    :math:`P(\cdot \mid s, a) = \sum_i \phi_i(s, a) \mu[i, :]` and
    :math:`r = \phi^\top \theta \in [0, 1]`.

    Parameters
    ----------
    S, A, d : int
        States, actions, feature dimension.
    horizon : int
        H >= 1.
    seed : int or Generator
        The same seed gives the same model.
    time_varying : bool, default False
        Draw a separate :math:`\mu_h, \theta_h` for every step.
    alpha_phi, alpha_mu : float, default 1
        Dirichlet concentrations (small values give near one-hot features / sparse
        next-state distributions).

    Examples
    --------
    >>> from provable.mdp._linear_generators import random_linear_mdp
    >>> random_linear_mdp(S=10, A=3, d=4, horizon=5, seed=0)
    LinearMDP(S=10, A=3, d=4, horizon=5)
    """
    S = check_int("S", S, min_value=1)
    A = check_int("A", A, min_value=1)
    d = check_int("d", d, min_value=1)
    H = check_int("horizon", horizon, min_value=1)
    alpha_phi = check_real("alpha_phi", alpha_phi, lower=0.0, lower_open=True)
    alpha_mu = check_real("alpha_mu", alpha_mu, lower=0.0, lower_open=True)
    rng = as_generator(seed)
    phi, mu, theta = _simplex_model(S, A, d, H, rng, time_varying, alpha_phi, alpha_mu)
    return LinearMDP(phi, mu, theta, H)


def low_rank_mdp(S: int, A: int, d: int, horizon: int, seed: Any = 0, *,
                 time_varying: bool = False, alpha_phi: float = 0.3, alpha_mu: float = 0.3,
                 condition: float = 10.0) -> LinearMDP:
    r"""A rank-d MDP (d much smaller than S*A) in signed, rotated feature coordinates.

    Starts from :func:`random_linear_mdp`'s simplex factorisation (with peaked
    Dirichlet draws, so the d latent next-state distributions are well separated) and
    mixes it by a random invertible :math:`G` with condition number about
    ``condition``: :math:`\phi' = \phi G`, :math:`\mu' = G^{-1} \mu`,
    :math:`\theta' = G^{-1} \theta`. P and r are unchanged, but features are no longer
    non-negative and ``mu`` is a signed measure: the general linear-MDP case.

    Parameters
    ----------
    S, A, d, horizon, seed, time_varying, alpha_phi, alpha_mu
        As in :func:`random_linear_mdp`.
    condition : float, default 10
        Ratio of the largest to the smallest singular value of G.

    Examples
    --------
    >>> import numpy as np
    >>> from provable.mdp._linear_generators import low_rank_mdp
    >>> lin = low_rank_mdp(S=30, A=4, d=3, horizon=5, seed=1)
    >>> int(np.linalg.matrix_rank(lin.P_at(0).reshape(120, 30))), bool((lin.phi < 0).any())
    (3, True)
    """
    condition = check_real("condition", condition, lower=1.0)
    S = check_int("S", S, min_value=1)
    A = check_int("A", A, min_value=1)
    d = check_int("d", d, min_value=1)
    H = check_int("horizon", horizon, min_value=1)
    rng = as_generator(seed)
    phi, mu, theta = _simplex_model(S, A, d, H, rng, time_varying,
                                    check_real("alpha_phi", alpha_phi, lower=0.0, lower_open=True),
                                    check_real("alpha_mu", alpha_mu, lower=0.0, lower_open=True))
    U, _, Vt = np.linalg.svd(rng.standard_normal((d, d)))
    G = U @ np.diag(np.geomspace(1.0, 1.0 / condition, d)) @ Vt
    Ginv = np.linalg.inv(G)
    phi2 = phi @ G
    mu2 = np.einsum("ij,...jk->...ik", Ginv, mu)
    theta2 = theta @ Ginv.T
    return LinearMDP(phi2, mu2, theta2, H, tol=1e-8)


def combination_lock(horizon: int, A: int = 2, seed: Any = 0, *,
                     reward: float = 1.0) -> LinearMDP:
    r"""The combination lock: one secret action per step; any mistake is fatal.

    Two states, "on track" (0) and "dead" (1); the episode starts on track. At step h
    the secret action :math:`a^*_h` (drawn with ``seed``) keeps the agent on track,
    any other action sends it to the absorbing dead state. Reward ``reward`` is paid
    only for taking :math:`a^*_{H-1}` on track at the last step, so
    :math:`V^*_0(0) = ` ``reward`` and uniform exploration succeeds with probability
    :math:`A^{-H}` per episode, while an optimistic learner (LSVI-UCB) needs
    :math:`O(AH)` episodes. Features are one-hot over (state, action), d = 2A; the
    lock is encoded in the time-varying :math:`\mu_h, \theta_h`.

    Source: the combination-lock family of Du, Kakade, Wang & Yang (2019),
    "Is a Good Representation Sufficient for Sample Efficient Reinforcement
    Learning?" (arXiv:1910.03016) and Misra, Henaff, Krishnamurthy & Langford (2020),
    "Kinematic State Abstraction and Provably Efficient Rich-Observation RL"
    (arXiv:1911.05815); here in its exact, fully observed linear-MDP form.

    Parameters
    ----------
    horizon : int
        H >= 1 (length of the combination).
    A : int, default 2
        Actions per step (A >= 2).
    seed : int or Generator
        Draws the combination :math:`(a^*_0, \ldots, a^*_{H-1})`.
    reward : float in (0, 1], default 1

    Examples
    --------
    >>> from provable.mdp._linear_generators import combination_lock
    >>> from provable.solvers.linear.lsvi import lsvi
    >>> lock = combination_lock(horizon=6, A=3, seed=0)
    >>> float(lsvi(lock).V[0, 0])
    1.0
    """
    H = check_int("horizon", horizon, min_value=1)
    A = check_int("A", A, min_value=2)
    reward = check_real("reward", reward, lower=0.0, upper=1.0, lower_open=True)
    rng = as_generator(seed)
    secret = rng.integers(0, A, size=H)
    S, d = 2, 2 * A
    phi = np.eye(d).reshape(S, A, d)
    mu = np.zeros((H, d, S))
    theta = np.zeros((H, d))
    for h in range(H):
        mu[h, :, 1] = 1.0                      # everything leads to the dead state ...
        mu[h, secret[h], :] = [1.0, 0.0]       # ... except the secret action on track
    theta[H - 1, secret[H - 1]] = reward
    lock = LinearMDP(phi, mu, theta, H)
    lock.secret = secret  # type: ignore[attr-defined]
    return lock
