"""Soundness of every certificate against exact rational solutions.

The model a certificate is about is the stored float values read as the rationals
they are (``Fraction(float)`` is exact), exactly as ``exact_solve`` reads them; so
``max |V - V*| <= error_bound`` is checked in Fractions, on the inputs the constructor
accepts: rows summing to ``1 +- tol`` (default tol and the float32 tolerance), float32
inputs, gamma up to 0.9999, rewards from 1e-8 to 1e8, near-ties, absorbing states.
"""

from __future__ import annotations

import importlib.util
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import provable as pv
from provable.errors import InvalidArgument, InvalidModel, InvalidType, NotSupported, ProvableError
from provable.solvers.tabular.exact import rational_solve

HAS_TORCH = importlib.util.find_spec("torch") is not None
BACKENDS = ["numpy", "numba"] + (["torch"] if HAS_TORCH else [])


def _err(V: np.ndarray, V_star: np.ndarray) -> Fraction:
    """max |V - V*| exactly (V floats, V* Fractions)."""
    return max(abs(Fraction(float(v)) - e) for v, e in zip(V, V_star))


def _holds(V: np.ndarray, V_star: np.ndarray, bound: float) -> bool:
    if bound == np.inf:
        return True
    return bool(np.isfinite(V).all()) and _err(V, V_star) <= Fraction(bound)


def _policy_values(mdp: pv.TabularMDP, policy: np.ndarray) -> list[Fraction]:
    """Exact V^pi of a deterministic policy of the stored (rational) model."""
    S = mdp.S
    g = Fraction(mdp.gamma)
    Pd = mdp.dense_P()
    M = [[(Fraction(1) if s == j else Fraction(0)) - g * Fraction(float(Pd[s, policy[s], j]))
          for j in range(S)] for s in range(S)]
    return rational_solve(M, [Fraction(float(mdp.R[s, policy[s]])) for s in range(S)])


@st.composite
def adversarial_mdps(draw: st.DrawFn) -> pv.TabularMDP:
    S = draw(st.integers(1, 6))
    A = draw(st.integers(1, 3))
    w = np.array(draw(st.lists(st.integers(0, 9), min_size=S * A * S, max_size=S * A * S)),
                 dtype=float).reshape(S, A, S)
    w[..., 0] += (w.sum(axis=-1) == 0)  # no empty row
    P = w / w.sum(axis=-1, keepdims=True)
    for s in draw(st.lists(st.integers(0, S - 1), max_size=2)):  # absorbing states
        P[s] = 0.0
        P[s, :, s] = 1.0
    kind = draw(st.sampled_from(["exact", "defect", "defect_rows", "float32"]))
    tol = 1e-9
    if kind == "defect":  # every row off by the same amount, up to the default tol
        P = P * (1 + draw(st.sampled_from([9e-10, -9e-10, 5e-10, 1e-12, -1e-12])))
    elif kind == "defect_rows":  # each row its own defect
        d = np.array(draw(st.lists(st.floats(-9e-10, 9e-10), min_size=S * A, max_size=S * A)))
        P = P * (1 + d.reshape(S, A, 1))
    elif kind == "float32":  # float32 input promoted, accepted at the float32 tolerance
        tol = 1e-6
        P = P.astype(np.float32).astype(float) * (1 + draw(st.floats(-9e-7, 9e-7)))
    scale = 10.0 ** draw(st.integers(-8, 8))
    R = np.array(draw(st.lists(st.integers(0, 1000), min_size=S * A, max_size=S * A)),
                 dtype=float).reshape(S, A) * scale / 1000
    if A > 1 and draw(st.booleans()):  # near-ties
        R[:, 1] = R[:, 0] * (1 + 1e-12)
    gamma = draw(st.sampled_from([0.0, 0.5, 0.9, 0.99, 0.999, 0.9999]))
    return pv.TabularMDP(P, R, gamma=gamma, tol=tol)


