r"""Linear MDPs (Jin, Yang, Wang & Jordan 2020; Yang & Wang 2019).

A finite-horizon MDP is *linear* in a feature map :math:`\phi : S \times A \to \mathbb{R}^d`
when there are (signed) measures :math:`\mu_h` over next states and vectors
:math:`\theta_h \in \mathbb{R}^d` with

.. math::

    P_h(s' \mid s, a) = \langle \phi(s, a), \mu_h(s') \rangle, \qquad
    r_h(s, a) = \langle \phi(s, a), \theta_h \rangle .

Here the state space is finite, so :math:`\mu_h` is a ``(d, S)`` matrix and
:math:`P_h = \Phi \mu_h` with :math:`\Phi` the ``(S*A, d)`` feature matrix.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from provable._validation import as_real_array, check_finite_array, check_int, check_real
from provable.errors import InvalidModel, InvalidType, NotSupported

__all__ = ["LinearMDP"]


def _as_array(name: str, x: Any) -> np.ndarray:
    # real numbers only: complex, masked, datetime, string and ragged input are refused
    arr = as_real_array(name, x)
    check_finite_array(name, arr)
    return arr


class LinearMDP:
    r"""A finite-horizon linear MDP with S states, A actions and d features.

    Parameters
    ----------
    phi : array_like(float, shape=(S, A, d))
        Features :math:`\phi(s, a)`.
    mu : array_like(float, shape=(d, S) or (H, d, S))
        Next-state measures: :math:`P_h(s' \mid s, a) = \phi(s, a)^\top \mu_h[:, s']`.
        A 2-D ``mu`` is shared by all steps (time-homogeneous dynamics).
    theta : array_like(float, shape=(d,) or (H, d))
        Reward parameters: :math:`r_h(s, a) = \phi(s, a)^\top \theta_h`.
    horizon : int
        Number of decision steps H >= 1.
    reward_range : (float, float), default (0, 1)
        Declared range of the rewards; every :math:`r_h(s, a)` must lie in it.
    tol : float, default 1e-9
        Tolerance on probabilities (row sums, negativity) and on the reward range.

    Raises
    ------
    InvalidModel
        Shapes disagree, an entry is NaN/inf, :math:`\phi(s,a)^\top \mu_h` is not a
        probability distribution (the message names ``h``, ``s``, ``a`` and the sum or
        the negative entry), or a reward leaves ``reward_range``.

    Notes
    -----
    Nothing is normalised or clipped. ``mu`` may have negative entries (signed measures,
    as in low-rank factorisations) as long as every :math:`P_h(\cdot \mid s, a)` is a
    distribution. Validation forms the ``(S, A, S)`` transition tensor once per step.

    Examples
    --------
    >>> import numpy as np, provable as pv
    >>> phi = np.array([[[1.0, 0.0], [0.0, 1.0]], [[0.5, 0.5], [0.0, 1.0]]])   # (S=2, A=2, d=2)
    >>> mu = np.array([[1.0, 0.0], [0.0, 1.0]])        # feature 0 -> state 0, feature 1 -> state 1
    >>> lin = pv.LinearMDP(phi, mu, theta=[0.0, 1.0], horizon=3)
    >>> lin
    LinearMDP(S=2, A=2, d=2, horizon=3)
    >>> lin.P_at(0)[1, 0]
    array([0.5, 0.5])
    >>> pv.LinearMDP(phi, [[1.0, 0.0], [0.0, 0.9]], [0.0, 1.0], horizon=3)
    Traceback (most recent call last):
    ...
    provable.errors.InvalidModel: phi[0, 1] @ mu (= P_0(. | s=0, a=1)) sums to 0.9, expected 1 (tol 1e-09)
    """

    def __init__(self, phi: Any, mu: Any, theta: Any, horizon: int, *,
                 reward_range: tuple[float, float] = (0.0, 1.0), tol: float = 1e-9) -> None:
        H = check_int("horizon", horizon, min_value=1)
        tol = check_real("tol", tol, lower=0.0)
        if not isinstance(reward_range, (tuple, list)) or len(reward_range) != 2:
            raise InvalidType(f"reward_range={reward_range!r}, expected a pair (low, high)")
        lo = check_real("reward_range[0]", reward_range[0])
        hi = check_real("reward_range[1]", reward_range[1])
        if hi < lo:
            raise InvalidModel(f"Cannot have reward_range[1]={hi!r} < reward_range[0]={lo!r}")
        phi = _as_array("phi", phi)
        mu = _as_array("mu", mu)
        theta = _as_array("theta", theta)
        if phi.ndim != 3:
            raise InvalidModel(f"phi has shape {phi.shape}, expected (S, A, d)")
        S, A, d = phi.shape
        if S == 0 or A == 0 or d == 0:
            raise InvalidModel(f"phi has shape {phi.shape}, expected S, A, d >= 1")
        if mu.shape == (d, S):
            self.time_varying = False
        elif mu.shape == (H, d, S):
            self.time_varying = True
        else:
            raise InvalidModel(f"mu has shape {mu.shape}, expected (d, S) = ({d}, {S}) or "
                               f"(H, d, S) = ({H}, {d}, {S})")
        if theta.shape == (d,):
            theta_h = np.broadcast_to(theta, (H, d))
        elif theta.shape == (H, d):
            theta_h = theta
        else:
            raise InvalidModel(f"theta has shape {theta.shape}, expected (d,) = ({d},) or "
                               f"(H, d) = ({H}, {d})")
        self.S, self.A, self.d, self.horizon = int(S), int(A), int(d), H
        self.gamma = 1.0
        self.reward_range = (lo, hi)
        self.tol = tol
        self._phi = phi
        self._mu = mu
        self._theta = theta
        self._theta_h = np.ascontiguousarray(theta_h)

        # rewards in range
        R = np.einsum("sad,hd->hsa", phi, self._theta_h)
        bad = (R < lo - tol) | (R > hi + tol)
        if bad.any():
            h, s, a = (int(i) for i in np.argwhere(bad)[0])
            tname = f"theta[{h}]" if theta.ndim == 2 else "theta"
            raise InvalidModel(f"r_{h}(s={s}, a={a}) = phi[{s}, {a}] @ {tname} = {R[h, s, a]:.10g}, "
                               f"expected a reward in reward_range=[{lo:g}, {hi:g}] (tol {tol:g})")
        self._R = R
        # transitions are distributions
        for h in range(H if self.time_varying else 1):
            P = self._P_raw(h)
            mname = f"mu[{h}]" if self.time_varying else "mu"
            neg = P < -tol
            if neg.any():
                s, a, t = (int(i) for i in np.argwhere(neg)[0])
                raise InvalidModel(f"phi[{s}, {a}] @ {mname}[:, {t}] (= P_{h}(s'={t} | s={s}, "
                                   f"a={a})) = {P[s, a, t]:.10g} is negative, expected a "
                                   f"probability (tol {tol:g})")
            sums = P.sum(axis=-1)
            bad = np.abs(sums - 1.0) > tol
            if bad.any():
                s, a = (int(i) for i in np.argwhere(bad)[0])
                raise InvalidModel(f"phi[{s}, {a}] @ {mname} (= P_{h}(. | s={s}, a={a})) sums to "
                                   f"{sums[s, a]:.10g}, expected 1 (tol {tol:g})")

    # ------------------------------------------------------------------ accessors
    def _P_raw(self, h: int) -> np.ndarray:
        mu = self._mu[h] if self.time_varying else self._mu
        return np.einsum("sad,dt->sat", self._phi, mu)

    @property
    def H(self) -> int:
        """The horizon (alias of ``horizon``)."""
        return self.horizon

    @property
    def phi(self) -> np.ndarray:
        """Features, shape (S, A, d)."""
        return self._phi

    @property
    def mu(self) -> np.ndarray:
        """Next-state measures as given: (d, S) or (H, d, S)."""
        return self._mu

    @property
    def theta(self) -> np.ndarray:
        """Reward parameters as given: (d,) or (H, d)."""
        return self._theta

    @property
    def features(self) -> np.ndarray:
        """Feature matrix :math:`\\Phi`, shape (S*A, d), row ``s*A + a``."""
        return self._phi.reshape(self.S * self.A, self.d)

    def mu_at(self, h: int) -> np.ndarray:
        """:math:`\\mu_h`, shape (d, S)."""
        return self._mu[h] if self.time_varying else self._mu

    def theta_at(self, h: int) -> np.ndarray:
        """:math:`\\theta_h`, shape (d,)."""
        return self._theta_h[h]

    def P_at(self, h: int = 0) -> np.ndarray:
        """Transition tensor :math:`P_h = \\Phi \\mu_h`, shape (S, A, S); entries in
        ``[-tol, 0)`` (rounding of the product) are reported as 0."""
        return np.maximum(self._P_raw(h), 0.0)

    def R_at(self, h: int = 0) -> np.ndarray:
        """Rewards :math:`r_h = \\Phi \\theta_h`, shape (S, A)."""
        return self._R[h]

    @property
    def R(self) -> np.ndarray:
        """Rewards of every step, shape (H, S, A)."""
        return self._R

    def __repr__(self) -> str:
        tv = ", time-varying" if self.time_varying else ""
        return f"LinearMDP(S={self.S}, A={self.A}, d={self.d}, horizon={self.horizon}{tv})"

    # ------------------------------------------------------------------ converters
    @classmethod
    def from_tabular(cls, mdp: Any, horizon: int | None = None, *,
                     reward_range: tuple[float, float] | None = None) -> LinearMDP:
        """The tabular MDP as a linear MDP with one-hot features (d = S*A).

        :math:`\\phi(s, a) = e_{sA + a}`, :math:`\\mu_h` = the ``(S*A, S)`` transition
        matrix, :math:`\\theta_h` = the flattened rewards.

        Parameters
        ----------
        mdp : TabularMDP
            Finite-horizon with ``gamma=1``, or any criterion when ``horizon`` is given
            (its dynamics and rewards are then used for ``horizon`` undiscounted steps).
        horizon : int, optional
            Required unless ``mdp`` is finite-horizon (then it must match).
        reward_range : (float, float), optional
            Default: the smallest interval containing [0, 1] and every reward.

        Examples
        --------
        >>> import provable as pv
        >>> fh = pv.mdp.random_mdp(S=4, A=2, seed=0).with_horizon(5)
        >>> lin = pv.LinearMDP.from_tabular(fh)
        >>> lin.d, bool(abs(lin.to_tabular().P - fh.P).max() < 1e-15)
        (8, True)
        """
        from provable.mdp._tabular import TabularMDP

        if not isinstance(mdp, TabularMDP):
            raise InvalidType(f"mdp has type {type(mdp).__name__}, expected TabularMDP")
        if mdp.criterion == "finite_horizon":
            if mdp.gamma != 1.0:
                raise NotSupported(f"mdp has gamma={mdp.gamma!r}; a LinearMDP is undiscounted "
                                   "(expected gamma=1 for a finite-horizon model)")
            if horizon is not None and horizon != mdp.horizon:
                raise InvalidModel(f"horizon={horizon!r}, expected mdp.horizon={mdp.horizon}")
            H = mdp.horizon
        else:
            if horizon is None:
                raise InvalidModel(f"mdp is {mdp.criterion}; pass horizon=H to use its "
                                   "dynamics for H undiscounted steps")
            H = check_int("horizon", horizon, min_value=1)
        S, A = mdp.S, mdp.A
        phi = np.eye(S * A).reshape(S, A, S * A)
        if mdp.sparse:
            mu = mdp.P.toarray()
        elif mdp.time_varying:
            mu = mdp.P.reshape(H, S * A, S)
        else:
            mu = mdp.P.reshape(S * A, S)
        R = mdp.R
        theta = R.reshape(H, S * A) if R.ndim == 3 else R.ravel()
        if reward_range is None:
            reward_range = (min(0.0, float(R.min())), max(1.0, float(R.max())))
        return cls(phi, mu, theta, H, reward_range=reward_range)

    def to_tabular(self) -> Any:
        """The same problem as a finite-horizon :class:`~provable.TabularMDP` (gamma = 1).

        P is ``(S, A, S)`` when ``mu`` is shared by all steps, else ``(H, S, A, S)``;
        R is ``(S, A)`` when ``theta`` is shared, else ``(H, S, A)``.

        Examples
        --------
        >>> import provable as pv
        >>> from provable.mdp._linear_generators import random_linear_mdp
        >>> random_linear_mdp(S=6, A=2, d=3, horizon=4, seed=0).to_tabular()
        TabularMDP(S=6, A=2, horizon=4, dense)
        """
        from provable.mdp._tabular import TabularMDP

        H = self.horizon
        if self.time_varying:
            P = np.stack([self.P_at(h) for h in range(H)])
        else:
            P = self.P_at(0)
        R = self._R if self._theta.ndim == 2 else self._R[0]
        return TabularMDP(P, R, gamma=1.0, horizon=H, tol=max(self.tol, 1e-9))
