r"""Tabular Markov decision processes.

A :class:`TabularMDP` holds transition probabilities :math:`P(s' \mid s, a)`, expected
rewards :math:`r(s, a)` and the optimality criterion: discounted (``gamma`` in [0, 1)),
finite horizon (``horizon=H``) or average reward (neither given).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.sparse as sp

from provable._validation import check_finite_array, check_int, check_real, check_stochastic
from provable.errors import InvalidModel, InvalidType

__all__ = ["TabularMDP"]


def _check_sparse_rows(P: sp.csr_matrix, A: int, tol: float) -> None:
    data = P.data
    if data.size:
        bad = ~np.isfinite(data)
        if bad.any():
            k = int(np.argmax(bad))
            row = int(np.searchsorted(P.indptr, k, side="right") - 1)
            raise InvalidModel(f"P[row {row} = (s={row // A}, a={row % A}), "
                               f"col {P.indices[k]}] = {float(data[k])!r}, expected a finite number")
        neg = data < 0
        if neg.any():
            k = int(np.argmax(neg))
            row = int(np.searchsorted(P.indptr, k, side="right") - 1)
            raise InvalidModel(f"P[row {row} = (s={row // A}, a={row % A}), "
                               f"col {P.indices[k]}] = {float(data[k])!r} is negative, expected a probability")
    sums = np.asarray(P.sum(axis=1)).ravel()
    bad = np.abs(sums - 1.0) > tol
    if bad.any():
        row = int(np.argmax(bad))
        raise InvalidModel(f"P[row {row} = (s={row // A}, a={row % A}), :] sums to "
                           f"{sums[row]:.10g}, expected 1 (tol {tol:g})")


class TabularMDP:
    r"""A finite MDP with S states and A actions.

    Parameters
    ----------
    P : array_like(float, ndim=3 or 4) or scipy.sparse matrix
        Transition probabilities. Dense ``(S, A, S)`` with ``P[s, a, s']``; sparse
        ``(S*A, S)`` whose row ``s*A + a`` is :math:`P(\cdot \mid s, a)`; for a finite
        horizon also dense ``(H, S, A, S)`` (time-inhomogeneous).
    R : array_like(float)
        Rewards: ``(S, A)`` expected reward, ``(S, A, S)`` reward on the transition
        (reduced to its expectation under P), or ``(H, S, A)`` for a finite horizon.
    gamma : float, optional
        Discount factor in [0, 1). Required for a discounted problem. With ``horizon``
        it may be in [0, 1] (default 1).
    horizon : int, optional
        Number of decision steps H >= 1 of a finite-horizon problem.
    tol : float, default 1e-9
        Tolerance on row sums of P.

    Notes
    -----
    Nothing is normalised, clipped or densified: a row that does not sum to 1 raises
    :class:`~provable.errors.InvalidModel` naming the row and its sum. When neither
    ``gamma`` nor ``horizon`` is given the criterion is the long-run average reward.

    Examples
    --------
    >>> import numpy as np, provable as pv
    >>> P = np.array([[[1.0, 0.0], [0.0, 1.0]], [[0.0, 1.0], [1.0, 0.0]]])
    >>> R = np.array([[0.0, 1.0], [2.0, 0.0]])
    >>> mdp = pv.TabularMDP(P, R, gamma=0.9)
    >>> mdp
    TabularMDP(S=2, A=2, gamma=0.9, dense)
    >>> P[1, 0] = [0.5, 0.4]
    >>> pv.TabularMDP(P, R, gamma=0.9)
    Traceback (most recent call last):
    ...
    provable.errors.InvalidModel: P[1, 0, :] sums to 0.9, expected 1 (tol 1e-09)
    """

    def __init__(self, P: Any, R: Any, gamma: float | None = None, horizon: int | None = None,
                 *, tol: float = 1e-9) -> None:
        tol = check_real("tol", tol, lower=0.0)
        if horizon is not None:
            horizon = check_int("horizon", horizon, min_value=1)
            gamma = 1.0 if gamma is None else check_real("gamma", gamma, lower=0.0, upper=1.0)
        elif gamma is not None:
            gamma = check_real("gamma", gamma, lower=0.0, upper=1.0, upper_open=True)
        self.gamma: float | None = gamma
        self.horizon: int | None = horizon

        if sp.issparse(P):
            P = sp.csr_matrix(P, dtype=float)
            if P.ndim != 2:
                raise InvalidModel(f"sparse P has shape {P.shape}, expected (S*A, S)")
            S = P.shape[1]
            if S == 0 or P.shape[0] == 0:
                raise InvalidModel(f"P has shape {P.shape}, expected at least one state and action")
            if P.shape[0] % S:
                raise InvalidModel(f"sparse P has shape {P.shape}, expected (S*A, S): "
                                   f"{P.shape[0]} rows is not a multiple of S={S}")
            A = P.shape[0] // S
            P.sum_duplicates()
            P.sort_indices()
            _check_sparse_rows(P, A, tol)
            self._P = P
            self.sparse = True
            self.time_varying = False
        else:
            if isinstance(P, (str, bytes)) or P is None:
                raise InvalidType(f"P has type {type(P).__name__}, expected an array")
            P = np.array(P, dtype=float)
            if P.ndim == 4:
                if horizon is None:
                    raise InvalidModel(f"P has shape {P.shape} (time-inhomogeneous), "
                                       "which needs horizon=H")
                if P.shape[0] != horizon:
                    raise InvalidModel(f"P has shape {P.shape}, expected first axis = horizon={horizon}")
                self.time_varying = True
            elif P.ndim != 3:
                raise InvalidModel(f"P has shape {P.shape}, expected (S, A, S)"
                                   + (" or (H, S, A, S)" if horizon else ""))
            else:
                self.time_varying = False
            S, A, S2 = P.shape[-3:]
            if S == 0 or A == 0:
                raise InvalidModel(f"P has shape {P.shape}, expected at least one state and "
                                   "one action (an empty action set is not an MDP)")
            if S2 != S:
                raise InvalidModel(f"P has shape {P.shape}, expected the last axis to have "
                                   f"S={S} next states")
            check_stochastic("P", P, tol=tol)
            self._P = P
            self.sparse = False
        self.S, self.A = int(S), int(A)

        if isinstance(R, (str, bytes)) or R is None:
            raise InvalidType(f"R has type {type(R).__name__}, expected an array")
        R = np.array(R, dtype=float)
        check_finite_array("R", R)
        S, A = self.S, self.A
        if R.shape == (S, A):
            r = R
        elif R.shape == (S, A, S) and not self.time_varying:
            if self.sparse:
                rows = np.repeat(np.arange(S * A), np.diff(self._P.indptr))
                vals = self._P.data * R.reshape(S * A, S)[rows, self._P.indices]
                r = np.bincount(rows, weights=vals, minlength=S * A).reshape(S, A)
            else:
                r = np.einsum("ijk,ijk->ij", self._P, R)
        elif horizon is not None and R.shape == (horizon, S, A):
            r = R
        else:
            shapes = [(S, A), (S, A, S)] + ([(horizon, S, A)] if horizon else [])
            raise InvalidModel(f"R has shape {R.shape}, expected one of {shapes}")
        self._R = np.ascontiguousarray(r)

    # ------------------------------------------------------------------ properties
    @property
    def criterion(self) -> str:
        """``"discounted"``, ``"finite_horizon"`` or ``"average"``."""
        if self.horizon is not None:
            return "finite_horizon"
        return "discounted" if self.gamma is not None else "average"

    @property
    def P(self) -> np.ndarray | sp.csr_matrix:
        """Transition probabilities as given: dense (S, A, S) / (H, S, A, S) or CSR (S*A, S)."""
        return self._P

    @property
    def R(self) -> np.ndarray:
        """Expected rewards r(s, a), shape (S, A) (or (H, S, A))."""
        return self._R

    @property
    def nnz(self) -> int:
        """Number of stored non-zero transition probabilities."""
        return int(self._P.nnz) if self.sparse else int(np.count_nonzero(self._P))

    def P_at(self, h: int = 0) -> np.ndarray | sp.csr_matrix:
        """Transition matrix at step h as a 2-D ``(S*A, S)`` array or CSR matrix (a view)."""
        if self.sparse:
            return self._P
        P = self._P[h] if self.time_varying else self._P
        return P.reshape(self.S * self.A, self.S)

    def R_at(self, h: int = 0) -> np.ndarray:
        """Expected reward r_h(s, a), shape (S, A)."""
        return self._R[h] if self._R.ndim == 3 else self._R

    def dense_P(self) -> np.ndarray:
        """P as a dense (S, A, S) array (a copy for sparse models; asks for it explicitly)."""
        if self.sparse:
            return self._P.toarray().reshape(self.S, self.A, self.S)
        return self._P

    def with_gamma(self, gamma: float | None) -> TabularMDP:
        """The same dynamics and rewards with another discount (or average reward if None)."""
        return TabularMDP(self._P, self._R, gamma=gamma, horizon=None)

    def with_horizon(self, horizon: int) -> TabularMDP:
        """The same stationary dynamics as a finite-horizon problem of ``horizon`` steps."""
        return TabularMDP(self._P, self._R, gamma=1.0, horizon=horizon)

    def __repr__(self) -> str:
        crit = {"discounted": f"gamma={self.gamma:g}", "average": "average reward",
                "finite_horizon": f"horizon={self.horizon}"}[self.criterion]
        kind = "sparse" if self.sparse else "dense"
        return f"TabularMDP(S={self.S}, A={self.A}, {crit}, {kind})"

    # ------------------------------------------------------------------ converters
    @classmethod
    def from_mdptoolbox(cls, P: Any, R: Any, gamma: float | None = None,
                        horizon: int | None = None) -> TabularMDP:
        """Build from pymdptoolbox's layout: P (A, S, S) (list of A matrices, dense or
        sparse), R (S,), (S, A) or (A, S, S).

        Examples
        --------
        >>> import numpy as np, provable as pv
        >>> P = np.array([[[0.5, 0.5], [0.0, 1.0]], [[1.0, 0.0], [1.0, 0.0]]])   # (A, S, S)
        >>> R = np.array([[0.0, 1.0], [1.0, 0.0]])                              # (S, A)
        >>> pv.TabularMDP.from_mdptoolbox(P, R, gamma=0.9).P[0, 1]
        array([1., 0.])
        """
        if isinstance(P, (list, tuple)) or (isinstance(P, np.ndarray) and P.dtype == object):
            # one (S, S) matrix per action, dense or scipy.sparse (pymdptoolbox accepts both)
            P_ass = np.stack([m.toarray() if sp.issparse(m) else np.asarray(m, dtype=float)
                              for m in P])
        else:
            P_ass = np.asarray(P, dtype=float)
        if P_ass.ndim != 3 or P_ass.shape[1] != P_ass.shape[2]:
            raise InvalidModel(f"P has shape {P_ass.shape}, expected pymdptoolbox's (A, S, S)")
        A, S, _ = P_ass.shape
        P_sas = np.transpose(P_ass, (1, 0, 2))
        R = np.asarray(R, dtype=float)
        if R.shape == (S,):
            R_sa = np.repeat(R[:, None], A, axis=1)
        elif R.shape == (S, A):
            R_sa = R
        elif R.shape == (A, S, S):
            R_sa = np.einsum("ask,ask->sa", P_ass, R)
        else:
            raise InvalidModel(f"R has shape {R.shape}, expected (S,), (S, A) or (A, S, S) "
                               f"with S={S}, A={A}")
        return cls(P_sas, R_sa, gamma=gamma, horizon=horizon)

    def to_mdptoolbox(self) -> tuple[np.ndarray, np.ndarray]:
        """``(P, R)`` in pymdptoolbox's layout: P (A, S, S) dense, R (S, A)."""
        if self.time_varying or self._R.ndim == 3:
            raise InvalidModel("a time-inhomogeneous MDP has no pymdptoolbox layout")
        return np.ascontiguousarray(np.transpose(self.dense_P(), (1, 0, 2))), self._R.copy()

    @classmethod
    def from_gymnasium(cls, env: Any, gamma: float | None = 0.99,
                       horizon: int | None = None) -> TabularMDP:
        """Build from a toy-text environment exposing ``env.unwrapped.P``
        (``P[s][a] = [(prob, next_state, reward, terminated), ...]``: FrozenLake, Taxi,
        CliffWalking). Terminal states (those reached with ``terminated=True``) are made
        absorbing with reward 0, the usual episodic-to-infinite-horizon reduction.
        """
        table = getattr(getattr(env, "unwrapped", env), "P", None)
        if not isinstance(table, dict):
            raise InvalidType(f"env of type {type(env).__name__} has no dict `unwrapped.P`; "
                              "expected a gymnasium toy-text environment")
        S = len(table)
        A = max(len(v) for v in table.values())
        P = np.zeros((S, A, S))
        R = np.zeros((S, A))
        terminal = np.zeros(S, dtype=bool)
        for s, acts in table.items():
            if len(acts) != A:
                raise InvalidModel(f"env.unwrapped.P[{s}] has {len(acts)} actions, expected {A}")
            for a, outcomes in acts.items():
                for prob, nxt, rew, done in outcomes:
                    P[s, a, nxt] += prob
                    R[s, a] += prob * rew
                    if done:
                        terminal[nxt] = True
        for s in np.flatnonzero(terminal):
            P[s] = 0.0
            P[s, :, s] = 1.0
            R[s] = 0.0
        return cls(P, R, gamma=gamma, horizon=horizon)

    def save(self, path: str) -> None:
        """Save to ``.npz`` (dense or sparse) or ``.json`` (dense lists)."""
        from provable.mdp._io import save

        save(self, path)

    @classmethod
    def load(cls, path: str) -> TabularMDP:
        """Load a model written by :meth:`save` (``.npz`` or ``.json``)."""
        from provable.mdp._io import load

        return load(path)