def _configs(mdp: pv.TabularMDP) -> list[tuple[str, dict]]:
    # python-loop back ends get a budget (truncated runs must certify too); torch's
    # per-sweep overhead on tiny models is milliseconds, so it runs the span rule only
    out = []
    for stop in ("span", "sup"):
        out.append(("vi", {"backend": "numba", "stop": stop}))
        out.append(("vi", {"backend": "numpy", "stop": stop, "max_iter": 3000}))
    if HAS_TORCH:
        out.append(("vi", {"backend": "torch", "stop": "span", "max_iter": 300}))
    out.append(("vi", {"backend": "numba", "eliminate": True}))
    out.append(("vi", {"gauss_seidel": True}))
    out += [("mpi", {}), ("pi", {}), ("lp", {})]
    return out


# each example runs 10 solves (about 1 s); the thorough profile runs 100 examples
@settings(max_examples=max(12, settings.default.max_examples // 10), deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(mdp=adversarial_mdps())
def test_every_method_and_backend_certifies_against_exact(mdp):
    V_star = pv.solvers.exact_solve(mdp).V_exact
    for method, kw in _configs(mdp):
        res = pv.solve(mdp, method=method, tol=1e-8, **kw)
        assert _holds(res.V, V_star, res.error_bound), (method, kw, float(_err(res.V, V_star)),
                                                        res.error_bound, res.message)
        if res.converged and method in ("vi", "mpi"):
            assert res.error_bound <= 1e-8
        pb = getattr(res, "policy_error_bound", None)
        if pb is not None and np.isfinite(pb):
            V_pi = _policy_values(mdp, res.policy)
            assert max(e - v for e, v in zip(V_star, V_pi)) <= Fraction(pb), (method, kw)


# ----------------------------------------------------------- the reproductions
def _one_state(defect: float, R: float, gamma: float) -> tuple[pv.TabularMDP, Fraction]:
    m = pv.TabularMDP(np.array([[[1 + defect]]]), np.array([[R]]), gamma=gamma)
    V_star = Fraction(R) / (1 - Fraction(gamma) * Fraction(1 + defect))
    return m, V_star


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("stop", ["span", "sup"])
def test_row_defect_vi_is_certified(backend, stop):
    """Rows summing to 1 + 9e-10: V* = 1e8 / (1 - 0.9999 (1 + 9e-10)) ~ 1.000009e12; the
    span rule alone returns 1e12 (off by 9e6) and claimed a bound of 11."""
    m, V_star = _one_state(9e-10, 1e8, 0.9999)
    # the sup rule needs ~2e5 sweeps at gamma = 0.9999: python-loop back ends get a
    # budget, and a truncated run must certify what it returns too
    budget = {} if backend == "numba" or stop == "span" else {"max_iter": 2000}
    res = pv.solve(m, method="vi", backend=backend, stop=stop, **budget)
    assert abs(Fraction(float(res.V[0])) - V_star) <= Fraction(res.error_bound)
    if not budget:  # the refinement reaches V* (to float64's floor), not a loose bound
        assert res.error_bound < 100


@pytest.mark.parametrize("method", ["mpi", "pi", "lp", "exact"])
def test_row_defect_other_methods_are_certified(method):
    m, V_star = _one_state(9e-10, 1e8, 0.9999)
    res = pv.solve(m, method=method)
    assert abs(Fraction(float(res.V[0])) - V_star) <= Fraction(res.error_bound)


def test_small_row_defect_is_certified():
    m, V_star = _one_state(1e-12, 1.0, 0.999)
    for be in BACKENDS:
        res = pv.solve(m, method="vi", backend=be)
        assert abs(Fraction(float(res.V[0])) - V_star) <= Fraction(res.error_bound)
        assert res.converged


def test_non_contraction_is_refused():
    """gamma * row sum >= 1: no V* to certify."""
    m = pv.TabularMDP(np.array([[[1 + 9e-10]]]), np.array([[1.0]]), gamma=1 - 1e-12)
    for method in ("vi", "pi", "mpi", "exact"):
        with pytest.raises(InvalidModel, match="not a contraction"):
            pv.solve(m, method=method)


def test_overflow_is_never_converged():
    """R = 1e306, gamma = 0.999: V* = 1e309 is beyond float64."""
    m = pv.TabularMDP(np.array([[[1.0]]]), np.array([[1e306]]), gamma=0.999)
    for method, kw in [("vi", {"backend": b}) for b in BACKENDS] + [("mpi", {}), ("pi", {})]:
        res = pv.solve(m, method=method, **kw)
        assert not res.converged, (method, kw)
        assert res.error_bound == np.inf
        assert "not finite" in res.message


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
@pytest.mark.parametrize("backend", ["numpy", "numba"])
def test_non_finite_start_vector_is_refused(bad, backend):
    mdp = pv.mdp.river_swim(4)
    V0 = np.zeros(4)
    V0[2] = bad
    with pytest.raises(InvalidArgument, match=r"V0\[2\]="):
        pv.solve(mdp, method="vi", V0=V0, backend=backend)


def test_nan_iterate_never_stops_as_converged():
    """The numba loop saw lo = inf, hi = -inf on NaN sweeps and stopped with bound -inf."""
    from provable.backends import value_iteration_loop

    mdp = pv.mdp.river_swim(4)
    V0 = np.full(4, np.nan)
    for be in ("numpy", "numba"):
        _, _, it, _, _, conv = value_iteration_loop(mdp.P_at(), mdp.R.ravel(), 0.9, V0, 1e-8,
                                                    50, True, be)
        assert not conv and it == 1


def test_lsvi_terminal_nan_is_refused():
    from provable.mdp._linear_generators import random_linear_mdp

    lin = random_linear_mdp(S=5, A=2, d=3, horizon=4, seed=0)
    with pytest.raises(InvalidArgument, match=r"terminal\[1\]=nan"):
        pv.solvers.lsvi(lin, terminal=[0.0, np.nan, 0.0, 0.0, 0.0])


def test_backward_induction_terminal_nan_is_refused():
    fh = pv.mdp.river_swim(4, gamma=None).with_horizon(3)
    with pytest.raises(InvalidArgument, match=r"terminal\[0\]=inf"):
        pv.solvers.backward_induction(fh, terminal=[np.inf, 0, 0, 0])


def test_exact_solve_never_changes_the_model():
    """max_denominator=10 read gamma 0.95 as 9/10 and rows as 31/30."""
    with pytest.raises(InvalidArgument, match="gamma=0.95"):
        pv.solvers.exact_solve(pv.mdp.river_swim(6), max_denominator=10)
    # a decimal model whose fractions round back to the stored floats is read as typed
    P = np.array([[[0.1, 0.9]], [[0.5, 0.5]]])
    m = pv.TabularMDP(P, np.array([[1.0], [0.0]]), gamma=0.9)
    res = pv.solvers.exact_solve(m, max_denominator=10)
    g = Fraction(9, 10)
    # V0 = 1 + g (V0/10 + 9 V1/10), V1 = g (V0 + V1)/2, solved by hand
    V1_over_V0 = g / 2 / (1 - g / 2)
    V0 = 1 / (1 - g * (Fraction(1, 10) + Fraction(9, 10) * V1_over_V0))
    assert res.V_exact[0] == V0
    exact_floats = pv.solvers.exact_solve(m).V_exact
    assert _holds(res.V, exact_floats, res.error_bound)


def test_rvi_detects_two_closed_classes_quickly():
    """Two absorbing states with gains 1 and 0 (reached from a start state)."""
    P = np.zeros((3, 2, 3))
    P[0, 0, 1] = P[0, 1, 2] = 1
    P[1, :, 1] = P[2, :, 2] = 1
    R = np.array([[0.0, 0.0], [1.0, 1.0], [0.0, 0.0]])
    with pytest.raises(NotSupported, match=r"g\*\(1\) >= 1 but g\*\(2\) <= 0"):
        pv.solve(pv.TabularMDP(P, R), max_iter=20)  # found by the 10th sweep


def test_rvi_detects_a_transient_looking_recurrent_state():
    """State 0 can stay (gain 1) or leave for absorbing state 1 (gain 0.2): one closed
    class of the transition graph, yet the optimal gain is 1 at 0 and 0.2 at 1."""
    P = np.zeros((2, 2, 2))
    P[0, 0, 0] = P[0, 1, 1] = 1
    P[1, :, 1] = 1
    R = np.array([[1.0, 0.0], [0.2, 0.2]])
    with pytest.raises(NotSupported, match=r"g\*\(0\) >= 1 but g\*\(1\) <= 0.2"):
        pv.solve(pv.TabularMDP(P, R), max_iter=100)


def test_rvi_weakly_communicating_still_solves():
    """A transient state with its own loop worth less than the closed class: constant
    gain, so RVI must not refuse; its gain matches the LP's."""
    P = np.zeros((2, 2, 2))
    P[0, 0, 0] = P[0, 1, 1] = 1
    P[1, :, 1] = 1
    R = np.array([[0.1, 0.0], [0.2, 0.2]])
    res = pv.solve(pv.TabularMDP(P, R))
    assert res.converged and abs(res.gain - 0.2) <= res.error_bound


def test_rvi_default_budget_is_capped():
    from provable.solvers.tabular.average_reward import default_rvi_max_iter

    assert default_rvi_max_iter(5) == 10_000
    assert default_rvi_max_iter(20_000) == 200_000


# ----------------------------------------------------------- argument validation
def test_unknown_option_lists_the_methods_options():
    mdp = pv.mdp.river_swim(4)
    with pytest.raises(InvalidArgument, match=r"stopping='sup' is not an option of "
                       r"method='value_iteration', expected one of \['stop'"):
        pv.solve(mdp, method="vi", stopping="sup")
    with pytest.raises(InvalidArgument, match="policy0"):
        pv.solve(mdp, method="pi", polcy0=[0, 0, 0, 0])


@pytest.mark.parametrize("policy0", ["abc", [0.7, 0, 0, 0], [0, 0, 0, 5], [0, 0, 0],
                                     [np.nan, 0, 0, 0], [True, False, True, False]])
def test_bad_policy0_is_refused(policy0):
    with pytest.raises(ProvableError, match="policy0"):
        pv.solve(pv.mdp.river_swim(4), method="pi", policy0=policy0)


@pytest.mark.parametrize("flag", ["yes", 1, None])
def test_gauss_seidel_must_be_a_bool(flag):
    with pytest.raises(InvalidType, match="gauss_seidel="):
        pv.solve(pv.mdp.river_swim(4), method="vi", gauss_seidel=flag)


@pytest.mark.parametrize("backend", ["numba"] + (["torch"] if HAS_TORCH else []))
def test_batched_vi_certifies_defective_rows(backend):
    """The batched kernels stop on the span rule too; their bound is the certificate."""
    from provable.backends.batched import batch_value_iteration

    d = np.array([9e-10, -9e-10, 0.0])
    P = np.ones((3, 1, 1, 1)) * (1 + d)[:, None, None, None]
    R = np.full((3, 1, 1), 1e4)
    res = batch_value_iteration(P, R, gamma=0.9999, tol=1e-6, backend=backend)
    for b in range(3):
        V_star = Fraction(1e4) / (1 - Fraction(0.9999) * Fraction(float(P[b, 0, 0, 0])))
        assert abs(Fraction(float(res.V[b, 0])) - V_star) <= Fraction(float(res.error_bound[b]))
