r"""Tabular Markov decision processes.

A :class:`TabularMDP` holds transition probabilities :math:`P(s' \mid s, a)`, expected
rewards :math:`r(s, a)` and the optimality criterion: discounted (``gamma`` in [0, 1)),
finite horizon (``horizon=H``) or average reward (neither given).
"""

from __future__ import annotations

import numbers
import sys
import warnings
from typing import Any

import numpy as np
import scipy.sparse as sp

from provable._validation import (
    _short,
    as_real_array,
    check_csr,
    check_finite_array,
    check_int,
    check_memory,
    check_real,
    check_stochastic,
)
from provable.errors import InvalidArgument, InvalidModel, InvalidType, ProvableError
from provable.mdp import _format

__all__ = ["TabularMDP", "LayoutWarning"]

_LAYOUTS = ("sas", "ass")


class LayoutWarning(UserWarning):
    """A dense P with as many states as actions was read in provable's ``(S, A, S)``
    layout although pymdptoolbox's ``(A, S, S)`` reading gives another model."""


def _ambiguous_layout(P: np.ndarray) -> bool:
    """Whether the (S, A, S) and (A, S, S) readings of a dense P differ (S == A >= 2 and
    P[s, a] != P[a, s] for some pair)."""
    S, A = P.shape[-3], P.shape[-2]
    if S != A or S < 2:
        return False
    return not np.array_equal(P, np.swapaxes(P, -3, -2))


def _called_from_outside() -> bool:
    """Whether TabularMDP(...) was called by code outside provable (provable's own
    constructors build P in its layout by construction)."""
    frame = sys._getframe(2)
    while frame is not None and frame.f_code.co_name == "__init__":
        frame = frame.f_back   # a subclass's __init__ calling ours
    name = frame.f_globals.get("__name__", "") if frame is not None else ""
    return not (name == "provable" or name.startswith("provable."))


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


def _own_csr(P: Any, name: str = "P") -> sp.csr_matrix:
    """A new CSR matrix with fully checked arrays (any scipy sparse input).

    Column indices out of range, a broken ``indptr`` or complex data are refused before
    any scipy or native routine reads them (an index past the end would read outside
    the array)."""
    fmt = getattr(P, "format", None)
    if getattr(P, "ndim", 2) != 2:
        raise InvalidModel(f"sparse {name} has shape {P.shape}, expected "
                           + ("(S*A, S)" if name == "P" else "a 2-D matrix"))
    if fmt != "csr":
        try:
            if fmt == "coo":
                rows, cols = (np.asarray(x) for x in P.coords)
                for nm, idx, n in (("row", rows, P.shape[0]), ("col", cols, P.shape[1])):
                    if idx.size and (idx.min() < 0 or idx.max() >= n):
                        k = int(np.argmax((idx < 0) | (idx >= n)))
                        raise InvalidModel(f"{name} (COO) {nm} index {int(idx[k])} at entry {k}, "
                                           f"expected an index in [0, {n})")
            elif hasattr(P, "check_format"):
                P = P.copy()
                P.check_format(full_check=True)
            P = P.tocsr()
        except ProvableError:
            raise
        except (ValueError, IndexError, TypeError, OverflowError) as e:
            raise InvalidModel(f"sparse {name} ({fmt}) is malformed: {_short(str(e), 160)}") from None
    data, indices, indptr, shape = check_csr(name, P.data, P.indices, P.indptr, P.shape)
    return sp.csr_matrix((data, indices, indptr), shape=shape)


