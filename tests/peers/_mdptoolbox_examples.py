"""pymdptoolbox's ``src/mdptoolbox/example.py`` (sawcordwell/pymdptoolbox) and the shared
fixtures of ``src/tests/utils.py``, ported so that the peer's test inputs are rebuilt
bit for bit without installing pymdptoolbox.

``rand`` draws from a :class:`numpy.random.RandomState` passed in, which reproduces the
peer's ``numpy.random.seed(0)`` followed by the same global draws.

Copyright (c) 2011-2014 Steven A. W. Cordwell; Copyright (c) 2009 INRA. Redistributed
under the BSD 3-clause licence of pymdptoolbox (LICENSE.txt of that repository).
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp


def forest(S=3, r1=4, r2=2, p=0.1, is_sparse=False):
    """example.forest: P (A, S, S) dense or a list of two CSR matrices, R (S, A)."""
    if is_sparse:
        P = []
        rows = list(range(S)) * 2
        cols = [0] * S + list(range(1, S)) + [S - 1]
        vals = [p] * S + [1 - p] * S
        P.append(sp.coo_matrix((vals, (rows, cols)), shape=(S, S)).tocsr())
        rows = list(range(S))
        cols = [0] * S
        vals = [1] * S
        P.append(sp.coo_matrix((vals, (rows, cols)), shape=(S, S)).tocsr())
    else:
        P = np.zeros((2, S, S))
        P[0, :, :] = (1 - p) * np.diag(np.ones(S - 1), 1)
        P[0, :, 0] = p
        P[0, S - 1, S - 1] = (1 - p)
        P[1, :, :] = np.zeros((S, S))
        P[1, :, 0] = 1
    R = np.zeros((S, 2))
    R[S - 1, 0] = r1
    R[:, 1] = np.ones(S)
    R[0, 1] = 0
    R[S - 1, 1] = r2
    return P, R


def _rand_dense(states, actions, mask, rs):
    P = np.zeros((actions, states, states))
    R = np.zeros((actions, states, states))
    for action in range(actions):
        for state in range(states):
            if mask is None:
                m = rs.random_sample(states)
                r = rs.random_sample()
                m[m <= r] = 0
                m[m > r] = 1
            elif mask.shape == (actions, states, states):
                m = mask[action][state]
            else:
                m = mask[state]
            if m.sum() == 0:
                m[rs.randint(0, states)] = 1
            P[action][state] = m * rs.random_sample(states)
            P[action][state] = P[action][state] / P[action][state].sum()
            R[action][state] = (m * (2 * rs.random_sample(states) -
                                np.ones(states, dtype=int)))
    return P, R


def _rand_sparse(states, actions, mask, rs):
    P = [None] * actions
    R = [None] * actions
    for action in range(actions):
        PP = sp.dok_matrix((states, states))
        RR = sp.dok_matrix((states, states))
        for state in range(states):
            if mask is None:
                m = rs.random_sample(states)
                m[m <= 2 / 3.0] = 0
                m[m > 2 / 3.0] = 1
            elif mask.shape == (actions, states, states):
                m = mask[action][state]
            else:
                m = mask[state]
            n = int(m.sum())
            if n == 0:
                m[rs.randint(0, states)] = 1
                n = 1
            nz = m.nonzero()
            cols = nz[0] if len(nz) == 1 else nz[1]
            vals = rs.random_sample(n)
            vals = vals / vals.sum()
            reward = 2 * rs.random_sample(n) - np.ones(n)
            PP[state, cols] = vals
            RR[state, cols] = reward
        P[action] = PP.tocsr()
        R[action] = RR.tocsr()
    return P, R


def rand(S, A, is_sparse=False, mask=None, rs=None):
    """example.rand: dense P, R (A, S, S), or lists of A CSR matrices."""
    rs = np.random.RandomState(0) if rs is None else rs
    if mask is not None and not isinstance(mask, np.ndarray) and not sp.issparse(mask):
        raise TypeError("mask must be an array")
    if sp.issparse(mask):
        mask = mask.toarray()
    if mask is not None:
        mask = np.array(mask, dtype=float)
    if is_sparse:
        return _rand_sparse(S, A, mask, rs)
    return _rand_dense(S, A, mask, rs)


def small():
    """example.small: P (2, 2, 2), R (2, 2)."""
    P = np.array([[[0.5, 0.5], [0.8, 0.2]], [[0, 1], [0.1, 0.9]]])
    R = np.array([[5, 10], [-1, 2]])
    return P, R


# src/tests/utils.py
STATES, ACTIONS, SMALLNUM = 10, 3, 10e-12
P_small, R_small = small()
P_sparse = np.empty(2, dtype=object)
P_sparse[0] = sp.csr_matrix(P_small[0])
P_sparse[1] = sp.csr_matrix(P_small[1])
P_forest, R_forest = forest()
P_forest_sparse, R_forest_sparse = forest(S=STATES, is_sparse=True)
_rs = np.random.RandomState(0)
P_rand, R_rand = rand(STATES, ACTIONS, rs=_rs)
_rs = np.random.RandomState(0)
P_rand_sparse, R_rand_sparse = rand(STATES, ACTIONS, is_sparse=True, rs=_rs)
