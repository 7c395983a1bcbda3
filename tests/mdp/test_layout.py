"""A dense P with as many states as actions has two readings, provable's P[s, a, s'] and
pymdptoolbox's P[a, s, s']. They give different models; the one taken is either stated by
the caller (``layout=``, ``from_mdptoolbox``) or announced by a LayoutWarning. The
optimal values are checked against exact rationals over every deterministic policy."""

from __future__ import annotations

import itertools
import warnings
from fractions import Fraction

import numpy as np
import pytest
from _fraction_solve import fsolve

import provable as pv
from provable.errors import InvalidArgument, InvalidModel, InvalidType
from provable.mdp import LayoutWarning

# pymdptoolbox layout P[a][s, s'], S = A = 2; rewards R[s, a]
P_ASS = np.array([[[0.5, 0.5], [0.0, 1.0]],     # action 0
                  [[1.0, 0.0], [0.25, 0.75]]])  # action 1
R_SA = np.array([[1.0, 0.0], [3.0, 2.0]])
GAMMA = 0.9


def exact_optimum(Pf, Rf, g):
    """max over deterministic policies of the exact policy value, state by state (the
    optimal policy is deterministic and attains the maximum in every state at once)."""
    S, A = len(Pf), len(Pf[0])
    best = None
    for pol in itertools.product(range(A), repeat=S):
        M = [[(1 if s == t else 0) - g * Pf[s][pol[s]][t] for t in range(S)]
             for s in range(S)]
        V = fsolve(M, [Rf[s][pol[s]] for s in range(S)])
        best = V if best is None else [max(a, b) for a, b in zip(best, V)]
    return best


def fractions_of(P_sas):
    S, A = P_sas.shape[:2]
    Pf = [[[Fraction(float(P_sas[s, a, t])) for t in range(S)] for a in range(A)]
          for s in range(S)]
    Rf = [[Fraction(float(R_SA[s, a])) for a in range(A)] for s in range(S)]
    return Pf, Rf, Fraction(GAMMA)


def test_the_two_readings_are_different_problems():
    right = exact_optimum(*fractions_of(np.transpose(P_ASS, (1, 0, 2))))
    wrong = exact_optimum(*fractions_of(P_ASS))
    assert right != wrong   # so reading the wrong layout silently would solve another MDP


def test_mdptoolbox_layout_without_saying_so_warns():
    with pytest.warns(LayoutWarning, match=r"S = A = 2: read as P\[s, a, s'\].*layout='ass'"):
        m = pv.TabularMDP(P_ASS, R_SA, gamma=GAMMA)
    # what was assumed is what the warning says: provable's layout
    np.testing.assert_array_equal(m.P, P_ASS)


@pytest.mark.parametrize("build", [
    lambda: pv.TabularMDP(P_ASS, R_SA, gamma=GAMMA, layout="ass"),
    lambda: pv.TabularMDP.from_mdptoolbox(P_ASS, R_SA, gamma=GAMMA),
    lambda: pv.TabularMDP(np.transpose(P_ASS, (1, 0, 2)), R_SA, gamma=GAMMA, layout="sas"),
])
def test_a_stated_layout_is_silent_and_solves_the_pymdptoolbox_problem(build):
    with warnings.catch_warnings():
        warnings.simplefilter("error", LayoutWarning)
        m = build()
    exact = exact_optimum(*fractions_of(np.transpose(P_ASS, (1, 0, 2))))
    V = pv.solve(m, "pi").V
    np.testing.assert_allclose(V, [float(v) for v in exact], rtol=0, atol=1e-9)


def test_layout_ass_transposes_a_transition_reward_too():
    R_ass = np.stack([np.full((2, 2), 1.0), np.array([[0.0, 5.0], [2.0, 4.0]])])  # R[a][s, t]
    m = pv.TabularMDP(P_ASS, R_ass, gamma=GAMMA, layout="ass")
    ref = pv.TabularMDP.from_mdptoolbox(P_ASS, R_ass, gamma=GAMMA)
    # r(s=1, a=1) = 0.25 * 2 + 0.75 * 4
    assert m.R[1, 1] == 3.5
    np.testing.assert_array_equal(m.R, ref.R)
    np.testing.assert_array_equal(m.P, ref.P)


def test_no_warning_when_the_readings_agree_or_the_shape_decides():
    sym = np.array([[[1.0, 0.0], [0.0, 1.0]], [[0.0, 1.0], [1.0, 0.0]]])   # P[s,a] == P[a,s]
    P3 = np.full((3, 2, 3), 1 / 3)
    with warnings.catch_warnings():
        warnings.simplefilter("error", LayoutWarning)
        pv.TabularMDP(sym, R_SA, gamma=GAMMA)
        pv.TabularMDP(P3, np.zeros((3, 2)), gamma=GAMMA)
        pv.mdp.random_mdp(S=3, A=3, gamma=GAMMA, seed=0)      # provable's own constructors
        pv.mdp.random_mdp(S=3, A=3, gamma=GAMMA, seed=0).with_gamma(0.5)


def test_bad_layouts_are_refused():
    with pytest.raises(InvalidArgument, match=r"layout='asa', expected one of \['sas', 'ass'\]"):
        pv.TabularMDP(P_ASS, R_SA, gamma=GAMMA, layout="asa")
    with pytest.raises(InvalidModel, match=r"shape \(2, 3, 2\), expected \(A, S, S\)"):
        pv.TabularMDP(np.full((2, 3, 2), 0.5), np.zeros((3, 2)), gamma=GAMMA, layout="ass")


def test_from_mdptoolbox_needs_a_criterion():
    with pytest.raises(InvalidArgument, match=r"gamma=\.\.\. \(pymdptoolbox's discount\), "
                                              r"horizon=H, or average=True"):
        pv.TabularMDP.from_mdptoolbox(P_ASS, R_SA)
    with pytest.raises(InvalidArgument, match="average=True with gamma=0.9"):
        pv.TabularMDP.from_mdptoolbox(P_ASS, R_SA, gamma=0.9, average=True)
    with pytest.raises(InvalidType, match="average='yes'"):
        pv.TabularMDP.from_mdptoolbox(P_ASS, R_SA, average="yes")
    m = pv.TabularMDP.from_mdptoolbox(P_ASS, R_SA, average=True)
    assert m.criterion == "average" and repr(m) == "TabularMDP(S=2, A=2, average reward, dense)"
    assert pv.TabularMDP.from_mdptoolbox(P_ASS, R_SA, horizon=3).criterion == "finite_horizon"