def _freeze(*arrays: np.ndarray) -> None:
    for a in arrays:
        a.flags.writeable = False


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
    layout : {"sas", "ass"}, optional
        Axis order of a dense P (and of a 3-D R): ``"sas"`` is provable's ``P[s, a, s']``
        (``(H, S, A, S)`` with a horizon), ``"ass"`` pymdptoolbox's ``P[a, s, s']``
        (``(H, A, S, S)``). Default: ``"sas"``. When S == A the shape cannot tell the two
        apart; if the two readings give different models and ``layout`` is not given, a
        :class:`LayoutWarning` says that ``(S, A, S)`` was assumed.

    Notes
    -----
    Nothing is normalised, clipped or densified: a row that does not sum to 1 raises
    :class:`~provable.errors.InvalidModel` naming the row and its sum. When neither
    ``gamma`` nor ``horizon`` is given the criterion is the long-run average reward.

    P and R must hold real numbers (bool, integer or float; converted to float64).
    Complex values, masked arrays, datetimes, strings, other objects and ragged nested
    lists are refused naming the argument. A sparse P is checked in full before any
    routine reads it: ``indptr`` of length S*A + 1 starting at 0, non-decreasing and
    ending at the number of stored entries, every column index in [0, S), finite
    non-negative data. Duplicate column indices within a row are summed (a list of
    transitions ``(s, a, s', p)`` may name a successor twice); the row sums are checked
    after summing.

    The model owns its arrays: P, R (and a sparse P's ``data``, ``indices``, ``indptr``)
    are copies made at construction and are read-only, so nothing the caller does
    afterwards can change a validated model.

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

    With as many states as actions, say which axis is the action:

    >>> P = np.array([[[1.0, 0.0], [0.0, 1.0]], [[1.0, 0.0], [0.0, 1.0]]])  # (A, S, S)
    >>> pv.TabularMDP(P, R, gamma=0.9, layout="ass").P[0, 1].tolist()   # P[s=0, a=1]
    [1.0, 0.0]
    """

    def __init__(self, P: Any, R: Any, gamma: float | None = None, horizon: int | None = None,
                 *, tol: float = 1e-9, layout: str | None = None) -> None:
        tol = check_real("tol", tol, lower=0.0)
        if layout is not None and (not isinstance(layout, str) or layout not in _LAYOUTS):
            raise InvalidArgument(f"layout={layout!r}, expected one of {list(_LAYOUTS)} "
                                  "(\"sas\": P[s, a, s'], \"ass\": pymdptoolbox's P[a, s, s'])")
        if horizon is not None:
            horizon = check_int("horizon", horizon, min_value=1)
            gamma = 1.0 if gamma is None else check_real("gamma", gamma, lower=0.0, upper=1.0)
        elif gamma is not None:
            gamma = check_real("gamma", gamma, lower=0.0, upper=1.0, upper_open=True)
        self.gamma: float | None = gamma
        self.horizon: int | None = horizon

        if sp.issparse(P):
            if layout == "ass":
                raise InvalidModel("layout='ass' is for a dense (A, S, S) P; a sparse P is "
                                   "(S*A, S) (for per-action matrices use from_mdptoolbox)")
            P = _own_csr(P)
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
            P = as_real_array("P", P)
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
            if layout == "ass":
                if P.shape[-1] != P.shape[-2]:
                    raise InvalidModel(f"P has shape {P.shape}, expected (A, S, S) for "
                                       "layout='ass'")
                P = np.ascontiguousarray(np.swapaxes(P, -3, -2))
                if not sp.issparse(R):
                    R = as_real_array("R", R)
                    if R.ndim == 3 and not self.time_varying:   # (A, S, S) -> (S, A, S)
                        R = np.ascontiguousarray(np.swapaxes(R, 0, 1))
            elif layout is None and _ambiguous_layout(P) and _called_from_outside():
                n = P.shape[-2]
                warnings.warn(
                    f"P has shape {P.shape} with S = A = {n}: read as P[s, a, s'] (provable's "
                    "(S, A, S) layout); pymdptoolbox's P[a, s, s'] gives another model. Pass "
                    "layout='sas' to confirm, or layout='ass' (or "
                    "TabularMDP.from_mdptoolbox) for pymdptoolbox's layout",
                    LayoutWarning, stacklevel=2)
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

        if self.horizon is not None:
            # the finite-horizon values and decisions take (H + 1) * S numbers
            check_memory(f"horizon={self.horizon} with S={S}: the finite-horizon values and "
                         "policy", 16 * (self.horizon + 1) * int(S))
        if sp.issparse(R):  # a sparse (S, A) reward: as small as the answer, kept dense
            R = _own_csr(R, name="R").toarray()
        R = as_real_array("R", R)
        if np.isneginf(R).any() and not (np.isnan(R) | np.isposinf(R)).any():
            idx = ", ".join(str(int(i)) for i in np.argwhere(np.isneginf(R))[0])
            raise InvalidModel(f"R[{idx}] = -inf, expected a finite number; for an infeasible "
                               "action use TabularMDP.from_state_action or from_quantecon, "
                               "which treat R = -inf as an absent pair")
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
        if self.sparse:
            _freeze(self._P.data, self._P.indices, self._P.indptr)
        else:
            _freeze(self._P)
        _freeze(self._R)

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

    @property
    def feasible(self) -> np.ndarray:
        """(S, A) bool, read-only: the real state-action pairs. All True except for a model
        built from ragged action sets (:meth:`from_state_action`, :meth:`from_quantecon`),
        whose absent pairs hold dominated stand-ins that no greedy step picks."""
        mask = getattr(self, "_feasible", None)
        if mask is None:
            mask = np.ones((self.S, self.A), dtype=bool)
            mask.flags.writeable = False
        return mask

    def _keep_feasible(self, other: TabularMDP) -> TabularMDP:
        if getattr(self, "_feasible", None) is not None:
            other._feasible = self._feasible
        return other

    def with_gamma(self, gamma: float | None) -> TabularMDP:
        """The same dynamics and rewards with another discount (or average reward if None)."""
        return self._keep_feasible(TabularMDP(self._P, self._R, gamma=gamma, horizon=None))

    def with_horizon(self, horizon: int) -> TabularMDP:
        """The same stationary dynamics as a finite-horizon problem of ``horizon`` steps."""
        return self._keep_feasible(TabularMDP(self._P, self._R, gamma=1.0, horizon=horizon))

    def __repr__(self) -> str:
        crit = self.criterion
        if crit == "discounted":
            crit = f"gamma={self.gamma:g}"
        elif crit == "finite_horizon":
            crit = f"horizon={self.horizon}"
        else:
            crit = "average reward"
        kind = "sparse" if self.sparse else "dense"
        return f"TabularMDP(S={self.S}, A={self.A}, {crit}, {kind})"

    # ------------------------------------------------------------------ converters
    @classmethod
    def from_mdptoolbox(cls, P: Any, R: Any, gamma: float | None = None,
                        horizon: int | None = None, *, average: bool = False,
                        tol: float = 1e-9) -> TabularMDP:
        """Build from pymdptoolbox's layout, indexed ``P[a][s, s']``.

        Parameters
        ----------
        P : array_like (A, S, S), or A matrices (S, S)
            A dense ``(A, S, S)`` array, or one ``(S, S)`` matrix per action in a list,
            tuple, dict keyed ``0..A-1`` or 1-D object array; each dense, ``numpy.matrix``
            or scipy.sparse. When any of them is sparse the model is sparse (CSR
            ``(S*A, S)``, nothing is densified); otherwise dense.
        R : array_like
            ``(S,)`` (the same reward for every action), ``(S, A)`` dense or
            scipy.sparse, ``(A, S, S)`` dense, or one ``(S, S)`` matrix per action (dense
            or sparse, in any of P's containers): the reward on the transition, reduced
            to its expectation under P.
        gamma, horizon : see :class:`TabularMDP`
            ``gamma`` is pymdptoolbox's ``discount``. One of ``gamma``, ``horizon`` or
            ``average=True`` is required.
        average : bool, default False
            Build the long-run average-reward problem (pymdptoolbox's
            ``RelativeValueIteration``); refused together with ``gamma`` or ``horizon``.
        tol : float, default 1e-9
            Tolerance on the row sums of P.

        Notes
        -----
        pymdptoolbox's solvers all take a ``discount``; a call without one is refused
        rather than read as average reward. Every error names the place in the caller's layout, for instance
        ``P[action 0][1, :] sums to 0.9, expected 1 (tol 1e-09)``.

        Examples
        --------
        >>> import numpy as np, scipy.sparse as sp, provable as pv
        >>> P = np.array([[[0.5, 0.5], [0.0, 1.0]], [[1.0, 0.0], [1.0, 0.0]]])   # (A, S, S)
        >>> R = np.array([[0.0, 1.0], [1.0, 0.0]])                              # (S, A)
        >>> pv.TabularMDP.from_mdptoolbox(P, R, gamma=0.9).P[0, 1]
        array([1., 0.])
        >>> E = np.eye(3)
        >>> pv.TabularMDP.from_mdptoolbox([sp.csr_matrix(E)] * 2, [sp.csr_matrix(E)] * 2,
        ...                               gamma=0.9)
        TabularMDP(S=3, A=2, gamma=0.9, sparse)
        >>> pv.TabularMDP.from_mdptoolbox([E, [[1, 0, 0], [0, .5, .4], [0, 0, 1]]], [0, 0, 0],
        ...                               gamma=0.9)
        Traceback (most recent call last):
        ...
        provable.errors.InvalidModel: P[action 1][1, :] sums to 0.9, expected 1 (tol 1e-09)
        >>> pv.TabularMDP.from_mdptoolbox(P, R)
        Traceback (most recent call last):
        ...
        provable.errors.InvalidArgument: from_mdptoolbox(P, R) needs the criterion: gamma=... (pymdptoolbox's discount), horizon=H, or average=True for the long-run average reward
        >>> pv.TabularMDP.from_mdptoolbox(P, R, average=True)
        TabularMDP(S=2, A=2, average reward, dense)
        """
        from provable.mdp._mdptoolbox import read_mdptoolbox

        if not isinstance(average, (bool, np.bool_)):
            raise InvalidType(f"average={average!r}, expected True or False")
        if average and (gamma is not None or horizon is not None):
            raise InvalidArgument(f"average=True with gamma={gamma!r}, horizon={horizon!r}, "
                                  "expected the average-reward criterion alone")
        if not average and gamma is None and horizon is None:
            raise InvalidArgument("from_mdptoolbox(P, R) needs the criterion: gamma=... "
                                  "(pymdptoolbox's discount), horizon=H, or average=True for "
                                  "the long-run average reward")
        tol = check_real("tol", tol, lower=0.0)
        P_sas, R_sa = read_mdptoolbox(P, R, tol)
        return cls(P_sas, R_sa, gamma=gamma, horizon=horizon, tol=tol)

    def to_mdptoolbox(self) -> tuple[Any, np.ndarray]:
        """``(P, R)`` in pymdptoolbox's layout: P (A, S, S) dense, or for a sparse model a
        tuple of A CSR ``(S, S)`` matrices; R (S, A)."""
        if self.time_varying or self._R.ndim == 3:
            raise InvalidModel("a time-inhomogeneous MDP has no pymdptoolbox layout")
        if self.sparse:
            return tuple(sp.csr_matrix(self._P[a::self.A]) for a in range(self.A)), self._R.copy()
        return np.ascontiguousarray(np.transpose(self.dense_P(), (1, 0, 2))), self._R.copy()

    @classmethod
    def from_state_action(cls, R: Any, Q: Any, gamma: float | None, s_indices: Any,
                          a_indices: Any, *, num_actions: int | None = None,
                          horizon: int | None = None, tol: float = 1e-9) -> TabularMDP:
        r"""Build from state-action pairs (QuantEcon's ``DiscreteDP(R, Q, beta, s_indices,
        a_indices)``), with ragged action sets.

        Parameters
        ----------
        R : array_like (L,)
            Reward of each pair; ``-inf`` marks an infeasible pair (treated as absent).
        Q : array_like (L, S) or scipy.sparse
            Transition row of each pair (sparse stays sparse).
        gamma : float or None
            Discount (``None``: average reward).
        s_indices, a_indices : array_like (L,) of int
            The pairs, in any order (they are sorted); each pair at most once.
        num_actions : int, optional
            A (default: ``max(a_indices) + 1``).
        horizon : int, optional
            For a finite-horizon problem.
        tol : float, default 1e-9
            Tolerance on row sums of Q.

        Notes
        -----
        Every state needs a feasible action. An absent pair (s, a) holds a dominated
        stand-in (the row of the lowest feasible action a' of s, reward
        :math:`r(s, a') - 1 - 2\max|r|`): no greedy step picks it, so V*, the optimal
        policies and the certificates are those of the ragged model; :attr:`feasible`
        marks the real pairs. Errors name the pair, e.g. ``Q[2, :] (pair s=1, a=0) sums
        to 0.9`` or ``state-action pair (s=1, a=0) appears twice, at positions 0 and 1``.

        Examples
        --------
        >>> import provable as pv
        >>> mdp = pv.TabularMDP.from_state_action([5, 10, -1], [[.5, .5], [0, 1], [0, 1]],
        ...                                       0.95, [0, 0, 1], [0, 1, 0])
        >>> mdp.feasible.tolist()
        [[True, True], [True, False]]
        >>> pv.solve(mdp, "pi").V.round(6).tolist()
        [-8.571429, -20.0]
        """
        from provable.mdp._state_action import from_state_action

        return from_state_action(cls, R, Q, gamma, s_indices, a_indices,
                                 num_actions=num_actions, horizon=horizon, tol=tol)

    def to_state_action(self) -> tuple[np.ndarray, Any, float | None, np.ndarray, np.ndarray]:
        """``(R, Q, gamma, s_indices, a_indices)`` over the feasible pairs, sorted by
        (s, a); Q is CSR for a sparse model, else dense ``(L, S)``."""
        from provable.mdp._state_action import to_state_action

        return to_state_action(self)

    @classmethod
    def from_quantecon(cls, ddp: Any, horizon: int | None = None, *,
                       tol: float = 1e-9) -> TabularMDP:
        """Build from a ``quantecon.markov.DiscreteDP``: product form (``R`` (n, m) with
        ``-inf`` for infeasible actions, ``Q`` (n, m, n)) or state-action-pair form (dense
        or sparse ``Q``). ``beta`` becomes ``gamma``; ``beta = 1`` needs ``horizon=T``
        (QuantEcon's ``backward_induction(ddp, T)``). See :meth:`from_state_action`.
        Reads the attributes only: quantecon need not be installed.
        """
        from provable.mdp._state_action import from_quantecon

        return from_quantecon(cls, ddp, horizon=horizon, tol=tol)

    def to_quantecon(self) -> Any:
        """A ``quantecon.markov.DiscreteDP`` of this model: product form for a dense model
        with every pair feasible, else state-action-pair form over the feasible pairs
        (CSR ``Q`` for a sparse model). A finite-horizon model gives its ``beta = gamma``
        (pass T to QuantEcon's ``backward_induction``). Needs quantecon installed."""
        from provable.mdp._state_action import to_quantecon

        return to_quantecon(self)

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
        P, R = _gymnasium_table(table)
        return cls(P, R, gamma=gamma, horizon=horizon)

    def save(self, path: str) -> None:
        """Save to ``.npz`` or ``.json``; a sparse P stays sparse in both (``P_data``,
        ``P_indices``, ``P_indptr``, ``P_shape``), nothing is densified."""
        _format.write_model_file(path, P=self._P, R=self._R, gamma=self.gamma,
                                 horizon=self.horizon)

    @classmethod
    def load(cls, path: str, *, max_bytes: int | None = None) -> TabularMDP:
        """Load a model from ``.npz`` or ``.json`` (see :func:`provable.mdp.load`)."""
        doc = _format.read_model_file(path, max_bytes=max_bytes)
        try:
            if "P" in doc:
                P = doc["P"]
            else:
                data, indices, indptr, shape = check_csr(
                    "P", doc["P_data"], doc["P_indices"], doc["P_indptr"], doc["P_shape"])
                if shape[1] == 0 or shape[0] % max(shape[1], 1):
                    raise InvalidModel(f"P_shape = {shape}, expected (S*A, S) with S >= 1")
                P = sp.csr_matrix((data, indices, indptr), shape=shape)
            return cls(P, doc["R"], gamma=doc["gamma"], horizon=doc["horizon"])
        except ProvableError as e:
            raise type(e)(f"{path}: {e}") from None


def _gymnasium_table(table: dict) -> tuple[np.ndarray, np.ndarray]:
    """Dense (P, R) of a toy-text table ``P[s][a] = [(prob, next, reward, terminated), ...]``,
    every entry checked; terminal states made absorbing with reward 0."""
    S = len(table)
    if S == 0:
        raise InvalidModel("env.unwrapped.P is empty, expected one entry per state")
    if set(table) != set(range(S)) or any(isinstance(k, bool) for k in table):
        odd = sorted((k for k in table if not (isinstance(k, numbers.Integral)
                                              and 0 <= k < S)), key=repr)[:3]
        raise InvalidModel(f"env.unwrapped.P has keys such as {odd}, expected the states "
                           f"0..{S - 1}")
    first = table[0]
    if not isinstance(first, (dict, list, tuple)):
        raise InvalidModel(f"env.unwrapped.P[0] has type {type(first).__name__}, expected a "
                           "dict of actions")
    A = len(first)
    if A == 0:
        raise InvalidModel("env.unwrapped.P[0] has no actions, expected at least one")
    check_memory(f"env.unwrapped.P with S={S}, A={A}: dense P", 8 * S * A * S)
    P = np.zeros((S, A, S))
    R = np.zeros((S, A))
    terminal = np.zeros(S, dtype=bool)
    for s in range(S):
        acts = table[s]
        if isinstance(acts, (list, tuple)):
            acts = dict(enumerate(acts))
        if not isinstance(acts, dict) or set(acts) != set(range(A)):
            keys = sorted(acts, key=repr) if isinstance(acts, dict) else type(acts).__name__
            raise InvalidModel(f"env.unwrapped.P[{s}] has actions {_short(keys)}, expected "
                               f"the actions 0..{A - 1}")
        for a in range(A):
            outcomes = acts[a]
            if not isinstance(outcomes, (list, tuple)):
                raise InvalidModel(f"env.unwrapped.P[{s}][{a}] has type "
                                   f"{type(outcomes).__name__}, expected a list of "
                                   "(prob, next_state, reward, terminated)")
            for i, out in enumerate(outcomes):
                where = f"env.unwrapped.P[{s}][{a}][{i}]"
                if not isinstance(out, (list, tuple)) or len(out) != 4:
                    raise InvalidModel(f"{where} = {_short(out)}, expected a tuple "
                                       "(prob, next_state, reward, terminated)")
                prob, nxt, rew, done = out
                prob = check_real(f"{where} probability", prob, lower=0.0, upper=1.0)
                rew = check_real(f"{where} reward", rew)
                nxt = check_int(f"{where} next_state", nxt, min_value=0, max_value=S - 1)
                if not isinstance(done, (bool, np.bool_)) and done not in (0, 1):
                    raise InvalidModel(f"{where} terminated = {_short(done)}, expected a bool")
                P[s, a, nxt] += prob
                R[s, a] += prob * rew
                if done:
                    terminal[nxt] = True
    for s in np.flatnonzero(terminal):
        P[s] = 0.0
        P[s, :, s] = 1.0
        R[s] = 0.0
    return P, R
